/* bootp.c: parses BOOTP/DHCP replies (RFC 951, 2131, 2132) into a netconf, never trusting the packet. */
#include "net/bootp.h"
#include "lib/errors.h"

/* Offsets in the fixed BOOTP header. */
#define BP_OP 0
#define BP_HLEN 2
#define BP_YIADDR 16
#define BP_SIADDR 20
#define BP_GIADDR 24
#define BP_CHADDR 28
#define BP_SNAME 44
#define BP_SNAME_LEN 64
#define BP_FILE 108
#define BP_FILE_LEN 128
#define BP_MAGIC 236
#define BP_OPTIONS 240

#define BOOTREPLY 2

#define OPT_PAD 0
#define OPT_MASK 1
#define OPT_ROUTER 3
#define OPT_DNS 6
#define OPT_HOSTNAME 12
#define OPT_OVERLOAD 52
#define OPT_SERVER_ID 54
#define OPT_TFTP_SERVER 66
#define OPT_BOOTFILE 67
#define OPT_END 255

struct area {
	const uint8_t *p;
	size_t len;
};

/* Walk one option area looking for code. Returns 1 (found: *val, *vlen set), 0 (END or
 * the end of the area reached), or -E_PROTO (an option runs past the area). PAD is
 * never "found", so searching for OPT_PAD validates the whole list. */
static int area_find(struct area a, uint8_t code, const uint8_t **val, size_t *vlen)
{
	size_t i = 0;

	while (i < a.len) {
		uint8_t c = a.p[i];
		if (c == OPT_PAD) {
			i++;
			continue;
		}
		if (c == OPT_END)
			return 0;
		if (a.len - i < 2 || a.p[i + 1] > a.len - i - 2)
			return -E_PROTO;
		if (c == code) {
			*val = a.p + i + 2;
			*vlen = a.p[i + 1];
			return 1;
		}
		i += 2 + (size_t)a.p[i + 1];
	}
	return 0;
}

/* The option areas of a packet in search order: options, then file and sname when
 * option 52 says they hold options. Returns how many (0 without the DHCP magic). */
static int get_areas(const uint8_t *pkt, size_t len, struct area areas[3], int *overload)
{
	const uint8_t *v;
	size_t vlen;
	int n = 0;

	*overload = 0;
	if (len < BP_OPTIONS || get_be32(pkt + BP_MAGIC) != DHCP_MAGIC)
		return 0;
	areas[n++] = (struct area){ pkt + BP_OPTIONS, len - BP_OPTIONS };
	if (area_find(areas[0], OPT_OVERLOAD, &v, &vlen) == 1 && vlen >= 1 && v[0] >= 1 && v[0] <= 3)
		*overload = v[0];
	if (*overload & 1)
		areas[n++] = (struct area){ pkt + BP_FILE, BP_FILE_LEN };
	if (*overload & 2)
		areas[n++] = (struct area){ pkt + BP_SNAME, BP_SNAME_LEN };
	return n;
}

int dhcp_find_option(const uint8_t *pkt, size_t len, uint8_t code, const uint8_t **val)
{
	struct area areas[3];
	int overload, n = get_areas(pkt, len, areas, &overload);
	size_t vlen;

	if (code == OPT_PAD || code == OPT_END)
		return -E_NOENT;
	for (int i = 0; i < n; i++) {
		if (area_find(areas[i], code, val, &vlen) == 1)
			return (int)vlen;
	}
	return -E_NOENT;
}

/* First occurrence of code over all areas; NULL when absent (the areas are valid). */
static const uint8_t *find(const struct area *areas, int n, uint8_t code, size_t *vlen)
{
	const uint8_t *v;

	for (int i = 0; i < n; i++)
		if (area_find(areas[i], code, &v, vlen) == 1)
			return v;
	return NULL;
}

/* Copy a possibly unterminated string field of len bytes into dst (size bytes). */
static void copy_str(char *dst, size_t size, const uint8_t *src, size_t len)
{
	size_t n = 0;

	while (n < len && n + 1 < size && src[n])
		n++;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int bootp_parse(const uint8_t *pkt, size_t len, struct netconf *nc)
{
	struct netconf r;
	struct area areas[3];
	const uint8_t *v;
	size_t vlen;
	int overload, n;

	if (!pkt || len < BOOTP_MIN_LEN || pkt[BP_OP] != BOOTREPLY)
		return -E_PROTO;
	n = get_areas(pkt, len, areas, &overload);
	for (int i = 0; i < n; i++)
		if (area_find(areas[i], OPT_PAD, &v, &vlen) < 0)
			return -E_PROTO;

	memset(&r, 0, sizeof(r));
	memcpy(r.source, nc->source, sizeof(r.source));
	r.ip = get_be32(pkt + BP_YIADDR);
	r.server = get_be32(pkt + BP_SIADDR);
	r.gateway = get_be32(pkt + BP_GIADDR);
	if (pkt[BP_HLEN] == 6)
		memcpy(r.mac, pkt + BP_CHADDR, 6);
	if (!(overload & 1))
		copy_str(r.bootfile, sizeof(r.bootfile), pkt + BP_FILE, BP_FILE_LEN);

	if ((v = find(areas, n, OPT_MASK, &vlen)) && vlen >= 4)
		r.mask = get_be32(v);
	if ((v = find(areas, n, OPT_ROUTER, &vlen)) && vlen >= 4)
		r.gateway = get_be32(v);
	if ((v = find(areas, n, OPT_DNS, &vlen)))
		for (size_t i = 0; i < NETCONF_DNS_MAX && (i + 1) * 4 <= vlen; i++)
			r.dns[i] = get_be32(v + 4 * i);
	if ((v = find(areas, n, OPT_HOSTNAME, &vlen)))
		copy_str(r.hostname, sizeof(r.hostname), v, vlen);
	/* The boot server: siaddr ("next server"), else the DHCP server itself; a dotted
	 * quad in option 66 names the TFTP server explicitly and wins over both. */
	if (!r.server && (v = find(areas, n, OPT_SERVER_ID, &vlen)) && vlen >= 4)
		r.server = get_be32(v);
	if ((v = find(areas, n, OPT_TFTP_SERVER, &vlen))) {
		char name[16];
		uint32_t ip;
		if (vlen < sizeof(name)) {
			copy_str(name, sizeof(name), v, vlen);
			if (parse_ipv4(name, &ip) == 0 && ip)
				r.server = ip;
		}
	}
	if ((v = find(areas, n, OPT_BOOTFILE, &vlen)))
		copy_str(r.bootfile, sizeof(r.bootfile), v, vlen);

	r.configured = true;
	*nc = r;
	return 0;
}
