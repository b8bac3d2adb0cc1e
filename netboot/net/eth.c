/* eth.c: Ethernet II framing: wraps outgoing payloads in a header and dispatches received frames by type. */
#include "lib/errors.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"

const uint8_t eth_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint8_t tx_frame[ETH_FRAME_MAX];

int eth_send(const uint8_t dst[6], uint16_t type, const void *payload, size_t len)
{
	if (len > ETH_MTU)
		return -E_TOOBIG;
	memcpy(tx_frame, dst, 6);
	memcpy(tx_frame + 6, netconf.mac, 6);
	put_be16(tx_frame + 12, type);
	if (len)
		memcpy(tx_frame + ETH_HLEN, payload, len);
	/* Short frames go out as they are: the driver pads them to 60 bytes. */
	return netdev_transmit(tx_frame, ETH_HLEN + len);
}

void eth_receive(const uint8_t *frame, size_t len)
{
	/* Longer than Ethernet allows: no sender we talk to makes such a frame (IP would ignore the
	 * excess as padding, so a bogus frame would pass for a good one). */
	if (len < ETH_HLEN || len > ETH_FRAME_MAX)
		return;
	if (memcmp(frame, netconf.mac, 6) != 0 && memcmp(frame, eth_broadcast, 6) != 0)
		return;
	const uint8_t *payload = frame + ETH_HLEN;
	size_t plen = len - ETH_HLEN;
	switch (get_be16(frame + 12)) {
	case ETH_TYPE_IPV4:
		ipv4_receive(payload, plen);
		break;
	case ETH_TYPE_ARP:
		arp_receive(payload, plen);
		break;
	default:
		break;
	}
}
