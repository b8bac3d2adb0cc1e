/* mb1_place.c: checks that a Multiboot kernel's segments land in RAM and clear of osprey,
 * before any of them is reserved or copied. */
#include "lib/errors.h"
#include "loader/multiboot1.h"

/* True when [start, end) lies inside one RAM region of map (the map is sanitized: adjacent
 * RAM regions are merged). */
static bool in_ram(const struct memmap *map, uint64_t start, uint64_t end)
{
	for (int i = 0; i < map->n; i++) {
		const struct memmap_entry *e = &map->e[i];
		if (e->type == E820_RAM && start >= e->base && end <= e->base + e->length)
			return true;
	}
	return false;
}

int mb1_check_place(const struct mb1_seg *seg, unsigned nseg, const struct memmap *map,
		    uint32_t avoid_start, uint32_t avoid_end)
{
	for (unsigned i = 0; i < nseg; i++) {
		uint64_t start = seg[i].addr, end = (uint64_t)seg[i].addr + seg[i].memsz;
		if (start < avoid_end && avoid_start < end) {
			snprintf(err_detail, sizeof(err_detail),
				 "Multiboot: segment 0x%x-0x%x lies over osprey itself (0x%x-0x%x)",
				 (unsigned)start, (unsigned)(end - 1), avoid_start, avoid_end - 1);
			return -E_NOTSUP;
		}
		if (!in_ram(map, start, end)) {
			snprintf(err_detail, sizeof(err_detail),
				 "Multiboot: segment 0x%x-0x%x is not in RAM (`displaymem` shows RAM)",
				 (unsigned)start, (unsigned)(end - 1));
			return -E_NOMEM;
		}
	}
	return 0;
}
