/* fuzz_path.c: libFuzzer target for "(dev)/path" name splitting; input is "root\nname". */
#include "files/file.h"
#include "lib/errors.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dev[16], path[PATH_MAX_LEN];
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
	int rc = path_parse(name, root, dev, path);
	if (rc == 0) {
		size_t dl = strnlen(dev, sizeof(dev)), pl = strnlen(path, sizeof(path));
		if (dl == 0 || dl >= sizeof(dev) || pl >= sizeof(path) || path[0] != '/')
			abort();
		for (size_t i = 0; i < dl; i++)
			if (!(dev[i] == ',' || (dev[i] >= '0' && dev[i] <= '9') ||
			      (dev[i] >= 'a' && dev[i] <= 'z') || (dev[i] >= 'A' && dev[i] <= 'Z')))
				abort();
		/* the path is the tail of the name */
		size_t nl = strlen(name);
		if (pl > nl || strcmp(name + nl - pl, path) != 0)
			abort();
	} else if (rc != -E_INVAL && rc != -E_TOOBIG && rc != -E_NODEV) {
		abort();
	} else if (dev[0] || path[0]) {
		abort();
	}
	free(s);
	return 0;
}
