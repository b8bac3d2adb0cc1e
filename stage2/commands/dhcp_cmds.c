/* dhcp_cmds.c: `dhcp` and `bootp`: configure the network with the native stack. */
#include "ui/command.h"
#include "lib/errors.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "net/bootp.h"
#include "ui/server_config.h"

static int run_dhcp(int argc, char **argv, bool bootp)
{
	const char *with_config = NULL, *timeout = NULL;
	const struct option_spec opts[] = {
		{ "with-configfile", false, &with_config }, { "timeout", true, &timeout },
	};
	uint32_t t = 0;
	char a[16];
	int rc;

	argc = parse_options(argc, argv, opts, ARRAY_SIZE(opts));
	if (argc < 0)
		return argc;
	if (argc > 1)
		return cmd_error(-E_INVAL, "%s takes only options (see help %s)", argv[0], argv[0]);
	if (timeout && (parse_u32(timeout, &t) < 0 || t == 0 || t > 3600))
		return cmd_error(-E_INVAL, "--timeout must be 1 to 3600 seconds");
	if (!net_dev)
		return cmd_error(-E_NODEV, "no native driver for this machine's NIC (see ifconfig --list)");
	printf("%s on %s (ESC to cancel)...\n", bootp ? "BOOTP" : "DHCP", net_dev->driver);
	rc = dhcp_configure(bootp, t);
	if (rc < 0)
		return cmd_fail(rc, bootp ? "BOOTP" : "DHCP");
	printf("address  %s\n", format_ipv4(netconf.ip, a));
	printf("netmask  %s\n", format_ipv4(netconf.mask, a));
	printf("gateway  %s\n", format_ipv4(netconf.gateway, a));
	printf("server   %s\n", format_ipv4(netconf.server, a));
	if (netconf.bootfile[0])
		printf("bootfile %s\n", netconf.bootfile);
	/* The configuration file this reply names (150, 209/210) or the search finds: its menu. */
	if (with_config && (rc = server_config_load(false)) < 0 && rc != -E_NOENT)
		return rc;
	return 0;
}

static int cmd_dhcp(int argc, char **argv)
{
	return run_dhcp(argc, argv, false);
}
COMMAND(dhcp, CMD_MENU, "dhcp [--with-configfile] [--timeout=SECS]",
	"Configure the network by DHCP (retries after 4, 8, 16, 32 s; --timeout limits the total). "
	"--with-configfile then loads the configuration file the server chooses (option 150, "
	"option 209 under 210, else the search of osprey.cfg/; see docs/menus.md).",
	cmd_dhcp);

static int cmd_bootp(int argc, char **argv)
{
	return run_dhcp(argc, argv, true);
}
COMMAND(bootp, CMD_MENU, "bootp [--with-configfile] [--timeout=SECS]",
	"Configure the network by plain BOOTP.", cmd_bootp);
