/* fuzz_name.c: libFuzzer target for the file-name parser; input is "root\nname" (or just a
 * name). Checks the invariants every successful parse must keep. */
#include "files/file.h"
#include "lib/errors.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool dev_ok(const char *d)
{
	size_t i = 0;

	if (!((d[0] >= 'a' && d[0] <= 'z') || (d[0] >= 'A' && d[0] <= 'Z')))
		return false;
	for (; d[i]; i++)
		if (!(d[i] == ',' || (d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'z') ||
		      (d[i] >= 'A' && d[i] <= 'Z')))
			return false;
	return i < 16;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct file_name n;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char *name = strchr(s, '\n');
	const char *root = "";
	if (name) {
		*name++ = '\0';
		root = s;
	} else {
		name = s;
	}
	int rc = file_name_parse(name, root, &n);
	if (rc == 0) {
		size_t pl = strnlen(n.path, sizeof(n.path));
		if (pl == 0 || pl >= sizeof(n.path) || strnlen(n.source, sizeof(n.source)) == 0)
			abort();
		if (n.url) {
			if (n.device[0] || n.blocklist || !n.host[0] || n.path[0] != '/')
				abort();
		} else {
			if (!dev_ok(n.device) || strncmp(n.device, n.source, strlen(n.source)) || n.host[0] || n.port)
				abort();
			if (!n.blocklist && n.path[0] != '/')
				abort();
			/* the path is the tail of the name */
			size_t nl = strlen(name);
			if (pl > nl || strcmp(name + nl - pl, n.path) != 0)
				abort();
		}
	} else if (rc != -E_INVAL && rc != -E_TOOBIG && rc != -E_NODEV && rc != -E_RANGE) {
		abort();
	} else if (n.source[0] || n.device[0] || n.path[0] || n.host[0] || n.port || n.url) {
		abort();
	}
	if (file_device_parse(name, &n) == 0 && (!dev_ok(n.device) || n.path[0]))
		abort();
	free(s);
	return 0;
}
