/* diskboot.c: disk boot: the root device is the partition stage1 was installed for (or, with none
 * recorded, the whole disk or the first partition holding /boot/osprey/menu.lst), and that file is
 * run as the menu, as GRUB legacy ran /boot/grub/menu.lst. */
#include "arch/biosdisk.h"
#include "disk/diskboot.h"
#include "files/file.h"
#include "ui/command.h"
#include "lib/errors.h"

#define MAX_PART_TRIED 16

static char root_dev[16];      /* "hd0,1" */
static bool menu_found;

static bool has_menu(const char *dev)
{
	char name[48];
	struct file f;

	snprintf(name, sizeof(name), "(%s)" DISKBOOT_MENU, dev);
	if (file_open(&f, name) < 0)
		return false;
	file_close(&f);
	return true;
}

void diskboot_find_root(uint8_t partition)
{
	const char *disk = biosdisk_name_of_drive(biosdisk_boot_drive);
	char dev[16];

	if (!disk) {
		printf("Disk boot: BIOS drive %02xh is not a disk osprey can read\n",
		       biosdisk_boot_drive);
		return;
	}
	if (partition != 0xff) {
		snprintf(root_dev, sizeof(root_dev), "%s,%u", disk, partition);
		menu_found = has_menu(root_dev);
	} else {
		strlcpy(root_dev, disk, sizeof(root_dev));
		menu_found = has_menu(root_dev);
		for (unsigned p = 0; !menu_found && p < MAX_PART_TRIED; p++) {
			snprintf(dev, sizeof(dev), "%s,%u", disk, p);
			if ((menu_found = has_menu(dev)))
				strlcpy(root_dev, dev, sizeof(root_dev));
		}
	}
	printf("Disk boot: BIOS drive %02xh, root (%s)\n", biosdisk_boot_drive, root_dev);
}

const char *diskboot_menu(void)
{
	static char name[64];

	if (!root_dev[0])
		return NULL;
	strlcpy(file_root_device, root_dev, sizeof(file_root_device));
	if (!menu_found) {
		printf("No %s on (%s)\n", DISKBOOT_MENU, root_dev);
		return NULL;
	}
	snprintf(name, sizeof(name), "(%s)%s", root_dev, DISKBOOT_MENU);
	return name;
}
