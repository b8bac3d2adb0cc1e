/* test_mb1_info.c: unit tests of the Multiboot 1 information structure layout (offsets, flags,
 * mem_lower/mem_upper from the map, mmap entries, modules with strings) and of the placement
 * check (segments in RAM, off osprey). */
#include <stdlib.h>
#include "test.h"
#include "lib/errors.h"
#include "loader/multiboot1.h"

static const struct memmap_entry map[] = {
	{ 0, 0x9fc00, E820_RAM },
	{ 0x9fc00, 0x400, E820_RESERVED },
	{ 0xf0000, 0x10000, E820_RESERVED },
	{ 0x100000, 0x7ee0000, E820_RAM },
	{ 0xfffc0000, 0x40000, E820_RESERVED },
	{ 0x100000000ull, 0x40000000ull, E820_RAM },
};

TEST(mb1_info_layout)
{
	struct mb1_module mods[2] = { { 0x300000, 5000, "(nd)/a.bin x=1" }, { 0x302000, 10, "(nd)/b" } };
	struct mb1_info_in in = { .cmdline = "(nd)/k a b", .loader_name = "osprey", .nmods = 2,
				  .mods = mods, .nmmap = 6, .mmap = map };
	size_t n = mb1_info_size(&in);
	uint8_t *buf = malloc(n);
	const uint32_t base = 0x7000000;

	memset(buf, 0xee, n);
	mb1_info_build(buf, base, &in);
	CHECK_EQ(get_le32(buf), 0x1u | 0x4 | 0x8 | 0x40 | 0x200);
	CHECK_EQ(get_le32(buf + 4), 0x9fc00 >> 10);                  /* 639 */
	CHECK_EQ(get_le32(buf + 8), 0x7ee0000 >> 10);
	CHECK_EQ(get_le32(buf + 12), 0);                             /* no boot device */
	CHECK_STR((char *)buf + (get_le32(buf + 16) - base), "(nd)/k a b");
	CHECK_EQ(get_le32(buf + 20), 2);
	uint32_t mods_at = get_le32(buf + 24) - base;
	CHECK_EQ(get_le32(buf + mods_at), 0x300000);
	CHECK_EQ(get_le32(buf + mods_at + 4), 0x300000 + 5000);
	CHECK_STR((char *)buf + (get_le32(buf + mods_at + 8) - base), "(nd)/a.bin x=1");
	CHECK_EQ(get_le32(buf + mods_at + 12), 0);
	CHECK_STR((char *)buf + (get_le32(buf + mods_at + 24) - base), "(nd)/b");
	CHECK_EQ(get_le32(buf + 44), 6 * 24);
	uint32_t mm = get_le32(buf + 48) - base;
	CHECK_EQ(mm % 4, 0);
	CHECK_EQ(get_le32(buf + mm), 20);
	CHECK_EQ(get_le32(buf + mm + 24 * 5 + 4), 0);                /* base 4 GiB: low half */
	CHECK_EQ(get_le32(buf + mm + 24 * 5 + 8), 1);                /* high half */
	CHECK_EQ(get_le32(buf + mm + 24 * 5 + 20), E820_RAM);
	CHECK_STR((char *)buf + (get_le32(buf + 64) - base), "osprey");
	for (int off = 68; off < MB1_INFO_SIZE; off++)               /* APM, VBE, framebuffer clear */
		CHECK_EQ(buf[off], 0);
	/* Everything stays inside the block. */
	CHECK(get_le32(buf + 64) - base + 7 <= n);
	free(buf);

	/* No modules: flag 3 clear; a boot device when there is one. */
	in.nmods = 0;
	in.has_bootdev = true;
	in.bootdev = 0x80ffffff;
	n = mb1_info_size(&in);
	buf = malloc(n);
	mb1_info_build(buf, base, &in);
	CHECK_EQ(get_le32(buf), 0x1u | 0x2 | 0x4 | 0x40 | 0x200);
	CHECK_EQ(get_le32(buf + 12), 0x80ffffff);
	free(buf);
}

TEST(mb1_place)
{
	struct memmap m = { .n = 6 };
	struct mb1_seg s[2] = { { 0, 0x100, 0x100000, 0x1000 }, { 0, 0, 0x200000, 0x1000 } };

	memcpy(m.e, map, sizeof(map));
	CHECK_EQ(mb1_check_place(s, 2, &m, 0x8000, 0x60000), 0);
	s[1].addr = 0x7fff000;                       /* ends past the RAM below the hole */
	s[1].memsz = 0x2000;
	CHECK_EQ(mb1_check_place(s, 2, &m, 0x8000, 0x60000), -E_NOMEM);
	CHECK(strstr(err_detail, "0x7fff000-0x8000fff is not in RAM") != NULL);
	s[1].addr = 0xa0000;                         /* the VGA hole */
	CHECK_EQ(mb1_check_place(s, 2, &m, 0x8000, 0x60000), -E_NOMEM);
	s[1].addr = 0x5f000;                         /* touches osprey's last page */
	CHECK_EQ(mb1_check_place(s, 2, &m, 0x8000, 0x60000), -E_NOTSUP);
	CHECK(strstr(err_detail, "over osprey") != NULL);
	s[1].addr = 0x60000;                         /* just past it: fine, low RAM */
	CHECK_EQ(mb1_check_place(s, 2, &m, 0x8000, 0x60000), 0);
	s[1].addr = 0x1000;                          /* just below 0x8000 ... */
	s[1].memsz = 0x7000;
	CHECK_EQ(mb1_check_place(s, 2, &m, 0x8000, 0x60000), 0);
	s[1].memsz = 0x7001;                         /* ... and one byte onto it */
	CHECK_EQ(mb1_check_place(s, 2, &m, 0x8000, 0x60000), -E_NOTSUP);
}
