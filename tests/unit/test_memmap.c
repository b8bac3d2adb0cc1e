/* test_memmap.c: unit tests of the E820 map clean-up (sorting, overlaps, merging, wrap-around). */
#include "test.h"
#include "services/memmap.h"
#include "lib/errors.h"

static struct memmap m;

static void reset(void)
{
	memset(&m, 0, sizeof(m));
}

/* Check entry i is [base, base+len) of type. */
#define CHECK_ENTRY(i, b, l, t)                        \
	do {                                           \
		CHECK_EQ(m.e[i].base, (b));            \
		CHECK_EQ(m.e[i].length, (l));          \
		CHECK_EQ(m.e[i].type, (t));            \
	} while (0)

TEST(memmap_typical)
{
	reset();
	/* a QEMU-like map, given out of order */
	CHECK_EQ(memmap_add(&m, 0x100000, 0x7ee0000, E820_RAM), 0);
	CHECK_EQ(memmap_add(&m, 0, 0x9fc00, E820_RAM), 0);
	CHECK_EQ(memmap_add(&m, 0x9fc00, 0x400, E820_RESERVED), 0);
	CHECK_EQ(memmap_add(&m, 0xf0000, 0x10000, E820_RESERVED), 0);
	CHECK_EQ(memmap_add(&m, 0x7fe0000, 0x20000, E820_RESERVED), 0);
	CHECK_EQ(memmap_add(&m, 0xfffc0000, 0x40000, E820_RESERVED), 0);
	CHECK_EQ(memmap_add(&m, 0x5000, 0, E820_RESERVED), 0);   /* ignored */
	CHECK_EQ(m.n, 6);
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 6);
	CHECK_ENTRY(0, 0, 0x9fc00, E820_RAM);
	CHECK_ENTRY(1, 0x9fc00, 0x400, E820_RESERVED);
	CHECK_ENTRY(2, 0xf0000, 0x10000, E820_RESERVED);
	CHECK_ENTRY(3, 0x100000, 0x7ee0000, E820_RAM);
	CHECK_ENTRY(5, 0xfffc0000, 0x40000, E820_RESERVED);
	CHECK_EQ(memmap_upper_end(&m), 0x7fe0000);
	/* sanitizing twice changes nothing */
	struct memmap copy = m;
	memmap_sanitize(&m);
	CHECK(memcmp(&copy, &m, sizeof(m)) == 0);
}

TEST(memmap_merge_adjacent)
{
	reset();
	memmap_add(&m, 0x100000, 0x100000, E820_RAM);
	memmap_add(&m, 0x200000, 0x100000, E820_RAM);
	memmap_add(&m, 0x300000, 0x100000, E820_RESERVED);
	memmap_add(&m, 0x400000, 0x100000, E820_RESERVED);
	memmap_add(&m, 0x500000, 0x100000, E820_ACPI);
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 3);
	CHECK_ENTRY(0, 0x100000, 0x200000, E820_RAM);
	CHECK_ENTRY(1, 0x300000, 0x200000, E820_RESERVED);
	CHECK_ENTRY(2, 0x500000, 0x100000, E820_ACPI);
	/* duplicates collapse too */
	reset();
	memmap_add(&m, 0x1000, 0x1000, E820_RAM);
	memmap_add(&m, 0x1000, 0x1000, E820_RAM);
	memmap_add(&m, 0x1800, 0x800, E820_RAM);
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 1);
	CHECK_ENTRY(0, 0x1000, 0x1000, E820_RAM);
}

TEST(memmap_overlap_reserved_wins)
{
	reset();
	/* a reserved hole punched into RAM splits it in three */
	memmap_add(&m, 0x100000, 0x1000000, E820_RAM);
	memmap_add(&m, 0x800000, 0x1000, E820_RESERVED);
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 3);
	CHECK_ENTRY(0, 0x100000, 0x700000, E820_RAM);
	CHECK_ENTRY(1, 0x800000, 0x1000, E820_RESERVED);
	CHECK_ENTRY(2, 0x801000, 0x8ff000, E820_RAM);
	CHECK_EQ(memmap_upper_end(&m), 0x800000);
	/* RAM overlapping the start of a reserved block loses the overlap, whatever the order */
	reset();
	memmap_add(&m, 0x2000, 0x2000, E820_RESERVED);
	memmap_add(&m, 0x1000, 0x2000, E820_RAM);
	memmap_add(&m, 0x3800, 0x1000, E820_RAM);
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 3);
	CHECK_ENTRY(0, 0x1000, 0x1000, E820_RAM);
	CHECK_ENTRY(1, 0x2000, 0x2000, E820_RESERVED);
	CHECK_ENTRY(2, 0x4000, 0x800, E820_RAM);
	/* RAM completely inside reserved disappears */
	reset();
	memmap_add(&m, 0x2000, 0x100, E820_RAM);
	memmap_add(&m, 0x1000, 0x10000, E820_NVS);
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 1);
	CHECK_ENTRY(0, 0x1000, 0x10000, E820_NVS);
	/* between two non-RAM types, the higher one wins (as Linux does) */
	reset();
	memmap_add(&m, 0, 0x2000, E820_RESERVED);
	memmap_add(&m, 0x1000, 0x2000, E820_UNUSABLE);
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 2);
	CHECK_ENTRY(0, 0, 0x1000, E820_RESERVED);
	CHECK_ENTRY(1, 0x1000, 0x2000, E820_UNUSABLE);
}

TEST(memmap_wrap)
{
	reset();
	/* an entry running past 2^64 is clipped at the top */
	CHECK_EQ(memmap_add(&m, 0xfffffffffffff000ull, 0x10000, E820_RESERVED), 0);
	CHECK_EQ(m.e[0].length, 0x1000);
	memmap_add(&m, 0xffffffffffff0000ull, 0x100000, E820_RAM);
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 2);
	CHECK_ENTRY(0, 0xffffffffffff0000ull, 0xf000, E820_RAM);
	CHECK_ENTRY(1, 0xfffffffffffff000ull, 0x1000, E820_RESERVED);
	/* entries written directly (not through memmap_add) that wrap are handled too */
	reset();
	m.e[0] = (struct memmap_entry){ 0xfffffffffffffff0ull, 0x100, E820_RAM };
	m.e[1] = (struct memmap_entry){ 0x100000, UINT64_MAX, E820_RESERVED };
	m.e[2] = (struct memmap_entry){ 0, 0x100000, E820_RAM };
	m.e[3] = (struct memmap_entry){ 0x5000, 0, E820_RESERVED };
	m.n = 4;
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 2);
	CHECK_ENTRY(0, 0, 0x100000, E820_RAM);
	CHECK_ENTRY(1, 0x100000, 0 - 0x100000ull, E820_RESERVED);
	CHECK_EQ(memmap_upper_end(&m), 0x100000);
	/* the whole address space in one piece loses only its last byte */
	reset();
	memmap_add(&m, 0, UINT64_MAX, E820_RAM);
	memmap_add(&m, 0xffffffffffff0000ull, 0x10000, E820_RAM);
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 1);
	CHECK_ENTRY(0, 0, UINT64_MAX, E820_RAM);
	CHECK_EQ(memmap_upper_end(&m), UINT64_MAX);
}

TEST(memmap_limits)
{
	reset();
	for (int i = 0; i < MEMMAP_MAX; i++)
		CHECK_EQ(memmap_add(&m, (uint64_t)i * 0x2000, 0x1000, E820_RAM), 0);
	CHECK_EQ(memmap_add(&m, 0x1000000, 0x1000, E820_RAM), -E_TOOBIG);
	CHECK_EQ(m.n, MEMMAP_MAX);
	memmap_sanitize(&m);
	CHECK_EQ(m.n, MEMMAP_MAX);
	/* one big RAM range with 63 holes makes 127 pieces: the result must still fit,
	 * keeping every hole out of RAM */
	reset();
	memmap_add(&m, 0, 0x1000000, E820_RAM);
	for (int i = 1; i < MEMMAP_MAX; i++)
		memmap_add(&m, (uint64_t)i * 0x10000, 0x100 + i, E820_RESERVED);
	memmap_sanitize(&m);
	CHECK_EQ(m.n, MEMMAP_MAX);
	for (int i = 0; i < m.n; i++) {
		if (i > 0)
			CHECK(m.e[i].base >= m.e[i - 1].base + m.e[i - 1].length);
		if (m.e[i].type != E820_RAM)
			continue;
		for (int h = 1; h < MEMMAP_MAX; h++) {
			uint64_t hb = (uint64_t)h * 0x10000, he = hb + 0x100 + h;
			CHECK(m.e[i].base >= he || m.e[i].base + m.e[i].length <= hb);
		}
	}
	/* empty and nonsense maps */
	reset();
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 0);
	CHECK_EQ(memmap_upper_end(&m), 0x100000);
	m.n = -5;
	memmap_sanitize(&m);
	CHECK_EQ(m.n, 0);
	m.n = 1000;
	memmap_sanitize(&m);
	CHECK(m.n >= 0 && m.n <= MEMMAP_MAX);
	reset();
	m.n = -1;
	CHECK_EQ(memmap_add(&m, 0, 1, E820_RAM), -E_TOOBIG);
}

TEST(memmap_names_upper)
{
	CHECK_STR(memmap_type_name(E820_RAM), "usable");
	CHECK_STR(memmap_type_name(E820_RESERVED), "reserved");
	CHECK_STR(memmap_type_name(E820_ACPI), "ACPI");
	CHECK_STR(memmap_type_name(E820_NVS), "ACPI NVS");
	CHECK_STR(memmap_type_name(E820_UNUSABLE), "unusable");
	CHECK_STR(memmap_type_name(0), "unknown");
	CHECK_STR(memmap_type_name(0xffffffff), "unknown");
	reset();
	memmap_add(&m, 0, 0xa0000, E820_RAM);
	CHECK_EQ(memmap_upper_end(&m), 0x100000);        /* 1 MiB is not in RAM */
	memmap_add(&m, 0x100000, 0x100000, E820_RESERVED);
	CHECK_EQ(memmap_upper_end(&m), 0x100000);
	reset();
	memmap_add(&m, 0xc0000, 0x1000000, E820_RAM);    /* starts below 1 MiB */
	CHECK_EQ(memmap_upper_end(&m), 0x10c0000);
	reset();
	memmap_add(&m, 0x100000, 1, E820_RAM);
	CHECK_EQ(memmap_upper_end(&m), 0x100001);
	/* the global exists and starts empty */
	CHECK_EQ(memmap.n, 0);
}
