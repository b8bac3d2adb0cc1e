/* shutdown.h: hooks run once before control leaves osprey for another program: quiesce devices,
 * unload the PXE stack. What the next program needs decides what goes (a kernel wants the PXE
 * stack gone, a chained PXE NBP needs it intact). */
#ifndef OSPREY_SHUTDOWN_H
#define OSPREY_SHUTDOWN_H

#define SHUTDOWN_KEEP_PXE 0x1     /* the next program uses the PXE ROM's stack: leave it loaded */

void shutdown_register(void (*fn)(unsigned how));
/* Run every hook, last registered first; how is SHUTDOWN_* flags. */
void shutdown_all(unsigned how);

#endif
