/* test_tftp.c: placeholder until written. */
