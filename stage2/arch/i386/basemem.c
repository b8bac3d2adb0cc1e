/* basemem.c: reads the base-memory size the BIOS reports and checks at start that the loader fits. */
#include "arch/basemem.h"
#include "arch/bios.h"
#include "services/lowmem.h"

#define BDA_BASEMEM_KIB ((volatile const uint16_t *)0x413)

extern char _start_image[], _end[];

uint32_t basemem_top(void)
{
	struct bios_regs r = { 0 };

	bios_int(0x12, &r);
	return lowmem_top(r.eax & 0xffff, *BDA_BASEMEM_KIB);
}

void basemem_check_loader(void)
{
	uint32_t top = basemem_top(), end = (uint32_t)(uintptr_t)_end;

	if (lowmem_check(end, top) == 0)
		return;
	/* bss is already cleared, so something past top may be damaged: do not go on, and do
	 * not call the BIOS any more than printing needs. */
	printf("\nError: not enough base memory: osprey (image, bss and stacks at 0x%x-0x%x) needs "
	       "%u KiB, the BIOS reports %u KiB (INT 12h, 40:13). Stopped.\n",
	       (unsigned)(uintptr_t)_start_image, end - 1, (end + 1023) / 1024, top / 1024);
	for (;;)
		__asm__ volatile("cli; hlt");
}
