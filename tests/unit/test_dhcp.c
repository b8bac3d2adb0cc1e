/* test_dhcp.c: the DHCP/BOOTP client against a scripted server on the fake NIC (DORA, NAK, BOOTP, timeouts, junk). */
#include <stdlib.h>
#include "test.h"
#include "net/dhcp_identity.h"
#include "net/bootp.h"
#include "lib/errors.h"
#include "fake_netdev.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"

#define OFFER_IP 0x0a000032u     /* 10.0.0.50 */
#define SECOND_SERVER 0x0a000009u /* 10.0.0.9: a second DHCP server */
#define SECOND_IP 0x0a00003cu    /* 10.0.0.60: what it offers */

static const uint8_t second_mac[6] = { 2, 0, 0, 0, 0, 9 };

/* What the scripted server does. */
static struct {
	bool bootp;            /* answer BOOTREQUESTs BOOTP style */
	int naks;              /* NAK this many REQUESTs first */
	bool silent;           /* answer nothing */
	bool junk_first;       /* before each real answer, inject junk (wrong xid/chaddr/op, short) */
	bool big_reply;        /* pad the ACK to ~1400 bytes, 209/210 near the end */
	bool zero_offer_first; /* before each OFFER, an OFFER with yiaddr 0 */
	bool only_zero_offer;  /* ... and no real one */
	bool second_server;    /* a second server (10.0.0.9) answers right after the first */
	bool other_mac;        /* every reply carries another machine's chaddr */
	int discovers, requests, bootreqs;
	uint8_t last_req[UDP_PAYLOAD_MAX];
	size_t last_req_len;
	uint16_t last_flags;
	uint32_t req_ip, req_sid;   /* options 50 and 54 of the last REQUEST */
} srv;

static uint8_t rep[1500];
static size_t rlen;

static void rstart(const uint8_t *req, uint32_t yiaddr)
{
	memset(rep, 0, sizeof(rep));
	rep[0] = 2;
	rep[1] = 1;
	rep[2] = 6;
	memcpy(rep + 4, req + 4, 4);              /* xid */
	memcpy(rep + 10, req + 10, 2);            /* flags */
	put_be32(rep + 16, yiaddr);
	put_be32(rep + 20, FAKE_SERVER);          /* siaddr */
	memcpy(rep + 28, req + 28, 16);           /* chaddr */
	strcpy((char *)rep + 108, "pxelinux.0");
	put_be32(rep + 236, DHCP_MAGIC);
	rlen = 240;
}

static void ropt(uint8_t code, size_t len, const void *val)
{
	rep[rlen++] = code;
	rep[rlen++] = (uint8_t)len;
	memcpy(rep + rlen, val, len);
	rlen += len;
}

static void rsend(const uint8_t *pkt, size_t len)
{
	uint8_t frame[ETH_RXBUF_SIZE];
	fake_net_inject(frame, fake_build_udp(frame, fake_peer_mac, FAKE_SERVER, 67, 0xffffffffu, 68,
					      pkt, len));
}

/* The common options of an OFFER/ACK. */
static void rdhcp(const uint8_t *req, uint8_t type)
{
	uint8_t v[4];

	rstart(req, OFFER_IP);
	ropt(53, 1, &type);
	put_be32(v, FAKE_SERVER);
	ropt(54, 4, v);
	ropt(1, 4, "\xff\xff\xff\x00");
	ropt(3, 4, "\x0a\x00\x00\x01");
	if (type == 5) {
		if (srv.big_reply) {
			static uint8_t filler[255];
			memset(filler, 'x', sizeof(filler));
			for (int i = 0; i < 4; i++)
				ropt(224, sizeof(filler), filler);
		}
		ropt(209, 11, "pxelinux.cf");
		ropt(210, 6, "/boot/");
	}
	rep[rlen++] = 255;
}

/* Injects junk that must be ignored before the real answer in rep. */
static void junk(void)
{
	uint8_t saved[sizeof(rep)];
	size_t n = rlen;

	memcpy(saved, rep, n);
	rep[7] ^= 0x55;                 /* wrong xid */
	put_be32(rep + 16, 0x0a000042);
	rsend(rep, n);
	memcpy(rep, saved, n);
	rep[33] ^= 1;                   /* wrong chaddr */
	put_be32(rep + 16, 0x0a000043);
	rsend(rep, n);
	memcpy(rep, saved, n);
	rep[0] = 1;                     /* a request, not a reply */
	rsend(rep, n);
	memcpy(rep, saved, n);
	rsend(rep, 200);                /* truncated header */
	rsend(rep, 241);                /* options cut in the middle */
	uint8_t tmp[ETH_RXBUF_SIZE];    /* right reply, wrong source port */
	fake_net_inject(tmp, fake_build_udp(tmp, fake_peer_mac, FAKE_SERVER, 99, 0xffffffffu, 68, rep, n));
	memcpy(rep, saved, n);
}

/* Send the reply in rep as another server would: its own address, its own identifier. */
static void second_server(void)
{
	uint8_t copy[sizeof(rep)], tmp[ETH_RXBUF_SIZE];

	memcpy(copy, rep, rlen);
	put_be32(copy + 16, SECOND_IP);
	for (size_t o = 240; o + 6 <= rlen && copy[o] != 255; o += 2u + copy[o + 1])
		if (copy[o] == 54)
			put_be32(copy + o + 2, SECOND_SERVER);
	fake_net_inject(tmp, fake_build_udp(tmp, second_mac, SECOND_SERVER, 67, 0xffffffffu, 68,
					    copy, rlen));
}

static void server(const uint8_t *frame, size_t len)
{
	struct fake_udp u;
	const uint8_t *v;

	if (!fake_parse_udp(frame, len, &u) || u.dport != 67 || u.len < 240)
		return;
	memcpy(srv.last_req, u.data, u.len);
	srv.last_req_len = u.len;
	srv.last_flags = get_be16(u.data + 10);
	int n = dhcp_find_option(u.data, u.len, 53, &v);
	int type = n == 1 ? v[0] : 0;
	if (type == 1)
		srv.discovers++;
	else if (type == 3)
		srv.requests++;
	else
		srv.bootreqs++;
	if (srv.silent)
		return;
	if (type == 0) {
		if (!srv.bootp)
			return;
		rstart(u.data, OFFER_IP);
		rep[rlen++] = 255;
		rlen = 300;
	} else if (type == 1) {
		rdhcp(u.data, 2);
	} else if (type == 3) {
		srv.req_ip = dhcp_find_option(u.data, u.len, 50, &v) == 4 ? get_be32(v) : 0;
		srv.req_sid = dhcp_find_option(u.data, u.len, 54, &v) == 4 ? get_be32(v) : 0;
		if (srv.naks > 0) {
			srv.naks--;
			rstart(u.data, 0);
			ropt(53, 1, "\x06");
			ropt(54, 4, "\x0a\x00\x00\x01");
			rep[rlen++] = 255;
		} else {
			rdhcp(u.data, 5);
		}
	} else {
		return;
	}
	if (srv.junk_first)
		junk();
	if (srv.other_mac)
		rep[28 + 5] ^= 0x10;
	if ((srv.zero_offer_first || srv.only_zero_offer) && type == 1) {
		uint8_t saved[sizeof(rep)];
		memcpy(saved, rep, rlen);
		put_be32(rep + 16, 0);
		rsend(rep, rlen);
		memcpy(rep, saved, rlen);
		if (srv.only_zero_offer)
			return;
	}
	if (srv.second_server && type == 3)
		second_server(); /* its ACK to our REQUEST for the first server comes first */
	rsend(rep, rlen);
	if (srv.second_server && type == 1)
		second_server(); /* its OFFER comes second */
}

static void setup(void)
{
	fake_net_reset();
	fake_net_auto_arp(true);
	memset(&srv, 0, sizeof(srv));
	fake_net_set_responder(server);
	dhcp_last_reply_len = 0;
}

TEST(dhcp_dora)
{
	const uint8_t *v;

	setup();
	CHECK_EQ(dhcp_configure(false, 0), 0);
	CHECK_EQ(srv.discovers, 1);
	CHECK_EQ(srv.requests, 1);
	CHECK_EQ(srv.req_ip, OFFER_IP);
	CHECK_EQ(srv.req_sid, FAKE_SERVER);
	CHECK_EQ(srv.last_flags, 0x8000);
	CHECK(netconf.configured);
	CHECK_EQ(netconf.ip, OFFER_IP);
	CHECK_EQ(netconf.mask, 0xffffff00u);
	CHECK_EQ(netconf.gateway, 0x0a000001u);
	CHECK_EQ(netconf.server, FAKE_SERVER);
	CHECK_STR(netconf.source, "dhcp");
	CHECK_STR(netconf.bootfile, "pxelinux.0");
	CHECK(memcmp(netconf.mac, fake_our_mac, 6) == 0);

	/* The request the client sent: from 0.0.0.0:68 to the broadcast address, our MAC in
	 * chaddr, the PXE options. */
	struct fake_udp u;
	CHECK(fake_net_last_udp(67, &u));
	CHECK_EQ(u.src_ip, 0);
	CHECK_EQ(u.dst_ip, 0xffffffffu);
	CHECK_EQ(u.sport, 68);
	CHECK(u.checksum_ok);
	CHECK(memcmp(u.dst_mac, "\xff\xff\xff\xff\xff\xff", 6) == 0);
	CHECK(memcmp(srv.last_req + 28, fake_our_mac, 6) == 0);
	CHECK(srv.last_req_len >= 300);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 60, &v), 32);
	CHECK(memcmp(v, "PXEClient:Arch:00000:UNDI:002001", 32) == 0);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 61, &v), 7);
	CHECK(v[0] == 1 && memcmp(v + 1, fake_our_mac, 6) == 0);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 93, &v), 2);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 57, &v), 2);
	CHECK_EQ(get_be16(v), 1472);
	int n = dhcp_find_option(srv.last_req, srv.last_req_len, 55, &v);
	CHECK(n >= 14 && memchr(v, 209, (size_t)n) && memchr(v, 210, (size_t)n) && memchr(v, 67, (size_t)n));
	static const uint8_t wanted_params[] = { 43, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134,
						 135, 150, 209, 210 };
	for (size_t i = 0; i < sizeof(wanted_params); i++)
		CHECK(memchr(v, wanted_params[i], (size_t)n) != NULL);
	/* Identity: user class "osprey" as plain bytes (what dhcpd/dnsmasq compare), UNDI 2.1, no
	 * UUID option when SMBIOS gave none. */
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 77, &v), 6);
	CHECK(memcmp(v, "osprey", 6) == 0);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 94, &v), 3);
	CHECK(v[0] == 1 && v[1] == 2 && v[2] == 1);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 93, &v), 2);
	CHECK(v[0] == 0 && v[1] == 0);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 97, &v), -E_NOENT);

	/* The raw ACK is kept, with the PXELINUX options. */
	CHECK(dhcp_last_reply_len > 240);
	CHECK_EQ(dhcp_find_option(dhcp_last_reply, dhcp_last_reply_len, 53, &v), 1);
	CHECK_EQ(v[0], 5);
	CHECK_EQ(dhcp_find_option(dhcp_last_reply, dhcp_last_reply_len, 209, &v), 11);
	CHECK(memcmp(v, "pxelinux.cf", 11) == 0);
	CHECK_EQ(dhcp_find_option(dhcp_last_reply, dhcp_last_reply_len, 210, &v), 6);
	CHECK(memcmp(v, "/boot/", 6) == 0);
}

TEST(dhcp_big_ack_kept_whole)
{
	const uint8_t *v;

	setup();
	srv.big_reply = true;
	CHECK_EQ(dhcp_configure(false, 0), 0);
	CHECK(dhcp_last_reply_len > 1024);
	CHECK_EQ(dhcp_find_option(dhcp_last_reply, dhcp_last_reply_len, 210, &v), 6);
}

TEST(dhcp_nak_restarts)
{
	setup();
	srv.naks = 2;
	CHECK_EQ(dhcp_configure(false, 0), 0);
	CHECK_EQ(srv.discovers, 3);
	CHECK_EQ(srv.requests, 3);
	CHECK_EQ(netconf.ip, OFFER_IP);
}

TEST(dhcp_junk_ignored)
{
	setup();
	srv.junk_first = true;
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(dhcp_configure(false, 0), 0);
	CHECK_EQ(netconf.ip, OFFER_IP);
	CHECK_EQ(srv.discovers, 1);     /* no timeout was needed: the right answers were taken */
	CHECK_EQ(srv.requests, 1);
	CHECK(fake_time_now_ms() - t0 < 4000);
}

TEST(dhcp_bootp_mode)
{
	const uint8_t *v;

	setup();
	srv.bootp = true;
	CHECK_EQ(dhcp_configure(true, 0), 0);
	CHECK_EQ(srv.bootreqs, 1);
	CHECK_EQ(srv.discovers, 0);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 53, &v), -E_NOENT);
	CHECK_EQ(srv.last_req[0], 1);
	CHECK_EQ(netconf.ip, OFFER_IP);
	CHECK_EQ(netconf.server, FAKE_SERVER);
	CHECK_STR(netconf.source, "bootp");
	CHECK_STR(netconf.bootfile, "pxelinux.0");
	CHECK_EQ(dhcp_last_reply_len, 300);
}

/* A DHCP-only server ignores BOOTREQUESTs: the BOOTP client times out. */
TEST(dhcp_bootp_mode_no_answer)
{
	setup();
	CHECK_EQ(dhcp_configure(true, 5), -E_TIMEOUT);
	CHECK_EQ(srv.bootreqs, 2);      /* at 0 and 4 s */
	CHECK_STR(err_detail, "no BOOTP reply in 5 s");
	err_detail[0] = 0;
}

TEST(dhcp_timeout_schedule)
{
	setup();
	srv.silent = true;
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(dhcp_configure(false, 0), -E_TIMEOUT);
	uint64_t spent = fake_time_now_ms() - t0;
	CHECK(spent >= 60000 && spent < 61000);
	CHECK_EQ(srv.discovers, 4);     /* at 0, 4, 12 and 28 s */
	CHECK_STR(err_detail, "no DHCP offer in 60 s");
	err_detail[0] = 0;
	/* The old configuration is back. */
	CHECK(netconf.configured);
	CHECK_EQ(netconf.ip, FAKE_OUR_IP);
	CHECK_STR(netconf.source, "static");

	/* A shorter limit cuts the schedule. */
	setup();
	srv.silent = true;
	t0 = fake_time_now_ms();
	CHECK_EQ(dhcp_configure(false, 10), -E_TIMEOUT);
	spent = fake_time_now_ms() - t0;
	CHECK(spent >= 10000 && spent < 11000);
	CHECK_EQ(srv.discovers, 2);
}

TEST(dhcp_cancel)
{
	setup();
	srv.silent = true;
	fake_net_abort(true);
	CHECK_EQ(dhcp_configure(false, 0), -E_CANCELED);
	CHECK_EQ(netconf.ip, FAKE_OUR_IP);
	fake_net_abort(false);
	/* Port 68 was released: a second run works. */
	srv.silent = false;
	CHECK_EQ(dhcp_configure(false, 0), 0);
}

/* The first DISCOVER's OFFER is lost; the retry after 4 s gets one. */
static int drop_first;
static void lossy_server(const uint8_t *frame, size_t len)
{
	struct fake_udp u;
	if (fake_parse_udp(frame, len, &u) && u.dport == 67 && drop_first > 0) {
		drop_first--;
		srv.discovers++;
		return;
	}
	server(frame, len);
}

TEST(dhcp_retry_after_loss)
{
	setup();
	drop_first = 1;
	fake_net_set_responder(lossy_server);
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(dhcp_configure(false, 0), 0);
	uint64_t spent = fake_time_now_ms() - t0;
	CHECK(spent >= 4000 && spent < 5000);
	CHECK_EQ(srv.discovers, 2);
	CHECK_EQ(netconf.ip, OFFER_IP);
}

TEST(dhcp_sends_uuid_when_known)
{
	static const uint8_t uuid[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
					  1, 2, 3, 4, 5, 6, 7, 8 };
	const uint8_t *v;

	setup();
	memcpy(dhcp_client_uuid, uuid, 16);
	dhcp_client_uuid_known = true;
	CHECK_EQ(dhcp_configure(false, 0), 0);
	dhcp_client_uuid_known = false;
	/* Option 97 (RFC 4578): type 0, then the 16 bytes; in the DISCOVER and the REQUEST. */
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 97, &v), 17);
	CHECK_EQ(v[0], 0);
	CHECK(memcmp(v + 1, uuid, 16) == 0);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 77, &v), 6);
}

TEST(dhcp_keeps_rom_client_id_on_its_nic)
{
	static const uint8_t rom_id[9] = { 0xff, 1, 2, 3, 4, 5, 6, 7, 8 };
	const uint8_t *v;

	setup();
	memset(&dhcp_rom_identity, 0, sizeof(dhcp_rom_identity));
	memcpy(dhcp_rom_identity.mac, netconf.mac, 6);
	memcpy(dhcp_rom_identity.client_id, rom_id, sizeof(rom_id));
	dhcp_rom_identity.client_id_len = sizeof(rom_id);
	dhcp_rom_identity.have_uuid = true;
	dhcp_rom_identity.uuid[0] = 0xab;
	dhcp_rom_identity_known = true;
	CHECK_EQ(dhcp_configure(false, 0), 0);
	/* The ROM's client identifier and (no SMBIOS UUID here) its UUID, in the REQUEST too. */
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 61, &v), 9);
	CHECK(memcmp(v, rom_id, 9) == 0);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 97, &v), 17);
	CHECK_EQ(v[1], 0xab);
	/* Another NIC than the ROM's: our own identity. */
	setup();
	dhcp_rom_identity.mac[0] ^= 0x02;
	CHECK_EQ(dhcp_configure(false, 0), 0);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 61, &v), 7);
	CHECK_EQ(v[0], 1);
	CHECK(memcmp(v + 1, netconf.mac, 6) == 0);
	CHECK_EQ(dhcp_find_option(srv.last_req, srv.last_req_len, 97, &v), -E_NOENT);
	dhcp_rom_identity_known = false;
}

/* ---- ProxyDHCP (PXE 2.1): a second server answers with no address, option 60 PXEClient ---- */
#define PROXY_IP 0x0a000009u     /* 10.0.0.9 */

static struct {
	bool with_file;            /* the proxy offer names the file itself */
	bool silent_4011;          /* the boot server does not answer */
	int bs_requests;
	uint32_t bs_ciaddr, bs_dst;
	uint16_t bs_type;          /* PXE_BOOT_ITEM type of the last request */
} px;

static void rsend_from(uint32_t ip, uint16_t port)
{
	uint8_t frame[ETH_RXBUF_SIZE];
	fake_net_inject(frame, fake_build_udp(frame, fake_peer_mac, ip, port, 0xffffffffu, 68, rep,
					      rlen));
}

static void proxy_offer(const uint8_t *req)
{
	uint8_t v[4];

	rstart(req, 0);
	memset(rep + 108, 0, 128);
	put_be32(rep + 20, 0);
	ropt(53, 1, "\x02");
	put_be32(v, PROXY_IP);
	ropt(54, 4, v);
	ropt(60, 9, "PXEClient");
	if (px.with_file) {
		put_be32(rep + 20, PROXY_IP);
		strcpy((char *)rep + 108, "proxy.0");
	} else {
		/* 43: PXE_DISCOVERY_CONTROL, PXE_BOOT_SERVERS (an entry without addresses first, then
		 * type 0x8001 at PROXY_IP), PXE_BOOT_MENU, END. */
		static const uint8_t o43[] = { 6, 1, 3,
					       8, 10, 0x80, 0x00, 0, 0x80, 0x01, 1, 10, 0, 0, 9,
					       9, 9, 0x80, 0x01, 6, 'o', 's', 'p', 'r', 'e', 'y',
					       255 };
		ropt(43, sizeof(o43), o43);
	}
	rep[rlen++] = 255;
}

static void proxy_server(const uint8_t *frame, size_t len)
{
	struct fake_udp u;
	const uint8_t *v;

	if (fake_parse_udp(frame, len, &u) && u.dport == 4011 && u.len >= 240) {
		px.bs_requests++;
		px.bs_ciaddr = get_be32(u.data + 12);
		px.bs_dst = u.dst_ip;
		if (dhcp_find_option(u.data, u.len, 43, &v) == 6 && v[0] == 71 && v[1] == 4)
			px.bs_type = get_be16(v + 2);
		if (px.silent_4011)
			return;
		rstart(u.data, px.bs_ciaddr);
		put_be32(rep + 20, PROXY_IP);
		strcpy((char *)rep + 108, "osprey.0");
		ropt(53, 1, "\x05");
		rep[rlen++] = 255;
		rsend_from(PROXY_IP, 67);     /* wrong port: not the boot server's answer */
		rsend_from(PROXY_IP, 4011);
		return;
	}
	/* Discover: the proxy answers right after the DHCP server (both wait in the same poll),
	 * and the DHCP server's offer must still be the one requested. */
	server(frame, len);
	if (fake_parse_udp(frame, len, &u) && u.dport == 67 && u.len >= 240 &&
	    dhcp_find_option(u.data, u.len, 53, &v) == 1 && v[0] == 1) {
		proxy_offer(u.data);
		rsend_from(PROXY_IP, 67);
	}
}

static void proxy_setup(bool with_file, bool silent)
{
	setup();
	memset(&px, 0, sizeof(px));
	px.with_file = with_file;
	px.silent_4011 = silent;
	fake_net_set_responder(proxy_server);
}

TEST(dhcp_proxy_offer_names_file)
{
	proxy_setup(true, false);
	CHECK_EQ(dhcp_configure(false, 0), 0);
	CHECK_EQ(netconf.ip, OFFER_IP);               /* the address from the DHCP server */
	CHECK_EQ(srv.req_sid, FAKE_SERVER);           /* requested from it, not from the proxy */
	CHECK_EQ(netconf.server, PROXY_IP);           /* boot server and file from the proxy */
	CHECK_STR(netconf.bootfile, "proxy.0");
	CHECK_EQ(px.bs_requests, 0);
}

TEST(dhcp_proxy_boot_server_on_4011)
{
	proxy_setup(false, false);
	CHECK_EQ(dhcp_configure(false, 0), 0);
	CHECK_EQ(netconf.ip, OFFER_IP);
	CHECK_EQ(px.bs_requests, 1);
	CHECK_EQ(px.bs_dst, PROXY_IP);                /* unicast to the listed boot server */
	CHECK_EQ(px.bs_ciaddr, OFFER_IP);
	CHECK_EQ(px.bs_type, 0x8001);
	CHECK_EQ(netconf.server, PROXY_IP);
	CHECK_STR(netconf.bootfile, "osprey.0");
	CHECK_EQ(netconf.mask, 0xffffff00u);          /* the rest of the ACK stays */
	CHECK(dhcp_last_reply_len > 240);             /* the DHCP server's ACK is the one kept */
}

TEST(dhcp_proxy_boot_server_silent)
{
	proxy_setup(false, true);
	CHECK_EQ(dhcp_configure(false, 0), 0);
	CHECK_EQ(px.bs_requests, 3);
	CHECK_EQ(netconf.ip, OFFER_IP);
	CHECK_EQ(netconf.server, FAKE_SERVER);        /* the DHCP server's boot file stays */
	CHECK_STR(netconf.bootfile, "pxelinux.0");
}

/* A bare reply around an option 43 value, for the readers alone. */
static size_t with_43(uint8_t *pkt, const uint8_t *o43, size_t n, uint32_t yiaddr, bool pxeclient)
{
	size_t o = 240;

	memset(pkt, 0, 600);
	pkt[0] = 2;
	pkt[2] = 6;
	put_be32(pkt + 16, yiaddr);
	put_be32(pkt + 236, DHCP_MAGIC);
	pkt[o++] = 54;
	pkt[o++] = 4;
	put_be32(pkt + o, PROXY_IP);
	o += 4;
	if (pxeclient) {
		pkt[o++] = 60;
		pkt[o++] = 9;
		memcpy(pkt + o, "PXEClient", 9);
		o += 9;
	}
	pkt[o++] = 43;
	pkt[o++] = (uint8_t)n;
	memcpy(pkt + o, o43, n);
	o += n;
	pkt[o++] = 255;
	return o;
}

TEST(dhcp_proxy_readers_hostile)
{
	uint8_t pkt[600];
	uint16_t type = 0;
	uint32_t srvip = 0;
	size_t n;

	/* Only address-less PXEClient answers are ProxyDHCP ones. */
	static const uint8_t menu[] = { 9, 4, 0x12, 0x34, 1, 'x' };
	n = with_43(pkt, menu, sizeof(menu), 0, true);
	CHECK(dhcp_is_proxy_reply(pkt, n));
	CHECK(!dhcp_is_proxy_reply(pkt, 239));
	n = with_43(pkt, menu, sizeof(menu), OFFER_IP, true);
	CHECK(!dhcp_is_proxy_reply(pkt, n));
	n = with_43(pkt, menu, sizeof(menu), 0, false);
	CHECK(!dhcp_is_proxy_reply(pkt, n));
	/* A menu item is asked of the offer's own server (option 54 here). */
	n = with_43(pkt, menu, sizeof(menu), 0, true);
	CHECK_EQ(dhcp_pxe_boot_item(pkt, n, &type, &srvip), 0);
	CHECK_EQ(type, 0x1234);
	CHECK_EQ(srvip, PROXY_IP);
	/* Boot server entries whose count runs past the sub-option; a sub-option longer than
	 * option 43; a menu too short for an item; only zero addresses; an empty 43. */
	static const uint8_t overrun[] = { 8, 7, 0, 1, 2, 10, 0, 0, 1 };
	static const uint8_t past_end[] = { 8, 200, 0, 1, 1, 10, 0, 0, 1 };
	static const uint8_t short_menu[] = { 9, 2, 0, 1 };
	static const uint8_t zero_ip[] = { 8, 7, 0, 1, 1, 0, 0, 0, 0 };
	static const uint8_t pads_then_end[] = { 0, 0, 255, 8, 7, 0, 1, 1, 10, 0, 0, 1 };
	const uint8_t *bad[] = { overrun, past_end, short_menu, zero_ip, pads_then_end };
	size_t badn[] = { sizeof(overrun), sizeof(past_end), sizeof(short_menu), sizeof(zero_ip),
			  sizeof(pads_then_end) };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		n = with_43(pkt, bad[i], badn[i], 0, true);
		CHECK_EQ(dhcp_pxe_boot_item(pkt, n, &type, &srvip), -E_NOENT);
	}
	n = with_43(pkt, (const uint8_t *)"", 0, 0, true);
	CHECK_EQ(dhcp_pxe_boot_item(pkt, n, &type, &srvip), -E_NOENT);
	/* Every truncation of a good packet stays inside the buffer (ASan) and fails cleanly. */
	static const uint8_t good[] = { 8, 7, 0x80, 1, 1, 10, 0, 0, 7 };
	n = with_43(pkt, good, sizeof(good), 0, true);
	CHECK_EQ(dhcp_pxe_boot_item(pkt, n, &type, &srvip), 0);
	CHECK_EQ(srvip, 0x0a000007u);
	for (size_t cut = 0; cut < n - 1; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, pkt, cut);
		CHECK(dhcp_pxe_boot_item(copy, cut, &type, &srvip) < 0 || cut >= n - 1);
		struct netconf nc = { 0 };
		CHECK(dhcp_take_boot_reply(copy, cut, &nc) < 0 || cut >= 240);
		free(copy);
	}
	/* A reply with no file gives nothing; nc stays. */
	struct netconf nc = { 0 };
	nc.server = 5;
	CHECK_EQ(dhcp_take_boot_reply(pkt, n, &nc), -E_NOENT);
	CHECK_EQ(nc.server, 5);
}

/* Bad-input rows: an OFFER without an address (a proxyDHCP answer) is skipped for the real one;
 * with only such offers, the client times out naming the missing offer. */
TEST(dhcp_offer_without_address)
{
	setup();
	srv.zero_offer_first = true;
	CHECK_EQ(dhcp_configure(false, 10), 0);
	CHECK_EQ(srv.req_ip, OFFER_IP);
	CHECK_EQ(netconf.ip, OFFER_IP);

	setup();
	srv.only_zero_offer = true;
	CHECK_EQ(dhcp_configure(false, 10), -E_TIMEOUT);
	CHECK_EQ(srv.requests, 0);
	CHECK_STR(err_detail, "no DHCP offer in 10 s");
	err_detail[0] = 0;
	CHECK_EQ(netconf.ip, FAKE_OUR_IP);        /* the old configuration is back */
}

/* Two servers answer every DISCOVER: the first valid OFFER wins, the other server's OFFER and
 * its ACK (to a REQUEST naming the first server) are ignored. */
TEST(dhcp_two_servers)
{
	setup();
	srv.second_server = true;
	CHECK_EQ(dhcp_configure(false, 10), 0);
	CHECK_EQ(srv.discovers, 1);
	CHECK_EQ(srv.requests, 1);
	CHECK_EQ(srv.req_ip, OFFER_IP);
	CHECK_EQ(srv.req_sid, FAKE_SERVER);
	CHECK_EQ(netconf.ip, OFFER_IP);
	CHECK_EQ(netconf.server, FAKE_SERVER);
	CHECK_EQ(netconf.gateway, 0x0a000001u);
	CHECK_EQ(fake_net_rx_pending(), 0);       /* the second server's ACK was read and dropped */
}

/* A lease for another machine (chaddr not ours) is not ours even with our xid. */
TEST(dhcp_lease_for_another_mac)
{
	setup();
	srv.other_mac = true;
	CHECK_EQ(dhcp_configure(false, 10), -E_TIMEOUT);
	CHECK_EQ(srv.requests, 0);
	CHECK(srv.discovers >= 2);
	CHECK_STR(err_detail, "no DHCP offer in 10 s");
	err_detail[0] = 0;
	CHECK(netconf.configured);
	CHECK_EQ(netconf.ip, FAKE_OUR_IP);
}
