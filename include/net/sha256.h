/* sha256.h: SHA-256 (FIPS 180-4), incremental, for checking downloaded images. */
#ifndef OSPREY_SHA256_H
#define OSPREY_SHA256_H

#include "lib/lib.h"

#define SHA256_DIGEST_LEN 32
#define SHA256_BLOCK_LEN 64

struct sha256_ctx {
	uint32_t h[8];
	uint64_t total;                 /* bytes hashed so far */
	uint8_t buf[SHA256_BLOCK_LEN];  /* a partial block */
	size_t used;                    /* bytes in buf */
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/* Finish and write the 32-byte digest; the context must be re-initialized before reuse. */
void sha256_final(struct sha256_ctx *c, uint8_t digest[SHA256_DIGEST_LEN]);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char out[65]);
/* One-shot convenience. */
void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_LEN]);

#endif
