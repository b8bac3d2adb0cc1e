/* bios.c: C side of the real-mode gateway (realmode.S does the mode switches). */
#include "arch/bios.h"

extern uint8_t rm_call_mode, rm_int_nr;
extern uint32_t rm_far_ptr;
extern uint16_t rm_far_args[3], rm_linux_seg, rm_linux_sp;
extern void realmode_call(struct bios_regs *r);

void bios_int(int nr, struct bios_regs *r)
{
	rm_call_mode = 0;
	rm_int_nr = (uint8_t)nr;
	realmode_call(r);
}

uint16_t bios_far_call(uint32_t segoff, uint16_t w0, uint16_t w1, uint16_t w2, struct bios_regs *r)
{
	rm_call_mode = 1;
	rm_far_ptr = segoff;
	rm_far_args[0] = w0;
	rm_far_args[1] = w1;
	rm_far_args[2] = w2;
	realmode_call(r);
	return (uint16_t)r->eax;
}

void bios_jump_linux(uint16_t seg, uint16_t sp)
{
	struct bios_regs r = { 0 };

	rm_call_mode = 2;
	rm_linux_seg = seg;
	rm_linux_sp = sp;
	realmode_call(&r);
	for (;;)
		;
}

uint32_t bios_base_memory(void)
{
	struct bios_regs r = { 0 };

	bios_int(0x12, &r);
	return (r.eax & 0xffff) * 1024;
}
