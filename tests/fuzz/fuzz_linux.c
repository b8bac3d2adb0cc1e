/* fuzz_linux.c: libFuzzer target for bzImage header parsing and kernel command line scanning. */
#include "loader/linux.h"
#include "lib/errors.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linux_image li;
	struct linux_cmdline_opts o;

	if (linux_parse(data, size, &li) == 0) {
		if (li.version < 0x0202 || li.pm_offset != li.setup_size || li.setup_size < 1024 ||
		    li.setup_size > 256 * 512 || li.pm_size == 0 ||
		    (uint64_t)li.pm_offset + li.pm_size != size)
			abort();
	}
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	int rc = linux_cmdline_scan(s, &o);
	if (rc != 0 && rc != -E_INVAL)
		abort();
	free(s);
	return 0;
}
