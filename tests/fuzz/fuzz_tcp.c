/* fuzz_tcp.c: libFuzzer target: a TCP connection and read against fuzzed peer segments (fake NIC). */
#include "../unit/fake_netdev.h"
#include "fuzz_net.h"
#include "lib/errors.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "net/tcp.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PEER_PORT 80
#define PEER_ISS 0x7ffffff0u      /* near a sign change of sequence arithmetic */

/* Input: one byte choosing the window, then records [sel][2-byte length][seq offset 4][ack
 * offset 4][flags][window 2][option length][options][data]. Every segment the client sends is
 * answered with the next two records: the harness fills in the ports and checksum, and (sel
 * bit 0) makes seq relative to the peer's ISS and (bit 1) ack relative to ours, so the
 * fuzzer reaches the synchronized states. */
static const uint8_t *in;
static size_t in_left;
static uint16_t cport;
static uint32_t our_iss;

static void answer(const uint8_t *frame, size_t len)
{
	uint8_t t[1600], out[ETH_RXBUF_SIZE];

	if (len < 54 || frame[23] != 6)
		return;
	const uint8_t *seg = frame + 34;
	if (seg[13] & 0x02) {
		cport = get_be16(seg);
		our_iss = get_be32(seg + 4);
	}
	for (int r = 0; r < 2 && in_left >= 3 + 12; r++) {
		uint8_t sel = in[0];
		size_t n = (size_t)(in[1] << 8 | in[2]) % 1500;
		const uint8_t *p = in + 3;
		n = MIN(n, in_left - 3);
		in += 3 + n;
		in_left -= 3 + n;
		if (n < 12)
			continue;
		uint32_t seq = get_be32(p), ack = get_be32(p + 4);
		if (sel & 1)
			seq += PEER_ISS;
		if (sel & 2)
			ack += our_iss;
		size_t optlen = MIN((size_t)(p[11] & 0x3c), n - 12);
		optlen &= ~(size_t)3;
		size_t dlen = MIN(n - 12 - optlen, (size_t)1400);
		size_t hl = 20 + optlen;
		put_be16(t, PEER_PORT);
		put_be16(t + 2, cport);
		put_be32(t + 4, seq);
		put_be32(t + 8, ack);
		t[12] = (uint8_t)((hl / 4) << 4);
		t[13] = p[8];
		put_be16(t + 14, get_be16(p + 9));
		put_be16(t + 16, 0);
		put_be16(t + 18, 0);
		memcpy(t + 20, p + 12, optlen + dlen);
		uint32_t s = FAKE_SERVER, d = FAKE_OUR_IP;
		uint32_t pseudo = (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) + 6 +
				  (uint32_t)(hl + dlen);
		put_be16(t + 16, fake_checksum(t, hl + dlen, pseudo));
		fake_net_inject(out, fake_build_ipv4(out, fake_peer_mac, s, d, 6, t, hl + dlen));
	}
	if (in_left < 15)
		fake_net_abort(true);   /* out of input: end as if ESC was pressed */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[8192];
	struct tcp_conn *c;

	if (size < 1)
		return 0;
	fuzz_net_begin(answer);
	tcp_window = (data[0] & 1) ? TCP_WINDOW_MIN : TCP_WINDOW_DEFAULT;
	in = data + 1;
	in_left = size - 1;

	if (tcp_connect(&c, FAKE_SERVER, PEER_PORT) == 0) {
		tcp_send(c, "GET / HTTP/1.1\r\n\r\n", 18);
		for (int i = 0; i < 10000; i++) {
			size_t want = 1 + (size_t)(i * 997) % sizeof(buf);
			int n = tcp_recv(c, buf, want, want);
			if (n <= 0)
				break;
			if ((size_t)n > want)
				abort();
		}
		tcp_close(c);
	}
	fake_net_set_responder(NULL);
	return 0;
}
