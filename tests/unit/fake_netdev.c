/* fake_netdev.c: placeholder until written. */
