/* dhcp_identity.h: the client identity a DHCP request carries (the PXE ROM's cached DHCPDISCOVER:
 * client identifier, UUID, architecture, NIC interface, vendor class, MAC), so osprey's own DHCP
 * can present the same one and `pxe status` can show it. */
#ifndef OSPREY_DHCP_IDENTITY_H
#define OSPREY_DHCP_IDENTITY_H

#include "lib/lib.h"

#define DHCP_ID_CLIENT_ID_MAX 64
#define DHCP_ID_TEXT_MAX 64

struct dhcp_identity {
	uint8_t mac[6];                    /* chaddr (hlen 6) */
	uint8_t client_id_len;             /* option 61, 0: absent */
	uint8_t client_id[DHCP_ID_CLIENT_ID_MAX];
	bool have_uuid;                    /* option 97, type 0 with 16 bytes */
	uint8_t uuid[16];
	bool have_arch;                    /* option 93, the first architecture listed */
	uint16_t arch;
	bool have_ndi;                     /* option 94: type, major, minor */
	uint8_t ndi[3];
	char vendor_class[DHCP_ID_TEXT_MAX + 1];   /* option 60 (printable bytes only; "" absent) */
	char user_class[DHCP_ID_TEXT_MAX + 1];     /* option 77, as raw bytes, printable only */
};

/* Parse a BOOTREQUEST (op 1, Ethernet, hlen 6, the magic cookie, a well-formed option list) of
 * len untrusted bytes into id. Options of a wrong length are left out (an odd UUID, a client
 * identifier over DHCP_ID_CLIENT_ID_MAX); text keeps printable ASCII and is cut at
 * DHCP_ID_TEXT_MAX. Returns 0 or -E_PROTO (id zeroed). Never reads past len. */
int dhcp_identity_parse(const uint8_t *pkt, size_t len, struct dhcp_identity *id);

/* The identity the PXE ROM used (its cached DHCPDISCOVER), read at start; known false without
 * one. osprey's DHCP sends its client identifier (61) on the same NIC, and its UUID (97) when
 * SMBIOS gave none. */
extern struct dhcp_identity dhcp_rom_identity;
extern bool dhcp_rom_identity_known;

#endif
