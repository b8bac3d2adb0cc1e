/* fuzz_dhcp_identity.c: libFuzzer target for the PXE ROM's cached DHCPDISCOVER parser
 * (dhcp_identity_parse): lengths kept within their fields, text printable and terminated. */
#include "lib/errors.h"
#include "net/dhcp_identity.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_identity id;
	int rc = dhcp_identity_parse(data, size, &id);

	if (rc != 0 && rc != -E_PROTO)
		abort();
	if (id.client_id_len > DHCP_ID_CLIENT_ID_MAX || (rc && id.client_id_len))
		abort();
	for (const char *t = id.vendor_class; *t; t++)
		if (*t < 0x20 || *t >= 0x7f)
			abort();
	if (strlen(id.vendor_class) > DHCP_ID_TEXT_MAX || strlen(id.user_class) > DHCP_ID_TEXT_MAX)
		abort();
	return 0;
}
