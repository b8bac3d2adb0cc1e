/* heap.c: the block allocator over free RAM: an out-of-band table of blocks, allocations placed highest-first. */
#include "services/heap.h"
#include "lib/errors.h"

#define HEAP_BLOCKS 256

/* One block covers [start, end) of a region given to the heap; used or free. */
struct heap_block {
	uintptr_t start, end;
	bool used;
};

/* Sorted by start, never overlapping; no two free blocks touch (they are merged). */
static struct heap_block blocks[HEAP_BLOCKS];
static int nblocks;

void heap_reset(void)
{
	nblocks = 0;
}

/* Open a hole at index i (the caller checked there is room). */
static void insert_at(int i, uintptr_t start, uintptr_t end, bool used)
{
	memmove(&blocks[i + 1], &blocks[i], (size_t)(nblocks - i) * sizeof(blocks[0]));
	blocks[i].start = start;
	blocks[i].end = end;
	blocks[i].used = used;
	nblocks++;
}

static void remove_at(int i)
{
	memmove(&blocks[i], &blocks[i + 1], (size_t)(nblocks - i - 1) * sizeof(blocks[0]));
	nblocks--;
}

/* Merge the free block at i with free neighbours that touch it. */
static void coalesce(int i)
{
	if (i + 1 < nblocks && !blocks[i + 1].used && blocks[i + 1].start == blocks[i].end) {
		blocks[i].end = blocks[i + 1].end;
		remove_at(i + 1);
	}
	if (i > 0 && !blocks[i - 1].used && blocks[i - 1].end == blocks[i].start) {
		blocks[i - 1].end = blocks[i].end;
		remove_at(i);
	}
}

int heap_add_region(uintptr_t start, uintptr_t end)
{
	int i;

	/* Address 0 would be indistinguishable from a failed allocation. */
	if (start == 0)
		start = 1;
	if (start >= end)
		return -E_INVAL;
	for (i = 0; i < nblocks && blocks[i].start < start; i++)
		;
	if ((i > 0 && blocks[i - 1].end > start) || (i < nblocks && blocks[i].start < end))
		return -E_INVAL;          /* overlaps what the heap already has */
	if (nblocks == HEAP_BLOCKS)
		return -E_NOMEM;
	insert_at(i, start, end, false);
	coalesce(i);
	return 0;
}

/* Mark [addr, addr + size) of free block i used, splitting it into [start, addr) free, the
 * used part, [addr + size, end) free. NULL when the table has no room for the split. */
static void *take(int i, uintptr_t addr, size_t size)
{
	struct heap_block *b = &blocks[i];
	uintptr_t start = b->start, end = b->end, aend = addr + size;

	if (nblocks + (start < addr) + (aend < end) > HEAP_BLOCKS)
		return NULL;      /* table full: fail cleanly, nothing changed */
	b->start = addr;
	b->end = aend;
	b->used = true;
	if (aend < end)
		insert_at(i + 1, aend, end, false);
	if (start < addr)
		insert_at(i, start, addr, false);
	return (void *)addr;
}

void *heap_alloc_below(size_t size, size_t align, uintptr_t limit)
{
	if (size == 0 || align == 0 || (align & (align - 1)) != 0)
		return NULL;
	/* Blocks are sorted, so the first fit from the top is the highest address. */
	for (int i = nblocks - 1; i >= 0; i--) {
		struct heap_block *b = &blocks[i];
		uintptr_t top = MIN(b->end, limit);

		if (b->used || top <= b->start || top - b->start < size)
			continue;
		uintptr_t addr = ALIGN_DOWN(top - size, (uintptr_t)align);
		if (addr < b->start || addr == 0)
			continue;

		return take(i, addr, size);
	}
	return NULL;
}

void *heap_alloc(size_t size, size_t align)
{
	return heap_alloc_below(size, align, UINTPTR_MAX);
}

/* Index of the used block starting at p, or -1. */
static int find_used(void *p)
{
	uintptr_t a = (uintptr_t)p;
	int lo = 0, hi = nblocks;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (blocks[mid].start < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < nblocks && blocks[lo].start == a && blocks[lo].used)
		return lo;
	return -1;
}

void heap_free(void *p)
{
	int i;

	if (!p || (i = find_used(p)) < 0)
		return;                   /* NULL or not ours: ignore */
	blocks[i].used = false;
	coalesce(i);
}

void heap_shrink(void *p, size_t new_size)
{
	int i;

	if (new_size == 0) {
		heap_free(p);
		return;
	}
	if (!p || (i = find_used(p)) < 0)
		return;
	struct heap_block *b = &blocks[i];
	if (new_size >= b->end - b->start)
		return;
	uintptr_t cut = b->start + new_size;
	if (i + 1 < nblocks && !blocks[i + 1].used && blocks[i + 1].start == b->end) {
		blocks[i + 1].start = cut;  /* grow the free neighbour downwards */
		b->end = cut;
	} else if (nblocks < HEAP_BLOCKS) {
		uintptr_t end = b->end;
		b->end = cut;
		insert_at(i + 1, cut, end, false);
	}
	/* else the table is full: the block keeps its size, which is still correct */
}

size_t heap_largest_free(void)
{
	return heap_largest_free_below(UINTPTR_MAX, 1);
}

size_t heap_largest_free_below(uintptr_t limit, size_t align)
{
	size_t best = 0;

	if (align == 0 || (align & (align - 1)) != 0)
		return 0;
	for (int i = 0; i < nblocks; i++) {
		uintptr_t top = MIN(blocks[i].end, limit);
		uintptr_t start = ALIGN_UP(blocks[i].start, (uintptr_t)align);

		/* start < block start: ALIGN_UP wrapped around the top of the address space. */
		if (!blocks[i].used && start >= blocks[i].start && top > start && top - start > best)
			best = top - start;
	}
	return best;
}

void *heap_relocate(void *p, size_t size, size_t align, uintptr_t limit)
{
	int i;
	uintptr_t old;
	void *q;

	if (!p || (i = find_used(p)) < 0 || size == 0 || size > blocks[i].end - blocks[i].start)
		return NULL;
	old = blocks[i].start;
	/* An allocation may split a block in three: without room for that, stay in place. */
	if (nblocks + 2 > HEAP_BLOCKS) {
		heap_shrink(p, size);
		return p;
	}
	/* The block table is out of band: freeing leaves the bytes in place for the move. */
	heap_free(p);
	q = heap_alloc_below(size, align, limit);
	if (!q)
		return heap_alloc_at(old, size);  /* p broke the align/limit contract: stay */
	if (q != p)
		memmove(q, p, size);
	return q;
}

void *heap_alloc_at(uintptr_t addr, size_t size)
{
	uintptr_t end = addr + size;

	if (size == 0 || addr == 0 || end < addr)
		return NULL;
	for (int i = 0; i < nblocks; i++) {
		struct heap_block *b = &blocks[i];

		if (!b->used && addr >= b->start && end <= b->end)
			return take(i, addr, size);
	}
	return NULL;
}

size_t heap_total_free(void)
{
	size_t sum = 0;

	for (int i = 0; i < nblocks; i++)
		if (!blocks[i].used)
			sum += blocks[i].end - blocks[i].start;
	return sum;
}

bool heap_range_used(uintptr_t start, uintptr_t end)
{
	if (start >= end)
		return false;
	for (int i = 0; i < nblocks; i++)
		if (blocks[i].used && blocks[i].start < end && start < blocks[i].end)
			return true;
	return false;
}
