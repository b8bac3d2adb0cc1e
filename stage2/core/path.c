/* path.c: splits GRUB-style file names "(dev)/path" and "/path" into device and path. */
#include "files/file.h"
#include "lib/errors.h"

#define DEV_MAX 15   /* characters in a device name; dev buffers are 16 bytes */

static bool dev_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ',';
}

/* Check a device name of len characters: 0, -E_INVAL or -E_TOOBIG. */
static int check_dev(const char *s, size_t len)
{
	if (len == 0)
		return -E_INVAL;
	for (size_t i = 0; i < len; i++)
		if (!dev_char(s[i]))
			return -E_INVAL;
	return len > DEV_MAX ? -E_TOOBIG : 0;
}

/* GRUB legacy's rule: a name is "(dev)/path" or "/path" on the root device; a device
 * alone ("(nd)") or a name without a leading slash is rejected. dev and path are only
 * filled on success (set to "" on failure). */
int path_parse(const char *name, const char *root, char *dev, char *path)
{
	const char *d, *rest;
	size_t dlen;
	int rc;

	dev[0] = '\0';
	path[0] = '\0';
	if (!name)
		return -E_INVAL;
	if (name[0] == '(') {
		d = name + 1;
		for (dlen = 0; d[dlen] && d[dlen] != ')'; dlen++)
			if (!dev_char(d[dlen]))
				return -E_INVAL;
		if (d[dlen] != ')')
			return -E_INVAL;  /* unterminated "(" */
		rest = d + dlen + 1;
	} else if (name[0] == '/') {
		if (!root || !root[0])
			return -E_NODEV;
		d = root;
		dlen = strlen(root);
		rest = name;
	} else {
		return -E_INVAL;
	}
	if ((rc = check_dev(d, dlen)) < 0)
		return rc;
	if (rest[0] != '/')
		return -E_INVAL;
	size_t plen = strlen(rest);
	if (plen >= PATH_MAX_LEN)
		return -E_TOOBIG;
	memcpy(dev, d, dlen);
	dev[dlen] = '\0';
	memcpy(path, rest, plen + 1);
	return 0;
}
