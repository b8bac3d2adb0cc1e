/* basemem.h: the base memory the BIOS leaves us, and the start-up check that the loader fits in it. */
#ifndef OSPREY_BASEMEM_H
#define OSPREY_BASEMEM_H

#include "lib/lib.h"

/* Top of usable base memory in bytes: the smaller of INT 12h and the BDA word at 40:13. */
uint32_t basemem_top(void);
/* Stop, with a message on the console, when the loader's image, bss and stacks do not end
 * below basemem_top(). Called first thing in main(), once a console works. */
void basemem_check_loader(void);

#endif
