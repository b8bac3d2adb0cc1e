/* disk_cmds.c: `geometry`, `ls`/`dir`, `find`, `makeactive`: what a disk is and what is on it. */
#include "arch/biosdisk.h"
#include "disk/disk.h"
#include "disk/fs.h"
#include "disk/partition.h"
#include "files/file.h"
#include "lib/errors.h"
#include "services/heap.h"
#include "services/console.h"
#include "ui/command.h"

/* Split "(dev)/path", "(dev)" or "/path" (on the root device) into a disk device and a path. */
static int disk_and_path(const char *arg, char *dev, size_t devlen, char *path, size_t pathlen)
{
	struct file_name n;
	int rc;

	if (!arg || !arg[0])
		arg = "/";
	if (arg[0] == '(' && arg[strlen(arg) - 1] == ')') {
		if ((rc = file_device_parse(arg, &n)) < 0)
			return rc;
		strlcpy(path, "/", pathlen);
	} else {
		if ((rc = file_name_parse(arg, file_root_device, &n)) < 0)
			return rc;
		if (n.url || n.blocklist)
			return -E_INVAL;
		strlcpy(path, n.path, pathlen);
	}
	if (strcmp(n.source, "hd") && strcmp(n.source, "fd") && strcmp(n.source, "cd")) {
		snprintf(err_detail, sizeof(err_detail), "(%s) is not a disk: ls lists disks only",
			 n.device);
		return -E_NOTSUP;
	}
	strlcpy(dev, n.device, devlen);
	return 0;
}

static int print_entry(void *ctx, const struct fs_dirent *e)
{
	(void)ctx;
	if (e->dir)
		printf("  %s/\n", e->name);
	else
		printf("  %-40s %llu\n", e->name, (unsigned long long)e->size);
	return 0;
}

static int cmd_ls(int argc, char **argv)
{
	char dev[16], path[PATH_MAX_LEN];
	struct blockdev *d;
	int rc;

	if (argc > 2)
		return cmd_error(-E_INVAL, "usage: ls [(DEVICE)][/DIR]");
	if ((rc = disk_and_path(argc == 2 ? argv[1] : "/", dev, sizeof(dev), path, sizeof(path))) < 0)
		return cmd_fail(rc, argc == 2 ? argv[1] : "/");
	if ((rc = disk_get(dev, &d)) < 0)
		return cmd_fail(rc, dev);
	if ((rc = fs_list(d, path, print_entry, NULL)) < 0)
		return cmd_fail(rc, argc == 2 ? argv[1] : path);
	return 0;
}
COMMAND(ls, CMD_MENU, "ls [(DEVICE)][/DIR]",
	"List a directory on a disk (the root device's / when no name is given).", cmd_ls);
COMMAND(dir, CMD_MENU, "dir [(DEVICE)][/DIR]", "Same as ls.", cmd_ls);

static const char *scheme_name(enum part_scheme s)
{
	return s == PART_GPT ? "GPT" : s == PART_MBR ? "MBR" : "no partition table";
}

/* Print one disk's geometry and partitions, as GRUB legacy's geometry did. */
static int show_disk(struct blockdev *d)
{
	uint32_t c = 0, h = 0, s = 0;
	bool lba = false;
	struct part_entry *list = malloc(PART_MAX * sizeof(*list));
	enum part_scheme scheme;
	unsigned n = 0;
	int rc;

	if (!list)
		return -E_NOMEM;
	biosdisk_geometry(d, &c, &h, &s, &lba);
	printf("(%s) BIOS drive %02xh: C/H/S %u/%u/%u, %llu sectors of %u bytes, %s\n", d->name,
	       (unsigned)biosdisk_drive_of(d) & 0xff, c, h, s, (unsigned long long)d->sectors,
	       d->sector_size, lba ? "LBA" : "CHS only");
	rc = part_read_table(d, &scheme, list, PART_MAX, &n);
	if (rc == 0) {
		printf("  %s\n", scheme_name(scheme));
		for (unsigned i = 0; i < n; i++)
			printf("  (%s,%u) type %02xh%s, start %llu, %llu sectors\n", d->name,
			       list[i].index, list[i].type, list[i].active ? " (active)" : "",
			       (unsigned long long)list[i].start,
			       (unsigned long long)list[i].sectors);
	}
	free(list);
	return rc;
}

static int cmd_geometry(int argc, char **argv)
{
	struct file_name n;
	struct blockdev *d;
	int rc;

	if (argc == 1) {
		if (!blockdev_first())
			printf("No BIOS disks.\n");
		for (d = blockdev_first(); d; d = d->next)
			if ((rc = show_disk(d)) < 0)
				cmd_fail(rc, d->name);
		return 0;
	}
	if (argc != 2 || file_device_parse(argv[1], &n) < 0 || strchr(n.device, ','))
		return cmd_error(-E_INVAL, "usage: geometry [(DISK)], e.g. geometry (hd0)");
	if (!(d = blockdev_find(n.device)))
		return cmd_error(-E_NODEV, "%s: no such disk (geometry lists them)", argv[1]);
	if ((rc = show_disk(d)) < 0)
		return cmd_fail(rc, argv[1]);
	return 0;
}
COMMAND(geometry, CMD_MENU, "geometry [(DISK)]",
	"Show a BIOS disk's geometry and partition table (all disks when none is named).",
	cmd_geometry);

/* Whether file path opens on device dev ("hd0,1"); any error (no filesystem, damage) is "no". */
static bool holds_file(const char *dev, const char *path)
{
	char name[PATH_MAX_LEN + 24];
	struct file f;

	snprintf(name, sizeof(name), "(%s)%s", dev, path);
	if (file_open(&f, name) < 0)
		return false;
	file_close(&f);
	return true;
}

/* GRUB legacy's find: every partition of every BIOS disk (the whole disk when it has no table)
 * that holds path, one " (hd0,1)" line each. */
static int cmd_find(int argc, char **argv)
{
	struct part_entry *list;
	unsigned found = 0;

	if (argc != 2 || argv[1][0] != '/')
		return cmd_error(-E_INVAL, "usage: find /FILE, e.g. find /boot/vmlinuz");
	if (strlen(argv[1]) >= PATH_MAX_LEN)
		return cmd_fail(-E_TOOBIG, argv[1]);
	if (!(list = malloc(PART_MAX * sizeof(*list))))
		return cmd_fail(-E_NOMEM, argv[1]);
	for (struct blockdev *d = blockdev_first(); d; d = d->next) {
		enum part_scheme scheme;
		unsigned n = 0;
		char dev[BLOCKDEV_NAME_MAX + 8];

		if (console_abort_requested())
			break;
		if (part_read_table(d, &scheme, list, PART_MAX, &n) < 0)
			continue;             /* an unreadable disk holds nothing findable */
		if (scheme == PART_NONE && holds_file(d->name, argv[1])) {
			printf(" (%s)\n", d->name);
			found++;
		}
		for (unsigned i = 0; i < n; i++) {
			snprintf(dev, sizeof(dev), "%s,%u", d->name, list[i].index);
			if (holds_file(dev, argv[1])) {
				printf(" (%s)\n", dev);
				found++;
			}
		}
	}
	free(list);
	if (!found)
		return cmd_error(-E_NOENT, "%s: file not found on any disk", argv[1]);
	return 0;
}
COMMAND(find, CMD_MENU, "find /FILE",
	"Print every disk partition (or whole disk without a partition table) that holds FILE.",
	cmd_find);

/* GRUB legacy's makeactive: the root partition gets the MBR boot flag, the other slots lose it. */
static int cmd_makeactive(int argc, char **argv)
{
	char disk[BLOCKDEV_NAME_MAX];
	const char *comma = strchr(file_root_device, ',');
	struct blockdev *d;
	uint32_t index;
	int rc;

	(void)argv;
	if (argc != 1)
		return cmd_error(-E_INVAL, "usage: makeactive (it acts on the root partition)");
	if (strncmp(file_root_device, "hd", 2) || !comma ||
	    (size_t)(comma - file_root_device) >= sizeof(disk) || parse_u32(comma + 1, &index) < 0)
		return cmd_error(-E_NOTSUP, "root (%s) is not a hard disk partition: set one first, "
				 "e.g. root (hd0,0)", file_root_device);
	memcpy(disk, file_root_device, (size_t)(comma - file_root_device));
	disk[comma - file_root_device] = '\0';
	if (!(d = blockdev_find(disk)))
		return cmd_error(-E_NODEV, "(%s): no such disk (geometry lists them)", disk);
	if ((rc = part_make_active(d, index)) < 0)
		return cmd_fail(rc, "makeactive");
	printf("(%s) is now the active partition of (%s)\n", file_root_device, disk);
	return 0;
}
COMMAND(makeactive, CMD_MENU, "makeactive",
	"Set the boot flag of the root partition in its disk's MBR and clear it on the others.",
	cmd_makeactive);
