/* name.c: the one parser of file names: "(dev)/path", "/path" on the root device, "(dev)+blocks"
 * and "scheme://host[:port]/path" all become a struct file_name. Input is untrusted (typed,
 * from menu files, from DHCP options): every field is bounded and checked. */
#include "files/file.h"
#include "lib/errors.h"

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool dev_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == ',';
}

static bool host_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_';
}

/* Copy s[0..len) into dst (size bytes) as a string; -E_TOOBIG when it does not fit. */
static int copy_part(char *dst, size_t size, const char *s, size_t len)
{
	if (len >= size)
		return -E_TOOBIG;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

/* A device is letters (the source: "nd", "hd", "preset") then digits and commas ("0,1"). */
static int parse_device(const char *d, size_t len, struct file_name *n)
{
	size_t i = 0;
	int rc;

	if (len == 0 || !is_alpha(d[0]))
		return -E_INVAL;
	for (size_t k = 0; k < len; k++)
		if (!dev_char(d[k]))
			return -E_INVAL;
	while (i < len && is_alpha(d[i]))
		i++;
	for (size_t k = i; k < len; k++)
		if (is_alpha(d[k]))
			return -E_INVAL;       /* "hd0a": letters only lead */
	if ((rc = copy_part(n->device, sizeof(n->device), d, len)) < 0)
		return rc;
	return copy_part(n->source, sizeof(n->source), d, i);
}

/* GRUB legacy block lists: "[OFFSET]+LENGTH[,[OFFSET]+LENGTH]..." (sectors). */
static bool valid_blocklist(const char *s)
{
	for (;;) {
		while (is_digit(*s))
			s++;
		if (*s++ != '+' || !is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
		if (*s == '\0')
			return true;
		if (*s++ != ',')
			return false;
	}
}

/* The part after "(dev)": "/path", or a block list. */
static int parse_rest(const char *rest, struct file_name *n)
{
	if (rest[0] == '/')
		return copy_part(n->path, sizeof(n->path), rest, strlen(rest));
	if ((is_digit(rest[0]) || rest[0] == '+') && valid_blocklist(rest)) {
		n->blocklist = true;
		return copy_part(n->path, sizeof(n->path), rest, strlen(rest));
	}
	return -E_INVAL;     /* "(nd)" alone or "(nd)vmlinuz" */
}

/* "scheme://host[:port][/path]"; name points at the scheme. */
static int parse_url(const char *name, size_t slen, struct file_name *n)
{
	const char *h = name + slen + 3, *p;
	size_t hlen;
	int rc;

	for (hlen = 0; h[hlen] && h[hlen] != '/' && h[hlen] != ':'; hlen++)
		if (!host_char(h[hlen]))
			return -E_INVAL;
	if (hlen == 0)
		return -E_INVAL;
	if ((rc = copy_part(n->host, sizeof(n->host), h, hlen)) < 0)
		return rc;
	p = h + hlen;
	if (*p == ':') {
		uint32_t port = 0;

		if (!is_digit(*++p))
			return -E_INVAL;
		for (; is_digit(*p); p++) {
			port = port * 10 + (uint32_t)(*p - '0');
			if (port > 65535)
				return -E_RANGE;
		}
		if (port == 0 || (*p && *p != '/'))
			return -E_INVAL;
		n->port = (uint16_t)port;
	}
	if ((rc = copy_part(n->source, sizeof(n->source), name, slen)) < 0)
		return rc;
	n->url = true;
	if (*p == '\0')
		return copy_part(n->path, sizeof(n->path), "/", 1);
	return copy_part(n->path, sizeof(n->path), p, strlen(p));
}

/* Length of a URL scheme at the start of name when "://" follows it, else 0. */
static size_t url_scheme_len(const char *name)
{
	size_t i = 0;

	if (!is_alpha(name[0]))
		return 0;
	while (is_alpha(name[i]) || is_digit(name[i]) || name[i] == '+' || name[i] == '-' || name[i] == '.')
		i++;
	return strncmp(name + i, "://", 3) ? 0 : i;
}

int file_name_parse(const char *name, const char *root, struct file_name *n)
{
	int rc = -E_INVAL;
	size_t slen;

	memset(n, 0, sizeof(*n));
	if (!name)
		return -E_INVAL;
	if (name[0] == '(') {
		const char *close = strchr(name, ')');

		if (!close)
			return -E_INVAL;
		rc = parse_device(name + 1, (size_t)(close - name - 1), n);
		if (rc == 0)
			rc = parse_rest(close + 1, n);
	} else if (name[0] == '/') {
		if (!root || !root[0])
			rc = -E_NODEV;
		else if ((rc = parse_device(root, strlen(root), n)) == 0)
			rc = parse_rest(name, n);
	} else if ((slen = url_scheme_len(name)) > 0) {
		rc = parse_url(name, slen, n);
	}
	if (rc < 0)
		memset(n, 0, sizeof(*n));
	return rc;
}

int file_device_parse(const char *s, struct file_name *n)
{
	size_t len;
	int rc;

	memset(n, 0, sizeof(*n));
	if (!s || s[0] != '(' || !(len = strlen(s)) || s[len - 1] != ')')
		return -E_INVAL;
	rc = parse_device(s + 1, len - 2, n);
	if (rc < 0)
		memset(n, 0, sizeof(*n));
	return rc;
}
