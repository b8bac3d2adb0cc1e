/* ipv4.c: IPv4 (RFC 791) without fragments or options of our own: routing to the next hop, header checks, dispatch. */
#include "lib/errors.h"
#include "net/net.h"
#include "net/netstack.h"
#include "net/tcp.h"

#define IP_FLAG_MF 0x2000
#define IP_FRAG_OFFSET 0x1fff
#define IP_TTL 64
#define IP_BROADCAST 0xffffffffu

static uint16_t next_id = 1;
static uint8_t tx_dgram[ETH_MTU];

uint16_t ip_checksum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t s = 0;

	/* 32 bits at a time in memory order: the one's-complement sum does not care about byte
	 * order, so sum little-endian words and swap the folded result (RFC 1071, 2.B). */
	while (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		s += w;
		p += 4;
		len -= 4;
	}
	while (len >= 2) {
		s += (uint32_t)(p[0] | p[1] << 8);
		p += 2;
		len -= 2;
	}
	if (len)
		s += p[0];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = ((s >> 8) | (s << 8)) & 0xffff;
	s += sum;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The directed broadcast address of our subnet, or 0 when there is none. */
static uint32_t subnet_broadcast(void)
{
	if (netconf.ip == 0 || netconf.mask == 0 || netconf.mask == 0xffffffffu)
		return 0;
	return (netconf.ip & netconf.mask) | ~netconf.mask;
}

/* The Ethernet address to send a datagram for dst to (ARP on the subnet, else via the gateway). */
static int next_hop_mac(uint32_t dst, uint8_t mac[6])
{
	if (dst == IP_BROADCAST || netconf.ip == 0 || dst == subnet_broadcast()) {
		memcpy(mac, eth_broadcast, 6);
		return 0;
	}
	if (dst == 0)
		return -E_INVAL;
	if (((dst ^ netconf.ip) & netconf.mask) == 0)
		return arp_resolve(dst, mac);
	if (netconf.gateway == 0)
		return -E_NONET;
	return arp_resolve(netconf.gateway, mac);
}

int ipv4_send(uint32_t dst, uint8_t proto, const void *payload, size_t len)
{
	uint8_t mac[6];

	if (len > ETH_MTU - IPV4_HLEN)
		return -E_TOOBIG;
	/* Resolve first: ARP may poll (and run other senders) before tx_dgram is filled. */
	int rc = next_hop_mac(dst, mac);
	if (rc < 0)
		return rc;

	uint8_t *h = tx_dgram;
	h[0] = 0x45;
	h[1] = 0;
	put_be16(h + 2, (uint16_t)(IPV4_HLEN + len));
	put_be16(h + 4, next_id++);
	put_be16(h + 6, 0);
	h[8] = IP_TTL;
	h[9] = proto;
	put_be16(h + 10, 0);
	put_be32(h + 12, netconf.ip);
	put_be32(h + 16, dst);
	put_be16(h + 10, ip_checksum(h, IPV4_HLEN, 0));
	if (len)
		memcpy(h + IPV4_HLEN, payload, len);
	return eth_send(mac, ETH_TYPE_IPV4, tx_dgram, IPV4_HLEN + len);
}

void ipv4_receive(const uint8_t *pkt, size_t len)
{
	if (len < IPV4_HLEN || (pkt[0] >> 4) != 4)
		return;
	size_t hlen = (size_t)(pkt[0] & 0x0f) * 4;
	size_t total = get_be16(pkt + 2);
	if (hlen < IPV4_HLEN || hlen > len || total < hlen || total > len)
		return;
	if (ip_checksum(pkt, hlen, 0) != 0)
		return;
	if (get_be16(pkt + 6) & (IP_FLAG_MF | IP_FRAG_OFFSET))
		return;   /* fragments: nothing we fetch needs them */

	uint32_t src = get_be32(pkt + 12);
	uint32_t dst = get_be32(pkt + 16);
	bool to_us = netconf.ip != 0 && dst == netconf.ip;
	if (!to_us && netconf.ip != 0 && dst != IP_BROADCAST && dst != subnet_broadcast())
		return;

	/* total <= len: this also trims the Ethernet padding of short frames. */
	const uint8_t *payload = pkt + hlen;
	size_t plen = total - hlen;
	switch (pkt[9]) {
	case IP_PROTO_ICMP:
		if (to_us)   /* no answers to broadcasts, nor before we have an address */
			icmp_receive(src, payload, plen);
		break;
	case IP_PROTO_UDP:
		udp_receive(src, dst, payload, plen);
		break;
	case IP_PROTO_TCP:
		if (to_us)
			tcp_receive(src, dst, payload, plen);
		break;
	default:
		break;
	}
}
