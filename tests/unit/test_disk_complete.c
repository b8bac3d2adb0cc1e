/* test_disk_complete.c: tab completion of device and file names on a FAT image made by
 * mkfs.vfat and mtools: entries of a directory by prefix, directories with '/', names with
 * blanks escaped as typed, devices, and words that offer nothing (no '/', the network, a disk
 * with no filesystem). */
#include <stdio.h>
#include <stdlib.h>
#include "test.h"
#include "disk_image.h"
#include "disk/complete.h"
#include "disk/disk.h"
#include "files/file.h"
#include "lib/errors.h"

static const char *fat_cmd =
	"mkfs.vfat -F 16 -n OSPREY \"$1\" >/dev/null\n"
	"t=$(mktemp -d); printf 'x\\n' > $t/x; export MTOOLS_SKIP_CHECK=1\n"
	"mmd -i \"$1\" ::/boot ::/bin '::/Some Dir'\n"
	"mcopy -i \"$1\" $t/x ::/boot/vmlinuz\n"
	"mcopy -i \"$1\" $t/x ::/boot/vmlinuz.old\n"
	"mcopy -i \"$1\" $t/x ::/boot/initrd.img\n"
	"mcopy -i \"$1\" $t/x '::/Some Dir/a b.txt'\n"
	"rm -r $t\n";

static char got[2048];
static int ngot;

static void collect(void *ctx, const char *name)
{
	(void)ctx;
	ngot++;
	snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s|", name);
}

/* The candidates offered for word, '|'-terminated in the order the directory lists them. */
static const char *offered(const char *word)
{
	got[0] = 0;
	ngot = 0;
	disk_complete(word, strlen(word), collect, NULL);
	return got;
}

TEST(disk_complete_fat)
{
	struct test_disk d;

	if (test_disk_make(&d, 32 * 1024 * 1024, 512, fat_cmd) < 0) {
		CHECK(!"mkfs.vfat image");
		return;
	}
	CHECK_EQ(blockdev_register(&d.bd), 0);
	CHECK_STR(offered("(hd9)/bo"), "(hd9)/boot/|");
	CHECK_STR(offered("(hd9)/boot/vm"), "(hd9)/boot/vmlinuz|(hd9)/boot/vmlinuz.old|");
	CHECK_STR(offered("(hd9)/boot/i"), "(hd9)/boot/initrd.img|");
	CHECK_STR(offered("(hd9)/S"), "(hd9)/Some\\ Dir/|");
	CHECK_STR(offered("(hd9)/Some\\ Dir/"), "(hd9)/Some\\ Dir/a\\ b.txt|");
	offered("(hd9)/");
	CHECK_EQ(ngot, 3);   /* boot, bin, Some Dir: no volume label, no . or .. */
	CHECK(strstr(got, "(hd9)/bin/|") != NULL);
	CHECK_STR(offered("(hd9)/nothing/x"), "");
	CHECK_STR(offered("(hd9)/boot/vmlinuz/x"), "");
	/* Devices: the disk (no partition table on a whole-disk FAT). */
	CHECK_STR(offered("(h"), "(hd9)|");
	/* The root device. */
	strlcpy(file_root_device, "hd9", sizeof(file_root_device));
	CHECK_STR(offered("/boot/in"), "/boot/initrd.img|");
	strlcpy(file_root_device, "nd", sizeof(file_root_device));
	CHECK_STR(offered("/boot/in"), "");
	CHECK_STR(offered("(nd)/x"), "");
	CHECK_STR(offered("vmlinuz"), "");
	CHECK_STR(offered("(hd8)/x"), "");
	CHECK_STR(offered("http://h/x"), "");
	CHECK_EQ(err_detail[0], 0);
	/* A disk with no filesystem offers nothing and leaves no error behind. */
	memset(d.data, 0, d.size);
	CHECK_STR(offered("(hd9)/"), "");
	CHECK_EQ(err_detail[0], 0);
	file_root_device[0] = 0;
	blockdev_unregister(&d.bd);
	test_disk_free(&d);
}
