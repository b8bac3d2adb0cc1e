/* exception_report.c: what a CPU exception prints (on every console) before the machine halts. */
#include "arch/cpu.h"
#include "services/console.h"

extern void vga_init(void);
extern void serial_init(void);

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range exceeded", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack-segment fault", "#GP general protection",
	"#PF page fault", "reserved (15)", "#MF x87 floating-point error", "#AC alignment check",
	"#MC machine check", "#XM SIMD floating-point", "#VE virtualization", "#CP control protection",
};

/* Vectors for which the CPU pushes an error code (as in exceptions.S). */
static bool pushes_error(uint32_t v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30;
}

/* Vectors whose error code names a selector (or an IDT entry). */
static bool selector_error(uint32_t v)
{
	return v == 10 || v == 11 || v == 12 || v == 13;
}

static void print_error_code(const struct exc_frame *f)
{
	uint32_t e = f->error;

	printf("  error code %08x", e);
	if (f->vector == 14)
		printf(" (%s, %s, %s)", e & 1 ? "protection" : "not present", e & 2 ? "write" : "read",
		       e & 16 ? "instruction fetch" : e & 4 ? "user" : "supervisor");
	else if (selector_error(f->vector) && (e & 2))
		printf(" (IDT vector %u%s)", (unsigned)((e >> 3) & 0x1fff), e & 1 ? ", external" : "");
	else if (selector_error(f->vector) && e)
		printf(" (selector %04x: %s entry %u%s)", e & 0xfffc, e & 4 ? "LDT" : "GDT",
		       (unsigned)((e >> 3) & 0x1fff), e & 1 ? ", external" : "");
	printf("\n");
}

static volatile int reporting;

void exception_report(const struct exc_frame *f)
{
	uint32_t cr0, cr2;
	/* The CPU pushed EIP, CS, EFLAGS on the faulting stack: ESP before the fault is past them. */
	uint32_t esp = (uint32_t)(uintptr_t)(&f->eflags + 1);

	/* A fault while reporting one: say nothing more (that could fault again), just stop. */
	if (reporting++)
		cpu_halt_forever();
	__asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("movl %%cr2, %0" : "=r"(cr2));
	/* Every console shows it, even one `terminal` turned off; before the consoles were
	 * set up, set them up. */
	if (console_activate_all() == 0) {
		vga_init();
		serial_init();
	}
	printf("\n*** CPU exception %u: %s ***\n", (unsigned)f->vector,
	       f->vector < 32 && exc_names[f->vector] ? exc_names[f->vector] : "reserved");
	printf("  EIP %08x  CS %04x  EFLAGS %08x\n", f->eip, f->cs & 0xffff, f->eflags);
	if (pushes_error(f->vector))
		print_error_code(f);
	if (f->vector == 14)
		printf("  CR2 %08x (the address that faulted)\n", cr2);
	printf("  EAX %08x  EBX %08x  ECX %08x  EDX %08x\n", f->eax, f->ebx, f->ecx, f->edx);
	printf("  ESI %08x  EDI %08x  EBP %08x  ESP %08x\n", f->esi, f->edi, f->ebp, esp);
	printf("  DS %04x  ES %04x  FS %04x  GS %04x  CR0 %08x\n", f->ds & 0xffff, f->es & 0xffff,
	       f->fs & 0xffff, f->gs & 0xffff, cr0);
	printf("osprey stopped: the machine is halted; reset or power it off.\n");
	cpu_halt_forever();
}

void cpu_halt_forever(void)
{
	nmi_mask();
	for (;;)
		__asm__ volatile("cli; hlt");
}
