/* fuzz_parse.c: libFuzzer target for the number/size/IPv4 parsers and fmt_vsnprintf (checked against libc). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/lib.h"
#include "lib/errors.h"

static int ofmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = fmt_vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

/* Our formatter and libc must agree, including the truncated output and the return value. */
#define SAME(size, ...)                                                   \
	do {                                                              \
		char ours[600], libc[600];                                \
		memset(ours, 'Z', sizeof(ours));                          \
		memset(libc, 'Z', sizeof(libc));                          \
		int no = ofmt(ours, size, __VA_ARGS__);                   \
		int nl = snprintf(libc, size, __VA_ARGS__);               \
		if (no != nl || memcmp(ours, libc, sizeof(ours)) != 0)    \
			abort();                                          \
	} while (0)

static char s[4096];

static void check_numbers(const char *str)
{
	uint32_t v32;
	uint64_t v64;
	char buf[64];

	int rc = parse_u32(str, &v32);
	if (rc == 0) {
		/* Re-parse the canonical decimal form: same value. */
		uint32_t again;
		snprintf(buf, sizeof(buf), "%u", v32);
		if (parse_u32(buf, &again) != 0 || again != v32)
			abort();
	} else if (rc != -E_INVAL && rc != -E_RANGE) {
		abort();
	}
	rc = parse_size(str, &v64);
	if (rc != 0 && rc != -E_INVAL && rc != -E_RANGE)
		abort();
	/* parse_size accepts every number parse_u32 accepts, with the same value. */
	if (parse_u32(str, &v32) == 0 && (parse_size(str, &v64) != 0 || v64 != v32))
		abort();

	uint32_t ip;
	rc = parse_ipv4(str, &ip);
	if (rc == 0) {
		/* The grammar is strict, so an accepted address is already canonical. */
		if (strcmp(format_ipv4(ip, buf), str) != 0)
			abort();
	} else if (rc != -E_INVAL) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 12)
		return 0;
	/* Header: 4 bytes int, 8 bytes long long; then the string. */
	int iv;
	long long llv;
	memcpy(&iv, data, 4);
	memcpy(&llv, data + 4, 8);
	data += 12;
	size -= 12;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
	memcpy(s, data, n);
	s[n] = '\0';

	check_numbers(s);

	/* Fixed formats with fuzzed strings and integers, at a fuzzed buffer size. */
	size_t bsz = (size_t)(llv & 0x3ff) % 600;
	int w = (iv >> 3) % 4000;   /* within the formatter's 4096 clamp */
	int p = (int)((llv >> 20) % 4000);
	SAME(bsz, "%s", s);
	SAME(bsz, "[%-20.5s]", s);
	SAME(bsz, "%.*s|%*s", p, s, w, "x");
	SAME(bsz, "%10s|%-3d|%05x|%i", s, iv, (unsigned)iv, iv);
	SAME(bsz, "%lld %llx %llo %llu", llv, (unsigned long long)llv, (unsigned long long)llv,
	     (unsigned long long)llv);
	SAME(bsz, "%hhd %hu %hhx %hd", (signed char)iv, (unsigned short)iv, (unsigned char)iv,
	     (short)iv);
	SAME(bsz, "%+d % d %#x %#o %#X", iv, iv, (unsigned)iv, (unsigned)iv, (unsigned)iv);
	SAME(bsz, "%*.*d|%-*x", w, p % 40, iv, w, (unsigned)iv);
	SAME(bsz, "%c%c%%%c", iv ? iv : 1, 'a', (int)(llv | 1));
	SAME(bsz, "%ld %lu %zu %zd", (long)llv, (unsigned long)llv, (size_t)llv, (size_t)iv);

	/* The fuzzed string as the format itself: every argument slot holds a valid string
	 * pointer, and at most 10 conversions (30 slots with '*' width and precision). */
	int pct = 0;
	for (size_t i = 0; i < n; i++)
		pct += s[i] == '%';
	if (pct <= 10) {
		static const char str[] = "str";
		char out[256];
		const char *a = str;
		ofmt(out, bsz < sizeof(out) ? bsz : sizeof(out), s, a, a, a, a, a, a, a, a, a, a,
		     a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a);
	}
	return 0;
}
