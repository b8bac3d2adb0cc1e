/* udp.c: placeholder until written. */
