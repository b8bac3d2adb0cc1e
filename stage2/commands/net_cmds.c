/* net_cmds.c: `ifconfig`, `tftpserver` and `root`: show and set the network configuration and the
 * default device. */
#include "ui/command.h"
#include "lib/errors.h"
#include "files/file.h"
#include "net/dns.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "pxe/pxe.h"

static void show_nic(void)
{
	const uint8_t *m;
	int link;

	if (!net_dev) {
		printf("driver   none%s\n", !pxe_present() ? "" : pxe_tftp_api_chosen ?
		       " (files through the PXE ROM's TFTP API)" : " (files through the PXE ROM)");
		return;
	}
	m = net_dev->mac;
	link = net_dev->ops->link ? net_dev->ops->link(net_dev) : -E_NOTSUP;
	printf("driver   %s (%s%s%s) at PCI %02x:%02x.%x\n", net_dev->driver, net_dev->chip,
	       net_dev->mode ? ", " : "", net_dev->mode ? net_dev->mode : "",
	       net_dev->pci.bus, net_dev->pci.dev, net_dev->pci.fn);
	printf("mac      %02x:%02x:%02x:%02x:%02x:%02x\n", m[0], m[1], m[2], m[3], m[4], m[5]);
	printf("link     %s\n", link > 0 ? "up" : link == 0 ? "down" : "unknown");
}

static void show_netconf(void)
{
	char a[16];

	show_nic();
	if (!netconf.configured) {
		printf("Network not configured (no address: use dhcp or ifconfig --address).\n");
		return;
	}
	printf("source   %s\n", netconf.source);
	printf("address  %s\n", format_ipv4(netconf.ip, a));
	printf("netmask  %s\n", format_ipv4(netconf.mask, a));
	printf("gateway  %s\n", format_ipv4(netconf.gateway, a));
	printf("server   %s\n", format_ipv4(netconf.server, a));
	for (unsigned i = 0; i < NETCONF_DNS_MAX && netconf.dns[i]; i++)
		printf("dns      %s\n", format_ipv4(netconf.dns[i], a));
	if (netconf.bootfile[0])
		printf("bootfile %s\n", netconf.bootfile);
	if (netconf.hostname[0])
		printf("hostname %s\n", netconf.hostname);
}

/* Network devices on PCI: the driver (if any) compiled in for each, MAC where known, which one
 * is in use and which one the PXE ROM booted from; the last column is the --nic index. */
int list_network_devices(void)
{
	int in_use, boot;

	netdev_scan();
	in_use = netdev_in_use();
	boot = nic_boot_index(nic_list, nic_count, &nic_boot);
	if (!nic_count)
		printf("No network device found on PCI.\n");
	else
		printf("PCI      ID         driver     chip                MAC                NIC\n");
	for (int i = 0; i < nic_count; i++) {
		const struct nic *c = &nic_list[i];
		char mac[18] = "-";

		if (c->mac_known)
			snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", c->mac[0],
				 c->mac[1], c->mac[2], c->mac[3], c->mac[4], c->mac[5]);
		else if (i == boot && nic_boot.have_mac)
			snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", nic_boot.mac[0],
				 nic_boot.mac[1], nic_boot.mac[2], nic_boot.mac[3], nic_boot.mac[4],
				 nic_boot.mac[5]);
		printf("%02x:%02x.%x  %04x:%04x  %-10s %-19s %-18s %d%s%s%s\n", c->pci.bus,
		       c->pci.dev, c->pci.fn, c->pci.vendor, c->pci.device,
		       c->drv ? c->drv->name : "-",
		       c->drv ? c->id->name : "no driver", mac, i,
		       i == in_use ? "  (in use)" : "", i == boot ? "  (PXE boot)" : "",
		       c->failed ? "  (driver failed)" : "");
	}
	if (nic_list_dropped)
		printf("%d more network device(s) not listed: out of memory\n", nic_list_dropped);
	return 0;
}

/* ifconfig --nic=N|BB:DD.F: drive another NIC; its settings start empty (run dhcp). */
static int switch_nic(const char *spec)
{
	int idx, rc;

	netdev_scan();
	idx = nic_find(nic_list, nic_count, spec);
	if (idx < 0)
		return cmd_error(idx, "no NIC '%s' (see ifconfig --list)", spec);
	if (!nic_list[idx].drv)
		return cmd_error(-E_NOTSUP, "no driver compiled in for the NIC at PCI %02x:%02x.%x "
				 "(%04x:%04x)", nic_list[idx].pci.bus, nic_list[idx].pci.dev,
				 nic_list[idx].pci.fn, nic_list[idx].pci.vendor,
				 nic_list[idx].pci.device);
	if (idx == netdev_in_use()) {
		printf("NIC %d is already in use\n", idx);
		return 0;
	}
	rc = network_use_nic(idx);
	if (rc < 0)
		return cmd_error(rc, "the %s driver could not start the NIC at PCI %02x:%02x.%x: %s",
				 nic_list[idx].drv->name, nic_list[idx].pci.bus, nic_list[idx].pci.dev,
				 nic_list[idx].pci.fn, errmsg(rc));
	printf("Network settings cleared (they belonged to the other NIC): use dhcp or ifconfig "
	       "--address\n");
	return 0;
}

/* Parse IP or IP/PREFIX; *mask is set only when a prefix was given. */
static int parse_address(const char *s, uint32_t *ip, uint32_t *mask)
{
	char buf[32];
	char *slash;
	uint32_t prefix;

	if (strlcpy(buf, s, sizeof(buf)) >= sizeof(buf))
		return -E_INVAL;
	slash = strchr(buf, '/');
	if (slash) {
		*slash = 0;
		if (parse_u32(slash + 1, &prefix) < 0 || prefix > 32)
			return -E_INVAL;
		*mask = prefix ? ~0u << (32 - prefix) : 0;
	}
	return parse_ipv4(buf, ip);
}

static int cmd_ifconfig(int argc, char **argv)
{
	const char *address = NULL, *mask = NULL, *gateway = NULL, *server = NULL, *list = NULL;
	const char *nic = NULL, *driver = NULL, *dns = NULL;
	const struct option_spec opts[] = {
		{ "driver", true, &driver },
		{ "address", true, &address }, { "mask", true, &mask },
		{ "gateway", true, &gateway }, { "server", true, &server }, { "list", false, &list },
		{ "nic", true, &nic }, { "dns", true, &dns },
	};
	struct netconf nc = netconf, old = netconf;
	bool server_name = false;
	uint32_t ip;

	argc = parse_options(argc, argv, opts, ARRAY_SIZE(opts));
	if (argc < 0)
		return argc;
	if (argc > 1)
		return cmd_error(-E_INVAL, "ifconfig takes only options (see help ifconfig)");
	if (list)
		return list_network_devices();
	if (nic) {
		int rc = switch_nic(nic);

		/* Settings given with the switch apply to the new NIC. */
		if (rc < 0 || (!address && !mask && !gateway && !server && !dns))
			return rc;
		nc = old = netconf;
	}
	if (driver) {
		int rc = network_use_driver(driver);
		bool rom = !strcmp(driver, NETWORK_ROM_API) || !strcmp(driver, NETWORK_ROM_TFTP);

		if (rc == -E_NODEV && !strcmp(driver, "undi"))
			return cmd_error(rc, "no PXE stack in memory for the undi driver");
		if (rc == -E_NODEV && rom)
			return cmd_error(rc, "no PXE stack in memory to carry the files");
		if (rc == -E_BUSY && rom)
			return cmd_error(rc, "the PXE ROM's stack runs only the PXE boot NIC, and "
					 "another NIC is in use (see ifconfig --list)");
		if (rc == -E_NOTSUP)
			return cmd_error(rc, "no driver '%s' for this NIC (see ifconfig --list)", driver);
		if (rc < 0)
			return cmd_error(rc, "the %s driver could not start the NIC: %s", driver,
					 errmsg(rc));
		if (!address && !mask && !gateway && !server && !dns)
			return 0;
		nc = netconf;
	}
	if (!address && !mask && !gateway && !server && !dns) {
		show_netconf();
		return 0;
	}
	if (address && parse_address(address, &nc.ip, &nc.mask) < 0)
		return cmd_fail(-E_INVAL, address);
	if (mask && parse_ipv4(mask, &nc.mask) < 0)
		return cmd_fail(-E_INVAL, mask);
	if (gateway && parse_ipv4(gateway, &nc.gateway) < 0)
		return cmd_fail(-E_INVAL, gateway);
	if (dns) {
		if (parse_ipv4(dns, &ip) < 0 || !ip)
			return cmd_fail(-E_INVAL, dns);
		memset(nc.dns, 0, sizeof(nc.dns));
		nc.dns[0] = ip;
	}
	/* A server given by name is looked up once the rest (address, DNS server) is in place. */
	if (server && parse_ipv4(server, &nc.server) < 0)
		server_name = true;
	nc.configured = nc.ip != 0;
	if (address)
		strlcpy(nc.source, "static", sizeof(nc.source));
	/* A mask that does not fit the address class is still the user's choice; a gateway
	 * off the subnet is not reachable. */
	if (nc.gateway && nc.mask && (nc.gateway & nc.mask) != (nc.ip & nc.mask))
		return cmd_error(-E_INVAL, "gateway is not on the subnet of the address");
	netconf = nc;
	if (net_dev)
		arp_flush();
	if (address || dns)
		dns_cache_flush();
	if (server_name) {
		int rc = dns_resolve(server, &ip);
		if (rc < 0) {
			netconf = old;
			return cmd_fail(rc, server);
		}
		netconf.server = ip;
	}
	return 0;
}
COMMAND(ifconfig, CMD_MENU,
	"ifconfig [--address=IP[/PREFIX]] [--mask=MASK] [--gateway=IP] [--server=HOST] [--dns=IP] "
	"[--list] [--nic=N|BB:DD.F] [--driver=undi|pxe|pxe-tftp|NAME]",
	"Show the NIC and the network configuration, or set parts of it (--server takes an address "
	"or a name, looked up by DNS); --dns replaces the DNS servers with one; --list shows the network "
	"devices found on PCI (driver, MAC, which is in use, which the PXE ROM booted from); "
	"--nic switches to another of them (by the index --list shows or its PCI location) and "
	"clears the settings (run dhcp next); --driver=undi runs the PXE boot NIC through the PXE "
	"ROM's UNDI driver, --driver=pxe uses no osprey driver: osprey's TFTP runs over the ROM's "
	"UDP API (--driver=pxe-tftp: the ROM's own TFTP API, which ESC cannot interrupt), --driver=NAME (e.g. e1000) takes it back with osprey's own driver "
	"(the settings stay).", cmd_ifconfig);

static int cmd_tftpserver(int argc, char **argv)
{
	uint32_t ip;
	int rc;

	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: tftpserver HOST");
	rc = dns_resolve(argv[1], &ip);
	if (rc < 0)
		return cmd_fail(rc, argv[1]);
	netconf.server = ip;
	return 0;
}
COMMAND(tftpserver, CMD_MENU, "tftpserver HOST",
	"Set the TFTP server, an address or a name (kept for old menus; same as ifconfig --server).",
	cmd_tftpserver);

/* `root` and `rootnoverify`: the same but for checking that the device is there. */
static int set_root(int argc, char **argv, bool verify)
{
	struct file_name n;
	int rc;

	if (argc == 1) {
		printf("root (%s)\n", file_root_device);
		return 0;
	}
	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: root (DEVICE)");
	if (file_device_parse(argv[1], &n) < 0)
		return cmd_error(-E_INVAL, "%s: not a device name like (nd) or (hd0,1)", argv[1]);
	if (!file_find_source(n.source, false))
		return cmd_error(-E_NODEV, "%s: no such device in this build (see help root)", argv[1]);
	if (verify && (rc = file_device_check(&n)) < 0)
		return cmd_fail(rc, argv[1]);
	strlcpy(file_root_device, n.device, sizeof(file_root_device));
	return 0;
}

static int cmd_root(int argc, char **argv)
{
	return set_root(argc, argv, true);
}
COMMAND(root, CMD_MENU, "root (DEVICE)",
	"Set the device that names without (DEVICE) refer to, e.g. root (nd) or root (hd0,1); "
	"a disk or partition that is not there is refused.", cmd_root);

static int cmd_rootnoverify(int argc, char **argv)
{
	return set_root(argc, argv, false);
}
COMMAND(rootnoverify, CMD_MENU, "rootnoverify (DEVICE)",
	"Like root, without checking that the device is there (GRUB legacy's, for chainloading).",
	cmd_rootnoverify);
