/* nbp_boot.c: starts a chained PXE NBP: the PXE stack kept and its NIC given back open, the
 * registers and stack a PXE ROM gives an NBP (PXE 2.1), through the trampoline in chain_tramp.S. */
#include "arch/basemem.h"
#include "chain_tramp.h"
#include "lib/errors.h"
#include "loader/chain.h"
#include "pxe/pxe_core.h"
#include "services/lowmem.h"
#include "services/shutdown.h"

extern char _end[];
extern uint32_t nbp_pxe_ptr;
extern uint16_t nbp_saved_ss, nbp_saved_sp;

/* The stack the PXE ROM started osprey on, when it is intact: SS:SP+4 still holds the !PXE
 * pointer and it lies above both osprey (the gateway's stack and the image overwrote anything
 * below) and the NBP. An NBP that returns then goes back to the ROM as if osprey had. */
static bool rom_stack_usable(size_t len)
{
	uint32_t phys = ((uint32_t)nbp_saved_ss << 4) + nbp_saved_sp;
	uint32_t floor = MAX((uint32_t)(uintptr_t)_end, (uint32_t)(CHAIN_LOAD_ADDR + len));

	if (!nbp_pxe_ptr || (!nbp_saved_ss && !nbp_saved_sp))
		return false;
	if (phys < floor || phys + 8 > LOWMEM_LIMIT)
		return false;
	return get_le32((void *)(uintptr_t)(phys + 4)) == nbp_pxe_ptr;
}

/* Why the NBP cannot start, checked before anything is shut down. */
static int nbp_check(size_t len)
{
	uint32_t top = basemem_top();
	enum pxe_state st = pxe_get_state();

	if (chain_fits(len, top) < 0) {
		snprintf(err_detail, sizeof(err_detail),
			 "a PXE NBP of %zu bytes at 0x7c00 would end past base memory (%u KiB)", len, top / 1024);
		return -E_TOOBIG;
	}
	if (st == PXE_ABSENT) {
		snprintf(err_detail, sizeof(err_detail), "no PXE stack: a PXE NBP needs the PXE ROM's API");
		return -E_NODEV;
	}
	if (st != PXE_ACTIVE && st != PXE_NIC_RELEASED) {
		snprintf(err_detail, sizeof(err_detail), "the PXE stack is %s", pxe_state_name(st));
		return -E_NODEV;
	}
	return 0;
}

int nbp_start(const uint8_t *data, size_t len)
{
	struct chain_params p = { 0 };
	int rc;

	if ((rc = nbp_check(len)) < 0)
		return rc;
	printf("Starting PXE NBP (%zu bytes) at 0:7C00, PXE stack kept\n", len);
	shutdown_all(SHUTDOWN_KEEP_PXE);
	if ((rc = pxe_reopen_nic()) < 0) {
		snprintf(err_detail, sizeof(err_detail),
			 "the PXE ROM could not take its NIC back; the network is down until a reset");
		return rc;
	}
	p.src = (uint32_t)(uintptr_t)data;
	p.len = (uint32_t)len;
	p.pxenv = pxe_pxenv_segoff();
	if (rom_stack_usable(len)) {
		p.ss = nbp_saved_ss;
		p.sp = nbp_saved_sp;
	} else {
		p.ss = 0;
		p.sp = chain_own_stack(pxe_bang_segoff());
	}
	chain_jump(&p);
}
