/* report.c: the Multiboot 1 test kernel: prints every field of the information structure it
 * received (and the machine state) to COM1 as "MB1 ..." lines, with a CRC-32 of each module,
 * then leaves QEMU through isa-debug-exit (or ACPI power off). */
#include <stdint.h>

#define REPORT_TAG "MB1 "
#include "../report_io.h"


void report(uint32_t magic, uint32_t info)
{
	report_start(magic, info);
	uint32_t flags = rd32(info);
	line("flags");
	kv("flags", flags);
	if (flags & 1) {
		line("mem");
		kv("lower", rd32(info + 4));
		kv("upper", rd32(info + 8));
	}
	if (flags & 2) {
		line("bootdev");
		kv("dev", rd32(info + 12));
	}
	if (flags & 4) {
		line("cmdline=");
		puts_((const char *)rd32(info + 16));
	}
	if (flags & 8) {
		uint32_t n = rd32(info + 20), at = rd32(info + 24);
		line("mods");
		kv("count", n);
		kv("addr", at);
		for (uint32_t i = 0; i < n; i++, at += 16) {
			uint32_t s = rd32(at), e = rd32(at + 4);
			line("mod");
			kv("i", i);
			kv("start", s);
			kv("end", e);
			kv("crc", crc32((const uint8_t *)s, e - s));
			puts_(" string=");
			puts_((const char *)rd32(at + 8));
		}
	}
	if (flags & 0x40) {
		uint32_t len = rd32(info + 44), at = rd32(info + 48), end = at + len;
		line("mmap");
		kv("length", len);
		kv("addr", at);
		while (at < end) {
			uint32_t size = rd32(at);
			line("region");
			kv("size", size);
			kv("base", rd64(at + 4));
			kv("len", rd64(at + 12));
			kv("type", rd32(at + 20));
			at += size + 4;
		}
	}
	if (flags & 0x200) {
		line("loader=");
		puts_((const char *)rd32(info + 64));
	}
	line("vbe");
	kv("control", rd32(info + 72));
	kv("mode_info", rd32(info + 76));
	kv("fb_addr", rd64(info + 88));
	line("done\r\n");
	outb(0xf4, 0x10);              /* isa-debug-exit: QEMU exits with status 33 */
	outw(0x604, 0x2000);           /* else ACPI power off (q35, then piix4 as SeaBIOS sets it) */
	outw(0xb004, 0x2000);
}
