/* diskboot.h: what stage2 does when a disk booted it: pick the root device, run menu.lst. */
#ifndef OSPREY_DISKBOOT_H
#define OSPREY_DISKBOOT_H

#include "lib/lib.h"

#define DISKBOOT_MENU "/boot/osprey/menu.lst"

/* Choose the boot disk's root device (partition is the one stage1 was installed for, FFh for
 * none) and look for DISKBOOT_MENU there; remembers both for diskboot_menu(). */
void diskboot_find_root(uint8_t partition);
/* After the network is up: make the boot disk the root device; the name of its menu.lst
 * ("(hd0,0)/boot/osprey/menu.lst", static) when one was found, else NULL (after saying so). */
const char *diskboot_menu(void);

#endif
