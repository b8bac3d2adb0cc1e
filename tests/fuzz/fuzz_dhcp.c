/* fuzz_dhcp.c: libFuzzer target running dhcp_configure() against fuzzed server replies (fake NIC, port 67 -> 68). */
#include "../unit/fake_netdev.h"
#include "fuzz_net.h"
#include "net/bootp.h"
#include "lib/errors.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Input: one flags byte, then records of [2-byte length][bytes]; each request the client sends
 * is answered with the next two records. Flag bits help the fuzzer past the cheap checks. */
enum {
	FIX_XID = 1,          /* copy xid and chaddr from the request, make it a BOOTREPLY */
	FIX_MAGIC = 2,        /* put the DHCP magic cookie in place */
	BOOTP_MODE = 4,
};

static const uint8_t *in;
static size_t in_left;
static uint8_t flags;

static void answer(const uint8_t *frame, size_t len)
{
	struct fake_udp u;
	static uint8_t reply[UDP_PAYLOAD_MAX];
	uint8_t out[ETH_RXBUF_SIZE];

	if (!fake_parse_udp(frame, len, &u) || u.dport != 67 || u.len < 240)
		return;
	for (int r = 0; r < 2 && in_left >= 2; r++) {
		size_t n = (size_t)(in[0] << 8 | in[1]) % (UDP_PAYLOAD_MAX + 1);
		in += 2;
		in_left -= 2;
		n = MIN(n, in_left);
		memcpy(reply, in, n);
		in += n;
		in_left -= n;
		if ((flags & FIX_XID) && n >= 44) {
			reply[0] = 2;
			memcpy(reply + 4, u.data + 4, 4);
			memcpy(reply + 28, u.data + 28, 16);
		}
		if ((flags & FIX_MAGIC) && n >= 240)
			memcpy(reply + 236, "\x63\x82\x53\x63", 4);
		fake_net_inject(out, fake_build_udp(out, fake_peer_mac, FAKE_SERVER, 67, 0xffffffffu, 68,
						    reply, n));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	fuzz_net_begin(answer);
	flags = data[0];
	in = data + 1;
	in_left = size - 1;

	int rc = dhcp_configure(flags & BOOTP_MODE, 2);
	if (rc == 0) {
		if (!netconf.configured || netconf.ip == 0 ||
		    memcmp(netconf.mac, fake_our_mac, 6) != 0 ||
		    dhcp_last_reply_len < BOOTP_MIN_LEN || dhcp_last_reply_len > sizeof(dhcp_last_reply) ||
		    strnlen(netconf.bootfile, sizeof(netconf.bootfile)) == sizeof(netconf.bootfile) ||
		    strnlen(netconf.hostname, sizeof(netconf.hostname)) == sizeof(netconf.hostname))
			abort();
	} else if (rc != -E_TIMEOUT) {
		abort();
	} else if (netconf.ip != FAKE_OUR_IP) {
		abort();          /* a failed run leaves the old configuration */
	}
	fake_net_set_responder(NULL);
	return 0;
}
