/* test_fat.c: the FAT reader over FAT12, FAT16 and FAT32 images made by mkfs.vfat and filled by
 * mtools (long names, subdirectories, a multi-cluster file), and over corrupted copies: a broken
 * boot sector, a loop in a FAT chain, a chain shorter than its file, a directory whose chain
 * points to itself, read errors. */
#include <stdio.h>
#include <stdlib.h>
#include "test.h"
#include "disk_image.h"
#include "disk/disk.h"
#include "disk/fs.h"
#include "lib/errors.h"

#define MiB (1024 * 1024)

/* mkfs.vfat then mtools; $1 is the image. big.txt is `seq 1 20000`. */
static const char *fill =
	"t=$(mktemp -d); printf 'hello from FAT\\n' > $t/hello.txt; seq 1 20000 > $t/big.txt\n"
	"printf 'title x\\n' > $t/menu.lst; printf 'deep\\n' > $t/deep.bin\n"
	"export MTOOLS_SKIP_CHECK=1\n"
	"mmd -i \"$1\" ::/boot ::/boot/osprey ::/dir ::/dir/sub\n"
	"mcopy -i \"$1\" $t/hello.txt ::/hello.txt\n"
	"mcopy -i \"$1\" $t/big.txt ::/big.txt\n"
	"mcopy -i \"$1\" $t/hello.txt '::/A Long File Name With Spaces.txt'\n"
	"mcopy -i \"$1\" $t/menu.lst ::/boot/osprey/menu.lst\n"
	"mcopy -i \"$1\" $t/deep.bin ::/dir/sub/deep.bin\n"
	"rm -r $t\n";

static int make_fat(struct test_disk *d, int bits)
{
	char cmd[2048];
	size_t size = bits == 12 ? 2 * MiB : bits == 16 ? 32 * MiB : 64 * MiB;

	snprintf(cmd, sizeof(cmd), "mkfs.vfat -F %d %s -n OSPREY \"$1\" >/dev/null\n%s", bits,
		 bits == 32 ? "-s 1" : "", fill);
	return test_disk_make(d, size, 512, cmd);
}

static char *seq_text(size_t *len)
{
	char *s = malloc(20000 * 7), *p = s;

	for (int i = 1; i <= 20000; i++)
		p += sprintf(p, "%d\n", i);
	*len = (size_t)(p - s);
	return s;
}

/* Byte offset of the 32-byte directory entry with 8.3 name n83 ("BIG     TXT"). */
static uint8_t *find_entry(struct test_disk *d, const char *n83)
{
	for (size_t o = 0; o + 32 <= d->size; o += 32)
		if (!memcmp(d->data + o, n83, 11) && d->data[o + 11] != 0x0f)
			return d->data + o;
	return NULL;
}

static void set_fat(struct test_disk *d, int bits, uint32_t c, uint32_t v)
{
	uint8_t *fat = d->data + get_le16(d->data + 14) * get_le16(d->data + 11);

	if (bits == 16) {
		put_le16(fat + 2 * c, (uint16_t)v);
	} else if (bits == 32) {
		put_le32(fat + 4 * c, v);
	} else {
		uint8_t *p = fat + c + c / 2;
		uint16_t w = get_le16(p);
		w = (c & 1) ? (uint16_t)((w & 0x000f) | v << 4) : (uint16_t)((w & 0xf000) | (v & 0xfff));
		put_le16(p, w);
	}
}

static uint32_t entry_cluster(const uint8_t *e)
{
	return (uint32_t)get_le16(e + 20) << 16 | get_le16(e + 26);
}

static void check_fat(int bits)
{
	struct test_disk d;
	struct test_names n = { "", 0 };
	char *buf;
	size_t want_len;
	char *want = seq_text(&want_len);
	long got;

	printf("    FAT%d\n", bits);
	if (make_fat(&d, bits) < 0) {
		CHECK(!"mkfs.vfat/mtools image");
		free(want);
		return;
	}
	CHECK_EQ(test_disk_slurp(&d, "/hello.txt", 3000, &buf), 15);
	CHECK_STR(buf, "hello from FAT\n");
	free(buf);
	CHECK_EQ(test_disk_slurp(&d, "/HELLO.TXT", 3000, &buf), 15);   /* FAT names ignore case */
	free(buf);
	CHECK_EQ(test_disk_slurp(&d, "/A Long File Name With Spaces.txt", 3000, &buf), 15);
	free(buf);
	CHECK_EQ(test_disk_slurp(&d, "/boot/osprey/menu.lst", 3000, &buf), 8);
	CHECK_STR(buf, "title x\n");
	free(buf);
	CHECK_EQ(test_disk_slurp(&d, "//dir/sub/../sub/deep.bin", 3000, &buf), 5);
	free(buf);
	got = test_disk_slurp(&d, "/big.txt", 3000, &buf);
	CHECK_EQ(got, (long)want_len);
	CHECK(buf && !memcmp(buf, want, want_len));
	free(buf);
	CHECK_EQ(test_disk_slurp(&d, "/nope.txt", 3000, &buf), -E_NOENT);
	CHECK_EQ(test_disk_slurp(&d, "/hello.txt/x", 3000, &buf), -E_NOENT);
	CHECK_EQ(test_disk_slurp(&d, "/dir", 3000, &buf), -E_INVAL);
	CHECK_EQ(fs_list(&d.bd, "/", test_names_collect, &n), 0);
	CHECK(strstr(n.all, "hello.txt:15;") != NULL);
	CHECK(strstr(n.all, "A Long File Name With Spaces.txt:15;") != NULL);
	CHECK(strstr(n.all, "boot/:0;") != NULL);
	CHECK(strstr(n.all, "OSPREY") == NULL);        /* the volume label is no file */
	n.all[0] = '\0';
	CHECK_EQ(fs_list(&d.bd, "/dir/sub", test_names_collect, &n), 0);
	CHECK_STR(n.all, "deep.bin:5;");

	/* Seeking back and forth inside the multi-cluster file. */
	struct file f = { 0 };
	char small[8];
	CHECK_EQ(fs_open_file(&f, &d.bd, "/big.txt"), 0);
	CHECK_EQ(file_seek(&f, want_len - 6), 0);
	CHECK_EQ(file_read(&f, small, 6), 6);
	CHECK(!memcmp(small, "20000\n", 6));
	CHECK_EQ(file_seek(&f, 8), 0);
	CHECK_EQ(file_read(&f, small, 3), 3);
	CHECK(!memcmp(small, "5\n6", 3));
	file_close(&f);

	uint8_t *big = find_entry(&d, "BIG     TXT"), *sub = find_entry(&d, "SUB        ");
	CHECK(big && sub);
	if (!big || !sub)
		goto out;
	uint32_t c = entry_cluster(big), s = entry_cluster(sub);
	uint32_t eoc = bits == 12 ? 0xfff : bits == 16 ? 0xffff : 0x0fffffff;

	/* A loop: the file's third cluster links back to its first. */
	set_fat(&d, bits, c + 2, c);
	CHECK_EQ(test_disk_slurp(&d, "/big.txt", 3000, &buf), -E_IO);
	CHECK(strstr(err_detail, "loop in a cluster chain") != NULL);
	/* A chain that ends before the file does. */
	set_fat(&d, bits, c + 2, eoc);
	CHECK_EQ(test_disk_slurp(&d, "/big.txt", 3000, &buf), -E_IO);
	CHECK(strstr(err_detail, "shorter than the file") != NULL);
	/* A chain pointing outside the volume. */
	set_fat(&d, bits, c + 2, 0x0ffffff0 & eoc);
	CHECK_EQ(test_disk_slurp(&d, "/big.txt", 3000, &buf), -E_IO);
	/* A directory whose chain points to itself. */
	set_fat(&d, bits, s, s);
	CHECK_EQ(test_disk_slurp(&d, "/dir/sub/deep.bin", 3000, &buf), -E_IO);
	CHECK(strstr(err_detail, "loop") != NULL);
	CHECK_EQ(fs_list(&d.bd, "/dir/sub", test_names_collect, &n), -E_IO);
	set_fat(&d, bits, s, eoc);
	CHECK_EQ(test_disk_slurp(&d, "/dir/sub/deep.bin", 3000, &buf), 5);
	free(buf);
	/* A read error from the disk comes back as it is. */
	d.fail_after = d.reads + 2;
	CHECK_EQ(test_disk_slurp(&d, "/dir/sub/deep.bin", 3000, &buf), -E_IO);
	d.fail_after = 0;
	/* A corrupt boot sector (bytes per sector 0). */
	put_le16(d.data + 11, 0);
	CHECK_EQ(test_disk_slurp(&d, "/hello.txt", 3000, &buf), -E_IO);
	CHECK(strstr(err_detail, "boot sector (BPB) is corrupt") != NULL);
	/* Not FAT at all: no filesystem. */
	memset(d.data, 0, 512);
	CHECK_EQ(test_disk_slurp(&d, "/hello.txt", 3000, &buf), -E_NOTSUP);
	CHECK(strstr(err_detail, "holds no filesystem osprey can read") != NULL);
out:
	free(want);
	test_disk_free(&d);
}

TEST(fat12_mkfs_vfat) { check_fat(12); }
TEST(fat16_mkfs_vfat) { check_fat(16); }
TEST(fat32_mkfs_vfat) { check_fat(32); }
