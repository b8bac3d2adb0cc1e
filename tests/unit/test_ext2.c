/* test_ext2.c: the ext2/3/4 reader over images made by mkfs.ext2 and mkfs.ext4 (default features,
 * filled with mke2fs -d, directories indexed by e2fsck -D), and over corrupted copies: a broken
 * superblock, an unsupported INCOMPAT feature, blocks past the filesystem, a directory that holds
 * itself, a filesystem larger than its device, read errors. */
#include <stdio.h>
#include <stdlib.h>
#include "test.h"
#include "disk_image.h"
#include "disk/disk.h"
#include "disk/fs.h"
#include "lib/errors.h"

#define MiB (1024 * 1024)

/* The tree given to mke2fs -d. big.txt is `seq 1 100000` (double indirect with 1 KiB blocks);
 * sparse.bin has "chunkN" at every other 4 KiB block and holes between (more extents than the
 * inode holds: a tree of depth 1); many/ has 300 entries (an htree after e2fsck -D). */
static const char *tree =
	"t=$(mktemp -d); printf 'hello from ext\\n' > $t/hello.txt; seq 1 100000 > $t/big.txt\n"
	"mkdir -p $t/boot/osprey $t/a/b/c/d/e/f/g/h/i/j $t/many $t/dir\n"
	"printf 'title x\\n' > $t/boot/osprey/menu.lst; printf 'deep\\n' > $t/a/b/c/d/e/f/g/h/i/j/deep.txt\n"
	"for i in $(seq 0 20); do printf chunk$i | dd of=$t/sparse.bin bs=4096 seek=$((i*2)) "
	"conv=notrunc status=none; done\n"
	"for i in $(seq 1 300); do printf $i > $t/many/file-with-a-longish-name-$i; done\n"
	"ln -s hello.txt $t/link.txt; ln -s /a/b/c $t/dir/toc; ln -s ../big.txt $t/dir/rel\n"
	"ln -s loop1 $t/loop2; ln -s loop2 $t/loop1\n";

static int make_ext(struct test_disk *d, const char *mkfs, size_t size, const char *after)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "%s%s -q -L OSPREY -d $t \"$1\"\ne2fsck -fyD \"$1\" >/dev/null "
		 "|| [ $? -le 1 ]\n%s\nrm -r $t\n", tree, mkfs, after ? after : "");
	return test_disk_make(d, size, 512, cmd);
}

static char *seq_text(size_t *len)
{
	char *s = malloc(100000 * 7), *p = s;

	for (int i = 1; i <= 100000; i++)
		p += sprintf(p, "%d\n", i);
	*len = (size_t)(p - s);
	return s;
}

static void check_good(struct test_disk *d)
{
	struct test_names *n = calloc(1, sizeof(*n));
	size_t want_len;
	char *want = seq_text(&want_len), *buf;

	CHECK_EQ(test_disk_slurp(d, "/hello.txt", 5000, &buf), 15);
	CHECK_STR(buf, "hello from ext\n");
	free(buf);
	CHECK_EQ(test_disk_slurp(d, "/big.txt", 5000, &buf), (long)want_len);
	CHECK(buf && !memcmp(buf, want, want_len));
	free(buf);
	CHECK_EQ(test_disk_slurp(d, "/boot/osprey/menu.lst", 5000, &buf), 8);
	free(buf);
	CHECK_EQ(test_disk_slurp(d, "/a/b/c/d/e/f/g/h/i/j/deep.txt", 5000, &buf), 5);
	CHECK_STR(buf, "deep\n");
	free(buf);
	/* Holes read as zeros, data between them as written. */
	CHECK_EQ(test_disk_slurp(d, "/sparse.bin", 5000, &buf), 40 * 4096 + 7);
	if (buf) {
		bool ok = true;
		for (int i = 0; i <= 20; i++) {
			char c[16];
			int l = snprintf(c, sizeof(c), "chunk%d", i);
			ok = ok && !memcmp(buf + i * 8192, c, (size_t)l);
			if (i < 20)
				for (int k = l; k < 8192; k++)
					ok = ok && buf[i * 8192 + k] == 0;
		}
		CHECK(ok);
	}
	free(buf);
	/* Symbolic links: relative, absolute, in the middle of a path, a loop. */
	CHECK_EQ(test_disk_slurp(d, "/link.txt", 5000, &buf), 15);
	free(buf);
	CHECK_EQ(test_disk_slurp(d, "/dir/toc/d/e/f/g/h/i/j/deep.txt", 5000, &buf), 5);
	free(buf);
	CHECK_EQ(test_disk_slurp(d, "/dir/rel", 5000, &buf), (long)want_len);
	free(buf);
	CHECK_EQ(test_disk_slurp(d, "/loop1", 5000, &buf), -E_IO);
	CHECK(strstr(err_detail, "too many levels of symbolic links") != NULL);
	CHECK_EQ(test_disk_slurp(d, "/many/file-with-a-longish-name-257", 5000, &buf), 3);
	CHECK_STR(buf, "257");
	free(buf);
	CHECK_EQ(test_disk_slurp(d, "/nope", 5000, &buf), -E_NOENT);
	CHECK_EQ(test_disk_slurp(d, "/hello.txt/x", 5000, &buf), -E_NOENT);
	CHECK_EQ(test_disk_slurp(d, "/dir", 5000, &buf), -E_INVAL);
	CHECK_EQ(fs_list(&d->bd, "/", test_names_collect, n), 0);
	CHECK(strstr(n->all, "hello.txt:15;") != NULL);
	CHECK(strstr(n->all, "boot/:0;") != NULL);
	CHECK(strstr(n->all, "lost+found/") != NULL);
	memset(n, 0, sizeof(*n));
	CHECK_EQ(fs_list(&d->bd, "/many", test_names_collect, n), 0);
	CHECK_EQ(n->n, 300);
	CHECK(strstr(n->all, "file-with-a-longish-name-300:3;") != NULL);
	memset(n, 0, sizeof(*n));
	CHECK_EQ(fs_list(&d->bd, "/dir/toc/d", test_names_collect, n), 0);
	CHECK_STR(n->all, "e/:0;");

	/* Seeks inside the big file. */
	struct file f = { 0 };
	char small[8];
	CHECK_EQ(fs_open_file(&f, &d->bd, "/big.txt"), 0);
	CHECK_EQ(file_seek(&f, want_len - 7), 0);
	CHECK_EQ(file_read(&f, small, 7), 7);
	CHECK(!memcmp(small, "100000\n", 7));
	CHECK_EQ(file_seek(&f, 8), 0);
	CHECK_EQ(file_read(&f, small, 3), 3);
	CHECK(!memcmp(small, "5\n6", 3));
	file_close(&f);

	/* A read error from the disk comes back as it is. */
	d->fail_after = d->reads + 3;
	CHECK_EQ(test_disk_slurp(d, "/a/b/c/d/e/f/g/h/i/j/deep.txt", 5000, &buf), -E_IO);
	d->fail_after = 0;
	/* A filesystem larger than its device. */
	d->bd.sectors /= 2;
	CHECK_EQ(test_disk_slurp(d, "/hello.txt", 5000, &buf), -E_IO);
	CHECK(strstr(err_detail, "larger than the device") != NULL);
	d->bd.sectors *= 2;
	/* An INCOMPAT feature osprey cannot read is refused by name. */
	uint8_t *sb = d->data + 1024;
	uint32_t inc = get_le32(sb + 0x60);
	put_le32(sb + 0x60, inc | 0x8000);
	CHECK_EQ(test_disk_slurp(d, "/hello.txt", 5000, &buf), -E_NOTSUP);
	CHECK(strstr(err_detail, "ext4 feature 'inline_data' not supported") != NULL);
	put_le32(sb + 0x60, inc | 0x10);
	CHECK_EQ(test_disk_slurp(d, "/hello.txt", 5000, &buf), -E_NOTSUP);
	CHECK(strstr(err_detail, "'meta_bg'") != NULL);
	put_le32(sb + 0x60, inc);
	/* A corrupt superblock: an impossible block size. */
	uint8_t lg = sb[0x18];
	sb[0x18] = 40;
	CHECK_EQ(test_disk_slurp(d, "/hello.txt", 5000, &buf), -E_IO);
	CHECK(strstr(err_detail, "superblock is corrupt") != NULL);
	sb[0x18] = lg;
	CHECK_EQ(test_disk_slurp(d, "/hello.txt", 5000, &buf), 15);
	free(buf);
	free(want);
	free(n);
}

/* A copy with debugfs edits: big.txt's first block past the end, /dir holding itself as loop. */
static void check_broken(const char *mkfs, size_t size, const char *blockfield)
{
	struct test_disk d;
	char after[512], *buf;

	snprintf(after, sizeof(after), "debugfs -w -R 'sif /big.txt %s 0x7ffffff0' \"$1\"\n"
		 "debugfs -w -R 'ln /dir /dir/loop' \"$1\"\n", blockfield);
	if (make_ext(&d, mkfs, size, after) < 0) {
		CHECK(!"mkfs/debugfs image");
		return;
	}
	CHECK_EQ(test_disk_slurp(&d, "/hello.txt", 5000, &buf), 15);
	free(buf);
	CHECK_EQ(test_disk_slurp(&d, "/big.txt", 5000, &buf), -E_IO);
	CHECK(strstr(err_detail, "past the end of the filesystem") != NULL);
	CHECK_EQ(test_disk_slurp(&d, "/dir/loop/rel", 5000, &buf), -E_IO);
	CHECK(strstr(err_detail, "a directory contains itself") != NULL);
	/* Superblock magic gone: no filesystem at all. */
	put_le16(d.data + 1024 + 0x38, 0);
	CHECK_EQ(test_disk_slurp(&d, "/hello.txt", 5000, &buf), -E_NOTSUP);
	CHECK(strstr(err_detail, "holds no filesystem osprey can read") != NULL);
	test_disk_free(&d);
}

static void check_image(const char *mkfs, size_t size)
{
	struct test_disk d;

	printf("    %s\n", mkfs);
	if (make_ext(&d, mkfs, size, NULL) < 0) {
		CHECK(!"mkfs image");
		return;
	}
	check_good(&d);
	test_disk_free(&d);
}

TEST(ext2_mkfs_ext2) { check_image("mkfs.ext2", 16 * MiB); }
TEST(ext4_mkfs_ext4) { check_image("mkfs.ext4", 64 * MiB); }
TEST(ext4_mkfs_ext4_4k) { check_image("mkfs.ext4 -b 4096", 32 * MiB); }
TEST(ext2_corrupt) { check_broken("mkfs.ext2", 16 * MiB, "block[0]"); }
TEST(ext4_corrupt) { check_broken("mkfs.ext4", 64 * MiB, "block[5]"); }
