/* ipv4.c: placeholder until written. */
