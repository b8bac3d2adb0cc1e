/* fuzz_fat.c: libFuzzer target for the filesystem readers (FAT today): the input is a volume
 * image (512-byte sectors); the root directory and the directories and files in it are listed
 * and read in full, and tab completion offers their names. Nothing may crash, hang or read
 * outside the image. */
#include "disk/complete.h"
#include "disk/fs.h"
#include "lib/errors.h"
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *img;
static size_t img_len;

static int fz_read(struct blockdev *d, uint64_t lba, uint32_t count, void *buf)
{
	if ((lba + count) * 512 > img_len)
		return -E_IO;
	memcpy(buf, img + lba * 512, (size_t)count * 512);
	return 0;
}

struct names {
	char name[8][FS_NAME_MAX + 1];
	int n;
};

static int collect(void *ctx, const struct fs_dirent *e)
{
	struct names *n = ctx;

	if (strnlen(e->name, FS_NAME_MAX) >= FS_NAME_MAX)
		abort();
	if (n->n < 8)
		snprintf(n->name[n->n++], sizeof(n->name[0]), "/%s", e->name);
	return 0;
}

static const char *word;

/* A completion must extend the word typed. */
static void offer(void *ctx, const char *name)
{
	(void)ctx;
	if (strncmp(name, word, strlen(word)))
		abort();
}

static void complete(const char *w)
{
	word = w;
	disk_complete(w, strlen(w), offer, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blockdev d = { .name = "hd0", .sector_size = 512, .read = fz_read };
	struct names n = { .n = 0 };
	static uint8_t buf[65536];

	img = data;
	img_len = size;
	d.sectors = size / 512;
	if (d.sectors == 0)
		return 0;
	fs_list(&d, "/", collect, &n);
	if (blockdev_register(&d) == 0) {
		complete("(h");
		complete("(hd0)/");
	}
	for (int i = 0; i < n.n; i++) {
		struct file f = { 0 };
		struct names sub = { .n = 0 };
		char w[FS_NAME_MAX + 16];

		snprintf(w, sizeof(w), "(hd0)%s/", n.name[i]);
		complete(w);

		fs_list(&d, n.name[i], collect, &sub);
		if (fs_open_file(&f, &d, n.name[i]) == 0) {
			uint64_t got = 0;
			int rc;

			while ((rc = file_read(&f, buf, sizeof(buf))) > 0)
				got += (unsigned)rc;
			if (rc == 0 && got != f.size)
				abort();
			file_close(&f);
		}
	}
	blockdev_unregister(&d);
	return 0;
}
