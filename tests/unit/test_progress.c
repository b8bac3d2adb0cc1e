/* test_progress.c: unit tests of the progress line formatter (units, percent, rate, truncation). */
#include "test.h"
#include "services/progress.h"

#define MiB (1024ull * 1024)

static char buf[256];

static const char *fmt(const char *name, uint64_t done, uint64_t total, uint64_t start, uint64_t now)
{
	struct progress p = { .name = name, .total = total, .done = done, .start_ms = start, .last_ms = start };
	progress_format(&p, now, buf, sizeof(buf));
	return buf;
}

TEST(progress_known_total)
{
	/* 4.20 MiB of 8.10 MiB after 1354 ms */
	uint64_t done = 4 * MiB + MiB / 5 + 1, total = 8 * MiB + MiB / 10 + 1;
	CHECK_STR(fmt("vmlinuz", done, total, 1000, 1000 + 1354), "vmlinuz: 4.20 MiB / 8.10 MiB (51%) 3.10 MiB/s");
	CHECK_STR(fmt("f", 0, 100, 0, 0), "f: 0 B / 100 B (0%)");
	CHECK_STR(fmt("f", 100, 100, 0, 1000), "f: 100 B / 100 B (100%) 100 B/s");
	CHECK_STR(fmt("f", 150, 100, 0, 1000), "f: 150 B / 100 B (100%) 150 B/s");
	CHECK_STR(fmt("f", 512 * 1024, 2 * MiB, 0, 500), "f: 512 KiB / 2.00 MiB (25%) 1.00 MiB/s");
}

TEST(progress_unknown_total)
{
	uint64_t done = 4 * MiB + MiB / 5 + 1;
	CHECK_STR(fmt("vmlinuz", done, 0, 0, 1354), "vmlinuz: 4.20 MiB 3.10 MiB/s");
	CHECK_STR(fmt("x", 300, 0, 5, 5), "x: 300 B");          /* no time elapsed: no rate */
	CHECK_STR(fmt("x", 300, 0, 10, 5), "x: 300 B");         /* clock went backwards */
	CHECK_STR(fmt("x", 1023, 0, 0, 0), "x: 1023 B");
	CHECK_STR(fmt("x", 1024, 0, 0, 0), "x: 1 KiB");
	CHECK_STR(fmt("x", MiB - 1, 0, 0, 0), "x: 1023 KiB");
	CHECK_STR(fmt("x", MiB, 0, 0, 0), "x: 1.00 MiB");
	CHECK_STR(fmt("x", 1024 * MiB - 1, 0, 0, 0), "x: 1023.99 MiB");
	CHECK_STR(fmt("x", 1536 * MiB, 0, 0, 0), "x: 1.50 GiB");
	CHECK_STR(fmt(NULL, 1, 0, 0, 0), "?: 1 B");
}

TEST(progress_extremes)
{
	/* huge values: no overflow trap (UBSan), sane text */
	fmt("x", UINT64_MAX, UINT64_MAX, 0, 1);
	CHECK(strstr(buf, "(100%)") != NULL);
	CHECK(strstr(buf, "GiB/s") != NULL);
	fmt("x", UINT64_MAX - 1, UINT64_MAX, 0, UINT64_MAX);
	CHECK(strstr(buf, "(99%)") != NULL);
	fmt("x", UINT64_MAX / 2, UINT64_MAX, 0, 3);
	CHECK(strstr(buf, "(50%)") != NULL);
	fmt("x", 1, UINT64_MAX, UINT64_MAX, 0);
	CHECK(strstr(buf, "(0%)") != NULL);
	CHECK(strstr(buf, "/s") == NULL);
	CHECK_STR(fmt("x", UINT64_MAX, 0, 0, 0), "x: 17179869183.99 GiB");
}

TEST(progress_truncation)
{
	struct progress p = { .name = "a-rather-long-file-name", .total = 8 * MiB, .done = 4 * MiB, .start_ms = 0 };
	char small[12];
	memset(small, 'Z', sizeof(small));
	progress_format(&p, 1000, small, 10);
	CHECK_EQ(strlen(small), 9);
	CHECK_EQ(small[10], 'Z');
	CHECK_STR(small, "a-rather-");
	char one[2] = { 'Z', 'Z' };
	progress_format(&p, 1000, one, 1);
	CHECK_EQ(one[0], '\0');
	CHECK_EQ(one[1], 'Z');
	progress_format(&p, 1000, NULL, 0);      /* nothing to write to */
	/* every length from 1 to the full line gives a prefix of the full line */
	char full[128], part[128];
	progress_format(&p, 1000, full, sizeof(full));
	for (size_t n = 1; n <= strlen(full) + 1; n++) {
		memset(part, 'Z', sizeof(part));
		progress_format(&p, 1000, part, n);
		CHECK_EQ(strlen(part), n - 1);
		CHECK(strncmp(part, full, n - 1) == 0);
	}
}
