/* test_netstack.c: placeholder until written. */
