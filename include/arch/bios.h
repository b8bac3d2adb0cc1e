/* bios.h: the real-mode gateway: BIOS interrupts and far calls from protected mode. */
#ifndef OSPREY_BIOS_H
#define OSPREY_BIOS_H

#include "lib/lib.h"

/* Register block in the order popal/pushal use it (the gateway copies it as it is). */
struct bios_regs {
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;
	uint16_t es, ds, fs, gs;
	uint32_t eflags;
} __attribute__((packed));

#define EFLAGS_CF 0x0001
#define EFLAGS_ZF 0x0040

/* Run INT nr in real mode with *r loaded; *r holds the registers it returned. */
void bios_int(int nr, struct bios_regs *r);
/* Far call to seg:off in real mode with the words (opcode, param_off, param_seg) pushed, as the
 * !PXE API wants; *r is loaded before and stored after. Returns AX. */
uint16_t bios_far_call(uint32_t segoff, uint16_t w0, uint16_t w1, uint16_t w2, struct bios_regs *r);
/* Enter a Linux kernel's real-mode setup code at seg:0 with its stack at seg:sp. No return. */
void __attribute__((noreturn)) bios_jump_linux(uint16_t seg, uint16_t sp);

/* Real-mode address helpers: the whole image lives below 1 MiB, so any static buffer works. */
static inline uint32_t to_segoff(const void *p)
{
	uintptr_t a = (uintptr_t)p;
	return (uint32_t)((a >> 4) << 16 | (a & 0xf));
}
static inline void *from_segoff(uint32_t so)
{
	return (void *)(uintptr_t)(((so >> 16) << 4) + (so & 0xffff));
}

/* Halt in real mode until an interrupt arrives; irq (0-7, or -1) is a serial port's IRQ line
 * to wake on as well, port its base (cpu_idle() in idle.c chooses them). */
void bios_idle(int irq, uint16_t port);
/* Run the real-mode A20 enabling sequence again; returns how it went (a20_codes.h). */
int bios_a20_enable(void);

/* Base memory size in bytes (INT 12h). */
uint32_t bios_base_memory(void);

#endif
