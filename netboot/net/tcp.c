/* tcp.c: TCP client (RFC 9293): handshake with MSS, window scale (RFC 7323) and SACK-permitted, a
 * receive buffer indexed by sequence number that keeps out-of-order data and reports it in SACK
 * blocks (RFC 2018), stretch and delayed ACKs, RTT-estimated retransmission (RFC 6298), fast
 * retransmit (RFC 5681), RST/FIN in every state; received data copied once. */
#include "drivers/netdev.h"
#include "lib/errors.h"
#include "net/net.h"
#include "net/netstack.h"
#include "net/tcp.h"
#include "services/console.h"
#include "services/heap.h"
#include "services/timer.h"

#define TCP_HLEN 20
#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

#define OPT_END 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_WS 3
#define OPT_SACK_OK 4             /* RFC 2018 */
#define OPT_SACK 5
#define OPT_MAX 40                /* the most a TCP header holds */
#define SACK_BLOCKS 4             /* 2 NOPs + kind + length + 4 * 8 bytes = 36 */

#define RTO_INIT_MS 1000          /* RFC 6298 2.1 */
#define RTO_MIN_MS 200            /* below RFC 6298's 1 s: a LAN answers in microseconds */
#define RTO_MAX_MS 8000           /* a bootloader gives up rather than wait a minute */
#define MAX_RETRIES 5             /* timeouts in a row: 1+2+4+8+8+8 s at most */
#define DUPACK_THRESH 3
#define MAX_OOO 8                 /* out-of-order ranges kept */
#define ACK_DELAY_US 500          /* longest an in-order segment waits for its ACK */
#define ACK_EVERY_MAX 64          /* in-order segments per ACK at most (a quarter window) */
#define LINGER_MS 1000
#define EPHEMERAL_FIRST 49152u
#define EPHEMERAL_COUNT 16384u

enum tcp_state {
	ST_CLOSED, ST_SYN_SENT, ST_ESTABLISHED, ST_FIN_WAIT_1, ST_FIN_WAIT_2, ST_CLOSING,
	ST_TIME_WAIT, ST_CLOSE_WAIT, ST_LAST_ACK,
};

struct range {
	uint32_t start, end;
};

struct tcp_conn {
	struct tcp_conn *next;
	enum tcp_state state;
	uint32_t rip;
	uint16_t lport, rport;
	int err;                      /* sticky */
	bool event;                   /* something changed since the last wait */

	/* send side: tx holds [snd_una, snd_una + tx_len) (SYN and FIN take no room there) */
	uint32_t iss, snd_una, snd_nxt, snd_wnd;
	uint8_t snd_shift;
	uint16_t peer_mss;
	bool sack_ok;                 /* the peer's SYN-ACK permitted SACK */
	bool fin_queued, fin_sent;
	unsigned dupacks;
	size_t tx_len;
	uint8_t tx[TCP_TXBUF];

	/* timers: retransmission (0: stopped), RTT estimation (RFC 6298, microseconds) */
	uint64_t rto_deadline, last_rx_ms;
	unsigned rto_ms, retries;
	uint32_t srtt_us, rttvar_us;
	bool rtt_timing;
	uint32_t rtt_seq;
	uint64_t rtt_start_us;

	/* receive side: rbuf holds sequence numbers [rd_seq, rd_seq + rsize) at seq % rsize */
	uint32_t irs, rcv_nxt, rd_seq, adv_edge, fin_seq;
	bool fin_seen, fin_rcvd;
	uint8_t rcv_shift;
	bool ack_pending;
	unsigned segs_unacked;
	unsigned ack_every;           /* in-order full segments per ACK (tcp_ack_every or derived) */
	uint64_t ack_due_us;          /* a delayed ACK's deadline (0: at once) */
	struct range ooo[MAX_OOO];    /* the last one holds the most recent segment beyond a gap */
	unsigned nooo;
	uint32_t rsize;
	uint32_t wnd_cap;             /* most we offer at once: what the NIC's ring holds (0: rsize) */
	uint8_t *rbuf;

	/* a reader waiting: in-order data goes straight here while nothing is buffered */
	uint8_t *dst;
	size_t dst_len, dst_got;
};

uint32_t tcp_window = TCP_WINDOW_DEFAULT;
unsigned tcp_ack_every;
struct tcp_stats tcp_stats;
static struct tcp_conn *conns;
static uint16_t next_port;

static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }

int tcp_set_window(uint32_t bytes)
{
	if (bytes < TCP_WINDOW_MIN || bytes > TCP_WINDOW_MAX)
		return -E_RANGE;
	uint32_t w = TCP_WINDOW_MIN;
	while (w * 2 <= bytes)
		w *= 2;
	tcp_window = w;
	return 0;
}

/* ---- sending ------------------------------------------------------------------------ */

static uint16_t tcp_checksum(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len)
{
	uint32_t pseudo = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) +
			  IP_PROTO_TCP + (uint32_t)len;
	return ip_checksum(seg, len, pseudo);
}

/* Free receive space from rcv_nxt. */
static uint32_t rcv_space(const struct tcp_conn *c)
{
	return c->rd_seq + c->rsize - c->rcv_nxt;
}

/* The window we offer: the free space, but never more than the NIC's receive ring holds, so
 * a burst that arrives while we are busy is not dropped by the NIC (the edge still only moves
 * right: the cap is fixed and rcv_nxt only grows). */
static uint32_t rcv_offer(const struct tcp_conn *c)
{
	uint32_t space = rcv_space(c);

	return c->wnd_cap ? MIN(space, c->wnd_cap) : space;
}

/* Stretch ACKs: a quarter of the window we offer in full segments, at least 2 (RFC 5681 4.2's
 * every second segment) and at most ACK_EVERY_MAX. Each ACK costs the guest a transmit and the
 * sender a wakeup; on an emulated NIC whose host is busy those, not the wire, set the rate.
 * The sender still gets an ACK within ACK_DELAY_US, and at once for gaps, duplicates and FIN. */
static void set_ack_every(struct tcp_conn *c)
{
	uint32_t offer = c->wnd_cap ? MIN(c->wnd_cap, c->rsize) : c->rsize;

	c->ack_every = tcp_ack_every ? tcp_ack_every
				     : MIN(MAX(offer / TCP_MSS / 4, 2u), (unsigned)ACK_EVERY_MAX);
}

/* An ACK is owed: at once (now) or after a short delay (in-order data). */
static void ack_owed(struct tcp_conn *c, bool now)
{
	if (now)
		c->ack_due_us = 0;
	else if (!c->ack_pending)
		c->ack_due_us = timer_us() + ACK_DELAY_US;
	c->ack_pending = true;
}

static bool ack_due(const struct tcp_conn *c)
{
	return c->ack_pending && (!c->ack_due_us || timer_us() >= c->ack_due_us);
}

static int emit(uint32_t dst, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		uint8_t flags, uint16_t win, const uint8_t *opts, size_t optlen,
		const uint8_t *data, size_t n)
{
	uint8_t seg[TCP_HLEN + OPT_MAX + TCP_MSS];
	size_t hlen = TCP_HLEN + optlen;

	if (n > TCP_MSS || optlen > OPT_MAX || optlen % 4)
		return -E_TOOBIG;
	put_be16(seg, sport);
	put_be16(seg + 2, dport);
	put_be32(seg + 4, seq);
	put_be32(seg + 8, ack);
	seg[12] = (uint8_t)((hlen / 4) << 4);
	seg[13] = flags;
	put_be16(seg + 14, win);
	put_be16(seg + 16, 0);
	put_be16(seg + 18, 0);
	if (optlen)
		memcpy(seg + TCP_HLEN, opts, optlen);
	if (n)
		memcpy(seg + hlen, data, n);
	put_be16(seg + 16, tcp_checksum(netconf.ip, dst, seg, hlen + n));
	tcp_stats.segs_out++;
	return ipv4_send(dst, IP_PROTO_TCP, seg, hlen + n);
}

/* SACK blocks (RFC 2018 3) for the data held beyond a gap, the range with the most recent
 * segment first, then the others newest first; returns the option bytes written. */
static size_t sack_option(const struct tcp_conn *c, uint8_t *o)
{
	unsigned k = MIN(c->nooo, (unsigned)SACK_BLOCKS);

	if (!c->sack_ok || !k)
		return 0;
	o[0] = OPT_NOP;
	o[1] = OPT_NOP;
	o[2] = OPT_SACK;
	o[3] = (uint8_t)(2 + 8 * k);
	for (unsigned i = 0; i < k; i++) {
		const struct range *r = &c->ooo[c->nooo - 1 - i];
		put_be32(o + 4 + 8 * i, r->start);
		put_be32(o + 8 + 8 * i, r->end);
	}
	return 4 + 8 * k;
}

/* One segment of c: seq, flags, n bytes of data; the ACK and window are filled in here. */
static int xmit(struct tcp_conn *c, uint32_t seq, uint8_t flags, const uint8_t *data, size_t n)
{
	uint8_t opts[OPT_MAX];
	size_t optlen = 0;
	uint32_t space = rcv_offer(c);
	uint16_t win;

	if (flags & F_SYN) {
		opts[0] = OPT_MSS;
		opts[1] = 4;
		put_be16(opts + 2, TCP_MSS);
		opts[4] = OPT_NOP;
		opts[5] = OPT_WS;
		opts[6] = 3;
		opts[7] = c->rcv_shift;
		opts[8] = OPT_NOP;
		opts[9] = OPT_NOP;
		opts[10] = OPT_SACK_OK;
		opts[11] = 2;
		optlen = 12;
		win = (uint16_t)MIN(space, 0xffffu);    /* never scaled in a SYN (RFC 7323 2.2) */
	} else {
		win = (uint16_t)MIN(space >> c->rcv_shift, 0xffffu);
		flags |= F_ACK;
		if (!(flags & F_RST))
			optlen = sack_option(c, opts);
	}
	if (flags & F_ACK) {
		c->ack_pending = false;
		c->ack_due_us = 0;
		c->segs_unacked = 0;
		c->adv_edge = c->rcv_nxt + ((uint32_t)win << c->rcv_shift);
	}
	return emit(c->rip, c->lport, c->rport, seq, (flags & F_ACK) ? c->rcv_nxt : 0, flags, win,
		    opts, optlen, data, n);
}

static void rto_start(struct tcp_conn *c)
{
	c->rto_deadline = timer_ms() + c->rto_ms;
}

/* Send what is queued and the window allows: new data, then our FIN. */
static int output(struct tcp_conn *c)
{
	int rc = 0;

	if (c->state != ST_ESTABLISHED && c->state != ST_CLOSE_WAIT)
		return 0;
	for (;;) {
		uint32_t sent = c->snd_nxt - c->snd_una;
		if (sent >= c->tx_len)
			break;
		uint32_t wnd_left = c->snd_wnd > sent ? c->snd_wnd - sent : 0;
		size_t n = MIN(MIN(c->tx_len - sent, (size_t)c->peer_mss), (size_t)wnd_left);
		if (!n) {
			if (!c->rto_deadline)
				rto_start(c);     /* the peer's window is shut: the timer probes */
			break;
		}
		if (!c->rtt_timing) {
			c->rtt_timing = true;
			c->rtt_seq = c->snd_nxt + (uint32_t)n;
			c->rtt_start_us = timer_us();
		}
		rc = xmit(c, c->snd_nxt, F_PSH, c->tx + sent, n);
		c->snd_nxt += (uint32_t)n;
		if (!c->rto_deadline)
			rto_start(c);
		if (rc < 0)
			return rc;
	}
	if (c->fin_queued && !c->fin_sent && c->snd_nxt - c->snd_una == c->tx_len) {
		c->fin_sent = true;
		rc = xmit(c, c->snd_nxt, F_FIN, NULL, 0);
		c->snd_nxt++;
		c->state = c->state == ST_ESTABLISHED ? ST_FIN_WAIT_1 : ST_LAST_ACK;
		if (!c->rto_deadline)
			rto_start(c);
	}
	return rc;
}

static int send_ack(struct tcp_conn *c)
{
	return xmit(c, c->snd_nxt, 0, NULL, 0);
}

/* The retransmission timer fired: resend the oldest unacknowledged thing with backoff (a byte
 * into a shut window is the zero-window probe). */
static int on_rto(struct tcp_conn *c)
{
	if (++c->retries > MAX_RETRIES) {
		c->err = -E_TIMEOUT;
		c->rto_deadline = 0;
		return c->err;
	}
	c->rto_ms = MIN(c->rto_ms * 2, (unsigned)RTO_MAX_MS);
	c->rtt_timing = false;                    /* Karn: no samples from retransmissions */
	c->dupacks = 0;
	tcp_stats.retransmits++;
	rto_start(c);
	if (c->state == ST_SYN_SENT)
		return xmit(c, c->iss, F_SYN, NULL, 0);
	if (c->tx_len) {
		size_t n = MIN(c->tx_len, (size_t)c->peer_mss);
		if (c->snd_nxt == c->snd_una)
			n = MIN(n, (size_t)MAX(c->snd_wnd, 1u));
		int rc = xmit(c, c->snd_una, F_PSH, c->tx, n);
		if (seq_lt(c->snd_nxt, c->snd_una + (uint32_t)n))
			c->snd_nxt = c->snd_una + (uint32_t)n;
		return rc;
	}
	if (c->fin_sent && c->snd_una != c->snd_nxt)
		return xmit(c, c->snd_nxt - 1, F_FIN, NULL, 0);
	c->rto_deadline = 0;
	return 0;
}

/* ---- RTT (RFC 6298) --------------------------------------------------------------------- */

static void rtt_sample(struct tcp_conn *c, uint32_t r)
{
	if (!c->srtt_us) {
		c->srtt_us = r ? r : 1;
		c->rttvar_us = r / 2;
	} else {
		uint32_t d = c->srtt_us > r ? c->srtt_us - r : r - c->srtt_us;
		c->rttvar_us = (3 * c->rttvar_us + d) / 4;
		c->srtt_us = (7 * c->srtt_us + r) / 8;
		if (!c->srtt_us)
			c->srtt_us = 1;
	}
	uint32_t rto = (c->srtt_us + MAX(1000u, 4 * c->rttvar_us)) / 1000;
	c->rto_ms = MIN(MAX(rto, (uint32_t)RTO_MIN_MS), (uint32_t)RTO_MAX_MS);
}

/* ---- receiving ---------------------------------------------------------------------- */

static void ring_put(struct tcp_conn *c, uint32_t seq, const uint8_t *p, size_t n)
{
	size_t off = seq & (c->rsize - 1);
	size_t first = MIN(n, c->rsize - off);

	memcpy(c->rbuf + off, p, first);
	memcpy(c->rbuf, p + first, n - first);
}

/* The end of the in-order data (the FIN takes a sequence number but no byte). */
static uint32_t data_end(const struct tcp_conn *c)
{
	return c->rcv_nxt - (c->fin_rcvd ? 1 : 0);
}

static size_t ring_take(struct tcp_conn *c, uint8_t *buf, size_t len)
{
	size_t n = MIN(len, (size_t)(data_end(c) - c->rd_seq));
	size_t off = c->rd_seq & (c->rsize - 1);
	size_t first = MIN(n, c->rsize - off);

	memcpy(buf, c->rbuf + off, first);
	memcpy(buf + first, c->rbuf, n - first);
	c->rd_seq += (uint32_t)n;
	return n;
}

/* Drop held range i, keeping the others in the order they were last touched (SACK reports the
 * newest first). */
static void ooo_remove(struct tcp_conn *c, unsigned i)
{
	memmove(&c->ooo[i], &c->ooo[i + 1], (c->nooo - i - 1) * sizeof(c->ooo[0]));
	c->nooo--;
}

/* Remember [s, e) as held beyond a gap, merging with what touches it; the merged range goes
 * last (the most recent). */
static void ooo_add(struct tcp_conn *c, uint32_t s, uint32_t e)
{
	unsigned i = 0;

	while (i < c->nooo) {
		struct range *r = &c->ooo[i];
		if (seq_le(r->start, e) && seq_le(s, r->end)) {
			if (seq_lt(r->start, s))
				s = r->start;
			if (seq_lt(e, r->end))
				e = r->end;
			ooo_remove(c, i);
			i = 0;
			continue;
		}
		i++;
	}
	if (c->nooo < MAX_OOO)
		c->ooo[c->nooo++] = (struct range){ s, e };
	/* else: dropped; the data sits in the ring but the sender will resend it */
}

/* rcv_nxt moved: take up held ranges it reached, and the FIN once everything before it is in. */
static void ooo_advance(struct tcp_conn *c)
{
	bool again = true;

	while (again) {
		again = false;
		for (unsigned i = 0; i < c->nooo; i++) {
			struct range *r = &c->ooo[i];
			if (seq_le(r->start, c->rcv_nxt)) {
				if (seq_lt(c->rcv_nxt, r->end))
					c->rcv_nxt = r->end;
				ooo_remove(c, i);
				again = true;
				break;
			}
		}
	}
}

/* In-window data at seq (already trimmed to the window). Returns true when it was in order. */
static bool take_data(struct tcp_conn *c, uint32_t seq, const uint8_t *p, size_t n)
{
	if (seq != c->rcv_nxt) {
		ring_put(c, seq, p, n);
		ooo_add(c, seq, seq + (uint32_t)n);
		tcp_stats.ooo_kept++;
		return false;
	}
	if (c->dst && c->rd_seq == c->rcv_nxt) {
		size_t k = MIN(n, c->dst_len - c->dst_got);
		memcpy(c->dst + c->dst_got, p, k);
		c->dst_got += k;
		c->rd_seq += (uint32_t)k;
		c->rcv_nxt += (uint32_t)k;
		p += k;
		n -= k;
	}
	if (n)
		ring_put(c, c->rcv_nxt, p, n);
	c->rcv_nxt += (uint32_t)n;
	ooo_advance(c);
	return true;
}

static void set_reset(struct tcp_conn *c, const char *why)
{
	if (!c->err) {
		c->err = -E_IO;
		strlcpy(err_detail, why, sizeof(err_detail));
	}
	c->state = ST_CLOSED;
	c->rto_deadline = 0;
	c->event = true;
}

/* Options of a SYN-ACK: MSS and window scale (untrusted). */
static void parse_syn_options(struct tcp_conn *c, const uint8_t *o, size_t n, bool *ws_seen)
{
	size_t i = 0;

	while (i < n) {
		uint8_t kind = o[i];
		if (kind == OPT_END)
			break;
		if (kind == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || o[i + 1] > n - i)
			break;
		uint8_t len = o[i + 1];
		if (kind == OPT_MSS && len == 4) {
			uint16_t mss = get_be16(o + i + 2);
			c->peer_mss = (uint16_t)MIN(MAX(mss, 64), TCP_MSS);
		} else if (kind == OPT_WS && len == 3) {
			*ws_seen = true;
			c->snd_shift = (uint8_t)MIN(o[i + 2], 14);
		} else if (kind == OPT_SACK_OK && len == 2) {
			c->sack_ok = true;
		}
		i += len;
	}
}

/* The ACK field of a synchronized connection (RFC 9293 3.10.7.4, fifth step). */
static void take_ack(struct tcp_conn *c, uint32_t ack, uint32_t wnd, bool pure)
{
	if (seq_lt(c->snd_nxt, ack)) {
		ack_owed(c, true);                      /* acks what we never sent */
		return;
	}
	if (seq_lt(c->snd_una, ack)) {
		uint32_t acked = ack - c->snd_una;
		uint32_t data_acked = (uint32_t)MIN((size_t)acked, c->tx_len);
		memmove(c->tx, c->tx + data_acked, c->tx_len - data_acked);
		c->tx_len -= data_acked;
		c->snd_una = ack;
		if (c->rtt_timing && seq_le(c->rtt_seq, ack)) {
			c->rtt_timing = false;
			rtt_sample(c, (uint32_t)(timer_us() - c->rtt_start_us));
		}
		c->retries = 0;
		c->dupacks = 0;
		c->rto_deadline = 0;
		if (c->snd_una != c->snd_nxt)
			rto_start(c);
		c->event = true;
	} else if (ack == c->snd_una && pure && c->snd_una != c->snd_nxt && wnd == c->snd_wnd) {
		/* A duplicate ACK: the third means the segment was lost (RFC 5681 3.2). */
		if (++c->dupacks == DUPACK_THRESH && c->tx_len) {
			tcp_stats.fast_retransmits++;
			c->rtt_timing = false;
			xmit(c, c->snd_una, F_PSH, c->tx, MIN(c->tx_len, (size_t)c->peer_mss));
			rto_start(c);
		}
	}
	if (seq_le(c->snd_una, ack)) {
		bool opened = c->snd_wnd == 0 && wnd > 0;
		c->snd_wnd = wnd;
		if (opened)
			c->event = true;
	}
	/* Our FIN acknowledged. */
	if (c->fin_sent && ack == c->snd_nxt) {
		if (c->state == ST_FIN_WAIT_1)
			c->state = ST_FIN_WAIT_2;
		else if (c->state == ST_CLOSING)
			c->state = ST_TIME_WAIT;
		else if (c->state == ST_LAST_ACK)
			c->state = ST_CLOSED;
		c->event = true;
	}
}

static void syn_sent_rx(struct tcp_conn *c, uint32_t seq, uint32_t ack, uint8_t flags,
			uint32_t wnd, const uint8_t *opts, size_t optlen)
{
	bool ack_ok = (flags & F_ACK) && ack == c->iss + 1;

	if ((flags & F_ACK) && !ack_ok) {
		if (!(flags & F_RST)) {
			tcp_stats.resets_sent++;
			emit(c->rip, c->lport, c->rport, ack, 0, F_RST, 0, NULL, 0, NULL, 0);
		}
		return;
	}
	if (flags & F_RST) {
		if (ack_ok)
			set_reset(c, "connection refused");
		return;
	}
	if (!(flags & F_SYN) || !ack_ok)
		return;                                 /* simultaneous open: not for a client */
	bool ws_seen = false;
	parse_syn_options(c, opts, optlen, &ws_seen);
	if (!ws_seen) {
		c->snd_shift = 0;
		c->rcv_shift = 0;                       /* neither side scales (RFC 7323 1.3) */
		if (c->rsize > 0xffff)
			c->rsize = 0x10000;             /* offer at most 64 KiB - 1 */
		set_ack_every(c);
	}
	c->irs = seq;
	c->rcv_nxt = c->rd_seq = seq + 1;
	c->snd_una = ack;
	c->snd_wnd = wnd;                               /* never scaled in a SYN */
	c->state = ST_ESTABLISHED;
	c->retries = 0;
	c->rto_deadline = 0;
	if (c->rtt_timing) {
		c->rtt_timing = false;
		rtt_sample(c, (uint32_t)(timer_us() - c->rtt_start_us));
	}
	c->event = true;
	send_ack(c);
}

/* Answer a segment for no connection with a RST (RFC 9293 3.10.7.1). */
static void refuse(uint32_t src, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
		   uint8_t flags, size_t dlen)
{
	if (flags & F_RST)
		return;
	tcp_stats.resets_sent++;
	if (flags & F_ACK)
		emit(src, dport, sport, ack, 0, F_RST, 0, NULL, 0, NULL, 0);
	else
		emit(src, dport, sport, 0, seq + (uint32_t)dlen + !!(flags & F_SYN) + !!(flags & F_FIN),
		     F_RST | F_ACK, 0, NULL, 0, NULL, 0);
}

void tcp_receive(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len)
{
	if (len < TCP_HLEN || dst != netconf.ip)
		return;
	size_t hlen = (size_t)(seg[12] >> 4) * 4;
	if (hlen < TCP_HLEN || hlen > len || tcp_checksum(src, dst, seg, len) != 0)
		return;
	tcp_stats.segs_in++;
	uint16_t sport = get_be16(seg), dport = get_be16(seg + 2);
	uint32_t seq = get_be32(seg + 4), ack = get_be32(seg + 8);
	uint8_t flags = seg[13];
	uint32_t wnd = get_be16(seg + 14);
	const uint8_t *data = seg + hlen;
	size_t n = len - hlen;

	struct tcp_conn *c = conns;
	while (c && !(c->lport == dport && c->rport == sport && c->rip == src))
		c = c->next;
	if (!c || c->state == ST_CLOSED) {
		refuse(src, sport, dport, seq, ack, flags, n);
		return;
	}
	c->last_rx_ms = timer_ms();
	if (c->state == ST_SYN_SENT) {
		syn_sent_rx(c, seq, ack, flags, wnd, seg + TCP_HLEN, hlen - TCP_HLEN);
		return;
	}
	wnd <<= c->snd_shift;

	/* Acceptability (RFC 9293 3.10.7.4, first step). */
	uint32_t seglen = (uint32_t)n + !!(flags & F_SYN) + !!(flags & F_FIN);
	uint32_t space = rcv_space(c);
	bool ok;
	if (seglen == 0)
		ok = space == 0 ? seq == c->rcv_nxt
				: seq_le(c->rcv_nxt, seq) && seq_lt(seq, c->rcv_nxt + space);
	else
		ok = space != 0 && (seq_le(c->rcv_nxt, seq) ? seq_lt(seq, c->rcv_nxt + space)
							    : seq_lt(c->rcv_nxt, seq + seglen));
	if (!ok) {
		if (!(flags & F_RST)) {
			if (space == 0)
				tcp_stats.window_probes_answered++;
			else
				tcp_stats.dup_dropped++;
			send_ack(c);
		}
		return;
	}
	if (flags & F_RST) {
		if (seq == c->rcv_nxt)
			set_reset(c, "connection reset by the server");
		else
			send_ack(c);                    /* challenge ACK (RFC 5961 3.2) */
		return;
	}
	if (flags & F_SYN) {
		send_ack(c);                            /* challenge ACK (RFC 5961 4.2) */
		return;
	}
	if (!(flags & F_ACK))
		return;
	take_ack(c, ack, wnd, n == 0 && !(flags & F_FIN));
	if (c->state == ST_CLOSED)
		return;

	/* Data: trim what we already have and what lies beyond the window. */
	bool ack_now = false;
	uint32_t end = seq + (uint32_t)n;
	if (seq_lt(seq, c->rcv_nxt)) {
		uint32_t skip = c->rcv_nxt - seq;
		if (skip >= n) {
			n = 0;
		} else {
			data += skip;
			n -= skip;
		}
		seq = c->rcv_nxt;
		ack_now = true;                         /* a duplicate: tell the sender */
		tcp_stats.dup_dropped++;
	}
	if (n > space - (seq - c->rcv_nxt)) {
		n = space - (seq - c->rcv_nxt);
		flags &= (uint8_t)~F_FIN;               /* its FIN lies beyond the window too */
	}
	bool can_take = !c->fin_rcvd && c->state != ST_CLOSE_WAIT && c->state != ST_CLOSING &&
			c->state != ST_LAST_ACK && c->state != ST_TIME_WAIT;
	if (n && can_take) {
		bool held = c->nooo != 0;
		if (!take_data(c, seq, data, n))
			ack_now = true;                 /* a gap: duplicate ACKs start fast retransmit */
		else if (held)
			ack_now = true;                 /* a gap filled (RFC 5681 4.2) */
		else if (++c->segs_unacked >= c->ack_every)
			ack_now = true;                 /* see set_ack_every() */
		ack_owed(c, ack_now);
		c->event = true;
	}
	if ((flags & F_FIN) && !c->fin_seen) {
		c->fin_seen = true;
		c->fin_seq = end;
	}
	if (c->fin_seen && !c->fin_rcvd && c->rcv_nxt == c->fin_seq) {
		c->fin_rcvd = true;
		c->rcv_nxt++;
		ack_now = true;
		c->event = true;
		if (c->state == ST_ESTABLISHED)
			c->state = ST_CLOSE_WAIT;
		else if (c->state == ST_FIN_WAIT_1)
			c->state = c->snd_una == c->snd_nxt ? ST_TIME_WAIT : ST_CLOSING;
		else if (c->state == ST_FIN_WAIT_2)
			c->state = ST_TIME_WAIT;
	}
	if (ack_now)
		send_ack(c);
}

/* ---- waiting ------------------------------------------------------------------------ */

static bool wait_done(void *ctx)
{
	struct tcp_conn *c = ctx;

	return c->event || c->err || ack_due(c) || (c->dst && c->dst_got >= c->dst_len);
}

/* After the reader made room: announce a window whose edge moved by a quarter of what we offer
 * or more (so a shut window reopens; RFC 9293 3.8.6.2.2 receiver-side silly window avoidance).
 * Smaller moves ride on the next ACK: an update per two segments read doubles the ACKs. */
static void window_update(struct tcp_conn *c)
{
	uint32_t edge = c->rcv_nxt + rcv_offer(c);
	uint32_t grow = MAX((c->wnd_cap ? MIN(c->wnd_cap, c->rsize) : c->rsize) / 4,
			    (uint32_t)TCP_MSS);

	if (c->state == ST_ESTABLISHED || c->state == ST_FIN_WAIT_1 || c->state == ST_FIN_WAIT_2)
		if (seq_le(c->adv_edge + grow, edge))
			send_ack(c);
}

/* Poll until something happens, a timer fires or the user cancels; run the timers. Sends the
 * ACK the last burst earned once the NIC is drained, or else the window the reader has opened
 * since our last segment: a sender whose window shrank below a segment waits for it (a BSD
 * sender, like QEMU's slirp, only probes after its 5 s persist timer: 40 KiB/s). Returns the
 * sticky error or 0. */
static int step(struct tcp_conn *c)
{
	if (c->err)
		return c->err;
	if (ack_due(c))
		send_ack(c);
	else
		window_update(c);
	c->event = false;
	/* The retransmission timer bounds the wait while something is unacknowledged; the idle
	 * limit while we only wait for the peer's data; a delayed ACK is sent from wait_done. */
	uint64_t deadline = c->rto_deadline ? c->rto_deadline : c->last_rx_ms + TCP_IDLE_MS;
	int rc = net_wait(wait_done, c, deadline);
	if (rc == -E_TIMEOUT) {
		uint64_t now = timer_ms();
		if (c->rto_deadline && now >= c->rto_deadline)
			rc = on_rto(c);
		else if (!c->rto_deadline && now >= c->last_rx_ms + TCP_IDLE_MS)
			rc = c->err = -E_TIMEOUT;
		else
			rc = 0;
	} else if (rc < 0) {
		c->err = rc;
	}
	if (ack_due(c) && !c->err)
		send_ack(c);
	return c->err ? c->err : (rc < 0 ? rc : 0);
}

/* ---- the API ------------------------------------------------------------------------ */

static uint16_t ephemeral_port(uint32_t ip, uint16_t port)
{
	if (!next_port)
		next_port = (uint16_t)(EPHEMERAL_FIRST + ((uint32_t)timer_us() * 2654435761u >> 18) %
				       EPHEMERAL_COUNT);
	for (;;) {
		uint16_t p = next_port;
		next_port = p == 0xffff ? (uint16_t)EPHEMERAL_FIRST : (uint16_t)(p + 1);
		struct tcp_conn *c = conns;
		while (c && !(c->lport == p && c->rip == ip && c->rport == port))
			c = c->next;
		if (!c)
			return p;
	}
}

static void unlink_conn(struct tcp_conn *c)
{
	for (struct tcp_conn **pp = &conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			return;
		}
	}
}

static void free_conn(struct tcp_conn *c)
{
	unlink_conn(c);
	free(c->rbuf);
	free(c);
}

int tcp_connect(struct tcp_conn **out, uint32_t ip, uint16_t port)
{
	struct tcp_conn *c;
	int rc;

	if (!out || !ip || !port)
		return -E_INVAL;
	if (!netconf.ip)
		return -E_NONET;
	c = malloc(sizeof(*c));
	if (!c)
		return -E_NOMEM;
	memset(c, 0, sizeof(*c));
	c->rsize = tcp_window;
	/* 3/4 of the ring in full segments leaves room for stray frames (as TFTP's window). */
	if (net_dev && net_dev->rx_frames)
		c->wnd_cap = MIN(c->rsize, (uint32_t)MAX(2, net_dev->rx_frames * 3 / 4) * TCP_MSS);
	set_ack_every(c);
	c->rbuf = malloc(c->rsize);
	if (!c->rbuf) {
		free(c);
		return -E_NOMEM;
	}
	c->rip = ip;
	c->rport = port;
	c->lport = ephemeral_port(ip, port);
	c->rcv_shift = 0;
	while ((c->rsize >> c->rcv_shift) > 0xffff)
		c->rcv_shift++;
	c->peer_mss = 536;                              /* RFC 9293 3.7.1 default */
	c->rto_ms = RTO_INIT_MS;
	uint64_t t = timer_us();
	c->iss = (uint32_t)(t * 2654435761u) ^ (uint32_t)(t >> 32) ^ ((uint32_t)c->lport << 16);
	c->snd_una = c->iss;
	c->snd_nxt = c->iss + 1;
	c->state = ST_SYN_SENT;
	c->next = conns;
	conns = c;

	/* The clocks start after the send: it may have waited for ARP. */
	c->rtt_timing = true;
	c->rtt_seq = c->iss + 1;
	rc = xmit(c, c->iss, F_SYN, NULL, 0);
	if (rc < 0)
		goto err;
	c->rtt_start_us = timer_us();
	c->last_rx_ms = timer_ms();
	rto_start(c);
	while (c->state == ST_SYN_SENT && !c->err)
		step(c);
	if (c->err) {
		rc = c->err;
		goto err;
	}
	*out = c;
	return 0;
err:
	free_conn(c);
	return rc;
}

int tcp_send(struct tcp_conn *c, const void *buf, size_t len)
{
	if (!c || (!buf && len))
		return -E_INVAL;
	if (c->err)
		return c->err;
	if (c->state != ST_ESTABLISHED && c->state != ST_CLOSE_WAIT)
		return -E_IO;
	if (len > TCP_TXBUF - c->tx_len)
		return -E_TOOBIG;
	memcpy(c->tx + c->tx_len, buf, len);
	c->tx_len += len;
	return output(c);
}

bool tcp_eof(const struct tcp_conn *c)
{
	return c->fin_rcvd && c->rd_seq + 1 == c->rcv_nxt;
}

bool tcp_usable(const struct tcp_conn *c)
{
	return c && !c->err && c->state == ST_ESTABLISHED && !c->fin_seen;
}

int tcp_recv(struct tcp_conn *c, void *buf, size_t len, size_t want)
{
	uint8_t *out = buf;
	size_t got;

	if (!c || (!buf && len))
		return -E_INVAL;
	len = MIN(len, (size_t)0x7fffffff);
	want = MIN(MAX(want, (size_t)1), len);
	got = ring_take(c, out, len);
	while (got < want && !c->err && !c->fin_rcvd && c->state != ST_CLOSED) {
		c->dst = out;
		c->dst_len = len;
		c->dst_got = got;
		step(c);
		got = c->dst_got;
		c->dst = NULL;
		got += ring_take(c, out + got, len - got);
	}
	if (c->fin_rcvd)
		got += ring_take(c, out + got, len - got);
	window_update(c);
	if (c->err && (c->err == -E_CANCELED || !got))
		return c->err;
	return (int)got;
}

static bool closed_enough(const struct tcp_conn *c)
{
	return c->state == ST_CLOSED || c->state == ST_TIME_WAIT;
}

void tcp_close(struct tcp_conn *c)
{
	if (!c)
		return;
	bool clean = !c->err && c->rd_seq == data_end(c) && !c->nooo &&
		     (c->state == ST_ESTABLISHED || c->state == ST_CLOSE_WAIT);
	if (clean) {
		c->fin_queued = true;
		output(c);
		uint64_t until = timer_ms() + LINGER_MS;
		while (!closed_enough(c) && !c->err && timer_ms() < until) {
			c->event = false;
			if (c->ack_pending)
				send_ack(c);
			if (net_wait(wait_done, c, MIN(until, c->rto_deadline ? c->rto_deadline : until)) ==
				    -E_TIMEOUT && c->rto_deadline && timer_ms() >= c->rto_deadline)
				on_rto(c);
			if (console_abort_requested())
				break;
			/* Data after our FIN is of no use: drop it but keep acknowledging. */
			c->rd_seq = data_end(c);
		}
	} else if (c->state != ST_CLOSED && c->state != ST_SYN_SENT) {
		tcp_stats.resets_sent++;
		emit(c->rip, c->lport, c->rport, c->snd_nxt, 0, F_RST, 0, NULL, 0, NULL, 0);
	}
	free_conn(c);
}
