/* test_sha256.c: placeholder until written. */
