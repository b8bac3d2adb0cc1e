/* nbp_boot.c: starts a chained PXE NBP: the PXE stack kept and its NIC given back open, the
 * registers and stack a PXE ROM gives an NBP (PXE 2.1), through the trampoline in chain_tramp.S. */
#include "arch/basemem.h"
#include "chain_tramp.h"
#include "lib/errors.h"
#include "loader/chain.h"
#include "pxe/pxe_core.h"
#include "pxe/pxe_shim.h"
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

/* Why the NBP cannot start, checked before anything is shut down; reserve: the bytes the PXE
 * API front takes off the top of base memory. */
static int nbp_check(size_t len, uint32_t reserve)
{
	uint32_t top = basemem_top() - reserve;
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

int nbp_start(const uint8_t *data, size_t len, const struct dhcp_opt *opts, int nopts)
{
	struct chain_params p = { 0 };
	bool rom_stack;
	uint32_t reserve = 0, bang_so = pxe_bang_segoff(), pxenv_so = pxe_pxenv_segoff();
	int rc;

	if ((rc = nbp_check(len, 0)) < 0)
		return rc;
	if (nopts > 0 && (rc = pxe_shim_prepare(opts, nopts, &reserve)) < 0)
		return rc;
	if (reserve && (rc = nbp_check(len, reserve)) < 0)
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
	/* The NBP gets the front's structures; the ROM stack's !PXE pointer is checked first. */
	rom_stack = rom_stack_usable(len);
	if (nopts > 0 && (rc = pxe_shim_install(&bang_so, &pxenv_so)) < 0)
		return rc;
	p.pxenv = pxenv_so;
	if (rom_stack) {
		p.ss = nbp_saved_ss;
		p.sp = nbp_saved_sp;
		put_le32((void *)(uintptr_t)(((uint32_t)p.ss << 4) + p.sp + 4), bang_so);
	} else {
		p.ss = 0;
		p.sp = chain_own_stack(bang_so);   /* a return into the trampoline, then !PXE */
	}
	chain_jump(&p);
}
