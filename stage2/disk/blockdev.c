/* blockdev.c: the registry of block devices, bounds-checked sector reads, byte reads through a
 * bounce sector, and partition windows onto a disk. */
#include "disk/blockdev.h"
#include "lib/errors.h"

#define BOUNCE_MAX 4096

static struct blockdev *devices;

int blockdev_register(struct blockdev *d)
{
	if (blockdev_find(d->name))
		return -E_BUSY;
	d->next = NULL;
	if (!devices) {
		devices = d;
	} else {
		struct blockdev *t = devices;

		while (t->next)
			t = t->next;
		t->next = d;             /* keep BIOS order: hd0 before hd1 */
	}
	return 0;
}

void blockdev_unregister(struct blockdev *d)
{
	for (struct blockdev **p = &devices; *p; p = &(*p)->next)
		if (*p == d) {
			*p = d->next;
			return;
		}
}

struct blockdev *blockdev_find(const char *name)
{
	for (struct blockdev *d = devices; d; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

struct blockdev *blockdev_first(void)
{
	return devices;
}

int blockdev_read(struct blockdev *d, uint64_t lba, uint32_t count, void *buf)
{
	if (count == 0)
		return 0;
	if (lba >= d->sectors || count > d->sectors - lba)
		return -E_RANGE;
	return d->read(d, lba, count, buf);
}

int blockdev_write(struct blockdev *d, uint64_t lba, uint32_t count, const void *buf)
{
	if (!d->write)
		return -E_NOTSUP;
	if (count == 0)
		return 0;
	if (lba >= d->sectors || count > d->sectors - lba)
		return -E_RANGE;
	return d->write(d, lba, count, buf);
}

int blockdev_read_bytes(struct blockdev *d, uint64_t off, void *buf, size_t len)
{
	static uint8_t bounce[BOUNCE_MAX];
	uint32_t ss = d->sector_size;
	uint8_t *out = buf;
	int rc;

	if (ss == 0 || ss > BOUNCE_MAX)
		return -E_NOTSUP;
	while (len > 0) {
		uint64_t lba = off / ss;
		uint32_t in = (uint32_t)(off % ss);

		if (in == 0 && len >= ss) {
			/* Whole sectors go straight to the caller's buffer. */
			uint32_t n = (uint32_t)MIN(len / ss, (size_t)128);

			if ((rc = blockdev_read(d, lba, n, out)) < 0)
				return rc;
			out += (size_t)n * ss;
			off += (uint64_t)n * ss;
			len -= (size_t)n * ss;
			continue;
		}
		size_t chunk = MIN(len, (size_t)(ss - in));

		if ((rc = blockdev_read(d, lba, 1, bounce)) < 0)
			return rc;
		memcpy(out, bounce + in, chunk);
		out += chunk;
		off += chunk;
		len -= chunk;
	}
	return 0;
}

/* A window's read: shift by its start on the parent (bounds already checked against it). */
static int window_read(struct blockdev *d, uint64_t lba, uint32_t count, void *buf)
{
	return blockdev_read(d->parent, d->start + lba, count, buf);
}

static int window_write(struct blockdev *d, uint64_t lba, uint32_t count, const void *buf)
{
	return blockdev_write(d->parent, d->start + lba, count, buf);
}

void blockdev_init_window(struct blockdev *part, struct blockdev *disk, const char *name,
			  uint64_t start, uint64_t sectors)
{
	memset(part, 0, sizeof(*part));
	strlcpy(part->name, name, sizeof(part->name));
	part->sector_size = disk->sector_size;
	part->sectors = sectors;
	part->read = window_read;
	part->write = disk->write ? window_write : NULL;
	part->parent = disk;
	part->start = start;
}
