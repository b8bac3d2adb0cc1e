/* tftp_file.c: placeholder until written. */
