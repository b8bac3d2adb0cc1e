/* icmp.c: placeholder until written. */
