/* idt.c: the protected-mode IDT: one interrupt gate per CPU exception (0-31), each to its stub
 * in exceptions.S. The gateway (realmode.S) reloads it after every return from real mode. */
#include "arch/cpu.h"
#include "arch/io.h"
#include "segments.h"

#define NVEC 32
#define GATE_INT32 0x8e   /* present, DPL 0, 32-bit interrupt gate */

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[NVEC];

/* lidt operand; realmode.S loads it when it comes back from real mode. */
struct {
	uint16_t limit;
	struct idt_gate *base;
} __attribute__((packed)) pm_idt_desc = { sizeof(idt) - 1, idt };

extern const uint32_t exc_stubs[NVEC];

void idt_init(void)
{
	for (int i = 0; i < NVEC; i++) {
		idt[i].off_lo = exc_stubs[i] & 0xffff;
		idt[i].off_hi = exc_stubs[i] >> 16;
		idt[i].sel = SEL_CODE32;
		idt[i].zero = 0;
		idt[i].type = GATE_INT32;
	}
	__asm__ volatile("lidt %0" : : "m"(pm_idt_desc));
	/* The entry masked NMI until an IDT could take it (rm_to_pm); now one can. */
	nmi_unmask();
}
