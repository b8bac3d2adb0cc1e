/* fuzz_tftp.c: libFuzzer target running a TFTP read against fuzzed server packets (fake NIC). */
#include "../unit/fake_netdev.h"
#include "fuzz_net.h"
#include "lib/errors.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "net/tftp.h"
#include "files/file.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TID 3001

/* Input: two option bytes (blksize/no-options/keep-waiting/through-the-file-layer and window
 * choices), then records of [port selector]
 * [2-byte length][bytes]; every packet the client sends is answered with the next two
 * records: selector bit 0 sends from a stranger port, bit 1 from another host. */
static const uint8_t *in;
static size_t in_left;
static uint16_t client_port;
static bool keep_waiting;

static void answer(const uint8_t *frame, size_t len)
{
	struct fake_udp u;
	uint8_t out[ETH_RXBUF_SIZE];

	if (!fake_parse_udp(frame, len, &u))
		return;
	if (u.dport == 69)
		client_port = u.sport;
	for (int r = 0; r < 2 && in_left >= 3; r++) {
		uint8_t sel = in[0];
		size_t n = (size_t)(in[1] << 8 | in[2]) % (UDP_PAYLOAD_MAX + 1);
		const uint8_t *p = in + 3;
		n = MIN(n, in_left - 3);
		in += 3 + n;
		in_left -= 3 + n;
		uint32_t ip = (sel & 2) ? 0x0a000009u : FAKE_SERVER;
		uint16_t port = (sel & 1) ? TID + 1 : TID;
		fake_net_inject(out, fake_build_udp(out, fake_peer_mac, ip, port, FAKE_OUR_IP, client_port,
						    p, n));
	}
	/* Out of input: end the run as if ESC was pressed, instead of 31 s of (fake) timeouts,
	 * except when the input asks to exercise the timeouts. */
	if (in_left < 3 && !keep_waiting)
		fake_net_abort(true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t blksizes[] = { 0, 8, 512, 1024, 1468 };
	static uint8_t buf[4096];
	struct tftp_opts o;
	struct tftp_conn *c;
	uint64_t tsize;

	if (size < 2)
		return 0;
	fuzz_net_begin(answer);
	keep_waiting = data[0] & 0x40;
	memset(&o, 0, sizeof(o));
	o.blksize = blksizes[data[0] % ARRAY_SIZE(blksizes)];
	o.no_options = data[0] & 0x80;
	o.windowsize = data[1] >= 240 ? TFTP_MAX_WINDOW : data[1] % 70;   /* big windows: a ring that wraps */
	in = data + 2;
	in_left = size - 2;

	if (data[0] & 0x20) {
		/* Through (nd): a transfer that times out mid-file is asked for again, and the
		 * next records answer the new request (a file that changes, stops, ends early). */
		struct file f;
		tftp_settings = o;
		if (file_open(&f, "(nd)/fuzz/file") == 0) {
			for (int i = 0; i < 100000; i++) {
				int n = file_read(&f, buf, 1 + (size_t)(i * 997) % sizeof(buf));
				if (n <= 0)
					break;
				if ((size_t)n > sizeof(buf))
					abort();
			}
			file_close(&f);
		}
		memset(&tftp_settings, 0, sizeof(tftp_settings));
		fake_net_set_responder(NULL);
		return 0;
	}
	int rc = tftp_open(&c, FAKE_SERVER, "fuzz/file", &o, &tsize);
	if (rc == 0) {
		uint16_t bs, ws;
		tftp_negotiated(c, &bs, &ws);
		if (bs < 8 || bs > 1468 || ws < 1 || ws > TFTP_MAX_WINDOW)
			abort();
		uint64_t total = 0;
		for (int i = 0; i < 100000; i++) {
			int n = tftp_read(c, buf, 1 + (size_t)(i * 997) % sizeof(buf));
			if (n <= 0)
				break;
			if ((size_t)n > sizeof(buf))
				abort();
			total += (uint64_t)n;
		}
		(void)total;
		tftp_close(c);
	}
	if (strnlen(tftp_last_error, sizeof(tftp_last_error)) == sizeof(tftp_last_error))
		abort();
	fake_net_set_responder(NULL);
	return 0;
}
