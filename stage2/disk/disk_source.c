/* disk_source.c: the "(hd)" and "(fd)" file sources: a device name picks a registered disk and
 * maybe a partition of it; a block list reads its sectors, a path a file on its filesystem. */
#include "disk/disk.h"
#include "disk/fs.h"
#include "disk/partition.h"
#include "lib/errors.h"
#include "services/heap.h"

int disk_get(const char *dev, struct blockdev **out)
{
	char disk[BLOCKDEV_NAME_MAX];
	const char *comma = strchr(dev, ',');
	struct blockdev *d, *w;
	struct part_entry e;
	uint32_t index;
	int rc;

	*out = NULL;
	if (!comma) {
		if (!(d = blockdev_find(dev)))
			return -E_NODEV;
		*out = d;
		return 0;
	}
	if ((size_t)(comma - dev) >= sizeof(disk) || parse_u32(comma + 1, &index) < 0)
		return -E_INVAL;
	memcpy(disk, dev, (size_t)(comma - dev));
	disk[comma - dev] = '\0';
	if (!(d = blockdev_find(disk)))
		return -E_NODEV;
	if ((rc = part_find(d, index, &e)) < 0) {
		if (rc == -E_NOENT)
			snprintf(err_detail, sizeof(err_detail), "(%s) has no partition %u (geometry "
				 "(%s) lists them)", disk, index, disk);
		return rc;
	}
	if (!(w = malloc(sizeof(*w))))
		return -E_NOMEM;
	blockdev_init_window(w, d, dev, e.start, e.sectors);
	w->part_type = e.type;
	*out = w;
	return 0;
}

void disk_put(struct blockdev *d)
{
	if (d && d->parent)
		free(d);
}

/* `root (hd0,1)`: the disk and the partition must be there. */
static int disk_check(const struct file_name *n)
{
	struct blockdev *dev;
	int rc = disk_get(n->device, &dev);

	if (rc == 0)
		disk_put(dev);
	return rc;
}

static int disk_open(struct file *f, const struct file_name *n)
{
	struct blockdev *dev;
	int rc = disk_get(n->device, &dev);

	if (rc < 0)
		return rc;
	if (n->blocklist)
		return blocklist_open(f, dev, n->path);
	return fs_open_file(f, dev, n->path);
}

FILE_SOURCE(hd_source) = { .name = "hd", .what = "hard disks and USB sticks (BIOS disks 80h-)",
			   .open = disk_open, .check = disk_check };
FILE_SOURCE(fd_source) = { .name = "fd", .what = "floppy disks (BIOS disks 0-7Fh)",
			   .open = disk_open, .check = disk_check };
FILE_SOURCE(cd_source) = { .name = "cd", .what = "the CD osprey was booted from (El Torito)",
			   .open = disk_open, .check = disk_check };
