/* report_io.h: what the Multiboot test kernels share: COM1 output, hex fields, CRC-32 and
 * physical reads. Include after defining REPORT_TAG ("MB1 " or "MB2 "), the prefix of every
 * report line. */
#ifndef REPORT_IO_H
#define REPORT_IO_H

#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static void putc_serial(char c)
{
	while (!(inb(0x3fd) & 0x20))
		;
	outb(0x3f8, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_serial(*s++);
}

static void hex(uint64_t v)
{
	char b[17];
	int i = 16;

	b[i] = 0;
	do {
		b[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	puts_("0x");
	puts_(b + i);
}

static void kv(const char *k, uint64_t v)
{
	puts_(" ");
	puts_(k);
	puts_("=");
	hex(v);
}

static void line(const char *what)
{
	puts_("\r\n" REPORT_TAG);
	puts_(what);
}

/* CRC-32 as zlib computes it (the test compares with zlib.crc32). */
static uint32_t crc32(const uint8_t *p, uint32_t n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

static uint32_t rd32(uint32_t addr) { return *(volatile uint32_t *)addr; }
static uint64_t rd64(uint32_t addr) { return rd32(addr) | (uint64_t)rd32(addr + 4) << 32; }

/* The first report line: the magic and information pointer received and the machine state. */
static void report_start(uint32_t magic, uint32_t info)
{
	uint32_t cr0, eflags;
	uint16_t cs, ds, ss, es;

	__asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("pushfl; popl %0" : "=r"(eflags));
	__asm__ volatile("movw %%cs, %0; movw %%ds, %1; movw %%ss, %2; movw %%es, %3"
			 : "=r"(cs), "=r"(ds), "=r"(ss), "=r"(es));
	line("start");
	kv("magic", magic);
	kv("info", info);
	kv("cr0", cr0);
	kv("eflags", eflags);
	kv("cs", cs);
	kv("ds", ds);
	kv("ss", ss);
	kv("es", es);
}

#endif
