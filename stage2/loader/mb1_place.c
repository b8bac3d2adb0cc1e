/* mb1_place.c: checks that a Multiboot (1 or 2) kernel's segments land in RAM and clear of
 * osprey, then reserves their destinations, before any of them is copied. */
#include "lib/errors.h"
#include "loader/multiboot1.h"
#include "services/heap.h"

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

/* Below 1 MiB only osprey itself lives, and mb1_check_place kept the segments off it; above,
 * the heap holds everything osprey loads, so taking the destinations out of it keeps modules
 * and the information structure from landing where a segment will be copied. */
int mb_reserve(const struct mb1_image *mi, void *reserved[MB1_MAX_SEGS])
{
	for (unsigned i = 0; i < mi->nseg; i++) {
		const struct mb1_seg *s = &mi->seg[i];
		if (s->addr < 0x100000)
			continue;
		reserved[i] = heap_alloc_at(s->addr, s->memsz);
		if (!reserved[i]) {
			snprintf(err_detail, sizeof(err_detail),
				 "Multiboot: segment 0x%x-0x%x is in memory osprey already uses "
				 "(the loaded file itself: give the machine more memory)",
				 (unsigned)s->addr, (unsigned)(s->addr + s->memsz - 1));
			return -E_NOMEM;
		}
	}
	return 0;
}
