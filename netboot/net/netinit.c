/* netinit.c: network bring-up at start: claim the NIC with a native driver where one matches;
 * take the settings the PXE ROM cached (then unload the ROM's stack if our driver takes over);
 * run DHCP at start when started as a .lkrn with no settings to inherit. */
#include "lib/errors.h"
#include "files/file.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "pxe/pxe.h"

#define STARTUP_DHCP_TIMEOUT 30

static void print_config(const char *how)
{
	char ip[16], srv[16];

	printf("Network: %s %s, server %s\n", format_ipv4(netconf.ip, ip), how,
	       format_ipv4(netconf.server, srv));
}

void network_init(bool dhcp_at_start)
{
	bool have_pxe;

	strlcpy(file_root_device, "nd", sizeof(file_root_device));
	netdev_probe_all();
	have_pxe = pxe_find() == 0;
	if (have_pxe && pxe_read_cached_info() < 0)
		printf("Network: the PXE stack has no cached DHCP reply\n");
	if (net_dev) {
		const uint8_t *m = net_dev->mac;
		printf("NIC: %s (%s) at PCI %02x:%02x.%x, MAC %02x:%02x:%02x:%02x:%02x:%02x\n",
		       net_dev->driver, net_dev->chip, net_dev->pci.bus, net_dev->pci.dev,
		       net_dev->pci.fn, m[0], m[1], m[2], m[3], m[4], m[5]);
		memcpy(netconf.mac, m, 6);
		/* Our driver takes the NIC: the ROM must let go of it first. */
		if (have_pxe)
			pxe_unload();
	}
	if (netconf.configured) {
		print_config(have_pxe ? "from PXE" : "");
		return;
	}
	if (!net_dev) {
		printf("Network: no %s; no network until configured\n",
		       have_pxe ? "DHCP settings from PXE" : "PXE stack found and no driver for the NIC");
		return;
	}
	if (dhcp_at_start) {
		printf("DHCP (ESC to skip)...\n");
		int rc = dhcp_configure(false, STARTUP_DHCP_TIMEOUT);
		if (rc < 0)
			printf("Network: DHCP failed: %s; use dhcp or ifconfig\n", errmsg(rc));
		else
			print_config("from DHCP");
	}
}
