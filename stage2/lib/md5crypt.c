/* md5crypt.c: the "$1$" password hash (FreeBSD's MD5-based crypt, which GRUB legacy's md5crypt
 * command produced), written from the algorithm's published description. */
#include "lib/md5.h"
#include "lib/errors.h"

static const char itoa64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* n characters of v, six bits at a time, least significant first. */
static char *to64(char *p, uint32_t v, int n)
{
	while (n--) {
		*p++ = itoa64[v & 0x3f];
		v >>= 6;
	}
	return p;
}

int md5crypt(const char *pw, const char *setting, char *out, size_t size)
{
	static const char magic[] = "$1$";
	size_t pwlen = strlen(pw), slen = 0;
	const char *salt;
	uint8_t fin[16];
	struct md5 c, alt;

	if (strncmp(setting, magic, 3) != 0)
		return -E_INVAL;
	salt = setting + 3;
	while (slen < 8 && salt[slen] && salt[slen] != '$')
		slen++;
	if (size < 3 + slen + 1 + 22 + 1)
		return -E_TOOBIG;

	/* The "alternate" sum: password, salt, password. */
	md5_init(&alt);
	md5_update(&alt, pw, pwlen);
	md5_update(&alt, salt, slen);
	md5_update(&alt, pw, pwlen);
	md5_final(&alt, fin);

	md5_init(&c);
	md5_update(&c, pw, pwlen);
	md5_update(&c, magic, 3);
	md5_update(&c, salt, slen);
	for (size_t n = pwlen; n > 0; n -= n > 16 ? 16 : n)
		md5_update(&c, fin, n > 16 ? 16 : n);
	/* For each bit of the length, low first: a NUL byte for a 1, the first password byte
	 * for a 0 (the original reads pw[0], which is the NUL of an empty password). */
	for (size_t n = pwlen; n; n >>= 1)
		md5_update(&c, (n & 1) ? "" : pw, 1);
	md5_final(&c, fin);

	/* 1000 rounds, meant to slow down guessing. */
	for (int i = 0; i < 1000; i++) {
		md5_init(&c);
		if (i & 1)
			md5_update(&c, pw, pwlen);
		else
			md5_update(&c, fin, 16);
		if (i % 3)
			md5_update(&c, salt, slen);
		if (i % 7)
			md5_update(&c, pw, pwlen);
		if (i & 1)
			md5_update(&c, fin, 16);
		else
			md5_update(&c, pw, pwlen);
		md5_final(&c, fin);
	}

	char *p = out;
	memcpy(p, magic, 3);
	p += 3;
	memcpy(p, salt, slen);
	p += slen;
	*p++ = '$';
	p = to64(p, (uint32_t)fin[0] << 16 | fin[6] << 8 | fin[12], 4);
	p = to64(p, (uint32_t)fin[1] << 16 | fin[7] << 8 | fin[13], 4);
	p = to64(p, (uint32_t)fin[2] << 16 | fin[8] << 8 | fin[14], 4);
	p = to64(p, (uint32_t)fin[3] << 16 | fin[9] << 8 | fin[15], 4);
	p = to64(p, (uint32_t)fin[4] << 16 | fin[10] << 8 | fin[5], 4);
	p = to64(p, fin[11], 2);
	*p = '\0';
	return 0;
}

int md5crypt_check(const char *pw, const char *hash)
{
	char out[64];
	int rc = md5crypt(pw, hash, out, sizeof(out));

	if (rc < 0)
		return rc;
	/* Compare every byte so the time taken does not tell how much matched. */
	size_t n = strlen(out), m = strlen(hash);
	unsigned diff = n != m;

	for (size_t i = 0; i < n; i++)
		diff |= (unsigned)(out[i] ^ (i < m ? hash[i] : 0));
	return diff ? -E_ACCESS : 0;
}
