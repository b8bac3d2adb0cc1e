/* blockdev.h: block devices (BIOS disks, partitions of them, in-memory images in tests): a
 * sector size, a sector count and a read function, registered by name ("hd0", "fd0"). */
#ifndef OSPREY_BLOCKDEV_H
#define OSPREY_BLOCKDEV_H

#include "lib/lib.h"

#define BLOCKDEV_NAME_MAX 16

struct blockdev {
	char name[BLOCKDEV_NAME_MAX];  /* "hd0", "fd0" (whole disks), "hd0,1" (partitions) */
	uint32_t sector_size;          /* bytes: 512, 2048 (CD), 4096 */
	uint64_t sectors;              /* how many; reads past it fail with -E_RANGE */
	/* Read count sectors at lba into buf; returns 0 or -E_*. */
	int (*read)(struct blockdev *d, uint64_t lba, uint32_t count, void *buf);
	/* Write count sectors at lba from buf (NULL: the device is read-only); `makeactive`. */
	int (*write)(struct blockdev *d, uint64_t lba, uint32_t count, const void *buf);
	void *priv;                    /* the driver's state */
	struct blockdev *parent;       /* partitions: the whole disk; NULL for a disk */
	uint64_t start;                /* partitions: first sector on the parent */
	uint8_t part_type;             /* partitions: MBR type byte (0xEE-style GPT: 0) */
	struct blockdev *next;         /* the registry's list */
};

/* Add d to the registry (the caller keeps d alive). -E_BUSY when the name is taken. */
int blockdev_register(struct blockdev *d);
/* Remove d (tests). */
void blockdev_unregister(struct blockdev *d);
/* The disk registered as name ("hd0"), or NULL. */
struct blockdev *blockdev_find(const char *name);
/* First disk of the registry (then d->next), for `find` and listings. */
struct blockdev *blockdev_first(void);

/* Read count sectors at lba with bounds checked against d->sectors. */
int blockdev_read(struct blockdev *d, uint64_t lba, uint32_t count, void *buf);
/* Write count sectors at lba, bounds checked; -E_NOTSUP for a read-only device. Partitions
 * write through to their disk. */
int blockdev_write(struct blockdev *d, uint64_t lba, uint32_t count, const void *buf);
/* Read len bytes at byte offset off (any alignment) through a sector bounce buffer. */
int blockdev_read_bytes(struct blockdev *d, uint64_t off, void *buf, size_t len);

/* Make part a window [start, start+sectors) of disk named name (no registration). */
void blockdev_init_window(struct blockdev *part, struct blockdev *disk, const char *name,
			  uint64_t start, uint64_t sectors);

#endif
