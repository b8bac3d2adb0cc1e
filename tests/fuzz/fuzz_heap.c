/* fuzz_heap.c: libFuzzer target running op sequences on the allocator and checking its invariants. */
#include "services/heap.h"
#include "lib/errors.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARENA (64 * 1024)
#define LIVE_MAX 512

struct live {
	uint8_t *p;
	size_t size;
	uint8_t tag;
};

static uint8_t *arena;
static struct live live[LIVE_MAX];
static int nlive;
static uintptr_t reg_start[3], reg_end[3];
static int nreg;
static size_t total;

/* Every byte of a live block still holds its tag: no two blocks overlap. */
static void check_block(const struct live *l)
{
	for (size_t i = 0; i < l->size; i++)
		if (l->p[i] != l->tag)
			abort();
}

static void check_accounting(void)
{
	size_t used = 0;
	for (int i = 0; i < nlive; i++)
		used += live[i].size;
	if (used + heap_total_free() != total || heap_largest_free() > heap_total_free())
		abort();
}

static void do_alloc(size_t sz, size_t align, uintptr_t limit, uint8_t tag)
{
	uint8_t *p = limit ? heap_alloc_below(sz, align, limit) : heap_alloc(sz, align);
	if (!p)
		return;
	uintptr_t a = (uintptr_t)p;
	if (sz == 0 || align == 0 || (align & (align - 1)) || a % align || (limit && a + sz > limit))
		abort();
	bool inside = false;
	for (int r = 0; r < nreg; r++)
		if (a >= reg_start[r] && a + sz <= reg_end[r])
			inside = true;
	if (!inside || !heap_range_used(a, a + sz))
		abort();
	if (nlive == LIVE_MAX) {
		heap_free(p);
		return;
	}
	memset(p, tag, sz);
	live[nlive++] = (struct live){ p, sz, tag };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0;
#define BYTE() (pos < size ? data[pos++] : 0)
#define WORD() (pos += 2, pos <= size ? (size_t)get_le16(data + pos - 2) : 0)

	if (!arena)
		arena = malloc(ARENA);
	heap_reset();
	nlive = 0;
	nreg = 0;
	total = 0;

	/* Up to three regions inside the arena, separated by gaps so they never merge. */
	uintptr_t base = (uintptr_t)arena, cur = base;
	int want = 1 + BYTE() % 3;
	for (int r = 0; r < want; r++) {
		size_t gap = 1 + BYTE() % 64, len = 1 + WORD() % (ARENA / 3 - 64);
		uintptr_t s = cur + gap;
		if (s + len > base + ARENA)
			break;
		if (heap_add_region(s, s + len) != 0)
			abort();
		reg_start[nreg] = s;
		reg_end[nreg++] = s + len;
		total += len;
		cur = s + len;
	}
	if (nreg && heap_add_region(reg_start[0], reg_start[0] + 1) != -E_INVAL)
		abort();     /* overlapping regions are refused */
	check_accounting();

	while (pos < size) {
		uint8_t op = BYTE();
		switch (op % 7) {
		case 0:
		case 1: {
			size_t sz = WORD();
			if (op & 0x80)
				sz = SIZE_MAX - sz;          /* near-overflow sizes */
			size_t align = (size_t)1 << (BYTE() % 16);
			if (op & 0x40)
				align += op & 0x20 ? 1 : 0;  /* sometimes invalid */
			if (op & 0x10)
				align = 0;
			uintptr_t limit = 0;
			if (op % 7 == 1)
				limit = base + (WORD() * (size_t)(ARENA / 65536));
			do_alloc(sz, align, limit, (uint8_t)(nlive + 1));
			break;
		}
		case 2:
			if (nlive) {
				int i = BYTE() % nlive;
				check_block(&live[i]);
				heap_free(live[i].p);
				if (heap_range_used((uintptr_t)live[i].p, (uintptr_t)live[i].p + live[i].size))
					abort();
				live[i] = live[--nlive];
			}
			break;
		case 3:
			if (nlive) {
				int i = BYTE() % nlive;
				size_t ns = WORD();
				check_block(&live[i]);
				heap_shrink(live[i].p, ns);
				if (ns == 0) {
					live[i] = live[--nlive];
				} else if (ns < live[i].size) {
					/* the tail may stay used only when the table is full */
					if (!heap_range_used((uintptr_t)live[i].p + ns, (uintptr_t)live[i].p + live[i].size))
						live[i].size = ns;
				}
			}
			break;
		case 4:
			/* freeing foreign pointers is harmless */
			{
				uint8_t *p = arena + BYTE();
				bool is_live = false;
				for (int i = 0; i < nlive; i++)
					is_live |= live[i].p == p;
				if (!is_live)
					heap_free(p);
				heap_free(NULL);
			}
			break;
		case 5: {
			/* The largest size said to fit below a limit fits, and one byte more does not. */
			size_t align = (size_t)1 << (BYTE() % 16);
			uintptr_t limit = base + (WORD() * (size_t)(ARENA / 65536));
			size_t big = heap_largest_free_below(limit, align);
			uint8_t *q = big ? heap_alloc_below(big + 1, align, limit) : NULL;
			if (q)
				abort();
			if (big)
				do_alloc(big, align, limit, (uint8_t)(nlive + 1));
			break;
		}
		case 6:
			/* Move a block to where a fresh allocation would go: contents follow it. */
			if (nlive) {
				int i = BYTE() % nlive;
				size_t ns = 1 + WORD() % live[i].size;
				check_block(&live[i]);
				uint8_t *old = live[i].p;
				uint8_t *q = heap_relocate(old, ns, 1, UINTPTR_MAX);
				if (!q)
					abort();
				live[i].p = q;
				/* It keeps its old size only when it stayed and the block table was full. */
				if (q != old || !heap_range_used((uintptr_t)q + ns, (uintptr_t)q + live[i].size))
					live[i].size = ns;
				check_block(&live[i]);
				if (!heap_range_used((uintptr_t)q, (uintptr_t)q + ns))
					abort();
			}
			break;
		}
		check_accounting();
	}

	for (int i = 0; i < nlive; i++) {
		check_block(&live[i]);
		heap_free(live[i].p);
	}
	nlive = 0;
	check_accounting();
	/* everything freed: each region is one free block again */
	size_t largest = 0;
	for (int r = 0; r < nreg; r++)
		largest = MAX(largest, reg_end[r] - reg_start[r]);
	if (heap_largest_free() != largest)
		abort();
	return 0;
}
