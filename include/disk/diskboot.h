/* diskboot.h: what stage2 does when a disk booted it: pick the root device, run menu.lst. */
#ifndef OSPREY_DISKBOOT_H
#define OSPREY_DISKBOOT_H

#include "lib/lib.h"

#define DISKBOOT_MENU "/boot/osprey/menu.lst"

/* Choose the boot disk's root device (partition is the one stage1 was installed for, FFh for
 * none) and look for DISKBOOT_MENU there; remembers both for diskboot_run_menu(). */
void diskboot_find_root(uint8_t partition);
/* After the network is up: make the boot disk the root device and run its menu.lst
 * (configfile), or say what was found. */
void diskboot_run_menu(void);

#endif
