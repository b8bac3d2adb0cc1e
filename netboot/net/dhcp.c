/* dhcp.c: DHCP (RFC 2131/2132, PXE-flavoured DISCOVER) and plain BOOTP (RFC 951) client that fills netconf. */
#include "net/bootp.h"
#include "services/console.h"
#include "lib/errors.h"
#include "net/net.h"
#include "net/netstack.h"
#include "services/timer.h"

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define BOOTREQUEST 1
#define BOOTREPLY 2

/* Offsets in the fixed BOOTP header (RFC 951). */
#define BP_OP 0
#define BP_HTYPE 1
#define BP_HLEN 2
#define BP_XID 4
#define BP_SECS 8
#define BP_FLAGS 10
#define BP_YIADDR 16
#define BP_CHADDR 28
#define BP_MAGIC 236
#define BP_OPTIONS 240
#define BOOTP_SEND_LEN 300       /* the classic minimum BOOTP message (64-byte vend area) */

#define DHCPDISCOVER 1
#define DHCPOFFER 2
#define DHCPREQUEST 3
#define DHCPACK 5
#define DHCPNAK 6

#define OPT_REQUESTED_IP 50
#define OPT_MSG_TYPE 53
#define OPT_SERVER_ID 54
#define OPT_PARAM_LIST 55
#define OPT_MAX_SIZE 57
#define OPT_VENDOR_CLASS 60
#define OPT_CLIENT_ID 61
#define OPT_CLIENT_ARCH 93
#define OPT_CLIENT_NDI 94
#define OPT_END 255

uint8_t dhcp_last_reply[UDP_PAYLOAD_MAX];
size_t dhcp_last_reply_len;

enum dhcp_state { ST_SELECTING, ST_REQUESTING, ST_BOOTP };

static struct {
	enum dhcp_state state;
	uint32_t xid;
	uint32_t offered_ip, server_id;     /* from the OFFER we answer */
	bool have_reply;                    /* rx holds a reply the state machine wants */
	unsigned offers, naks;              /* seen this time (for the timeout's message) */
	uint32_t rx_src;                    /* its source address */
	size_t rx_len;
	uint8_t rx[UDP_PAYLOAD_MAX];
	uint8_t tx[UDP_PAYLOAD_MAX];
} d;

/* The DHCP message type of a packet (option 53), 0 for a plain BOOTP reply, -1 when malformed. */
static int msg_type(const uint8_t *pkt, size_t len)
{
	const uint8_t *v;
	int n = dhcp_find_option(pkt, len, OPT_MSG_TYPE, &v);

	if (n == -E_NOENT)
		return 0;
	if (n != 1)
		return -1;
	return v[0];
}

/* The server identifier (option 54) of a packet, 0 when absent. */
static uint32_t server_id(const uint8_t *pkt, size_t len)
{
	const uint8_t *v;

	if (dhcp_find_option(pkt, len, OPT_SERVER_ID, &v) >= 4)
		return get_be32(v);
	return 0;
}

/* Is this (untrusted) packet a reply to us that the current state is waiting for? */
static bool wanted(const uint8_t *pkt, size_t len)
{
	struct netconf scratch;
	int type;

	if (len < BOOTP_MIN_LEN || pkt[BP_OP] != BOOTREPLY || get_be32(pkt + BP_XID) != d.xid)
		return false;
	if (memcmp(pkt + BP_CHADDR, netconf.mac, 6) != 0)
		return false;
	memset(&scratch, 0, sizeof(scratch));
	if (bootp_parse(pkt, len, &scratch) < 0)     /* validates the whole option list */
		return false;
	type = msg_type(pkt, len);
	switch (d.state) {
	case ST_BOOTP:
		/* A BOOTREPLY; a DHCP server may label it an ACK. */
		return (type == 0 || type == DHCPACK) && scratch.ip != 0;
	case ST_SELECTING:
		/* An offer without an address (a proxyDHCP answer) cannot be requested. */
		return type == DHCPOFFER && scratch.ip != 0;
	case ST_REQUESTING:
		if (type != DHCPACK && type != DHCPNAK)
			return false;
		if (type == DHCPACK && !scratch.ip)
			return false;
		/* Only the server we chose answers; others' replies (when they say who they are)
		 * are not for this exchange. */
		uint32_t sid = server_id(pkt, len);
		return !sid || sid == d.server_id;
	}
	return false;
}

static void dhcp_rx(void *ctx, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
		    const uint8_t *data, size_t len)
{
	if (d.have_reply || src_port != DHCP_SERVER_PORT || len > sizeof(d.rx))
		return;
	if (!wanted(data, len))
		return;
	memcpy(d.rx, data, len);
	d.rx_len = len;
	d.rx_src = src_ip;
	d.have_reply = true;
}

static bool got_reply(void *ctx)
{
	return d.have_reply;
}

static size_t put_opt(uint8_t *p, uint8_t code, uint8_t len, const void *val)
{
	p[0] = code;
	p[1] = len;
	memcpy(p + 2, val, len);
	return 2 + (size_t)len;
}

/* Build and broadcast the current state's request; secs is the time since we started. */
static int send_request(unsigned secs)
{
	static const uint8_t params[] = { 1, 3, 6, 12, 15, 17, 43, 54, 60, 66, 67, 150, 209, 210 };
	static const char vendor[] = "PXEClient:Arch:00000:UNDI:002001";
	uint8_t *p = d.tx, v[8];
	size_t o = BP_OPTIONS;

	memset(d.tx, 0, sizeof(d.tx));
	p[BP_OP] = BOOTREQUEST;
	p[BP_HTYPE] = 1;
	p[BP_HLEN] = 6;
	p[BP_XID] = (uint8_t)(d.xid >> 24);
	p[BP_XID + 1] = (uint8_t)(d.xid >> 16);
	p[BP_XID + 2] = (uint8_t)(d.xid >> 8);
	p[BP_XID + 3] = (uint8_t)d.xid;
	p[BP_SECS] = (uint8_t)(MIN(secs, 0xffffu) >> 8);
	p[BP_SECS + 1] = (uint8_t)MIN(secs, 0xffffu);
	p[BP_FLAGS] = 0x80;                   /* broadcast: we cannot take unicast without an IP */
	memcpy(p + BP_CHADDR, netconf.mac, 6);
	p[BP_MAGIC] = 0x63;
	p[BP_MAGIC + 1] = 0x82;
	p[BP_MAGIC + 2] = 0x53;
	p[BP_MAGIC + 3] = 0x63;

	if (d.state != ST_BOOTP) {
		v[0] = d.state == ST_SELECTING ? DHCPDISCOVER : DHCPREQUEST;
		o += put_opt(p + o, OPT_MSG_TYPE, 1, v);
		if (d.state == ST_REQUESTING) {
			uint8_t ip[4] = { (uint8_t)(d.offered_ip >> 24), (uint8_t)(d.offered_ip >> 16),
					  (uint8_t)(d.offered_ip >> 8), (uint8_t)d.offered_ip };
			uint8_t sid[4] = { (uint8_t)(d.server_id >> 24), (uint8_t)(d.server_id >> 16),
					   (uint8_t)(d.server_id >> 8), (uint8_t)d.server_id };
			o += put_opt(p + o, OPT_REQUESTED_IP, 4, ip);
			o += put_opt(p + o, OPT_SERVER_ID, 4, sid);
		}
		v[0] = UDP_PAYLOAD_MAX >> 8;
		v[1] = UDP_PAYLOAD_MAX & 0xff;
		o += put_opt(p + o, OPT_MAX_SIZE, 2, v);
		o += put_opt(p + o, OPT_PARAM_LIST, sizeof(params), params);
		o += put_opt(p + o, OPT_VENDOR_CLASS, sizeof(vendor) - 1, vendor);
		v[0] = 1;                             /* client id: hardware type Ethernet + MAC */
		memcpy(v + 1, netconf.mac, 6);
		o += put_opt(p + o, OPT_CLIENT_ID, 7, v);
		v[0] = 0;                             /* architecture: x86 BIOS */
		v[1] = 0;
		o += put_opt(p + o, OPT_CLIENT_ARCH, 2, v);
		v[0] = 1;                             /* network interface: UNDI 2.1 */
		v[1] = 2;
		v[2] = 1;
		o += put_opt(p + o, OPT_CLIENT_NDI, 3, v);
	}
	p[o++] = OPT_END;
	return udp_send(0xffffffffu, DHCP_CLIENT_PORT, DHCP_SERVER_PORT, d.tx, MAX(o, (size_t)BOOTP_SEND_LEN));
}

/* Take the ACK (or BOOTREPLY) in d.rx: the new netconf. */
static int accept_reply(bool bootp, const struct netconf *saved)
{
	struct netconf nc;
	int rc;

	memset(&nc, 0, sizeof(nc));
	strlcpy(nc.source, bootp ? "bootp" : "dhcp", sizeof(nc.source));
	rc = bootp_parse(d.rx, d.rx_len, &nc);
	if (rc < 0)
		return rc;
	memcpy(nc.mac, saved->mac, 6);
	netconf = nc;
	memcpy(dhcp_last_reply, d.rx, d.rx_len);
	dhcp_last_reply_len = d.rx_len;
	return 0;
}

/* Say in err_detail which wait ran out: no reply at all, or offers but no ACK. */
static int timed_out(bool bootp, unsigned s)
{
	if (bootp)
		snprintf(err_detail, sizeof(err_detail), "no BOOTP reply in %u s", s);
	else if (!d.offers)
		snprintf(err_detail, sizeof(err_detail), "no DHCP offer in %u s", s);
	else
		snprintf(err_detail, sizeof(err_detail),
			 "%u DHCP offers but no ACK in %u s (%u NAKs)", d.offers, s, d.naks);
	return -E_TIMEOUT;
}

int dhcp_configure(bool bootp, unsigned timeout_s)
{
	static const unsigned schedule_s[] = { 4, 8, 16, 32 };
	struct netconf saved = netconf;
	uint64_t start = timer_ms(), limit, deadline;
	unsigned step = 0;
	int rc;

	limit = start + (uint64_t)(timeout_s ? timeout_s : 60) * 1000;
	/* Any number will do as long as two clients booting together pick different ones. */
	d.xid = (uint32_t)timer_us() * 2654435761u;
	for (int i = 0; i < 6; i++)
		d.xid = (d.xid ^ netconf.mac[i]) * 16777619u;
	d.state = bootp ? ST_BOOTP : ST_SELECTING;
	d.have_reply = false;
	d.offers = d.naks = 0;

	netconf.ip = 0;                       /* send from 0.0.0.0, broadcast replies */
	netconf.configured = false;
	rc = udp_bind(DHCP_CLIENT_PORT, dhcp_rx, NULL);
	if (rc < 0)
		goto err_restore;

	for (;;) {
		uint64_t now = timer_ms();
		if (now >= limit) {
			rc = timed_out(bootp, (unsigned)((now - start + 500) / 1000));
			goto err_unbind;
		}
		rc = send_request((unsigned)((now - start) / 1000));
		if (rc < 0)
			goto err_unbind;
		deadline = MIN(now + (uint64_t)schedule_s[step] * 1000, limit);
		if (step + 1 < ARRAY_SIZE(schedule_s))
			step++;

		/* Wait for what this state wants (the receive handler filters), then act on it. */
		while (!d.have_reply) {
			rc = net_wait(got_reply, NULL, deadline);
			if (rc == -E_TIMEOUT)
				break;
			if (rc < 0)
				goto err_unbind;
		}
		if (!d.have_reply) {
			/* A lost REQUEST or ACK: start over, other offers may be waiting. */
			if (d.state == ST_REQUESTING)
				d.state = ST_SELECTING;
			continue;
		}
		d.have_reply = false;
		int type = msg_type(d.rx, d.rx_len);
		if (d.state == ST_SELECTING) {
			d.offers++;
			d.offered_ip = get_be32(d.rx + BP_YIADDR);
			d.server_id = server_id(d.rx, d.rx_len);
			if (!d.server_id)             /* RFC 2131 requires option 54; be lenient */
				d.server_id = d.rx_src;
			d.state = ST_REQUESTING;
			step = 0;
			continue;
		}
		if (type == DHCPNAK) {
			d.naks++;
			d.state = ST_SELECTING;
			step = 0;
			continue;
		}
		rc = accept_reply(bootp, &saved);
		if (rc < 0)
			goto err_unbind;
		udp_unbind(DHCP_CLIENT_PORT);
		return 0;
	}

err_unbind:
	udp_unbind(DHCP_CLIENT_PORT);
err_restore:
	netconf = saved;
	return rc;
}
