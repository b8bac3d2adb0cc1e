/* eth.c: placeholder until written. */
