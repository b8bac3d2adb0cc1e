/* bios.c: C side of the real-mode gateway (realmode.S does the mode switches). */
#include "arch/bios.h"
#include "arch/cpu.h"
#include "a20_codes.h"

/* What realmode_call does in real mode (rm_call_mode). */
enum { RM_INT, RM_FAR_CALL, RM_LINUX, RM_IDLE, RM_A20 };

extern uint8_t rm_call_mode, rm_int_nr, rm_idle_irq, a20_status;
extern uint16_t rm_idle_port;
extern uint32_t rm_far_ptr;
extern uint16_t rm_far_args[3], rm_linux_seg, rm_linux_sp;
extern void realmode_call(struct bios_regs *r);

/* One trip to real mode; a BIOS or PXE call can turn A20 off, so check it on the way back. */
static void gateway(int mode, struct bios_regs *r)
{
	rm_call_mode = (uint8_t)mode;
	realmode_call(r);
	a20_after_bios();
}

void bios_int(int nr, struct bios_regs *r)
{
	rm_int_nr = (uint8_t)nr;
	gateway(RM_INT, r);
}

uint16_t bios_far_call(uint32_t segoff, uint16_t w0, uint16_t w1, uint16_t w2, struct bios_regs *r)
{
	rm_far_ptr = segoff;
	rm_far_args[0] = w0;
	rm_far_args[1] = w1;
	rm_far_args[2] = w2;
	gateway(RM_FAR_CALL, r);
	return (uint16_t)r->eax;
}

void bios_jump_linux(uint16_t seg, uint16_t sp)
{
	struct bios_regs r = { 0 };

	rm_call_mode = RM_LINUX;
	rm_linux_seg = seg;
	rm_linux_sp = sp;
	realmode_call(&r);
	for (;;)
		;
}

void bios_idle(int irq, uint16_t port)
{
	struct bios_regs r = { 0 };

	rm_idle_irq = irq >= 0 && irq < 8 ? (uint8_t)irq : 0xff;
	rm_idle_port = port;
	gateway(RM_IDLE, &r);
}

int bios_a20_enable(void)
{
	struct bios_regs r = { 0 };

	/* Not through gateway(): its A20 check is what calls this. */
	rm_call_mode = RM_A20;
	realmode_call(&r);
	return a20_status;
}

uint32_t bios_base_memory(void)
{
	struct bios_regs r = { 0 };

	bios_int(0x12, &r);
	return (r.eax & 0xffff) * 1024;
}
