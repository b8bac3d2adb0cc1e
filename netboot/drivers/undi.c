/* undi.c: a NIC driver that moves frames through the PXE ROM's UNDI API (UNDI_TRANSMIT, and
 * UNDI_ISR polled for what arrived), for the PXE boot NIC when no native driver claims it.
 * Frames only: osprey's own stack (DHCP, windowed TFTP) runs on top, the ROM's does not. */
#include "arch/bios.h"
#include "drivers/netdev.h"
#include "drivers/undi.h"
#include "lib/errors.h"
#include "pxe/pxe_core.h"

#define UNDI_TX_BUFS 2          /* see undi_transmit */
#define UNDI_MAX_STEPS 64       /* ISR calls one poll makes at most (a ROM that never says DONE) */
#define UNDI_RX_DEFAULT 8       /* frames assumed buffered when the ROM reports none */

/* Everything the ROM reads or writes must be below 1 MiB: the image is (bios.h). */
static struct pxenv_undi_isr isr;
static struct pxenv_undi_transmit tx_block;
static struct pxenv_undi_tbd tbd;
static uint8_t tx_buf[UNDI_TX_BUFS][ETH_FRAME_MAX];
static struct pxenv_undi_get_information info;
static struct pxenv_undi_open open_block;
static uint16_t close_block[8];

static struct {
	bool in_burst;          /* a PROCESS started a pass that has not said DONE yet */
	unsigned tx_next;
	struct undi_rx rx;
} undi;

static int undi_call(uint16_t opcode, void *block)
{
	int rc = pxe_call(opcode, block);

	if (rc < 0)
		printf("undi: %s failed: status 0x%02x (%s)\n", pxe_opcode_name(opcode),
		       get_le16(block), pxe_status_text(get_le16(block)));
	return rc;
}

static int undi_open(struct netdev *nd)
{
	(void)nd;
	memset(&open_block, 0, sizeof(open_block));
	open_block.pkt_filter = PXE_FLTR_DIRECTED | PXE_FLTR_BRDCST;
	memset(&undi, 0, sizeof(undi));
	return undi_call(PXENV_UNDI_OPEN, &open_block);
}

/* The whole frame goes as the descriptor's immediate block with its own media header
 * (P_UNKNOWN), so one call per frame. A ROM may send from the buffer after the call returns
 * (the spec reports completion through the ISR call): frames alternate between two buffers,
 * and osprey never has more than one frame in flight before it polls again. */
static int undi_transmit(struct netdev *nd, const void *frame, size_t len)
{
	uint8_t *buf = tx_buf[undi.tx_next++ % UNDI_TX_BUFS];

	(void)nd;
	memset(&tbd, 0, sizeof(tbd));
	tbd.immed_length = (uint16_t)netdev_fill_tx(buf, frame, len);
	tbd.xmit = to_segoff(buf);
	memset(&tx_block, 0, sizeof(tx_block));
	tx_block.protocol = PXE_P_UNKNOWN;
	tx_block.tbd = to_segoff(&tbd);
	return pxe_call(PXENV_UNDI_TRANSMIT, &tx_block) < 0 ? -E_IO : 0;
}

/* Polled receive without interrupts: PROCESS starts a pass over what the ROM holds and each
 * GET_NEXT returns the next event until DONE. START is the interrupt handler's call (it only
 * says whether the interrupt was the NIC's); polling without one it would add a mode switch to
 * every poll, so a pass begins with PROCESS. One call per frame within a pass, and one call for
 * a poll that finds nothing. */
static int undi_poll(struct netdev *nd, void *buf)
{
	(void)nd;
	for (int step = 0; step < UNDI_MAX_STEPS; step++) {
		int n;

		memset(&isr, 0, sizeof(isr));
		isr.func_flag = undi.in_burst ? PXENV_UNDI_ISR_IN_GET_NEXT : PXENV_UNDI_ISR_IN_PROCESS;
		if (pxe_call(PXENV_UNDI_ISR, &isr) < 0) {
			undi.in_burst = false;
			return -E_IO;
		}
		undi.in_burst = true;
		switch (isr.func_flag) {
		case PXENV_UNDI_ISR_OUT_TRANSMIT:       /* a transmit completed: nothing to do */
			continue;
		case PXENV_UNDI_ISR_OUT_RECEIVE:
			n = undi_rx_piece(&undi.rx, buf,
					  pxe_lowmem(((isr.frame >> 16) << 4) + (isr.frame & 0xffff),
						     isr.buffer_length),
					  isr.buffer_length, isr.frame_length);
			if (n > 0)
				return n;
			continue;
		case PXENV_UNDI_ISR_OUT_BUSY:           /* the ROM is busy: the pass goes on later */
			return 0;
		default:                                /* DONE (or nonsense): the pass is over */
			undi.in_burst = false;
			return 0;
		}
	}
	return 0;
}

static void undi_close(struct netdev *nd)
{
	(void)nd;
	memset(close_block, 0, sizeof(close_block));
	undi_call(PXENV_UNDI_CLOSE, close_block);
	undi.in_burst = false;
}

static int undi_link(struct netdev *nd)
{
	(void)nd;
	return -E_NOTSUP;
}

static const struct netdev_ops undi_ops = {
	.open = undi_open, .transmit = undi_transmit, .poll = undi_poll, .close = undi_close,
	.link = undi_link,
};

/* The ROM must still be there. After a native driver ran the NIC (the ROM shut its UNDI down),
 * pxe_reopen_nic initialises it again. The MAC and the receive queue length come from
 * GET_INFORMATION. */
static int undi_probe(struct netdev *nd)
{
	int rc;

	if (!pxe_loaded())
		return -E_NODEV;
	if ((rc = pxe_reopen_nic()) < 0)
		return rc;
	memset(&info, 0, sizeof(info));
	if ((rc = undi_call(PXENV_UNDI_GET_INFORMATION, &info)) < 0)
		return rc;
	if (info.hw_addr_len != 6)
		return -E_NOTSUP;
	memcpy(nd->mac, info.current_node_address, 6);
	nd->rx_frames = info.rx_buf_ct > 1 ? info.rx_buf_ct : UNDI_RX_DEFAULT;
	nd->mode = "PXE ROM's driver";
	nd->ops = &undi_ops;
	return 0;
}

static const struct pci_id undi_id = { 0, 0, "PXE UNDI" };

NIC_DRIVER(undi_driver) = {
	.name = "undi",
	.ids = &undi_id,
	.nids = 0,              /* matches no PCI ID: offered for the PXE boot NIC (nic_offer_rom) */
	.probe = undi_probe,
	.uses_pxe = true,
};
