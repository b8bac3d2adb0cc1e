/* fuzz_nic.c: libFuzzer target for `ifconfig --nic=` lookups (index or BB:DD.F) over a small
 * NIC list; a found index must be in range and name the location that was asked for. */
#include "drivers/nic.h"
#include "lib/errors.h"
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nic l[4] = { 0 };
	char *s = malloc(size + 1);
	int rc;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (int i = 0; i < 4; i++) {
		l[i].pci.bus = (uint8_t)(i * 0x11);
		l[i].pci.dev = (uint8_t)(i * 7 + 3);
		l[i].pci.fn = (uint8_t)i;
	}
	rc = nic_find(l, 4, s);
	if (rc >= 4 || (rc < 0 && rc != -E_INVAL && rc != -E_NOENT))
		abort();
	if (rc >= 0 && strchr(s, ':')) {
		/* Same location, whatever leading zeros the spec used. */
		unsigned b, d, f;

		if (sscanf(s, "%x:%x.%x", &b, &d, &f) != 3 || b != l[rc].pci.bus ||
		    d != l[rc].pci.dev || f != l[rc].pci.fn)
			abort();
	}
	free(s);
	return 0;
}
