/* rtl8139.c: placeholder until written. */
