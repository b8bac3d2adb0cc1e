/* md5.h: MD5 (RFC 1321) and the md5crypt ("$1$salt$hash") password check GRUB legacy used. */
#ifndef OSPREY_MD5_H
#define OSPREY_MD5_H

#include "lib/lib.h"

struct md5 {
	uint32_t h[4];
	uint64_t len;        /* bytes fed so far */
	uint8_t buf[64];
};

void md5_init(struct md5 *c);
void md5_update(struct md5 *c, const void *data, size_t len);
void md5_final(struct md5 *c, uint8_t out[16]);

/* The md5crypt form of pw with the salt (up to 8 characters, ended by '$' or NUL) of
 * setting ("$1$salt[$...]"), written as "$1$salt$<22 chars>" into out (at least 35 bytes).
 * Returns -E_INVAL when setting does not start with "$1$". */
int md5crypt(const char *pw, const char *setting, char *out, size_t size);
/* 0 when pw matches the md5crypt hash, -E_ACCESS when it does not, -E_INVAL for a hash that
 * is not in the $1$ form. */
int md5crypt_check(const char *pw, const char *hash);

#endif
