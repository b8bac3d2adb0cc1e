/* boot.h: how stage2 was started (passed from the entry code to main; usable from assembly). */
#ifndef OSPREY_BOOT_H
#define OSPREY_BOOT_H

#define BOOT_NBP 1      /* by a PXE ROM, as a network boot program */
#define BOOT_LKRN 2     /* by a Linux loader, as osprey.lkrn */
#define BOOT_DISK 3     /* from a disk: by stage1, or by an El Torito BIOS (stage2 with its prefix) */

#endif
