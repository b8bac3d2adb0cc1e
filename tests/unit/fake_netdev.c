/* fake_netdev.c: host test double for the NIC, clock and abort key beneath the IP stack (see fake_netdev.h). */
#include "fake_netdev.h"
#include "services/console.h"
#include "lib/errors.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "services/timer.h"

const uint8_t fake_our_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
const uint8_t fake_peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };

struct fake_frame {
	size_t len;
	uint64_t due_us;              /* netdev_rx() hands it out from then on (pacing) */
	uint8_t data[ETH_RXBUF_SIZE];
};

static struct fake_frame sent[FAKE_SENT_MAX];
static size_t sent_head, sent_count, sent_total;   /* ring: oldest at sent_head */
static struct fake_frame rxq[FAKE_RX_MAX];
static size_t rx_head, rx_count;
static void (*responder)(const uint8_t *frame, size_t len);
static void (*idle_fn)(void);
static bool auto_arp;
static bool abort_flag;
static int tx_error;
static uint64_t now_us = 1000000;   /* start at 1 s so deadlines are never 0 */
static uint64_t rx_pace_us, rx_last_due_us;

/* "A native driver is in use" for code that checks before using the stack. */
static struct netdev fake_nd;
struct netdev *net_dev = &fake_nd;

void fake_net_reset(void)
{
	sent_head = sent_count = sent_total = 0;
	rx_head = rx_count = 0;
	responder = NULL;
	idle_fn = NULL;
	auto_arp = false;
	abort_flag = false;
	tx_error = 0;
	rx_pace_us = rx_last_due_us = 0;
	memset(&netconf, 0, sizeof(netconf));
	netconf.configured = true;
	netconf.ip = FAKE_OUR_IP;
	netconf.mask = FAKE_MASK;
	netconf.gateway = FAKE_GATEWAY;
	netconf.server = FAKE_SERVER;
	memcpy(netconf.mac, fake_our_mac, 6);
	strlcpy(netconf.source, "static", sizeof(netconf.source));
	arp_flush();
	for (uint32_t port = 0; port <= 0xffff; port++)
		udp_unbind((uint16_t)port);
}

void fake_net_inject(const void *frame, size_t len)
{
	if (rx_count >= FAKE_RX_MAX || len > ETH_RXBUF_SIZE)
		return;
	struct fake_frame *f = &rxq[(rx_head + rx_count) % FAKE_RX_MAX];
	memcpy(f->data, frame, len);
	f->len = len;
	f->due_us = MAX(now_us, rx_last_due_us + rx_pace_us);
	rx_last_due_us = f->due_us;
	rx_count++;
}

void fake_net_rx_pace(uint64_t us)
{
	rx_pace_us = us;
	rx_last_due_us = 0;
}

size_t fake_net_rx_pending(void)
{
	return rx_count;
}

size_t fake_net_sent_count(void)
{
	return sent_count;
}

const uint8_t *fake_net_sent(size_t i, size_t *len)
{
	if (i >= sent_count)
		return NULL;
	struct fake_frame *f = &sent[(sent_head + i) % FAKE_SENT_MAX];
	if (len)
		*len = f->len;
	return f->data;
}

size_t fake_net_sent_total(void)
{
	return sent_total;
}

void fake_net_clear_sent(void)
{
	sent_head = sent_count = sent_total = 0;
}

void fake_net_set_responder(void (*fn)(const uint8_t *frame, size_t len))
{
	responder = fn;
}

void fake_net_auto_arp(bool on)
{
	auto_arp = on;
}

void fake_net_set_tx_error(int rc)
{
	tx_error = rc;
}

void fake_net_abort(bool on)
{
	abort_flag = on;
}

void fake_time_advance(uint64_t ms)
{
	now_us += ms * 1000;
}

uint64_t fake_time_now_ms(void)
{
	return now_us / 1000;
}

/* ---- what the stack links against ---------------------------------------------------- */

int netdev_transmit(const void *frame, size_t len)
{
	if (tx_error)
		return tx_error;
	if (len > ETH_RXBUF_SIZE)
		return -E_TOOBIG;
	struct fake_frame *f;
	if (sent_count < FAKE_SENT_MAX) {
		f = &sent[(sent_head + sent_count) % FAKE_SENT_MAX];
		sent_count++;
	} else {
		f = &sent[sent_head];   /* overwrite the oldest */
		sent_head = (sent_head + 1) % FAKE_SENT_MAX;
	}
	memcpy(f->data, frame, len);
	f->len = len;
	sent_total++;

	uint32_t target;
	if (auto_arp && fake_is_arp_request(frame, len, &target)) {
		uint8_t reply[64];
		fake_net_inject(reply, fake_build_arp_reply(reply, fake_peer_mac, target));
	}
	if (responder)
		responder(f->data, len);
	return 0;
}

void fake_net_set_idle(void (*fn)(void))
{
	idle_fn = fn;
}

static int fake_poll(void *buf)
{
	if (!rx_count && idle_fn)
		idle_fn();
	if (!rx_count || rxq[rx_head].due_us > now_us)
		return 0;
	struct fake_frame *f = &rxq[rx_head];
	memcpy(buf, f->data, f->len);
	rx_head = (rx_head + 1) % FAKE_RX_MAX;
	rx_count--;
	return (int)f->len;
}

int netdev_rx(void *buf, const uint8_t **frame)
{
	*frame = buf;
	return fake_poll(buf);
}

void netdev_rx_done(const uint8_t *frame)
{
	(void)frame;
}

void timer_init(void)
{
}

uint64_t timer_ms(void)
{
	now_us += 1000;
	return now_us / 1000;
}

uint64_t timer_us(void)
{
	now_us += 1;
	return now_us;
}

void mdelay(unsigned ms)
{
	now_us += (uint64_t)ms * 1000;
}

void udelay(unsigned us)
{
	now_us += us;
}

bool console_abort_requested(void)
{
	return abort_flag;
}

/* ---- builders ------------------------------------------------------------------------ */

uint16_t fake_checksum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;
	uint64_t s = sum;
	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

size_t fake_build_ipv4(uint8_t *out, const uint8_t src_mac[6], uint32_t src_ip, uint32_t dst_ip,
		       uint8_t proto, const void *payload, size_t len)
{
	static uint16_t id = 0x4000;
	if (len > ETH_RXBUF_SIZE - 34)
		len = ETH_RXBUF_SIZE - 34;
	memcpy(out, netconf.mac, 6);
	memcpy(out + 6, src_mac, 6);
	put16(out + 12, 0x0800);
	uint8_t *ip = out + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + len));
	put16(ip + 4, id++);
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, src_ip);
	put32(ip + 16, dst_ip);
	put16(ip + 10, fake_checksum(ip, 20, 0));
	if (len)
		memcpy(ip + 20, payload, len);
	return 34 + len;
}

size_t fake_build_udp(uint8_t *out, const uint8_t src_mac[6], uint32_t src_ip, uint16_t sport,
		      uint32_t dst_ip, uint16_t dport, const void *payload, size_t len)
{
	static uint8_t udp[ETH_RXBUF_SIZE];
	if (len > ETH_RXBUF_SIZE - 42)
		len = ETH_RXBUF_SIZE - 42;
	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(8 + len));
	put16(udp + 6, 0);
	if (len)
		memcpy(udp + 8, payload, len);
	uint32_t pseudo = (src_ip >> 16) + (src_ip & 0xffff) + (dst_ip >> 16) + (dst_ip & 0xffff) +
			  17 + (uint32_t)(8 + len);
	uint16_t ck = fake_checksum(udp, 8 + len, pseudo);
	put16(udp + 6, ck ? ck : 0xffff);
	return fake_build_ipv4(out, src_mac, src_ip, dst_ip, 17, udp, 8 + len);
}

static size_t build_arp(uint8_t *out, const uint8_t eth_dst[6], uint16_t op, const uint8_t sha[6],
			uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	memcpy(out, eth_dst, 6);
	memcpy(out + 6, sha, 6);
	put16(out + 12, 0x0806);
	uint8_t *a = out + 14;
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	put32(a + 14, spa);
	memcpy(a + 18, tha, 6);
	put32(a + 24, tpa);
	return 42;
}

size_t fake_build_arp_reply(uint8_t *out, const uint8_t mac[6], uint32_t ip)
{
	return build_arp(out, netconf.mac, 2, mac, ip, netconf.mac, netconf.ip);
}

size_t fake_build_arp_request(uint8_t *out, const uint8_t mac[6], uint32_t ip, uint32_t target_ip)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t zero[6];
	return build_arp(out, bcast, 1, mac, ip, zero, target_ip);
}

/* ---- parsers ------------------------------------------------------------------------- */

bool fake_parse_udp(const uint8_t *frame, size_t len, struct fake_udp *u)
{
	if (len < 14 + 20 || get16(frame + 12) != 0x0800)
		return false;
	const uint8_t *ip = frame + 14;
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	size_t tot = get16(ip + 2);
	if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl + 8 || tot > len - 14 || ip[9] != 17)
		return false;
	if (fake_checksum(ip, ihl, 0) != 0)
		return false;
	const uint8_t *udp = ip + ihl;
	size_t ulen = get16(udp + 4);
	if (ulen < 8 || ulen > tot - ihl)
		return false;
	memcpy(u->dst_mac, frame, 6);
	memcpy(u->src_mac, frame + 6, 6);
	u->src_ip = get32(ip + 12);
	u->dst_ip = get32(ip + 16);
	u->sport = get16(udp);
	u->dport = get16(udp + 2);
	u->data = udp + 8;
	u->len = ulen - 8;
	uint32_t pseudo = (u->src_ip >> 16) + (u->src_ip & 0xffff) + (u->dst_ip >> 16) +
			  (u->dst_ip & 0xffff) + 17 + (uint32_t)ulen;
	u->checksum_ok = get16(udp + 6) != 0 && fake_checksum(udp, ulen, pseudo) == 0;
	return true;
}

bool fake_net_last_udp(uint16_t dport, struct fake_udp *u)
{
	for (size_t i = sent_count; i-- > 0;) {
		size_t len;
		const uint8_t *f = fake_net_sent(i, &len);
		if (fake_parse_udp(f, len, u) && (!dport || u->dport == dport))
			return true;
	}
	return false;
}

bool fake_is_arp_request(const uint8_t *frame, size_t len, uint32_t *target_ip)
{
	if (len < 42 || get16(frame + 12) != 0x0806 || get16(frame + 14 + 6) != 1)
		return false;
	if (target_ip)
		*target_ip = get32(frame + 14 + 24);
	return true;
}
