/* segments.h: GDT selectors and fixed low-memory addresses shared by the assembly entry code and C. */
#ifndef OSPREY_SEGMENTS_H
#define OSPREY_SEGMENTS_H

#define SEL_CODE32 0x08
#define SEL_DATA32 0x10
#define SEL_CODE16 0x18
#define SEL_DATA16 0x20

/* Real-mode stack used by the BIOS gateway: grows down from 0x7C00, below the area a chained
 * boot sector or NBP is loaded to (0x7C00-0x7DFF) and below the image (linked at 0x8000). */
#define RM_STACK_TOP 0x7c00

/* Where the chain trampoline (chain_tramp.S) runs: above the BIOS data area, far below the
 * gateway stack's reach, outside both osprey's image and a chained program at 0x7C00. */
#define CHAIN_TRAMP_ADDR 0x600
#define PXE_LOAD_ADDR_C 0x7c00
/* Where a chained partition boot sector finds its partition table entry (DS:SI): where an MBR
 * relocated to 0:0600 has its first entry, as GRUB legacy and GRUB 2 put it. */
#define CHAIN_PART_ENTRY_ADDR 0x7be

#include "arch/boot.h"

#endif
