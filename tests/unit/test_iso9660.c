/* test_iso9660.c: the ISO 9660 reader over images made by xorriso with Rock Ridge and Joliet
 * (-rockridge on
 * -joliet on), Joliet alone and plain ISO 9660 (long names, a name long enough to need a Rock Ridge
 * continuation area, deep directories), and over corrupted copies: a broken primary volume
 * descriptor, a file past the end of the volume, a directory that holds itself, read errors. */
#include <stdio.h>
#include <stdlib.h>
#include "test.h"
#include "disk_image.h"
#include "disk/disk.h"
#include "disk/fs.h"
#include "lib/errors.h"

#define LONG200 "a-very-long-rock-ridge-name-0123456789-0123456789-0123456789-0123456789-" \
	"0123456789-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789-0123456789-" \
	"0123456789-end.txt"

static const char *tree =
	"t=$(mktemp -d); printf 'hello from ISO\\n' > $t/hello.txt; seq 1 20000 > $t/big.txt\n"
	"mkdir -p $t/boot/osprey $t/a/b/c/d/e/f/g/h/i/j/k\n"
	"printf 'title x\\n' > $t/boot/osprey/menu.lst; printf 'deep\\n' > $t/a/b/c/d/e/f/g/h/i/j/k/deep.txt\n"
	"printf 'mixed\\n' > $t/MixedCase.Txt; printf 'long\\n' > $t/" LONG200 "\n";

static int make_iso(struct test_disk *d, const char *opts)
{
	char cmd[4096];

	/* xorriso writes its own file: build it beside $1 and copy it over. opts are native
	 * xorriso options (its mkisofs mode cannot turn Rock Ridge off). */
	snprintf(cmd, sizeof(cmd), "%sxorriso -report_about SORRY -outdev \"$1.iso\" %s "
		 "-volid OSPREY_TEST -map $t /\n"
		 "dd if=\"$1.iso\" of=\"$1\" conv=notrunc status=none; rm -r $t \"$1.iso\"\n", tree, opts);
	return test_disk_make(d, 2 * 1024 * 1024, 512, cmd);
}

static long expect_big(void)
{
	long n = 0;

	for (int i = 1; i <= 20000; i++)
		n += snprintf(NULL, 0, "%d\n", i);
	return n;
}

/* The record in the primary tree's directory at extent whose ISO name is iso_name. */
static uint8_t *find_record(struct test_disk *d, uint32_t extent, const char *iso_name)
{
	uint8_t *blk = d->data + (size_t)extent * 2048;

	for (uint32_t o = 0; o < 2048 && blk[o];) {
		if (blk[o + 32] == strlen(iso_name) && !memcmp(blk + o + 33, iso_name, strlen(iso_name)))
			return blk + o;
		o += blk[o];
	}
	return NULL;
}

static void check_iso(const char *opts, bool rr, bool joliet)
{
	struct test_disk d;
	struct test_names n = { "", 0 };
	char *buf;

	printf("    xorriso %s\n", opts);
	if (make_iso(&d, opts) < 0) {
		CHECK(!"xorriso image");
		return;
	}
	CHECK_EQ(test_disk_slurp(&d, "/hello.txt", 3000, &buf), 15);
	CHECK_STR(buf, "hello from ISO\n");
	free(buf);
	CHECK_EQ(test_disk_slurp(&d, "/big.txt", 3000, &buf), expect_big());
	CHECK(buf && !memcmp(buf, "1\n2\n3\n", 6) && strstr(buf, "\n19999\n20000\n"));
	free(buf);
	CHECK_EQ(test_disk_slurp(&d, "/boot/osprey/menu.lst", 3000, &buf), 8);
	free(buf);
	CHECK_EQ(test_disk_slurp(&d, "/a/b/c/d/e/f/g/h/i/j/k/deep.txt", 3000, &buf), 5);
	free(buf);
	CHECK_EQ(test_disk_slurp(&d, "/a/b/../b/c/d/e/f/g/h/i/j/k/deep.txt", 3000, &buf), 5);
	free(buf);
	CHECK_EQ(test_disk_slurp(&d, "/nope", 3000, &buf), -E_NOENT);
	CHECK_EQ(test_disk_slurp(&d, "/a", 3000, &buf), -E_INVAL);
	CHECK_EQ(fs_list(&d.bd, "/", test_names_collect, &n), 0);
	if (rr) {
		/* Rock Ridge: exact names, long ones through a continuation area. */
		CHECK_EQ(test_disk_slurp(&d, "/" LONG200, 3000, &buf), 5);
		free(buf);
		CHECK_EQ(test_disk_slurp(&d, "/MixedCase.Txt", 3000, &buf), 6);
		free(buf);
		CHECK_EQ(test_disk_slurp(&d, "/mixedcase.txt", 3000, &buf), -E_NOENT);
		CHECK(strstr(n.all, "MixedCase.Txt:6;") != NULL);
		CHECK(strstr(n.all, LONG200 ":5;") != NULL);
	} else if (joliet) {
		CHECK(strstr(n.all, "MixedCase.Txt:6;") != NULL);
		CHECK_EQ(test_disk_slurp(&d, "/mixedcase.txt", 3000, &buf), 6);
		free(buf);
	} else {
		/* Plain ISO 9660: upper case names, matched without case. */
		CHECK(strstr(n.all, "HELLO.TXT:15;") != NULL);
		CHECK(strstr(n.all, "BOOT/:0;") != NULL);
		CHECK_EQ(test_disk_slurp(&d, "/mixedcase.txt", 3000, &buf), 6);
		free(buf);
	}
	if (rr || joliet)
		CHECK(strstr(n.all, "boot/:0;") != NULL && strstr(n.all, "hello.txt:15;") != NULL);

	/* A read error from the disk comes back as it is. */
	d.fail_after = d.reads + 3;
	CHECK_EQ(test_disk_slurp(&d, "/a/b/c/d/e/f/g/h/i/j/k/deep.txt", 3000, &buf), -E_IO);
	d.fail_after = 0;

	uint8_t *pvd = d.data + 16 * 2048;
	uint32_t root = get_le32(pvd + 156 + 2);
	if (rr) {
		/* big.txt past the end of the volume; /a pointing back at the root. */
		uint8_t *big = find_record(&d, root, "BIG.TXT;1"), *a = find_record(&d, root, "A");
		CHECK(big && a);
		if (big && a) {
			put_le32(big + 2, 0x7fffff00);
			CHECK_EQ(test_disk_slurp(&d, "/big.txt", 3000, &buf), -E_IO);
			CHECK(strstr(err_detail, "past the end of the volume") != NULL);
			put_le32(a + 2, root);
			CHECK_EQ(test_disk_slurp(&d, "/a/b/c", 3000, &buf), -E_IO);
			CHECK(strstr(err_detail, "a directory contains itself") != NULL);
		}
	}
	/* A broken primary volume descriptor (block size 0). */
	put_le16(pvd + 128, 0);
	CHECK_EQ(test_disk_slurp(&d, "/hello.txt", 3000, &buf), -E_IO);
	CHECK(strstr(err_detail, "primary volume descriptor is corrupt") != NULL);
	/* No descriptors at all: no filesystem. */
	memset(pvd, 0, 2048);
	CHECK_EQ(test_disk_slurp(&d, "/hello.txt", 3000, &buf), -E_NOTSUP);
	test_disk_free(&d);
}

TEST(iso9660_rock_ridge_joliet) { check_iso("-rockridge on -joliet on", true, true); }
TEST(iso9660_joliet) { check_iso("-rockridge off -joliet on", false, true); }
TEST(iso9660_plain) { check_iso("-rockridge off -joliet off", false, false); }
