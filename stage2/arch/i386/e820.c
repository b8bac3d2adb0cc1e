/* e820.c: reads the BIOS memory map (INT 15h, EAX=E820h) into memmap, with E801h as a fallback. */
#include "arch/bios.h"
#include "services/memmap.h"

#define SMAP 0x534d4150

/* Bounce buffer for the BIOS: below 1 MiB like the whole image. */
static uint8_t e820_buf[24] __attribute__((aligned(16)));

void e820_read(void)
{
	struct bios_regs r;
	uint32_t next = 0;
	int guard = 0;

	do {
		memset(&r, 0, sizeof(r));
		memset(e820_buf, 0, sizeof(e820_buf));
		r.eax = 0xe820;
		r.edx = SMAP;
		r.ecx = sizeof(e820_buf);
		r.ebx = next;
		r.edi = (uintptr_t)e820_buf & 0xf;
		r.es = (uintptr_t)e820_buf >> 4;
		bios_int(0x15, &r);
		if ((r.eflags & EFLAGS_CF) || r.eax != SMAP)
			break;
		memmap_add(&memmap, *(uint64_t *)e820_buf, *(uint64_t *)(e820_buf + 8),
			   *(uint32_t *)(e820_buf + 16));
		next = r.ebx;
	} while (next && ++guard < 128);

	if (memmap.n == 0) {
		/* E801h: AX/CX = KiB between 1 and 16 MiB, BX/DX = 64 KiB blocks above 16 MiB. */
		memset(&r, 0, sizeof(r));
		r.eax = 0xe801;
		bios_int(0x15, &r);
		if (!(r.eflags & EFLAGS_CF)) {
			uint32_t lo = (r.eax & 0xffff) ? r.eax & 0xffff : r.ecx & 0xffff;
			uint32_t hi = (r.ebx & 0xffff) ? r.ebx & 0xffff : r.edx & 0xffff;
			memmap_add(&memmap, 0, bios_base_memory(), E820_RAM);
			memmap_add(&memmap, 0x100000, (uint64_t)lo * 1024, E820_RAM);
			if (hi)
				memmap_add(&memmap, 0x1000000, (uint64_t)hi * 65536, E820_RAM);
		}
	}
	memmap_sanitize(&memmap);
}
