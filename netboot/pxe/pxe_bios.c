/* pxe_bios.c: the PXE layer's real-machine side: the far call through the real-mode gateway,
 * low memory as it is (flat, below 1 MiB), finding the API, and the shutdown hook. */
#include "arch/bios.h"
#include "lib/errors.h"
#include "pxe/pxe_core.h"
#include "services/shutdown.h"

extern uint32_t nbp_pxe_ptr, nbp_pxenv_ptr;

/* !PXE takes (opcode, offset, segment) on the stack; PXENV+ takes BX = opcode, ES:DI. Both get
 * the registers, as some stacks read them either way. */
static uint16_t bios_pxe_call(const struct pxe_info *pi, uint16_t opcode, void *params)
{
	struct bios_regs r = { 0 };
	uint32_t so = to_segoff(params);

	r.ebx = opcode;
	r.es = so >> 16;
	r.edi = so & 0xffff;
	if (pi->bang_pxe)
		return bios_far_call(pi->entry, opcode, so & 0xffff, so >> 16, &r);
	return bios_far_call(pi->entry, 0, 0, 0, &r);
}

static void *bios_lowmem(uint32_t phys, size_t len)
{
	if (phys >= PXE_LOWMEM_END || len > PXE_LOWMEM_END - phys)
		return NULL;
	return (void *)(uintptr_t)phys;
}

static const struct pxe_platform bios_platform = {
	.call = bios_pxe_call,
	.lowmem = bios_lowmem,
};

/* Shutdown hooks cannot fail: say it clearly, the kernel can still start. A program that runs
 * on the PXE stack (a chained NBP) asks for it to stay. */
static void unload_before_kernel(unsigned how)
{
	if (how & SHUTDOWN_KEEP_PXE)
		return;
	if (pxe_unload() < 0)
		printf("PXE: warning: the PXE stack could not be unloaded; "
		       "the kernel starts with it still in memory\n");
}

int pxe_find(void)
{
	struct bios_regs r = { 0 };

	pxe_set_platform(&bios_platform);
	if (pxe_get_state() != PXE_ABSENT)
		return 0;
	if (pxe_attach(nbp_pxe_ptr, nbp_pxenv_ptr) == 0)
		goto found;
	r.eax = 0x5650;
	bios_int(0x1a, &r);
	if (!(r.eflags & EFLAGS_CF) && (r.eax & 0xffff) == 0x564e &&
	    pxe_attach(0, (uint32_t)r.es << 16 | (r.ebx & 0xffff)) == 0)
		goto found;
	return -E_NODEV;
found:
	shutdown_register(unload_before_kernel);
	return 0;
}
