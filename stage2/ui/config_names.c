/* config_names.c: which configuration files to try, from an (untrusted) DHCP reply: option 150
 * (GRUB legacy), option 209 under the prefix in 210 (PXELINUX), then osprey.cfg/ as PXELINUX
 * searches pxelinux.cfg/: 01-<MAC>, the IP address in hex shortened a digit at a time, default. */
#include "ui/server_config.h"
#include "net/bootp.h"

/* An option's value as a C string: printable text only (trailing NULs, which some servers
 * send, are dropped). false when absent or unusable. */
static bool option_text(const uint8_t *reply, size_t len, uint8_t code, char *out, size_t size,
			int *bad)
{
	const uint8_t *v;
	int n;

	if (!reply || !len)
		return false;
	n = dhcp_find_option(reply, len, code, &v);
	if (n <= 0)
		return false;
	while (n > 0 && v[n - 1] == 0)
		n--;
	if (n == 0 || (size_t)n >= size)
		goto bad;
	for (int i = 0; i < n; i++)
		if (v[i] <= ' ' || v[i] > '~')
			goto bad;
	memcpy(out, v, (size_t)n);
	out[n] = 0;
	return true;
bad:
	(*bad)++;
	return false;
}

/* Does s name its own place: "(dev)...", "/path" or "scheme://..."? */
static bool has_device(const char *s)
{
	if (s[0] == '(' || s[0] == '/')
		return true;
	for (const char *p = s; *p; p++)
		if (p[0] == ':' && p[1] == '/' && p[2] == '/')
			return true;
	return false;
}

/* Append base + tail as a file name (a leading "/" when base names no device); false when it
 * does not fit. */
static bool add(struct config_names *c, enum config_from from, const char *base, const char *tail)
{
	char *d = c->name[c->n];

	if (c->n >= CONFIG_NAMES_MAX)
		return false;
	if (snprintf(d, CONFIG_NAME_LEN, "%s%s%s", has_device(base) || (!base[0] && has_device(tail)) ? "" : "/",
		     base, tail) >= CONFIG_NAME_LEN)
		return false;
	c->from[c->n++] = from;
	return true;
}

void config_names_build(struct config_names *c, const uint8_t *reply, size_t len,
			const char *bootfile, const uint8_t *uuid, const uint8_t mac[6], uint32_t ip)
{
	char v150[CONFIG_NAME_LEN], v209[CONFIG_NAME_LEN], base[CONFIG_NAME_LEN], t[40];
	bool have209;
	const char *slash;

	memset(c, 0, sizeof(*c));
	if (option_text(reply, len, 150, v150, sizeof(v150), &c->bad_options))
		add(c, CONFIG_OPT150, "", v150);
	/* PXELINUX: names are relative to option 210's prefix, else to the boot file's directory. */
	if (!option_text(reply, len, 210, base, sizeof(base), &c->bad_options)) {
		base[0] = 0;
		slash = bootfile ? strrchr(bootfile, '/') : NULL;
		if (slash && (size_t)(slash - bootfile + 1) < sizeof(base)) {
			memcpy(base, bootfile, (size_t)(slash - bootfile + 1));
			base[slash - bootfile + 1] = 0;
		}
	}
	have209 = option_text(reply, len, 209, v209, sizeof(v209), &c->bad_options);
	if (have209)
		add(c, CONFIG_OPT209, has_device(v209) ? "" : base, v209);

	/* The search directory, then each name in it. */
	if (snprintf(c->dir, sizeof(c->dir), "%s%s%s", has_device(base) ? "" : "/", base, CONFIG_DIR) >=
	    (int)sizeof(c->dir)) {
		c->dir[0] = 0;
		return;
	}
	/* PXELINUX's order: the UUID first (lower-case hex, 8-4-4-4-12), then the MAC. */
	if (uuid) {
		const uint8_t *u = uuid;

		snprintf(t, sizeof(t), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
			 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
			 u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
		add(c, CONFIG_SEARCH, c->dir, t);
	}
	snprintf(t, sizeof(t), "01-%02x-%02x-%02x-%02x-%02x-%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	add(c, CONFIG_SEARCH, c->dir, t);
	if (ip) {
		snprintf(t, sizeof(t), "%08X", (unsigned)ip);
		for (int k = 8; k >= 1; k--) {
			t[k] = 0;
			add(c, CONFIG_SEARCH, c->dir, t);
		}
	}
	add(c, CONFIG_SEARCH, c->dir, "default");
}

bool config_names_in_reply(const uint8_t *reply, size_t len)
{
	static const uint8_t codes[] = { 150, 209, 210 };
	const uint8_t *v;

	if (!reply || !len)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(codes); i++)
		if (dhcp_find_option(reply, len, codes[i], &v) > 0)
			return true;
	return false;
}
