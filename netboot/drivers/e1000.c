/* e1000.c: placeholder until written. */
