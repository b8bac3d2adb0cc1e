/* malloc.c: malloc/free and friends for the loader, on top of the heap (loader only: on the host
 * these names belong to libc). */
#include "services/heap.h"

void *malloc(size_t size)
{
	return heap_alloc(size, 16);
}

void free(void *p)
{
	if (p)
		heap_free(p);
}

void *zalloc(size_t size)
{
	void *p = malloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}
