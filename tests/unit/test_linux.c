/* test_linux.c: unit tests of bzImage header parsing and kernel command line scanning. */
#include "test.h"
#include "loader/linux.h"
#include "lib/errors.h"
#include <stdlib.h>

static uint8_t img[64 * 1024];

/* A fake bzImage of len bytes speaking protocol version, with setup_sects sects. */
static void make(uint16_t version, uint8_t sects)
{
	memset(img, 0, sizeof(img));
	img[LH_SETUP_SECTS] = sects;
	put_le16(img + LH_BOOT_FLAG, 0xaa55);
	memcpy(img + LH_HEADER, "HdrS", 4);
	put_le16(img + LH_VERSION, version);
	img[LH_LOADFLAGS] = LOADFLAG_LOADED_HIGH;
	put_le32(img + LH_INITRD_ADDR_MAX, 0x7fffffff);
	put_le32(img + LH_CMDLINE_SIZE, 2047);
	put_le32(img + LH_INIT_SIZE, 0x1234000);
}

TEST(linux_parse_modern)
{
	struct linux_image li;
	make(0x020f, 27);
	CHECK_EQ(linux_parse(img, 20000, &li), 0);
	CHECK_EQ(li.version, 0x020f);
	CHECK_EQ(li.setup_size, 28 * 512);
	CHECK_EQ(li.pm_offset, 28 * 512);
	CHECK_EQ(li.pm_size, 20000 - 28 * 512);
	CHECK_EQ(li.initrd_addr_max, 0x7fffffff);
	CHECK_EQ(li.cmdline_size, 2047);
	CHECK_EQ(li.init_size, 0x1234000);
	/* setup_sects 0 means 4 */
	make(0x020f, 0);
	CHECK_EQ(linux_parse(img, 5 * 512 + 1, &li), 0);
	CHECK_EQ(li.setup_size, 5 * 512);
	CHECK_EQ(li.pm_size, 1);
	/* exactly the setup and nothing more: no kernel */
	CHECK_EQ(linux_parse(img, 5 * 512, &li), -E_NOEXEC);
	/* the largest setup */
	make(0x020f, 255);
	CHECK_EQ(linux_parse(img, 256 * 512 - 1, &li), -E_NOEXEC);
	CHECK_EQ(linux_parse(img, sizeof(img), &li), -E_NOEXEC);   /* 64 KiB < 128 KiB setup */
}

/* syssize (16-byte units; 32 bits from 2.04) is reported, so a truncated kernel is seen. */
TEST(linux_parse_syssize)
{
	struct linux_image li;
	make(0x020f, 27);
	put_le32(img + LH_SYSSIZE, 0x10000001u);
	CHECK_EQ(linux_parse(img, 20000, &li), 0);
	CHECK_EQ(li.sys_size, 0x100000010ull);    /* no 32-bit overflow */
	make(0x0202, 4);
	put_le32(img + LH_SYSSIZE, 0xffff1234u);  /* 2.02: only the low 16 bits */
	CHECK_EQ(linux_parse(img, 20000, &li), 0);
	CHECK_EQ(li.sys_size, 0x1234u * 16);
}

TEST(linux_parse_versions)
{
	struct linux_image li;
	/* 2.02: no initrd_addr_max, no cmdline_size, no init_size */
	make(0x0202, 4);
	CHECK_EQ(linux_parse(img, 4096, &li), 0);
	CHECK_EQ(li.initrd_addr_max, 0x37ffffff);
	CHECK_EQ(li.cmdline_size, 255);
	CHECK_EQ(li.init_size, 0);
	/* 2.03..2.05: initrd_addr_max only */
	make(0x0205, 4);
	CHECK_EQ(linux_parse(img, 4096, &li), 0);
	CHECK_EQ(li.initrd_addr_max, 0x7fffffff);
	CHECK_EQ(li.cmdline_size, 255);
	CHECK_EQ(li.init_size, 0);
	/* 2.06..2.09: plus cmdline_size */
	make(0x0209, 4);
	CHECK_EQ(linux_parse(img, 4096, &li), 0);
	CHECK_EQ(li.cmdline_size, 2047);
	CHECK_EQ(li.init_size, 0);
	/* 2.10: plus init_size */
	make(0x020a, 4);
	CHECK_EQ(linux_parse(img, 4096, &li), 0);
	CHECK_EQ(li.init_size, 0x1234000);
	/* too old */
	make(0x0201, 4);
	CHECK_EQ(linux_parse(img, 4096, &li), -E_NOTSUP);
	CHECK(strstr(err_detail, "2.01 is older than 2.02") != NULL);
	make(0x0100, 4);
	CHECK_EQ(linux_parse(img, 4096, &li), -E_NOTSUP);
	/* a future version is read like the newest we know */
	make(0xffff, 4);
	CHECK_EQ(linux_parse(img, 4096, &li), 0);
	CHECK_EQ(li.init_size, 0x1234000);
}

TEST(linux_parse_rejects)
{
	struct linux_image li;
	make(0x020f, 4);
	img[LH_BOOT_FLAG] = 0;
	CHECK_EQ(linux_parse(img, 4096, &li), -E_NOEXEC);
	make(0x020f, 4);
	img[LH_HEADER + 3] = 's';
	CHECK_EQ(linux_parse(img, 4096, &li), -E_NOEXEC);
	make(0x020f, 4);
	img[LH_LOADFLAGS] = LOADFLAG_CAN_USE_HEAP;       /* zImage */
	CHECK_EQ(linux_parse(img, 4096, &li), -E_NOTSUP);
	CHECK(strstr(err_detail, "zImage") != NULL);
	CHECK_EQ(linux_parse(NULL, 4096, &li), -E_NOEXEC);
	/* truncated at every length up to past the setup: never accepted, never reads past len
	 * (the copy goes to a heap buffer of exactly that size so ASan catches any overread) */
	make(0x020f, 1);
	for (size_t n = 0; n <= 1024; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, img, n);
		CHECK_EQ(linux_parse(copy, n, &li), -E_NOEXEC);
		free(copy);
	}
	uint8_t *copy = malloc(1025);
	memcpy(copy, img, 1025);
	CHECK_EQ(linux_parse(copy, 1025, &li), 0);
	free(copy);
}

static struct linux_cmdline_opts o;

TEST(linux_cmdline_vga)
{
	CHECK_EQ(linux_cmdline_scan("root=/dev/sda1 vga=normal quiet", &o), 0);
	CHECK(o.has_vga);
	CHECK_EQ(o.vga, 0xffff);
	CHECK(!o.has_mem);
	CHECK_EQ(linux_cmdline_scan("vga=ext", &o), 0);
	CHECK_EQ(o.vga, 0xfffe);
	CHECK_EQ(linux_cmdline_scan("vga=ask", &o), 0);
	CHECK_EQ(o.vga, 0xfffd);
	CHECK_EQ(linux_cmdline_scan("vga=791", &o), 0);
	CHECK_EQ(o.vga, 791);
	CHECK_EQ(linux_cmdline_scan("vga=0x317", &o), 0);
	CHECK_EQ(o.vga, 0x317);
	CHECK_EQ(linux_cmdline_scan("vga=0xffff", &o), 0);
	CHECK_EQ(o.vga, 0xffff);
	CHECK_EQ(linux_cmdline_scan("vga=1 vga=2\tvga=3", &o), 0);   /* last wins */
	CHECK_EQ(o.vga, 3);
	CHECK_EQ(linux_cmdline_scan("xvga=1 avga=normal", &o), 0);
	CHECK(!o.has_vga);
	CHECK_EQ(linux_cmdline_scan("foo=\"a vga=1\" bar", &o), 0);   /* inside quotes */
	CHECK(!o.has_vga);
	CHECK_EQ(linux_cmdline_scan("foo=\"a b\" vga=7", &o), 0);
	CHECK_EQ(o.vga, 7);
	CHECK_EQ(linux_cmdline_scan("vga=0x10000", &o), -E_INVAL);
	CHECK_EQ(linux_cmdline_scan("vga=65536", &o), -E_INVAL);
	CHECK_EQ(linux_cmdline_scan("vga=", &o), -E_INVAL);
	CHECK_EQ(linux_cmdline_scan("vga= 1", &o), -E_INVAL);
	CHECK_EQ(linux_cmdline_scan("vga=Normal", &o), -E_INVAL);
	CHECK_EQ(linux_cmdline_scan("vga=12x", &o), -E_INVAL);
	CHECK_EQ(linux_cmdline_scan("vga=-1", &o), -E_INVAL);
	CHECK_EQ(linux_cmdline_scan("vga=99999999999999999999999999999999999999999", &o), -E_INVAL);
	CHECK_EQ(linux_cmdline_scan("vga=1 vga=bad", &o), -E_INVAL);
}

TEST(linux_cmdline_mem)
{
	CHECK_EQ(linux_cmdline_scan("mem=512M", &o), 0);
	CHECK(o.has_mem);
	CHECK_EQ(o.mem, 512ull << 20);
	CHECK_EQ(linux_cmdline_scan("mem=4G console=ttyS0", &o), 0);
	CHECK_EQ(o.mem, 4ull << 30);
	CHECK_EQ(linux_cmdline_scan("mem=640K mem=1048576", &o), 0);
	CHECK_EQ(o.mem, 1048576);
	CHECK_EQ(linux_cmdline_scan("mem=nopentium", &o), 0);
	CHECK(!o.has_mem);
	CHECK_EQ(linux_cmdline_scan("dmem=1 memmap=1M", &o), 0);
	CHECK(!o.has_mem);
	CHECK_EQ(linux_cmdline_scan("mem=", &o), -E_INVAL);
	CHECK_EQ(linux_cmdline_scan("mem=lots", &o), -E_INVAL);
	CHECK_EQ(linux_cmdline_scan("mem=5Q", &o), -E_INVAL);
	CHECK_EQ(linux_cmdline_scan("vga=ask mem=256M", &o), 0);
	CHECK(o.has_vga && o.has_mem);
}

TEST(linux_cmdline_edges)
{
	CHECK_EQ(linux_cmdline_scan("", &o), 0);
	CHECK(!o.has_vga && !o.has_mem);
	CHECK_EQ(linux_cmdline_scan(NULL, &o), 0);
	CHECK_EQ(linux_cmdline_scan("   \t\n  ", &o), 0);
	CHECK_EQ(linux_cmdline_scan("\"unterminated vga=1", &o), 0);
	CHECK(!o.has_vga);
	CHECK_EQ(linux_cmdline_scan("vga", &o), 0);
	CHECK_EQ(linux_cmdline_scan("vga=ask\"", &o), -E_INVAL);
	/* a long command line of many words */
	char line[8192];
	size_t n = 0;
	while (n + 8 < sizeof(line)) {
		memcpy(line + n, "vga=12 ", 7);
		n += 7;
	}
	line[n] = '\0';
	CHECK_EQ(linux_cmdline_scan(line, &o), 0);
	CHECK_EQ(o.vga, 12);
}
