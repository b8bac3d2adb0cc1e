/* biosdisk.h: BIOS disks (INT 13h) registered as block devices fd0.., hd0.., cd0. */
#ifndef OSPREY_BIOSDISK_H
#define OSPREY_BIOSDISK_H

#include "disk/blockdev.h"

/* The drive the BIOS booted osprey from (DL at entry), 0xff when not booted from a disk. */
extern uint8_t biosdisk_boot_drive;

/* Find the BIOS's floppies and hard disks (BDA 40:10, 40:75) and register them. */
void biosdisk_init(void);
/* The BIOS drive number of a registered disk, or -E_NODEV. */
int biosdisk_drive_of(const struct blockdev *b);
/* The device name ("hd0", "fd0", "cd0") of BIOS drive, or NULL when it is not registered. */
const char *biosdisk_name_of_drive(uint8_t drive);
/* CHS geometry the BIOS reports, and whether LBA extensions are used. */
int biosdisk_geometry(const struct blockdev *b, uint32_t *cyls, uint32_t *heads, uint32_t *spt,
		      bool *lba);

#endif
