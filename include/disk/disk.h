/* disk.h: disks as file sources: "(hd0)", "(hd0,1)", "(fd0)" name a whole disk or one of its
 * partitions; a path opens a file on its filesystem, a block list ("(hd0,0)0+1") reads sectors. */
#ifndef OSPREY_DISK_H
#define OSPREY_DISK_H

#include "disk/blockdev.h"
#include "files/file.h"

/* Open the device named by dev ("hd0", "hd0,4"): the registered disk, or a new partition window
 * on it (disk_put() frees it). -E_NODEV for an unknown disk, -E_NOENT for no such partition. */
int disk_get(const char *dev, struct blockdev **out);
void disk_put(struct blockdev *d);

/* One run of a block list: count sectors from start (relative to the device). */
struct blocklist_run {
	uint64_t start;
	uint32_t count;
};
#define BLOCKLIST_MAX_RUNS 16

/* Parse a GRUB block list "[OFF]+LEN[,[OFF]+LEN]..." into runs; *n their count.
 * -E_INVAL when malformed, -E_TOOBIG for more than max runs, -E_RANGE for a number too large. */
int blocklist_parse(const char *s, struct blocklist_run *runs, unsigned max, unsigned *n);
/* Open the sectors a block list names on dev as a file (takes dev: closing puts it). */
int blocklist_open(struct file *f, struct blockdev *dev, const char *list);

#endif
