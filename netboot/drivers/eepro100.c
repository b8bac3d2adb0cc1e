/* eepro100.c: placeholder until written. */
