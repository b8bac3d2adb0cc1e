/* boot.h: how stage2 was started (passed from the entry code to main; usable from assembly). */
#ifndef OSPREY_BOOT_H
#define OSPREY_BOOT_H

#define BOOT_NBP 1      /* by a PXE ROM, as a network boot program */
#define BOOT_LKRN 2     /* by a Linux loader, as osprey.lkrn */

#endif
