/* crash.c: `crash KIND`: a diagnostic that makes the CPU fault on purpose, to see (and test) the
 * exception report; and `crash a20`, which turns A20 off behind the gateway's back. */
#include "ui/command.h"
#include "lib/errors.h"
#include "arch/bios.h"
#include "arch/cpu.h"
#include "services/heap.h"

/* Not mapped by crash_pf's page directory (every other 4 MiB is, 1:1). */
#define PF_ADDR 0xc0000000u

/* Paging with 4 MiB pages mapping everything 1:1 except PF_ADDR's 4 MiB, then a write there. */
static void __attribute__((noinline)) crash_pf(void)
{
	uint32_t *pd = heap_alloc(4096, 4096);   /* never freed: the machine halts */

	if (!pd)
		return;
	for (uint32_t i = 0; i < 1024; i++)
		pd[i] = i << 22 | 0x83;   /* present, writable, 4 MiB page */
	pd[PF_ADDR >> 22] = 0;
	__asm__ volatile("movl %%cr4, %%eax; orl $0x10, %%eax; movl %%eax, %%cr4\n\t"  /* PSE */
			 "movl %0, %%cr3\n\t"
			 "movl %%cr0, %%eax; orl $0x80000000, %%eax; movl %%eax, %%cr0"     /* PG */
			 : : "r"(pd) : "eax", "memory");
	*(volatile uint32_t *)PF_ADDR = 0x0bad;
}

/* Each fault in a function of its own, so a test can find its address in the symbol table. */
static void __attribute__((noinline)) crash_ud(void) { __asm__ volatile("ud2"); }
static void __attribute__((noinline)) crash_int3(void) { __asm__ volatile("int3"); }
static void __attribute__((noinline)) crash_de(void)
{
	__asm__ volatile("movl $1, %%eax; xorl %%edx, %%edx; xorl %%ecx, %%ecx; divl %%ecx"
			 : : : "eax", "ecx", "edx");
}
/* Load DS with selector 0x1230, far beyond the GDT: #GP with error code 0x1230. */
static void __attribute__((noinline)) crash_gp(void)
{
	__asm__ volatile("movw $0x1230, %%ax; movw %%ax, %%ds" : : : "eax");
}

static int crash_a20(void)
{
	/* Port 0x92 bit 1 off (bit 0 is reset: keep it 0), then any BIOS call: the gateway must
	 * notice on the way back and turn A20 on again before anything touches high memory. */
	outb(0x92, inb(0x92) & ~0x03);
	printf("A20 turned off: %s\n", a20_is_on() ? "no (still on)" : "yes");
	bios_base_memory();
	printf("A20 after a BIOS call: %s\n", a20_is_on() ? "on" : "OFF");
	return 0;
}

static int cmd_crash(int argc, char **argv)
{
	static const struct { const char *name; void (*fn)(void); } kinds[] = {
		{ "ud", crash_ud }, { "gp", crash_gp }, { "de", crash_de }, { "pf", crash_pf },
		{ "int3", crash_int3 },
	};

	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: crash ud|gp|de|pf|int3|a20");
	if (!strcmp(argv[1], "a20"))
		return crash_a20();
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(argv[1], kinds[i].name)) {
			kinds[i].fn();
			return cmd_error(-E_NOTSUP, "crash %s did not fault", argv[1]);
		}
	return cmd_error(-E_INVAL, "unknown fault '%s' (ud, gp, de, pf, int3, a20)", argv[1]);
}
COMMAND(crash, 0, "crash ud|gp|de|pf|int3|a20",
	"Diagnostic: make the CPU fault on purpose (ud2, a bad segment load, divide by zero, a page "
	"fault, a breakpoint) to see the exception report; the machine then halts. `a20` turns A20 "
	"off and makes a BIOS call, which must turn it back on.", cmd_crash);
