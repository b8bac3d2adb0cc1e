/* parse.c: strict parsers for numbers, sizes and IPv4 addresses, and safe string copy. */
#include "lib/lib.h"
#include "lib/errors.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse the number at the start of s (decimal, or hex after 0x) up to max.
 * Stores where it stopped in *end. At least one digit is required. */
static int parse_number(const char *s, uint64_t max, uint64_t *out, const char **end)
{
	unsigned base = 10;
	uint64_t v = 0;
	const char *p = s;
	int rc = 0;

	if (!s)
		return -E_INVAL;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *digits = p;
	for (;; p++) {
		int d = hex_value(*p);
		if (d < 0 || (unsigned)d >= base)
			break;
		if (v > (max - (unsigned)d) / base)
			rc = -E_RANGE;   /* keep scanning: junk after the digits is still -E_INVAL */
		else
			v = v * base + (unsigned)d;
	}
	if (p == digits)
		return -E_INVAL;
	*out = v;
	*end = p;
	return rc;
}

int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	const char *end;
	int rc = parse_number(s, 0xffffffffu, &v, &end);

	if (rc == -E_INVAL)
		return rc;
	if (*end)
		return -E_INVAL;
	if (rc)
		return rc;
	*out = (uint32_t)v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	uint64_t v;
	const char *end;
	unsigned shift = 0;
	int rc = parse_number(s, UINT64_MAX, &v, &end);

	if (rc == -E_INVAL)
		return rc;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	default:
		return -E_INVAL;
	}
	if (*end)
		return -E_INVAL;
	if (rc)
		return rc;
	if (shift && v > (UINT64_MAX >> shift))
		return -E_RANGE;
	*out = v << shift;
	return 0;
}

/* Strict dotted quad: exactly four decimal parts 0..255, no leading zeros ("01"),
 * no signs, spaces or anything after the last part. */
int parse_ipv4(const char *s, uint32_t *out)
{
	uint32_t ip = 0;

	if (!s)
		return -E_INVAL;
	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		int nd = 0;

		if (part > 0) {
			if (*s != '.')
				return -E_INVAL;
			s++;
		}
		while (*s >= '0' && *s <= '9') {
			if (nd == 3)
				return -E_INVAL;
			if (nd == 1 && v == 0)
				return -E_INVAL;   /* leading zero */
			v = v * 10 + (unsigned)(*s - '0');
			nd++;
			s++;
		}
		if (nd == 0 || v > 255)
			return -E_INVAL;
		ip = ip << 8 | v;
	}
	if (*s)
		return -E_INVAL;
	*out = ip;
	return 0;
}

char *format_ipv4(uint32_t ip, char *buf)
{
	char *p = buf;

	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned v = (ip >> shift) & 0xff;
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		if (shift)
			*p++ = '.';
	}
	*p = '\0';
	return buf;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = 0;

	while (src[len])
		len++;
	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i];
		dst[n] = '\0';
	}
	return len;
}
