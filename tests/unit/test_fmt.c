/* test_fmt.c: unit tests of fmt_vsnprintf: conversions, flags, truncation, hostile formats. */
#include <limits.h>
#include <stdint.h>
#include "test.h"
#include "lib/lib.h"

static int ofmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = fmt_vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

#define EXPECT(exp, ...)                                                       \
	do {                                                                   \
		char _out[256];                                                \
		int _n = ofmt(_out, sizeof(_out), __VA_ARGS__);                \
		CHECK_STR(_out, exp);                                          \
		CHECK_EQ(_n, strlen(exp));                                     \
	} while (0)

/* Same output and return value as the host's libc. */
#define SAME(...)                                                              \
	do {                                                                   \
		char _ours[512], _libc[512];                                   \
		int _na = ofmt(_ours, sizeof(_ours), __VA_ARGS__);             \
		int _nb = snprintf(_libc, sizeof(_libc), __VA_ARGS__);         \
		CHECK_STR(_ours, _libc);                                       \
		CHECK_EQ(_na, _nb);                                            \
	} while (0)

TEST(fmt_integers)
{
	EXPECT("0", "%d", 0);
	EXPECT("-2147483648", "%d", INT_MIN);
	EXPECT("2147483647", "%i", INT_MAX);
	EXPECT("4294967295", "%u", UINT_MAX);
	EXPECT("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
	EXPECT("777", "%o", 0777);
	EXPECT("-9223372036854775808", "%lld", LLONG_MIN);
	EXPECT("18446744073709551615", "%llu", ULLONG_MAX);
	EXPECT("1777777777777777777777", "%llo", ULLONG_MAX);
	EXPECT("44", "%hhd", 300);
	EXPECT("-1", "%hhd", 255);
	EXPECT("255", "%hhu", -1);
	EXPECT("4464", "%hd", 70000);
	EXPECT("65535", "%hu", -1);
	EXPECT("123456", "%zu", (size_t)123456);
	EXPECT("-5", "%zd", (size_t)-5);
	EXPECT("-7", "%ld", -7L);
	EXPECT("100%", "%d%%", 100);
}

TEST(fmt_flags_width_precision)
{
	EXPECT("   42", "%5d", 42);
	EXPECT("42   |", "%-5d|", 42);
	EXPECT("-0042", "%05d", -42);
	EXPECT("007", "%.3d", 7);
	EXPECT("     007", "%8.3d", 7);
	EXPECT("-7      |", "%-08d|", -7);
	EXPECT("+5 +0", "%+d %+d", 5, 0);
	EXPECT(" 5", "% d", 5);
	EXPECT("0x1f 0X1F 0", "%#x %#X %#x", 31, 31, 0);
	EXPECT("017 0", "%#o %#o", 15, 0);
	EXPECT("", "%.0d", 0);
	EXPECT("0", "%#.0o", 0);
	EXPECT("  ", "%2.0u", 0);
	EXPECT("   ab", "%*s", 5, "ab");
	EXPECT("ab   |", "%*s|", -5, "ab");
	EXPECT("abc", "%.*s", -1, "abc");
	EXPECT("a", "%.*s", 1, "abc");
	EXPECT("0000ff", "%06x", 255);
	EXPECT("  x|x  ", "%3c|%-3c", 'x', 'x');
}

TEST(fmt_strings)
{
	EXPECT("(null)", "%s", (char *)NULL);
	EXPECT("[(null)]", "[%s]", (char *)NULL);
	EXPECT("hel", "%.3s", "hello");
	EXPECT("hi    |", "%-6s|", "hi");
	EXPECT("", "%s", "");
	EXPECT("      ", "%6s", "");
	/* A precision lets %s read an unterminated buffer safely. */
	char raw[3] = { 'a', 'b', 'c' };
	EXPECT("ab", "%.2s", raw);
	EXPECT("abc", "%.3s", raw);
}

TEST(fmt_pointer)
{
	int x;
	SAME("%p", (void *)&x);
	SAME("%20p|", (void *)&x);
	SAME("%-20p|", (void *)&x);
	EXPECT("0x0", "%p", (void *)NULL);
}

TEST(fmt_truncation)
{
	char buf[16];

	CHECK_EQ(ofmt(NULL, 0, "hello %s", "world"), 11);
	memset(buf, 'Z', sizeof(buf));
	CHECK_EQ(ofmt(buf, 0, "hello"), 5);
	CHECK_EQ(buf[0], 'Z');
	CHECK_EQ(ofmt(buf, 1, "hello"), 5);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(buf[1], 'Z');
	memset(buf, 'Z', sizeof(buf));
	CHECK_EQ(ofmt(buf, 5, "hello world"), 11);
	CHECK_STR(buf, "hell");
	CHECK_EQ(buf[5], 'Z');
	memset(buf, 'Z', sizeof(buf));
	CHECK_EQ(ofmt(buf, 6, "%5d", 12345), 5);
	CHECK_STR(buf, "12345");
	CHECK_EQ(ofmt(buf, 3, "%d", -123456), 7);
	CHECK_STR(buf, "-1");
	CHECK_EQ(ofmt(buf, sizeof(buf), ""), 0);
	CHECK_STR(buf, "");
}

TEST(fmt_hostile_formats)
{
	char buf[64];
	int n;

	/* Widths and precisions are clamped to 4096: no overflow, no endless padding. */
	n = ofmt(buf, sizeof(buf), "%99999999999999999999d", 1);
	CHECK_EQ(n, 4096);
	CHECK_EQ(strlen(buf), sizeof(buf) - 1);
	n = ofmt(buf, sizeof(buf), "%*d", INT_MIN, 1);
	CHECK_EQ(n, 4096);
	CHECK_EQ(buf[0], '1');
	n = ofmt(buf, sizeof(buf), "%*d", INT_MAX, 1);
	CHECK_EQ(n, 4096);
	n = ofmt(buf, sizeof(buf), "%.*d", INT_MAX, 1);
	CHECK_EQ(n, 4096);
	CHECK_EQ(buf[0], '0');
	n = ofmt(buf, sizeof(buf), "%.99999999999u", 1u);
	CHECK_EQ(n, 4096);
	/* A huge string precision is only a maximum. */
	EXPECT("abc", "%.99999999999s", "abc");
	EXPECT("abc", "%.*s", INT_MAX, "abc");
	/* Incomplete or unknown conversions are printed as written; %n writes nothing. */
	EXPECT("x%", "x%");
	EXPECT("%-05", "%-05");
	EXPECT("%ll", "%ll");
	EXPECT("%.", "%.");
	EXPECT("%q", "%q");
	int victim = 1234;
	EXPECT("a%nb", "a%nb", &victim);
	CHECK_EQ(victim, 1234);
	EXPECT("%5.3w!", "%5.3w!");
	EXPECT("(null)", NULL);
}

/* Every combination of flags, width and precision against libc, for each integer conversion. */
TEST(fmt_matches_libc)
{
	static const char *const flags[] = { "", "-", "0", "+", " ", "#", "-0", "0#", "+ ", "-#0" };
	static const char *const widths[] = { "", "1", "5", "12" };
	static const char *const precs[] = { "", ".0", ".1", ".5", ".15" };
	static const char convs[] = "diuxXo";
	static const int ivals[] = { 0, 1, -1, 42, -42, 255, INT_MIN, INT_MAX, 0x7fff };
	static const long long llvals[] = { 0, -1, LLONG_MIN, LLONG_MAX, 1234567890123LL };
	static const char *const svals[] = { "", "a", "hello, world" };
	char f[32];

	for (size_t a = 0; a < ARRAY_SIZE(flags); a++)
		for (size_t b = 0; b < ARRAY_SIZE(widths); b++)
			for (size_t c = 0; c < ARRAY_SIZE(precs); c++) {
				for (const char *cv = convs; *cv; cv++) {
					for (size_t v = 0; v < ARRAY_SIZE(ivals); v++) {
						snprintf(f, sizeof(f), "[%%%s%s%s%c]", flags[a],
							 widths[b], precs[c], *cv);
						SAME(f, ivals[v]);
						snprintf(f, sizeof(f), "[%%%s%s%shh%c]", flags[a],
							 widths[b], precs[c], *cv);
						SAME(f, ivals[v]);
					}
					for (size_t v = 0; v < ARRAY_SIZE(llvals); v++) {
						snprintf(f, sizeof(f), "[%%%s%s%sll%c]", flags[a],
							 widths[b], precs[c], *cv);
						SAME(f, llvals[v]);
					}
				}
				if (strchr(flags[a], '0') || strchr(flags[a], '#') ||
				    strchr(flags[a], '+') || strchr(flags[a], ' '))
					continue;   /* undefined for %s/%c */
				for (size_t v = 0; v < ARRAY_SIZE(svals); v++) {
					snprintf(f, sizeof(f), "[%%%s%s%ss]", flags[a], widths[b],
						 precs[c]);
					SAME(f, svals[v]);
				}
				if (!precs[c][0]) {
					snprintf(f, sizeof(f), "[%%%s%sc]", flags[a], widths[b]);
					SAME(f, 'q');
				}
			}
}
