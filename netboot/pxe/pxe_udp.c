/* pxe_udp.c: osprey's UDP carried by the PXE ROM's UDP API (PXE 2.1, 3.4) while no osprey driver
 * runs the NIC, so osprey's own TFTP client (its timers, windowsize, server error texts, and ESC
 * at any moment) works through the ROM; the ROM's TFTP API blocks for up to its own timeout. */
#include "arch/bios.h"
#include "lib/errors.h"
#include "net/net.h"
#include "net/netstack.h"
#include "pxe/pxe_core.h"

/* Low-memory bounce buffers the ROM reads from and writes into (static: below 1 MiB in the
 * loader). Two: a receive handler (TFTP's ACK) sends while the datagram it reads is in rx. */
uint8_t pxe_udp_rx[UDP_PAYLOAD_MAX], pxe_udp_tx[UDP_PAYLOAD_MAX];
static union {
	struct pxenv_udp_open open;
	struct pxenv_udp_write write;
} txb;
static struct pxenv_udp_read rxb;
static int users;

uint32_t pxe_gateway_for(uint32_t dst)
{
	if (netconf.mask && (dst & netconf.mask) == (netconf.ip & netconf.mask))
		return 0;
	return netconf.gateway;
}

/* The ROM adds the IP and UDP headers and routes (through gw off the subnet); the source port
 * is ours to choose per datagram. */
static int rom_send(uint32_t dst, uint16_t src_port, uint16_t dst_port, const void *data, size_t len)
{
	if (len > sizeof(pxe_udp_tx))
		return -E_TOOBIG;
	memcpy(pxe_udp_tx, data, len);
	memset(&txb, 0, sizeof(txb));
	put_be32(txb.write.ip, dst);
	put_be32(txb.write.gw, pxe_gateway_for(dst));
	put_be16(&txb.write.src_port, src_port);
	put_be16(&txb.write.dst_port, dst_port);
	txb.write.buffer_size = (uint16_t)len;
	txb.write.buffer = to_segoff(pxe_udp_tx);
	return pxe_call(PXENV_UDP_WRITE, &txb);
}

/* One UDP_READ: one datagram handed up (1), or none waiting (0: the ROM says so with
 * PXENV_STATUS_FAILURE). One per poll, because each ROM call costs mode switches (about 0.1 ms
 * under QEMU's TCG): a second read right after a lock-step server's block would find nothing
 * and only delay seeing the next one; the caller's wait loop polls again at once anyway. The
 * length the ROM reports is trusted no further than the buffer. */
static int rom_poll(void)
{
	memset(&rxb, 0, sizeof(rxb));
	rxb.buffer_size = sizeof(pxe_udp_rx);
	rxb.buffer = to_segoff(pxe_udp_rx);
	int rc = pxe_call(PXENV_UDP_READ, &rxb);
	if (rc < 0)
		return rxb.status == PXENV_STATUS_FAILURE ? 0 : rc;
	size_t len = MIN((size_t)rxb.buffer_size, sizeof(pxe_udp_rx));
	udp_deliver(get_be32(rxb.src_ip), get_be16(&rxb.s_port), get_be32(rxb.dest_ip),
		    get_be16(&rxb.d_port), pxe_udp_rx, len);
	return 1;
}

static const struct udp_carrier rom_carrier = { .send = rom_send, .poll = rom_poll };

int pxe_udp_get(uint32_t ip)
{
	int rc;

	if (users) {
		users++;
		return 0;
	}
	if (!pxe_present())
		return -E_NODEV;
	memset(&txb, 0, sizeof(txb));
	put_be32(txb.open.src_ip, ip);
	if ((rc = pxe_call(PXENV_UDP_OPEN, &txb)) < 0)
		return rc;
	users = 1;
	udp_set_carrier(&rom_carrier);
	return 0;
}

/* The last user closes the ROM's UDP: what it still queued is dropped with it, and the ROM is
 * as a chained NBP or the TFTP API expects it (PXE 2.1: UDP and TFTP are not open together). */
void pxe_udp_put(void)
{
	if (!users || --users)
		return;
	udp_set_carrier(NULL);
	memset(&txb, 0, sizeof(txb));
	pxe_call(PXENV_UDP_CLOSE, &txb);
}
