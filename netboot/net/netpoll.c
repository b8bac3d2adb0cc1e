/* netpoll.c: the one receive loop every protocol is driven by: poll the NIC, dispatch frames, wait for a condition. */
#include "services/console.h"
#include "lib/errors.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "services/timer.h"

#define NET_POLL_BUDGET 64   /* frames per net_poll call */
#define NET_POLL_DEPTH 2     /* a handler may wait (for ARP) once while a frame is being handled */

static uint8_t rx_buf[NET_POLL_DEPTH][ETH_RXBUF_SIZE] __attribute__((aligned(4)));
static unsigned depth;

/* Each nesting level gets its own buffer, so a handler that polls (e.g. udp_send -> ARP) does not
 * overwrite the frame its caller is still reading. Deeper nesting polls nothing. A UDP carrier
 * (the PXE ROM's UDP API) has one buffer and sends without waiting: it is polled unnested. */
int net_poll(void)
{
	const struct udp_carrier *carrier = udp_get_carrier();

	if (depth >= NET_POLL_DEPTH || (carrier && depth))
		return 0;
	if (carrier) {
		depth++;
		int n = carrier->poll();
		depth--;
		return n;
	}
	uint8_t *buf = rx_buf[depth];
	int handled = 0;

	depth++;
	while (handled < NET_POLL_BUDGET) {
		const uint8_t *frame;
		int rc = netdev_rx(buf, &frame);
		if (rc < 0) {
			handled = rc;
			break;
		}
		if (rc == 0)
			break;
		if ((size_t)rc <= ETH_RXBUF_SIZE)
			eth_receive(frame, (size_t)rc);
		netdev_rx_done(frame);
		handled++;
	}
	depth--;
	return handled;
}

int net_wait(bool (*done)(void *ctx), void *ctx, uint64_t deadline_ms)
{
	for (;;) {
		if (done(ctx))
			return 0;
		net_poll();
		if (done(ctx))
			return 0;
		if (timer_ms() >= deadline_ms)
			return -E_TIMEOUT;
		if (console_abort_requested())
			return -E_CANCELED;
	}
}
