/* dhcp_proxy.c: reads ProxyDHCP and PXE boot server answers (PXE 2.1, 2.2.1 and 2.2.6): which
 * offer is a ProxyDHCP one, which boot server and item it names, and the boot server and file
 * such an answer gives. Pure functions over untrusted packets (host-tested, fuzzed). */
#include "net/bootp.h"
#include "lib/errors.h"

#define BP_YIADDR 16
#define BP_SIADDR 20
#define OPT_VENDOR_CLASS 60
#define OPT_VENDOR_SPECIFIC 43
#define OPT_SERVER_ID 54
#define PXE_SUB_BOOT_SERVERS 8
#define PXE_SUB_BOOT_MENU 9
#define PXE_SUB_END 255
#define PXE_SUB_PAD 0

bool dhcp_is_proxy_reply(const uint8_t *pkt, size_t len)
{
	struct netconf scratch = { 0 };
	const uint8_t *v;
	int n;

	if (bootp_parse(pkt, len, &scratch) < 0 || get_be32(pkt + BP_YIADDR) != 0)
		return false;
	n = dhcp_find_option(pkt, len, OPT_VENDOR_CLASS, &v);
	return n >= 9 && !memcmp(v, "PXEClient", 9);
}

/* Find sub-option code in option 43's value (len bytes); its length and *val, or -E_NOENT.
 * A sub-option running past the end stops the walk. */
static int sub_find(const uint8_t *p, size_t len, uint8_t code, const uint8_t **val)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = p[i];

		if (c == PXE_SUB_PAD) {
			i++;
			continue;
		}
		if (c == PXE_SUB_END || len - i < 2 || p[i + 1] > len - i - 2)
			return -E_NOENT;
		if (c == code) {
			*val = p + i + 2;
			return p[i + 1];
		}
		i += 2 + (size_t)p[i + 1];
	}
	return -E_NOENT;
}

int dhcp_pxe_boot_item(const uint8_t *pkt, size_t len, uint16_t *type, uint32_t *server)
{
	const uint8_t *o43, *v;
	int n43, n;
	uint32_t proxy;

	n43 = dhcp_find_option(pkt, len, OPT_VENDOR_SPECIFIC, &o43);
	if (n43 < 0)
		return -E_NOENT;
	/* PXE_BOOT_SERVERS: entries of type (2), count (1), count addresses; the first entry
	 * with an address names both. */
	n = sub_find(o43, (size_t)n43, PXE_SUB_BOOT_SERVERS, &v);
	for (size_t i = 0; n > 0 && i + 3 <= (size_t)n;) {
		size_t count = v[i + 2];

		if (count * 4 > (size_t)n - i - 3)
			break;
		if (count) {
			*type = get_be16(v + i);
			*server = get_be32(v + i + 3);
			if (*server)
				return 0;
		}
		i += 3 + count * 4;
	}
	/* PXE_BOOT_MENU: entries of type (2), description length (1), description; the first
	 * item, asked of the server that sent the menu (its siaddr, else its identifier). */
	n = sub_find(o43, (size_t)n43, PXE_SUB_BOOT_MENU, &v);
	if (n < 3)
		return -E_NOENT;
	proxy = get_be32(pkt + BP_SIADDR);
	if (!proxy && dhcp_find_option(pkt, len, OPT_SERVER_ID, &o43) >= 4)
		proxy = get_be32(o43);
	if (!proxy)
		return -E_NOENT;
	*type = get_be16(v);
	*server = proxy;
	return 0;
}

int dhcp_take_boot_reply(const uint8_t *pkt, size_t len, struct netconf *nc)
{
	struct netconf r = { 0 };

	if (bootp_parse(pkt, len, &r) < 0 || !r.bootfile[0])
		return -E_NOENT;
	if (r.server)
		nc->server = r.server;
	memcpy(nc->bootfile, r.bootfile, sizeof(nc->bootfile));
	return 0;
}
