/* netinit.c: network bring-up at start and on `ifconfig --nic`: list the NICs, choose one (the
 * PXE ROM's boot NIC first), make the ROM let go of it before a native driver resets it, and
 * take the ROM's cached settings only for the NIC they were leased to; a .lkrn runs DHCP. */
#include "lib/errors.h"
#include "files/file.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "pxe/pxe.h"
#include "services/smbios.h"

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
		if (!nic_list[idx].drv->uses_pxe)
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

/* Physical memory as it is in our flat, unpaged address space (the SMBIOS tables lie below
 * 4 GiB in RAM or ROM); NULL only for a range that would wrap. */
static const uint8_t *phys_read(uint32_t phys, size_t len)
{
	if (len > 0xffffffffu - phys)
		return NULL;
	return (const uint8_t *)(uintptr_t)phys;
}

void network_init(bool dhcp_at_start)
{
	struct netconf rom_conf = { 0 };
	bool have_pxe, have_conf = false;
	enum nic_why why;

	strlcpy(file_root_device, "nd", sizeof(file_root_device));
	/* Our DHCP requests carry it as option 97, as the PXE ROM's do. */
	dhcp_client_uuid_known = smbios_find_uuid(phys_read, dhcp_client_uuid) == 0;
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
	/* A boot NIC no native driver claims is run through the ROM's UNDI, when built in. */
	if (pxe_present()) {
		const struct nic_driver *rom = netdev_rom_driver();

		if (rom)
			nic_offer_rom_driver(nic_list, nic_count, &nic_boot, rom, rom->ids, false);
	}
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
	if (!nic_list[idx].drv->uses_pxe)
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

/* ifconfig --driver=pxe (or pxe-tftp): no osprey driver; files through the ROM's own stack
 * (tftp_file.c runs osprey's TFTP over the ROM's UDP API when net_dev is NULL, or with
 * tftp_api uses the ROM's TFTP API). The ROM's API runs its boot NIC, so only that NIC's
 * settings stay valid: from another NIC the switch is refused. After a native driver had the
 * NIC (the ROM shut its UNDI down) pxe_reopen_nic gives it back; after undi, its UNDI_CLOSE
 * does; then the ROM's own stack is started on it again (pxe_restart_stack). */
static int use_rom_api(bool tftp_api)
{
	int cur = netdev_in_use(), boot = nic_boot_index(nic_list, nic_count, &nic_boot);
	int rc;

	if (!pxe_loaded())
		return -E_NODEV;
	if (cur >= 0 && cur != boot)
		return -E_BUSY;
	netdev_release();
	/* The list shows the NIC's own match again (`-` for one only undi could drive). */
	if (boot >= 0)
		nic_list[boot].drv = netdev_driver_for(&nic_list[boot].pci, &nic_list[boot].id);
	if (rom_released) {
		if ((rc = pxe_reopen_nic()) < 0)
			return rc;
		rom_released = false;
	}
	if ((rc = pxe_restart_stack(netconf.ip)) < 0)
		return rc;
	pxe_tftp_api_chosen = tftp_api;
	printf("NIC: none; files go through the PXE ROM's %s API\n", tftp_api ? "TFTP" : "UDP");
	return 0;
}

int network_use_driver(const char *name)
{
	const struct nic_driver *rom = netdev_rom_driver(), *drv;
	const struct pci_id *id = NULL;
	int cur = netdev_in_use(), idx, rc;

	netdev_scan();
	if (!strcmp(name, NETWORK_ROM_API) || !strcmp(name, NETWORK_ROM_TFTP))
		return use_rom_api(!strcmp(name, NETWORK_ROM_TFTP));
	/* Leaving UNDI: the ROM drives the NIC again and must let go once more. */
	if (cur >= 0 && nic_list[cur].drv->uses_pxe)
		rom_released = false;
	if (rom && !strcmp(name, rom->name)) {
		if (!pxe_loaded())
			return -E_NODEV;
		idx = nic_offer_rom_driver(nic_list, nic_count, &nic_boot, rom, rom->ids, true);
		if (idx < 0)
			return idx;
	} else {
		/* Back to the native driver of the NIC in use (the boot NIC under UNDI). */
		idx = cur >= 0 ? cur : nic_boot_index(nic_list, nic_count, &nic_boot);
		if (idx < 0)
			return -E_NODEV;
		drv = netdev_driver_for(&nic_list[idx].pci, &id);
		if (!drv || strcmp(drv->name, name))
			return -E_NOTSUP;
		nic_list[idx].drv = drv;
		nic_list[idx].id = id;
		nic_list[idx].failed = false;
	}
	/* Same NIC, same MAC: the lease stays valid, so netconf is kept. */
	netdev_close();
	if (!nic_list[idx].drv->uses_pxe)
		release_rom();
	rc = netdev_use(idx);
	if (rc < 0)
		return rc;
	memcpy(netconf.mac, net_dev->mac, 6);
	arp_flush();
	print_nic("");
	return 0;
}
