/* shutdown.h: hooks run once before control leaves osprey (kernel start): quiesce devices, unload
 * the PXE stack. */
#ifndef OSPREY_SHUTDOWN_H
#define OSPREY_SHUTDOWN_H

void shutdown_register(void (*fn)(void));
void shutdown_all(void);

#endif
