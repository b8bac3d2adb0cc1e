/* test_dhcp.c: placeholder until written. */
