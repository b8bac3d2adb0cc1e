/* heap.h: the allocator over free RAM (above 1 MiB in the loader): out-of-band block table,
 * allocations placed as high as they fit so low memory stays free for kernels. */
#ifndef OSPREY_HEAP_H
#define OSPREY_HEAP_H

#include "lib/lib.h"

/* Give the range [start, end) to the heap (may be called once per free RAM region). */
int heap_add_region(uintptr_t start, uintptr_t end);
/* Allocate size bytes aligned to align (a power of two), highest address first. NULL if none. */
void *heap_alloc(size_t size, size_t align);
/* Allocate below limit (the block's end <= limit), highest first. */
void *heap_alloc_below(size_t size, size_t align, uintptr_t limit);
/* Shrink a block in place to new_size bytes (the tail is freed; 0 frees the block). */
void heap_shrink(void *p, size_t new_size);
void heap_free(void *p);
/* Largest free block. */
size_t heap_largest_free(void);
/* Largest size heap_alloc_below(size, align, limit) can satisfy (for loads of unknown size). */
size_t heap_largest_free_below(uintptr_t limit, size_t align);
/* Give p (a used block) back and allocate size bytes (<= its size) where heap_alloc_below would
 * put them now, moving the first size bytes there: a load read into a provisional block lands
 * where a load of known size would have. p must have come from heap_alloc_below(.., align, limit)
 * (or looser); then this never fails (worst case: p, shrunk in place). */
void *heap_relocate(void *p, size_t size, size_t align, uintptr_t limit);
/* Allocate exactly [addr, addr + size) if all of it is free (fixed-address loads). */
void *heap_alloc_at(uintptr_t addr, size_t size);
size_t heap_total_free(void);
/* Forget every region and block (tests). */
void heap_reset(void);
/* True when [start, end) overlaps any allocated block. */
bool heap_range_used(uintptr_t start, uintptr_t end);

/* Loader-only wrappers over heap_alloc/heap_free (defined in a loader-only file, never in
 * heap.c: on the host these names are libc's and host builds must not interpose them). */
void *malloc(size_t size);
void free(void *p);
void *zalloc(size_t size);
char *strdup(const char *s);

#endif
