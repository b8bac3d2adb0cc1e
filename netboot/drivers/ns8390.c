/* ns8390.c: NE2000-compatible PCI cards (DP8390 core: RTL8029AS, Winbond W89C940, Compex,
 * KTI, VIA, SureCom, Holtek ...). Programmed I/O only: frames move between host memory and the
 * card's 16 KiB buffer through the 8390 remote DMA; the chip itself never touches host memory.
 * The data port is read and written 32 bits at a time where the chip allows it (half the port
 * accesses of 16-bit transfers: each one is a bus cycle on real hardware and an exit into the
 * emulator under QEMU). Register facts are in ns8390.h. */
#include "lib/errors.h"
#include "arch/io.h"
#include "drivers/netdev.h"
#include "ns8390.h"
#include "services/timer.h"

/* Data port widths (Linux ne2k-pci's per-chip flags: the VIA 82C926 and Holtek HT80232 only
 * do 16-bit transfers, the Holtek HT80229 only 32-bit ones; the rest take both). */
enum ne_width { NE_IO32, NE_IO16_ONLY, NE_IO32_ONLY };

struct ne {
	uint16_t io;
	enum ne_width width;
	uint8_t next_rx;          /* page of the next frame to read (BNRY + 1) */
	uint8_t tx_buf;           /* which transmit buffer the next frame goes to */
	bool tx_busy;             /* a TXP was issued and not yet seen finished */
	bool rx_pending;          /* frames may wait: read CURR (else only ISR.PRX says so) */
	uint32_t overflows;
};

static struct ne ne_priv;

static inline void ne_out(struct ne *ne, uint8_t reg, uint8_t v) { outb(ne->io + reg, v); }
static inline uint8_t ne_in(struct ne *ne, uint8_t reg) { return inb(ne->io + reg); }

static inline void ne_insw(uint16_t port, void *buf, size_t words)
{
	__asm__ volatile("cld; rep insw" : "+D"(buf), "+c"(words) : "d"(port) : "memory");
}

static inline void ne_outsw(uint16_t port, const void *buf, size_t words)
{
	__asm__ volatile("cld; rep outsw" : "+S"(buf), "+c"(words) : "d"(port) : "memory");
}

static inline void ne_insl(uint16_t port, void *buf, size_t dwords)
{
	__asm__ volatile("cld; rep insl" : "+D"(buf), "+c"(dwords) : "d"(port) : "memory");
}

static inline void ne_outsl(uint16_t port, const void *buf, size_t dwords)
{
	__asm__ volatile("cld; rep outsl" : "+S"(buf), "+c"(dwords) : "d"(port) : "memory");
}

/* Bytes the remote DMA must count for a transfer of len: whole transfer units. */
static uint16_t ne_dma_count(const struct ne *ne, size_t len)
{
	return (uint16_t)(ne->width == NE_IO32_ONLY ? (len + 3) & ~3u : (len + 1) & ~1u);
}

/* Wait until all bits of mask are set in ISR (bounded), then acknowledge them. */
static int ne_wait_isr(struct ne *ne, uint8_t mask, unsigned us)
{
	uint64_t end = timer_us() + us;

	while ((ne_in(ne, NS_ISR) & mask) != mask)
		if (timer_us() > end)
			return -E_TIMEOUT;
	ne_out(ne, NS_ISR, mask);
	return 0;
}

/* Program a remote DMA of count bytes at card address addr (DS 10.0): CR with "abort/complete",
 * byte count, start address, then the read or write command. */
static void ne_rdma_setup(struct ne *ne, uint16_t addr, uint16_t count, uint8_t dir)
{
	ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_STA);
	ne_out(ne, NS_ISR, ISR_RDC);
	ne_out(ne, NS_RBCR0, count & 0xff);
	ne_out(ne, NS_RBCR1, count >> 8);
	ne_out(ne, NS_RSAR0, addr & 0xff);
	ne_out(ne, NS_RSAR1, addr >> 8);
	ne_out(ne, NS_CR, CR_PAGE0 | dir | CR_STA);
}

/* Read len bytes from card memory: dwords, then a word, then (len odd) the low byte of one
 * more word; a 32-bit-only chip reads a last whole dword and keeps what fits. */
static int ne_read_mem(struct ne *ne, uint16_t addr, void *buf, size_t len)
{
	uint16_t port = ne->io + NE_DATA;
	uint8_t *p = buf;
	size_t n = ne->width == NE_IO16_ONLY ? 0 : len & ~(size_t)3;

	ne_rdma_setup(ne, addr, ne_dma_count(ne, len), CR_RD_READ);
	ne_insl(port, p, n / 4);
	if (n < len && ne->width == NE_IO32_ONLY) {
		uint32_t last = inl(port);
		memcpy(p + n, &last, len - n);
	} else if (n < len) {
		ne_insw(port, p + n, (len - n) / 2);
		if (len & 1)
			p[len - 1] = (uint8_t)inw(port);
	}
	return ne_wait_isr(ne, ISR_RDC, 2000);
}

/* Write len bytes to card memory. The "dummy remote read before a remote write" of AN-874 works
 * around an ISA-era DP8390 timing bug; the PCI single-chip clones do not need it. */
static int ne_write_mem(struct ne *ne, uint16_t addr, const void *buf, size_t len)
{
	uint16_t port = ne->io + NE_DATA;
	const uint8_t *p = buf;
	size_t n = ne->width == NE_IO16_ONLY ? 0 : len & ~(size_t)3;

	ne_rdma_setup(ne, addr, ne_dma_count(ne, len), CR_RD_WRITE);
	ne_outsl(port, p, n / 4);
	if (n < len && ne->width == NE_IO32_ONLY) {
		uint32_t last = 0;
		memcpy(&last, p + n, len - n);
		outl(port, last);
	} else if (n < len) {
		ne_outsw(port, p + n, (len - n) / 2);
		if (len & 1)
			outw(port, p[len - 1]);
	}
	return ne_wait_isr(ne, ISR_RDC, 2000);
}

/* Board reset: a read then write of the reset port, then ISR.RST (bounded). The 8390 comes out
 * of reset stopped. */
static int ne_reset(struct ne *ne)
{
	uint8_t v = inb(ne->io + NE_RESET);

	outb(ne->io + NE_RESET, v);
	if (ne_wait_isr(ne, ISR_RST, 100000) < 0)
		return -E_TIMEOUT;
	ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_STP);
	ne_out(ne, NS_ISR, 0xff);
	ne_out(ne, NS_IMR, 0);
	return 0;
}

/* Initialization (DS 11.0): stopped, DCR, clear RBCR, monitor mode, loopback, ring pointers,
 * ISR, IMR, page 1 address/hash/CURR, start, then normal transmit. */
static void ne_init(struct ne *ne, const uint8_t *mac, bool run)
{
	ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_STP);
	ne_out(ne, NS_DCR, DCR_WORD);
	ne_out(ne, NS_RBCR0, 0);
	ne_out(ne, NS_RBCR1, 0);
	ne_out(ne, NS_RCR, RCR_MON);
	ne_out(ne, NS_TCR, TCR_LOOPBACK);
	ne_out(ne, NS_TPSR, NE_START_PAGE);
	ne_out(ne, NS_PSTART, NE_RX_START);
	ne_out(ne, NS_BNRY, NE_RX_START);
	ne_out(ne, NS_PSTOP, NE_STOP_PAGE);
	ne_out(ne, NS_ISR, 0xff);
	ne_out(ne, NS_IMR, 0);
	ne_out(ne, NS_CR, CR_PAGE1 | CR_RD_ABORT | CR_STP);
	for (int i = 0; i < 6; i++)
		ne_out(ne, NS_PAR0 + i, mac[i]);
	for (int i = 0; i < 8; i++)
		ne_out(ne, NS_MAR0 + i, 0);
	ne_out(ne, NS_CURR, NE_RX_START + 1);
	ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_STP);
	ne->next_rx = NE_RX_START + 1;
	ne->tx_buf = 0;
	ne->tx_busy = false;
	ne->rx_pending = true;
	if (!run)
		return;
	ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_STA);
	ne_out(ne, NS_TCR, TCR_NORMAL);
	ne_out(ne, NS_RCR, RCR_AB);
}

static int ne_open(struct netdev *nd)
{
	struct ne *ne = nd->priv;
	int rc = ne_reset(ne);

	if (rc < 0)
		return rc;
	ne_init(ne, nd->mac, true);
	return 0;
}

/* Wait for the frame on the wire to finish (TXP clears itself, ISR PTX or TXE is set). */
static int ne_tx_wait(struct ne *ne)
{
	uint64_t end;

	if (!ne->tx_busy)
		return 0;
	end = timer_us() + 50000;
	while (ne_in(ne, NS_CR) & CR_TXP)
		if (timer_us() > end) {
			ne->tx_busy = false;
			return -E_TIMEOUT;
		}
	ne_out(ne, NS_ISR, ISR_PTX | ISR_TXE);
	ne->tx_busy = false;
	return 0;
}

static int ne_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct ne *ne = nd->priv;
	uint8_t page = NE_START_PAGE + ne->tx_buf * NE_TX_PAGES;
	int rc;

	if (len > ETH_FRAME_MAX)
		return -E_TOOBIG;
	/* Copy into the idle buffer while the other one may still be going out. */
	if (len >= ETH_FRAME_MIN) {
		rc = ne_write_mem(ne, page << 8, frame, len);
	} else {
		uint8_t pad[ETH_FRAME_MIN];

		len = netdev_fill_tx(pad, frame, len);
		rc = ne_write_mem(ne, page << 8, pad, len);
	}
	if (rc < 0)
		return -E_IO;
	rc = ne_tx_wait(ne);
	if (rc < 0)
		return rc;
	ne_out(ne, NS_TPSR, page);
	ne_out(ne, NS_TBCR0, len & 0xff);
	ne_out(ne, NS_TBCR1, len >> 8);
	ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_TXP | CR_STA);
	ne->tx_busy = true;
	ne->tx_buf ^= 1;
	return 0;
}

static uint8_t ne_curr(struct ne *ne)
{
	uint8_t curr;

	ne_out(ne, NS_CR, CR_PAGE1 | CR_RD_ABORT | CR_STA);
	curr = ne_in(ne, NS_CURR);
	ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_STA);
	return curr;
}

static void ne_set_bnry(struct ne *ne, uint8_t next)
{
	ne->next_rx = next;
	ne_out(ne, NS_BNRY, next == NE_RX_START ? NE_STOP_PAGE - 1 : next - 1);
}

/* Receive ring overflow (DS 7.3 ISR.OVW, AN-874 "buffer ring overflow"): 1. note TXP, 2. stop,
 * 3. wait >= 1.6 ms (ISR.RST), 4. clear RBCR, 5. decide whether to resend, 6. loopback mode,
 * 7. start, 8. free ring space (here: drop the whole ring), 9. clear OVW, 10. normal mode,
 * 11. resend. */
static void ne_overflow(struct ne *ne)
{
	bool txp = ne_in(ne, NS_CR) & CR_TXP;
	bool resend = false;

	ne->overflows++;
	ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_STP);
	mdelay(2);
	ne_out(ne, NS_RBCR0, 0);
	ne_out(ne, NS_RBCR1, 0);
	if (txp && !(ne_in(ne, NS_ISR) & (ISR_PTX | ISR_TXE)))
		resend = true;
	ne_out(ne, NS_TCR, TCR_LOOPBACK);
	ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_STA);
	ne_set_bnry(ne, ne_curr(ne));
	ne_out(ne, NS_ISR, ISR_OVW);
	ne_out(ne, NS_TCR, TCR_NORMAL);
	if (resend)
		ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_TXP | CR_STA);
}

static int ne_poll(struct netdev *nd, void *buf)
{
	struct ne *ne = nd->priv;
	uint8_t hdr[4];
	uint16_t addr, count, len, first;
	uint8_t next;

	uint8_t isr = ne_in(ne, NS_ISR);

	if (isr & ISR_OVW) {
		ne_overflow(ne);
		ne->rx_pending = true;
		return 0;
	}
	/* An empty ring costs one ISR read, not the three accesses of reading CURR: PRX is
	 * cleared before CURR is read, so a frame stored after that read sets it again. */
	if (!ne->rx_pending) {
		if (!(isr & ISR_PRX))
			return 0;
		ne_out(ne, NS_ISR, ISR_PRX);
		ne->rx_pending = true;
	}
	if (ne->next_rx == ne_curr(ne)) {
		ne->rx_pending = false;
		return 0;
	}
	addr = ne->next_rx << 8;
	if (ne_read_mem(ne, addr, hdr, 4) < 0)
		return -E_IO;
	next = hdr[1];
	count = get_le16(hdr + 2);
	if (next < NE_RX_START || next >= NE_STOP_PAGE || count < 4 + 14 || count > 4 + 1518) {
		/* A corrupt header: the ring pointers cannot be trusted; start it over. */
		ne_init(ne, nd->mac, true);
		return -E_IO;
	}
	len = count - 4;                /* the count includes the 4-byte header */
	if (!(hdr[0] & RSR_PRX)) {
		ne_set_bnry(ne, next);
		return 0;
	}
	if (len > ETH_FRAME_MAX)        /* a trailing FCS on chips that store it */
		len = ETH_FRAME_MAX;
	addr += 4;
	first = len;
	if (addr + len > NE_STOP_PAGE << 8) {   /* the frame wraps past the ring's end */
		first = (NE_STOP_PAGE << 8) - addr;
		if (ne_read_mem(ne, addr, buf, first) < 0)
			return -E_IO;
		addr = NE_RX_START << 8;
		if (ne_read_mem(ne, addr, (uint8_t *)buf + first, len - first) < 0)
			return -E_IO;
	} else if (ne_read_mem(ne, addr, buf, len) < 0) {
		return -E_IO;
	}
	ne_set_bnry(ne, next);
	return len;
}

static void ne_close(struct netdev *nd)
{
	struct ne *ne = nd->priv;

	ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_STP);
	ne_out(ne, NS_IMR, 0);
	ne_out(ne, NS_ISR, 0xff);
	ne_reset(ne);
}

static int ne_link(struct netdev *nd)
{
	return -E_NOTSUP;             /* the 8390 core has no link status register */
}

static const struct netdev_ops ne_ops = {
	.open = ne_open,
	.transmit = ne_transmit,
	.poll = ne_poll,
	.close = ne_close,
	.link = ne_link,
};

static int ne_probe(struct netdev *nd)
{
	struct ne *ne = &ne_priv;
	uint8_t prom[32];
	uint16_t io = pci_bar_io(&nd->pci, 0);

	if (!io)
		return -E_NODEV;
	pci_enable(&nd->pci);
	memset(ne, 0, sizeof(*ne));
	ne->io = io;
	if (nd->pci.vendor == 0x1106 || (nd->pci.vendor == 0x12c3 && nd->pci.device == 0x0058))
		ne->width = NE_IO16_ONLY;
	else if (nd->pci.vendor == 0x12c3 && nd->pci.device == 0x5598)
		ne->width = NE_IO32_ONLY;
	if (ne_reset(ne) < 0)
		return -E_IO;
	/* The station address PROM at card address 0: in word mode each PROM byte is one word, so
	 * 32 bytes read give 16 PROM bytes in the even positions. */
	ne_out(ne, NS_DCR, DCR_WORD);
	ne_out(ne, NS_RCR, RCR_MON);
	ne_out(ne, NS_TCR, TCR_LOOPBACK);
	if (ne_read_mem(ne, 0, prom, sizeof(prom)) < 0)
		return -E_IO;
	for (int i = 0; i < 6; i++)
		nd->mac[i] = prom[2 * i];
	ne_out(ne, NS_CR, CR_PAGE0 | CR_RD_ABORT | CR_STP);
	nd->ops = &ne_ops;
	/* The on-card ring: 6 pages (1536 bytes) per full frame. */
	nd->rx_frames = (NE_STOP_PAGE - NE_RX_START) / 6;
	nd->priv = ne;
	return 0;
}

static const struct pci_id ne_ids[] = {
	{ 0x10ec, 0x8029, "RTL8029" },
	{ 0x1050, 0x0940, "Winbond W89C940" },
	{ 0x11f6, 0x1401, "Compex RL2000" },
	{ 0x8e2e, 0x3000, "KTI ET32P2" },
	{ 0x4a14, 0x5000, "NetVin NV5000SC" },
	{ 0x1106, 0x0926, "VIA 82C926" },
	{ 0x10bd, 0x0e34, "SureCom NE34" },
	{ 0x1050, 0x5a5a, "Winbond W89C940F" },
	{ 0x12c3, 0x0058, "Holtek HT80232" },
	{ 0x12c3, 0x5598, "Holtek HT80229" },
};

NIC_DRIVER(ns8390_driver) = {
	.name = "ns8390",
	.ids = ne_ids,
	.nids = ARRAY_SIZE(ne_ids),
	.probe = ne_probe,
};
