/* test_partition.c: MBR (extended and logical) and GPT tables as sfdisk writes them, block
 * lists, partition windows, and hostile tables: EBR loops, partitions past the disk, broken GPT
 * checksums and sizes, read errors. */
#include <stdlib.h>
#include "test.h"
#include "disk_image.h"
#include "disk/disk.h"
#include "disk/partition.h"
#include "lib/errors.h"

#define MiB (1024 * 1024)

static const char *mbr_script =
	"printf 'label: dos\\nstart=2048, size=16384, type=83, bootable\\n"
	"start=18432, size=16384, type=c\\nstart=34816, size=40960, type=5\\n"
	"start=36864, size=8192, type=83\\nstart=47104, size=8192, type=82\\n' | "
	"sfdisk --no-reread --no-tell-kernel -q \"$1\"";

static const char *gpt_script =
	"printf 'label: gpt\\nstart=2048, size=2048, type=21686148-6469-6E6F-744E-656564454649\\n"
	"start=4096, size=8192, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\\n' | "
	"sfdisk --no-reread --no-tell-kernel -q \"$1\"";

static unsigned table(struct test_disk *d, enum part_scheme *s, struct part_entry *l, int *rc)
{
	unsigned n = 99;

	*rc = part_read_table(&d->bd, s, l, PART_MAX, &n);
	return n;
}

TEST(partition_mbr_sfdisk)
{
	struct test_disk d;
	struct part_entry l[PART_MAX], e;
	enum part_scheme s;
	int rc;

	if (test_disk_make(&d, 64 * MiB, 512, mbr_script) < 0) {
		CHECK(!"sfdisk image");
		return;
	}
	CHECK_EQ(table(&d, &s, l, &rc), 5);
	CHECK_EQ(rc, 0);
	CHECK_EQ(s, PART_MBR);
	CHECK_EQ(l[0].index, 0); CHECK_EQ(l[0].start, 2048); CHECK_EQ(l[0].sectors, 16384);
	CHECK(l[0].active); CHECK_EQ(l[0].type, 0x83);
	CHECK_EQ(l[1].index, 1); CHECK_EQ(l[1].type, 0x0c); CHECK(!l[1].active);
	CHECK_EQ(l[2].index, 2); CHECK_EQ(l[2].type, 0x05);
	CHECK_EQ(l[3].index, 4); CHECK_EQ(l[3].start, 36864); CHECK_EQ(l[3].sectors, 8192);
	CHECK_EQ(l[4].index, 5); CHECK_EQ(l[4].start, 47104); CHECK_EQ(l[4].type, 0x82);
	CHECK_EQ(part_find(&d.bd, 5, &e), 0);
	CHECK_EQ(e.start, 47104);
	CHECK_EQ(part_find(&d.bd, 3, &e), -E_NOENT);
	CHECK_EQ(part_find(&d.bd, 6, &e), -E_NOENT);

	/* The entry a chained boot sector gets: primaries as on disk with the boot flag set... */
	uint8_t pe[16], want[16];

	CHECK_EQ(part_find(&d.bd, 1, &e), 0);
	CHECK_EQ(part_chain_entry(&d.bd, &e, 16, 63, pe), 0);
	memcpy(want, d.data + 446 + 16, 16);
	CHECK_EQ(want[0], 0);
	want[0] = 0x80;
	CHECK(!memcmp(pe, want, 16));
	/* ...a logical one made up with its absolute start and CHS from the geometry. */
	CHECK_EQ(part_find(&d.bd, 5, &e), 0);
	CHECK_EQ(part_chain_entry(&d.bd, &e, 16, 63, pe), 0);
	CHECK_EQ(pe[0], 0x80); CHECK_EQ(pe[4], 0x82);
	CHECK_EQ(get_le32(pe + 8), 47104); CHECK_EQ(get_le32(pe + 12), 8192);
	CHECK_EQ(pe[1], 11); CHECK_EQ(pe[2], 44); CHECK_EQ(pe[3], 46);   /* 47104 = 46/11/44 */
	/* Past cylinder 1023, or with a geometry the BIOS got wrong: 1023/254/63. */
	e.start = 5000000;
	CHECK_EQ(part_chain_entry(&d.bd, &e, 16, 63, pe), 0);
	CHECK_EQ(pe[1], 254); CHECK_EQ(pe[2], 0xff); CHECK_EQ(pe[3], 0xff);
	e.start = 0x100000000ull;
	CHECK_EQ(part_chain_entry(&d.bd, &e, 0, 0, pe), 0);
	CHECK_EQ(get_le32(pe + 8), 0xffffffffu); CHECK_EQ(pe[7], 0xff);

	/* Hostile: the second EBR links back to the first (a loop): the chain stops. */
	uint8_t *ebr2 = d.data + 47104ull * 512 - 2048 * 512; /* EBR sits 2048 before its part */
	put_le32(ebr2 + 446 + 16 + 8, 0);
	ebr2[446 + 16 + 4] = 0x05;
	CHECK_EQ(table(&d, &s, l, &rc), 5);
	put_le32(ebr2 + 446 + 16 + 8, 2048 - 2048);
	/* Hostile: a logical partition running past the disk is left out. */
	uint8_t *ebr1 = d.data + 34816ull * 512;
	put_le32(ebr1 + 446 + 12, 0xfffffff0u);
	CHECK_EQ(table(&d, &s, l, &rc), 4);
	CHECK_EQ(part_find(&d.bd, 4, &e), -E_NOENT);
	/* Hostile: a primary past the end of the disk. */
	put_le32(d.data + 446 + 8, 200000);
	CHECK_EQ(table(&d, &s, l, &rc), 3);
	/* A read error from the disk is reported, not a table. */
	d.fail_after = d.reads;
	CHECK_EQ(table(&d, &s, l, &rc), 0);
	CHECK_EQ(rc, -E_IO);
	test_disk_free(&d);
}

TEST(partition_gpt_sfdisk)
{
	struct test_disk d;
	struct part_entry l[PART_MAX];
	enum part_scheme s;
	int rc;

	if (test_disk_make(&d, 32 * MiB, 512, gpt_script) < 0) {
		CHECK(!"sfdisk image");
		return;
	}
	CHECK_EQ(table(&d, &s, l, &rc), 2);
	CHECK_EQ(rc, 0);
	CHECK_EQ(s, PART_GPT);
	CHECK_EQ(l[0].start, 2048); CHECK_EQ(l[0].sectors, 2048); CHECK(l[0].bios_boot);
	CHECK_EQ(l[1].index, 1); CHECK_EQ(l[1].start, 4096); CHECK_EQ(l[1].sectors, 8192);
	CHECK(!l[1].bios_boot);

	/* A flipped bit in an entry: the array checksum catches it. */
	d.data[2 * 512 + 128 + 33] ^= 1;
	CHECK_EQ(table(&d, &s, l, &rc), 0);
	CHECK_EQ(rc, -E_PROTO);
	CHECK(strstr(err_detail, "entry array checksum") != NULL);
	d.data[2 * 512 + 128 + 33] ^= 1;
	/* A damaged header. */
	d.data[512 + 40] ^= 0x80;
	table(&d, &s, l, &rc);
	CHECK_EQ(rc, -E_PROTO);
	CHECK(strstr(err_detail, "header checksum") != NULL);
	d.data[512 + 40] ^= 0x80;
	/* A header that claims a huge entry array (with a valid checksum). */
	put_le32(d.data + 512 + 80, 0x10000000);
	put_le32(d.data + 512 + 16, 0);
	put_le32(d.data + 512 + 16, part_crc32(0, d.data + 512, 92));
	table(&d, &s, l, &rc);
	CHECK_EQ(rc, -E_PROTO);
	CHECK(strstr(err_detail, "entry array size") != NULL);
	test_disk_free(&d);
}

TEST(partition_none)
{
	struct test_disk d;
	struct part_entry l[PART_MAX];
	enum part_scheme s;
	uint8_t img[4096] = { 0 };
	int rc;

	test_disk_from(&d, img, sizeof(img), 512);
	CHECK_EQ(table(&d, &s, l, &rc), 0);
	CHECK_EQ(s, PART_NONE);
	/* A boot sector with 55AA whose "entries" hold code is not a table. */
	memset(img + 446, 0x90, 64);
	img[510] = 0x55; img[511] = 0xaa;
	test_disk_free(&d);
	test_disk_from(&d, img, sizeof(img), 512);
	CHECK_EQ(table(&d, &s, l, &rc), 0);
	CHECK_EQ(s, PART_NONE);
	CHECK_EQ(part_crc32(0, "123456789", 9), 0xCBF43926);  /* the standard check value */
	test_disk_free(&d);
}

TEST(blocklist_parse_and_read)
{
	struct blocklist_run r[BLOCKLIST_MAX_RUNS];
	unsigned n;

	CHECK_EQ(blocklist_parse("+1", r, 16, &n), 0);
	CHECK_EQ(n, 1); CHECK_EQ(r[0].start, 0); CHECK_EQ(r[0].count, 1);
	CHECK_EQ(blocklist_parse("0+1,100+20", r, 16, &n), 0);
	CHECK_EQ(n, 2); CHECK_EQ(r[1].start, 100); CHECK_EQ(r[1].count, 20);
	CHECK_EQ(blocklist_parse("5+0", r, 16, &n), -E_INVAL);
	CHECK_EQ(blocklist_parse("5", r, 16, &n), -E_INVAL);
	CHECK_EQ(blocklist_parse("1+1,", r, 16, &n), -E_INVAL);
	CHECK_EQ(blocklist_parse("99999999999999999999+1", r, 16, &n), -E_RANGE);
	CHECK_EQ(blocklist_parse("1+1,2+1,3+1", r, 2, &n), -E_TOOBIG);

	/* Read a block list through a partition window, across runs and a sector boundary. */
	uint8_t img[64 * 512];
	struct test_disk d;
	struct blockdev w;
	struct file f;
	uint8_t buf[2048];

	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 13 + (i >> 9));
	test_disk_from(&d, img, sizeof(img), 512);
	blockdev_init_window(&w, &d.bd, "hd9,0", 8, 32);
	w.parent = &d.bd;
	struct blockdev *wp = malloc(sizeof(w));
	*wp = w;
	CHECK_EQ(blocklist_open(&f, wp, "2+2,30+1"), 0);
	CHECK_EQ(f.size, 1536);
	size_t got = 0;
	int k;
	while ((k = file_read(&f, buf + got, 700)) > 0)
		got += (size_t)k;
	CHECK_EQ(k, 0);
	CHECK_EQ(got, 1536);
	CHECK(!memcmp(buf, img + 10 * 512, 1024));
	CHECK(!memcmp(buf + 1024, img + 38 * 512, 512));
	CHECK_EQ(file_seek(&f, 1000), 0);
	CHECK_EQ(file_read(&f, buf, 10), 10);
	CHECK(!memcmp(buf, img + 10 * 512 + 1000, 10));
	file_close(&f);
	/* Past the window's end. */
	wp = malloc(sizeof(w));
	*wp = w;
	CHECK_EQ(blocklist_open(&f, wp, "31+2"), -E_RANGE);
	CHECK(strstr(err_detail, "run past the end of (hd9,0)") != NULL);
	test_disk_free(&d);
}

TEST(partition_make_active)
{
	struct test_disk d, g;
	uint8_t before[512];

	if (test_disk_make(&d, 64 * MiB, 512, mbr_script) < 0) {
		CHECK(!"sfdisk image");
		return;
	}
	memcpy(before, d.data, 512);
	CHECK_EQ(part_make_active(&d.bd, 1), 0);
	CHECK_EQ(d.data[446], 0); CHECK_EQ(d.data[446 + 16], 0x80);
	CHECK_EQ(d.data[446 + 32], 0); CHECK_EQ(d.data[446 + 48], 0);
	/* Only the four flag bytes change: code, disk signature, types, 55AA stay. */
	before[446] = 0; before[446 + 16] = 0x80;
	CHECK(!memcmp(before, d.data, 512));
	CHECK_EQ(part_make_active(&d.bd, 4), -E_NOTSUP);       /* logical */
	CHECK_EQ(part_make_active(&d.bd, 2), -E_NOENT);        /* the extended one */
	CHECK_EQ(part_make_active(&d.bd, 3), -E_NOENT);        /* empty slot */
	CHECK_EQ(d.data[446 + 16], 0x80);
	d.bd.write = NULL;
	CHECK_EQ(part_make_active(&d.bd, 0), -E_NOTSUP);       /* read-only device */
	test_disk_free(&d);
	if (test_disk_make(&g, 32 * MiB, 512, gpt_script) < 0) {
		CHECK(!"sfdisk image");
		return;
	}
	memcpy(before, g.data, 512);
	CHECK_EQ(part_make_active(&g.bd, 1), -E_NOTSUP);       /* GPT: protective MBR untouched */
	CHECK(!memcmp(before, g.data, 512));
	test_disk_free(&g);
}
