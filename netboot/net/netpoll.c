/* netpoll.c: placeholder until written. */
