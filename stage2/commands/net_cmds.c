/* net_cmds.c: `ifconfig`, `tftpserver` and `root`: show and set the network configuration and the
 * default device. */
#include "ui/command.h"
#include "lib/errors.h"
#include "files/file.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "pxe/pxe.h"

static void show_nic(void)
{
	const uint8_t *m;
	int link;

	if (!net_dev) {
		printf("driver   none%s\n", pxe_present() ? " (files through the PXE ROM)" : "");
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
	if (netconf.dns)
		printf("dns      %s\n", format_ipv4(netconf.dns, a));
	if (netconf.bootfile[0])
		printf("bootfile %s\n", netconf.bootfile);
	if (netconf.hostname[0])
		printf("hostname %s\n", netconf.hostname);
}

/* Network devices on PCI and the driver (if any) compiled in for each. */
int list_network_devices(void)
{
	struct pci_dev devs[64];
	int n = pci_scan(devs, ARRAY_SIZE(devs)), found = 0;

	for (int i = 0; i < n; i++) {
		const struct pci_id *id;
		const struct nic_driver *drv;

		if (devs[i].class_code != PCI_CLASS_NETWORK)
			continue;
		drv = netdev_driver_for(&devs[i], &id);
		printf("%02x:%02x.%x %04x:%04x  %-10s %s%s\n", devs[i].bus, devs[i].dev, devs[i].fn,
		       devs[i].vendor, devs[i].device, drv ? drv->name : "-",
		       drv ? id->name : "no driver compiled in",
		       net_dev && net_dev->pci.bus == devs[i].bus && net_dev->pci.dev == devs[i].dev &&
		       net_dev->pci.fn == devs[i].fn ? "  (in use)" : "");
		found++;
	}
	if (!found)
		printf("No network device found on PCI.\n");
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
	const struct option_spec opts[] = {
		{ "address", true, &address }, { "mask", true, &mask },
		{ "gateway", true, &gateway }, { "server", true, &server }, { "list", false, &list },
	};
	struct netconf nc = netconf;

	argc = parse_options(argc, argv, opts, ARRAY_SIZE(opts));
	if (argc < 0)
		return argc;
	if (argc > 1)
		return cmd_error(-E_INVAL, "ifconfig takes only options (see help ifconfig)");
	if (list)
		return list_network_devices();
	if (!address && !mask && !gateway && !server) {
		show_netconf();
		return 0;
	}
	if (address && parse_address(address, &nc.ip, &nc.mask) < 0)
		return cmd_fail(-E_INVAL, address);
	if (mask && parse_ipv4(mask, &nc.mask) < 0)
		return cmd_fail(-E_INVAL, mask);
	if (gateway && parse_ipv4(gateway, &nc.gateway) < 0)
		return cmd_fail(-E_INVAL, gateway);
	if (server && parse_ipv4(server, &nc.server) < 0)
		return cmd_fail(-E_INVAL, server);
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
	return 0;
}
COMMAND(ifconfig, CMD_MENU,
	"ifconfig [--address=IP[/PREFIX]] [--mask=MASK] [--gateway=IP] [--server=IP] [--list]",
	"Show the NIC and the network configuration, or set parts of it; --list shows the network "
	"devices found on PCI and which driver claims each.", cmd_ifconfig);

static int cmd_tftpserver(int argc, char **argv)
{
	uint32_t ip;

	if (argc != 2 || parse_ipv4(argv[1], &ip) < 0)
		return cmd_error(-E_INVAL, "usage: tftpserver IP");
	netconf.server = ip;
	return 0;
}
COMMAND(tftpserver, CMD_MENU, "tftpserver IP",
	"Set the TFTP server (kept for old menus; same as ifconfig --server=IP).", cmd_tftpserver);

static int cmd_root(int argc, char **argv)
{
	struct file_name n;

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
	strlcpy(file_root_device, n.device, sizeof(file_root_device));
	return 0;
}
COMMAND(root, CMD_MENU, "root (DEVICE)",
	"Set the device that names without (DEVICE) refer to, e.g. root (nd).", cmd_root);
