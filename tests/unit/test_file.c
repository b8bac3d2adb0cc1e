/* test_file.c: unit tests of the file layer over a fake source: sources by name, per-file
 * state (two files open at once), seeks on streams and seekable sources, and whole-file loads
 * (placement, unknown sizes, too large, size mismatch, cancel). */
#include <stdlib.h>
#include "test.h"
#include "fake_netdev.h"
#include "files/file.h"
#include "lib/errors.h"
#include "services/heap.h"

/* A fake source "(fake)": /a.bin and /b.bin hold a pattern; the file's name picks behaviour:
 * /nosize.* does not tell its size, /seek.* can seek, /liar.* announces one byte more than
 * it has, /under.* one byte less, /missing.* does not exist. Reads return at most 1000 bytes. */
#define FAKE_LEN 70000
struct fake_file {
	size_t len, pos;
	uint8_t seed;
	bool open;
};
static struct fake_file files[4];
static int opens, closes, reads;

static uint8_t pattern(uint8_t seed, size_t i)
{
	return (uint8_t)(i * 7 + seed + (i >> 8));
}

static int fake_read(struct file *f, void *buf, size_t len)
{
	struct fake_file *ff = f->priv;
	size_t n = MIN(MIN(len, (size_t)1000), ff->len - ff->pos);

	reads++;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = pattern(ff->seed, ff->pos + i);
	ff->pos += n;
	return (int)n;
}

static int fake_seek(struct file *f, uint64_t pos)
{
	struct fake_file *ff = f->priv;

	if (pos > ff->len)
		return -E_RANGE;
	ff->pos = (size_t)pos;
	return 0;
}

static void fake_close(struct file *f)
{
	((struct fake_file *)f->priv)->open = false;
	closes++;
}

static const struct file_ops stream_ops = { .read = fake_read, .close = fake_close };
static const struct file_ops seek_ops = { .read = fake_read, .seek = fake_seek, .close = fake_close };

static int fake_open(struct file *f, const struct file_name *n)
{
	struct fake_file *ff = NULL;

	if (strstr(n->path, "missing"))
		return -E_NOENT;
	for (unsigned i = 0; i < 4; i++)
		if (!files[i].open) {
			ff = &files[i];
			break;
		}
	if (!ff)
		return -E_BUSY;
	memset(ff, 0, sizeof(*ff));
	ff->open = true;
	ff->len = strstr(n->path, "small") ? 3000 : FAKE_LEN;
	ff->seed = (uint8_t)n->path[1];
	f->priv = ff;
	f->ops = strstr(n->path, "seek") ? &seek_ops : &stream_ops;
	f->size_known = !strstr(n->path, "nosize");
	f->size = ff->len + (strstr(n->path, "liar") ? 1 : 0) - (strstr(n->path, "under") ? 1 : 0);
	opens++;
	return 0;
}

FILE_SOURCE(fake_source) = { .name = "fake", .what = "test files", .open = fake_open };

/* A heap of 4 MiB of host memory, 4 KiB aligned. */
#define HEAP_SIZE (4u << 20)
static uint8_t *heap_mem;

static void heap_setup(void)
{
	if (!heap_mem)
		heap_mem = aligned_alloc(4096, HEAP_SIZE);
	heap_reset();
	heap_add_region((uintptr_t)heap_mem, (uintptr_t)heap_mem + HEAP_SIZE);
	fake_net_abort(false);
}

static bool is_pattern(const uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != pattern(seed, i))
			return false;
	return true;
}

TEST(file_sources_by_name)
{
	struct file f;

	CHECK(file_find_source("fake", false) == &fake_source);
	CHECK(file_find_source("fake", true) == NULL);        /* a device, not a URL scheme */
	CHECK(file_find_source("nosuch", false) == NULL);
	CHECK_EQ(file_open(&f, "(nosuch)/x"), -E_NODEV);
	CHECK(f.ops == NULL);
	CHECK_EQ(file_open(&f, "fake://host/x"), -E_NODEV);
	CHECK_EQ(file_open(&f, "(fake)/missing.bin"), -E_NOENT);
	CHECK(f.ops == NULL && f.priv == NULL);
	CHECK_EQ(file_open(&f, "(fake)"), -E_INVAL);
	strlcpy(file_root_device, "fake", sizeof(file_root_device));
	CHECK_EQ(file_open(&f, "/a.bin"), 0);
	CHECK(f.src == &fake_source && f.size_known && f.size == FAKE_LEN);
	file_close(&f);
	CHECK(f.ops == NULL);
	file_root_device[0] = 0;
	CHECK_EQ(file_open(&f, "/a.bin"), -E_NODEV);
}

TEST(file_two_open_at_once)
{
	struct file a, b;
	uint8_t x[500], y[500];
	int c0 = closes;

	CHECK_EQ(file_open(&a, "(fake)/a.bin"), 0);
	CHECK_EQ(file_read(&a, x, 100), 100);
	CHECK_EQ(file_open(&b, "(fake)/b.bin"), 0);       /* opening b leaves a open */
	CHECK_EQ(closes, c0);
	CHECK_EQ(file_read(&b, y, sizeof(y)), (int)sizeof(y));
	CHECK_EQ(file_read(&a, x, sizeof(x)), (int)sizeof(x));
	CHECK(a.pos == 600 && b.pos == 500);
	CHECK(x[0] == pattern('a', 100) && y[0] == pattern('b', 0));
	file_close(&a);
	file_close(&b);
	CHECK_EQ(closes, c0 + 2);
}

TEST(file_seek_stream_and_seekable)
{
	struct file f;
	uint8_t x[4];

	CHECK_EQ(file_open(&f, "(fake)/a.bin"), 0);
	CHECK_EQ(file_seek(&f, 5000), 0);                 /* a stream skips forward by reading */
	CHECK_EQ(file_read(&f, x, 1), 1);
	CHECK_EQ(x[0], pattern('a', 5000));
	CHECK_EQ(file_seek(&f, 10), -E_NOTSUP);           /* and cannot go back */
	CHECK_EQ(file_seek(&f, FAKE_LEN + 10), -E_RANGE);
	file_close(&f);

	CHECK_EQ(file_open(&f, "(fake)/seek.bin"), 0);
	CHECK_EQ(file_seek(&f, 60000), 0);
	CHECK_EQ(file_seek(&f, 7), 0);
	CHECK_EQ(file_read(&f, x, 2), 2);
	CHECK(x[0] == pattern('s', 7) && f.pos == 9);
	CHECK_EQ(file_seek(&f, FAKE_LEN + 1), -E_RANGE);
	file_close(&f);
	CHECK_EQ(file_seek(&f, 0), -E_INVAL);             /* closed */
}

/* Where a file lands must not depend on whether its size was known up front. */
TEST(file_load_unknown_size_lands_like_known)
{
	void *known, *unknown;
	size_t len;

	heap_setup();
	void *k = heap_alloc(12345, 16);                  /* something already allocated, odd size */
	CHECK_EQ(file_load("(fake)/a.bin", NULL, &known, &len), 0);
	CHECK_EQ(len, FAKE_LEN);
	CHECK(is_pattern(known, len, 'a'));
	heap_free(known);
	size_t free_before = heap_total_free();
	CHECK_EQ(file_load("(fake)/nosize.bin", NULL, &unknown, &len), 0);
	CHECK_EQ(len, FAKE_LEN);
	CHECK(unknown == known);
	CHECK(is_pattern(unknown, len, 'n'));
	CHECK_EQ(heap_total_free() + ALIGN_UP(FAKE_LEN, 1), free_before);
	CHECK(((uintptr_t)unknown & 4095) == 0);
	heap_free(unknown);
	heap_free(k);
}

TEST(file_load_below_and_align)
{
	struct load_opts lo = { .below = (uintptr_t)heap_mem + (1u << 20), .align = 1u << 16 };
	void *p, *q;
	size_t len;

	heap_setup();
	CHECK_EQ(file_load("(fake)/nosize.bin", &lo, &p, &len), 0);
	CHECK((uintptr_t)p + len <= lo.below && ((uintptr_t)p & 0xffff) == 0);
	CHECK(is_pattern(p, len, 'n'));
	CHECK_EQ(file_load("(fake)/a.bin", &lo, &q, &len), 0);
	CHECK((uintptr_t)q + len <= lo.below && ((uintptr_t)q & 0xffff) == 0);
	CHECK((uintptr_t)q + len <= (uintptr_t)p || (uintptr_t)q >= (uintptr_t)p + len);
	/* Below a limit with no room at all. */
	lo.below = (uintptr_t)heap_mem + 1000;
	CHECK_EQ(file_load("(fake)/nosize.bin", &lo, &p, &len), -E_TOOBIG);
	CHECK_EQ(file_load("(fake)/a.bin", &lo, &p, &len), -E_TOOBIG);
}

TEST(file_load_too_big_refused_before_reading)
{
	struct load_opts lo = { 0 };
	char want[160];
	void *p;
	size_t len;

	heap_setup();
	lo.below = (uintptr_t)heap_mem + 40960;          /* 40 KiB of room below the limit */
	err_detail[0] = 0;
	reads = 0;
	/* Size known (68 KiB): refused with no read at all, the detail names size and room. */
	CHECK_EQ(file_load("(fake)/dir/a.bin", &lo, &p, &len), -E_TOOBIG);
	CHECK_EQ(reads, 0);
	snprintf(want, sizeof(want), "a.bin is 68 KiB; 40 KiB free below 0x%lx", (unsigned long)lo.below);
	CHECK_STR(err_detail, want);
	/* Size unknown: read until the room is full, then the same kind of detail. */
	err_detail[0] = 0;
	CHECK_EQ(file_load("(fake)/nosize.bin", &lo, &p, &len), -E_TOOBIG);
	CHECK(reads > 0);
	snprintf(want, sizeof(want), "nosize.bin is larger than the 40 KiB free below 0x%lx",
		 (unsigned long)lo.below);
	CHECK_STR(err_detail, want);
	/* No limit: the room is the largest free block, no address. */
	void *fill = heap_alloc(HEAP_SIZE - 65536, 4096);
	CHECK(fill != NULL);
	reads = 0;
	CHECK_EQ(file_load("(fake)/a.bin", NULL, &p, &len), -E_TOOBIG);
	CHECK_EQ(reads, 0);
	CHECK_STR(err_detail, "a.bin is 68 KiB; 64 KiB free");
	heap_free(fill);
	err_detail[0] = 0;
}

TEST(file_load_failures_leave_heap_as_it_was)
{
	struct load_opts gz = { .flags = LOAD_GUNZIP };
	void *p = NULL;
	size_t len, before;

	heap_setup();
	/* Nearly fill the heap: 70000 bytes no longer fit, in either size mode. */
	void *fill = heap_alloc(HEAP_SIZE - 65536, 4096);
	CHECK(fill != NULL);
	before = heap_total_free();
	CHECK_EQ(file_load("(fake)/a.bin", NULL, &p, &len), -E_TOOBIG);
	CHECK_EQ(file_load("(fake)/nosize.bin", NULL, &p, &len), -E_TOOBIG);
	CHECK_EQ(heap_total_free(), before);
	CHECK_EQ(file_load("(fake)/small.bin", NULL, &p, &len), 0);   /* 3000 bytes still do */
	CHECK_EQ(len, 3000);
	heap_free(p);
	CHECK_EQ(file_load("(fake)/smallliar.bin", NULL, &p, &len), -E_IO);
	CHECK_EQ(file_load("(fake)/smallunder.bin", NULL, &p, &len), -E_IO);   /* more than announced */
	CHECK_EQ(file_load("(fake)/missing.bin", NULL, &p, &len), -E_NOENT);
	CHECK_EQ(file_load("(fake)/a.bin", &gz, &p, &len), -E_TOOBIG);   /* not gzip: as it is */
	fake_net_abort(true);
	CHECK_EQ(file_load("(fake)/small.bin", NULL, &p, &len), -E_CANCELED);
	fake_net_abort(false);
	CHECK_EQ(heap_total_free(), before);
	for (unsigned i = 0; i < 4; i++)
		CHECK(!files[i].open);                    /* every failure closed its file */
	heap_free(fill);
}
