/* test_tcp.c: the TCP client against a scripted peer on the fake NIC: handshake options, order,
 * duplicates, overlaps, zero window, RST in each state, silent peers, fast retransmit, FIN. */
#include "test.h"
#include <stdlib.h>
#include "lib/errors.h"
#include "fake_netdev.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "net/tcp.h"

#define PEER_PORT 80
#define PEER_ISS 0x10000000u
#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

struct seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const uint8_t *opts, *data;
	size_t optlen, len;
};

static struct {
	bool silent;              /* never answer a SYN */
	bool refuse;              /* answer the SYN with RST|ACK */
	bool no_ack_data;         /* never acknowledge our data */
	bool no_ws;               /* leave window scaling out of the SYN-ACK */
	uint8_t sack_len;         /* SACK-permitted in the SYN-ACK with this length (0: none) */
	bool syn_sack_ok;         /* our SYN offered SACK */
	uint16_t mss;             /* in the SYN-ACK (0: 1460) */
	uint16_t win;             /* the peer's window field */
	uint16_t cport;
	uint32_t our_iss;
	int syns;
	uint8_t syn_ws;           /* the shift our SYN offered */
	uint16_t syn_mss;
	size_t req_len;
	uint64_t first_send_ms, first_retx_ms;
	uint8_t req[8192];
	/* A BSD sender (QEMU's slirp): streams bsd_total bytes after the request, only in full
	 * segments (or the rest) that fit the window we offered (RFC 9293 3.8.6.2.1), and
	 * without a persist timer here: it moves only when our ACKs open the window. */
	uint32_t bsd_total, bsd_sent, bsd_edge;
	/* A sender whose congestion window is full: sends the segment at offset on_ack_send
	 * (on_ack_len bytes) only once we acknowledge on_ack_wait. */
	uint32_t on_ack_wait, on_ack_send, on_ack_len;
} pr;

static bool parse_tcp(const uint8_t *f, size_t len, struct seg *s)
{
	if (len < 54 || get_be16(f + 12) != 0x0800 || f[14 + 9] != 6)
		return false;
	const uint8_t *ip = f + 14;
	size_t tot = get_be16(ip + 2);
	const uint8_t *t = ip + 20;
	size_t tl = tot - 20;
	uint32_t src = get_be32(ip + 12), dst = get_be32(ip + 16);
	uint32_t pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 + (uint32_t)tl;
	if (fake_checksum(t, tl, pseudo) != 0)
		return false;
	size_t hl = (size_t)(t[12] >> 4) * 4;
	s->sport = get_be16(t);
	s->dport = get_be16(t + 2);
	s->seq = get_be32(t + 4);
	s->ack = get_be32(t + 8);
	s->flags = t[13];
	s->win = get_be16(t + 14);
	s->opts = t + 20;
	s->optlen = hl - 20;
	s->data = t + hl;
	s->len = tl - hl;
	return true;
}

static void inject_tcp_opts(uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
			    const uint8_t *opts, size_t optlen, const void *data, size_t n)
{
	uint8_t t[1600], frame[ETH_RXBUF_SIZE];
	size_t hl = 20 + optlen;
	put_be16(t, PEER_PORT);
	put_be16(t + 2, pr.cport);
	put_be32(t + 4, seq);
	put_be32(t + 8, ack);
	t[12] = (uint8_t)((hl / 4) << 4);
	t[13] = flags;
	put_be16(t + 14, win);
	put_be16(t + 16, 0);
	put_be16(t + 18, 0);
	if (optlen)
		memcpy(t + 20, opts, optlen);
	if (n)
		memcpy(t + hl, data, n);
	uint32_t src = FAKE_SERVER, dst = FAKE_OUR_IP;
	uint32_t pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 6 +
			  (uint32_t)(hl + n);
	put_be16(t + 16, fake_checksum(t, hl + n, pseudo));
	fake_net_inject(frame, fake_build_ipv4(frame, fake_peer_mac, src, dst, 6, t, hl + n));
}

static void inject_tcp(uint32_t seq, uint32_t ack, uint8_t flags, const void *data, size_t n)
{
	inject_tcp_opts(seq, ack, flags, pr.win, NULL, 0, data, n);
}

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + (i >> 8) * 13 + 1);
}

/* Peer data segment carrying stream bytes [off, off+n). */
static void inject_data(uint32_t off, size_t n, uint8_t extra_flags)
{
	uint8_t d[1460];
	for (size_t i = 0; i < n; i++)
		d[i] = pattern(off + (uint32_t)i);
	inject_tcp(PEER_ISS + 1 + off, pr.our_iss + 1 + (uint32_t)pr.req_len, F_ACK | extra_flags, d, n);
}

static void responder(const uint8_t *f, size_t len)
{
	struct seg s;
	if (!parse_tcp(f, len, &s) || s.sport == 0)
		return;
	if (s.flags & F_SYN) {
		pr.syns++;
		pr.cport = s.sport;
		pr.our_iss = s.seq;
		for (size_t i = 0; i + 1 < s.optlen;) {
			if (s.opts[i] == 1) { i++; continue; }
			if (s.opts[i] == 2)
				pr.syn_mss = get_be16(s.opts + i + 2);
			if (s.opts[i] == 3)
				pr.syn_ws = s.opts[i + 2];
			if (s.opts[i] == 4 && s.opts[i + 1] == 2)
				pr.syn_sack_ok = true;
			if (s.opts[i + 1] < 2)
				break;
			i += s.opts[i + 1];
		}
		if (pr.silent)
			return;
		if (pr.refuse) {
			inject_tcp(0, s.seq + 1, F_RST | F_ACK, NULL, 0);
			return;
		}
		uint8_t o[12] = { 2, 4, 0, 0, 1, 3, 3, 7, 1, 1, 4, pr.sack_len };
		put_be16(o + 2, pr.mss ? pr.mss : 1460);
		if (pr.no_ws)
			memcpy(o + 4, "\1\1\1\1", 4);
		inject_tcp_opts(PEER_ISS, s.seq + 1, F_SYN | F_ACK, pr.win, o, pr.sack_len ? 12 : 8,
				NULL, 0);
		return;
	}
	if (s.len && !(s.flags & F_RST)) {
		uint32_t off = s.seq - (pr.our_iss + 1);
		if (!pr.first_send_ms)
			pr.first_send_ms = fake_time_now_ms();
		else if (off < pr.req_len && !pr.first_retx_ms)
			pr.first_retx_ms = fake_time_now_ms();
		if (off + s.len <= sizeof(pr.req)) {
			memcpy(pr.req + off, s.data, s.len);
			if (off + s.len > pr.req_len)
				pr.req_len = off + s.len;
		}
		if (!pr.no_ack_data)
			inject_tcp(PEER_ISS + 1, s.seq + (uint32_t)s.len, F_ACK, NULL, 0);
	}
	if (pr.on_ack_wait && (s.flags & F_ACK) && !(s.flags & F_SYN) &&
	    (int32_t)(s.ack - (PEER_ISS + 1 + pr.on_ack_wait)) >= 0) {
		pr.on_ack_wait = 0;
		inject_data(pr.on_ack_send, pr.on_ack_len, 0);
	}
	if (pr.bsd_total && pr.req_len && (s.flags & F_ACK) && !(s.flags & (F_SYN | F_RST))) {
		uint32_t edge = s.ack + s.win - (PEER_ISS + 1);   /* no window scale: no_ws */
		if ((int32_t)(edge - pr.bsd_edge) > 0)
			pr.bsd_edge = edge;
		while (pr.bsd_sent < pr.bsd_total) {
			uint32_t n = MIN(1460u, pr.bsd_total - pr.bsd_sent);
			if (pr.bsd_sent + n > pr.bsd_edge)
				break;
			inject_data(pr.bsd_sent, n, pr.bsd_sent + n == pr.bsd_total ? F_FIN : 0);
			pr.bsd_sent += n;
		}
	}
}

static void setup(void)
{
	fake_net_reset();
	fake_net_auto_arp(true);
	memset(&pr, 0, sizeof(pr));
	pr.win = 0xffff;
	fake_net_set_responder(responder);
	tcp_window = TCP_WINDOW_DEFAULT;
	tcp_ack_every = 0;
	memset(&tcp_stats, 0, sizeof(tcp_stats));
}

/* The most recent segment we sent (false when none). */
static bool last_seg(struct seg *s)
{
	for (size_t i = fake_net_sent_count(); i-- > 0;) {
		size_t len;
		const uint8_t *f = fake_net_sent(i, &len);
		if (parse_tcp(f, len, s))
			return true;
	}
	return false;
}

static int count_segs(uint8_t flags_all, uint32_t ack)
{
	int n = 0;
	for (size_t i = 0; i < fake_net_sent_count(); i++) {
		size_t len;
		struct seg s;
		const uint8_t *f = fake_net_sent(i, &len);
		if (parse_tcp(f, len, &s) && (s.flags & flags_all) == flags_all && (!ack || s.ack == ack))
			n++;
	}
	return n;
}

static bool check_pattern(const uint8_t *b, uint32_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != pattern(off + (uint32_t)i))
			return false;
	return true;
}

static struct tcp_conn *open_conn(void)
{
	struct tcp_conn *c = NULL;
	int rc = tcp_connect(&c, FAKE_SERVER, PEER_PORT);
	CHECK_EQ(rc, 0);
	return c;
}

TEST(tcp_handshake_options_and_fresh_ports)
{
	setup();
	struct tcp_conn *c = open_conn();
	CHECK(c != NULL);
	CHECK_EQ(pr.syns, 1);
	CHECK_EQ(pr.syn_mss, 1460);
	CHECK_EQ(pr.syn_ws, 4);               /* 512 KiB buffer: window field >> 4 fits 16 bits */
	CHECK(pr.cport >= 49152);
	struct seg s;
	CHECK(last_seg(&s));
	CHECK_EQ(s.flags, F_ACK);
	CHECK_EQ(s.ack, PEER_ISS + 1);
	CHECK_EQ((uint32_t)s.win << 4, TCP_WINDOW_DEFAULT);
	CHECK(tcp_usable(c));
	uint16_t first = pr.cport;
	tcp_close(c);
	c = open_conn();
	CHECK(pr.cport != first);
	tcp_close(c);
}

TEST(tcp_in_order_read_and_fin)
{
	setup();
	struct tcp_conn *c = open_conn();
	CHECK_EQ(tcp_send(c, "GET / HTTP/1.1\r\n\r\n", 18), 0);
	CHECK_EQ(pr.req_len, 18);
	for (uint32_t i = 0; i < 4; i++)
		inject_data(i * 1000, 1000, i == 3 ? F_FIN : 0);
	static uint8_t buf[8000];
	int n = tcp_recv(c, buf, sizeof(buf), sizeof(buf));
	CHECK_EQ(n, 4000);
	CHECK(check_pattern(buf, 0, 4000));
	CHECK(tcp_eof(c));
	CHECK_EQ(tcp_recv(c, buf, sizeof(buf), 1), 0);
	struct seg s;
	CHECK(last_seg(&s));
	CHECK_EQ(s.ack, PEER_ISS + 1 + 4000 + 1);  /* the FIN acknowledged */
	tcp_close(c);
	CHECK(count_segs(F_FIN, 0) >= 1);         /* our own FIN on close (resent: never acked) */
}

TEST(tcp_out_of_order_kept)
{
	setup();
	struct tcp_conn *c = open_conn();
	fake_net_clear_sent();
	inject_data(1000, 1000, 0);
	inject_data(2000, 1000, 0);
	inject_data(3000, 500, 0);
	static uint8_t buf[4000];
	/* Nothing readable yet: the first segment is missing. Each gap segment earns a
	 * duplicate ACK for byte 0. */
	net_poll();
	CHECK_EQ(count_segs(F_ACK, PEER_ISS + 1), 3);
	CHECK_EQ(tcp_stats.ooo_kept, 3);
	inject_data(0, 1000, 0);
	int n = tcp_recv(c, buf, sizeof(buf), 3500);
	CHECK_EQ(n, 3500);
	CHECK(check_pattern(buf, 0, 3500));
	tcp_close(c);
}

TEST(tcp_duplicate_and_overlapping_segments)
{
	setup();
	struct tcp_conn *c = open_conn();
	inject_data(0, 1000, 0);
	inject_data(0, 1000, 0);             /* duplicate */
	inject_data(500, 1000, 0);           /* overlaps the first half */
	inject_data(2500, 500, 0);           /* beyond a gap */
	inject_data(1200, 1460, 0);          /* overlaps both sides, fills the gap */
	static uint8_t buf[4000];
	int n = tcp_recv(c, buf, sizeof(buf), 3000);
	CHECK_EQ(n, 3000);
	CHECK(check_pattern(buf, 0, 3000));
	CHECK(tcp_stats.dup_dropped >= 1);
	tcp_close(c);
}

TEST(tcp_zero_window_and_probe)
{
	setup();
	CHECK_EQ(tcp_set_window(5000), 0);
	CHECK_EQ(tcp_window, 4096);
	struct tcp_conn *c = open_conn();
	CHECK_EQ(pr.syn_ws, 0);
	for (uint32_t i = 0; i < 4; i++)
		inject_data(i * 1024, 1024, 0);
	/* Wait for the data without reading it: poll until the ACK of all 4096 bytes. */
	static uint8_t buf[64];
	CHECK_EQ(tcp_recv(c, buf, 1, 1), 1);
	struct seg s;
	fake_net_clear_sent();
	inject_data(4096, 1, 0);             /* a zero-window probe: the window holds 1 byte */
	inject_data(4097, 1, 0);             /* ... and one that does not fit */
	net_poll();
	CHECK(last_seg(&s));
	CHECK_EQ(s.win, 0);
	CHECK_EQ(s.ack, PEER_ISS + 1 + 4097);
	CHECK_EQ(tcp_stats.window_probes_answered, 1);
	/* Reading opens the window again with an update. */
	static uint8_t big[8192];
	fake_net_clear_sent();
	int n = tcp_recv(c, big, sizeof(big), 1);
	CHECK_EQ(n, 4096);
	CHECK(check_pattern(big, 1, 4096));
	CHECK(last_seg(&s));
	CHECK_EQ(s.win, 4096);
	tcp_close(c);
	tcp_window = TCP_WINDOW_DEFAULT;
	CHECK_EQ(tcp_set_window(100), -E_RANGE);
}

TEST(tcp_rst_refused_in_syn_sent)
{
	setup();
	pr.refuse = true;
	struct tcp_conn *c = NULL;
	CHECK_EQ(tcp_connect(&c, FAKE_SERVER, PEER_PORT), -E_IO);
	CHECK_STR(err_detail, "connection refused");
	err_detail[0] = 0;
}

TEST(tcp_rst_established_and_challenge)
{
	setup();
	struct tcp_conn *c = open_conn();
	inject_data(0, 100, 0);
	inject_tcp(PEER_ISS + 1 + 5000, 0, F_RST, NULL, 0);   /* in window, not exact: challenged */
	static uint8_t buf[200];
	CHECK_EQ(tcp_recv(c, buf, 100, 100), 100);
	CHECK(tcp_usable(c));
	struct seg s;
	CHECK(last_seg(&s));
	CHECK(s.flags == F_ACK && s.ack == PEER_ISS + 101);
	inject_tcp(PEER_ISS + 101, 0, F_RST, NULL, 0);
	CHECK_EQ(tcp_recv(c, buf, 100, 1), -E_IO);
	CHECK_STR(err_detail, "connection reset by the server");
	err_detail[0] = 0;
	CHECK(!tcp_usable(c));
	size_t before = fake_net_sent_total();
	tcp_close(c);
	CHECK_EQ(fake_net_sent_total(), before);   /* nothing sent to a reset connection */
}

TEST(tcp_rst_in_close_wait_and_fin_wait)
{
	setup();
	struct tcp_conn *c = open_conn();
	inject_data(0, 10, F_FIN);
	static uint8_t buf[20];
	CHECK_EQ(tcp_recv(c, buf, 20, 20), 10);
	inject_tcp(PEER_ISS + 12, 0, F_RST, NULL, 0);          /* in CLOSE_WAIT */
	CHECK_EQ(tcp_recv(c, buf, 20, 1), 0);                  /* the stream had ended */
	uint64_t t1 = fake_time_now_ms();
	tcp_close(c);                                          /* no hang: RST ends the linger */
	CHECK(fake_time_now_ms() - t1 < 100);

	setup();
	c = open_conn();
	pr.no_ack_data = true;
	inject_tcp(PEER_ISS + 1, 0, F_RST, NULL, 0);           /* arrives during FIN_WAIT_1 */
	uint64_t t0 = fake_time_now_ms();
	tcp_close(c);
	CHECK(fake_time_now_ms() - t0 < 1000);
	CHECK_EQ(count_segs(F_FIN, 0), 1);
}

TEST(tcp_fin_wait_linger_ends_on_peer_fin)
{
	setup();
	struct tcp_conn *c = open_conn();
	/* Peer acknowledges our FIN and sends its own (FIN_WAIT_1 -> FIN_WAIT_2 -> TIME_WAIT). */
	inject_tcp(PEER_ISS + 1, pr.our_iss + 2, F_ACK, NULL, 0);
	inject_tcp(PEER_ISS + 1, pr.our_iss + 2, F_ACK | F_FIN, NULL, 0);
	uint64_t t0 = fake_time_now_ms();
	tcp_close(c);
	CHECK(fake_time_now_ms() - t0 < 500);
	struct seg s;
	CHECK(last_seg(&s));
	CHECK_EQ(s.ack, PEER_ISS + 2);
}

TEST(tcp_peer_never_answers_syn)
{
	setup();
	pr.silent = true;
	struct tcp_conn *c = NULL;
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(tcp_connect(&c, FAKE_SERVER, PEER_PORT), -E_TIMEOUT);
	uint64_t took = fake_time_now_ms() - t0;
	CHECK_EQ(pr.syns, 6);                 /* the first and 5 retransmissions */
	CHECK(took >= 30000 && took < 35000);
}

TEST(tcp_peer_never_acks_data)
{
	setup();
	struct tcp_conn *c = open_conn();
	pr.no_ack_data = true;
	CHECK_EQ(tcp_send(c, "hello", 5), 0);
	static uint8_t buf[16];
	int rc = tcp_recv(c, buf, sizeof(buf), 1);
	CHECK(rc == -E_TIMEOUT);
	CHECK(tcp_stats.retransmits >= 5);
	tcp_close(c);
}

TEST(tcp_silent_peer_idle_timeout)
{
	setup();
	struct tcp_conn *c = open_conn();
	CHECK_EQ(tcp_send(c, "x", 1), 0);
	static uint8_t buf[16];
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(tcp_recv(c, buf, sizeof(buf), 1), -E_TIMEOUT);
	CHECK(fake_time_now_ms() - t0 >= TCP_IDLE_MS - 10);
	tcp_close(c);
}

TEST(tcp_fast_retransmit_on_dup_acks)
{
	setup();
	pr.mss = 1000;
	struct tcp_conn *c = open_conn();
	pr.no_ack_data = true;
	static uint8_t req[3000];
	memset(req, 'a', sizeof(req));
	CHECK_EQ(tcp_send(c, req, sizeof(req)), 0);
	CHECK_EQ(pr.req_len, 3000);
	fake_net_clear_sent();
	/* The first ACK also carries the scaled window (not a duplicate), then three duplicates. */
	for (int i = 0; i < 4; i++)
		inject_tcp(PEER_ISS + 1, pr.our_iss + 1, F_ACK, NULL, 0);
	net_poll();
	CHECK_EQ(tcp_stats.fast_retransmits, 1);
	struct seg s;
	CHECK(last_seg(&s));
	CHECK_EQ(s.seq, pr.our_iss + 1);
	CHECK_EQ(s.len, 1000);
	tcp_close(c);
}

TEST(tcp_rtt_estimate_shortens_rto)
{
	setup();
	struct tcp_conn *c = open_conn();
	pr.no_ack_data = true;
	CHECK_EQ(tcp_send(c, "abc", 3), 0);
	/* The handshake took a few (fake) ms, so the RTO drops from 1 s to the 200 ms floor:
	 * the first retransmission comes well before 1 s, then backs off until it gives up. */
	uint64_t t0 = pr.first_send_ms;
	static uint8_t buf[4];
	CHECK_EQ(tcp_recv(c, buf, 1, 1), -E_TIMEOUT);
	CHECK(pr.first_retx_ms > t0);
	CHECK(pr.first_retx_ms - t0 >= 200 && pr.first_retx_ms - t0 < 400);
	tcp_close(c);
}

TEST(tcp_unknown_port_gets_rst)
{
	setup();
	pr.cport = 40000;
	fake_net_clear_sent();
	inject_tcp(123, 0, F_SYN, NULL, 0);
	net_poll();
	struct seg s;
	CHECK(last_seg(&s));
	CHECK_EQ(s.flags, F_RST | F_ACK);
	CHECK_EQ(s.ack, 124);
	CHECK_EQ(tcp_stats.resets_sent, 1);
}

TEST(tcp_bad_checksum_and_short_segments_ignored)
{
	setup();
	struct tcp_conn *c = open_conn();
	uint8_t frame[ETH_RXBUF_SIZE];
	uint8_t junk[12] = { 0 };
	fake_net_inject(frame, fake_build_ipv4(frame, fake_peer_mac, FAKE_SERVER, FAKE_OUR_IP, 6, junk,
					       sizeof(junk)));
	uint8_t t[24] = { 0 };
	put_be16(t, PEER_PORT);
	put_be16(t + 2, pr.cport);
	t[12] = 0xf0;                          /* header longer than the segment */
	fake_net_inject(frame, fake_build_ipv4(frame, fake_peer_mac, FAKE_SERVER, FAKE_OUR_IP, 6, t,
					       sizeof(t)));
	uint32_t before = tcp_stats.segs_in;
	net_poll();
	CHECK_EQ(tcp_stats.segs_in, before);
	CHECK(tcp_usable(c));
	tcp_close(c);
}

/* A reader that empties the buffer while the BSD sender sits on a window smaller than a segment
 * must announce the reopened window while it waits for more (not only after it has what it
 * wanted): slirp otherwise stalls 5 s on every window (osprey loaded at 40 KiB/s). */
TEST(tcp_window_update_while_reader_waits)
{
	setup();
	pr.no_ws = true;                          /* slirp sends no window scale: 64 KiB window */
	pr.bsd_total = 4 * 65536 + 1000;
	struct tcp_conn *c = open_conn();
	CHECK_EQ(tcp_send(c, "GET / HTTP/1.1\r\n\r\n", 18), 0);
	static uint8_t buf[4 * 65536 + 1000];
	uint32_t got = 0;
	uint64_t t0 = fake_time_now_ms();
	/* Let the first window fill the buffer unread (the reader is busy elsewhere). */
	while (fake_net_rx_pending())
		net_poll();
	CHECK(pr.bsd_sent > 65536 - 1460 && pr.bsd_sent < 65536);
	while (got < pr.bsd_total) {
		int n = tcp_recv(c, buf + got, sizeof(buf) - got, sizeof(buf) - got);
		if (n <= 0)
			break;
		got += (uint32_t)n;
	}
	CHECK_EQ(got, pr.bsd_total);
	CHECK(check_pattern(buf, 0, got));
	CHECK(tcp_eof(c));
	CHECK(fake_time_now_ms() - t0 < 2000);    /* never the 20 s idle wait */
	CHECK_EQ(tcp_stats.retransmits, 0);
	tcp_close(c);
}

/* Pure ACKs we sent that acknowledge exactly PEER_ISS + 1 + off. */
static int acks_of(uint32_t off)
{
	return count_segs(F_ACK, PEER_ISS + 1 + off);
}

/* In-order data is acknowledged every quarter window (at most 64 full segments; 89 would be a
 * quarter of the default 512 KiB buffer), not every second segment: each ACK costs the guest a
 * transmit and the sender a wakeup. The rest is acknowledged within the delayed-ACK time. */
TEST(tcp_stretch_acks_in_order)
{
	setup();
	struct tcp_conn *c = open_conn();
	fake_net_clear_sent();
	for (uint32_t i = 0; i < 70; i++)
		inject_data(i * 1460, 1460, 0);
	static uint8_t buf[70 * 1460];
	CHECK_EQ(tcp_recv(c, buf, sizeof(buf), sizeof(buf)), (int)sizeof(buf));
	CHECK(check_pattern(buf, 0, sizeof(buf)));
	CHECK_EQ(acks_of(64 * 1460), 1);
	CHECK_EQ(acks_of(2 * 1460), 0);           /* no longer every second segment */
	CHECK_EQ(acks_of(16 * 1460), 0);
	CHECK_EQ(acks_of(32 * 1460), 0);
	CHECK(count_segs(F_ACK, 0) <= 2);
	tcp_close(c);
	CHECK(acks_of(70 * 1460) >= 1);           /* the rest, at the latest on close */
}

/* A small window (8 KiB: 5 full segments, a quarter of it is 1): the floor, every second one. */
TEST(tcp_stretch_acks_follow_the_window)
{
	setup();
	CHECK_EQ(tcp_set_window(8192), 0);
	struct tcp_conn *c = open_conn();
	fake_net_clear_sent();
	for (uint32_t i = 0; i < 5; i++)
		inject_data(i * 1460, 1460, 0);
	static uint8_t buf[5 * 1460];
	CHECK_EQ(tcp_recv(c, buf, sizeof(buf), sizeof(buf)), (int)sizeof(buf));
	CHECK(check_pattern(buf, 0, sizeof(buf)));
	CHECK_EQ(acks_of(1460), 0);
	CHECK_EQ(acks_of(2 * 1460), 1);
	CHECK_EQ(acks_of(4 * 1460), 1);
	tcp_close(c);
}

/* A sender that has filled its congestion window waits for our ACK: a delayed ACK must go out
 * by itself within ACK_DELAY_US (here after 3 segments), not after the 20 s idle limit. */
TEST(tcp_delayed_ack_releases_a_waiting_sender)
{
	setup();
	struct tcp_conn *c = open_conn();
	pr.on_ack_wait = 3 * 1460;
	pr.on_ack_send = 3 * 1460;
	pr.on_ack_len = 1460;
	for (uint32_t i = 0; i < 3; i++)
		inject_data(i * 1460, 1460, 0);
	static uint8_t buf[4 * 1460];
	uint64_t t0 = fake_time_now_ms();
	int got = 0;
	while (got < (int)sizeof(buf)) {
		int n = tcp_recv(c, buf + got, sizeof(buf) - (size_t)got, sizeof(buf) - (size_t)got);
		if (n <= 0)
			break;
		got += n;
	}
	CHECK_EQ(got, (int)sizeof(buf));
	CHECK(check_pattern(buf, 0, sizeof(buf)));
	CHECK_EQ(pr.on_ack_wait, 0);
	CHECK(fake_time_now_ms() - t0 < 50);
	tcp_close(c);
}

/* tcpopts --ack-every=1: every segment acknowledged at once. */
TEST(tcp_ack_every_setting)
{
	setup();
	tcp_ack_every = 1;
	struct tcp_conn *c = open_conn();
	fake_net_clear_sent();
	for (uint32_t i = 0; i < 6; i++)
		inject_data(i * 1460, 1460, 0);
	static uint8_t buf[6 * 1460];
	CHECK_EQ(tcp_recv(c, buf, sizeof(buf), sizeof(buf)), (int)sizeof(buf));
	for (uint32_t i = 1; i <= 6; i++)
		CHECK_EQ(acks_of(i * 1460), 1);
	tcp_close(c);
}

/* Hostile settings: stretch ACKs wider than the window (64 segments into 4 KiB, a BSD sender
 * that only sends into the window we offer) must not stall: the delayed ACK and the window
 * update still move the sender, with no retransmission and no idle wait. */
TEST(tcp_ack_every_wider_than_window)
{
	setup();
	CHECK_EQ(tcp_set_window(4096), 0);
	tcp_ack_every = 64;
	pr.no_ws = true;
	pr.bsd_total = 40000;
	struct tcp_conn *c = open_conn();
	CHECK_EQ(tcp_send(c, "GET / HTTP/1.1\r\n\r\n", 18), 0);
	static uint8_t buf[40000];
	uint32_t got = 0;
	uint64_t t0 = fake_time_now_ms();
	while (got < pr.bsd_total) {
		int n = tcp_recv(c, buf + got, sizeof(buf) - got, sizeof(buf) - got);
		if (n <= 0)
			break;
		got += (uint32_t)n;
	}
	CHECK_EQ(got, pr.bsd_total);
	CHECK(check_pattern(buf, 0, got));
	CHECK(fake_time_now_ms() - t0 < 2000);
	CHECK_EQ(tcp_stats.retransmits, 0);
	tcp_close(c);
}

/* The SACK blocks of s as stream offsets (start, end pairs); returns how many (-1: malformed). */
static int sack_blocks(const struct seg *s, uint32_t *b, int max)
{
	for (size_t i = 0; i < s->optlen;) {
		uint8_t kind = s->opts[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= s->optlen || s->opts[i + 1] < 2 || i + s->opts[i + 1] > s->optlen)
			return -1;
		if (kind == 5) {
			int n = (s->opts[i + 1] - 2) / 8;
			if ((s->opts[i + 1] - 2) % 8 || n > max)
				return -1;
			for (int k = 0; k < 2 * n; k++)
				b[k] = get_be32(s->opts + i + 2 + 4 * k) - (PEER_ISS + 1);
			return n;
		}
		i += s->opts[i + 1];
	}
	return 0;
}

/* RFC 2018: our SYN offers SACK; with the peer's permission every ACK while data is held beyond
 * a gap carries the held ranges, the one with the newest segment first. */
TEST(tcp_sack_blocks_for_held_data)
{
	setup();
	pr.sack_len = 2;
	struct tcp_conn *c = open_conn();
	CHECK(pr.syn_sack_ok);
	struct seg s;
	uint32_t b[8];
	inject_data(1460, 1460, 0);
	net_poll();
	CHECK(last_seg(&s));
	CHECK_EQ(s.ack, PEER_ISS + 1);
	CHECK_EQ(sack_blocks(&s, b, 4), 1);
	CHECK(b[0] == 1460 && b[1] == 2920);
	inject_data(5840, 1460, 0);
	net_poll();
	CHECK(last_seg(&s));
	CHECK_EQ(sack_blocks(&s, b, 4), 2);
	CHECK(b[0] == 5840 && b[1] == 7300 && b[2] == 1460 && b[3] == 2920);
	inject_data(2920, 1460, 0);             /* grows the older range: it is the newest now */
	net_poll();
	CHECK(last_seg(&s));
	CHECK_EQ(sack_blocks(&s, b, 4), 2);
	CHECK(b[0] == 1460 && b[1] == 4380 && b[2] == 5840 && b[3] == 7300);
	inject_data(0, 1460, 0);                /* fills the first gap */
	net_poll();
	CHECK(last_seg(&s));
	CHECK_EQ(s.ack, PEER_ISS + 1 + 4380);
	CHECK_EQ(sack_blocks(&s, b, 4), 1);
	CHECK(b[0] == 5840 && b[1] == 7300);
	inject_data(4380, 1460, 0);
	static uint8_t buf[7300];
	CHECK_EQ(tcp_recv(c, buf, sizeof(buf), sizeof(buf)), (int)sizeof(buf));
	CHECK(check_pattern(buf, 0, sizeof(buf)));
	CHECK(last_seg(&s));
	CHECK_EQ(sack_blocks(&s, b, 4), 0);       /* nothing held: no SACK option */
	tcp_close(c);
}

/* More held ranges than an option holds: the four newest, well formed (36 option bytes). */
TEST(tcp_sack_at_most_four_blocks)
{
	setup();
	pr.sack_len = 2;
	struct tcp_conn *c = open_conn();
	for (uint32_t i = 1; i <= 6; i++)
		inject_data(i * 2920, 1460, 0);
	net_poll();
	struct seg s;
	uint32_t b[8];
	CHECK(last_seg(&s));
	CHECK_EQ(s.optlen, 36);
	CHECK_EQ(sack_blocks(&s, b, 4), 4);
	for (int k = 0; k < 4; k++)
		CHECK(b[2 * k] == (6 - (uint32_t)k) * 2920 && b[2 * k + 1] == b[2 * k] + 1460);
	tcp_close(c);
}

/* No SACK without the peer's permission, nor with a malformed one (length 3). */
TEST(tcp_no_sack_unless_permitted)
{
	for (int bad = 0; bad < 2; bad++) {
		setup();
		pr.sack_len = bad ? 3 : 0;
		struct tcp_conn *c = open_conn();
		inject_data(1460, 1460, 0);
		net_poll();
		struct seg s;
		uint32_t b[8];
		CHECK(last_seg(&s));
		CHECK_EQ(s.ack, PEER_ISS + 1);
		CHECK_EQ(s.optlen, 0);
		CHECK_EQ(sack_blocks(&s, b, 4), 0);
		tcp_close(c);
	}
}
