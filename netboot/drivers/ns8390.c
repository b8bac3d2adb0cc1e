/* ns8390.c: placeholder until written. */
