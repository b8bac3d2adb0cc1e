/* pxe_cached.c: takes the IP settings from the DHCP replies the PXE ROM cached while booting,
 * and the identity it asked with from its DHCPDISCOVER. */
#include "net/bootp.h"
#include "net/dhcp_identity.h"
#include "lib/errors.h"
#include "net/net.h"
#include "net/netstack.h"
#include "pxe/pxe_core.h"

int pxe_cached_packet(uint16_t type, uint8_t *dst, size_t dstlen)
{
	static struct pxenv_get_cached_info ci;   /* static: the ROM needs it below 1 MiB */
	int rc;

	memset(&ci, 0, sizeof(ci));
	ci.packet_type = type;
	if ((rc = pxe_call(PXENV_GET_CACHED_INFO, &ci)) < 0)
		return rc;
	return pxe_cached_copy(&ci, dst, dstlen);
}

int pxe_read_cached_info(void)
{
	static uint8_t pkt[PXE_CACHED_MAX];
	struct netconf nc = { 0 }, reply = { 0 };
	int len;

	/* The ROM's DHCPDISCOVER: the identity our own DHCP keeps (dhcp_identity.h). */
	len = pxe_cached_packet(PXENV_PACKET_TYPE_DHCP_DISCOVER, pkt, sizeof(pkt));
	dhcp_rom_identity_known = len > 0 &&
		dhcp_identity_parse(pkt, (size_t)len, &dhcp_rom_identity) == 0;
	len = pxe_cached_packet(PXENV_PACKET_TYPE_DHCP_ACK, pkt, sizeof(pkt));
	if (len < 0 || bootp_parse(pkt, (size_t)len, &nc) < 0)
		return -E_NONET;
	/* Kept whole as our own DHCP client keeps its reply: for the options only it carries (150,
	 * 209, 210: the configuration file) and a Multiboot 2 kernel's network tag. */
	if ((size_t)len <= sizeof(dhcp_last_reply)) {
		memcpy(dhcp_last_reply, pkt, (size_t)len);
		dhcp_last_reply_len = (size_t)len;
	}
	/* A proxyDHCP/boot-server reply, where there was one, names the boot server and file. */
	len = pxe_cached_packet(PXENV_PACKET_TYPE_CACHED_REPLY, pkt, sizeof(pkt));
	if (len > 0 && bootp_parse(pkt, (size_t)len, &reply) == 0) {
		if (reply.server)
			nc.server = reply.server;
		if (reply.bootfile[0])
			memcpy(nc.bootfile, reply.bootfile, sizeof(nc.bootfile));
	}
	memcpy(nc.source, "pxe", 4);
	nc.configured = true;
	netconf = nc;
	return 0;
}
