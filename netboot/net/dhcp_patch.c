/* dhcp_patch.c: sets options in a copy of a DHCP packet (for a chained NBP's cached reply). */
#include "lib/errors.h"
#include "net/bootp.h"
#include "net/dhcp_patch.h"

#define OPTS_START (BOOTP_MIN_LEN + 4)   /* after the fixed header and the magic cookie */
#define OPT_PAD 0
#define OPT_END 255

int dhcp_opt_arg_parse(const char *arg, struct dhcp_opt *o)
{
	unsigned code = 0;
	const char *p = arg;
	size_t len;

	if (*p < '0' || *p > '9')
		return -E_INVAL;
	while (*p >= '0' && *p <= '9' && code <= 255)
		code = code * 10 + (unsigned)(*p++ - '0');
	if (*p != ':' || code == OPT_PAD || code >= OPT_END)
		return -E_INVAL;
	p++;
	len = strlen(p);
	if (len > sizeof(o->data))
		return -E_TOOBIG;
	o->code = (uint8_t)code;
	o->len = (uint8_t)len;
	memcpy(o->data, p, len);
	return 0;
}

static bool is_set(uint8_t code, const struct dhcp_opt *opts, int n)
{
	for (int i = 0; i < n; i++)
		if (opts[i].code == code)
			return true;
	return false;
}

int dhcp_opts_patch(const uint8_t *pkt, size_t len, const struct dhcp_opt *opts, int n,
		    uint8_t *out, size_t outmax)
{
	size_t i = OPTS_START, o = OPTS_START;

	if (len < OPTS_START || get_be32(pkt + BOOTP_MIN_LEN) != DHCP_MAGIC)
		return -E_PROTO;
	if (outmax < OPTS_START)
		return -E_TOOBIG;
	memcpy(out, pkt, OPTS_START);
	/* A missing END is tolerated (the list then ends with the packet), a cut option is not. */
	while (i < len && pkt[i] != OPT_END) {
		size_t olen;

		if (pkt[i] == OPT_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + pkt[i + 1] > len)
			return -E_PROTO;
		olen = 2 + (size_t)pkt[i + 1];
		if (!is_set(pkt[i], opts, n)) {
			if (o + olen > outmax)
				return -E_TOOBIG;
			memcpy(out + o, pkt + i, olen);
			o += olen;
		}
		i += olen;
	}
	for (int k = 0; k < n; k++) {
		if (o + 2 + (size_t)opts[k].len > outmax)
			return -E_TOOBIG;
		out[o++] = opts[k].code;
		out[o++] = opts[k].len;
		memcpy(out + o, opts[k].data, opts[k].len);
		o += opts[k].len;
	}
	if (o + 1 > outmax)
		return -E_TOOBIG;
	out[o++] = OPT_END;
	while (o < DHCP_PATCH_MIN_LEN && o < outmax)
		out[o++] = OPT_PAD;
	return (int)o;
}
