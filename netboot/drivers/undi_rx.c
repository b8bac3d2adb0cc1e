/* undi_rx.c: gathers a received frame from the pieces the UNDI ISR call returns; lengths from
 * the ROM are checked against our buffer before any copy. */
#include "drivers/netdev.h"
#include "drivers/undi.h"

int undi_rx_piece(struct undi_rx *rx, uint8_t *buf, const uint8_t *piece, uint16_t len,
		  uint16_t total)
{
	int done;

	/* A piece naming another length than the frame we gather starts a new frame. */
	if (rx->have && total != rx->total)
		memset(rx, 0, sizeof(*rx));
	if (!rx->have) {
		rx->total = total;
		rx->dropping = total == 0 || total > ETH_RXBUF_SIZE;
	}
	if (!piece || len > rx->total - rx->have)
		rx->dropping = true;
	if (!rx->dropping)
		memcpy(buf + rx->have, piece, len);
	/* An empty piece would never complete the frame: give it up. */
	if (!len || len > rx->total - rx->have) {
		memset(rx, 0, sizeof(*rx));
		return 0;
	}
	rx->have += len;
	if (rx->have < rx->total)
		return 0;
	done = rx->dropping ? 0 : rx->total;
	memset(rx, 0, sizeof(*rx));
	return done;
}
