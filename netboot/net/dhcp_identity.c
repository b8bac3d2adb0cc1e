/* dhcp_identity.c: reads the client identity out of a DHCP request (the PXE ROM's DHCPDISCOVER). */
#include "lib/errors.h"
#include "net/bootp.h"
#include "net/dhcp_identity.h"

#define OPTS_START (BOOTP_MIN_LEN + 4)
#define OP_BOOTREQUEST 1

struct dhcp_identity dhcp_rom_identity;
bool dhcp_rom_identity_known;

/* Walk the main option list: every option inside len, ended by END or the packet's end. */
static bool options_well_formed(const uint8_t *pkt, size_t len)
{
	size_t i = OPTS_START;

	while (i < len && pkt[i] != 255) {
		if (pkt[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + pkt[i + 1] > len)
			return false;
		i += 2 + (size_t)pkt[i + 1];
	}
	return true;
}

static void copy_text(char *dst, const uint8_t *v, int n)
{
	int k = 0;

	for (int i = 0; i < n && k < DHCP_ID_TEXT_MAX; i++)
		if (v[i] >= 0x20 && v[i] < 0x7f)
			dst[k++] = (char)v[i];
	dst[k] = 0;
}

int dhcp_identity_parse(const uint8_t *pkt, size_t len, struct dhcp_identity *id)
{
	const uint8_t *v;
	int n;

	memset(id, 0, sizeof(*id));
	if (len < OPTS_START || pkt[0] != OP_BOOTREQUEST || pkt[1] != 1 || pkt[2] != 6 ||
	    get_be32(pkt + BOOTP_MIN_LEN) != DHCP_MAGIC || !options_well_formed(pkt, len))
		return -E_PROTO;
	memcpy(id->mac, pkt + 28, 6);
	n = dhcp_find_option(pkt, len, 61, &v);
	if (n >= 2 && n <= DHCP_ID_CLIENT_ID_MAX) {
		id->client_id_len = (uint8_t)n;
		memcpy(id->client_id, v, (size_t)n);
	}
	n = dhcp_find_option(pkt, len, 97, &v);
	if (n == 17 && v[0] == 0) {
		id->have_uuid = true;
		memcpy(id->uuid, v + 1, 16);
	}
	n = dhcp_find_option(pkt, len, 93, &v);
	if (n >= 2 && n % 2 == 0) {
		id->have_arch = true;
		id->arch = (uint16_t)(v[0] << 8 | v[1]);
	}
	n = dhcp_find_option(pkt, len, 94, &v);
	if (n == 3) {
		id->have_ndi = true;
		memcpy(id->ndi, v, 3);
	}
	n = dhcp_find_option(pkt, len, 60, &v);
	if (n > 0)
		copy_text(id->vendor_class, v, n);
	n = dhcp_find_option(pkt, len, 77, &v);
	if (n > 0)
		copy_text(id->user_class, v, n);
	return 0;
}
