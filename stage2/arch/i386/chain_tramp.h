/* chain_tramp.h: the parameters of the chain trampoline (chain_tramp.S) and the one call that
 * copies it to CHAIN_TRAMP_ADDR and jumps there (PXE NBPs and boot sectors both leave so). */
#ifndef OSPREY_CHAIN_TRAMP_H
#define OSPREY_CHAIN_TRAMP_H

#include "lib/lib.h"

/* Laid out as chain_tramp_params in chain_tramp.S. */
struct chain_params {
	uint32_t src, len;        /* the program (copied to 0:7C00) */
	uint32_t pxenv;           /* ES:BX (offset, segment) */
	uint16_t ss, sp;
	uint32_t edx, esi;        /* DL the BIOS drive; SI a partition entry (DS = 0) */
} __attribute__((packed));

/* Build osprey's own real-mode stack just below 0:7C00: a return address into the trampoline
 * (INT 18h, then halt), then the far pointer bang (!PXE, 0 for none). Returns its SP (SS = 0). */
uint16_t chain_own_stack(uint32_t bang);
/* Copy the trampoline to CHAIN_TRAMP_ADDR with p and jump there: never returns. */
void chain_jump(const struct chain_params *p) __attribute__((noreturn));

#endif
