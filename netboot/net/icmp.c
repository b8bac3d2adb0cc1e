/* icmp.c: ICMP echo (RFC 792): answers pings to our address and sends our own. */
#include "lib/errors.h"
#include "net/net.h"
#include "net/netstack.h"
#include "services/timer.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define ICMP_HLEN 8
#define ICMP_PING_ID 0x05e1
#define ICMP_PING_DATA 56

/* The one echo request we are waiting for. */
static struct {
	bool waiting, answered;
	uint32_t dst;
	uint16_t seq;
	uint64_t rx_us;
} ping;

void icmp_receive(uint32_t src, const uint8_t *pkt, size_t len)
{
	if (len < ICMP_HLEN || len > ETH_MTU - IPV4_HLEN || ip_checksum(pkt, len, 0) != 0)
		return;
	if (pkt[0] == ICMP_ECHO_REQUEST && pkt[1] == 0) {
		/* The same id, sequence and data back, with the type and checksum changed. */
		uint8_t reply[ETH_MTU - IPV4_HLEN];
		memcpy(reply, pkt, len);
		reply[0] = ICMP_ECHO_REPLY;
		put_be16(reply + 2, 0);
		put_be16(reply + 2, ip_checksum(reply, len, 0));
		ipv4_send(src, IP_PROTO_ICMP, reply, len);
	} else if (pkt[0] == ICMP_ECHO_REPLY && pkt[1] == 0) {
		if (ping.waiting && !ping.answered && src == ping.dst &&
		    get_be16(pkt + 4) == ICMP_PING_ID && get_be16(pkt + 6) == ping.seq) {
			ping.answered = true;
			ping.rx_us = timer_us();
		}
	}
}

static bool ping_answered(void *ctx)
{
	return ping.answered;
}

int icmp_ping(uint32_t dst, uint16_t seq, unsigned timeout_ms, uint32_t *rtt_us)
{
	uint8_t req[ICMP_HLEN + ICMP_PING_DATA];

	req[0] = ICMP_ECHO_REQUEST;
	req[1] = 0;
	put_be16(req + 2, 0);
	put_be16(req + 4, ICMP_PING_ID);
	put_be16(req + 6, seq);
	for (int i = 0; i < ICMP_PING_DATA; i++)
		req[ICMP_HLEN + i] = (uint8_t)i;
	put_be16(req + 2, ip_checksum(req, sizeof(req), 0));

	ping.waiting = true;
	ping.answered = false;
	ping.dst = dst;
	ping.seq = seq;
	uint64_t deadline = timer_ms() + timeout_ms;
	uint64_t t0 = timer_us();
	int rc = ipv4_send(dst, IP_PROTO_ICMP, req, sizeof(req));
	if (rc == 0)
		rc = net_wait(ping_answered, NULL, deadline);
	ping.waiting = false;
	if (rc < 0)
		return rc;
	if (rtt_us)
		*rtt_us = (uint32_t)(ping.rx_us - t0);
	return 0;
}
