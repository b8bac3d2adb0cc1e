/* fuzz_bootp.c: libFuzzer target for the BOOTP/DHCP reply parser and option lookup. */
#include "net/bootp.h"
#include "lib/errors.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netconf nc;
	const uint8_t *v;

	memset(&nc, 0, sizeof(nc));
	if (bootp_parse(data, size, &nc) == 0) {
		if (!nc.configured || strnlen(nc.bootfile, sizeof(nc.bootfile)) == sizeof(nc.bootfile) ||
		    strnlen(nc.hostname, sizeof(nc.hostname)) == sizeof(nc.hostname))
			abort();
	}
	static const uint8_t codes[] = { 0, 1, 3, 6, 12, 52, 53, 54, 66, 67, 255 };
	for (size_t i = 0; i < sizeof(codes); i++) {
		int n = dhcp_find_option(data, size, codes[i], &v);
		if (n == -E_NOENT)
			continue;
		if (n < 0 || n > 255 || v < data || v + n > data + size)
			abort();
		volatile uint8_t sum = 0;
		for (int k = 0; k < n; k++)
			sum += v[k];     /* touch the bytes: ASan checks the range */
		(void)sum;
	}
	return 0;
}
