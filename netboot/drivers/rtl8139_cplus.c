/* rtl8139_cplus.c: the RTL8139C+'s descriptor mode ("C+ mode"): frames in and out through
 * rings of 16-byte descriptors in memory. Finding and releasing a received frame is then a
 * memory access, not a register access, and sending is one write to TPPOLL. rtl8139.c's probe
 * picks this mode when TCR says the chip is a C+ (register facts in rtl8139.h).
 *
 * Why it matters: in the original ring mode every frame costs a CR read and a CAPR write; on
 * QEMU a CAPR write also flushes the NIC's queue and wakes the emulator's main loop, so it
 * cost more than the rest of a frame's handling together. Rings and buffers come from the
 * heap at the first open (above 1 MiB, so they cost the image nothing). */
#include "lib/errors.h"
#include "services/heap.h"
#include "arch/io.h"
#include "drivers/netdev.h"
#include "services/timer.h"
#include "rtl8139.h"

#define CP_NRX          64      /* receive descriptors: frames held while we are busy */
#define CP_NTX          4       /* transmit descriptors, used round robin */
#define CP_BUF_SIZE     1536    /* a whole frame plus its CRC fits one buffer */
#define CP_RING_ALIGN   256
#define TX_TIMEOUT_MS   100

#define barrier() __asm__ volatile("" : : : "memory")

struct cp_desc {
	uint32_t opts1, opts2, addr_lo, addr_hi;
};

struct rtl_cplus {
	uint16_t io;
	volatile struct cp_desc *rx, *tx;
	uint8_t *rx_buf, *tx_buf;       /* CP_NRX and CP_NTX buffers of CP_BUF_SIZE */
	unsigned rx_cur, tx_cur;
};

static struct rtl_cplus cp_state;

/* Give receive descriptor i (back) to the chip. The buffer address is written before opts1
 * (whose OWN bit hands it over): x86 keeps stores in order, the barrier keeps gcc from
 * reordering them. */
static void cp_give_rx(struct rtl_cplus *c, unsigned i)
{
	volatile struct cp_desc *d = &c->rx[i];

	d->opts2 = 0;
	d->addr_lo = virt_to_bus(c->rx_buf + i * CP_BUF_SIZE);
	d->addr_hi = 0;
	barrier();
	d->opts1 = RTL_DESC_OWN | (i == CP_NRX - 1 ? RTL_DESC_EOR : 0) | CP_BUF_SIZE;
}

static int cp_alloc(struct rtl_cplus *c)
{
	if (c->rx)
		return 0;
	c->rx = heap_alloc(CP_NRX * sizeof(struct cp_desc), CP_RING_ALIGN);
	c->tx = heap_alloc(CP_NTX * sizeof(struct cp_desc), CP_RING_ALIGN);
	c->rx_buf = heap_alloc(CP_NRX * CP_BUF_SIZE, 32);
	c->tx_buf = heap_alloc(CP_NTX * CP_BUF_SIZE, 32);
	if (c->rx && c->tx && c->rx_buf && c->tx_buf)
		return 0;
	if (c->rx)
		heap_free((void *)c->rx);
	if (c->tx)
		heap_free((void *)c->tx);
	if (c->rx_buf)
		heap_free(c->rx_buf);
	if (c->tx_buf)
		heap_free(c->tx_buf);
	c->rx = c->tx = NULL;
	c->rx_buf = c->tx_buf = NULL;
	return -E_NOMEM;
}

/* Reset, fill the rings, then program the chip in the order Linux 8139cp uses (the C+ command
 * register before the ring addresses: enabling C+ transmit resets the ring address) and enable
 * receive and transmit once: every CR write with RE/TE restarts the chip's ring indexes. */
static int cp_open(struct netdev *nd)
{
	struct rtl_cplus *c = nd->priv;
	int rc = cp_alloc(c);

	if (rc < 0)
		return rc;
	rc = rtl8139_reset(c->io);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < CP_NRX; i++)
		cp_give_rx(c, i);
	for (unsigned i = 0; i < CP_NTX; i++) {
		c->tx[i].opts1 = i == CP_NTX - 1 ? RTL_DESC_EOR : 0;
		c->tx[i].opts2 = 0;
		c->tx[i].addr_lo = virt_to_bus(c->tx_buf + i * CP_BUF_SIZE);
		c->tx[i].addr_hi = 0;
	}
	c->rx_cur = c->tx_cur = 0;
	barrier();
	outw(c->io + RTL_CPCR, RTL_CPCR_RXEN | RTL_CPCR_TXEN | RTL_CPCR_MULRW);
	outl(c->io + RTL_RDSAR_LO, virt_to_bus((const void *)c->rx));
	outl(c->io + RTL_RDSAR_HI, 0);
	outl(c->io + RTL_TNPDS_LO, virt_to_bus((const void *)c->tx));
	outl(c->io + RTL_TNPDS_HI, 0);
	outw(c->io + RTL_IMR, 0);                       /* polling only */
	outw(c->io + RTL_ISR, 0xffff);
	outb(c->io + RTL_CR, RTL_CR_RE | RTL_CR_TE);
	/* RCR still filters (our address and broadcast); the ring-size bits mean nothing here.
	 * TCR only takes once TE is set. */
	outl(c->io + RTL_RCR, RTL_RCR_APM | RTL_RCR_AB | RTL_RCR_MXDMA_UNLIM | RTL_RCR_RXFTH_NONE);
	outl(c->io + RTL_TCR, RTL_TCR_MXDMA_2048 | RTL_TCR_IFG_STD);
	return 0;
}

static int cp_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct rtl_cplus *c = nd->priv;
	unsigned i = c->tx_cur;
	volatile struct cp_desc *d = &c->tx[i];
	uint8_t *buf = c->tx_buf + i * CP_BUF_SIZE;

	if (len > ETH_FRAME_MAX)
		return -E_INVAL;
	if (d->opts1 & RTL_DESC_OWN) {
		/* Still queued from CP_NTX frames ago: the chip clears OWN once it has sent it. */
		uint64_t deadline = timer_ms() + TX_TIMEOUT_MS;

		while (d->opts1 & RTL_DESC_OWN) {
			if (timer_ms() > deadline) {
				cp_open(nd);            /* wedged: start over */
				return -E_TIMEOUT;
			}
			cpu_relax();
		}
	}
	len = netdev_fill_tx(buf, frame, len);
	barrier();
	d->opts1 = RTL_DESC_OWN | RTL_DESC_FS | RTL_DESC_LS | (i == CP_NTX - 1 ? RTL_DESC_EOR : 0) |
		   (uint32_t)len;
	barrier();
	outb(c->io + RTL_TPPOLL, RTL_TPPOLL_NPQ);
	c->tx_cur = (i + 1) % CP_NTX;
	return 0;
}

/* Frames never span descriptors (every buffer holds a whole frame), so FS and LS are both set
 * on a good one; anything else, or an error bit, is dropped and the descriptor recycled. */
static int cp_poll(struct netdev *nd, void *buf)
{
	struct rtl_cplus *c = nd->priv;
	unsigned i = c->rx_cur;
	uint32_t st = c->rx[i].opts1;
	unsigned len = st & RTL_RXD_LEN;
	int rc = 0;

	if (st & RTL_DESC_OWN)
		return 0;
	barrier();
	if ((st & (RTL_DESC_FS | RTL_DESC_LS)) == (RTL_DESC_FS | RTL_DESC_LS) &&
	    !(st & RTL_RXD_ERRORS) && len >= 14 + 4 && len - 4 <= ETH_RXBUF_SIZE) {
		rc = (int)(len - 4);            /* the length includes the CRC */
		memcpy(buf, c->rx_buf + i * CP_BUF_SIZE, (size_t)rc);
	}
	cp_give_rx(c, i);
	c->rx_cur = (i + 1) % CP_NRX;
	return rc;
}

static void cp_close(struct netdev *nd)
{
	struct rtl_cplus *c = nd->priv;

	rtl8139_stop(c->io);                    /* no DMA after this; CPCR as probe found it */
}

static int cp_link(struct netdev *nd)
{
	struct rtl_cplus *c = nd->priv;

	return (inw(c->io + RTL_BMSR) & RTL_BMSR_LINK) ? 1 : 0;
}

static const struct netdev_ops cp_ops = {
	.open = cp_open,
	.transmit = cp_transmit,
	.poll = cp_poll,
	.close = cp_close,
	.link = cp_link,
};

bool rtl8139_is_cplus(uint16_t io)
{
	return (inl(io + RTL_TCR) & RTL_TCR_HWVER_MASK) == RTL_TCR_HWVER_CPLUS;
}

void rtl8139_cplus_attach(struct netdev *nd, uint16_t io)
{
	cp_state.io = io;
	nd->ops = &cp_ops;
	nd->priv = &cp_state;
	nd->rx_frames = CP_NRX;
	nd->mode = "C+ descriptors";
}
