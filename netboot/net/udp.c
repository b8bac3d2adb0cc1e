/* udp.c: UDP (RFC 768): port bindings, checksummed send, verified receive demultiplexed by port. */
#include "lib/errors.h"
#include "net/net.h"
#include "net/netstack.h"
#include "services/timer.h"

#define UDP_SLOTS 8
#define EPHEMERAL_FIRST 49152u
#define EPHEMERAL_COUNT 16384u

struct udp_binding {
	uint16_t port;        /* 0: free */
	udp_rx_fn fn;
	void *ctx;
};

static struct udp_binding bindings[UDP_SLOTS];
static uint16_t next_ephemeral;   /* 0 until first use */
static const struct udp_carrier *carrier;

static struct udp_binding *udp_find(uint16_t port)
{
	for (unsigned i = 0; i < UDP_SLOTS; i++)
		if (bindings[i].port == port)
			return &bindings[i];
	return NULL;
}

int udp_bind(uint16_t local_port, udp_rx_fn fn, void *ctx)
{
	if (local_port == 0 || !fn || udp_find(local_port))
		return -E_INVAL;
	struct udp_binding *b = udp_find(0);
	if (!b)
		return -E_NOMEM;
	b->port = local_port;
	b->fn = fn;
	b->ctx = ctx;
	return 0;
}

void udp_unbind(uint16_t local_port)
{
	if (local_port == 0)
		return;
	struct udp_binding *b = udp_find(local_port);
	if (b)
		memset(b, 0, sizeof(*b));
}

/* Checksum of a UDP datagram with its IPv4 pseudo header (0 when the stored checksum is right). */
static uint16_t udp_checksum(uint32_t src, uint32_t dst, const uint8_t *dgram, size_t len)
{
	uint32_t pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
			  IP_PROTO_UDP + (uint32_t)len;
	return ip_checksum(dgram, len, pseudo);
}

void udp_set_carrier(const struct udp_carrier *c)
{
	carrier = c;
}

const struct udp_carrier *udp_get_carrier(void)
{
	return carrier;
}

int udp_send(uint32_t dst_ip, uint16_t src_port, uint16_t dst_port, const void *data, size_t len)
{
	/* On the stack, not static: a receive handler may send while an outer send waits for ARP. */
	uint8_t dgram[UDP_HLEN + UDP_PAYLOAD_MAX];

	if (len > UDP_PAYLOAD_MAX)
		return -E_TOOBIG;
	if (carrier)
		return carrier->send(dst_ip, src_port, dst_port, data, len);
	put_be16(dgram, src_port);
	put_be16(dgram + 2, dst_port);
	put_be16(dgram + 4, (uint16_t)(UDP_HLEN + len));
	put_be16(dgram + 6, 0);
	if (len)
		memcpy(dgram + UDP_HLEN, data, len);
	uint16_t sum = udp_checksum(netconf.ip, dst_ip, dgram, UDP_HLEN + len);
	put_be16(dgram + 6, sum ? sum : 0xffff);
	return ipv4_send(dst_ip, IP_PROTO_UDP, dgram, UDP_HLEN + len);
}

void udp_receive(uint32_t src, uint32_t dst, const uint8_t *pkt, size_t len)
{
	if (len < UDP_HLEN)
		return;
	size_t ulen = get_be16(pkt + 4);
	if (ulen < UDP_HLEN || ulen > len)
		return;
	if (get_be16(pkt + 6) != 0 && udp_checksum(src, dst, pkt, ulen) != 0)
		return;
	udp_deliver(src, get_be16(pkt), dst, get_be16(pkt + 2), pkt + UDP_HLEN, ulen - UDP_HLEN);
}

void udp_deliver(uint32_t src, uint16_t src_port, uint32_t dst, uint16_t dst_port,
		 const uint8_t *data, size_t len)
{
	struct udp_binding *b = dst_port ? udp_find(dst_port) : NULL;

	if (!b)
		return;
	/* Copy out: the handler may unbind (or rebind) its own slot. */
	udp_rx_fn fn = b->fn;
	void *ctx = b->ctx;
	fn(ctx, src, src_port, dst, data, len);
}

uint16_t udp_ephemeral_port(void)
{
	if (next_ephemeral == 0)
		next_ephemeral = (uint16_t)(EPHEMERAL_FIRST + ((uint32_t)timer_us() & (EPHEMERAL_COUNT - 1)));
	/* Skip ports bound right now (at most UDP_SLOTS of them). */
	uint16_t port;
	for (unsigned i = 0; i <= UDP_SLOTS; i++) {
		port = next_ephemeral;
		next_ephemeral = port == 0xffff ? (uint16_t)EPHEMERAL_FIRST : (uint16_t)(port + 1);
		if (!udp_find(port))
			break;
	}
	return port;
}
