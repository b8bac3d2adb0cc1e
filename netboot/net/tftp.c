/* tftp.c: placeholder until written. */
