/* bootsect_image.c: the boot sector image type (GRUB legacy's chainloader): the first 512 bytes
 * of a file or block list, which must end in the 55AAh signature unless forced, started with
 * the BIOS drive (and partition entry) of the device it was read from. */
#include "arch/biosdisk.h"
#include "disk/disk.h"
#include "disk/partition.h"
#include "lib/errors.h"
#include "loader/chain.h"
#include "loader/image.h"
#include "services/heap.h"

static bool is_disk(const char *dev)
{
	return !strncmp(dev, "hd", 2) || !strncmp(dev, "fd", 2) || !strncmp(dev, "cd", 2);
}

/* Fill b from the device the sector came from (a file's or block list's disk; for a file from
 * the network the root device when it is a disk, else 80h, the first hard disk, as a BIOS
 * boot from it would give): its BIOS drive and, for a partition, the entry an MBR passes. */
static int locate(const char *name, struct bootsect_dev *b)
{
	struct file_name n;
	struct blockdev *d, *disk;
	struct part_entry e;
	uint32_t cyls, heads, spt, index;
	bool lba;
	int rc, drive;
	const char *comma;
	char dev[sizeof(b->name)];

	memset(b, 0, sizeof(*b));
	rc = file_name_parse(name, file_root_device, &n);
	strlcpy(b->name, rc == 0 && n.device[0] ? n.device : n.source, sizeof(b->name));
	if (rc == 0 && is_disk(n.device))
		strlcpy(dev, n.device, sizeof(dev));
	else if (is_disk(file_root_device))
		strlcpy(dev, file_root_device, sizeof(dev));
	else {
		b->drive = 0x80;
		return 0;
	}
	if ((rc = disk_get(dev, &d)) < 0)
		return rc;
	disk = d->parent ? d->parent : d;
	drive = biosdisk_drive_of(disk);
	if (drive < 0) {
		disk_put(d);
		snprintf(err_detail, sizeof(err_detail), "(%s) is no BIOS disk", dev);
		return -E_NODEV;
	}
	b->drive = (uint8_t)drive;
	rc = 0;
	comma = strchr(dev, ',');
	if (comma && parse_u32(comma + 1, &index) == 0 && (rc = part_find(disk, index, &e)) == 0) {
		if (biosdisk_geometry(disk, &cyls, &heads, &spt, &lba) < 0)
			heads = spt = 0;
		rc = part_chain_entry(disk, &e, heads, spt, b->entry);
		b->has_entry = rc == 0;
	}
	disk_put(d);
	return rc;
}

/* img->cmdline holds chainloader's flags: "--force" takes a sector without the signature. */
static int bootsect_probe(struct image *img)
{
	struct bootsect_dev *b;
	int rc;

	if (img->len < BOOTSECT_SIZE) {
		snprintf(err_detail, sizeof(err_detail), "a boot sector is %u bytes, the file has %zu",
			 BOOTSECT_SIZE, img->len);
		return -E_INVAL;
	}
	if ((img->data[510] != 0x55 || img->data[511] != 0xAA) && strcmp(img->cmdline, "--force")) {
		snprintf(err_detail, sizeof(err_detail), "no boot signature 55AAh at the end of the "
			 "sector (it ends %02X%02Xh); chainloader --force boots it anyway",
			 img->data[510], img->data[511]);
		return -E_NOEXEC;
	}
	if (!(b = malloc(sizeof(*b))))
		return -E_NOMEM;
	if ((rc = locate(img->name, b)) < 0) {
		free(b);
		return rc;
	}
	img->priv = b;
	printf("Boot sector from (%s), BIOS drive %02xh%s\n", b->name, b->drive,
	       b->has_entry ? ", partition entry at DS:SI" : "");
	return 0;
}

static int bootsect_boot(struct image *img)
{
	return bootsect_start(img->data, img->priv);
}

static void bootsect_unload(struct image *img)
{
	free(img->priv);
	img->priv = NULL;
}

IMAGE_TYPE(bootsect_image_type) = {
	.name = "bootsector",
	.order = IMAGE_ORDER_FALLBACK,
	.flags = IMAGE_EXPLICIT,
	.probe = bootsect_probe,
	.boot = bootsect_boot,
	.unload = bootsect_unload,
};
