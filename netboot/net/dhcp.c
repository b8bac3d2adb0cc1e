/* dhcp.c: DHCP (RFC 2131/2132, PXE-flavoured DISCOVER) and plain BOOTP (RFC 951) client that fills netconf. */
#include "net/bootp.h"
#include "net/dhcp_identity.h"
#include "services/console.h"
#include "lib/errors.h"
#include "net/net.h"
#include "net/netstack.h"
#include "services/timer.h"

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define PXE_BOOT_SERVER_PORT 4011         /* PXE 2.1: boot server requests go here */
#define BOOT_SERVER_TRIES 3               /* each waits BOOT_SERVER_WAIT_S seconds */
#define BOOT_SERVER_WAIT_S 2
#define BOOTREQUEST 1
#define BOOTREPLY 2

/* Offsets in the fixed BOOTP header (RFC 951). */
#define BP_OP 0
#define BP_HTYPE 1
#define BP_HLEN 2
#define BP_XID 4
#define BP_SECS 8
#define BP_FLAGS 10
#define BP_CIADDR 12
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
#define OPT_VENDOR_SPECIFIC 43
#define PXE_SUB_BOOT_ITEM 71
#define OPT_CLIENT_ARCH 93
#define OPT_CLIENT_NDI 94
#define OPT_USER_CLASS 77
#define OPT_CLIENT_UUID 97
#define OPT_END 255

uint8_t dhcp_last_reply[UDP_PAYLOAD_MAX];
size_t dhcp_last_reply_len;
uint8_t dhcp_client_uuid[16];
bool dhcp_client_uuid_known;

/* ST_BOOTSERVER: after the ACK, asking the PXE boot server a ProxyDHCP offer named (port 4011). */
enum dhcp_state { ST_SELECTING, ST_REQUESTING, ST_BOOTP, ST_BOOTSERVER };

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
	size_t proxy_len;                   /* the first ProxyDHCP offer, 0: none yet */
	uint8_t proxy[UDP_PAYLOAD_MAX];
	uint16_t bs_type;                   /* the boot server asked in ST_BOOTSERVER */
	uint32_t bs_server;
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

/* A reply to this exchange: its xid and our MAC. */
static bool ours(const uint8_t *pkt, size_t len)
{
	return len >= BOOTP_MIN_LEN && pkt[BP_OP] == BOOTREPLY && get_be32(pkt + BP_XID) == d.xid &&
	       !memcmp(pkt + BP_CHADDR, netconf.mac, 6);
}

/* Is this (untrusted) packet a reply to us that the current state is waiting for? */
static bool wanted(const uint8_t *pkt, size_t len)
{
	struct netconf scratch;
	int type;

	if (!ours(pkt, len))
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
	case ST_BOOTSERVER:
		return type == DHCPACK;
	}
	return false;
}

static void dhcp_rx(void *ctx, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
		    const uint8_t *data, size_t len)
{
	bool choosing = d.state == ST_SELECTING || d.state == ST_REQUESTING;

	if (len > sizeof(d.rx))
		return;
	if (src_port != (d.state == ST_BOOTSERVER ? PXE_BOOT_SERVER_PORT : DHCP_SERVER_PORT))
		return;
	/* ProxyDHCP offers come beside the DHCP server's (often in the same poll, after it): keep
	 * the first for after the ACK. */
	if (choosing && ours(data, len) && dhcp_is_proxy_reply(data, len)) {
		if (!d.proxy_len) {
			memcpy(d.proxy, data, len);
			d.proxy_len = len;
		}
		return;
	}
	if (d.have_reply)
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

/* The PXE ROM's DHCPDISCOVER was sent from this NIC: its identity is ours to keep. */
static bool rom_id_here(void)
{
	return dhcp_rom_identity_known && !memcmp(dhcp_rom_identity.mac, netconf.mac, 6);
}

/* Option 61: the ROM's client identifier on its NIC (a server that keys leases by it sees the
 * same client), else hardware type Ethernet + MAC. */
static size_t put_client_id(uint8_t *p)
{
	uint8_t v[7] = { 1 };

	if (rom_id_here() && dhcp_rom_identity.client_id_len)
		return put_opt(p, OPT_CLIENT_ID, dhcp_rom_identity.client_id_len,
			       dhcp_rom_identity.client_id);
	memcpy(v + 1, netconf.mac, 6);
	return put_opt(p, OPT_CLIENT_ID, 7, v);
}

/* Build and broadcast the current state's request; secs is the time since we started. */
static int send_request(unsigned secs)
{
	/* 43 and 128-135 are the PXE vendor options (PXE 2.1, the options a PXE ROM requests). */
	static const uint8_t params[] = { 1, 3, 6, 12, 15, 17, 43, 54, 60, 66, 67, 97, 128, 129,
					  130, 131, 132, 133, 134, 135, 150, 209, 210 };
	static const char vendor[] = "PXEClient:Arch:00000:UNDI:002001";
	/* A plain string, not RFC 3004's length-prefixed list: what iPXE sends ("iPXE") and what
	 * ISC dhcpd's `option user-class = "osprey"` and dnsmasq's dhcp-userclass compare. */
	static const char user_class[] = "osprey";
	uint8_t *p = d.tx, v[17];
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
	if (d.state == ST_BOOTSERVER)
		put_be32(p + BP_CIADDR, netconf.ip);  /* we have an address: unicast answers */
	else
		p[BP_FLAGS] = 0x80;           /* broadcast: we cannot take unicast without an IP */
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
		o += put_client_id(p + o);
		v[0] = 0;                             /* architecture: x86 BIOS */
		v[1] = 0;
		o += put_opt(p + o, OPT_CLIENT_ARCH, 2, v);
		v[0] = 1;                             /* network interface: UNDI 2.1 */
		v[1] = 2;
		v[2] = 1;
		o += put_opt(p + o, OPT_CLIENT_NDI, 3, v);
		if (dhcp_client_uuid_known || (rom_id_here() && dhcp_rom_identity.have_uuid)) {
			v[0] = 0;                     /* UUID type 0 (RFC 4578), then 16 bytes */
			memcpy(v + 1, dhcp_client_uuid_known ? dhcp_client_uuid : dhcp_rom_identity.uuid, 16);
			o += put_opt(p + o, OPT_CLIENT_UUID, 17, v);
		}
		o += put_opt(p + o, OPT_USER_CLASS, sizeof(user_class) - 1, user_class);
		if (d.state == ST_BOOTSERVER) {
			/* PXE_BOOT_ITEM: the server type and layer 0 (PXE 2.1, boot server discovery). */
			uint8_t item[6] = { PXE_SUB_BOOT_ITEM, 4, (uint8_t)(d.bs_type >> 8),
					    (uint8_t)d.bs_type, 0, 0 };
			o += put_opt(p + o, OPT_VENDOR_SPECIFIC, sizeof(item), item);
		}
	}
	p[o++] = OPT_END;
	if (d.state == ST_BOOTSERVER)
		return udp_send(d.bs_server, DHCP_CLIENT_PORT, PXE_BOOT_SERVER_PORT, d.tx,
				MAX(o, (size_t)BOOTP_SEND_LEN));
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

/* After the ACK, with a ProxyDHCP offer kept: the boot server and file come from the proxy
 * (PXE 2.1) - from its offer when it names a file, else from the boot server it names, asked
 * with a DHCPREQUEST on port 4011. Without an answer the DHCP server's file stays. */
static void use_proxy(void)
{
	char ip[16];
	int rc;

	if (dhcp_take_boot_reply(d.proxy, d.proxy_len, &netconf) == 0)
		return;
	if (dhcp_pxe_boot_item(d.proxy, d.proxy_len, &d.bs_type, &d.bs_server) < 0)
		return;
	d.state = ST_BOOTSERVER;
	d.have_reply = false;
	for (int i = 0; i < BOOT_SERVER_TRIES; i++) {
		if (send_request(0) < 0)
			break;
		rc = 0;
		while (!d.have_reply && rc == 0)
			rc = net_wait(got_reply, NULL, timer_ms() + BOOT_SERVER_WAIT_S * 1000);
		if (d.have_reply && dhcp_take_boot_reply(d.rx, d.rx_len, &netconf) == 0)
			return;
		d.have_reply = false;
		if (rc == -E_CANCELED)
			break;
	}
	printf("DHCP: no answer from the PXE boot server %s; using the DHCP server's boot file\n",
	       format_ipv4(d.bs_server, ip));
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
	d.proxy_len = 0;
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
		if (d.proxy_len)
			use_proxy();
		udp_unbind(DHCP_CLIENT_PORT);
		return 0;
	}

err_unbind:
	udp_unbind(DHCP_CLIENT_PORT);
err_restore:
	netconf = saved;
	return rc;
}
