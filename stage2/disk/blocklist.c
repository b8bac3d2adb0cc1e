/* blocklist.c: GRUB legacy block lists ("(hd0,0)0+1", "(hd0)+1,100+20") parsed into runs of
 * sectors and read as a file, so a boot sector or raw area loads like any other file. */
#include "disk/disk.h"
#include "lib/errors.h"
#include "services/heap.h"

struct blocklist_file {
	struct blockdev *dev;
	unsigned nruns;
	struct blocklist_run runs[BLOCKLIST_MAX_RUNS];
};

/* A decimal number up to 2^48 (well past any disk) at *s; advances *s. */
static int number(const char **s, uint64_t *v)
{
	*v = 0;
	if (**s < '0' || **s > '9')
		return -E_INVAL;
	while (**s >= '0' && **s <= '9') {
		*v = *v * 10 + (uint64_t)(**s - '0');
		if (*v > (1ull << 48))
			return -E_RANGE;
		(*s)++;
	}
	return 0;
}

int blocklist_parse(const char *s, struct blocklist_run *runs, unsigned max, unsigned *n)
{
	int rc;

	*n = 0;
	for (;;) {
		uint64_t start = 0, count;

		if (*s != '+' && (rc = number(&s, &start)) < 0)
			return rc;
		if (*s++ != '+')
			return -E_INVAL;
		if ((rc = number(&s, &count)) < 0)
			return rc;
		if (count == 0 || count > 0xffffffffu)
			return count ? -E_RANGE : -E_INVAL;
		if (*n >= max)
			return -E_TOOBIG;
		runs[*n].start = start;
		runs[*n].count = (uint32_t)count;
		(*n)++;
		if (*s == '\0')
			return 0;
		if (*s++ != ',')
			return -E_INVAL;
	}
}

/* Read from the run holding f->pos on; stops at a run's end (the caller reads again). */
static int bl_read(struct file *f, void *buf, size_t len)
{
	struct blocklist_file *b = f->priv;
	uint64_t ss = b->dev->sector_size, pos = f->pos;

	for (unsigned i = 0; i < b->nruns; i++) {
		uint64_t bytes = b->runs[i].count * ss;

		if (pos >= bytes) {
			pos -= bytes;
			continue;
		}
		size_t n = (size_t)MIN((uint64_t)len, bytes - pos);
		int rc;

		n = MIN(n, (size_t)(1u << 30));
		if ((rc = blockdev_read_bytes(b->dev, b->runs[i].start * ss + pos, buf, n)) < 0)
			return rc;
		return (int)n;
	}
	return 0;
}

static int bl_seek(struct file *f, uint64_t pos)
{
	return pos > f->size ? -E_RANGE : 0;
}

static void bl_close(struct file *f)
{
	struct blocklist_file *b = f->priv;

	disk_put(b->dev);
	free(b);
}

static const struct file_ops blocklist_ops = { .read = bl_read, .seek = bl_seek, .close = bl_close };

int blocklist_open(struct file *f, struct blockdev *dev, const char *list)
{
	struct blocklist_file *b = malloc(sizeof(*b));
	int rc;

	if (!b) {
		disk_put(dev);
		return -E_NOMEM;
	}
	memset(b, 0, sizeof(*b));
	b->dev = dev;
	if ((rc = blocklist_parse(list, b->runs, BLOCKLIST_MAX_RUNS, &b->nruns)) < 0)
		goto fail;
	f->size = 0;
	for (unsigned i = 0; i < b->nruns; i++) {
		const struct blocklist_run *r = &b->runs[i];

		if (r->start >= dev->sectors || r->count > dev->sectors - r->start) {
			snprintf(err_detail, sizeof(err_detail),
				 "sectors %llu+%u run past the end of (%s) (%llu sectors)",
				 (unsigned long long)r->start, r->count, dev->name,
				 (unsigned long long)dev->sectors);
			rc = -E_RANGE;
			goto fail;
		}
		f->size += (uint64_t)r->count * dev->sector_size;
	}
	f->size_known = true;
	f->ops = &blocklist_ops;
	f->priv = b;
	return 0;
fail:
	disk_put(dev);
	free(b);
	return rc;
}
