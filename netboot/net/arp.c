/* arp.c: placeholder until written. */
