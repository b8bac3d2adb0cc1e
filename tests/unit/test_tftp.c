/* test_tftp.c: the TFTP client against a scripted windowed server on the fake NIC (options, errors, loss, wrap). */
#include "test.h"
#include <stdlib.h>
#include "lib/errors.h"
#include "fake_netdev.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "net/tftp.h"
#include "files/file.h"

#define TID 3001
#define OTHER_IP 0x0a000009u

/* The scripted server. Content byte i of the file is pattern(i). */
static struct {
	/* configuration */
	uint64_t file_len;
	bool ignore_options;          /* answer the RRQ with DATA 1 at 512 bytes */
	uint16_t blksize, window;     /* what the OACK grants (0: whatever was asked) */
	bool no_tsize;                /* leave tsize out of the OACK */
	bool silent;
	bool refuse_utimeout;         /* answer a request with utimeout with ERROR 8 (tftpd-hpa) */
	bool grant_utimeout;          /* grant the utimeout asked for (tftpd-hpa) */
	bool ignore_dup_acks;         /* answer no ACK twice (tftpd-hpa) */
	bool took_ack;                /* (state: an ACK was answered) */
	int lose_rrqs;                /* ignore this many requests */
	uint16_t error_code;          /* answer the RRQ with this ERROR (when error_msg) */
	const char *error_msg;
	const uint8_t *oack;          /* a verbatim OACK body (after the opcode) */
	size_t oack_len;
	int lose_acks;                /* ignore this many data ACKs (not ACK 0) */
	int lose_acks_resend;         /* ... and resend the window as if the server timed out */
	/* flight(from): send the window starting at block from; returns true when done itself */
	bool (*flight)(uint64_t from);
	void (*ack_fn)(uint16_t block);   /* takes the ACKs instead of on_ack (NULL: on_ack) */
	/* Fall silent for good once blocks up to stall_at (+ stall_step for every request after
	 * the first) are acknowledged, for the first stall_rrqs requests (tftpd-hpa giving up). */
	uint64_t stall_at, stall_step;
	int stall_rrqs;
	uint64_t file_len_later;      /* the file's length from the second request on (0: same) */

	/* state */
	int rrqs;
	char rrq_file[256];
	char rrq_opts[256];           /* "name=value " pairs, in order */
	uint16_t bs, ws;
	uint64_t nblocks, acked, max_sent;
	uint16_t client_port;
	bool finished;
	int acks;
	uint16_t ack_log[64];         /* the first ACKs' block numbers */
	uint64_t ack_ms[64];          /* ... and when they came (fake time) */
	int errors;                   /* ERRORs the client sent to TID */
	uint16_t error_rx_code;
	int stray_errors;             /* ERRORs the client sent to other ports */
	uint16_t stray_port, stray_code;
} ts;

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)((i * 131) ^ (i >> 7) ^ (i >> 15) ^ 0x5a);
}

static void inject_from(uint32_t ip, uint16_t port, const void *p, size_t n)
{
	uint8_t frame[ETH_RXBUF_SIZE];
	fake_net_inject(frame, fake_build_udp(frame, fake_peer_mac, ip, port, FAKE_OUR_IP,
					      ts.client_port, p, n));
}

static void inject(const void *p, size_t n)
{
	inject_from(FAKE_SERVER, TID, p, n);
}

static size_t block_len(uint64_t k)
{
	uint64_t off = (k - 1) * ts.bs;
	return (size_t)MIN((uint64_t)ts.bs, ts.file_len - off);
}

static void send_block_from(uint32_t ip, uint16_t port, uint64_t k)
{
	static uint8_t pkt[4 + 1500];
	size_t n = block_len(k);
	uint64_t off = (k - 1) * ts.bs;

	ts.max_sent = MAX(ts.max_sent, k);
	put_be16(pkt, 3);
	put_be16(pkt + 2, (uint16_t)k);
	for (size_t i = 0; i < n; i++)
		pkt[4 + i] = pattern(off + i);
	inject_from(ip, port, pkt, 4 + n);
}

static void send_block(uint64_t k)
{
	send_block_from(FAKE_SERVER, TID, k);
}

static void send_flight(uint64_t from)
{
	if (ts.flight && ts.flight(from))
		return;
	for (uint64_t k = from; k < from + ts.ws && k <= ts.nblocks; k++)
		send_block(k);
}

static void send_error(uint16_t code, const char *msg)
{
	uint8_t pkt[200];
	put_be16(pkt, 5);
	put_be16(pkt + 2, code);
	strcpy((char *)pkt + 4, msg);
	inject(pkt, 5 + strlen(msg));
}

/* Parse the RRQ and answer it. */
static void on_rrq(const uint8_t *p, size_t n)
{
	size_t pos = 2;
	unsigned ask_bs = 0, ask_ws = 0;
	bool ask_tsize = false, ask_utimeout = false;
	char oack[256];
	size_t ol = 0;

	ts.rrqs++;
	if (ts.silent)
		return;
	if (ts.lose_rrqs > 0) {
		ts.lose_rrqs--;
		return;
	}
	strlcpy(ts.rrq_file, (const char *)p + pos, sizeof(ts.rrq_file));
	pos += strlen((const char *)p + pos) + 1;
	pos += strlen((const char *)p + pos) + 1;    /* mode */
	ts.rrq_opts[0] = 0;
	while (pos < n) {
		const char *name = (const char *)p + pos;
		pos += strlen(name) + 1;
		const char *val = (const char *)p + pos;
		pos += strlen(val) + 1;
		if (strlen(ts.rrq_opts) + strlen(name) + strlen(val) + 3 < sizeof(ts.rrq_opts)) {
			strcat(ts.rrq_opts, name);
			strcat(ts.rrq_opts, "=");
			strcat(ts.rrq_opts, val);
			strcat(ts.rrq_opts, " ");
		}
		if (!strcmp(name, "blksize"))
			ask_bs = (unsigned)atoi(val);
		else if (!strcmp(name, "windowsize"))
			ask_ws = (unsigned)atoi(val);
		else if (!strcmp(name, "tsize"))
			ask_tsize = true;
		else if (!strcmp(name, "utimeout"))
			ask_utimeout = true;
	}
	if (ts.refuse_utimeout && ask_utimeout) {
		send_error(8, "Unsupported option(s) requested");
		return;
	}
	if (ts.error_msg) {
		send_error(ts.error_code, ts.error_msg);
		return;
	}
	if (ts.oack) {
		uint8_t pkt[300];
		put_be16(pkt, 6);
		memcpy(pkt + 2, ts.oack, ts.oack_len);
		inject(pkt, 2 + ts.oack_len);
		return;
	}
	if (ts.rrqs > 1 && ts.file_len_later)
		ts.file_len = ts.file_len_later;
	ts.bs = 512;
	ts.ws = 1;
	if (!ts.ignore_options) {
		if (ask_bs) {
			ts.bs = ts.blksize ? ts.blksize : (uint16_t)ask_bs;
			ol += (size_t)snprintf(oack + ol, sizeof(oack) - ol, "blksize%c%u%c", 0, ts.bs, 0);
		}
		if (ask_tsize && !ts.no_tsize)
			ol += (size_t)snprintf(oack + ol, sizeof(oack) - ol, "tsize%c%llu%c", 0,
					       (unsigned long long)ts.file_len, 0);
		if (ask_utimeout && ts.grant_utimeout)
			ol += (size_t)snprintf(oack + ol, sizeof(oack) - ol, "utimeout%c10000%c", 0, 0);
		if (ask_ws) {
			ts.ws = ts.window ? ts.window : (uint16_t)ask_ws;
			ol += (size_t)snprintf(oack + ol, sizeof(oack) - ol, "windowsize%c%u%c", 0, ts.ws, 0);
		}
	}
	ts.nblocks = ts.file_len / ts.bs + 1;
	ts.acked = 0;
	if (ol) {
		uint8_t pkt[300];
		put_be16(pkt, 6);
		memcpy(pkt + 2, oack, ol);
		inject(pkt, 2 + ol);
	} else {
		send_flight(1);
	}
}

/* The server has fallen silent for good (stall_at). */
static bool stalled(void)
{
	return ts.stall_at && ts.rrqs <= ts.stall_rrqs &&
	       ts.acked >= ts.stall_at + ts.stall_step * (uint64_t)(ts.rrqs - 1);
}

static void on_ack(uint16_t b)
{
	if (ts.acks < (int)ARRAY_SIZE(ts.ack_log)) {
		ts.ack_log[ts.acks] = b;
		ts.ack_ms[ts.acks] = fake_time_now_ms();
	}
	ts.acks++;
	if (stalled())
		return;
	uint16_t diff = (uint16_t)(b - (uint16_t)ts.acked);
	if (diff > ts.ws && ts.acked + diff > ts.max_sent)
		return;                               /* stale or nonsense */
	if (b != 0 && ts.lose_acks > 0) {
		ts.lose_acks--;
		return;
	}
	if (b != 0 && ts.lose_acks_resend > 0) {
		ts.lose_acks_resend--;
		send_flight(ts.acked + 1);
		return;
	}
	if (ts.ignore_dup_acks && ts.took_ack && diff == 0)
		return;                               /* tftpd-hpa: never answers a repeat */
	ts.took_ack = true;
	ts.acked += diff;
	if (ts.acked >= ts.nblocks) {
		ts.finished = true;
		return;
	}
	if (!stalled())
		send_flight(ts.acked + 1);
}

static void server(const uint8_t *frame, size_t len)
{
	struct fake_udp u;

	if (!fake_parse_udp(frame, len, &u) || u.len < 2)
		return;
	uint16_t op = get_be16(u.data);
	if (u.dport == 69 && op == 1) {
		if (ts.silent) {              /* a request it ignores does not redirect the transfer */
			ts.rrqs++;
			return;
		}
		ts.client_port = u.sport;
		on_rrq(u.data, u.len);
	} else if (u.dport == TID && op == 4 && u.len == 4) {
		(ts.ack_fn ? ts.ack_fn : on_ack)(get_be16(u.data + 2));
	} else if (op == 5 && u.len >= 4) {
		if (u.dport == TID) {
			ts.errors++;
			ts.error_rx_code = get_be16(u.data + 2);
		} else {
			ts.stray_errors++;
			ts.stray_port = u.dport;
			ts.stray_code = get_be16(u.data + 2);
		}
	}
}

static void setup(uint64_t file_len)
{
	fake_net_reset();
	fake_net_auto_arp(true);
	memset(&ts, 0, sizeof(ts));
	ts.file_len = file_len;
	fake_net_set_responder(server);
}

/* Read the whole file in chunks of chunk bytes; checks every byte. Returns the length, or rc. */
static int64_t read_all(struct tftp_conn *c, size_t chunk)
{
	static uint8_t buf[70000];
	uint64_t total = 0;

	for (;;) {
		int n = tftp_read(c, buf, MIN(chunk, sizeof(buf)));
		if (n < 0)
			return n;
		if (n == 0)
			return (int64_t)total;
		for (int i = 0; i < n; i++) {
			if (buf[i] != pattern(total + (uint64_t)i)) {
				printf("    byte %llu differs\n", (unsigned long long)(total + (uint64_t)i));
				return -1000;
			}
		}
		total += (uint64_t)n;
	}
}

static int fetch(const struct tftp_opts *o, size_t chunk, int64_t *len, uint64_t *size)
{
	struct tftp_conn *c;
	uint64_t sz = 0;
	int rc = tftp_open(&c, FAKE_SERVER, "boot/vmlinuz", o, &sz);
	if (size)
		*size = sz;
	if (rc < 0)
		return rc;
	*len = read_all(c, chunk);
	tftp_close(c);
	return *len < 0 ? (int)*len : 0;
}

/* The file of setup(), in blocks of 8 bytes and windows of ws, from a server scripted by
 * flight: it must arrive whole (want_len bytes). Returns the fake milliseconds it took. */
static uint64_t fetch_scripted(bool (*flight)(uint64_t), uint16_t ws, int64_t want_len)
{
	struct tftp_opts o = { .blksize = 8, .windowsize = ws };
	int64_t len = -1;
	uint64_t t0 = fake_time_now_ms();

	ts.flight = flight;
	CHECK_EQ(fetch(&o, 1000, &len, NULL), 0);
	CHECK_EQ(len, want_len);
	return fake_time_now_ms() - t0;
}

/* The ACKs the server saw were these, in this order. */
static void check_acks(const uint16_t *want, int n)
{
	CHECK_EQ(ts.acks, n);
	for (int i = 0; i < n && i < (int)ARRAY_SIZE(ts.ack_log); i++)
		CHECK_EQ(ts.ack_log[i], want[i]);
}
#define CHECK_ACKS(...)                                                              \
	do {                                                                         \
		const uint16_t want_[] = { __VA_ARGS__ };                            \
		check_acks(want_, (int)ARRAY_SIZE(want_));                           \
	} while (0)

TEST(tftp_oack_negotiation)
{
	struct tftp_conn *c;
	uint64_t size = 0;
	uint16_t bs, ws;

	setup(100000);
	ts.blksize = 1024;
	ts.window = 8;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "boot/vmlinuz", NULL, &size), 0);
	CHECK_STR(ts.rrq_file, "boot/vmlinuz");
	CHECK_STR(ts.rrq_opts, "blksize=1468 tsize=0 timeout=1 utimeout=10000 windowsize=16 ");
	CHECK_EQ(size, 100000);
	tftp_negotiated(c, &bs, &ws);
	CHECK_EQ(bs, 1024);
	CHECK_EQ(ws, 8);
	CHECK_EQ(read_all(c, 4096), 100000);
	CHECK(ts.finished);
	/* ACK 0, then one per window of 8 (98 blocks: 8..96), then the last. */
	CHECK_EQ(ts.acks, 1 + 12 + 1);
	CHECK_EQ(ts.ack_log[0], 0);
	CHECK_EQ(ts.ack_log[1], 8);
	CHECK_EQ(ts.ack_log[13], 98);
	CHECK_EQ(tftp_read(c, &bs, 1), 0);     /* stays at the end */
	tftp_close(c);
	CHECK_EQ(ts.errors, 0);                /* a finished transfer is not aborted */
	CHECK_STR(tftp_last_error, "");
}

TEST(tftp_options_from_opts)
{
	struct tftp_opts o = { .blksize = 512, .windowsize = 1 };
	int64_t len;

	setup(3000);
	CHECK_EQ(fetch(&o, 100, &len, NULL), 0);
	CHECK_STR(ts.rrq_opts, "tsize=0 timeout=1 utimeout=10000 ");
	CHECK_EQ(len, 3000);

	setup(3000);
	o = (struct tftp_opts){ .no_options = true };
	CHECK_EQ(fetch(&o, 100, &len, NULL), 0);
	CHECK_STR(ts.rrq_opts, "");
	CHECK_EQ(len, 3000);

	setup(3000);
	o = (struct tftp_opts){ .blksize = 9000, .windowsize = 5000 };    /* clamped */
	CHECK_EQ(fetch(&o, 100000, &len, NULL), 0);
	CHECK_STR(ts.rrq_opts, "blksize=1468 tsize=0 timeout=1 utimeout=10000 windowsize=1024 ");
	CHECK_EQ(len, 3000);
}

TEST(tftp_server_ignores_options)
{
	struct tftp_conn *c;
	uint64_t size = 77;
	uint16_t bs, ws;

	setup(1500);
	ts.ignore_options = true;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "f", NULL, &size), 0);
	CHECK_EQ(size, 0);
	tftp_negotiated(c, &bs, &ws);
	CHECK_EQ(bs, 512);
	CHECK_EQ(ws, 1);
	CHECK_EQ(read_all(c, 700), 1500);
	tftp_close(c);
	CHECK_EQ(ts.acks, 3);
	CHECK(ts.finished);

	/* A multiple of 512: an empty last block ends it. */
	setup(1024);
	ts.ignore_options = true;
	int64_t len;
	CHECK_EQ(fetch(NULL, 5000, &len, NULL), 0);
	CHECK_EQ(len, 1024);
	CHECK_EQ(ts.acks, 3);
	CHECK(ts.finished);

	/* An empty file. */
	setup(0);
	CHECK_EQ(fetch(NULL, 5000, &len, NULL), 0);
	CHECK_EQ(len, 0);
	CHECK(ts.finished);
}

TEST(tftp_error_replies)
{
	struct tftp_conn *c = NULL;

	setup(10);
	ts.error_code = 1;
	ts.error_msg = "File not found";
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "nope", NULL, NULL), -E_NOENT);
	CHECK_STR(tftp_last_error, "File not found");
	CHECK_EQ(ts.errors, 0);                 /* no error answers an error */

	setup(10);
	ts.error_code = 2;
	ts.error_msg = "Access violation";
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "secret", NULL, NULL), -E_ACCESS);
	CHECK_STR(tftp_last_error, "Access violation");

	setup(10);
	ts.error_code = 3;
	static char longmsg[190];
	memset(longmsg, 'm', sizeof(longmsg) - 1);
	ts.error_msg = longmsg;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "full", NULL, NULL), -E_IO);
	/* A long message (dnsmasq puts the whole path in it) comes through whole. */
	CHECK_EQ(strlen(tftp_last_error), sizeof(longmsg) - 1);
}

static const uint8_t *raw_error;
static size_t raw_error_len;
static void raw_error_server(const uint8_t *frame, size_t len)
{
	struct fake_udp u;
	if (fake_parse_udp(frame, len, &u) && u.dport == 69) {
		ts.client_port = u.sport;
		inject(raw_error, raw_error_len);
	}
}

TEST(tftp_error_unterminated)
{
	struct tftp_conn *c;

	setup(10);
	fake_net_set_responder(raw_error_server);
	raw_error = (const uint8_t *)"\x00\x05\x00\x01no NUL here";
	raw_error_len = 15;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", NULL, NULL), -E_NOENT);
	CHECK_STR(tftp_last_error, "no NUL here");

	setup(10);
	fake_net_set_responder(raw_error_server);
	raw_error = (const uint8_t *)"\x00\x05";
	raw_error_len = 2;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", NULL, NULL), -E_IO);
	CHECK_STR(tftp_last_error, "");
}

TEST(tftp_oack_unrequested_option)
{
	struct tftp_conn *c;
	static const uint8_t oack[] = "blksize\0" "1024\0" "multicast\0" "1\0";

	setup(10);
	ts.oack = oack;
	ts.oack_len = sizeof(oack) - 1;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", NULL, NULL), -E_PROTO);
	CHECK_EQ(ts.errors, 1);
	CHECK_EQ(ts.error_rx_code, 8);

	/* An OACK to a request without options. */
	static const uint8_t oack2[] = "tsize\0" "10\0";
	struct tftp_opts o = { .no_options = true };
	setup(10);
	ts.oack = oack2;
	ts.oack_len = sizeof(oack2) - 1;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", &o, NULL), -E_PROTO);
	CHECK_EQ(ts.error_rx_code, 8);

	/* More than we asked for. */
	static const uint8_t oack3[] = "blksize\0" "1469\0";
	setup(10);
	ts.oack = oack3;
	ts.oack_len = sizeof(oack3) - 1;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", NULL, NULL), -E_PROTO);
	static const uint8_t oack4[] = "windowsize\0" "17\0";
	setup(10);
	ts.oack = oack4;
	ts.oack_len = sizeof(oack4) - 1;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", NULL, NULL), -E_PROTO);
	CHECK_EQ(ts.errors, 1);
}

TEST(tftp_oack_malformed)
{
	static const struct {
		const char *body;
		size_t len;
	} bad[] = {
		{ "blksize\0" "1024", 12 },             /* value not terminated */
		{ "blksize", 7 },                       /* name not terminated */
		{ "blksize\0", 8 },                     /* no value */
		{ "blksize\0" "12x4\0", 13 },           /* not a number */
		{ "blksize\0" "\0", 9 },                /* empty value */
		{ "\0" "1024\0", 6 },                   /* empty name */
		{ "blksize\0" "4\0", 10 },              /* below 8 */
		{ "blksize\0" "1024\0" "BLKSIZE\0" "512\0", 26 },   /* twice */
		{ "tsize\0" "99999999999999999999999\0", 30 },     /* overflows */
		{ "windowsize\0" "0\0", 13 },
		{ "timeout\0" "9\0", 10 },
	};
	struct tftp_conn *c;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		setup(10);
		ts.oack = (const uint8_t *)bad[i].body;
		ts.oack_len = bad[i].len;
		int rc = tftp_open(&c, FAKE_SERVER, "x", NULL, NULL);
		if (rc != -E_PROTO)
			printf("    case %zu: rc %d\n", i, rc);
		CHECK_EQ(rc, -E_PROTO);
		CHECK_EQ(ts.error_rx_code, 8);
	}

	/* Upper-case names and an empty OACK are fine. */
	static const uint8_t ok[] = "BlkSize\0" "600\0" "TSIZE\0" "10\0";
	uint64_t size;
	setup(10);
	ts.oack = ok;
	ts.oack_len = sizeof(ok) - 1;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", NULL, &size), 0);
	CHECK_EQ(size, 10);
	uint16_t bs, ws;
	tftp_negotiated(c, &bs, &ws);
	CHECK_EQ(bs, 600);
	CHECK_EQ(ws, 1);
	tftp_close(c);
}

/* More than 65535 blocks: block numbers wrap to 0 and the transfer goes on. */
TEST(tftp_block_number_wrap)
{
	struct tftp_opts o = { .blksize = 8, .windowsize = 32 };
	int64_t len;

	setup(70000ull * 8 + 3);
	CHECK_EQ(fetch(&o, 65536, &len, NULL), 0);
	CHECK_EQ(len, 70000ll * 8 + 3);
	CHECK(ts.finished);
	CHECK_EQ(ts.errors, 0);
}

/* The same at the RFC 1350 block size, one ACK per block: about 34 MB. */
TEST(tftp_block_number_wrap_512)
{
	struct tftp_opts o = { .no_options = true };
	int64_t len;

	setup(66000ull * 512 + 100);
	CHECK_EQ(fetch(&o, 65536, &len, NULL), 0);
	CHECK_EQ(len, 66000ll * 512 + 100);
	CHECK(ts.finished);
	CHECK_EQ(ts.acks, 66001);
}

/* Window 4 of 8-byte blocks: blocks 1-4, then 5, a late 2, 6, 6 again, 7, 8; the client
 * takes each once and sends only the window ACKs. */
static bool dup_flight(uint64_t from)
{
	if (from != 5)
		return false;
	send_block(5);
	send_block(2);
	send_block(6);
	send_block(6);
	send_block(7);
	send_block(7);
	send_block(8);
	return true;
}

TEST(tftp_duplicates_and_late_blocks_ignored)
{
	setup(8 * 10 + 5);                      /* 11 blocks */
	fetch_scripted(dup_flight, 4, 85);
	CHECK_ACKS(0, 4, 8, 11);
}

/* Window 8: the first flight arrives as 1 2 3 5 4 6 7 8: block 5, come early, is kept, so the
 * client has the whole window when 4 fills the hole and only acknowledges its end. */
static bool reorder_flight(uint64_t from)
{
	static bool once;
	if (from != 1 || once)
		return false;
	once = true;
	static const int order[] = { 1, 2, 3, 5, 4, 6, 7, 8 };
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		send_block((uint64_t)order[i]);
	return true;
}

TEST(tftp_reordered_window_reacks)
{
	setup(8 * 20);                          /* 21 blocks, the last empty */
	fetch_scripted(reorder_flight, 8, 160);
	CHECK_ACKS(0, 8, 16, 21);
	CHECK_EQ(tftp_last_stats.kept, 1);
	CHECK_EQ(tftp_last_stats.dropped, 0);
}

/* Block 3 of the first flight is lost: the client re-ACKs 2 on seeing 4, once. */
static bool lossy_flight(uint64_t from)
{
	static int calls;
	if (from == 1 && calls++ == 0) {
		send_block(1);
		send_block(2);
		send_block(4);
		return true;
	}
	return false;
}

TEST(tftp_lost_block_reacks)
{
	setup(8 * 6 + 1);                       /* 7 blocks */
	fetch_scripted(lossy_flight, 4, 49);
	CHECK_ACKS(0, 2, 6, 7);                 /* 2: the re-ACK */
}

/* Bad-input rows on the wire: an ARP storm before every flight (requests for other hosts and
 * for us, replies nobody asked for), and the first sending of three blocks spoiled: a bad IPv4
 * header checksum, a bad UDP checksum, a frame longer than Ethernet's maximum (the block padded
 * past 1514 bytes). Each spoiled block is dropped and comes again after the gap's ACK. */
#define STORM 300
static bool spoiled[16];
static int storm_asks_for_us;

static void arp_storm(void)
{
	uint8_t f[ETH_RXBUF_SIZE];
	uint8_t mac[6] = { 2, 0xaa, 0, 0, 0, 0 };

	for (int i = 0; i < STORM; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		uint32_t ip = 0x0a000100u + (uint32_t)i;
		if (i % 30 == 0) {
			fake_net_inject(f, fake_build_arp_request(f, mac, ip, FAKE_OUR_IP));
			storm_asks_for_us++;
		} else if (i % 3 == 0) {
			fake_net_inject(f, fake_build_arp_reply(f, mac, ip));
		} else {
			fake_net_inject(f, fake_build_arp_request(f, mac, ip, ip + 1));
		}
	}
}

static bool hostile_flight(uint64_t from)
{
	static uint8_t pkt[4 + 1500];
	uint8_t f[ETH_RXBUF_SIZE];

	arp_storm();
	for (uint64_t k = from; k < from + ts.ws && k <= ts.nblocks; k++) {
		int kind = k == 3 ? 1 : k == 5 ? 2 : k == 7 ? 3 : 0;
		if (!kind || spoiled[k]) {
			send_block(k);
			continue;
		}
		spoiled[k] = true;
		size_t n = block_len(k);
		put_be16(pkt, 3);
		put_be16(pkt + 2, (uint16_t)k);
		for (size_t i = 0; i < n; i++)
			pkt[4 + i] = pattern((k - 1) * ts.bs + i);
		size_t len = fake_build_udp(f, fake_peer_mac, FAKE_SERVER, TID, FAKE_OUR_IP,
					    ts.client_port, pkt, 4 + n);
		if (kind == 1) {
			f[14 + 10] ^= 0x40;                /* IPv4 header checksum */
		} else if (kind == 2) {
			f[14 + 20 + 6] ^= 0x40;            /* UDP checksum */
		} else {
			memset(f + len, 0, 1530 - len);    /* "padding" past the MTU */
			len = 1530;
		}
		fake_net_inject(f, len);
	}
	return true;
}

TEST(tftp_hostile_frames_and_arp_storm)
{
	struct tftp_opts o = { .blksize = 512, .windowsize = 4 };
	int64_t len;

	setup(512 * 9 + 100);                     /* 10 blocks */
	memset(spoiled, 0, sizeof(spoiled));
	storm_asks_for_us = 0;
	ts.flight = hostile_flight;
	fake_net_clear_sent();
	CHECK_EQ(fetch(&o, 700, &len, NULL), 0);  /* fetch checks every byte */
	CHECK_EQ(len, 512 * 9 + 100);
	CHECK(spoiled[3] && spoiled[5] && spoiled[7]);
	CHECK(storm_asks_for_us >= 3 * (STORM / 30));
	/* Every request for our address was answered, the rest of the storm was not. */
	size_t arp_replies = 0, arp_requests = 0;
	for (size_t i = 0; i < fake_net_sent_count(); i++) {
		size_t fl;
		const uint8_t *fr = fake_net_sent(i, &fl);
		if (fl >= 42 && get_be16(fr + 12) == 0x0806) {
			if (get_be16(fr + 14 + 6) == 2)
				arp_replies++;
			else
				arp_requests++;
		}
	}
	CHECK(fake_net_sent_total() <= FAKE_SENT_MAX);
	CHECK_EQ(arp_replies, (size_t)storm_asks_for_us);
	/* The storm's unasked replies to us push the server out of the 8-entry cache: one new
	 * request per flight at most, never a request per storm frame. */
	CHECK(arp_requests >= 1 && arp_requests <= 6);
	/* Each spoiled block was dropped: the gap before it was acknowledged (ACK 2, 4, 6). */
	CHECK_EQ(ts.acks, 5);
	CHECK_EQ(ts.ack_log[0], 0);
	CHECK_EQ(ts.ack_log[1], 2);
	CHECK_EQ(ts.ack_log[2], 4);
	CHECK_EQ(ts.ack_log[3], 6);
	CHECK_EQ(ts.ack_log[4], 10);
}

/* A stranger (right IP, wrong port) gets ERROR 5; other hosts are ignored; the transfer goes on. */
static bool stranger_flight(uint64_t from)
{
	if (from == 1) {
		send_block_from(FAKE_SERVER, TID + 1, 1);
		send_block_from(OTHER_IP, TID, 1);
	}
	return false;
}

TEST(tftp_wrong_tid)
{
	struct tftp_opts o = { .blksize = 8, .windowsize = 4 };
	int64_t len;

	setup(30);
	ts.flight = stranger_flight;
	CHECK_EQ(fetch(&o, 1000, &len, NULL), 0);
	CHECK_EQ(len, 30);
	CHECK_EQ(ts.stray_errors, 1);
	CHECK_EQ(ts.stray_port, TID + 1);
	CHECK_EQ(ts.stray_code, 5);
	CHECK_EQ(ts.errors, 0);
}

/* The server never sees our first window ACK: we repeat it after the measured timeout (the
 * floor, 10 ms, on this fast wire), not after a second. */
TEST(tftp_lost_ack_retransmitted)
{
	struct tftp_opts o = { .blksize = 8, .windowsize = 4 };
	int64_t len;

	setup(50);
	ts.lose_acks = 1;
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(fetch(&o, 1000, &len, NULL), 0);
	CHECK_EQ(len, 50);
	uint64_t spent = fake_time_now_ms() - t0;
	CHECK(spent >= 10 && spent < 100);
	CHECK_EQ(ts.ack_log[1], 4);
	CHECK_EQ(ts.ack_log[2], 4);
	CHECK_EQ(ts.ack_log[3], 7);
	CHECK_EQ(ts.acks, 4);                   /* 0, 4, 4 (after 10 ms), 7 */
}

/* The server lost our ACK and resends its window: we re-ACK once, not for each block. */
TEST(tftp_window_resent_reacked_once)
{
	struct tftp_opts o = { .blksize = 8, .windowsize = 4 };
	int64_t len;

	setup(50);
	ts.lose_acks_resend = 1;
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(fetch(&o, 1000, &len, NULL), 0);
	CHECK_EQ(len, 50);
	CHECK(fake_time_now_ms() - t0 < 1000);  /* no timeout was needed */
	CHECK_EQ(ts.acks, 4);                   /* 0, 4, 4 (re-ACK), 7 */
	CHECK_EQ(ts.ack_log[2], 4);
	CHECK_EQ(ts.ack_log[3], 7);
}

TEST(tftp_timeouts)
{
	struct tftp_conn *c;

	setup(10);
	ts.silent = true;
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", NULL, NULL), -E_TIMEOUT);
	uint64_t spent = fake_time_now_ms() - t0;
	CHECK(spent >= 33000 && spent < 35000);   /* 1 + 2 + 10 x 3 s (the cap) */
	CHECK_EQ(ts.rrqs, 12);
	/* The message names the wait: which server, what it did not answer, how long. */
	CHECK(strncmp(err_detail, "TFTP server 10.0.0.1 did not answer the read request: "
			  "12 tries over 33.", 71) == 0);
	err_detail[0] = 0;

	/* The server goes quiet mid-transfer. */
	struct tftp_opts o = { .blksize = 8, .windowsize = 4 };
	setup(100);
	ts.lose_acks = 1000;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", &o, NULL), 0);
	uint8_t buf[200];
	t0 = fake_time_now_ms();
	int n = tftp_read(c, buf, sizeof(buf));
	CHECK_EQ(n, 32);                          /* the first window, then the error */
	CHECK_EQ(tftp_read(c, buf, sizeof(buf)), -E_TIMEOUT);
	spent = fake_time_now_ms() - t0;
	char want[128];
	snprintf(want, sizeof(want), "TFTP server 10.0.0.1 stopped sending after block 4: 12 tries over %u.",
		 (unsigned)(spent / 1000));
	CHECK(strncmp(err_detail, want, strlen(want)) == 0);
	err_detail[0] = 0;
	/* From the measured round trip (a few ms): 10 ms doubling to the 3 s cap, 12 tries. */
	CHECK(spent >= 10000 && spent < 20000);
	CHECK_EQ(ts.acks, 1 + 12);                /* ACK 0, ACK 4 and its 11 repeats */
	tftp_close(c);
	CHECK_EQ(ts.errors, 1);                   /* the server is told we gave up */
	CHECK_EQ(ts.error_rx_code, 0);
}

TEST(tftp_close_early_sends_error)
{
	struct tftp_opts o = { .blksize = 512, .windowsize = 4 };
	struct tftp_conn *c;
	uint8_t buf[100];

	setup(100000);
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", &o, NULL), 0);
	CHECK_EQ(tftp_read(c, buf, sizeof(buf)), 100);
	tftp_close(c);
	CHECK_EQ(ts.errors, 1);
	CHECK_EQ(ts.error_rx_code, 0);
	CHECK(!ts.finished);
	/* The port is closed: more data draws no answer. */
	size_t before = fake_net_sent_total();
	send_block(2);
	net_poll();
	CHECK_EQ(fake_net_sent_total(), before);
}

/* Each open is its own connection: a second open (here one that fails) leaves the first alone. */
TEST(tftp_second_open_leaves_the_first)
{
	struct tftp_opts o = { .blksize = 512, .windowsize = 4 };
	struct tftp_conn *c, *c2 = NULL;
	static uint8_t buf[20000];

	setup(sizeof(buf));
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", &o, NULL), 0);
	CHECK_EQ(tftp_read(c, buf, 100), 100);
	ts.silent = true;                 /* the server ignores the second request */
	CHECK_EQ(tftp_open(&c2, FAKE_SERVER, "y", &o, NULL), -E_TIMEOUT);
	CHECK(c2 == NULL);
	ts.silent = false;
	CHECK_EQ(ts.errors, 0);           /* nothing told the server to stop the first */
	size_t got = 100;
	int n;
	while ((n = tftp_read(c, buf + got, sizeof(buf) - got)) > 0)
		got += (size_t)n;
	CHECK_EQ(n, 0);
	CHECK_EQ(got, sizeof(buf));
	bool same = true;
	for (size_t i = 0; i < got; i++)
		same &= buf[i] == pattern(i);
	CHECK(same);
	tftp_close(c);
}

TEST(tftp_cancel)
{
	struct tftp_opts o = { .blksize = 8, .windowsize = 4 };
	struct tftp_conn *c;
	uint8_t buf[100];

	setup(1000);
	ts.lose_acks = 1000;
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", &o, NULL), 0);
	CHECK_EQ(tftp_read(c, buf, 32), 32);
	fake_net_abort(true);
	CHECK_EQ(tftp_read(c, buf, sizeof(buf)), -E_CANCELED);
	fake_net_abort(false);
	tftp_close(c);
	CHECK_EQ(ts.errors, 1);
}

/* A reader slower than the network: big windows fill the FIFO and the window ACK waits
 * until the reader has made room; byte-sized reads work too. */
TEST(tftp_slow_reader)
{
	struct tftp_opts o = { .blksize = 1468, .windowsize = 60 };
	int64_t len;

	setup(1468ull * 200 + 17);
	CHECK_EQ(fetch(&o, 100, &len, NULL), 0);
	CHECK_EQ(len, 1468ll * 200 + 17);
	CHECK(ts.finished);

	setup(3000);
	o = (struct tftp_opts){ .blksize = 100, .windowsize = 3 };
	CHECK_EQ(fetch(&o, 1, &len, NULL), 0);
	CHECK_EQ(len, 3000);
}

TEST(tftp_bad_args)
{
	struct tftp_conn *c;
	static char longpath[600];

	setup(10);
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "", NULL, NULL), -E_INVAL);
	CHECK_EQ(tftp_open(&c, 0, "x", NULL, NULL), -E_INVAL);
	memset(longpath, 'a', sizeof(longpath) - 1);
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, longpath, NULL, NULL), -E_INVAL);
	CHECK_EQ(ts.rrqs, 0);
}

/* The server's ARP answer comes late (the first request is lost): the read request must still
 * go out once, with its timeout counted from when it was sent. */
static int slow_arp_requests;
static void slow_arp_server(const uint8_t *frame, size_t len)
{
	uint32_t target;
	uint8_t reply[64];

	if (fake_is_arp_request(frame, len, &target)) {
		if (++slow_arp_requests >= 2)
			fake_net_inject(reply, fake_build_arp_reply(reply, fake_peer_mac, target));
		return;
	}
	server(frame, len);
}

TEST(tftp_slow_arp_sends_one_request)
{
	int64_t len = 0;

	setup(5000);
	fake_net_auto_arp(false);
	slow_arp_requests = 0;
	fake_net_set_responder(slow_arp_server);
	CHECK_EQ(fetch(NULL, 4096, &len, NULL), 0);
	CHECK_EQ(len, 5000);
	CHECK(slow_arp_requests >= 2);
	CHECK_EQ(ts.rrqs, 1);
}

/* ---- recovery at the speed of the wire ----------------------------------------------------- */

/* A gap in the first window of 8 (block 4 lost): the client acknowledges block 3 at once and
 * then only the ends of whole windows counted from there, as an RFC 7440 server that restarts
 * its window at the gap (atftpd 0.8) expects: no ACK in between, which atftpd would answer by
 * pacing its blocks (and ignore as the window's second). */
static bool lose_block_4_once(uint64_t from)
{
	static bool lost;
	if (from == 1 && !lost) {
		lost = true;
		for (uint64_t k = 1; k <= 8; k++)
			if (k != 4)
				send_block(k);
		return true;
	}
	return false;
}

TEST(tftp_gap_then_whole_windows)
{
	setup(8 * 20 + 3);                      /* 21 blocks */
	CHECK(fetch_scripted(lose_block_4_once, 8, 163) < 100);   /* no timeout waited */
	/* The gap at once (3), then whole windows after it (11, 19), then the end. */
	CHECK_ACKS(0, 3, 11, 19, 21);
}

/* atftpd 0.8: it takes the first ACK that comes during a flight and ignores the rest, then
 * waits at the flight's end. Blocks 3 and 6 are lost (ACK 2 restarts the flight at 3, to block
 * 10; 4, 5, 7 and 8 are kept), then 6 again in that flight (ACK 5 is ignored the first time;
 * the blocks come 1 ms apart, so each gap's ACK goes out before its flight's end is there).
 * Block 10, the flight's end, arriving with the hole at 6 open makes the client repeat ACK 5 at
 * once: no timeout is waited. */
static void paced_window_without(uint64_t from, uint64_t lost, uint64_t lost2)
{
	fake_net_rx_pace(1000);
	for (uint64_t k = from; k < from + 8; k++)
		if (k != lost && k != lost2)
			send_block(k);
	fake_net_rx_pace(0);
}

static bool one_gap_ack_per_flight(uint64_t from)
{
	static int from1, from3, from6;

	if (from == 1 && !from1++) {
		paced_window_without(from, 3, 6);
		return true;
	}
	if (from == 3 && !from3++) {
		paced_window_without(from, 6, 0);
		return true;
	}
	return from == 6 && !from6++;           /* the second gap ACK of the flight: ignored */
}

TEST(tftp_flight_end_repeats_gap_ack)
{
	setup(8 * 20 + 3);                      /* 21 blocks */
	fetch_scripted(one_gap_ack_per_flight, 8, 163);
	/* The first gap (2), the second (5, ignored), 5 again at block 10, the flight's end, then
	 * a whole window after it (13) and the end. */
	CHECK_ACKS(0, 2, 5, 5, 13, 21);
	/* Blocks 8-10 take 3 ms; the timer would add at least four block spacings more. */
	CHECK(ts.ack_ms[3] - ts.ack_ms[2] <= 4);
	/* What `tftpopts --stats` shows. */
	CHECK_EQ(tftp_last_stats.blocks, 21);
	CHECK_EQ(tftp_last_stats.gap_acks, 2);
	CHECK_EQ(tftp_last_stats.flight_end_acks, 1);
	CHECK_EQ(tftp_last_stats.silence_acks, 0);
	CHECK_EQ(tftp_last_stats.timeouts, 0);
	CHECK_EQ(tftp_last_stats.kept, 6);      /* 4 5 7 8 of the first flight, 9 10 of the second */
	CHECK_EQ(tftp_last_stats.dropped, 8);   /* 4 5 7 8 of the second, 7-10 of the third */
	CHECK_EQ(tftp_last_stats.blksize, 8);   /* what the server granted */
	CHECK_EQ(tftp_last_stats.window, 8);
}

/* A server that, after a gap's ACK, resends only to the end of the window it had started and
 * then waits (block 4 lost; on ACK 3 it sends 4-8): the client's timer acknowledges block 8,
 * which counts as no failed try, and the transfer goes on. */
static bool short_resend_flight(uint64_t from)
{
	if (from == 1) {
		for (uint64_t k = 1; k <= 8; k++)
			if (k != 4)
				send_block(k);
		return true;
	}
	if (from == 4) {
		for (uint64_t k = 4; k <= 8; k++)
			send_block(k);
		return true;
	}
	return false;
}

TEST(tftp_gap_short_resend_timer_acks)
{
	setup(8 * 20 + 3);
	/* One short timeout, not the server's; 8 is acknowledged after the timer. */
	CHECK(fetch_scripted(short_resend_flight, 8, 163) < 1000);
	CHECK_ACKS(0, 3, 8, 16, 21);
}

/* A server that spaces the blocks of its windows (atftpd does after gaps: its microsecond
 * select() waits take a scheduler tick or more on a busy host): 6 ms apart in the second
 * window, then 14 ms, longer than the client's timeout (10 ms after a fast first window). Once
 * the spacing has been seen the client waits for the rest of each window instead of
 * acknowledging block after block on its timer. */
static bool paced_after_first(uint64_t from)
{
	if (from > 1)
		fake_net_rx_pace(from < 16 ? 6000 : 14000);
	return false;
}

TEST(tftp_paced_server_not_cut_short)
{
	setup(8 * 40);                          /* 41 blocks, the last empty */
	fetch_scripted(paced_after_first, 8, 320);
	CHECK_ACKS(0, 8, 16, 24, 32, 40, 41);
}

/* The last two blocks of a window are lost (no gap shows): after a short silence the client
 * acknowledges what it has, and that counts as no failed try. */
static bool tail_loss_flight(uint64_t from)
{
	static int calls;
	if (from == 1 && calls++ == 0) {
		for (uint64_t k = 1; k <= 6; k++)
			send_block(k);
		return true;
	}
	return false;
}

TEST(tftp_window_tail_loss)
{
	setup(8 * 12);                          /* 13 blocks, the last empty */
	CHECK(fetch_scripted(tail_loss_flight, 8, 96) < 100);
	CHECK_ACKS(0, 6, 13);
	CHECK_EQ(tftp_last_stats.silence_acks, 1);
	CHECK_EQ(tftp_last_stats.timeouts, 0);
	CHECK_EQ(tftp_last_stats.gap_acks, 0);
}

/* Lock-step against a server that answers every ACK, duplicates too, with a block: every block
 * arrives twice (as after a crossing retransmission). The client answers none of the copies
 * that cross its ACK, so the doubling does not feed itself (RFC 1350's Sorcerer's Apprentice):
 * one ACK per block. */
static bool doubled_flight(uint64_t from)
{
	if (from <= ts.nblocks) {
		send_block(from);
		send_block(from);
	}
	return true;
}

TEST(tftp_sorcerers_apprentice)
{
	struct tftp_opts o = { .blksize = 512, .windowsize = 1 };
	int64_t len;

	setup(512 * 30 + 7);                    /* 31 blocks */
	ts.flight = doubled_flight;
	CHECK_EQ(fetch(&o, 100000, &len, NULL), 0);
	CHECK_EQ(len, 512 * 30 + 7);
	CHECK_EQ(ts.acks, 1 + 31);              /* ACK 0 (the OACK) and one per block */
}

/* The OACK may grant utimeout (tftpd-hpa) no larger than asked; more is refused. */
TEST(tftp_oack_utimeout)
{
	static const uint8_t ok[] = "utimeout\0" "10000\0" "timeout\0" "1";
	static const uint8_t big[] = "utimeout\0" "20000";
	struct tftp_conn *c;

	setup(100);
	ts.oack = ok;
	ts.oack_len = sizeof(ok);
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", NULL, NULL), 0);
	tftp_close(c);
	setup(100);
	ts.oack = big;
	ts.oack_len = sizeof(big);
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", NULL, NULL), -E_PROTO);
	CHECK_EQ(ts.error_rx_code, 8);
}

/* tftpd-hpa grants utimeout 10 ms and gives up after about six of those without an ACK. The
 * request is lost once (so its round trip is not timed), then the first data ACK: the client
 * repeats it after the granted 10 ms, not after RFC 6298's first second, which would come long
 * after tftpd-hpa has given up. */
TEST(tftp_granted_utimeout_sets_first_timeout)
{
	struct tftp_opts o = { .blksize = 512, .windowsize = 1 };
	int64_t len;

	setup(512 * 5 + 1);
	ts.grant_utimeout = true;
	ts.ignore_dup_acks = true;
	ts.lose_rrqs = 1;
	ts.lose_acks = 2;                       /* both copies of ACK 1 (below) */
	CHECK_EQ(fetch(&o, 100000, &len, NULL), 0);
	CHECK_EQ(len, 512 * 5 + 1);
	CHECK_EQ(ts.rrqs, 2);
	CHECK_EQ(ts.ack_log[2], 1);
	CHECK_EQ(ts.ack_log[4], 1);             /* the lost one again ... */
	CHECK(ts.ack_ms[4] - ts.ack_ms[2] < 40);   /* ... after about 10 ms */
}

/* tftpd-hpa never answers a repeated ACK, so a lost ACK would cost its whole retransmission
 * time: to a server that grants utimeout, in lock-step, every ACK goes twice, and losing one
 * copy costs nothing. */
TEST(tftp_acks_doubled_for_tftpd_hpa)
{
	struct tftp_opts o = { .blksize = 512, .windowsize = 1 };
	int64_t len;

	setup(512 * 5 + 1);                     /* 6 blocks */
	ts.grant_utimeout = true;
	ts.ignore_dup_acks = true;
	ts.lose_acks = 1;                       /* one copy of ACK 1 */
	CHECK_EQ(fetch(&o, 100000, &len, NULL), 0);
	CHECK_EQ(len, 512 * 5 + 1);
	CHECK_EQ(ts.acks, 2 * 7);               /* ACK 0-6, each twice */
	for (int i = 0; i < 14; i++)
		CHECK_EQ(ts.ack_log[i], i / 2);
	CHECK_EQ(tftp_last_stats.timeouts, 0);  /* no wait for a timer */
	CHECK_EQ(tftp_last_stats.silence_acks, 0);

	/* Not to a server that did not grant utimeout (atftpd answers a repeated ACK). */
	setup(512 * 5 + 1);
	CHECK_EQ(fetch(&o, 100000, &len, NULL), 0);
	CHECK_EQ(ts.acks, 7);
}

/* A server refusing the whole request over utimeout (tftpd-hpa with a value it will not
 * take): the client asks again without timeout/utimeout and the transfer works. */
TEST(tftp_refused_timeouts_asked_again)
{
	struct tftp_opts o = { .blksize = 8, .windowsize = 4 };
	int64_t len;

	setup(100);
	ts.refuse_utimeout = true;
	CHECK_EQ(fetch(&o, 1000, &len, NULL), 0);
	CHECK_EQ(len, 100);
	CHECK_EQ(ts.rrqs, 2);
	CHECK_STR(ts.rrq_opts, "blksize=8 tsize=0 windowsize=4 ");
}

/* Read (nd)/FILE through the file layer in chunks of 3000 bytes, checking every byte;
 * returns the length or the error, and the fake milliseconds it took in *ms. */
static int64_t read_nd(uint64_t *ms)
{
	static uint8_t buf[3000];
	uint64_t t0 = fake_time_now_ms(), total = 0;
	struct file f;
	int n;

	err_detail[0] = 0;
	n = file_open(&f, "(nd)/boot/file");
	if (n < 0)
		return n;
	while ((n = file_read(&f, buf, sizeof(buf))) > 0) {
		for (int i = 0; i < n; i++)
			if (buf[i] != pattern(total + (uint64_t)i))
				return -1000;
		total += (uint64_t)n;
	}
	file_close(&f);
	*ms = fake_time_now_ms() - t0;
	return n < 0 ? n : (int64_t)total;
}

/* A 200000-byte file from a server that grants utimeout (tftpd-hpa) and falls silent once
 * blocks up to at + step x (request - 1) are acknowledged, for its first rrqs requests. */
static void stalling_server(uint64_t at, uint64_t step, int rrqs)
{
	setup(200000);
	ts.stall_at = at;
	ts.stall_step = step;
	ts.stall_rrqs = rrqs;
	ts.grant_utimeout = true;
}

/* A server that ends a transfer for good mid-file (tftpd-hpa after six unanswered sends of one
 * block): the file is asked for again and the reader goes on byte-exact from where it was. */
TEST(tftp_file_asked_again_after_silence)
{
	uint64_t ms;

	setup(200000);                          /* 137 blocks of 1468 */
	ts.stall_at = 48;            /* three windows of 16 */
	ts.stall_rrqs = 1;
	CHECK_EQ(read_nd(&ms), 200000);
	CHECK_EQ(ts.rrqs, 2);
	CHECK_STR(ts.rrq_file, "boot/file");
	CHECK(ts.finished);
	CHECK_EQ(tftp_last_stats.requests, 2);
	CHECK_EQ(ts.errors, 1);                 /* the silent transfer was told it was dropped */
	CHECK(ms > 10000 && ms < 20000);        /* our 12 tries first: it gave no sign of how it
						 * retransmits */

	/* A server that granted utimeout (tftpd-hpa) is given up on after 2 s of silence, not 12
	 * tries: its own schedule ends 630 ms after the block it last sent. */
	stalling_server(48, 0, 1);
	CHECK_EQ(read_nd(&ms), 200000);
	CHECK_EQ(ts.rrqs, 2);
	CHECK(ms >= 2000 && ms < 3000);
}

/* Asked again only while each request gets further than any before, and at most 8 times in
 * all: a server that always stops at the same block fails with the count of requests. */
TEST(tftp_file_asked_again_only_while_it_helps)
{
	uint64_t ms;

	stalling_server(48, 0, 100);            /* three windows of 16, every time */
	CHECK_EQ(read_nd(&ms), -E_TIMEOUT);
	CHECK_EQ(ts.rrqs, 2);
	CHECK(strstr(err_detail, "stopped sending after block 48: ") != NULL);
	CHECK(strstr(err_detail, "; 2 requests in all") != NULL);

	/* Further every time: eight requests, then the error. */
	stalling_server(16, 16, 100);
	CHECK_EQ(read_nd(&ms), -E_TIMEOUT);
	CHECK_EQ(ts.rrqs, 8);
	CHECK(strstr(err_detail, "stopped sending after block 128: ") != NULL);
	CHECK(strstr(err_detail, "; 8 requests in all") != NULL);

	/* The file changed size on the server between the requests: said so, not spliced. */
	stalling_server(48, 0, 1);
	ts.file_len_later = 150000;
	CHECK_EQ(read_nd(&ms), -E_IO);
	CHECK_STR(err_detail, "boot/file changed on the server while it was read");

	/* ... or is shorter than what the reader already has, with no size announced. */
	stalling_server(48, 0, 1);
	ts.no_tsize = true;
	ts.file_len_later = 30000;
	CHECK_EQ(read_nd(&ms), -E_IO);
	CHECK_STR(err_detail, "boot/file changed on the server while it was read");
	/* And the next file loads. */
	setup(5000);
	CHECK_EQ(read_nd(&ms), 5000);
}

/* ---- the bad-input matrix (docs/testing.md) ------------------------------------------------- */

/* Every ERROR code 0-8 ends the open with an error carrying the server's text, and is never
 * answered; the next transfer works. */
TEST(tftp_error_codes_0_to_8)
{
	static const int want[9] = { -E_IO, -E_NOENT, -E_ACCESS, -E_IO, -E_IO, -E_IO, -E_IO, -E_IO,
				     -E_IO };
	struct tftp_conn *c = NULL;
	int64_t len;

	for (uint16_t code = 0; code <= 8; code++) {
		setup(10);
		ts.error_code = code;
		ts.error_msg = "server says no";
		CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", NULL, NULL), want[code]);
		CHECK_STR(tftp_last_error, "server says no");
		CHECK_EQ(ts.errors, 0);
		CHECK_EQ(ts.rrqs, code == 8 ? 2 : 1);   /* 8: asked again without timeouts */
	}
	setup(700);
	CHECK_EQ(fetch(NULL, 1000, &len, NULL), 0);
	CHECK_EQ(len, 700);
}

/* An OACK granting a blksize larger than asked is refused with ERROR 8. */
TEST(tftp_oack_blksize_larger_than_asked)
{
	static const uint8_t big[] = "blksize\0" "1469";
	struct tftp_conn *c;

	setup(100);
	ts.oack = big;
	ts.oack_len = sizeof(big);
	CHECK_EQ(tftp_open(&c, FAKE_SERVER, "x", NULL, NULL), -E_PROTO);
	CHECK_EQ(ts.error_rx_code, 8);
}

/* The server grants a smaller window than asked (16 -> 3): the transfer follows it. */
TEST(tftp_window_shrunk_by_server)
{
	setup(8 * 9 + 2);                       /* 10 blocks */
	ts.window = 3;
	fetch_scripted(NULL, 16, 74);
	CHECK_ACKS(0, 3, 6, 9, 10);
}

/* A zero-length file: one empty DATA block, read returns 0 at once. */
TEST(tftp_zero_length_file)
{
	int64_t len = -1;
	uint64_t size = 1;

	setup(0);
	CHECK_EQ(fetch(NULL, 1000, &len, &size), 0);
	CHECK_EQ(len, 0);
	CHECK_EQ(size, 0);
}

/* ---- a server with atftpd 0.8's window rules, sending on its own pace --------------------- */

/* It sends one block each time the client finds nothing to receive; between blocks it takes
 * the first ACK that came during a flight and ignores the rest until the flight's end, where it
 * waits (its timer: a second) for an ACK, which it always takes; an ACK it takes starts a new
 * flight after the block acknowledged. Blocks and ACKs are lost at random (seeded). */
static struct {
	uint32_t seed;
	unsigned loss_pct;
	bool started, waiting, eof_seen;
	uint64_t last_ackd, next_send, wait_since_ms;
	unsigned wb, iwa;
	uint16_t pending[64];
	int npending;
	uint16_t last_ack;
	uint64_t sent, timeouts, taken, ignored;
} at;

static bool at_lost(void)
{
	at.seed = at.seed * 1103515245u + 12345u;
	return (at.seed >> 16) % 100 < at.loss_pct;
}

/* An ACK the server reads: taken, or ignored as old or as the second of a flight. */
static bool at_take(uint16_t n, bool in_flight)
{
	uint16_t diff = (uint16_t)(n - (uint16_t)at.last_ackd);

	if (in_flight)
		at.iwa++;
	if (diff >= 0x8000 || (in_flight && at.iwa > 1)) {
		at.ignored++;
		return false;
	}
	at.taken++;
	at.last_ackd += diff;
	if (at.last_ackd < ts.nblocks)
		at.eof_seen = false;
	if (at.last_ackd >= ts.nblocks) {
		ts.finished = true;
		return true;
	}
	at.next_send = at.last_ackd + 1;
	at.wb = 0;
	at.waiting = false;
	return true;
}

static uint16_t at_pop(void)
{
	uint16_t n = at.pending[0];

	memmove(at.pending, at.pending + 1, (size_t)--at.npending * sizeof(at.pending[0]));
	return n;
}

static void atftpd_step(void)
{
	if (!at.started || ts.finished)
		return;
	if (at.waiting) {
		if (at.npending) {
			uint16_t n = at_pop();
			at.iwa = 0;
			at_take(n, false);
		} else if (fake_time_now_ms() - at.wait_since_ms > 1000) {
			at.timeouts++;                /* resend the flight after the last ACK taken */
			at.next_send = at.last_ackd + 1;
			at.wb = 0;
			at.waiting = false;
		}
		return;
	}
	while (at.npending)                       /* one poll per packet, until one is taken */
		if (at_take(at_pop(), true))
			break;
	if (ts.finished)
		return;
	at.sent++;
	if (!at_lost())
		send_block(at.next_send);
	if (at.next_send == ts.nblocks)
		at.eof_seen = true;
	at.next_send++;
	if (++at.wb >= ts.ws || at.eof_seen) {
		at.waiting = true;
		at.wait_since_ms = fake_time_now_ms();
	}
}

/* An ACK reaches the model (the first, ACK 0, starts the transfer), unless lost. */
static void atftpd_on_ack(uint16_t n)
{
	if (ts.acks < (int)ARRAY_SIZE(ts.ack_log))
		ts.ack_log[ts.acks] = n;
	ts.acks++;
	at.last_ack = n;
	if (!at.started) {
		if (n == 0) {
			at.started = true;
			at.next_send = 1;
		}
		return;
	}
	if (!at_lost() && at.npending < (int)ARRAY_SIZE(at.pending))
		at.pending[at.npending++] = n;
}

/* nblocks blocks of 8 bytes (the last shorter) from the atftpd model with window ws. */
static void fetch_from_atftpd_model(uint64_t nblocks, uint16_t ws, unsigned loss_pct)
{
	struct tftp_opts o = { .blksize = 8, .windowsize = ws };
	uint64_t file_len = 8 * (nblocks - 1) + 3;
	int64_t len = -1;

	setup(file_len);
	memset(&at, 0, sizeof(at));
	at.seed = 12345;
	at.loss_pct = loss_pct;
	ts.ack_fn = atftpd_on_ack;
	fake_net_set_idle(atftpd_step);
	CHECK_EQ(fetch(&o, 1000, &len, NULL), 0);
	CHECK_EQ(len, (int64_t)file_len);
	CHECK_EQ(at.last_ack, (uint16_t)nblocks);    /* the client said it has it all */
	printf("    %u%% loss, window %u: server sent %llu blocks for %llu (%llu timeouts, %llu ACKs "
	       "taken, %llu ignored); client kept %u, dropped %u, gap ACKs %u, flight ends %u, "
	       "silences %u, timeouts %u\n", loss_pct, ws, (unsigned long long)at.sent,
	       (unsigned long long)nblocks, (unsigned long long)at.timeouts,
	       (unsigned long long)at.taken, (unsigned long long)at.ignored, tftp_last_stats.kept,
	       tftp_last_stats.dropped, tftp_last_stats.gap_acks, tftp_last_stats.flight_end_acks,
	       tftp_last_stats.silence_acks, tftp_last_stats.timeouts);
}

/* A clean wire and a window of 1024 (atftpd's pacing is off from 1001 on): one ACK per flight,
 * at its end, and every block sent once. */
TEST(tftp_atftpd_model_big_window_clean)
{
	fetch_from_atftpd_model(5000, 1024, 0);
	CHECK_EQ(at.sent, 5000);
	CHECK_ACKS(0, 1024, 2048, 3072, 4096, 5000 & 0xffff);
	CHECK_EQ(tftp_last_stats.kept, 0);
	CHECK_EQ(tftp_last_stats.dropped, 0);
}

/* 5 % of blocks and ACKs lost: blocks that come ahead of a hole are kept, so each flight's
 * re-sending of a hole fills it and the client moves on past what it has, and every flight's
 * end is answered at once (no second waited on the server's timer). The figures it prints are
 * what the model did (the server sent about 2.3 blocks per block of the file). */
TEST(tftp_atftpd_model_big_window_lossy)
{
	fetch_from_atftpd_model(30000, 1024, 5);
	CHECK(tftp_last_stats.kept > 1000);
	CHECK(at.sent < 30000 * 4);
	CHECK(at.timeouts <= 2);
	/* The server resending blocks already kept (on its way to a hole) is no silence: without
	 * that rule the client timed out over 300 times here. */
	CHECK(tftp_last_stats.timeouts < 30);
}

/* The file's last (short) block comes while a hole before it is open: it is kept, and the file
 * ends there once the hole fills; blocks beyond the ring's reach are dropped, not stored. */
static bool short_block_ahead_flight(uint64_t from)
{
	static int calls;
	if (from == 1 && calls++ == 0) {
		send_block(1);
		send_block(2);
		send_block(4);
		send_block(5);                  /* the last, 3 bytes */
		send_block(4);                  /* again: already kept */
		return true;
	}
	return false;
}

TEST(tftp_short_block_kept_ahead_of_a_hole)
{
	setup(8 * 4 + 3);                       /* 5 blocks, the last 3 bytes */
	fetch_scripted(short_block_ahead_flight, 8, 35);
	CHECK_ACKS(0, 2, 5);
	CHECK_EQ(tftp_last_stats.kept, 2);
	CHECK_EQ(tftp_last_stats.dropped, 3);   /* 4 again, then 4 and 5 resent after the gap */
	CHECK_EQ(tftp_last_stats.blocks, 5);
}

/* A hostile server with a big window: blocks far past what the ring can hold (and a block
 * numbered before the start) are dropped, never stored; the file still arrives whole. */
static bool far_ahead_flight(uint64_t from)
{
	static int calls;
	if (from == 1 && calls++ == 0) {
		for (uint64_t k = 60; k < 200; k++)     /* the ring holds 128 blocks from block 1 */
			send_block(k);
		send_block(0xffff);                 /* "block -1" */
	}
	return false;
}

TEST(tftp_blocks_past_the_ring_dropped)
{
	setup(8 * 300 + 1);                     /* 301 blocks */
	fetch_scripted(far_ahead_flight, 64, 8 * 300 + 1);
	CHECK_EQ(tftp_last_stats.blocks, 301);
	CHECK(tftp_last_stats.kept >= 60 && tftp_last_stats.kept <= 128 - 1);
}
