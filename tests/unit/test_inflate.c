/* test_inflate.c: unit tests of the DEFLATE/gzip decoder against files the host's gzip made
 * (stored, fixed and dynamic blocks, every level), and hostile input: every truncation, bit
 * flips, hand-made bad Huffman tables, far distances, output over the limit, bad CRC and ISIZE,
 * several members; and file_load's LOAD_GUNZIP over a fake source. */
#include <stdlib.h>
#include <unistd.h>
#include "test.h"
#include "files/file.h"
#include "lib/errors.h"
#include "lib/inflate.h"
#include "services/heap.h"

/* Run `gzip ARGS` on in and return what it wrote (malloc'd) in *out_len. */
static uint8_t *host_gzip(const char *args, const uint8_t *in, size_t len, size_t *out_len)
{
	char tmpl[] = "/tmp/osprey-gz-XXXXXX", cmd[256];
	int fd = mkstemp(tmpl);
	FILE *p;
	uint8_t *out;
	size_t cap = len + len / 2 + 1024, n = 0;

	if (fd < 0 || write(fd, in, len) != (ssize_t)len)
		return NULL;
	close(fd);
	snprintf(cmd, sizeof(cmd), "gzip %s -c < %s", args, tmpl);
	p = popen(cmd, "r");
	out = malloc(cap);
	if (!p || !out)
		return NULL;
	while (!feof(p) && n < cap)
		n += fread(out + n, 1, cap - n, p);
	pclose(p);
	unlink(tmpl);
	*out_len = n;
	return out;
}

/* Text-like data that compresses with long matches and all literal kinds. */
static uint8_t *sample(size_t len, unsigned seed)
{
	static const char *words[] = { "osprey ", "kernel ", "module ", "inflate ", "\n", "0x1BADB002 " };
	uint8_t *p = malloc(len ? len : 1);

	srand(seed);
	for (size_t i = 0; i < len;) {
		const char *w = words[rand() % 6];
		if (rand() % 7 == 0) {
			p[i++] = (uint8_t)rand();
			continue;
		}
		for (; *w && i < len; w++)
			p[i++] = (uint8_t)*w;
	}
	return p;
}

static int unpack(const uint8_t *gz, size_t gzlen, size_t cap, uint8_t **out, size_t *out_len)
{
	*out = malloc(cap ? cap : 1);
	return gunzip(gz, gzlen, *out, cap, out_len);
}

TEST(inflate_host_gzip_roundtrip)
{
	static const struct { size_t len; const char *args; } cases[] = {
		{ 0, "-9" }, { 1, "-1" }, { 5, "-6" }, { 1000, "-1" }, { 70000, "-6" },
		{ 300000, "-9" }, { 200000, "-1 -n" }, { 33000, "-3 --no-name" },
	};
	for (unsigned c = 0; c < ARRAY_SIZE(cases); c++) {
		size_t len = cases[c].len, gzlen, got = 0;
		uint8_t *data = sample(len, c), *gz = host_gzip(cases[c].args, data, len, &gzlen), *out;
		uint32_t isize = 0;

		CHECK(gz != NULL);
		if (!gz)
			continue;
		CHECK(gzip_is(gz, gzlen));
		CHECK_EQ(gzip_isize(gz, gzlen, &isize), 0);
		CHECK_EQ(isize, len);
		CHECK_EQ(unpack(gz, gzlen, len, &out, &got), 0);
		CHECK_EQ(got, len);
		CHECK(memcmp(out, data, len) == 0);
		free(out);
		/* One byte less room: refused, nothing written past the buffer (ASan watches). */
		if (len) {
			CHECK_EQ(unpack(gz, gzlen, len - 1, &out, &got), -E_TOOBIG);
			free(out);
		}
		free(gz);
		free(data);
	}
}

TEST(inflate_stored_blocks_from_random_data)
{
	/* Incompressible: gzip stores it, across several 64 KiB stored blocks. */
	size_t len = 200000, gzlen, got;
	uint8_t *data = malloc(len), *gz, *out;

	srand(7);
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)rand();
	gz = host_gzip("-9", data, len, &gzlen);
	CHECK(gz && gzlen > len);
	CHECK_EQ(unpack(gz, gzlen, len, &out, &got), 0);
	CHECK_EQ(got, len);
	CHECK(memcmp(out, data, len) == 0);
	free(out);
	free(gz);
	free(data);
}

TEST(inflate_every_truncation_fails)
{
	size_t len = 5000, gzlen, got;
	uint8_t *data = sample(len, 3), *gz = host_gzip("-9", data, len, &gzlen), *out = malloc(len);

	for (size_t cut = 0; cut < gzlen; cut++) {
		int rc = gunzip(gz, cut, out, len, &got);
		if (rc >= 0)
			printf("    truncated at %zu of %zu: accepted\n", cut, gzlen);
		CHECK(rc < 0);
	}
	/* Raw streams cut short: -E_CORRUPT, never a read past the end (ASan). */
	for (size_t cut = 0; cut < gzlen - 18; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		size_t used;
		memcpy(copy, gz + 10, cut);
		CHECK_EQ(inflate_raw(copy, cut, &used, out, len, &got), -E_CORRUPT);
		free(copy);
	}
	free(out);
	free(gz);
	free(data);
}

TEST(inflate_bit_flips_never_overrun)
{
	size_t len = 20000, gzlen, got;
	uint8_t *data = sample(len, 4), *gz = host_gzip("-6 -n", data, len, &gzlen), *out = malloc(len);
	unsigned accepted = 0;

	/* Bits of each byte of the deflate data flipped in turn (the last byte's padding bits
	 * left out): the output stays within the buffer, and the CRC catches what the decoder
	 * does not. */
	for (size_t i = 10; i < gzlen - 9; i++) {
		for (unsigned bit = 0; bit < 8; bit += 3) {
			gz[i] ^= (uint8_t)(1u << bit);
			int rc = gunzip(gz, gzlen, out, len, &got);
			gz[i] ^= (uint8_t)(1u << bit);
			if (rc == 0) {
				/* Only where the output stays the same (a match now refers to
				 * another copy of the same bytes): never wrong data. */
				accepted++;
				CHECK(got == len && memcmp(out, data, len) == 0);
			}
			CHECK(rc == 0 || rc == -E_CORRUPT || rc == -E_TOOBIG || rc == -E_NOTSUP);
		}
	}
	CHECK(accepted < 10);
	free(out);
	free(gz);
	free(data);
}

TEST(inflate_trailer_checks)
{
	size_t len = 3000, gzlen, got;
	uint8_t *data = sample(len, 5), *gz = host_gzip("-9", data, len, &gzlen), *out = malloc(len + 100);
	uint8_t *two = malloc(2 * gzlen);

	gz[gzlen - 8] ^= 1;                      /* CRC-32 */
	CHECK_EQ(gunzip(gz, gzlen, out, len, &got), -E_CORRUPT);
	gz[gzlen - 8] ^= 1;
	gz[gzlen - 4] ^= 1;                      /* ISIZE: claims one byte less */
	CHECK_EQ(gunzip(gz, gzlen, out, len + 100, &got), -E_CORRUPT);
	gz[gzlen - 4] ^= 1;
	CHECK_EQ(gunzip(gz, gzlen, out, len, &got), 0);
	gz[3] |= 0x20;                           /* a reserved flag */
	CHECK_EQ(gunzip(gz, gzlen, out, len, &got), -E_CORRUPT);
	gz[3] &= (uint8_t)~0x20;
	gz[2] = 7;                               /* not deflate */
	CHECK_EQ(gunzip(gz, gzlen, out, len, &got), -E_NOEXEC);
	CHECK(!gzip_is(gz, gzlen));
	gz[2] = 8;
	/* Two members (what `cat a.gz b.gz` makes) and trailing bytes: refused. */
	memcpy(two, gz, gzlen);
	memcpy(two + gzlen, gz, gzlen);
	CHECK_EQ(gunzip(two, 2 * gzlen, out, len + 100, &got), -E_NOTSUP);
	CHECK_EQ(gunzip(two, gzlen + 1, out, len + 100, &got), -E_NOTSUP);
	CHECK_EQ(gzip_isize(gz, 12, &(uint32_t){ 0 }), -E_CORRUPT);
	free(two);
	free(out);
	free(gz);
	free(data);
}

TEST(inflate_header_fields)
{
	/* FEXTRA, FNAME, FCOMMENT and FHCRC around a stored block holding "abc". */
	uint8_t gz[64], out[8];
	size_t n = 0, got;

	const uint8_t head[] = { 0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3,
				 3, 0, 'x', 'y', 'z', 'n', 'a', 'm', 'e', 0, 'c', 0 };
	memcpy(gz, head, sizeof(head));
	n = sizeof(head);
	uint32_t hcrc = crc32_update(0, gz, n);
	gz[n++] = (uint8_t)hcrc;
	gz[n++] = (uint8_t)(hcrc >> 8);
	const uint8_t body[] = { 1, 3, 0, 0xfc, 0xff, 'a', 'b', 'c' };
	memcpy(gz + n, body, sizeof(body));
	n += sizeof(body);
	uint32_t crc = crc32_update(0, "abc", 3);
	CHECK_EQ(crc, 0x352441c2);               /* the CRC-32 check value of "abc" */
	for (int i = 0; i < 4; i++)
		gz[n++] = (uint8_t)(crc >> (8 * i));
	gz[n++] = 3, gz[n++] = 0, gz[n++] = 0, gz[n++] = 0;
	CHECK_EQ(gunzip(gz, n, out, sizeof(out), &got), 0);
	CHECK_EQ(got, 3);
	CHECK(memcmp(out, "abc", 3) == 0);
	gz[sizeof(head)] ^= 1;                   /* header CRC wrong */
	CHECK_EQ(gunzip(gz, n, out, sizeof(out), &got), -E_CORRUPT);
	gz[sizeof(head)] ^= 1;
	/* An unterminated name that runs to the end. */
	CHECK_EQ(gunzip(gz, 17, out, sizeof(out), &got), -E_CORRUPT);
}

/* A bit writer for hand-made raw DEFLATE streams. */
struct bw {
	uint8_t b[64];
	unsigned bits;
};

static void put(struct bw *w, unsigned v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, w->bits++)
		if (v >> i & 1)
			w->b[w->bits / 8] |= (uint8_t)(1u << (w->bits % 8));
}

/* A Huffman code, first bit first (codes are sent most significant bit first). */
static void put_code(struct bw *w, unsigned code, unsigned len)
{
	for (unsigned i = len; i-- > 0;)
		put(w, code >> i & 1, 1);
}

static int raw(struct bw *w, uint8_t *out, size_t cap, size_t *got)
{
	size_t used;
	return inflate_raw(w->b, (w->bits + 7) / 8, &used, out, cap, got);
}

TEST(inflate_bad_streams)
{
	struct bw w;
	uint8_t out[64];
	size_t got;

	/* Block type 3 (reserved). */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 3, 2);
	CHECK_EQ(raw(&w, out, sizeof(out), &got), -E_CORRUPT);

	/* Fixed block: 'A' (code 0x30+0x41, 8 bits), then a match of length 3 at distance 2,
	 * one byte before the start. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 1, 2);
	put_code(&w, 0x30 + 'A', 8);
	put_code(&w, 1, 7);                      /* symbol 257: length 3 */
	put_code(&w, 1, 5);                      /* distance code 1: distance 2 */
	put_code(&w, 0, 7);                      /* end of block */
	CHECK_EQ(raw(&w, out, sizeof(out), &got), -E_CORRUPT);

	/* The same at distance 1: a run "AAAA", valid; and with room for 3 bytes only: too big. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 1, 2);
	put_code(&w, 0x30 + 'A', 8);
	put_code(&w, 1, 7);
	put_code(&w, 0, 5);
	put_code(&w, 0, 7);
	CHECK_EQ(raw(&w, out, sizeof(out), &got), 0);
	CHECK_EQ(got, 4);
	CHECK(memcmp(out, "AAAA", 4) == 0);
	CHECK_EQ(raw(&w, out, 3, &got), -E_TOOBIG);

	/* Fixed block with literal/length symbol 286 (code 11000110, 8 bits): invalid. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 1, 2);
	put_code(&w, 0xc0 + 6, 8);
	CHECK_EQ(raw(&w, out, sizeof(out), &got), -E_CORRUPT);

	/* Fixed block with distance symbol 30 (code 11110): invalid. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 1, 2);
	put_code(&w, 0x30 + 'A', 8);
	put_code(&w, 1, 7);
	put_code(&w, 30, 5);
	CHECK_EQ(raw(&w, out, sizeof(out), &got), -E_CORRUPT);

	/* Stored block whose NLEN is not LEN's complement. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 0, 2), put(&w, 0, 5);
	put(&w, 2, 16), put(&w, 0xfffd, 16), put(&w, 'h', 8), put(&w, 'i', 8);
	CHECK_EQ(raw(&w, out, sizeof(out), &got), 0);
	CHECK(memcmp(out, "hi", 2) == 0);
	w.b[3] ^= 1;
	CHECK_EQ(raw(&w, out, sizeof(out), &got), -E_CORRUPT);

	/* Dynamic: an over-subscribed code-length code (every one of the 19 lengths 1). */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 2, 2);
	put(&w, 0, 5), put(&w, 0, 5), put(&w, 15, 4);
	for (int i = 0; i < 19; i++)
		put(&w, 1, 3);
	CHECK_EQ(raw(&w, out, sizeof(out), &got), -E_CORRUPT);

	/* Dynamic: an incomplete code-length code (one length-2 code only). */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 2, 2);
	put(&w, 0, 5), put(&w, 0, 5), put(&w, 0, 4);
	put(&w, 2, 3), put(&w, 0, 3), put(&w, 0, 3), put(&w, 0, 3);
	CHECK_EQ(raw(&w, out, sizeof(out), &got), -E_CORRUPT);

	/* Dynamic: code-length code {16: 1 bit, 1: 1 bit}... first symbol 16 repeats nothing.
	 * Order is 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1: HCLEN 18 (14 + 4). Codes by
	 * symbol order: 1 -> "0", 16 -> "1". */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 2, 2);
	put(&w, 0, 5), put(&w, 0, 5), put(&w, 14, 4);
	for (int i = 0; i < 18; i++)
		put(&w, (i == 0 || i == 17) ? 1 : 0, 3);
	put_code(&w, 1, 1);                      /* 16 first */
	put(&w, 0, 2);
	CHECK_EQ(raw(&w, out, sizeof(out), &got), -E_CORRUPT);

	/* Same code-length code; 258 lengths of 1 (257 literal/length + 1 distance): far too many
	 * length-1 codes, an over-subscribed literal/length code. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 2, 2);
	put(&w, 0, 5), put(&w, 0, 5), put(&w, 14, 4);
	for (int i = 0; i < 18; i++)
		put(&w, (i == 0 || i == 17) ? 1 : 0, 3);
	put_code(&w, 0, 1);                      /* a 1 */
	for (int i = 0; i < 51; i++) {           /* 16 with 5 repeats: 1 + 51 * 5 = 256, then 2 */
		put_code(&w, 1, 1);
		put(&w, 2, 2);
	}
	put_code(&w, 0, 1);
	put_code(&w, 0, 1);
	CHECK_EQ(raw(&w, out, sizeof(out), &got), -E_CORRUPT);

	/* A repeat past the end of the lengths (16 with 6 repeats when one length remains). */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 2, 2);
	put(&w, 0, 5), put(&w, 0, 5), put(&w, 14, 4);
	for (int i = 0; i < 18; i++)
		put(&w, (i == 0 || i == 17) ? 1 : 0, 3);
	put_code(&w, 0, 1);
	for (int i = 0; i < 52; i++) {
		put_code(&w, 1, 1);
		put(&w, 2, 2);
	}
	CHECK_EQ(raw(&w, out, sizeof(out), &got), -E_CORRUPT);

	/* HLIT 30 (287 codes) is beyond the 286 allowed. */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1), put(&w, 2, 2);
	put(&w, 30, 5), put(&w, 0, 5), put(&w, 0, 4);
	CHECK_EQ(raw(&w, out, sizeof(out), &got), -E_CORRUPT);
}

/* A source "(gz)" serving one buffer, for file_load with LOAD_GUNZIP. */
static uint8_t *gz_file;
static size_t gz_file_len, gz_file_pos;

static int gz_read(struct file *f, void *buf, size_t len)
{
	size_t n = MIN(MIN(len, (size_t)1400), gz_file_len - gz_file_pos);
	memcpy(buf, gz_file + gz_file_pos, n);
	gz_file_pos += n;
	return (int)n;
}

static void gz_close(struct file *f)
{
}

static const struct file_ops gz_ops = { .read = gz_read, .close = gz_close };

static int gz_open(struct file *f, const struct file_name *n)
{
	gz_file_pos = 0;
	f->ops = &gz_ops;
	f->size_known = true;
	f->size = gz_file_len;
	return 0;
}

FILE_SOURCE(gz_source) = { .name = "gz", .what = "test gzip files", .open = gz_open };

TEST(inflate_file_load_gunzip)
{
	static uint8_t *heap_mem;
	const size_t heap_size = 4u << 20;
	size_t len = 500000, gzlen, got;
	uint8_t *data = sample(len, 9), *gz = host_gzip("-9", data, len, &gzlen);
	struct load_opts o = { .flags = LOAD_GUNZIP, .align = 4096 };
	void *p;

	if (!heap_mem)
		heap_mem = aligned_alloc(4096, heap_size);
	heap_reset();
	heap_add_region((uintptr_t)heap_mem, (uintptr_t)heap_mem + heap_size);
	size_t free0 = heap_total_free();

	gz_file = gz;
	gz_file_len = gzlen;
	CHECK_EQ(file_load("(gz)/x.gz", &o, &p, &got), 0);
	CHECK_EQ(got, len);
	CHECK(memcmp(p, data, len) == 0);
	CHECK_EQ((uintptr_t)p % 4096, 0);
	heap_free(p);
	CHECK_EQ(heap_total_free(), free0);      /* the packed copy was freed */

	/* Without the flag the file loads as it is. */
	CHECK_EQ(file_load("(gz)/x.gz", NULL, &p, &got), 0);
	CHECK_EQ(got, gzlen);
	CHECK(memcmp(p, gz, gzlen) == 0);
	heap_free(p);

	/* A plain file with the flag: as it is. */
	gz_file = data;
	gz_file_len = 1000;
	CHECK_EQ(file_load("(gz)/x", &o, &p, &got), 0);
	CHECK_EQ(got, 1000);
	heap_free(p);

	/* Corrupt stream: -E_CORRUPT, everything freed. */
	gz_file = gz;
	gz_file_len = gzlen;
	gz[gzlen / 2] ^= 0x55;
	CHECK_EQ(file_load("(gz)/x.gz", &o, &p, &got), -E_CORRUPT);
	CHECK_EQ(heap_total_free(), free0);
	gz[gzlen / 2] ^= 0x55;

	/* An ISIZE beyond the heap: refused before unpacking. */
	gz[gzlen - 1] = 0x7f;
	CHECK_EQ(file_load("(gz)/x.gz", &o, &p, &got), -E_TOOBIG);
	CHECK_EQ(heap_total_free(), free0);
	/* An ISIZE smaller than the data: the decoder stops at the limit; corrupt. */
	gz[gzlen - 1] = 0;
	gz[gzlen - 2] = 0;
	CHECK_EQ(file_load("(gz)/x.gz", &o, &p, &got), -E_CORRUPT);
	CHECK(strstr(err_detail, "longer than the 41248 bytes") != NULL);
	CHECK_EQ(heap_total_free(), free0);
	err_detail[0] = 0;
	heap_reset();
	free(gz);
	free(data);
}
