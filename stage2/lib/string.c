/* string.c: the memory and string functions the loader (and gcc's generated code) needs. */
#include "lib/lib.h"

#undef memcpy
#undef memset
#undef memcmp

/* Four bytes per iteration, then the tail: under emulation (and on old CPUs) each string
 * iteration costs the same, so frames copy four times faster than with movsb alone. */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n >> 2;

	__asm__ volatile("rep movsl\n\t"
			 "movl %3, %%ecx\n\t"
			 "rep movsb"
			 : "+D"(d), "+S"(src), "+c"(words)
			 : "r"(n & 3)
			 : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	if ((uintptr_t)dst <= (uintptr_t)src || (uintptr_t)dst >= (uintptr_t)src + n)
		return memcpy(dst, src, n);
	/* Overlapping with dst above src: copy backwards. */
	const uint8_t *s = (const uint8_t *)src + n - 1;
	uint8_t *d = (uint8_t *)dst + n - 1;
	__asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t words = n >> 2;
	uint32_t v = (uint8_t)c * 0x01010101u;

	__asm__ volatile("rep stosl\n\t"
			 "movl %3, %%ecx\n\t"
			 "rep stosb"
			 : "+D"(d), "+c"(words)
			 : "a"(v), "r"(n & 3)
			 : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (uint8_t)*a - (uint8_t)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}
