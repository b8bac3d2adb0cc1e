/* fuzz_bootp.c: libFuzzer target for the BOOTP/DHCP reply parser, option lookup and the
 * ProxyDHCP readers (dhcp_proxy.c). */
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
	uint16_t type;
	uint32_t server;
	(void)dhcp_is_proxy_reply(data, size);
	if (dhcp_pxe_boot_item(data, size, &type, &server) == 0 && !server)
		abort();
	memset(&nc, 0, sizeof(nc));
	if (dhcp_take_boot_reply(data, size, &nc) == 0 && !nc.bootfile[0])
		abort();
	return 0;
}
