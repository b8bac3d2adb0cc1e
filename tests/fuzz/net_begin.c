/* net_begin.c: a fresh fake network for each run of the DHCP, TFTP and TCP fuzz targets. */
#include "fuzz_net.h"
#include "../unit/fake_netdev.h"
#include "net/net.h"
#include "net/netstack.h"

void fuzz_net_begin(void (*responder)(const uint8_t *frame, size_t len))
{
	static struct netconf initial;
	static bool ready;

	if (!ready) {
		fake_net_reset();
		fake_net_auto_arp(true);
		initial = netconf;
		ready = true;
	}
	netconf = initial;
	while (fake_net_rx_pending())
		net_poll();
	fake_net_set_responder(responder);
	fake_net_abort(false);
}
