/* rtl8139.c: Realtek RTL8139 family: frames in and out through the chip's receive ring buffer
 * and its four transmit descriptors. Register facts are in rtl8139.h (datasheet §6).
 *
 * DMA memory comes from the heap at the first open (above 1 MiB, so it costs the image
 * nothing): a 32K+16 receive ring with 2 KiB of slack after it (RCR.WRAP=1 lets the chip write
 * a packet past the ring end instead of splitting it, so poll copies every frame in one piece)
 * and four 1536-byte transmit buffers used round robin.
 *
 * This is the mode every 8139 has. An RTL8139C+ runs in its descriptor mode instead
 * (rtl8139_cplus.c) unless configure said --disable-rtl8139-cplus. CAPR must follow every
 * frame here: the chip's "buffer empty" bit (CR.BUFE) compares CAPR with its write pointer, so
 * a CAPR held back for batching would make it report frames that are not there. */
#include "config.h"
#include "lib/errors.h"
#include "services/heap.h"
#include "arch/io.h"
#include "drivers/netdev.h"
#include "services/timer.h"
#include "rtl8139.h"

#define RX_RING_LEN   32768                         /* RBLEN_32K */
#define RX_RING_ALLOC (RX_RING_LEN + 16 + 2048)     /* + slack for WRAP=1 overrun */
#define TX_BUF_SIZE   1536                          /* frames are at most 1514 bytes */
#define RESET_TIMEOUT_US 10000
#define TX_TIMEOUT_MS 100

#define barrier() __asm__ volatile("" : : : "memory")

struct rtl8139 {
	uint16_t io;
	bool cplus;                     /* an RTL8139C+ (TCR hardware version) */
	uint16_t found_cpcr;            /* its C+ command register as probe found it */
	uint8_t *rx_ring;
	uint8_t *tx_buf;                /* RTL_NTX buffers of TX_BUF_SIZE */
	unsigned rx_off;                /* read offset in the ring */
	unsigned tx_cur;                /* next descriptor to use */
	bool tx_busy[RTL_NTX];          /* handed to the chip, completion not yet seen */
};

static struct rtl8139 rtl_state;

int rtl8139_reset(uint16_t io)
{
	outb(io + RTL_CR, RTL_CR_RST);
	for (unsigned us = 0; us < RESET_TIMEOUT_US; us += 10) {
		if (!(inb(io + RTL_CR) & RTL_CR_RST))
			return 0;
		udelay(10);
	}
	return -E_TIMEOUT;
}

/* Stop the chip (no DMA after this) and hand it back as it was found: a PXE ROM's driver may
 * still own it after osprey (a chained NBP runs on the ROM's UNDI), and iPXE's realtek driver
 * (QEMU's ROM) programs CPCR only when it probes the chip, never at UNDI_OPEN or
 * UNDI_RESET_ADAPTER (ipxe src/drivers/net/realtek.c: realtek_detect sets the C+ bits,
 * realtek_open only writes the ring addresses). A reset clears CPCR on QEMU's 8139C+, so
 * without this the ROM's C+ descriptor driver would run a chip in ring mode: it would never
 * transmit, and receive would DMA frames to RBSTART = 0 (the interrupt table). */
void rtl8139_stop(uint16_t io)
{
	struct rtl8139 *r = &rtl_state;

	outw(io + RTL_IMR, 0);
	outb(io + RTL_CR, 0);                   /* receiver and transmitter off */
	rtl8139_reset(io);
	if (r->io == io && r->cplus)
		outw(io + RTL_CPCR, r->found_cpcr);
}

static int rtl_reset(struct rtl8139 *r)
{
	for (int i = 0; i < RTL_NTX; i++)
		r->tx_busy[i] = false;
	return rtl8139_reset(r->io);
}

/* Reset and program the chip: ring, descriptors, receive filter; receive and transmit on. */
static int rtl_start(struct rtl8139 *r)
{
	int rc = rtl_reset(r);

	if (rc < 0)
		return rc;
	outw(r->io + RTL_IMR, 0);                       /* polling only */
	outw(r->io + RTL_ISR, 0xffff);
	/* Enable the receiver and transmitter before setting RCR/TCR (datasheet §6 TCR/RCR notes:
	 * the thresholds only take when RE/TE are set). */
	outb(r->io + RTL_CR, RTL_CR_RE | RTL_CR_TE);
	outl(r->io + RTL_RCR, RTL_RCR_APM | RTL_RCR_AB | RTL_RCR_WRAP | RTL_RCR_MXDMA_UNLIM |
	     RTL_RCR_RBLEN_32K | RTL_RCR_RXFTH_NONE);
	outl(r->io + RTL_TCR, RTL_TCR_MXDMA_2048 | RTL_TCR_IFG_STD);
	outl(r->io + RTL_RBSTART, virt_to_bus(r->rx_ring));
	for (int i = 0; i < RTL_NTX; i++)
		outl(r->io + RTL_TSAD0 + 4 * i, virt_to_bus(r->tx_buf + i * TX_BUF_SIZE));
	outl(r->io + RTL_MPC, 0);
	r->rx_off = 0;
	outw(r->io + RTL_CAPR, (uint16_t)(0 - RTL_CAPR_BIAS));
	r->tx_cur = 0;
	return 0;
}

static int rtl_open(struct netdev *nd)
{
	struct rtl8139 *r = nd->priv;

	if (!r->rx_ring) {
		r->rx_ring = heap_alloc(RX_RING_ALLOC, 256);
		r->tx_buf = heap_alloc(RTL_NTX * TX_BUF_SIZE, 32);   /* TSAD: 32-bit aligned */
		if (!r->rx_ring || !r->tx_buf) {
			if (r->rx_ring)
				heap_free(r->rx_ring);
			if (r->tx_buf)
				heap_free(r->tx_buf);
			r->rx_ring = NULL;
			r->tx_buf = NULL;
			return -E_NOMEM;
		}
	}
	return rtl_start(r);
}

static int rtl_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct rtl8139 *r = nd->priv;
	unsigned i = r->tx_cur;
	uint16_t tsd = r->io + RTL_TSD0 + 4 * i;
	uint8_t *buf = r->tx_buf + i * TX_BUF_SIZE;

	if (len > ETH_FRAME_MAX)
		return -E_INVAL;
	if (r->tx_busy[i]) {
		/* The descriptor is free again once the chip reports the frame sent or failed
		 * (§6.2: TOK, TUN or TABT); with four in rotation that is nearly always so. */
		uint64_t deadline = 0;
		uint32_t st;

		while (!((st = inl(tsd)) & (RTL_TSD_TOK | RTL_TSD_TUN | RTL_TSD_TABT))) {
			if (!deadline)
				deadline = timer_ms() + TX_TIMEOUT_MS;
			else if (timer_ms() > deadline) {
				rtl_start(r);           /* wedged: start over */
				return -E_TIMEOUT;
			}
			cpu_relax();
		}
		r->tx_busy[i] = false;
	}
	len = netdev_fill_tx(buf, frame, len);
	barrier();
	/* Writing the size with OWN=0 starts the DMA (§6.2); early threshold 256 bytes. */
	outl(tsd, (uint32_t)len | RTL_TSD_ERTXTH(256));
	r->tx_busy[i] = true;
	r->tx_cur = (i + 1) % RTL_NTX;
	return 0;
}

static int rtl_poll(struct netdev *nd, void *buf)
{
	struct rtl8139 *r = nd->priv;
	const uint8_t *p;
	unsigned status, len, flen;

	if (inb(r->io + RTL_CR) & RTL_CR_BUFE)
		return 0;
	barrier();
	p = r->rx_ring + r->rx_off;
	status = get_le16(p);
	len = get_le16(p + 2);
	if (len == 0xfff0)                      /* header still being written (early RX) */
		return 0;
	if (!(status & RTL_RXS_ROK) || (status & (RTL_RXS_FAE | RTL_RXS_CRC | RTL_RXS_LONG |
	    RTL_RXS_RUNT | RTL_RXS_ISE)) || len < 14 + 4 || len > ETH_RXBUF_SIZE + 4) {
		/* A bad header means the ring is out of step (or overflowed): the datasheet's
		 * remedy is to restart the receiver; a full reset puts CBR back to 0 too. */
		int rc = rtl_start(r);
		return rc < 0 ? rc : -E_IO;
	}
	flen = len - 4;                         /* the length includes the CRC */
	memcpy(buf, p + RTL_RX_HDR, flen);      /* WRAP=1: never split at the ring end */
	r->rx_off = (r->rx_off + RTL_RX_HDR + len + 3) & ~3u;
	if (r->rx_off >= RX_RING_LEN)
		r->rx_off -= RX_RING_LEN;
	outw(r->io + RTL_CAPR, (uint16_t)(r->rx_off - RTL_CAPR_BIAS));
	/* Acknowledge receive events so a real chip that hit RXOVW resumes. */
	outw(r->io + RTL_ISR, RTL_INT_ROK | RTL_INT_RER | RTL_INT_RXOVW | RTL_INT_FOVW);
	return (int)flen;
}

static void rtl_close(struct netdev *nd)
{
	struct rtl8139 *r = nd->priv;

	for (int i = 0; i < RTL_NTX; i++)
		r->tx_busy[i] = false;
	rtl8139_stop(r->io);
}

static int rtl_link(struct netdev *nd)
{
	struct rtl8139 *r = nd->priv;

	/* BMSR link status (§6, "Basic Mode Status Register"): 1 = link valid. */
	return (inw(r->io + RTL_BMSR) & RTL_BMSR_LINK) ? 1 : 0;
}

static const struct netdev_ops rtl_ops = {
	.open = rtl_open,
	.transmit = rtl_transmit,
	.poll = rtl_poll,
	.close = rtl_close,
	.link = rtl_link,
};

static int rtl_probe(struct netdev *nd)
{
	struct rtl8139 *r = &rtl_state;
	int rc;

	r->io = pci_bar_io(&nd->pci, 0);
	if (!r->io)
		return -E_NODEV;
	pci_enable(&nd->pci);
	r->cplus = rtl8139_is_cplus(r->io);
	r->found_cpcr = r->cplus ? inw(r->io + RTL_CPCR) : 0;
	rc = rtl8139_reset(r->io);              /* stops whatever a PXE ROM left running */
	if (rc < 0)
		return rc;
	/* Probing must not change the chip for a ROM that keeps it (see rtl8139_stop). */
	if (r->cplus)
		outw(r->io + RTL_CPCR, r->found_cpcr);
	for (int i = 0; i < 6; i++)
		nd->mac[i] = inb(r->io + RTL_IDR0 + i);
	if (!(nd->mac[0] | nd->mac[1] | nd->mac[2] | nd->mac[3] | nd->mac[4] | nd->mac[5]) ||
	    (nd->mac[0] & 1))
		return -E_IO;                   /* no valid station address */
	if (RTL8139_CPLUS && r->cplus) {
		rtl8139_cplus_attach(nd, r->io);
		return 0;
	}
	nd->ops = &rtl_ops;
	nd->mode = "ring buffer";
	nd->rx_frames = RX_RING_LEN / 1536;   /* frames are packed in the ring, 4-byte aligned */
	nd->priv = r;
	return 0;
}

static const struct pci_id rtl_ids[] = {
	{ 0x10ec, 0x8139, "RTL8139" },
	{ 0x10ec, 0x8138, "RTL8139 (CardBus)" },
	{ 0x1186, 0x1300, "DFE-538TX" },
	{ 0x1113, 0x1211, "EN1207D" },
};

NIC_DRIVER(rtl8139_driver) = {
	.name = "rtl8139",
	.ids = rtl_ids,
	.nids = ARRAY_SIZE(rtl_ids),
	.probe = rtl_probe,
};
