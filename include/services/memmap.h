/* memmap.h: the BIOS E820 memory map, as read at start and cleaned up. */
#ifndef OSPREY_MEMMAP_H
#define OSPREY_MEMMAP_H

#include "lib/lib.h"

#define E820_RAM 1
#define E820_RESERVED 2
#define E820_ACPI 3
#define E820_NVS 4
#define E820_UNUSABLE 5
#define MEMMAP_MAX 64

struct memmap_entry {
	uint64_t base, length;
	uint32_t type;
};

struct memmap {
	struct memmap_entry e[MEMMAP_MAX];
	int n;
};

extern struct memmap memmap;

/* Add one raw entry as the BIOS gave it (ignores zero-length ones). */
int memmap_add(struct memmap *m, uint64_t base, uint64_t length, uint32_t type);
/* Sort by base and resolve overlaps (a non-RAM type wins over RAM). */
void memmap_sanitize(struct memmap *m);
const char *memmap_type_name(uint32_t type);
/* Top of the RAM region that contains 1 MiB (the "upper memory" GRUB reports). */
uint64_t memmap_upper_end(const struct memmap *m);

#endif
