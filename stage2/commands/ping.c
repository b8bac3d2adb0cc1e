/* ping.c: `ping HOST`: ICMP echo through the native stack. */
#include "ui/command.h"
#include "lib/errors.h"
#include "net/dns.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "net/netstack.h"
#include "services/timer.h"

static int cmd_ping(int argc, char **argv)
{
	const char *count = NULL;
	const struct option_spec opts[] = { { "count", true, &count } };
	uint32_t n = 4, ip, rtt;
	unsigned got = 0;
	char a[16];

	argc = parse_options(argc, argv, opts, ARRAY_SIZE(opts));
	if (argc < 0)
		return argc;
	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: ping [--count=N] HOST");
	if (count && (parse_u32(count, &n) < 0 || n == 0 || n > 1000))
		return cmd_error(-E_INVAL, "--count must be 1 to 1000");
	if (!net_dev)
		return cmd_error(-E_NODEV, "ping needs a native driver for the NIC (see ifconfig --list)");
	if (!netconf.configured)
		return cmd_error(-E_NONET, "no address: use dhcp or ifconfig --address first");
	int lookup = dns_resolve(argv[1], &ip);
	if (lookup < 0)
		return cmd_fail(lookup, argv[1]);
	if (parse_ipv4(argv[1], &rtt) < 0)           /* a name: say what it resolved to */
		printf("%s is %s\n", argv[1], format_ipv4(ip, a));
	for (uint32_t seq = 1; seq <= n; seq++) {
		int rc = icmp_ping(ip, (uint16_t)seq, 1000, &rtt);
		if (rc == -E_CANCELED)
			break;
		if (rc == 0) {
			printf("reply from %s: seq=%u time=%u.%03u ms\n", format_ipv4(ip, a), (unsigned)seq,
			       (unsigned)(rtt / 1000), (unsigned)(rtt % 1000));
			got++;
			if (seq < n)
				mdelay(200);
		} else {
			printf("no reply from %s: seq=%u (%s)\n", format_ipv4(ip, a), (unsigned)seq, errmsg(rc));
		}
	}
	printf("%u of %u replies\n", got, (unsigned)n);
	return got ? 0 : cmd_error(-E_TIMEOUT, "%s did not answer", format_ipv4(ip, a));
}
COMMAND(ping, CMD_MENU, "ping [--count=N] HOST",
	"Send ICMP echo requests to HOST (an IPv4 address or a name, looked up by DNS), one a second or so, and show the replies.",
	cmd_ping);
