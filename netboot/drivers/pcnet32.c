/* pcnet32.c: placeholder until written. */
