/* bootsect_boot.c: starts a chained boot sector with what a BIOS (or an MBR, for a partition)
 * gives it: DL the drive, DS:SI a partition table entry, a stack below 0:7C00. */
#include "chain_tramp.h"
#include "lib/errors.h"
#include "loader/chain.h"
#include "segments.h"
#include "services/shutdown.h"

extern char chain_tramp[], chain_tramp_end[];

int bootsect_start(const uint8_t *sector, const struct bootsect_dev *dev)
{
	struct chain_params p = { 0 };

	/* The trampoline at 0:0600 must end below the partition entry it hands over. */
	if (CHAIN_TRAMP_ADDR + (uintptr_t)(chain_tramp_end - chain_tramp) > CHAIN_PART_ENTRY_ADDR)
		return -E_NOTSUP;

	printf("Starting boot sector of (%s) at 0:7C00, BIOS drive %02xh\n", dev->name, dev->drive);
	shutdown_all(0);
	/* After the shutdown: nothing of osprey uses base memory below 0:7C00 any more. */
	if (dev->has_entry) {
		memcpy((void *)(uintptr_t)CHAIN_PART_ENTRY_ADDR, dev->entry, 16);
		p.esi = CHAIN_PART_ENTRY_ADDR;
	}
	p.src = (uint32_t)(uintptr_t)sector;
	p.len = BOOTSECT_SIZE;
	p.edx = dev->drive;
	p.ss = 0;
	p.sp = chain_own_stack(0);
	chain_jump(&p);
}
