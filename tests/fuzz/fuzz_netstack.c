/* fuzz_netstack.c: libFuzzer target feeding arbitrary bytes to eth_receive() as a received frame (fake NIC). */
#include "../unit/fake_netdev.h"
#include "lib/errors.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

/* Touch every byte handed up (ASan checks the range) and answer on one port, which sends from
 * inside the receive path. */
static void fuzz_rx(void *ctx, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
		    const uint8_t *data, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += data[i];
	sink = sum;
	if (ctx && src_port && src_ip && src_ip != 0xffffffffu)
		udp_send(src_ip, 69, src_port, data, len > 64 ? 64 : len);
}

/* The first input byte picks fix-ups that help the fuzzer past the cheap checks. */
enum {
	FIX_DST_MAC = 1,      /* address the frame to us */
	FIX_IP_SUM = 2,       /* correct the IPv4 header checksum */
	FIX_L4_SUM = 4,       /* zero the UDP checksum / correct the ICMP one */
	NO_ADDRESS = 8,       /* run as during DHCP (netconf.ip == 0) */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		fake_net_reset();
		fake_net_auto_arp(true);
		udp_bind(68, fuzz_rx, NULL);
		udp_bind(69, fuzz_rx, (void *)1);
		udp_bind(7000, fuzz_rx, NULL);
		ready = true;
	}
	if (size < 1)
		return 0;
	uint8_t flags = data[0];
	size--;
	data++;
	if (size > ETH_RXBUF_SIZE)
		size = ETH_RXBUF_SIZE;

	/* An exact-size copy, so any read past the frame is caught. */
	uint8_t *frame = malloc(size ? size : 1);
	if (!frame)
		return 0;
	memcpy(frame, data, size);

	if ((flags & FIX_DST_MAC) && size >= 6)
		memcpy(frame, netconf.mac, 6);
	if (size >= ETH_HLEN + IPV4_HLEN && get_be16(frame + 12) == ETH_TYPE_IPV4) {
		uint8_t *ip = frame + ETH_HLEN;
		size_t hlen = (size_t)(ip[0] & 0x0f) * 4;
		size_t avail = size - ETH_HLEN;
		if ((flags & FIX_L4_SUM) && hlen >= IPV4_HLEN && hlen <= avail) {
			size_t total = get_be16(ip + 2);
			size_t l4 = (total <= avail && total >= hlen ? total : avail) - hlen;
			if (ip[9] == IP_PROTO_UDP && l4 >= UDP_HLEN)
				put_be16(ip + hlen + 6, 0);
			if (ip[9] == IP_PROTO_ICMP && l4 >= 4) {
				put_be16(ip + hlen + 2, 0);
				put_be16(ip + hlen + 2, fake_checksum(ip + hlen, l4, 0));
			}
		}
		if ((flags & FIX_IP_SUM) && hlen >= IPV4_HLEN && hlen <= avail) {
			put_be16(ip + 10, 0);
			put_be16(ip + 10, fake_checksum(ip, hlen, 0));
		}
	}

	netconf.ip = (flags & NO_ADDRESS) ? 0 : 0x0a000002u;
	fake_net_clear_sent();
	arp_flush();
	eth_receive(frame, size);
	while (net_poll() > 0)   /* replies the fake injected (ARP answers) */
		;
	free(frame);
	return 0;
}
