/* report.c: the Multiboot 2 test kernel: walks the boot information it received and prints
 * every tag (and the machine state) to COM1 as "MB2 ..." lines, with a CRC-32 of each module
 * and of each ELF section osprey copied, the DHCP reply in hex, then leaves QEMU through
 * isa-debug-exit (or ACPI power off). */
#include <stdint.h>

#define REPORT_TAG "MB2 "
#include "../report_io.h"

extern uint32_t via_entry_tag;

static uint8_t rd8(uint32_t addr) { return *(volatile uint8_t *)addr; }

static void elf_tag(uint32_t t)
{
	uint32_t num = rd32(t + 8), entsize = rd32(t + 12), shndx = rd32(t + 16);

	line("elf");
	kv("num", num);
	kv("entsize", entsize);
	kv("shndx", shndx);
	for (uint32_t i = 0; i < num; i++) {
		uint32_t sh = t + 20 + i * entsize;
		uint32_t type = rd32(sh + 4), flags = rd32(sh + 8), addr = rd32(sh + 12);
		uint32_t size = rd32(sh + 20);
		line("sec");
		kv("i", i);
		kv("type", type);
		kv("flags", flags);
		kv("addr", addr);
		kv("size", size);
		/* Sections the kernel did not load were copied by the loader: check them. */
		if (!(flags & 2) && type != 8 && type != 0 && size)
			kv("crc", crc32((const uint8_t *)addr, size));
	}
}

static void tag(uint32_t t, uint32_t type, uint32_t size)
{
	switch (type) {
	case 1:
		line("cmdline=");
		puts_((const char *)(t + 8));
		break;
	case 2:
		line("loader=");
		puts_((const char *)(t + 8));
		break;
	case 3: {
		uint32_t s = rd32(t + 8), e = rd32(t + 12);
		line("mod");
		kv("start", s);
		kv("end", e);
		kv("crc", crc32((const uint8_t *)s, e - s));
		puts_(" string=");
		puts_((const char *)(t + 16));
		break;
	}
	case 4:
		line("mem");
		kv("lower", rd32(t + 8));
		kv("upper", rd32(t + 12));
		break;
	case 6: {
		uint32_t esz = rd32(t + 8);
		line("mmap");
		kv("entry_size", esz);
		kv("version", rd32(t + 12));
		for (uint32_t at = t + 16; esz && at + esz <= t + size; at += esz) {
			line("region");
			kv("base", rd64(at));
			kv("len", rd64(at + 8));
			kv("type", rd32(at + 16));
			kv("reserved", rd32(at + 20));
		}
		break;
	}
	case 8:
		line("fb");
		kv("addr", rd64(t + 8));
		kv("pitch", rd32(t + 16));
		kv("width", rd32(t + 20));
		kv("height", rd32(t + 24));
		kv("bpp", rd8(t + 28));
		kv("fbtype", rd8(t + 29));
		break;
	case 9:
		elf_tag(t);
		break;
	case 16:
		line("net");
		kv("len", size - 8);
		line("nethex=");
		for (uint32_t i = 8; i < size; i++) {
			uint8_t b = rd8(t + i);
			putc_serial("0123456789abcdef"[b >> 4]);
			putc_serial("0123456789abcdef"[b & 15]);
		}
		break;
	case 21:
		line("loadbase");
		kv("addr", rd32(t + 8));
		break;
	}
}

void report(uint32_t magic, uint32_t info)
{
	report_start(magic, info);
	kv("entry_tag", via_entry_tag);
	if (magic == 0x36d76289) {
		uint32_t total = rd32(info), at = info + 8;
		line("total");
		kv("size", total);
		kv("reserved", rd32(info + 4));
		while (at + 8 <= info + total) {
			uint32_t type = rd32(at), size = rd32(at + 4);
			line("tag");
			kv("type", type);
			kv("size", size);
			kv("at", at);
			if (type == 0 || size < 8)
				break;
			tag(at, type, size);
			at = (at + size + 7) & ~7u;
		}
	}
	line("done\r\n");
	outb(0xf4, 0x10);              /* isa-debug-exit: QEMU exits with status 33 */
	outw(0x604, 0x2000);           /* else ACPI power off (q35, then piix4 as SeaBIOS sets it) */
	outw(0xb004, 0x2000);
}
