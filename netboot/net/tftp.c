/* tftp.c: TFTP read client (RFC 1350) with option negotiation (RFC 2347/2348/2349) and windows (RFC 7440). */
#include "lib/errors.h"
#include "net/netstack.h"
#include "net/tftp.h"
#include "services/heap.h"
#include "services/timer.h"

#define OP_RRQ 1
#define OP_DATA 3
#define OP_ACK 4
#define OP_ERROR 5
#define OP_OACK 6

#define ERR_UNDEFINED 0
#define ERR_NOT_FOUND 1
#define ERR_ACCESS 2
#define ERR_UNKNOWN_TID 5
#define ERR_OPTION 8

#define TFTP_MIN_BLKSIZE 8
#define TFTP_MAX_BLKSIZE TFTP_DEFAULT_BLKSIZE   /* no IP fragments: one block per frame */
#define TFTP_TIMEOUT_OPT 1                      /* seconds (RFC 2349's shortest), asked of the server */
#define TFTP_UTIMEOUT_OPT 10000                 /* microseconds (tftpd-hpa's utimeout), asked too */
/* Our retransmission timer (RFC 6298 style, from measured round trips): before the first
 * sample, after a floor in milliseconds rather than RFC 6298's second (a boot server is on
 * the LAN), and backing off to a cap that still outlasts a server's own 1-2 s timer. */
#define TFTP_RTO_INIT_MS 1000
#define TFTP_RTO_MIN_MS 10
#define TFTP_RTO_MAX_MS 3000
#define TFTP_TRIES 12                           /* timeouts without progress before giving up */
/* tftpd-hpa, having granted utimeout U, sends a block at most six times, doubling its wait,
 * and ends the transfer without a word 63 U after the first (tftpd.c, timer()); silence this
 * long (or 100 U when larger) after the last progress means it is gone. */
#define TFTP_SERVER_GONE_MS 2000
#define TFTP_REQ_MAX 512
#define TFTP_MIN_SLOTS 64                       /* the receive ring holds at least this many blocks */

char tftp_last_error[TFTP_ERRMSG_MAX];
struct tftp_stats tftp_last_stats;

struct tftp_conn {
	bool in_use;
	uint32_t server;
	uint16_t lport;
	uint16_t tid;                 /* the server's port: 0 until its first answer */
	bool answered;                /* OACK or DATA 1 seen */
	uint16_t ask_blksize, ask_window;      /* what we asked for (0: not asked) */
	bool ask_tsize, ask_timeout, ask_utimeout;
	uint16_t blksize, window;     /* in force */
	uint64_t tsize;
	unsigned server_rexmt_ms;     /* the utimeout a server granted (tftpd-hpa), 0: none */

	uint64_t next;                /* the next block expected, counting from 1 (no wrap) */
	uint64_t acked;               /* the last block we acknowledged */
	bool done;                    /* the last (short) block arrived */
	int err;                      /* sticky failure */
	bool peer_error;              /* the server ended it with an ERROR */
	uint16_t peer_code;           /* ... with this code */
	bool reacked;                 /* a gap/duplicate was answered since the last progress */
	bool progress;                /* something useful arrived since the last wait */

	/* Replies are sent from the poll loop, never from inside the receive handler. */
	bool ack_due;                 /* send ACK(next - 1) */
	bool ack_timed;               /* ... and time the answer (a window or lock-step ACK) */
	bool ack_deferred;            /* the window is complete but there is no room for the next */
	bool err8_due;                /* reject the OACK */
	bool err5_due;                /* tell a stray sender it is not our peer */
	uint32_t err5_ip;
	uint16_t err5_port;

	uint64_t timer_start;         /* when the retransmit timer was last (re)started */
	unsigned rto_ms, tries;       /* current timeout (backed off) and timeouts in a row */
	uint64_t quiet_since;         /* when the request went out or the last progress came */
	/* Round-trip estimation (RFC 6298, in microseconds); Karn: only requests and ACKs sent
	 * once are timed. */
	uint32_t srtt_us, rttvar_us;
	bool have_rtt;
	uint64_t sample_at;           /* when the timed packet went out (0: nothing timed) */
	/* Time the reader spends away between reads (hashing, copying) is not the network's: a
	 * sample leaves it out. (An answer that came while the reader was away then counts as
	 * quicker than it was, which the timeout's floor covers.) With big windows the reader
	 * is served from the ring between nearly every ACK and its answer. */
	uint64_t away_us, away_since, sample_away;
	unsigned epoch;               /* bumped whenever tftp_open/tftp_read return */
	uint64_t ack_at_ms;           /* when our last ACK went out */
	/* Spacing of blocks within a flight (a server may pace them: atftpd does after gaps):
	 * rises at once, falls slowly; a flight is thought ended only after a few of these. */
	uint32_t iat_us;
	uint64_t last_data_us;        /* when the last in-order block came */
	unsigned data_epoch;          /* ... in this epoch */
	bool iat_skip;                /* an ACK went since: the next block may be its answer */
	/* The server's current flight, as RFC 7440 has it: an ACK it takes starts a flight of a
	 * window after the block acknowledged, and it waits at the flight's end. atftpd 0.8 takes
	 * the first ACK that comes during a flight and ignores the rest until that end; an ACK
	 * sent while it waits is always taken. The flight's last block is the moment to speak. */
	uint64_t flight_end;          /* the last block of the flight our last taken ACK asked for */
	bool server_waiting;          /* that block came (or silence): the next ACK is taken */
	unsigned mid_acks;            /* ACKs sent during the current flight */
	unsigned since_ack;           /* blocks from the server since our last ACK */
	bool alive;                   /* ... one of which restarted the timer (ends the wait) */

	/* Where data goes: straight into the reader's buffer while one waits and nothing is
	 * queued; else into the ring, a slot per block for blocks rd_block .. rd_block + slots - 1.
	 * Blocks before `next` there are in order and wait for the reader; blocks after it came
	 * ahead of a hole and are kept until it fills (a server resends from the hole, but what is
	 * kept need not arrive again). */
	uint8_t *dst;
	size_t dst_len, dst_got;
	uint8_t *ring;                /* slots * slot_size bytes, from the heap */
	uint16_t *slot_len;           /* 0: empty, else the block's length + 1 */
	uint32_t slots, slot_size, rd_slot;
	uint64_t rd_block;            /* the block the reader takes next ... */
	size_t rd_off;                /* ... from this byte of it */
	size_t req_len;
	uint8_t req[TFTP_REQ_MAX];
};


/* ---- the receive ring --------------------------------------------------------------- */

/* The slot of block b (rd_block <= b < rd_block + slots). */
static uint32_t slot_of(const struct tftp_conn *c, uint64_t b)
{
	uint32_t s = c->rd_slot + (uint32_t)(b - c->rd_block);

	return s >= c->slots ? s - c->slots : s;
}

/* Room for the flight an ACK of everything we have asks for (the blocks up to next - 1 + window
 * must all have slots), so that none of it is dropped for want of space. */
static bool ring_room_for_window(const struct tftp_conn *c)
{
	return c->next - c->rd_block + c->window <= c->slots;
}

/* The reader is done with block rd_block (held in the ring or never put there). */
static void ring_pop(struct tftp_conn *c)
{
	c->rd_block++;
	c->rd_slot = c->rd_slot + 1 == c->slots ? 0 : c->rd_slot + 1;
}

/* Put block b (n bytes) in its slot. */
static void ring_put(struct tftp_conn *c, uint64_t b, const uint8_t *p, size_t n)
{
	uint32_t s = slot_of(c, b);

	memcpy(c->ring + (size_t)s * c->slot_size, p, n);
	c->slot_len[s] = (uint16_t)(n + 1);
}

/* Move `next` over blocks kept ahead of a hole that has just filled. */
static void ring_advance(struct tftp_conn *c)
{
	while (!c->done && c->next - c->rd_block < c->slots) {
		uint32_t s = slot_of(c, c->next);
		if (!c->slot_len[s])
			return;
		c->next++;
		tftp_last_stats.blocks++;
		if (c->slot_len[s] - 1u < c->blksize)
			c->done = true;
	}
}

/* Copy up to len bytes of in-order data to buf (NULL: drop them), freeing the slots read. */
static size_t ring_take(struct tftp_conn *c, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len && c->rd_block < c->next) {
		uint32_t s = c->rd_slot;
		size_t blen = c->slot_len[s] - 1u;
		size_t n = MIN(len - got, blen - c->rd_off);

		if (buf)
			memcpy(buf + got, c->ring + (size_t)s * c->slot_size + c->rd_off, n);
		got += n;
		c->rd_off += n;
		if (c->rd_off == blen) {
			c->slot_len[s] = 0;
			c->rd_off = 0;
			ring_pop(c);
		}
	}
	return got;
}

/* ---- the retransmission timer ------------------------------------------------------ */

/* The timeout the estimate gives (RFC 6298 2.3: SRTT + 4 RTTVAR), within floor and cap. */
static unsigned rto_estimate(const struct tftp_conn *c)
{
	/* Before a sample: RFC 6298's second, or the retransmission time a server granted with
	 * utimeout: tftpd-hpa gives up after about six of its own, so a lost ACK must be repeated
	 * well before a second (the request's round trip is not timed when it was repeated). */
	if (!c->have_rtt)
		return c->server_rexmt_ms ? MAX(c->server_rexmt_ms, (unsigned)TFTP_RTO_MIN_MS)
					  : TFTP_RTO_INIT_MS;
	uint64_t ms = (c->srtt_us + 4ull * c->rttvar_us + 999) / 1000;
	return (unsigned)MIN(MAX(ms, (uint64_t)TFTP_RTO_MIN_MS), (uint64_t)TFTP_RTO_MAX_MS);
}

/* Time the answer to the packet just sent (a request, or an ACK sent once: Karn). */
static void time_answer(struct tftp_conn *c)
{
	c->sample_at = timer_us();
	c->sample_away = c->away_us;
}

/* The answer to a timed packet arrived: one round-trip sample (RFC 6298 2.2/2.3). */
static void rtt_sample(struct tftp_conn *c)
{
	if (!c->sample_at)
		return;
	uint64_t away = c->away_us - c->sample_away;
	uint64_t r = timer_us() - c->sample_at;
	c->sample_at = 0;
	r = r > away ? r - away : 0;
	/* Later than our timer would have fired, had a flight's silence not stretched it: the
	 * answer may be to the server's own timer, not to the packet timed. */
	if (c->have_rtt && r > (uint64_t)c->rto_ms * 1000)
		return;
	r = MIN(r, (uint64_t)TFTP_RTO_MAX_MS * 1000);
	if (!c->have_rtt) {
		c->srtt_us = (uint32_t)r;
		c->rttvar_us = (uint32_t)(r / 2);
		c->have_rtt = true;
	} else {
		uint64_t delta = r > c->srtt_us ? r - c->srtt_us : c->srtt_us - r;
		c->rttvar_us = (uint32_t)((3ull * c->rttvar_us + delta) / 4);
		c->srtt_us = (uint32_t)((7ull * c->srtt_us + r) / 8);
	}
}

/* An in-order block arrived: time it against the one before when both are of one flight (no
 * ACK of ours between them) and the reader did not have the CPU in between. */
static void iat_sample(struct tftp_conn *c)
{
	uint64_t now = timer_us();

	if (c->last_data_us && !c->iat_skip && c->data_epoch == c->epoch) {
		uint64_t r = MIN(now - c->last_data_us, (uint64_t)TFTP_RTO_MAX_MS * 1000);
		c->iat_us = r > c->iat_us ? (uint32_t)r : (uint32_t)((7ull * c->iat_us + r) / 8);
	}
	c->last_data_us = now;
	c->data_epoch = c->epoch;
	c->iat_skip = false;
}

/* How long silence lasts before we act: the timeout, but in the middle of a flight (blocks came
 * since our last ACK) no less than a few block spacings, so a paced server is not cut short by
 * an ACK in the middle of its window (which atftpd answers by pacing more). */
static unsigned silence_ms(const struct tftp_conn *c)
{
	unsigned ms = c->rto_ms;

	if (c->answered && c->next - 1 > c->acked)
		ms = MAX(ms, (unsigned)MIN(4ull * c->iat_us / 1000 + 1, (uint64_t)TFTP_RTO_MAX_MS));
	return ms;
}

/* ---- sending ------------------------------------------------------------------------ */

static int send_error(uint32_t ip, uint16_t lport, uint16_t port, uint16_t code, const char *msg)
{
	uint8_t pkt[64];
	size_t n = strnlen(msg, sizeof(pkt) - 5);

	pkt[0] = 0;
	pkt[1] = OP_ERROR;
	pkt[2] = (uint8_t)(code >> 8);
	pkt[3] = (uint8_t)code;
	memcpy(pkt + 4, msg, n);
	pkt[4 + n] = 0;
	return udp_send(ip, lport, port, pkt, 5 + n);
}

static int send_ack(struct tftp_conn *c)
{
	uint8_t pkt[4];
	uint16_t block = (uint16_t)(c->next - 1);

	pkt[0] = 0;
	pkt[1] = OP_ACK;
	pkt[2] = (uint8_t)(block >> 8);
	pkt[3] = (uint8_t)block;
	c->acked = c->next - 1;
	/* Taken when the server waits at its flight's end, or as the first of a flight (a second
	 * is ignored by atftpd: the flight's end then stays). */
	if (c->server_waiting || !c->mid_acks)
		c->flight_end = c->acked + c->window;
	c->mid_acks = c->server_waiting ? 0 : c->mid_acks + 1;
	c->server_waiting = false;
	c->since_ack = 0;
	c->iat_skip = true;
	c->timer_start = c->ack_at_ms = timer_ms();
	int rc = udp_send(c->server, c->lport, c->tid, pkt, sizeof(pkt));
	/* tftpd-hpa (the server that grants utimeout) never answers a repeated ACK (RFC 1350's
	 * Sorcerer's Apprentice) and lock-step is all it does, so a lost ACK costs its whole
	 * retransmission time: the ACK goes twice, and only losing both costs that. */
	if (rc == 0 && c->server_rexmt_ms && c->window == 1)
		rc = udp_send(c->server, c->lport, c->tid, pkt, sizeof(pkt));
	return rc;
}

/* Ask for an acknowledgement of everything received so far: at once when the ring can take
 * the window that answers it, else when the reader has made room. */
static void want_ack(struct tftp_conn *c)
{
	if (c->done || ring_room_for_window(c))
		c->ack_due = true;
	else
		c->ack_deferred = true;
}

/* Send what the receive handler decided on. */
static int flush(struct tftp_conn *c)
{
	int rc = 0;

	if (c->ack_deferred && ring_room_for_window(c)) {
		c->ack_deferred = false;
		c->ack_due = true;
	}
	if (c->err5_due) {
		c->err5_due = false;
		send_error(c->err5_ip, c->lport, c->err5_port, ERR_UNKNOWN_TID, "unknown transfer ID");
	}
	if (c->err8_due) {
		c->err8_due = false;
		send_error(c->server, c->lport, c->tid, ERR_OPTION, "option negotiation failed");
	}
	if (c->ack_due && !c->err) {
		c->ack_due = false;
		bool timed = c->ack_timed;
		c->ack_timed = false;
		rc = send_ack(c);
		/* Time only an ACK that asks for new data and is not a repeat (Karn). */
		if (timed && !c->done)
			time_answer(c);
		else
			c->sample_at = 0;
	}
	return rc;
}

/* ---- receiving ---------------------------------------------------------------------- */

static bool name_is(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		if (x != *b)
			return false;
	}
	return *a == *b;
}

/* A decimal option value (untrusted, NUL-terminated within its packet). */
static int parse_value(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -E_PROTO;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return -E_PROTO;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* Apply an OACK (p: after the opcode, n bytes): only options we asked for, with values no
 * larger than asked. Returns 0 or -E_PROTO. */
static int parse_oack(struct tftp_conn *c, const uint8_t *p, size_t n)
{
	uint16_t blksize = 512, window = 1;
	uint64_t tsize = 0, utimeout = 0, v;
	unsigned seen = 0;
	size_t pos = 0;

	while (pos < n) {
		const char *name = (const char *)p + pos;
		size_t nl = strnlen(name, n - pos);
		if (nl == 0 || nl == n - pos)
			return -E_PROTO;
		pos += nl + 1;
		const char *val = (const char *)p + pos;
		size_t vl = strnlen(val, n - pos);
		if (pos >= n || vl == n - pos || parse_value(val, &v) < 0)
			return -E_PROTO;
		pos += vl + 1;

		unsigned bit;
		if (name_is(name, "blksize") && c->ask_blksize) {
			if (v < TFTP_MIN_BLKSIZE || v > c->ask_blksize)
				return -E_PROTO;
			blksize = (uint16_t)v;
			bit = 1;
		} else if (name_is(name, "windowsize") && c->ask_window) {
			if (v < 1 || v > c->ask_window)
				return -E_PROTO;
			window = (uint16_t)v;
			bit = 2;
		} else if (name_is(name, "tsize") && c->ask_tsize) {
			tsize = v;
			bit = 4;
		} else if (name_is(name, "timeout") && c->ask_timeout) {
			if (v < 1 || v > TFTP_TIMEOUT_OPT)
				return -E_PROTO;
			bit = 8;
		} else if (name_is(name, "utimeout") && c->ask_utimeout) {
			if (v < 1 || v > TFTP_UTIMEOUT_OPT)
				return -E_PROTO;
			utimeout = v;
			bit = 16;
		} else {
			return -E_PROTO;          /* not something we asked for */
		}
		if (seen & bit)
			return -E_PROTO;
		seen |= bit;
	}
	c->blksize = blksize;
	c->window = window;
	c->tsize = tsize;
	c->server_rexmt_ms = (unsigned)((utimeout + 999) / 1000);
	return 0;
}

/* Set the sticky error from a server's ERROR packet (p: after the opcode). */
static void take_error(struct tftp_conn *c, const uint8_t *p, size_t n)
{
	uint16_t code = n >= 2 ? get_be16(p) : ERR_UNDEFINED;
	size_t ml = n > 2 ? strnlen((const char *)p + 2, MIN(n - 2, sizeof(tftp_last_error) - 1)) : 0;

	if (ml)
		memcpy(tftp_last_error, p + 2, ml);
	tftp_last_error[ml] = '\0';
	c->err = code == ERR_NOT_FOUND ? -E_NOENT : code == ERR_ACCESS ? -E_ACCESS : -E_IO;
	c->peer_error = true;
	c->peer_code = code;
	c->progress = true;
}

/* A block other than the next in order (b: its number, 0 when from before the file's start). */
static void take_out_of_order(struct tftp_conn *c, uint64_t b, bool behind, const uint8_t *p,
			      size_t n)
{
	/* A block ahead of `next` (by less than half the number space) means blocks were lost:
	 * keep it for when the hole fills and acknowledge the last in-order block at once (RFC
	 * 7440 section 4). An old block while nothing new has come since our last ACK means that
	 * ACK was lost - unless it came sooner than half a timeout after that ACK: then it
	 * crossed it, and answering it would start the Sorcerer's Apprentice (RFC 1350) with a
	 * server that answers duplicate ACKs. Either way, answer once until there is progress. */
	bool kept = !behind && !c->done && n <= c->blksize && b - c->rd_block < c->slots &&
		    !c->slot_len[slot_of(c, b)];
	c->iat_skip = true;                   /* the next in-order block is no spacing sample */
	if (kept) {
		ring_put(c, b, p, n);
		tftp_last_stats.kept++;
	} else {
		tftp_last_stats.dropped++;
	}
	/* A server resending what we have (before it comes to the hole) is no silence, for
	 * as long as one flight may last: it cannot keep us waiting longer than that. */
	if (c->since_ack <= c->window) {
		uint64_t now_ms = timer_us() / 1000;
		if (now_ms - c->timer_start >= silence_ms(c) / 2) {
			c->timer_start = now_ms;      /* (ends the wait now and then, not per block) */
			c->alive = true;
		}
	}
	if (c->server_waiting && !c->ack_deferred && !c->done &&
	    (c->reacked || c->next - 1 > c->acked)) {
		/* The flight ended with a hole still open, or on a block we already have:
		 * say where we are now, to a server waiting at the flight's end, which takes
		 * it and starts a new flight after it. Timed when it says something new
		 * (Karn): with big windows nearly every ACK is one of these. */
		if (!c->ack_due)
			tftp_last_stats.flight_end_acks++;
		c->ack_due = true;
		c->ack_timed = c->next - 1 > c->acked;
		c->sample_at = 0;
		return;
	}
	if (c->reacked || c->ack_deferred)
		return;
	if (behind && (c->next - 1 != c->acked ||
		       timer_ms() - c->ack_at_ms < rto_estimate(c) / 2))
		return;
	c->reacked = true;
	c->ack_due = true;
	c->sample_at = 0;
	if (!behind)
		tftp_last_stats.gap_acks++;
}

/* The next block in order (b == next): to the reader or the ring, then what it makes due. */
static void take_in_order(struct tftp_conn *c, uint64_t b, const uint8_t *p, size_t n)
{
	if (c->done || n > c->blksize || b - c->rd_block >= c->slots)
		return;                           /* no room (the server overran the window) */

	size_t direct = 0;
	if (c->dst && c->rd_block == c->next)
		direct = MIN(n, c->dst_len - c->dst_got);
	if (direct) {
		memcpy(c->dst + c->dst_got, p, direct);
		c->dst_got += direct;
	}
	if (direct == n && c->rd_block == c->next) {
		ring_pop(c);                      /* the reader has it all: no slot */
	} else {
		ring_put(c, b, p, n);
		if (direct)
			c->rd_off = direct;
	}
	if (n < c->blksize)
		c->done = true;
	c->next++;
	tftp_last_stats.blocks++;
	ring_advance(c);                      /* blocks kept ahead of this one follow it */

	iat_sample(c);
	c->progress = true;
	c->reacked = false;
	if (c->done) {
		c->ack_due = true;
	} else if (c->next - 1 - c->acked >= c->window || c->server_waiting) {
		/* A whole window since our last ACK, counted from that ACK (after a gap's ACK the
		 * server starts its next window at the gap, RFC 7440 section 4), or the end of the
		 * server's flight: this ACK is the one it waits for. No ACK in between: atftpd 0.8
		 * paces its sending (a select() of a few microseconds per block, which a busy host
		 * stretches to a scheduler tick) a little more for every ACK it takes that is not a
		 * window's end. A server that resends only to its old window's end gets its ACK
		 * from the timer (wait_step). */
		c->ack_timed = true;
		want_ack(c);
	}
}

/* One DATA packet from our peer. */
static void take_data(struct tftp_conn *c, uint16_t block, const uint8_t *p, size_t n)
{
	uint16_t ahead = (uint16_t)(block - (uint16_t)c->next);
	bool behind = ahead >= 0x8000;
	uint64_t back = 0x10000u - ahead;
	/* The block's number counting from 1 without wrap (0: from before the file's start). */
	uint64_t b = !behind ? c->next + ahead : c->next > back ? c->next - back : 0;

	if (b && b == c->flight_end)
		c->server_waiting = true;         /* the server's flight ends here: it waits */
	c->since_ack++;
	if (c->sample_at && b > c->acked) {
		/* The answer to a timed ACK is the block after it; any later one means that was
		 * lost, and timing whatever comes later would count the loss as wire. */
		if (b == c->acked + 1)
			rtt_sample(c);
		else
			c->sample_at = 0;
	}
	if (ahead != 0)
		take_out_of_order(c, b, behind, p, n);
	else
		take_in_order(c, b, p, n);
}

static void tftp_rx(void *ctx, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
		    const uint8_t *data, size_t len)
{
	struct tftp_conn *c = ctx;

	if (!c->in_use || src_ip != c->server || len < 2 || c->err)
		return;
	uint16_t op = get_be16(data);
	if (c->tid && src_port != c->tid) {
		if (op != OP_ERROR && !c->err5_due) {     /* never answer an error with an error */
			c->err5_due = true;
			c->err5_ip = src_ip;
			c->err5_port = src_port;
		}
		return;
	}

	if (op == OP_ERROR) {
		take_error(c, data + 2, len - 2);
		return;
	}
	if (op == OP_OACK) {
		if (c->answered) {
			/* The server did not get our ACK 0 and repeats itself. */
			if (c->next == 1 && !c->reacked) {
				c->reacked = true;
				c->ack_due = true;
			}
			return;
		}
		c->tid = src_port;
		c->answered = true;
		c->progress = true;
		if (parse_oack(c, data + 2, len - 2) < 0) {
			c->err = -E_PROTO;
			c->err8_due = true;
			return;
		}
		rtt_sample(c);
		c->ack_due = true;                /* ACK 0 starts the data */
		c->ack_timed = true;
		return;
	}
	if (op == OP_DATA && len >= 4) {
		uint16_t block = get_be16(data + 2);
		if (!c->answered) {
			if (block != 1 || len - 4 > 512)
				return;
			/* The server ignored our options: RFC 1350 defaults. */
			c->tid = src_port;
			c->answered = true;
			c->blksize = 512;
			c->window = 1;
			c->tsize = 0;
		}
		take_data(c, block, data + 4, len - 4);
	}
}

/* ---- the wait loop ------------------------------------------------------------------ */

static bool wait_done(void *ctx)
{
	struct tftp_conn *c = ctx;

	return c->progress || c->alive || c->err || c->ack_due || c->err5_due || c->err8_due ||
	       (c->dst && c->dst_got >= c->dst_len);
}

/* Resend what the server may have missed; the next timeout counts from after the send. */
static int retransmit(struct tftp_conn *c)
{
	int rc = c->answered ? send_ack(c)
			     : udp_send(c->server, c->lport, TFTP_PORT, c->req, c->req_len);

	c->timer_start = timer_ms();
	return rc;
}

/* Give up, saying in err_detail which wait ran out: the server never answered the request,
 * or it stopped mid-file (after which block), how many tries and over how long. */
static int timed_out(struct tftp_conn *c)
{
	unsigned ms = (unsigned)(timer_ms() - c->quiet_since);
	char ip[16];

	format_ipv4(c->server, ip);
	if (!c->answered)
		snprintf(err_detail, sizeof(err_detail),
			 "TFTP server %s did not answer the read request: %u tries over %u.%u s",
			 ip, c->tries, ms / 1000, ms % 1000 / 100);
	else
		snprintf(err_detail, sizeof(err_detail),
			 "TFTP server %s stopped sending after block %llu: %u tries over %u.%u s",
			 ip, (unsigned long long)(c->next - 1), c->tries, ms / 1000, ms % 1000 / 100);
	return -E_TIMEOUT;
}

/* A server that said how it retransmits (utimeout) and has been silent for longer than its
 * own schedule allows has ended the transfer: waiting out our tries would only cost time. */
static bool server_gone(const struct tftp_conn *c)
{
	unsigned ms = MAX((unsigned)TFTP_SERVER_GONE_MS, 100u * c->server_rexmt_ms);

	return c->answered && c->server_rexmt_ms && timer_ms() - c->quiet_since >= ms;
}

/* Poll until something happens; on silence retransmit with backoff, and give up after
 * TFTP_TRIES timeouts in a row. Returns 0 or the (sticky) error. */
static int wait_step(struct tftp_conn *c)
{
	int rc;

	rc = flush(c);
	if (rc < 0)
		return c->err = rc;
	if (wait_done(c))
		goto out;
	rc = net_wait(wait_done, c, c->timer_start + silence_ms(c));
	if (rc == -E_TIMEOUT) {
		if (c->answered && c->next - 1 > c->acked && !c->ack_deferred && !c->done) {
			/* Blocks came after our last ACK, then silence: the server's flight ended
			 * short of a window (lost tail, or a resend to its old window's end). Say
			 * what we have; that is no failed try. */
			c->server_waiting = true;
			tftp_last_stats.silence_acks++;
			rc = send_ack(c);
			time_answer(c);                   /* a new number: its answer times the wire */
			return rc < 0 ? (c->err = rc) : 0;
		}
		if (++c->tries >= TFTP_TRIES || server_gone(c))
			return c->err = timed_out(c);
		c->rto_ms = MIN(c->rto_ms * 2, (unsigned)TFTP_RTO_MAX_MS);
		c->sample_at = 0;                 /* Karn: a repeated packet is not timed */
		tftp_last_stats.timeouts++;
		c->server_waiting = true;         /* or it timed out itself: it takes what comes */
		rc = retransmit(c);
		if (rc < 0)
			return c->err = rc;
		return 0;
	}
	if (rc < 0)
		return c->err = rc;
out:
	c->alive = false;                     /* the next wait runs from the restarted timer */
	if (c->progress) {
		c->progress = false;
		c->tries = 0;
		c->rto_ms = rto_estimate(c);
		tftp_last_stats.rto_ms = c->rto_ms;
		tftp_last_stats.srtt_us = c->srtt_us;
		tftp_last_stats.blksize = c->blksize;
		tftp_last_stats.window = c->window;
		c->timer_start = c->quiet_since = timer_ms();
	}
	rc = flush(c);
	if (rc < 0 && !c->err)
		c->err = rc;
	return c->err;
}

/* ---- the API ------------------------------------------------------------------------ */

static size_t put_str(uint8_t *p, size_t pos, const char *s)
{
	size_t n = strlen(s) + 1;

	if (pos + n > TFTP_REQ_MAX)
		return TFTP_REQ_MAX + 1;          /* marks overflow; checked by the caller */
	memcpy(p + pos, s, n);
	return pos + n;
}

static size_t put_opt(uint8_t *p, size_t pos, const char *name, unsigned v)
{
	char num[12];

	snprintf(num, sizeof(num), "%u", v);
	pos = put_str(p, pos, name);
	return pos > TFTP_REQ_MAX ? pos : put_str(p, pos, num);
}

/* Build the read request from opts into c->req. */
static int build_request(struct tftp_conn *c, const char *path, const struct tftp_opts *opts)
{
	size_t pos = 2;

	c->req[0] = 0;
	c->req[1] = OP_RRQ;
	pos = put_str(c->req, pos, path);
	if (pos <= TFTP_REQ_MAX)
		pos = put_str(c->req, pos, "octet");
	if (!opts->no_options) {
		unsigned bs = opts->blksize ? opts->blksize : TFTP_DEFAULT_BLKSIZE;
		unsigned ws = opts->windowsize ? opts->windowsize : TFTP_DEFAULT_WINDOW;
		bs = MIN(MAX(bs, TFTP_MIN_BLKSIZE), TFTP_MAX_BLKSIZE);
		ws = MIN(ws, TFTP_MAX_WINDOW);
		if (bs != 512 && pos <= TFTP_REQ_MAX) {
			c->ask_blksize = (uint16_t)bs;
			pos = put_opt(c->req, pos, "blksize", bs);
		}
		if (pos <= TFTP_REQ_MAX) {
			c->ask_tsize = true;
			pos = put_opt(c->req, pos, "tsize", 0);
		}
		if (pos <= TFTP_REQ_MAX && !opts->no_timeouts) {
			c->ask_timeout = true;
			pos = put_opt(c->req, pos, "timeout", TFTP_TIMEOUT_OPT);
		}
		if (pos <= TFTP_REQ_MAX && !opts->no_timeouts) {
			c->ask_utimeout = true;
			pos = put_opt(c->req, pos, "utimeout", TFTP_UTIMEOUT_OPT);
		}
		if (ws > 1 && pos <= TFTP_REQ_MAX) {
			c->ask_window = (uint16_t)ws;
			pos = put_opt(c->req, pos, "windowsize", ws);
		}
	}
	if (pos > TFTP_REQ_MAX)
		return -E_INVAL;                  /* the path is too long for a request */
	c->req_len = pos;
	return 0;
}

static void conn_free(struct tftp_conn *c)
{
	free(c->ring);
	free(c->slot_len);
	free(c);
}

int tftp_open(struct tftp_conn **out, uint32_t server, const char *path,
	      const struct tftp_opts *opts, uint64_t *size)
{
	static const struct tftp_opts defaults;
	struct tftp_conn *c;
	bool retry;
	int rc;

	if (!out || !path || !*path || !server)
		return -E_INVAL;
	if (!opts)
		opts = &defaults;
	tftp_last_error[0] = '\0';

	/* Each connection is its own (several files may be open at once), from the heap, with a
	 * ring for twice the window asked for (at least TFTP_MIN_SLOTS blocks) of the block size
	 * asked for: what a server grants is no larger. A slot's bytes are never read before
	 * written. */
	c = malloc(sizeof(*c));
	if (!c)
		return -E_NOMEM;
	memset(c, 0, sizeof(*c));
	memset(&tftp_last_stats, 0, sizeof(tftp_last_stats));
	c->server = server;
	c->next = 1;
	c->rd_block = 1;
	c->blksize = 512;
	c->window = 1;
	c->rto_ms = TFTP_RTO_INIT_MS;
	c->server_waiting = true;             /* for our ACK 0 */
	rc = build_request(c, path, opts);
	if (rc < 0)
		goto err_free;
	c->slots = MAX(2u * MAX(c->ask_window, 1u), (unsigned)TFTP_MIN_SLOTS);
	c->slot_size = MAX(c->ask_blksize, 512u);
	c->ring = malloc((size_t)c->slots * c->slot_size);
	c->slot_len = malloc(c->slots * sizeof(*c->slot_len));
	rc = -E_NOMEM;
	if (!c->ring || !c->slot_len)
		goto err_free;
	memset(c->slot_len, 0, c->slots * sizeof(*c->slot_len));
	c->lport = udp_ephemeral_port();
	rc = udp_bind(c->lport, tftp_rx, c);
	if (rc < 0)
		goto err_free;
	c->in_use = true;

	rc = udp_send(server, c->lport, TFTP_PORT, c->req, c->req_len);
	if (rc < 0)
		goto err_close;
	/* Only now: the send may have waited seconds for ARP, and a timer started before it would
	 * resend the request at once (a server then runs two transfers to the same port). */
	c->timer_start = c->quiet_since = timer_ms();
	time_answer(c);
	while (!c->answered && !c->err)
		wait_step(c);
	if (c->err) {
		rc = c->err;
		goto err_close;
	}
	if (size)
		*size = c->tsize;
	*out = c;
	c->epoch++;
	c->away_since = timer_us();
	return 0;

err_close:
	retry = c->peer_code == ERR_OPTION && c->peer_error && !c->answered && c->ask_utimeout;
	tftp_close(c);                        /* frees c */
	if (retry) {
		/* A server that refuses the whole request over an option (tftpd-hpa does for a
		 * utimeout it will not take, RFC 2347 says ignore it): ask again without ours. */
		struct tftp_opts again = *opts;
		again.no_timeouts = true;
		return tftp_open(out, server, path, &again, size);
	}
	return rc;
err_free:
	conn_free(c);
	return rc;
}

int tftp_read(struct tftp_conn *c, void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t got = 0;

	if (!c || !c->in_use)
		return -E_INVAL;
	len = MIN(len, (size_t)0x7fffffff);
	c->away_us += timer_us() - c->away_since;
	for (;;) {
		got += ring_take(c, out ? out + got : NULL, len - got);
		if (got >= len || c->done || c->err)
			break;
		if (!out) {                       /* dropping: every block goes through the ring */
			wait_step(c);
			continue;
		}
		/* The ring has no in-order data left: blocks in order may go straight to buf. */
		c->dst = out;
		c->dst_len = len;
		c->dst_got = got;
		wait_step(c);
		got = c->dst_got;
		c->dst = NULL;
	}
	if (c->err && (c->err == -E_CANCELED || !got)) {
		c->away_since = timer_us();
		return c->err;
	}
	flush(c);                                 /* room was made: a deferred ACK may go */
	c->epoch++;                               /* the caller has the CPU now */
	c->away_since = timer_us();
	return (int)got;
}

void tftp_close(struct tftp_conn *c)
{
	if (!c || !c->in_use)
		return;
	flush(c);
	if (c->tid && !c->done && !c->peer_error && c->err != -E_PROTO)
		send_error(c->server, c->lport, c->tid, ERR_UNDEFINED, "aborted");
	udp_unbind(c->lport);
	c->in_use = false;
	conn_free(c);
}

uint64_t tftp_blocks(const struct tftp_conn *c)
{
	return c ? c->next - 1 : 0;
}

void tftp_negotiated(const struct tftp_conn *c, uint16_t *blksize, uint16_t *windowsize)
{
	if (blksize)
		*blksize = c ? c->blksize : 0;
	if (windowsize)
		*windowsize = c ? c->window : 0;
}
