/* lib.h: the small C library osprey carries (string, memory, formatting, console printf). */
#ifndef OSPREY_LIB_H
#define OSPREY_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Standard prototypes: on the host these resolve to libc, in the loader to lib/string.c. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* -ffreestanding turns gcc's knowledge of these off, which made every fixed-size copy (a
 * 4-byte load in a checksum loop) a call. The built-ins inline the small constant cases and
 * still call the functions above for the rest. lib/string.c #undefs them to define them. */
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#define memcmp(a, b, n) __builtin_memcmp((a), (b), (n))

/* osprey's own formatter behind snprintf/printf: %d %i %u %x %X %o %c %s %p %%,
 * flags '-' '0', width and precision (also '*'), length h hh l ll z.
 * Always NUL-terminates when size > 0; returns the length the full output would have. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Safe copy: always NUL-terminates, returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

/* Parse an unsigned number: decimal, 0x hex, or 0 octal-free (leading 0 is decimal).
 * Returns 0 and stores *out on success, a negative rc (-E_INVAL/-E_RANGE) otherwise.
 * The whole string must be consumed. */
int parse_u32(const char *s, uint32_t *out);
/* Same, with an optional K/M/G suffix (binary multiples), as in mem=512M. */
int parse_size(const char *s, uint64_t *out);
/* Dotted-quad IPv4 address to a host-order uint32_t. */
int parse_ipv4(const char *s, uint32_t *out);
/* Host-order IPv4 address to "a.b.c.d" in buf (at least 16 bytes). */
char *format_ipv4(uint32_t ip, char *buf);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))

static inline uint16_t get_le16(const void *p) { const uint8_t *b = p; return (uint16_t)(b[0] | b[1] << 8); }
static inline uint32_t get_le32(const void *p) { const uint8_t *b = p; return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24; }
static inline uint16_t get_be16(const void *p) { const uint8_t *b = p; return (uint16_t)(b[0] << 8 | b[1]); }
static inline uint32_t get_be32(const void *p) { const uint8_t *b = p; return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]; }
static inline void put_le16(void *p, uint16_t v) { uint8_t *b = p; b[0] = v; b[1] = v >> 8; }
static inline void put_le32(void *p, uint32_t v) { uint8_t *b = p; b[0] = v; b[1] = v >> 8; b[2] = v >> 16; b[3] = v >> 24; }
static inline void put_be16(void *p, uint16_t v) { uint8_t *b = p; b[0] = v >> 8; b[1] = v; }
static inline void put_be32(void *p, uint32_t v) { uint8_t *b = p; b[0] = v >> 24; b[1] = v >> 16; b[2] = v >> 8; b[3] = v; }

#endif
