/* test_heap.c: unit tests of the block allocator (placement, alignment, limits, shrink, coalescing, exhaustion). */
#include "test.h"
#include "services/heap.h"
#include "lib/errors.h"
#include <stdlib.h>

#define ARENA_SIZE (64 * 1024)

static uint8_t *arena;
static uintptr_t lo, hi;

/* A fresh heap over one 4 KiB-aligned arena [lo, hi). */
static void setup(void)
{
	if (!arena)
		arena = aligned_alloc(4096, ARENA_SIZE);
	heap_reset();
	lo = (uintptr_t)arena;
	hi = lo + ARENA_SIZE;
	heap_add_region(lo, hi);
}

TEST(heap_high_first)
{
	setup();
	CHECK_EQ(heap_total_free(), ARENA_SIZE);
	uint8_t *a = heap_alloc(100, 1);
	CHECK_EQ((uintptr_t)a, hi - 100);
	uint8_t *b = heap_alloc(100, 1);
	CHECK_EQ((uintptr_t)b, hi - 200);
	memset(a, 0xaa, 100);
	memset(b, 0xbb, 100);
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 200);
	CHECK_EQ(heap_largest_free(), ARENA_SIZE - 200);
	CHECK(heap_range_used(hi - 1, hi));
	CHECK(heap_range_used(hi - 300, hi - 199));
	CHECK(!heap_range_used(hi - 300, hi - 200));
	CHECK(!heap_range_used(lo, lo + 10));
	CHECK(!heap_range_used(hi - 50, hi - 50));    /* empty range */
	heap_free(a);
	heap_free(b);
	CHECK_EQ(heap_largest_free(), ARENA_SIZE);
	CHECK(!heap_range_used(lo, hi));
}

TEST(heap_alignment)
{
	setup();
	uint8_t *a = heap_alloc(10, 1);
	CHECK_EQ((uintptr_t)a, hi - 10);
	uint8_t *b = heap_alloc(100, 4096);
	CHECK_EQ((uintptr_t)b % 4096, 0);
	CHECK_EQ((uintptr_t)b, hi - 4096);
	/* the gap between b's end and a stays free and usable */
	uint8_t *c = heap_alloc(16, 16);
	CHECK_EQ((uintptr_t)c, hi - 32);
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 10 - 100 - 16);
	/* invalid alignments */
	CHECK(heap_alloc(16, 0) == NULL);
	CHECK(heap_alloc(16, 3) == NULL);
	CHECK(heap_alloc(16, 24) == NULL);
	CHECK(heap_alloc(16, (size_t)1 << (sizeof(size_t) * 8 - 1)) == NULL);
	heap_free(a);
	heap_free(b);
	heap_free(c);
	CHECK_EQ(heap_largest_free(), ARENA_SIZE);
}

TEST(heap_below_limit)
{
	setup();
	uintptr_t limit = lo + 5000;
	uint8_t *a = heap_alloc_below(1000, 8, limit);
	CHECK(a != NULL);
	CHECK((uintptr_t)a + 1000 <= limit);
	CHECK_EQ((uintptr_t)a, ALIGN_DOWN(limit - 1000, 8));
	/* below the region: nothing */
	CHECK(heap_alloc_below(1, 1, lo) == NULL);
	CHECK(heap_alloc_below(1, 1, 0) == NULL);
	/* just enough room */
	uint8_t *b = heap_alloc_below((uintptr_t)a - lo, 1, (uintptr_t)a);
	CHECK_EQ((uintptr_t)b, lo);
	CHECK(heap_alloc_below(1, 1, (uintptr_t)a + 1000) == NULL);
	/* a limit above the region is the same as none */
	uint8_t *c = heap_alloc_below(64, 64, UINTPTR_MAX);
	CHECK_EQ((uintptr_t)c, hi - 64);
	heap_free(a);
	heap_free(b);
	heap_free(c);
	CHECK_EQ(heap_largest_free(), ARENA_SIZE);
}

TEST(heap_shrink_tail)
{
	setup();
	uint8_t *a = heap_alloc(8192, 16);
	uint8_t *b = heap_alloc(4096, 16);
	CHECK_EQ((uintptr_t)b + 4096, (uintptr_t)a);
	/* shrinking a (upper neighbour is the region end: a new free block appears) */
	heap_shrink(a, 100);
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 100 - 4096);
	CHECK(!heap_range_used((uintptr_t)a + 100, hi));
	CHECK(heap_range_used((uintptr_t)a + 99, (uintptr_t)a + 100));
	/* b's tail touches a (used), so its freed tail becomes a new free block */
	heap_shrink(b, 10);
	CHECK(!heap_range_used((uintptr_t)b + 10, (uintptr_t)a));
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 100 - 10);
	/* growing is not shrinking: nothing changes */
	heap_shrink(b, 20);
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 100 - 10);
	heap_shrink(b, 10);
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 100 - 10);
	/* shrink next to a free neighbour merges into it */
	heap_free(a);
	heap_shrink(b, 5);
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 5);
	CHECK(!heap_range_used((uintptr_t)b + 5, hi));
	CHECK(heap_range_used((uintptr_t)b + 4, (uintptr_t)b + 5));
	/* shrink to 0 frees */
	heap_shrink(b, 0);
	CHECK_EQ(heap_largest_free(), ARENA_SIZE);
	/* unknown pointers are ignored */
	heap_shrink(arena + 5, 1);
	heap_shrink(NULL, 1);
	CHECK_EQ(heap_largest_free(), ARENA_SIZE);
}

TEST(heap_free_coalesce)
{
	setup();
	void *p[8];
	for (int i = 0; i < 8; i++)
		p[i] = heap_alloc(1000, 1);
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 8000);
	/* free every other one: holes don't merge */
	for (int i = 0; i < 8; i += 2)
		heap_free(p[i]);
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 4000);
	CHECK_EQ(heap_largest_free(), ARENA_SIZE - 8000);
	/* freeing p[1] joins p[0] and p[2] */
	heap_free(p[1]);
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 3000);
	/* a hole of 3000 now between p[3] and the top */
	void *q = heap_alloc(3000, 1);
	CHECK_EQ((uintptr_t)q, hi - 3000);
	heap_free(q);
	for (int i = 3; i < 8; i += 2)
		heap_free(p[i]);
	CHECK_EQ(heap_largest_free(), ARENA_SIZE);
	/* double free and foreign pointers are ignored */
	heap_free(p[3]);
	heap_free(arena + 1);
	heap_free(NULL);
	CHECK_EQ(heap_total_free(), ARENA_SIZE);
}

TEST(heap_exhaustion)
{
	setup();
	CHECK(heap_alloc(0, 1) == NULL);
	CHECK(heap_alloc(ARENA_SIZE + 1, 1) == NULL);
	CHECK(heap_alloc(SIZE_MAX, 1) == NULL);
	CHECK(heap_alloc(SIZE_MAX - 10, 4096) == NULL);
	CHECK(heap_alloc_below(SIZE_MAX, 1, UINTPTR_MAX) == NULL);
	void *a = heap_alloc(ARENA_SIZE, 4096);
	CHECK_EQ((uintptr_t)a, lo);
	CHECK_EQ(heap_total_free(), 0);
	CHECK_EQ(heap_largest_free(), 0);
	CHECK(heap_alloc(1, 1) == NULL);
	heap_free(a);
	/* a block that fits in size but not with its alignment */
	heap_reset();
	heap_add_region(lo + 1, lo + 1 + 4096);
	CHECK(heap_alloc(4096, 4096) == NULL);
	CHECK(heap_alloc(4095, 1) != NULL);
}

TEST(heap_table_full)
{
	setup();
	/* 1-byte blocks with 2-byte alignment leave a free byte between each: two entries each */
	int n = 0;
	void *last = NULL;
	for (;;) {
		void *p = heap_alloc(1, 2);
		if (!p)
			break;
		last = p;
		n++;
	}
	CHECK(n > 100);
	CHECK(n < 256);
	size_t before = heap_total_free();
	CHECK(before > 0);
	CHECK(heap_alloc(1, 1) != NULL || heap_total_free() == before);
	/* freeing makes room again */
	heap_free(last);
	CHECK(heap_alloc(1, 2) != NULL);
	heap_reset();
	CHECK_EQ(heap_total_free(), 0);
	CHECK(heap_alloc(1, 1) == NULL);
}

TEST(heap_regions)
{
	heap_reset();
	lo = (uintptr_t)arena;
	CHECK_EQ(heap_add_region(lo, lo), -E_INVAL);
	CHECK_EQ(heap_add_region(lo + 10, lo), -E_INVAL);
	CHECK_EQ(heap_add_region(lo + 1000, lo + 2000), 0);
	CHECK_EQ(heap_add_region(lo + 3000, lo + 4000), 0);
	CHECK_EQ(heap_add_region(lo + 1500, lo + 2500), -E_INVAL);  /* overlaps */
	CHECK_EQ(heap_add_region(lo + 500, lo + 1001), -E_INVAL);
	CHECK_EQ(heap_add_region(lo + 3999, lo + 5000), -E_INVAL);
	CHECK_EQ(heap_add_region(lo, lo + 5000), -E_INVAL);
	CHECK_EQ(heap_total_free(), 2000);
	CHECK_EQ(heap_largest_free(), 1000);
	/* a touching region merges */
	CHECK_EQ(heap_add_region(lo + 2000, lo + 3000), 0);
	CHECK_EQ(heap_largest_free(), 3000);
	/* the highest region is used first; then lower ones */
	heap_reset();
	heap_add_region(lo + 1000, lo + 2000);
	heap_add_region(lo + 3000, lo + 4000);
	CHECK_EQ((uintptr_t)heap_alloc(800, 1), lo + 3200);
	CHECK_EQ((uintptr_t)heap_alloc(800, 1), lo + 1200);
	CHECK(heap_alloc(800, 1) == NULL);
	/* region starting at 0 never hands out NULL-looking pointers */
	heap_reset();
	CHECK_EQ(heap_add_region(0, 16), 0);
	CHECK_EQ(heap_total_free(), 15);
	CHECK(heap_alloc(16, 1) == NULL);
	CHECK(heap_alloc(8, 8) == (void *)8);
	CHECK(heap_alloc(4, 8) == NULL);
	/* a region at the very top of the address space */
	heap_reset();
	CHECK_EQ(heap_add_region(UINTPTR_MAX - 4096, UINTPTR_MAX), 0);
	void *t = heap_alloc(4095, 1);
	CHECK_EQ((uintptr_t)t, UINTPTR_MAX - 4095);
	CHECK(heap_alloc(100, SIZE_MAX / 2 + 1) == NULL);
	heap_reset();
}

TEST(heap_largest_free_below_fits_exactly)
{
	setup();
	/* An odd-sized allocation at the top leaves the free block's end unaligned. */
	void *a = heap_alloc(1000, 1);
	size_t big = heap_largest_free_below(UINTPTR_MAX, 4096);
	CHECK_EQ(big, ARENA_SIZE - 1000);                 /* lo is 4 KiB aligned */
	CHECK(heap_alloc_below(big + 1, 4096, UINTPTR_MAX) == NULL);
	void *b = heap_alloc_below(big, 4096, UINTPTR_MAX);
	CHECK_EQ((uintptr_t)b, lo);
	heap_free(b);
	/* Below a limit and with an alignment that moves the start. */
	CHECK_EQ(heap_largest_free_below(lo + 5000, 4096), 5000);
	uintptr_t a8k = ALIGN_UP(lo, 8192);
	CHECK_EQ(heap_largest_free_below(lo + 5000, 8192), a8k < lo + 5000 ? lo + 5000 - a8k : 0);
	CHECK_EQ(heap_largest_free_below(lo + 4095, 4096), 4095);
	CHECK_EQ(heap_largest_free_below(UINTPTR_MAX, 3), 0);    /* not a power of two */
	heap_free(a);
}

TEST(heap_relocate_moves_to_the_top)
{
	setup();
	uint8_t *p = heap_alloc_below(ARENA_SIZE, 4096, UINTPTR_MAX);   /* the whole arena */
	CHECK_EQ((uintptr_t)p, lo);
	for (int i = 0; i < 3000; i++)
		p[i] = (uint8_t)(i * 13);
	uint8_t *q = heap_relocate(p, 3000, 4096, UINTPTR_MAX);
	CHECK_EQ((uintptr_t)q, ALIGN_DOWN(hi - 3000, 4096));             /* where a fresh 3000 goes */
	bool same = true;
	for (int i = 0; i < 3000; i++)
		same &= q[i] == (uint8_t)(i * 13);
	CHECK(same);
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 3000);
	CHECK(heap_relocate(q, 3001, 1, UINTPTR_MAX) == NULL);           /* it cannot grow */
	CHECK(heap_relocate(arena + 1, 10, 1, UINTPTR_MAX) == NULL);     /* not a block */
	heap_free(q);
}

TEST(heap_alloc_at_exact)
{
	setup();
	void *a = heap_alloc_at(lo + 4096, 100);
	CHECK_EQ((uintptr_t)a, lo + 4096);
	CHECK(heap_alloc_at(lo + 4096 + 50, 10) == NULL);                /* inside a used block */
	CHECK(heap_alloc_at(hi - 10, 20) == NULL);                       /* past the region */
	CHECK(heap_alloc_at(0, 10) == NULL);
	CHECK(heap_alloc_at(lo, 0) == NULL);
	CHECK_EQ((uintptr_t)heap_alloc_at(lo, 4096), lo);                /* right up to the neighbour */
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 4196);
	heap_free(a);
	CHECK_EQ(heap_total_free(), ARENA_SIZE - 4096);
}
