/* test_lowmem.c: unit tests of the base-memory arithmetic (BIOS counts, loader fit, kernel setup). */
#include "test.h"
#include "services/lowmem.h"
#include "lib/errors.h"

TEST(lowmem_top_takes_smaller_count)
{
	CHECK_EQ(lowmem_top(639, 639), 639 * 1024);
	/* a PXE ROM lowered 40:13 but INT 12h disagrees: trust the smaller */
	CHECK_EQ(lowmem_top(639, 600), 600 * 1024);
	CHECK_EQ(lowmem_top(512, 639), 512 * 1024);
	CHECK_EQ(lowmem_top(0, 639), 0);
}

TEST(lowmem_top_never_past_640k)
{
	CHECK_EQ(lowmem_top(640, 640), 0xa0000);
	CHECK_EQ(lowmem_top(0xffff, 0xffff), 0xa0000);       /* garbage counts */
	CHECK_EQ(lowmem_top(0xffffffffu, 0xffffffffu), 0xa0000); /* no 32-bit wrap */
}

TEST(lowmem_check_loader_end)
{
	CHECK_EQ(lowmem_check(0x45af0, 639 * 1024), 0);
	CHECK_EQ(lowmem_check(0x40000, 0x40000), 0);         /* ends exactly at the top */
	CHECK_EQ(lowmem_check(0x40001, 0x40000), -E_NOMEM);
	CHECK_EQ(lowmem_check(0x45af0, 256 * 1024), -E_NOMEM);
	CHECK_EQ(lowmem_check(0x8000, 0), -E_NOMEM);         /* BIOS says no base memory */
}

TEST(lowmem_setup_base_next_64k)
{
	uint32_t base = 0;

	CHECK_EQ(lowmem_setup_base(0x45af0, 639 * 1024, &base), 0);
	CHECK_EQ(base, 0x50000);
	CHECK_EQ(lowmem_setup_base(0x50000, 0x60000, &base), 0);  /* on a boundary: stays */
	CHECK_EQ(base, 0x50000);
	CHECK_EQ(lowmem_setup_base(0x50001, 0x70000, &base), 0);
	CHECK_EQ(base, 0x60000);
}

TEST(lowmem_setup_base_too_little)
{
	uint32_t base = 0;

	/* setup would end at 0x60000, one byte past the top */
	CHECK_EQ(lowmem_setup_base(0x45af0, 0x5ffff, &base), -E_NOMEM);
	CHECK_EQ(base, 0x50000);
	/* the loader ending on the top leaves no room at all */
	CHECK_EQ(lowmem_setup_base(0x9fc00, 0x9fc00, &base), -E_NOMEM);
	CHECK_EQ(base, 0xa0000);
	/* no wrap near 4 GiB */
	CHECK_EQ(lowmem_setup_base(0xffff0001u, 0xffffffffu, &base), -E_NOMEM);
	CHECK_EQ(base, 0xffffffffu);
	CHECK_EQ(lowmem_setup_base(0xfffe0000u, 0xffffffffu, &base), 0);
}
