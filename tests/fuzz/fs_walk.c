/* fs_walk.c: shared body of the FAT, ext2-4 and ISO 9660 fuzz targets: the input is a volume
 * image, listed, read and offered to tab completion; nothing may crash, hang or read outside it. */
#include "fuzz_fs_walk.h"
#include "disk/complete.h"
#include "disk/fs.h"
#include "lib/errors.h"
#include <stdio.h>
#include <stdlib.h>

static const uint8_t *img;
static size_t img_len;

static int fz_read(struct blockdev *d, uint64_t lba, uint32_t count, void *buf)
{
	if ((lba + count) * d->sector_size > img_len)
		return -E_IO;
	memcpy(buf, img + lba * d->sector_size, (size_t)count * d->sector_size);
	return 0;
}

struct names {
	const char *prefix;
	char name[8][2 * FS_NAME_MAX + 2];
	int n;
};

static int collect(void *ctx, const struct fs_dirent *e)
{
	struct names *n = ctx;

	if (strnlen(e->name, FS_NAME_MAX) >= FS_NAME_MAX)
		abort();
	if (n->n < 8)
		snprintf(n->name[n->n++], sizeof(n->name[0]), "%s/%s", n->prefix, e->name);
	return 0;
}

static void read_all(struct blockdev *d, const char *name)
{
	static uint8_t buf[65536];
	struct file f = { 0 };
	uint64_t got = 0;
	int rc = 0;

	if (fs_open_file(&f, d, name) < 0)
		return;
	/* Sparse files may claim terabytes of holes: read the first 8 MiB. */
	while (got < 8 * 1024 * 1024 && (rc = file_read(&f, buf, sizeof(buf))) > 0)
		got += (unsigned)rc;
	if (got < 8 * 1024 * 1024 && rc == 0 && got != f.size)
		abort();
	file_close(&f);
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

void fuzz_fs_walk(const uint8_t *data, size_t size, uint32_t sector_size)
{
	struct blockdev d = { .name = "hd0", .sector_size = sector_size, .read = fz_read };
	static struct names top, sub;

	img = data;
	img_len = size;
	d.sectors = size / sector_size;
	if (d.sectors == 0)
		return;
	top.prefix = "";
	top.n = 0;
	fs_list(&d, "/", collect, &top);
	bool registered = blockdev_register(&d) == 0;
	if (registered) {
		complete("(h");
		complete("(hd0)/");
	}
	for (int i = 0; i < top.n; i++) {
		if (registered) {
			char w[sizeof(top.name[0]) + 8];

			snprintf(w, sizeof(w), "(hd0)%s/", top.name[i]);
			complete(w);
		}
		sub.prefix = top.name[i];
		sub.n = 0;
		fs_list(&d, top.name[i], collect, &sub);
		read_all(&d, top.name[i]);
		for (int k = 0; k < sub.n; k++)
			read_all(&d, sub.name[k]);
	}
	if (registered)
		blockdev_unregister(&d);
}
