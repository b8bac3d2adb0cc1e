/* lowmem.h: base (conventional) memory arithmetic: what the BIOS reports, what must fit below it. */
#ifndef OSPREY_LOWMEM_H
#define OSPREY_LOWMEM_H

#include "lib/lib.h"

#define LOWMEM_LIMIT 0xa0000        /* conventional memory never goes past 640 KiB */
#define LOWMEM_SETUP_ALIGN 0x10000  /* a kernel's real-mode setup starts on a 64 KiB boundary */
#define LOWMEM_SETUP_SPAN 0x10000   /* setup code, its heap and stack, the command line */

/* The top of usable base memory in bytes from the two KiB counts the BIOS gives (INT 12h and
 * the BDA word at 40:13; they normally agree): the smaller one, never past 640 KiB. */
uint32_t lowmem_top(uint32_t int12_kib, uint32_t bda_kib);
/* 0 when memory up to (not including) end lies below top, else -E_NOMEM. */
int lowmem_check(uint32_t end, uint32_t top);
/* Where a kernel's real-mode setup goes: the first 64 KiB boundary at or past loader_end, in
 * *base. 0 when the setup's 64 KiB then end at or below top, else -E_NOMEM. */
int lowmem_setup_base(uint32_t loader_end, uint32_t top, uint32_t *base);

#endif
