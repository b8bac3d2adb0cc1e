/* test_md5.c: MD5 against RFC 1321's test suite, and md5crypt against digests a real
 * `openssl passwd -1` made (a fixed table, and fresh ones made while the test runs). */
#include "test.h"
#include <stdio.h>
#include <stdlib.h>
#include "lib/md5.h"
#include "lib/errors.h"

static const char *md5_hex(const char *s, size_t split)
{
	static char out[33];
	struct md5 c;
	uint8_t d[16];
	size_t n = strlen(s);

	md5_init(&c);
	md5_update(&c, s, split < n ? split : n);
	md5_update(&c, s + (split < n ? split : n), n - (split < n ? split : n));
	md5_final(&c, d);
	for (int i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
	return out;
}

/* RFC 1321, appendix A.5. */
TEST(md5_rfc1321_suite)
{
	static const char *const v[][2] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		for (size_t split = 0; split <= strlen(v[i][0]); split += 7)
			CHECK_STR(md5_hex(v[i][0], split), v[i][1]);
}

/* Made with: for p in password '' a osprey-menu-secret-longer-than-sixteen-bytes 'x y'; do
 *   for s in abc 12345678 saltsaltX; do openssl passwd -1 -salt $s "$p"; done; done
 * (OpenSSL 3.0.x; the 9-character salt is cut to 8 as md5crypt does). */
static const char *const openssl_digests[][2] = {
	{ "password", "$1$abc$BXBqpb9BZcZhXLgbee.0s/" },
	{ "password", "$1$12345678$o2n/JiO/h5VviOInWJ4OQ/" },
	{ "password", "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/" },
	{ "", "$1$abc$Or2rbeUYTvt12aiVzMuS/." },
	{ "", "$1$12345678$xek.CpjQUVgdf/P2N9KQf/" },
	{ "", "$1$saltsalt$5Jhcit4zN9UlGiA0txPkO0" },
	{ "a", "$1$abc$uAXS.Zj1ZDNcW9iX1TVH2/" },
	{ "a", "$1$12345678$3Uz6TyHSiGZR0yDMOX3jO0" },
	{ "a", "$1$saltsalt$MzDjbImyzEz2m0NTiPzNW/" },
	{ "osprey-menu-secret-longer-than-sixteen-bytes", "$1$abc$S1OoJVtVUV1LyOPvz9jYR/" },
	{ "osprey-menu-secret-longer-than-sixteen-bytes", "$1$12345678$rUjodBodnKL0Z7VSqpDv2/" },
	{ "osprey-menu-secret-longer-than-sixteen-bytes", "$1$saltsalt$abu7AKV3sGk6kz3FQdao31" },
	{ "x y", "$1$abc$/y9/acLk9VfUJXy6muXKv1" },
	{ "x y", "$1$12345678$5U215M/NqWTGE9IwDUnug1" },
	{ "x y", "$1$saltsalt$i6T9F0id84xxatcojlVPv0" },
};

TEST(md5crypt_openssl_table)
{
	char out[64];

	for (size_t i = 0; i < sizeof(openssl_digests) / sizeof(openssl_digests[0]); i++) {
		CHECK_EQ(md5crypt(openssl_digests[i][0], openssl_digests[i][1], out, sizeof(out)), 0);
		CHECK_STR(out, openssl_digests[i][1]);
		CHECK_EQ(md5crypt_check(openssl_digests[i][0], openssl_digests[i][1]), 0);
		CHECK_EQ(md5crypt_check("wrong", openssl_digests[i][1]), -E_ACCESS);
	}
}

/* Fresh digests from the openssl binary at test time: random passwords of 0..70 bytes and
 * random salts of 1..8 characters. openssl is a test dependency (scripts/install-deps). */
TEST(md5crypt_openssl_live)
{
	static const char cs[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./";
	srand(12345);
	for (int round = 0; round < 12; round++) {
		char pw[80], salt[9], cmd[256], line[128];
		int pl = rand() % 71, sl = 1 + rand() % 8;

		for (int i = 0; i < pl; i++)
			pw[i] = cs[rand() % 62];
		pw[pl] = 0;
		for (int i = 0; i < sl; i++)
			salt[i] = cs[rand() % 64];
		salt[sl] = 0;
		snprintf(cmd, sizeof(cmd), "openssl passwd -1 -salt '%s' '%s'", salt, pw);
		FILE *f = popen(cmd, "r");
		CHECK(f != NULL);
		if (!f)
			return;
		line[0] = 0;
		CHECK(fgets(line, sizeof(line), f) != NULL);
		CHECK_EQ(pclose(f), 0);
		line[strcspn(line, "\n")] = 0;
		CHECK(strncmp(line, "$1$", 3) == 0);
		CHECK_EQ(md5crypt_check(pw, line), 0);
		pw[0] ^= 1;
		CHECK_EQ(md5crypt_check(pw, line), -E_ACCESS);
	}
}

TEST(md5crypt_hostile)
{
	char out[64];

	CHECK_EQ(md5crypt_check("x", ""), -E_INVAL);
	CHECK_EQ(md5crypt_check("x", "$2$abc$"), -E_INVAL);
	CHECK_EQ(md5crypt_check("x", "$1$"), -E_ACCESS);          /* empty salt, no hash */
	CHECK_EQ(md5crypt_check("x", "$1$abc$BXBqpb9BZcZhXLgbee.0s/extra"), -E_ACCESS);
	CHECK_EQ(md5crypt_check("password", "$1$abc$BXBqpb9BZcZhXLgbee.0s"), -E_ACCESS);
	CHECK_EQ(md5crypt("x", "$1$abc", out, 10), -E_TOOBIG);
	CHECK_EQ(md5crypt("x", "$1$abcdefghijklmnop", out, sizeof(out)), 0);
	CHECK(strncmp(out, "$1$abcdefgh$", 12) == 0);
}
