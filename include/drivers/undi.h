/* undi.h: reassembling received frames from the pieces the PXE ROM's UNDI ISR call hands out
 * (pure logic, host-tested: the lengths come from the ROM, the bytes from the network). */
#ifndef OSPREY_UNDI_H
#define OSPREY_UNDI_H

#include "lib/lib.h"

struct undi_rx {
	uint16_t total;         /* FrameLength of the frame being gathered */
	uint16_t have;          /* bytes of it seen so far */
	bool dropping;          /* it does not fit or the pieces do not add up */
};

/* One PXENV_UNDI_ISR_OUT_RECEIVE piece: len bytes at piece (NULL: not readable) of a frame of
 * total bytes. Copies it into buf (ETH_RXBUF_SIZE bytes) after the pieces before it. Returns the
 * frame's length once its last piece arrived, 0 while pieces are missing or when the frame is
 * dropped (too long, empty, pieces longer than the frame, a piece of another frame). */
int undi_rx_piece(struct undi_rx *rx, uint8_t *buf, const uint8_t *piece, uint16_t len,
		  uint16_t total);

#endif
