/* pxe_cached.c: takes the IP settings from the DHCP replies the PXE ROM cached while booting. */
#include "arch/bios.h"
#include "net/bootp.h"
#include "lib/errors.h"
#include "net/net.h"
#include "pxe/pxe.h"


/* Ask the ROM for one cached packet; returns a pointer into the ROM's own buffer. */
static const uint8_t *cached_packet(uint16_t type, size_t *len)
{
	static struct pxenv_get_cached_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.packet_type = type;
	if (pxe_call(PXENV_GET_CACHED_INFO, &ci) != PXENV_STATUS_SUCCESS || !ci.buffer ||
	    ci.buffer_size < BOOTP_MIN_LEN)
		return NULL;
	*len = ci.buffer_size;
	return from_segoff(ci.buffer);
}

int pxe_read_cached_info(void)
{
	struct netconf nc = { 0 }, reply = { 0 };
	const uint8_t *pkt;
	size_t len;

	pkt = cached_packet(PXENV_PACKET_TYPE_DHCP_ACK, &len);
	if (!pkt || bootp_parse(pkt, len, &nc) < 0)
		return -E_NONET;
	/* A proxyDHCP/boot-server reply, where there was one, names the boot server and file. */
	pkt = cached_packet(PXENV_PACKET_TYPE_CACHED_REPLY, &len);
	if (pkt && bootp_parse(pkt, len, &reply) == 0) {
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
