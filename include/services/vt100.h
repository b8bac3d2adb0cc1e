/* vt100.h: decodes a serial terminal's byte stream (VT100/xterm escape sequences) into KEY_* codes. */
#ifndef OSPREY_VT100_H
#define OSPREY_VT100_H

#include "lib/lib.h"

struct vt100_decoder {
	int state;
	int param;
	uint64_t esc_time;   /* when a lone ESC arrived (ms), to tell ESC from a sequence */
	int pending;         /* a decoded key not yet returned (0 = none): after ESC + x,
			      * KEY_ESC is returned first and x waits here */
};

/* The decoder starts zero-initialised. Feed one byte received at time now_ms. Returns a
 * key (ASCII or KEY_*) when one is complete, or -1 while a sequence is still being read.
 * Unknown sequences are dropped. Keys may come out one call late (see pending). */
int vt100_feed(struct vt100_decoder *d, int byte, uint64_t now_ms);
/* Called when no byte is waiting: a lone ESC older than 50 ms is returned as KEY_ESC,
 * and a pending key (see above) is returned at once. Returns -1 when there is none. */
int vt100_idle(struct vt100_decoder *d, uint64_t now_ms);

#endif
