/* test_netstack.c: unit tests of the IPv4 stack core (Ethernet, ARP, IPv4, ICMP, UDP, poll loop) over the fake NIC. */
#include "test.h"
#include "fake_netdev.h"
#include "lib/errors.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "services/timer.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static const uint8_t other_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* ---- a recording UDP handler ---- */
static struct rx_record {
	int count;
	uint32_t src_ip, dst_ip;
	uint16_t src_port;
	uint8_t data[ETH_RXBUF_SIZE];
	size_t len;
} rx_a, rx_b;

static void record_rx(void *ctx, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
		      const uint8_t *data, size_t len)
{
	struct rx_record *r = ctx;
	r->count++;
	r->src_ip = src_ip;
	r->src_port = src_port;
	r->dst_ip = dst_ip;
	r->len = len;
	memcpy(r->data, data, len < sizeof(r->data) ? len : sizeof(r->data));
}

static void setup(void)
{
	fake_net_reset();
	memset(&rx_a, 0, sizeof(rx_a));
	memset(&rx_b, 0, sizeof(rx_b));
}

/* Inject a frame and run the poll loop over it. */
static void deliver(const uint8_t *frame, size_t len)
{
	fake_net_inject(frame, len);
	CHECK_EQ(net_poll(), 1);
}

static void fix_ip_checksum(uint8_t *frame)
{
	uint8_t *ip = frame + ETH_HLEN;
	size_t hlen = (size_t)(ip[0] & 0x0f) * 4;
	put_be16(ip + 10, 0);
	put_be16(ip + 10, fake_checksum(ip, hlen, 0));
}

/* ---- ip_checksum ------------------------------------------------------------------------ */

TEST(net_ip_checksum_vectors)
{
	/* RFC 1071 section 3 example: one's complement sum 0xddf2. */
	static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	CHECK_EQ(ip_checksum(rfc, sizeof(rfc), 0), 0x220d);
	/* A classic IPv4 header (192.168.0.1 -> 192.168.0.199, UDP): checksum 0xb861. */
	static const uint8_t hdr[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
				       0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	CHECK_EQ(ip_checksum(hdr, sizeof(hdr), 0), 0xb861);
	uint8_t with[sizeof(hdr)];
	memcpy(with, hdr, sizeof(hdr));
	with[10] = 0xb8;
	with[11] = 0x61;
	CHECK_EQ(ip_checksum(with, sizeof(with), 0), 0);
	/* Odd length pads with a zero byte; empty data gives ~0. */
	static const uint8_t odd[] = { 0x01 };
	CHECK_EQ(ip_checksum(odd, 1, 0), 0xfeff);
	CHECK_EQ(ip_checksum(odd, 0, 0), 0xffff);
	/* A starting sum (pseudo header) folds in with carries. */
	CHECK_EQ(ip_checksum(rfc, sizeof(rfc), 0x1ffff), (uint16_t)~0xddf3);
	static const uint8_t ff[] = { 0xff, 0xff, 0xff, 0xff };
	CHECK_EQ(ip_checksum(ff, 4, 0), 0);
	/* Agrees with the fake's independent implementation on odd data. */
	uint8_t big[1501];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 37 + 11);
	CHECK_EQ(ip_checksum(big, sizeof(big), 12345), fake_checksum(big, sizeof(big), 12345));
}

/* ---- Ethernet ----------------------------------------------------------------------------- */

TEST(net_eth_send_header)
{
	setup();
	static const uint8_t payload[] = { 1, 2, 3 };
	CHECK_EQ(eth_send(other_mac, 0x1234, payload, sizeof(payload)), 0);
	size_t len;
	const uint8_t *f = fake_net_sent(0, &len);
	CHECK(f != NULL);
	CHECK_EQ(len, 17);
	CHECK(memcmp(f, other_mac, 6) == 0);
	CHECK(memcmp(f + 6, fake_our_mac, 6) == 0);
	CHECK_EQ(get_be16(f + 12), 0x1234);
	CHECK(memcmp(f + 14, payload, 3) == 0);
	uint8_t big[ETH_MTU + 1] = { 0 };
	CHECK_EQ(eth_send(other_mac, 0x1234, big, sizeof(big)), -E_TOOBIG);
	fake_net_set_tx_error(-E_IO);
	CHECK_EQ(eth_send(other_mac, 0x1234, payload, 1), -E_IO);
}

TEST(net_eth_filtering)
{
	setup();
	CHECK_EQ(udp_bind(7000, record_rx, &rx_a), 0);
	uint8_t f[ETH_RXBUF_SIZE];
	size_t n = fake_build_udp(f, other_mac, FAKE_SERVER, 69, FAKE_OUR_IP, 7000, "x", 1);
	deliver(f, n);
	CHECK_EQ(rx_a.count, 1);
	/* Another station's MAC: dropped. */
	f[5] = 0x99;
	deliver(f, n);
	CHECK_EQ(rx_a.count, 1);
	/* Ethernet broadcast: accepted. */
	memset(f, 0xff, 6);
	deliver(f, n);
	CHECK_EQ(rx_a.count, 2);
	/* Unknown type, and runt frames: ignored. */
	put_be16(f + 12, 0x86dd);
	deliver(f, n);
	CHECK_EQ(rx_a.count, 2);
	deliver(f, 13);
	eth_receive(f, 0);
	CHECK_EQ(rx_a.count, 2);
	CHECK_EQ(fake_net_sent_count(), 0);
}

/* ---- ARP ---------------------------------------------------------------------------------- */

TEST(net_arp_reply_to_request)
{
	setup();
	uint8_t f[64];
	deliver(f, fake_build_arp_request(f, other_mac, IP(10, 0, 0, 9), FAKE_OUR_IP));
	CHECK_EQ(fake_net_sent_count(), 1);
	size_t len;
	const uint8_t *r = fake_net_sent(0, &len);
	CHECK_EQ(len, 42);
	CHECK(memcmp(r, other_mac, 6) == 0);
	CHECK(memcmp(r + 6, fake_our_mac, 6) == 0);
	CHECK_EQ(get_be16(r + 12), ETH_TYPE_ARP);
	const uint8_t *a = r + 14;
	CHECK_EQ(get_be16(a), 1);
	CHECK_EQ(get_be16(a + 2), 0x0800);
	CHECK_EQ(a[4], 6);
	CHECK_EQ(a[5], 4);
	CHECK_EQ(get_be16(a + 6), 2);
	CHECK(memcmp(a + 8, fake_our_mac, 6) == 0);
	CHECK_EQ(get_be32(a + 14), FAKE_OUR_IP);
	CHECK(memcmp(a + 18, other_mac, 6) == 0);
	CHECK_EQ(get_be32(a + 24), IP(10, 0, 0, 9));

	/* The requester is now cached: resolving it sends nothing. */
	fake_net_clear_sent();
	uint8_t mac[6];
	CHECK_EQ(arp_resolve(IP(10, 0, 0, 9), mac), 0);
	CHECK(memcmp(mac, other_mac, 6) == 0);
	CHECK_EQ(fake_net_sent_count(), 0);
}

TEST(net_arp_ignores)
{
	setup();
	uint8_t f[64];
	size_t n;
	/* A request for someone else. */
	deliver(f, fake_build_arp_request(f, other_mac, IP(10, 0, 0, 9), IP(10, 0, 0, 3)));
	CHECK_EQ(fake_net_sent_count(), 0);
	/* Malformed: each field wrong in turn, and a truncated packet. */
	static const size_t offs[] = { 14 + 1, 14 + 3, 14 + 4, 14 + 5 };
	for (size_t i = 0; i < ARRAY_SIZE(offs); i++) {
		n = fake_build_arp_request(f, other_mac, IP(10, 0, 0, 9), FAKE_OUR_IP);
		f[offs[i]] ^= 0x40;
		deliver(f, n);
	}
	n = fake_build_arp_request(f, other_mac, IP(10, 0, 0, 9), FAKE_OUR_IP);
	deliver(f, 14 + 27);
	CHECK_EQ(fake_net_sent_count(), 0);
	/* Unknown opcode. */
	put_be16(f + 14 + 6, 3);
	deliver(f, n);
	CHECK_EQ(fake_net_sent_count(), 0);
	/* No address yet: requests are not answered. */
	netconf.ip = 0;
	deliver(f, fake_build_arp_request(f, other_mac, IP(10, 0, 0, 9), 0));
	CHECK_EQ(fake_net_sent_count(), 0);
	/* Replies never learn a multicast/broadcast hardware address. */
	netconf.ip = FAKE_OUR_IP;
	deliver(f, fake_build_arp_reply(f, eth_broadcast, IP(10, 0, 0, 77)));
	fake_net_abort(true);   /* resolve would wait: make it give up at once */
	uint8_t mac[6];
	CHECK_EQ(arp_resolve(IP(10, 0, 0, 77), mac), -E_CANCELED);
}

static uint32_t responder_ip;
static uint8_t responder_mac[6];
static int responder_calls;

/* Answer ARP requests for responder_ip with responder_mac. */
static void arp_responder(const uint8_t *frame, size_t len)
{
	uint32_t target;
	responder_calls++;
	if (fake_is_arp_request(frame, len, &target) && target == responder_ip) {
		uint8_t r[64];
		fake_net_inject(r, fake_build_arp_reply(r, responder_mac, responder_ip));
	}
}

TEST(net_arp_resolve_and_cache)
{
	setup();
	responder_ip = IP(10, 0, 0, 7);
	memcpy(responder_mac, other_mac, 6);
	fake_net_set_responder(arp_responder);
	uint8_t mac[6];
	CHECK_EQ(arp_resolve(IP(10, 0, 0, 7), mac), 0);
	CHECK(memcmp(mac, other_mac, 6) == 0);
	CHECK_EQ(fake_net_sent_count(), 1);
	size_t len;
	const uint8_t *r = fake_net_sent(0, &len);
	uint32_t target;
	CHECK(fake_is_arp_request(r, len, &target));
	CHECK_EQ(target, IP(10, 0, 0, 7));
	CHECK(memcmp(r, eth_broadcast, 6) == 0);
	CHECK_EQ(get_be32(r + 14 + 14), FAKE_OUR_IP);
	/* Cached now. */
	CHECK_EQ(arp_resolve(IP(10, 0, 0, 7), mac), 0);
	CHECK_EQ(fake_net_sent_count(), 1);
	/* Broadcast needs no ARP; 0.0.0.0 is not an address. */
	CHECK_EQ(arp_resolve(0xffffffffu, mac), 0);
	CHECK(memcmp(mac, eth_broadcast, 6) == 0);
	CHECK_EQ(arp_resolve(0, mac), -E_INVAL);
	/* arp_flush forgets. */
	arp_flush();
	fake_net_set_responder(NULL);
	fake_net_abort(true);
	CHECK_EQ(arp_resolve(IP(10, 0, 0, 7), mac), -E_CANCELED);
}

TEST(net_arp_cache_round_robin)
{
	setup();
	uint8_t f[64], m[6], mac[6];
	memcpy(m, other_mac, 6);
	for (int i = 0; i < 9; i++) {
		m[5] = (uint8_t)i;
		deliver(f, fake_build_arp_reply(f, m, IP(10, 0, 0, 100 + i)));
	}
	/* Entries 1..8 are cached; entry 0 was replaced by the ninth. */
	for (int i = 1; i < 9; i++) {
		CHECK_EQ(arp_resolve(IP(10, 0, 0, 100 + i), mac), 0);
		CHECK_EQ(mac[5], i);
	}
	CHECK_EQ(fake_net_sent_count(), 0);
	/* A newer reply updates an existing entry in place. */
	m[5] = 0x42;
	deliver(f, fake_build_arp_reply(f, m, IP(10, 0, 0, 105)));
	CHECK_EQ(arp_resolve(IP(10, 0, 0, 105), mac), 0);
	CHECK_EQ(mac[5], 0x42);
	CHECK_EQ(arp_resolve(IP(10, 0, 0, 101), mac), 0);
	fake_net_abort(true);
	CHECK_EQ(arp_resolve(IP(10, 0, 0, 100), mac), -E_CANCELED);
}

TEST(net_arp_timeout)
{
	setup();
	uint8_t mac[6];
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(arp_resolve(IP(10, 0, 0, 50), mac), -E_TIMEOUT);
	uint64_t elapsed = fake_time_now_ms() - t0;
	CHECK(elapsed >= 3100 && elapsed <= 3400);   /* 0.1 + 0.2 + 0.4 + 0.8 + 1.6 s */
	CHECK(strncmp(err_detail, "ARP: 10.0.0.50 did not answer (5 requests over 3.", 49) == 0);
	err_detail[0] = 0;
	CHECK_EQ(fake_net_sent_count(), 5);
	for (size_t i = 0; i < fake_net_sent_count(); i++) {
		size_t len;
		uint32_t target = 0;
		const uint8_t *fr = fake_net_sent(i, &len);
		CHECK(fake_is_arp_request(fr, len, &target));
		CHECK_EQ(target, IP(10, 0, 0, 50));
	}
}

/* ---- IPv4 receive ------------------------------------------------------------------------- */

TEST(net_ipv4_receive_drops)
{
	setup();
	CHECK_EQ(udp_bind(7000, record_rx, &rx_a), 0);
	uint8_t good[ETH_RXBUF_SIZE], f[ETH_RXBUF_SIZE];
	size_t n = fake_build_udp(good, other_mac, FAKE_SERVER, 69, FAKE_OUR_IP, 7000, "hello", 5);
	deliver(good, n);
	CHECK_EQ(rx_a.count, 1);
	CHECK_EQ(rx_a.len, 5);

	/* Bad header checksum. */
	memcpy(f, good, n);
	f[14 + 10] ^= 1;
	deliver(f, n);
	/* Shorter than an IP header. */
	deliver(good, 14 + 19);
	/* Shorter than the IP total length (truncated). */
	deliver(good, n - 1);
	/* More fragments, and a non-zero offset. */
	memcpy(f, good, n);
	put_be16(f + 14 + 6, 0x2000);
	fix_ip_checksum(f);
	deliver(f, n);
	memcpy(f, good, n);
	put_be16(f + 14 + 6, 0x0001);
	fix_ip_checksum(f);
	deliver(f, n);
	/* Version 6. */
	memcpy(f, good, n);
	f[14] = 0x65;
	fix_ip_checksum(f);
	deliver(f, n);
	/* IHL 4 (checksum computed over 20 bytes). */
	memcpy(f, good, n);
	f[14] = 0x44;
	put_be16(f + 14 + 10, 0);
	put_be16(f + 14 + 10, fake_checksum(f + 14, 20, 0));
	deliver(f, n);
	/* IHL 15: a 60-byte header longer than the datagram. */
	memcpy(f, good, n);
	f[14] = 0x4f;
	deliver(f, 14 + 40);
	/* Total length smaller than the header. */
	memcpy(f, good, n);
	put_be16(f + 14 + 2, 19);
	fix_ip_checksum(f);
	deliver(f, n);
	/* Total length larger than the frame. */
	memcpy(f, good, n);
	put_be16(f + 14 + 2, (uint16_t)(n - 14 + 1));
	fix_ip_checksum(f);
	deliver(f, n);
	/* Not for us. */
	memcpy(f, good, n);
	put_be32(f + 14 + 16, IP(10, 0, 0, 3));
	fix_ip_checksum(f);
	deliver(f, n);
	/* Unknown protocol. */
	memcpy(f, good, n);
	f[14 + 9] = 6;
	fix_ip_checksum(f);
	deliver(f, n);

	CHECK_EQ(rx_a.count, 1);
	CHECK_EQ(fake_net_sent_count(), 0);
}

TEST(net_ipv4_padding_and_options)
{
	setup();
	CHECK_EQ(udp_bind(7000, record_rx, &rx_a), 0);
	uint8_t f[ETH_RXBUF_SIZE];
	/* A short datagram in a frame padded to 60 bytes with junk: the padding is trimmed. */
	size_t n = fake_build_udp(f, other_mac, FAKE_SERVER, 69, FAKE_OUR_IP, 7000, "ab", 2);
	CHECK_EQ(n, 44);
	memset(f + n, 0xa5, 60 - n);
	deliver(f, 60);
	CHECK_EQ(rx_a.count, 1);
	CHECK_EQ(rx_a.len, 2);
	CHECK(memcmp(rx_a.data, "ab", 2) == 0);

	/* Four bytes of IP options (IHL 6) are skipped. */
	n = fake_build_udp(f, other_mac, FAKE_SERVER, 69, FAKE_OUR_IP, 7000, "opts", 4);
	memmove(f + 14 + 24, f + 14 + 20, n - 34);
	memset(f + 14 + 20, 1, 4);   /* NOPs */
	f[14] = 0x46;
	put_be16(f + 14 + 2, (uint16_t)(get_be16(f + 14 + 2) + 4));
	fix_ip_checksum(f);
	deliver(f, n + 4);
	CHECK_EQ(rx_a.count, 2);
	CHECK_EQ(rx_a.len, 4);
	CHECK(memcmp(rx_a.data, "opts", 4) == 0);
}

TEST(net_ipv4_broadcast_accept)
{
	setup();
	CHECK_EQ(udp_bind(68, record_rx, &rx_a), 0);
	uint8_t f[ETH_RXBUF_SIZE];
	deliver(f, fake_build_udp(f, other_mac, FAKE_SERVER, 67, 0xffffffffu, 68, "b", 1));
	CHECK_EQ(rx_a.count, 1);
	CHECK_EQ(rx_a.dst_ip, 0xffffffffu);
	deliver(f, fake_build_udp(f, other_mac, FAKE_SERVER, 67, IP(10, 0, 0, 255), 68, "b", 1));
	CHECK_EQ(rx_a.count, 2);
	CHECK_EQ(rx_a.dst_ip, IP(10, 0, 0, 255));
	deliver(f, fake_build_udp(f, other_mac, FAKE_SERVER, 67, IP(10, 0, 1, 255), 68, "b", 1));
	CHECK_EQ(rx_a.count, 2);
	/* Without an address (during DHCP) anything is taken, e.g. a unicast OFFER. */
	netconf.ip = 0;
	deliver(f, fake_build_udp(f, other_mac, FAKE_SERVER, 67, IP(10, 0, 0, 9), 68, "o", 1));
	CHECK_EQ(rx_a.count, 3);
	CHECK_EQ(rx_a.dst_ip, IP(10, 0, 0, 9));
	CHECK_EQ(rx_a.src_ip, FAKE_SERVER);
	CHECK_EQ(rx_a.src_port, 67);
}

/* ---- IPv4 send ---------------------------------------------------------------------------- */

TEST(net_ipv4_send_on_subnet)
{
	setup();
	fake_net_auto_arp(true);
	CHECK_EQ(udp_send(IP(10, 0, 0, 9), 1234, 69, "rrq", 3), 0);
	CHECK_EQ(fake_net_sent_count(), 2);
	size_t len;
	uint32_t target;
	const uint8_t *fr = fake_net_sent(0, &len);
	CHECK(fake_is_arp_request(fr, len, &target));
	CHECK_EQ(target, IP(10, 0, 0, 9));
	struct fake_udp u;
	const uint8_t *f = fake_net_sent(1, &len);
	CHECK(fake_parse_udp(f, len, &u));
	CHECK(memcmp(u.dst_mac, fake_peer_mac, 6) == 0);
	CHECK(memcmp(u.src_mac, fake_our_mac, 6) == 0);
	CHECK_EQ(u.src_ip, FAKE_OUR_IP);
	CHECK_EQ(u.dst_ip, IP(10, 0, 0, 9));
	CHECK_EQ(u.sport, 1234);
	CHECK_EQ(u.dport, 69);
	CHECK_EQ(u.len, 3);
	CHECK(memcmp(u.data, "rrq", 3) == 0);
	CHECK(u.checksum_ok);
	/* Header fields: 0x45, TTL 64, no fragment bits, ids differ between datagrams. */
	CHECK_EQ(f[14], 0x45);
	CHECK_EQ(f[14 + 8], 64);
	CHECK_EQ(f[14 + 9], IP_PROTO_UDP);
	CHECK_EQ(get_be16(f + 14 + 6) & 0x3fff, 0);
	uint16_t id1 = get_be16(f + 14 + 4);
	CHECK_EQ(udp_send(IP(10, 0, 0, 9), 1234, 69, "x", 1), 0);
	CHECK_EQ(fake_net_sent_count(), 3);
	f = fake_net_sent(2, &len);
	CHECK(get_be16(f + 14 + 4) != id1);
}

TEST(net_ipv4_send_via_gateway)
{
	setup();
	fake_net_auto_arp(true);
	CHECK_EQ(udp_send(IP(192, 168, 1, 1), 1234, 69, "x", 1), 0);
	CHECK_EQ(fake_net_sent_count(), 2);
	size_t len;
	uint32_t target;
	const uint8_t *fr = fake_net_sent(0, &len);
	CHECK(fake_is_arp_request(fr, len, &target));
	CHECK_EQ(target, FAKE_GATEWAY);
	struct fake_udp u;
	CHECK(fake_net_last_udp(69, &u));
	CHECK_EQ(u.dst_ip, IP(192, 168, 1, 1));
	CHECK(memcmp(u.dst_mac, fake_peer_mac, 6) == 0);
	/* No gateway: off-subnet destinations are unreachable. */
	netconf.gateway = 0;
	fake_net_clear_sent();
	CHECK_EQ(udp_send(IP(192, 168, 1, 1), 1234, 69, "x", 1), -E_NONET);
	CHECK_EQ(fake_net_sent_count(), 0);
	/* 0.0.0.0 is not a destination once we have an address. */
	CHECK_EQ(ipv4_send(0, IP_PROTO_UDP, "x", 1), -E_INVAL);
}

TEST(net_ipv4_send_broadcast_and_unconfigured)
{
	setup();
	/* Limited and subnet broadcasts go to ff:ff:.. without ARP. */
	CHECK_EQ(udp_send(0xffffffffu, 68, 67, "d", 1), 0);
	CHECK_EQ(udp_send(IP(10, 0, 0, 255), 68, 67, "d", 1), 0);
	CHECK_EQ(fake_net_sent_count(), 2);
	struct fake_udp u;
	size_t len;
	const uint8_t *fr = fake_net_sent(0, &len);
	CHECK(fake_parse_udp(fr, len, &u));
	CHECK(memcmp(u.dst_mac, eth_broadcast, 6) == 0);
	CHECK_EQ(u.dst_ip, 0xffffffffu);
	fr = fake_net_sent(1, &len);
	CHECK(fake_parse_udp(fr, len, &u));
	CHECK(memcmp(u.dst_mac, eth_broadcast, 6) == 0);
	/* DHCP: from 0.0.0.0, everything is broadcast. */
	fake_net_clear_sent();
	netconf.ip = 0;
	CHECK_EQ(udp_send(0xffffffffu, 68, 67, "discover", 8), 0);
	CHECK_EQ(fake_net_sent_count(), 1);
	CHECK(fake_net_last_udp(67, &u));
	CHECK_EQ(u.src_ip, 0);
	CHECK_EQ(u.sport, 68);
	CHECK(u.checksum_ok);
	CHECK(memcmp(u.dst_mac, eth_broadcast, 6) == 0);
}

TEST(net_ipv4_send_sizes)
{
	setup();
	fake_net_auto_arp(true);
	static uint8_t data[ETH_MTU];
	CHECK_EQ(ipv4_send(FAKE_SERVER, IP_PROTO_UDP, data, 1481), -E_TOOBIG);
	CHECK_EQ(udp_send(FAKE_SERVER, 1, 2, data, UDP_PAYLOAD_MAX + 1), -E_TOOBIG);
	CHECK_EQ(fake_net_sent_count(), 0);
	for (size_t i = 0; i < UDP_PAYLOAD_MAX; i++)
		data[i] = (uint8_t)(i ^ 0x5a);
	CHECK_EQ(udp_send(FAKE_SERVER, 1, 2, data, UDP_PAYLOAD_MAX), 0);
	size_t len;
	fake_net_sent(fake_net_sent_count() - 1, &len);
	CHECK_EQ(len, ETH_FRAME_MAX);
	struct fake_udp u;
	CHECK(fake_net_last_udp(2, &u));
	CHECK_EQ(u.len, UDP_PAYLOAD_MAX);
	CHECK(memcmp(u.data, data, UDP_PAYLOAD_MAX) == 0);
	CHECK(u.checksum_ok);
	/* Empty datagram. */
	CHECK_EQ(udp_send(FAKE_SERVER, 1, 3, NULL, 0), 0);
	CHECK(fake_net_last_udp(3, &u));
	CHECK_EQ(u.len, 0);
	CHECK(u.checksum_ok);
	/* Transmit errors come back. */
	fake_net_set_tx_error(-E_IO);
	CHECK_EQ(udp_send(FAKE_SERVER, 1, 3, "x", 1), -E_IO);
}

/* ---- ICMP --------------------------------------------------------------------------------- */

static size_t build_echo(uint8_t *out, uint8_t type, uint32_t src, uint32_t dst, uint16_t id,
			 uint16_t seq, const void *data, size_t len)
{
	uint8_t icmp[256];
	icmp[0] = type;
	icmp[1] = 0;
	put_be16(icmp + 2, 0);
	put_be16(icmp + 4, id);
	put_be16(icmp + 6, seq);
	memcpy(icmp + 8, data, len);
	put_be16(icmp + 2, fake_checksum(icmp, 8 + len, 0));
	return fake_build_ipv4(out, other_mac, src, dst, IP_PROTO_ICMP, icmp, 8 + len);
}

TEST(net_icmp_echo_reply)
{
	setup();
	uint8_t f[ETH_RXBUF_SIZE];
	/* The pinger ARPed for us first, so it is cached and the reply needs no ARP. */
	deliver(f, fake_build_arp_request(f, other_mac, IP(10, 0, 0, 9), FAKE_OUR_IP));
	fake_net_clear_sent();
	deliver(f, build_echo(f, 8, IP(10, 0, 0, 9), FAKE_OUR_IP, 0x1234, 7, "hello ping!", 11));
	CHECK_EQ(fake_net_sent_count(), 1);
	size_t len;
	const uint8_t *r = fake_net_sent(0, &len);
	CHECK_EQ(len, 14 + 20 + 8 + 11);
	CHECK(memcmp(r, other_mac, 6) == 0);
	const uint8_t *ip = r + 14;
	CHECK_EQ(ip[9], IP_PROTO_ICMP);
	CHECK_EQ(fake_checksum(ip, 20, 0), 0);
	CHECK_EQ(get_be32(ip + 12), FAKE_OUR_IP);
	CHECK_EQ(get_be32(ip + 16), IP(10, 0, 0, 9));
	const uint8_t *icmp = ip + 20;
	CHECK_EQ(icmp[0], 0);
	CHECK_EQ(icmp[1], 0);
	CHECK_EQ(get_be16(icmp + 4), 0x1234);
	CHECK_EQ(get_be16(icmp + 6), 7);
	CHECK(memcmp(icmp + 8, "hello ping!", 11) == 0);
	CHECK_EQ(fake_checksum(icmp, 8 + 11, 0), 0);

	/* Bad checksum, truncated, to the broadcast address, other types: no answer. */
	fake_net_clear_sent();
	size_t n = build_echo(f, 8, IP(10, 0, 0, 9), FAKE_OUR_IP, 0x1234, 8, "x", 1);
	f[14 + 20 + 2] ^= 1;
	deliver(f, n);
	uint8_t icmp7[7] = { 8, 0, 0, 0, 0, 0, 0 };
	put_be16(icmp7 + 2, fake_checksum(icmp7, 7, 0));
	deliver(f, fake_build_ipv4(f, other_mac, IP(10, 0, 0, 9), FAKE_OUR_IP, IP_PROTO_ICMP, icmp7, 7));
	deliver(f, build_echo(f, 8, IP(10, 0, 0, 9), 0xffffffffu, 1, 1, "x", 1));
	deliver(f, build_echo(f, 13, IP(10, 0, 0, 9), FAKE_OUR_IP, 1, 1, "x", 1));
	deliver(f, build_echo(f, 0, IP(10, 0, 0, 9), FAKE_OUR_IP, 0x05e1, 0, "x", 1));
	CHECK_EQ(fake_net_sent_count(), 0);
}

static int ping_reply_seq_delta;
static uint64_t ping_delay_ms;

/* Answer echo requests like a host would (optionally with a wrong sequence number). */
static void ping_responder(const uint8_t *frame, size_t len)
{
	if (len < 14 + 20 + 8 || get_be16(frame + 12) != ETH_TYPE_IPV4 || frame[14 + 9] != IP_PROTO_ICMP)
		return;
	const uint8_t *icmp = frame + 34;
	size_t ilen = len - 34;
	if (icmp[0] != 8 || ilen > 256)
		return;
	uint8_t f[ETH_RXBUF_SIZE];
	fake_time_advance(ping_delay_ms);
	fake_net_inject(f, build_echo(f, 0, get_be32(frame + 14 + 16), FAKE_OUR_IP, get_be16(icmp + 4),
				     (uint16_t)(get_be16(icmp + 6) + ping_reply_seq_delta), icmp + 8, ilen - 8));
}

TEST(net_icmp_ping)
{
	setup();
	fake_net_auto_arp(true);
	fake_net_set_responder(ping_responder);
	ping_reply_seq_delta = 0;
	ping_delay_ms = 5;
	uint32_t rtt = 0;
	CHECK_EQ(icmp_ping(FAKE_SERVER, 1, 1000, &rtt), 0);
	CHECK(rtt >= 5000 && rtt < 20000);
	struct fake_udp u;
	CHECK(!fake_net_last_udp(0, &u));
	/* The request carries the fixed id and our sequence number. */
	size_t len;
	const uint8_t *req = fake_net_sent(fake_net_sent_count() - 1, &len);
	CHECK_EQ(req[34], 8);
	CHECK_EQ(get_be16(req + 34 + 4), 0x05e1);
	CHECK_EQ(get_be16(req + 34 + 6), 1);
	CHECK_EQ(fake_checksum(req + 34, len - 34, 0), 0);

	/* A reply with another sequence number does not count. */
	ping_reply_seq_delta = 1;
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(icmp_ping(FAKE_SERVER, 2, 500, &rtt), -E_TIMEOUT);
	CHECK(fake_time_now_ms() - t0 >= 500);
	/* Nobody answers. */
	fake_net_set_responder(NULL);
	CHECK_EQ(icmp_ping(FAKE_SERVER, 3, 200, &rtt), -E_TIMEOUT);
	/* The user gives up. */
	fake_net_abort(true);
	CHECK_EQ(icmp_ping(FAKE_SERVER, 4, 200, &rtt), -E_CANCELED);
}

/* ---- UDP ---------------------------------------------------------------------------------- */

TEST(net_udp_demux)
{
	setup();
	CHECK_EQ(udp_bind(7000, record_rx, &rx_a), 0);
	CHECK_EQ(udp_bind(7001, record_rx, &rx_b), 0);
	uint8_t f[ETH_RXBUF_SIZE];
	deliver(f, fake_build_udp(f, other_mac, IP(10, 0, 0, 9), 4444, FAKE_OUR_IP, 7001, "to-b", 4));
	CHECK_EQ(rx_a.count, 0);
	CHECK_EQ(rx_b.count, 1);
	CHECK_EQ(rx_b.src_ip, IP(10, 0, 0, 9));
	CHECK_EQ(rx_b.src_port, 4444);
	CHECK_EQ(rx_b.dst_ip, FAKE_OUR_IP);
	CHECK_EQ(rx_b.len, 4);
	CHECK(memcmp(rx_b.data, "to-b", 4) == 0);
	deliver(f, fake_build_udp(f, other_mac, IP(10, 0, 0, 9), 4444, FAKE_OUR_IP, 7000, "to-a", 4));
	CHECK_EQ(rx_a.count, 1);
	CHECK_EQ(rx_b.count, 1);
	/* Unbound port: dropped silently. */
	deliver(f, fake_build_udp(f, other_mac, IP(10, 0, 0, 9), 4444, FAKE_OUR_IP, 7002, "x", 1));
	udp_unbind(7000);
	deliver(f, fake_build_udp(f, other_mac, IP(10, 0, 0, 9), 4444, FAKE_OUR_IP, 7000, "x", 1));
	CHECK_EQ(rx_a.count, 1);
	CHECK_EQ(rx_b.count, 1);
	CHECK_EQ(fake_net_sent_count(), 0);
	/* Zero-length payload is delivered. */
	deliver(f, fake_build_udp(f, other_mac, IP(10, 0, 0, 9), 4444, FAKE_OUR_IP, 7001, NULL, 0));
	CHECK_EQ(rx_b.count, 2);
	CHECK_EQ(rx_b.len, 0);
}

TEST(net_udp_bind_rules)
{
	setup();
	CHECK_EQ(udp_bind(0, record_rx, &rx_a), -E_INVAL);
	CHECK_EQ(udp_bind(5, NULL, &rx_a), -E_INVAL);
	for (uint16_t p = 1; p <= 8; p++)
		CHECK_EQ(udp_bind(p, record_rx, &rx_a), 0);
	CHECK_EQ(udp_bind(3, record_rx, &rx_a), -E_INVAL);
	CHECK(udp_bind(9, record_rx, &rx_a) < 0);
	udp_unbind(4);
	CHECK_EQ(udp_bind(9, record_rx, &rx_a), 0);
	CHECK_EQ(udp_bind(4, record_rx, &rx_a), -E_NOMEM);
	udp_unbind(4);   /* not bound: harmless */
	fake_net_reset();
	CHECK_EQ(udp_bind(1, record_rx, &rx_a), 0);
}

TEST(net_udp_checksum_and_lengths)
{
	setup();
	CHECK_EQ(udp_bind(7000, record_rx, &rx_a), 0);
	uint8_t good[ETH_RXBUF_SIZE], f[ETH_RXBUF_SIZE];
	size_t n = fake_build_udp(good, other_mac, IP(10, 0, 0, 9), 4444, FAKE_OUR_IP, 7000, "data!", 5);
	uint8_t *udp = f + 34;

	/* Corrupt payload: checksum mismatch, dropped. */
	memcpy(f, good, n);
	f[n - 1] ^= 0x10;
	deliver(f, n);
	CHECK_EQ(rx_a.count, 0);
	/* Same corruption with the checksum switched off (0): accepted. */
	put_be16(udp + 6, 0);
	deliver(f, n);
	CHECK_EQ(rx_a.count, 1);
	/* Truncated UDP header: an IP payload of 7 bytes. */
	memcpy(f, good, n);
	put_be16(f + 14 + 2, 20 + 7);
	fix_ip_checksum(f);
	deliver(f, 34 + 7);
	/* UDP length larger than the IP payload. */
	memcpy(f, good, n);
	put_be16(udp + 4, 8 + 6);
	put_be16(udp + 6, 0);
	deliver(f, n);
	/* UDP length below the header size. */
	put_be16(udp + 4, 7);
	deliver(f, n);
	CHECK_EQ(rx_a.count, 1);
	/* UDP length shorter than the IP payload: the rest is ignored (checksum over ulen). */
	memcpy(f, good, n);
	put_be16(udp + 4, 8 + 3);
	put_be16(udp + 6, 0);
	put_be16(udp + 6, fake_checksum(udp, 11, (IP(10, 0, 0, 9) >> 16) + (IP(10, 0, 0, 9) & 0xffff) +
					(FAKE_OUR_IP >> 16) + (FAKE_OUR_IP & 0xffff) + 17 + 11));
	deliver(f, n);
	CHECK_EQ(rx_a.count, 2);
	CHECK_EQ(rx_a.len, 3);
	CHECK(memcmp(rx_a.data, "dat", 3) == 0);
	/* A good datagram with the wrong pseudo header (other source): dropped. */
	memcpy(f, good, n);
	put_be32(f + 14 + 12, IP(10, 0, 0, 8));
	fix_ip_checksum(f);
	deliver(f, n);
	CHECK_EQ(rx_a.count, 2);
}

TEST(net_udp_send_checksum_ffff)
{
	setup();
	fake_net_auto_arp(true);
	/* Choose the payload word so that the computed checksum is 0: it must go out as 0xffff. */
	uint8_t dg[10] = { 0x12, 0x34, 0x00, 0x45, 0x00, 10, 0, 0, 0, 0 };
	uint32_t pseudo = (FAKE_OUR_IP >> 16) + (FAKE_OUR_IP & 0xffff) + (FAKE_SERVER >> 16) +
			  (FAKE_SERVER & 0xffff) + 17 + 10;
	uint16_t c = fake_checksum(dg, 10, pseudo);
	uint8_t payload[2] = { (uint8_t)(c >> 8), (uint8_t)c };
	CHECK_EQ(udp_send(FAKE_SERVER, 0x1234, 0x45, payload, 2), 0);
	size_t len;
	const uint8_t *f = fake_net_sent(fake_net_sent_count() - 1, &len);
	CHECK_EQ(len, 44);
	CHECK_EQ(get_be16(f + 34 + 6), 0xffff);
	struct fake_udp u;
	CHECK(fake_parse_udp(f, len, &u));
	CHECK(u.checksum_ok);
	/* The stack accepts its own 0xffff form on receive too. */
	CHECK_EQ(udp_bind(0x45, record_rx, &rx_a), 0);
	uint8_t in[ETH_RXBUF_SIZE];
	pseudo = (FAKE_SERVER >> 16) + (FAKE_SERVER & 0xffff) + (FAKE_OUR_IP >> 16) +
		 (FAKE_OUR_IP & 0xffff) + 17 + 10;
	c = fake_checksum(dg, 10, pseudo);
	payload[0] = (uint8_t)(c >> 8);
	payload[1] = (uint8_t)c;
	size_t n = fake_build_udp(in, other_mac, FAKE_SERVER, 0x1234, FAKE_OUR_IP, 0x45, payload, 2);
	CHECK_EQ(get_be16(in + 34 + 6), 0xffff);
	deliver(in, n);
	CHECK_EQ(rx_a.count, 1);
}

TEST(net_udp_ephemeral_port)
{
	setup();
	uint16_t a = udp_ephemeral_port();
	uint16_t b = udp_ephemeral_port();
	CHECK(a >= 49152);
	CHECK(b >= 49152);
	CHECK(a != b);
	/* Rotates through the range and wraps to its start; bound ports are skipped. */
	uint16_t prev = b;
	bool wrapped = false;
	for (int i = 0; i < 20000; i++) {
		uint16_t p = udp_ephemeral_port();
		CHECK(p >= 49152);
		if (p < prev)
			wrapped = true;
		prev = p;
	}
	CHECK(wrapped);
	uint16_t next = prev == 0xffff ? 49152 : (uint16_t)(prev + 1);
	CHECK_EQ(udp_bind(next, record_rx, &rx_a), 0);
	uint16_t p = udp_ephemeral_port();
	CHECK(p != next);
	CHECK(p >= 49152);
}

/* ---- poll loop ---------------------------------------------------------------------------- */

static bool flag_done(void *ctx)
{
	return *(bool *)ctx;
}

TEST(net_wait_and_poll)
{
	setup();
	bool done = true;
	/* Done is checked before the deadline. */
	CHECK_EQ(net_wait(flag_done, &done, 0), 0);
	done = false;
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(net_wait(flag_done, &done, t0 + 100), -E_TIMEOUT);
	CHECK(fake_time_now_ms() >= t0 + 100);
	fake_net_abort(true);
	CHECK_EQ(net_wait(flag_done, &done, timer_ms() + 1000), -E_CANCELED);
	fake_net_abort(false);
	/* net_poll handles everything waiting and reports how many. */
	CHECK_EQ(udp_bind(7000, record_rx, &rx_a), 0);
	uint8_t f[ETH_RXBUF_SIZE];
	size_t n = fake_build_udp(f, other_mac, FAKE_SERVER, 1, FAKE_OUR_IP, 7000, "q", 1);
	for (int i = 0; i < 10; i++)
		fake_net_inject(f, n);
	CHECK_EQ(net_poll(), 10);
	CHECK_EQ(rx_a.count, 10);
	CHECK_EQ(net_poll(), 0);
}

/* A handler that answers from inside the receive path, to a host not yet in the ARP cache:
 * the nested ARP wait must not clobber the frame the handler is still reading. */
static void echo_back(void *ctx, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
		      const uint8_t *data, size_t len)
{
	uint8_t before[64];
	size_t n = len < sizeof(before) ? len : sizeof(before);
	memcpy(before, data, n);
	int *rc = ctx;
	*rc = udp_send(IP(10, 0, 0, 33), 7000, 9, data, len);
	CHECK(memcmp(before, data, n) == 0);
}

TEST(net_send_from_handler)
{
	setup();
	fake_net_auto_arp(true);
	int rc = 1;
	CHECK_EQ(udp_bind(7000, echo_back, &rc), 0);
	uint8_t f[ETH_RXBUF_SIZE];
	deliver(f, fake_build_udp(f, other_mac, FAKE_SERVER, 1, FAKE_OUR_IP, 7000, "nested", 6));
	CHECK_EQ(rc, 0);
	struct fake_udp u;
	CHECK(fake_net_last_udp(9, &u));
	CHECK_EQ(u.dst_ip, IP(10, 0, 0, 33));
	CHECK_EQ(u.len, 6);
	CHECK(memcmp(u.data, "nested", 6) == 0);
}

/* One lost ARP reply costs 100 ms, not a second. */
static int arp_asked;
static void arp_second_answered(const uint8_t *frame, size_t len)
{
	uint32_t target;
	uint8_t r[64];

	if (fake_is_arp_request(frame, len, &target) && ++arp_asked == 2)
		fake_net_inject(r, fake_build_arp_reply(r, fake_peer_mac, target));
}

TEST(net_arp_quick_retry)
{
	setup();
	uint8_t mac[6];
	arp_asked = 0;
	fake_net_set_responder(arp_second_answered);
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(arp_resolve(IP(10, 0, 0, 51), mac), 0);
	uint64_t elapsed = fake_time_now_ms() - t0;
	CHECK(elapsed >= 100 && elapsed < 200);
	CHECK_EQ(arp_asked, 2);
	CHECK_EQ(memcmp(mac, fake_peer_mac, 6), 0);
}
