/* test_mb1.c: unit tests of the Multiboot 1 header and layout checks: ELF32 and a.out kludge
 * images built here, and hostile ones (bad checksum, required flags, truncation, overlapping
 * segments, entry outside, address fields that do not fit the file). */
#include <stdlib.h>
#include "test.h"
#include "lib/errors.h"
#include "loader/multiboot1.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void header(uint8_t *h, uint32_t flags)
{
	put32(h, MB1_MAGIC);
	put32(h + 4, flags);
	put32(h + 8, 0u - MB1_MAGIC - flags);
}

/* An ELF32 file of 8 KiB: two PT_LOAD segments (code at 1 MiB, data+bss at 1 MiB + 64 KiB),
 * the Multiboot header at 0x1000 (in the first segment). */
static uint8_t *elf(size_t *len)
{
	uint8_t *e = calloc(1, 8192);
	memcpy(e, "\177ELF", 4);
	e[4] = 1, e[5] = 1, e[6] = 1;
	put16(e + 16, 2);
	put16(e + 18, 3);
	put32(e + 24, 0x100010);          /* entry */
	put32(e + 28, 52);                /* phoff */
	put16(e + 42, 32);
	put16(e + 44, 3);
	uint8_t *ph = e + 52;
	put32(ph, 1), put32(ph + 4, 0x1000), put32(ph + 8, 0x100000), put32(ph + 12, 0x100000);
	put32(ph + 16, 0x800), put32(ph + 20, 0x800);
	ph += 32;
	put32(ph, 1), put32(ph + 4, 0x1800), put32(ph + 8, 0x110000), put32(ph + 12, 0x110000);
	put32(ph + 16, 0x800), put32(ph + 20, 0x4000);
	ph += 32;
	put32(ph, 4);                     /* PT_NOTE: ignored */
	header(e + 0x1000, MB1_PAGE_ALIGN | MB1_MEMORY_INFO);
	*len = 8192;
	return e;
}

TEST(mb1_elf)
{
	size_t len;
	uint8_t *e = elf(&len);
	struct mb1_image img;

	CHECK_EQ(mb1_parse(e, len, &img), 0);
	CHECK_EQ(img.header_offset, 0x1000);
	CHECK(!img.aout);
	CHECK_EQ(img.nseg, 2);
	CHECK_EQ(img.seg[1].addr, 0x110000);
	CHECK_EQ(img.seg[1].memsz, 0x4000);
	CHECK_EQ(img.entry, 0x100010);
	CHECK_EQ(img.lowest, 0x100000);
	CHECK_EQ(img.highest, 0x114000);

	/* Checksum off by one. */
	e[0x1008]++;
	CHECK_EQ(mb1_parse(e, len, &img), -E_INVAL);
	CHECK(strstr(err_detail, "checksum") != NULL);
	e[0x1008]--;
	/* Required flags osprey lacks: named. */
	header(e + 0x1000, MB1_VIDEO_MODE);
	CHECK_EQ(mb1_parse(e, len, &img), -E_NOTSUP);
	CHECK(strstr(err_detail, "video mode (flag 2)") != NULL);
	header(e + 0x1000, 1u << 9);
	CHECK_EQ(mb1_parse(e, len, &img), -E_NOTSUP);
	CHECK(strstr(err_detail, "flag 9") != NULL);
	header(e + 0x1000, 1u << 20);           /* an optional bit: fine */
	CHECK_EQ(mb1_parse(e, len, &img), 0);
	/* No header within the first 8 KiB, or not 4-aligned: not Multiboot. */
	header(e + 0x1000, 0);
	memmove(e + 0x1001, e + 0x1000, 12);
	CHECK_EQ(mb1_parse(e, len, &img), -E_NOEXEC);
	memmove(e + 0x1000, e + 0x1001, 12);
	CHECK_EQ(mb1_parse(e, len, &img), 0);
	/* Truncated: the second segment runs past the end. */
	CHECK_EQ(mb1_parse(e, 0x1c00, &img), -E_INVAL);
	CHECK(strstr(err_detail, "past the end") != NULL);
	/* Program headers past the end. */
	put16(e + 44, 300);
	CHECK_EQ(mb1_parse(e, len, &img), -E_INVAL);
	put16(e + 44, 3);
	/* Overlapping segments. */
	put32(e + 52 + 32 + 12, 0x100400);
	CHECK_EQ(mb1_parse(e, len, &img), -E_INVAL);
	CHECK(strstr(err_detail, "overlapping") != NULL);
	put32(e + 52 + 32 + 12, 0x110000);
	/* A segment wrapping past 4 GiB. */
	put32(e + 52 + 32 + 12, 0xffffe000);
	CHECK_EQ(mb1_parse(e, len, &img), -E_INVAL);
	put32(e + 52 + 32 + 12, 0x110000);
	/* filesz > memsz. */
	put32(e + 52 + 20, 0x100);
	CHECK_EQ(mb1_parse(e, len, &img), -E_INVAL);
	put32(e + 52 + 20, 0x800);
	/* Entry in the bss (not loaded code). */
	put32(e + 24, 0x112000);
	CHECK_EQ(mb1_parse(e, len, &img), -E_INVAL);
	CHECK(strstr(err_detail, "entry") != NULL);
	put32(e + 24, 0x100010);
	/* A 64-bit ELF. */
	e[4] = 2;
	CHECK_EQ(mb1_parse(e, len, &img), -E_NOTSUP);
	e[4] = 1;
	CHECK_EQ(mb1_parse(e, len, &img), 0);
	free(e);
}

TEST(mb1_aout_kludge)
{
	uint8_t *k = calloc(1, 4096);
	struct mb1_image img;
	uint8_t *h = k + 64;

	/* The file maps at 0x200000; the header at file offset 64 is at 0x200040. */
	header(h, MB1_AOUT_KLUDGE | MB1_MEMORY_INFO);
	put32(h + 12, 0x200040), put32(h + 16, 0x200000), put32(h + 20, 0x200c00);
	put32(h + 24, 0x210000), put32(h + 28, 0x200100);
	CHECK_EQ(mb1_parse(k, 4096, &img), 0);
	CHECK(img.aout);
	CHECK_EQ(img.nseg, 1);
	CHECK_EQ(img.seg[0].offset, 0);
	CHECK_EQ(img.seg[0].filesz, 0xc00);
	CHECK_EQ(img.seg[0].memsz, 0x10000);
	CHECK_EQ(img.entry, 0x200100);
	/* load_end_addr 0: to the end of the file; bss_end 0: no bss. */
	put32(h + 20, 0), put32(h + 24, 0);
	CHECK_EQ(mb1_parse(k, 4096, &img), 0);
	CHECK_EQ(img.seg[0].filesz, 4096);
	CHECK_EQ(img.seg[0].memsz, 4096);
	/* load_end past the file. */
	put32(h + 20, 0x202000);
	CHECK_EQ(mb1_parse(k, 4096, &img), -E_INVAL);
	put32(h + 20, 0x200c00);
	/* header_addr claiming more file before the header than there is. */
	put32(h + 16, 0x1ff000);
	CHECK_EQ(mb1_parse(k, 4096, &img), -E_INVAL);
	put32(h + 16, 0x200000);
	/* bss_end below load_end. */
	put32(h + 24, 0x200800);
	CHECK_EQ(mb1_parse(k, 4096, &img), -E_INVAL);
	put32(h + 24, 0x210000);
	/* Header cut off before its address fields. */
	CHECK_EQ(mb1_parse(k, 64 + 20, &img), -E_INVAL);
	/* Entry outside. */
	put32(h + 28, 0x300000);
	CHECK_EQ(mb1_parse(k, 4096, &img), -E_INVAL);
	err_detail[0] = 0;
	free(k);
}
