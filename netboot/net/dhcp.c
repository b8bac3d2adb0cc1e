/* dhcp.c: placeholder until written. */
