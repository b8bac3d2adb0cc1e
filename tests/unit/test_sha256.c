/* test_sha256.c: SHA-256 against the FIPS 180-2/NIST example vectors, whole and split at every offset. */
#include "test.h"
#include "net/sha256.h"

static const char *hash_hex(const void *data, size_t len)
{
	static char out[65];
	uint8_t d[32];

	sha256(data, len, d);
	sha256_hex(d, out);
	return out;
}

static const char MSG448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char MSG896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
			     "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

TEST(sha256_vectors)
{
	CHECK_STR(hash_hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_STR(hash_hex("abc", 3), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_STR(hash_hex(MSG448, strlen(MSG448)),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	CHECK_STR(hash_hex(MSG896, strlen(MSG896)),
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(sha256_million_a)
{
	static uint8_t a[1000];
	struct sha256_ctx c;
	uint8_t d[32];
	char hex[65];

	memset(a, 'a', sizeof(a));
	sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		sha256_update(&c, a, sizeof(a));
	sha256_final(&c, d);
	sha256_hex(d, hex);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Every split point of a message gives the same digest as hashing it whole, for messages of
 * lengths around the 55/56/64-byte padding boundaries too. */
TEST(sha256_incremental)
{
	uint8_t msg[200], whole[32], part[32];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7 + 3);
	for (size_t len = 0; len <= sizeof(msg); len++) {
		sha256(msg, len, whole);
		for (size_t cut = 0; cut <= len; cut++) {
			struct sha256_ctx c;
			sha256_init(&c);
			sha256_update(&c, msg, cut);
			sha256_update(&c, msg + cut, len - cut);
			sha256_final(&c, part);
			if (memcmp(whole, part, 32) != 0) {
				CHECK(!"split digest differs");
				printf("    len %zu cut %zu\n", len, cut);
				return;
			}
		}
	}
	/* byte by byte */
	struct sha256_ctx c;
	sha256_init(&c);
	for (size_t i = 0; i < strlen(MSG448); i++)
		sha256_update(&c, MSG448 + i, 1);
	sha256_final(&c, part);
	char hex[65];
	sha256_hex(part, hex);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
