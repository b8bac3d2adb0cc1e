/* cpu.h: CPU state the loader manages: the exception IDT, idling, stopping, NMI, A20. */
#ifndef OSPREY_CPU_H
#define OSPREY_CPU_H

#include "lib/lib.h"
#include "arch/io.h"

/* Load the IDT whose handlers report any CPU exception and halt (and unmask NMI). */
void idt_init(void);

/* Registers as exceptions.S saves them (lowest address first). */
struct exc_frame {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_pushal, ebx, edx, ecx, eax;
	uint32_t vector, error, eip, cs, eflags;
};
/* Print the exception on every console and halt forever. */
void __attribute__((noreturn)) exception_report(const struct exc_frame *f);

/* Stop the machine for good: NMI masked, interrupts off, hlt in a loop. */
void __attribute__((noreturn)) cpu_halt_forever(void);

/* Wait for the next interrupt (timer tick, keyboard, serial input) with the CPU halted in real
 * mode. For idle loops only: nothing runs in protected mode meanwhile. */
void cpu_idle(void);

/* CMOS index port 0x70 bit 7 masks NMI; index 0x0D (status D) is harmless to leave selected. */
static inline void nmi_mask(void) { outb(0x70, 0x8d); }
static inline void nmi_unmask(void) { outb(0x70, 0x0d); }

/* A20: true when the line is on (1 MiB does not alias 0). */
bool a20_is_on(void);
/* At start: stop with a clear message when the entry could not enable A20. */
void a20_check_at_start(void);
/* After a return from real mode: turn A20 back on if a BIOS call turned it off (stops with a
 * clear message when that fails). */
void a20_after_bios(void);

#endif
