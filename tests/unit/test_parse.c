/* test_parse.c: unit tests of parse_u32, parse_size, parse_ipv4, format_ipv4 and strlcpy. */
#include "test.h"
#include "lib/lib.h"
#include "lib/errors.h"

static int u32(const char *s, uint32_t *v)
{
	*v = 0xa5a5a5a5;
	return parse_u32(s, v);
}

TEST(parse_u32_valid)
{
	uint32_t v;

	CHECK_EQ(u32("0", &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(u32("42", &v), 0);
	CHECK_EQ(v, 42);
	CHECK_EQ(u32("010", &v), 0);   /* a leading 0 is still decimal */
	CHECK_EQ(v, 10);
	CHECK_EQ(u32("4294967295", &v), 0);
	CHECK_EQ(v, 4294967295u);
	CHECK_EQ(u32("0xffffffff", &v), 0);
	CHECK_EQ(v, 0xffffffffu);
	CHECK_EQ(u32("0X1f", &v), 0);
	CHECK_EQ(v, 31);
	CHECK_EQ(u32("0x00000000000000000001", &v), 0);
	CHECK_EQ(v, 1);
	CHECK_EQ(u32("000000000000000000000000000007", &v), 0);
	CHECK_EQ(v, 7);
}

TEST(parse_u32_invalid)
{
	static const char *const bad[] = { "", "x", "0x", "0xg", " 1", "1 ", "-1", "+1", "1.5",
					   "12a", "0x12z", "1\n", "0b1", "1e3", "\xff" };
	uint32_t v;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_EQ(u32(bad[i], &v), -E_INVAL);
		CHECK_EQ(v, 0xa5a5a5a5);   /* untouched on failure */
	}
	CHECK_EQ(parse_u32(NULL, &v), -E_INVAL);
	CHECK_EQ(u32("4294967296", &v), -E_RANGE);
	CHECK_EQ(u32("0x100000000", &v), -E_RANGE);
	CHECK_EQ(u32("99999999999999999999999999999999", &v), -E_RANGE);
	CHECK_EQ(v, 0xa5a5a5a5);
	/* Junk after an overlong number is still junk. */
	CHECK_EQ(u32("99999999999999999999x", &v), -E_INVAL);
}

TEST(parse_size_suffixes)
{
	uint64_t v;

	CHECK_EQ(parse_size("512M", &v), 0);
	CHECK_EQ(v, 512ULL << 20);
	CHECK_EQ(parse_size("1k", &v), 0);
	CHECK_EQ(v, 1024);
	CHECK_EQ(parse_size("3g", &v), 0);
	CHECK_EQ(v, 3ULL << 30);
	CHECK_EQ(parse_size("0x10K", &v), 0);
	CHECK_EQ(v, 16384);
	CHECK_EQ(parse_size("12345", &v), 0);
	CHECK_EQ(v, 12345);
	CHECK_EQ(parse_size("0G", &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(parse_size("18446744073709551615", &v), 0);
	CHECK_EQ(v, (long long)UINT64_MAX);
	CHECK_EQ(parse_size("17179869183G", &v), 0);
	CHECK_EQ(v, (long long)(17179869183ULL << 30));
}

TEST(parse_size_invalid)
{
	static const char *const bad[] = { "", "K", "1KB", "1T", "1 K", "1K ", "-1K", "0xK",
					   "1KK", "M1", "1.5G", "0x", "1KiB" };
	uint64_t v = 77;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_EQ(parse_size(bad[i], &v), -E_INVAL);
	CHECK_EQ(v, 77);
	CHECK_EQ(parse_size(NULL, &v), -E_INVAL);
	CHECK_EQ(parse_size("18446744073709551616", &v), -E_RANGE);
	CHECK_EQ(parse_size("17179869184G", &v), -E_RANGE);
	CHECK_EQ(parse_size("17592186044416M", &v), -E_RANGE);
	CHECK_EQ(parse_size("18014398509481984k", &v), -E_RANGE);
	CHECK_EQ(parse_size("0xffffffffffffffffK", &v), -E_RANGE);
	CHECK_EQ(parse_size("99999999999999999999999Kx", &v), -E_INVAL);
	CHECK_EQ(v, 77);
}

TEST(parse_ipv4_valid)
{
	uint32_t ip;

	CHECK_EQ(parse_ipv4("10.0.2.15", &ip), 0);
	CHECK_EQ(ip, 0x0a00020f);
	CHECK_EQ(parse_ipv4("255.255.255.255", &ip), 0);
	CHECK_EQ(ip, 0xffffffffu);
	CHECK_EQ(parse_ipv4("0.0.0.0", &ip), 0);
	CHECK_EQ(ip, 0);
	CHECK_EQ(parse_ipv4("192.168.100.1", &ip), 0);
	CHECK_EQ(ip, 0xc0a86401);
}

TEST(parse_ipv4_strict)
{
	static const char *const bad[] = {
		"", "1", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.",
		"256.1.1.1", "1.2.3.256", "1.2.3.999", "1234.1.1.1", "01.2.3.4", "1.2.3.00",
		"1.2.3.-4", "+1.2.3.4", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n", "1.2.3.4x",
		"0x1.2.3.4", "1,2,3,4", "a.b.c.d", "1.2.3.4/24", "1.2.3.0004",
	};
	uint32_t ip = 0x12345678;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int rc = parse_ipv4(bad[i], &ip);
		if (rc != -E_INVAL)
			printf("    accepted \"%s\"\n", bad[i]);
		CHECK_EQ(rc, -E_INVAL);
	}
	CHECK_EQ(ip, 0x12345678);
	CHECK_EQ(parse_ipv4(NULL, &ip), -E_INVAL);
}

TEST(format_ipv4_roundtrip)
{
	static const uint32_t ips[] = { 0, 0xffffffffu, 0x0a00020f, 0x01020304, 0x64c80a00,
					0x7f000001, 0x09630a65 };
	char buf[16], again[16];
	uint32_t back;

	CHECK_STR(format_ipv4(0x0a00020f, buf), "10.0.2.15");
	CHECK_STR(format_ipv4(0xffffffffu, buf), "255.255.255.255");
	CHECK_STR(format_ipv4(0, buf), "0.0.0.0");
	CHECK_STR(format_ipv4(0x64c80a00, buf), "100.200.10.0");
	for (size_t i = 0; i < ARRAY_SIZE(ips); i++) {
		format_ipv4(ips[i], buf);
		CHECK(strlen(buf) < 16);
		CHECK_EQ(parse_ipv4(buf, &back), 0);
		CHECK_EQ(back, ips[i]);
		CHECK_STR(format_ipv4(back, again), buf);
	}
}

TEST(strlcpy_bounds)
{
	char buf[8];

	memset(buf, 'Z', sizeof(buf));
	CHECK_EQ(strlcpy(buf, "hello", 0), 5);
	CHECK_EQ(buf[0], 'Z');
	CHECK_EQ(strlcpy(buf, "hello", 1), 5);
	CHECK_STR(buf, "");
	CHECK_EQ(buf[1], 'Z');
	CHECK_EQ(strlcpy(buf, "hello world", 8), 11);
	CHECK_STR(buf, "hello w");
	CHECK_EQ(strlcpy(buf, "1234567", 8), 7);
	CHECK_STR(buf, "1234567");
	CHECK_EQ(strlcpy(buf, "", 8), 0);
	CHECK_STR(buf, "");
}
