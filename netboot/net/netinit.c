/* netinit.c: network bring-up at start and on `ifconfig --nic`: list the NICs, choose one (the
 * PXE ROM's boot NIC first), make the ROM let go of it before a native driver resets it, and
 * take the ROM's cached settings only for the NIC they were leased to; a .lkrn runs DHCP. */
#include "lib/errors.h"
#include "files/file.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "pxe/pxe.h"

#define STARTUP_DHCP_TIMEOUT 30

static bool rom_released;     /* the PXE ROM no longer drives its NIC */

static void print_config(const char *how)
{
	char ip[16], srv[16];

	printf("Network: %s %s, server %s\n", format_ipv4(netconf.ip, ip), how,
	       format_ipv4(netconf.server, srv));
}

static void print_mac(const uint8_t *m)
{
	printf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* Only once the ROM let go may a native driver reset a chip (the ROM's may be any of them). */
static void release_rom(void)
{
	int rc;

	if (!pxe_present() || rom_released)
		return;
	rc = pxe_release_nic();
	if (rc < 0)
		printf("Network: the PXE ROM did not release its NIC: %s\n", errmsg(rc));
	rom_released = true;
}

static void print_nic(const char *why)
{
	printf("NIC: %s (%s) at PCI %02x:%02x.%x, MAC ", net_dev->driver, net_dev->chip,
	       net_dev->pci.bus, net_dev->pci.dev, net_dev->pci.fn);
	print_mac(net_dev->mac);
	printf("%s\n", why);
}

/* What the ROM knows of its boot NIC, without touching any chip. */
static void read_boot_hint(const struct netconf *rom_conf, bool have_conf)
{
	static const uint8_t zero[6];

	memset(&nic_boot, 0, sizeof(nic_boot));
	if (have_conf && memcmp(rom_conf->mac, zero, 6)) {
		nic_boot.have_mac = true;
		memcpy(nic_boot.mac, rom_conf->mac, 6);
	}
	nic_boot.have_loc = pxe_nic_location(&nic_boot.bus, &nic_boot.dev, &nic_boot.fn) == 0;
}

/* A ROM that does not say where its NIC is: after it let go, probe each NIC with a driver once
 * to learn its MAC, so nic_choose() can match the cached reply's chaddr. */
static void learn_macs(void)
{
	release_rom();
	for (int i = 0; i < nic_count; i++)
		if (nic_list[i].drv && !nic_list[i].mac_known)
			netdev_use(i);
}

/* Choose and probe a NIC; returns why (net_dev is NULL unless a NIC was claimed). */
static enum nic_why claim_nic(void)
{
	enum nic_why why;
	int idx;

	if (pxe_present() && !nic_boot.have_loc && nic_boot.have_mac)
		learn_macs();
	while ((idx = nic_choose(nic_list, nic_count, &nic_boot, &why)) >= 0) {
		release_rom();
		if (netdev_use(idx) == 0)
			return why;
		printf("NIC: %s at PCI %02x:%02x.%x failed to start; trying the next\n",
		       nic_list[idx].drv->name, nic_list[idx].pci.bus, nic_list[idx].pci.dev,
		       nic_list[idx].pci.fn);
	}
	net_dev = NULL;
	return why;
}

static void report_choice(enum nic_why why)
{
	int with_drv = 0, b = nic_boot_index(nic_list, nic_count, &nic_boot);

	for (int i = 0; i < nic_count; i++)
		with_drv += nic_list[i].drv != NULL;
	if (nic_list_dropped)
		printf("NIC: %d network device(s) left out of the list (out of memory)\n",
		       nic_list_dropped);
	switch (why) {
	case NIC_BY_PCI:
	case NIC_BY_MAC:
		print_nic(nic_count > 1 ? " (the PXE boot NIC)" : "");
		break;
	case NIC_FIRST:
		if (!pxe_present())
			print_nic(with_drv > 1 || nic_count > 1 ?
				  " (first NIC with a driver; see ifconfig --list)" : "");
		else if (b >= 0)
			print_nic(" (first NIC with a driver: the PXE boot NIC's driver failed)");
		else
			print_nic(" (first NIC with a driver: the PXE boot NIC is not known)");
		break;
	case NIC_BOOT_NO_DRIVER:
		printf("NIC: the PXE boot NIC at PCI %02x:%02x.%x (%04x:%04x) has no driver compiled "
		       "in; files go through the PXE ROM\n", nic_list[b].pci.bus, nic_list[b].pci.dev,
		       nic_list[b].pci.fn, nic_list[b].pci.vendor, nic_list[b].pci.device);
		break;
	case NIC_NONE:
		break;
	}
}

void network_init(bool dhcp_at_start)
{
	struct netconf rom_conf = { 0 };
	bool have_pxe, have_conf = false;
	enum nic_why why;

	strlcpy(file_root_device, "nd", sizeof(file_root_device));
	have_pxe = pxe_find() == 0;
	if (have_pxe) {
		have_conf = pxe_read_cached_info() == 0;
		if (!have_conf)
			printf("Network: the PXE stack has no cached DHCP reply\n");
		rom_conf = netconf;
		memset(&netconf, 0, sizeof(netconf));
		read_boot_hint(&rom_conf, have_conf);
	}
	netdev_scan();
	why = claim_nic();
	report_choice(why);
	if (!net_dev) {
		/* The ROM still drives its NIC: its lease is that NIC's. */
		if (have_conf && !rom_released) {
			netconf = rom_conf;
			print_config("from PXE");
			return;
		}
		if (rom_released)
			printf("Network: no NIC with a working driver; no network\n");
		else
			printf("Network: no %s; no network until configured\n",
			       have_pxe ? "DHCP settings from PXE" :
					  "PXE stack found and no driver for the NIC");
		return;
	}
	memcpy(netconf.mac, net_dev->mac, 6);
	if (have_conf) {
		if (nic_owns_lease(nic_list, nic_count, netdev_in_use(), &nic_boot)) {
			netconf = rom_conf;
			memcpy(netconf.mac, net_dev->mac, 6);
			print_config("from PXE");
			return;
		}
		printf("Network: the PXE ROM's DHCP lease belongs to MAC ");
		print_mac(rom_conf.mac);
		printf(", not to this NIC: not using it\n");
		dhcp_at_start = true;
	}
	if (dhcp_at_start) {
		printf("DHCP (ESC to skip)...\n");
		int rc = dhcp_configure(false, STARTUP_DHCP_TIMEOUT);
		if (rc < 0) {
			printf("Network: DHCP failed: %s%s%s%s; use dhcp or ifconfig\n", errmsg(rc),
			       err_detail[0] ? " (" : "", err_detail, err_detail[0] ? ")" : "");
			err_detail[0] = 0;
		} else {
			print_config("from DHCP");
		}
	}
}

int network_use_nic(int idx)
{
	int rc;

	if (idx == netdev_in_use())
		return 0;
	release_rom();
	rc = netdev_use(idx);
	if (rc < 0)
		return rc;
	/* A lease or static address belongs to the NIC it was set up on. */
	memset(&netconf, 0, sizeof(netconf));
	memcpy(netconf.mac, net_dev->mac, 6);
	arp_flush();
	print_nic("");
	return 0;
}
