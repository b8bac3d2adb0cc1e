/* pcnet32.c: AMD PCnet-PCI family (79C970/970A/971/972/973/975/978): bus-master descriptor
 * rings in software style 2 (32-bit structures), polled. Register facts are in pcnet32.h. */
#include "lib/errors.h"
#include "services/heap.h"
#include "arch/io.h"
#include "drivers/netdev.h"
#include "pcnet32.h"
#include "services/timer.h"

#define RX_RING_LOG2 6
#define TX_RING_LOG2 3
#define RX_RING (1 << RX_RING_LOG2)   /* 64 receive buffers: room for a whole TFTP window */
#define TX_RING (1 << TX_RING_LOG2)   /* 8 transmit buffers, used round robin */
#define BUF_SIZE 1536

struct pcnet {
	uint16_t io;
	bool dwio;                /* the chip is in double-word I/O mode */
	uint16_t part;
	/* DMA memory (heap, above 1 MiB, identity-mapped) */
	struct pcnet_init_block *ib;
	volatile struct pcnet_rx_desc *rx;
	volatile struct pcnet_tx_desc *tx;
	uint8_t *rxbuf, *txbuf;
	unsigned rx_cur, tx_cur;
};

static struct pcnet pcnet_priv;

static uint16_t csr_read(struct pcnet *p, unsigned reg)
{
	if (p->dwio) {
		outl(p->io + PCNET_DWIO_RAP, reg);
		return inl(p->io + PCNET_DWIO_RDP) & 0xffff;
	}
	outw(p->io + PCNET_WIO_RAP, reg);
	return inw(p->io + PCNET_WIO_RDP);
}

static void csr_write(struct pcnet *p, unsigned reg, uint16_t v)
{
	if (p->dwio) {
		outl(p->io + PCNET_DWIO_RAP, reg);
		outl(p->io + PCNET_DWIO_RDP, v);
		return;
	}
	outw(p->io + PCNET_WIO_RAP, reg);
	outw(p->io + PCNET_WIO_RDP, v);
}

static uint16_t bcr_read(struct pcnet *p, unsigned reg)
{
	if (p->dwio) {
		outl(p->io + PCNET_DWIO_RAP, reg);
		return inl(p->io + PCNET_DWIO_BDP) & 0xffff;
	}
	outw(p->io + PCNET_WIO_RAP, reg);
	return inw(p->io + PCNET_WIO_BDP);
}

static void bcr_write(struct pcnet *p, unsigned reg, uint16_t v)
{
	if (p->dwio) {
		outl(p->io + PCNET_DWIO_RAP, reg);
		outl(p->io + PCNET_DWIO_BDP, v);
		return;
	}
	outw(p->io + PCNET_WIO_RAP, reg);
	outw(p->io + PCNET_WIO_BDP, v);
}

/* True when the chip answers in word I/O: CSR0 reads STOP (as after S_RESET) and RAP reads back
 * what was written. */
static bool pcnet_wio_ok(struct pcnet *p)
{
	outw(p->io + PCNET_WIO_RAP, CSR0);
	if (inw(p->io + PCNET_WIO_RDP) != CSR0_STOP)
		return false;
	outw(p->io + PCNET_WIO_RAP, CSR88);
	return inw(p->io + PCNET_WIO_RAP) == CSR88;
}

static bool pcnet_dwio_ok(struct pcnet *p)
{
	outl(p->io + PCNET_DWIO_RAP, CSR0);
	if ((inl(p->io + PCNET_DWIO_RDP) & 0xffff) != CSR0_STOP)
		return false;
	outl(p->io + PCNET_DWIO_RAP, CSR88);
	return (inl(p->io + PCNET_DWIO_RAP) & 0xffff) == CSR88;
}

/* S_RESET by reading the RESET register, in whichever I/O mode the chip is in: after H_RESET it
 * is in word I/O; a driver before us (a PXE ROM) may have switched it to double-word I/O by a
 * 32-bit write to RDP ("Software Access": DWIO; the data sheet says only H_RESET leaves DWIO,
 * some implementations leave it on S_RESET too, so word I/O is tried again after the 32-bit
 * reset). After S_RESET CSR0 reads STOP (0x0004). */
static int pcnet_reset(struct pcnet *p)
{
	inw(p->io + PCNET_WIO_RESET);
	if (pcnet_wio_ok(p)) {
		p->dwio = false;
		return 0;
	}
	inl(p->io + PCNET_DWIO_RESET);
	if (pcnet_dwio_ok(p)) {
		p->dwio = true;
		return 0;
	}
	if (pcnet_wio_ok(p)) {
		p->dwio = false;
		return 0;
	}
	return -E_IO;
}

static void pcnet_stop(struct pcnet *p)
{
	csr_write(p, CSR0, CSR0_STOP);
	pcnet_reset(p);
}

static int pcnet_open(struct netdev *nd)
{
	struct pcnet *p = nd->priv;
	struct pcnet_init_block *ib = p->ib;
	uint64_t end;

	if (pcnet_reset(p) < 0)
		return -E_IO;
	csr_write(p, CSR0, CSR0_STOP);
	bcr_write(p, BCR20, BCR20_SWSTYLE2);

	for (int i = 0; i < RX_RING; i++) {
		p->rx[i].base = virt_to_bus(p->rxbuf + i * BUF_SIZE);
		p->rx[i].buf_length = DESC_ONES | ((-BUF_SIZE) & 0x0fff);
		p->rx[i].msg_length = 0;
		p->rx[i].reserved = 0;
		p->rx[i].status = DESC_OWN;
	}
	for (int i = 0; i < TX_RING; i++) {
		p->tx[i].base = virt_to_bus(p->txbuf + i * BUF_SIZE);
		p->tx[i].length = 0;
		p->tx[i].misc = 0;
		p->tx[i].reserved = 0;
		p->tx[i].status = 0;
	}
	p->rx_cur = p->tx_cur = 0;

	memset(ib, 0, sizeof(*ib));
	ib->mode = 0;             /* normal operation, port auto-selected (BCR2 ASEL) */
	ib->rlen = RX_RING_LOG2 << 4;
	ib->tlen = TX_RING_LOG2 << 4;
	memcpy(ib->padr, nd->mac, 6);
	ib->rdra = virt_to_bus((const void *)p->rx);
	ib->tdra = virt_to_bus((const void *)p->tx);
	__asm__ volatile("" ::: "memory");

	csr_write(p, CSR1, virt_to_bus(ib) & 0xffff);
	csr_write(p, CSR2, virt_to_bus(ib) >> 16);
	csr_write(p, CSR3, CSR3_MASK_ALL);
	csr_write(p, CSR4, CSR4_DEFAULT | CSR4_APAD_XMT);
	csr_write(p, CSR0, CSR0_INIT);
	end = timer_ms() + 100;
	while (!(csr_read(p, CSR0) & CSR0_IDON))
		if (timer_ms() > end) {
			pcnet_stop(p);
			return -E_TIMEOUT;
		}
	csr_write(p, CSR0, CSR0_IDON | CSR0_STRT);
	return 0;
}

static int pcnet_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct pcnet *p = nd->priv;
	volatile struct pcnet_tx_desc *d = &p->tx[p->tx_cur];
	uint8_t *buf = p->txbuf + p->tx_cur * BUF_SIZE;
	uint64_t end;

	if (len > ETH_FRAME_MAX)
		return -E_TOOBIG;
	if (d->status & DESC_OWN) {           /* the ring is full: wait for the oldest frame */
		end = timer_ms() + 100;
		while (d->status & DESC_OWN)
			if (timer_ms() > end)
				return -E_TIMEOUT;
	}
	len = netdev_fill_tx(buf, frame, len);
	d->length = DESC_ONES | ((-len) & 0x0fff);
	d->misc = 0;
	__asm__ volatile("" ::: "memory");
	d->status = DESC_OWN | DESC_STP | DESC_ENP;
	csr_write(p, CSR0, CSR0_TDMD);
	p->tx_cur = (p->tx_cur + 1) % TX_RING;
	return 0;
}

static int pcnet_poll(struct netdev *nd, void *buf)
{
	struct pcnet *p = nd->priv;
	volatile struct pcnet_rx_desc *d = &p->rx[p->rx_cur];
	uint16_t status = d->status;
	int len = 0;

	if (status & DESC_OWN)
		return 0;
	/* A register read before trusting the descriptor: an emulated chip (QEMU) may still be
	 * storing it in another thread (OWN cleared first, ENP and the length after), and a
	 * device register access waits for that to finish. On a real chip it costs one read. */
	(void)csr_read(p, CSR0);
	__asm__ volatile("" ::: "memory");
	status = d->status;
	if (!(status & DESC_ERR) && (status & (DESC_STP | DESC_ENP)) == (DESC_STP | DESC_ENP)) {
		len = (d->msg_length & 0x0fff) - 4;   /* MCNT includes the FCS */
		if (len < 14 || len > ETH_FRAME_MAX)
			len = 0;
		else
			memcpy(buf, p->rxbuf + p->rx_cur * BUF_SIZE, len);
	}
	d->msg_length = 0;
	d->buf_length = DESC_ONES | ((-BUF_SIZE) & 0x0fff);
	__asm__ volatile("" ::: "memory");
	d->status = DESC_OWN;
	p->rx_cur = (p->rx_cur + 1) % RX_RING;
	return len;
}

static void pcnet_close(struct netdev *nd)
{
	pcnet_stop(nd->priv);
}

static int pcnet_link(struct netdev *nd)
{
	struct pcnet *p = nd->priv;

	/* BCR4 (LED0) shows link status after reset (LNKSTE) on the 79C970A and later; the first
	 * 79C970 has no link status. */
	if (p->part < PCNET_PART_79C970A)
		return -E_NOTSUP;
	return (bcr_read(p, BCR4) & BCR4_LEDOUT) ? 1 : 0;
}

static const struct netdev_ops pcnet_ops = {
	.open = pcnet_open,
	.transmit = pcnet_transmit,
	.poll = pcnet_poll,
	.close = pcnet_close,
	.link = pcnet_link,
};

static const struct {
	uint16_t part;
	const char *name;
} pcnet_parts[] = {
	{ 0x2420, "Am79C970 PCnet-PCI" },
	{ 0x2621, "Am79C970A PCnet-PCI II" },
	{ 0x2623, "Am79C971 PCnet-FAST" },
	{ 0x2624, "Am79C972 PCnet-FAST+" },
	{ 0x2625, "Am79C973 PCnet-FAST III" },
	{ 0x2626, "Am79C978 PCnet-Home" },
	{ 0x2627, "Am79C975 PCnet-FAST III" },
};

static int pcnet_probe(struct netdev *nd)
{
	struct pcnet *p = &pcnet_priv;
	uint16_t io = pci_bar_io(&nd->pci, 0);
	uint8_t *mem = (uint8_t *)p->rx;     /* kept across probes */

	if (!io)
		return -E_NODEV;
	pci_enable(&nd->pci);
	memset(p, 0, sizeof(*p));
	p->io = io;
	if (pcnet_reset(p) < 0)
		return -E_IO;
	p->part = ((uint32_t)csr_read(p, CSR89) << 16 | csr_read(p, CSR88)) >> 12 & 0xffff;
	for (int i = 0; i < 6; i++)
		nd->mac[i] = inb(io + PCNET_APROM + i);
	for (size_t i = 0; i < ARRAY_SIZE(pcnet_parts); i++)
		if (pcnet_parts[i].part == p->part)
			nd->chip = pcnet_parts[i].name;

	/* One block: descriptors first (16-byte aligned), the init block, then the buffers. */
	if (!mem)
		mem = heap_alloc(RX_RING * 16 + TX_RING * 16 + 32 + (RX_RING + TX_RING) * BUF_SIZE, 16);
	if (!mem)
		return -E_NOMEM;
	p->rx = (volatile struct pcnet_rx_desc *)mem;
	p->tx = (volatile struct pcnet_tx_desc *)(mem + RX_RING * 16);
	p->ib = (struct pcnet_init_block *)(mem + RX_RING * 16 + TX_RING * 16);
	p->rxbuf = mem + RX_RING * 16 + TX_RING * 16 + 32;
	p->txbuf = p->rxbuf + RX_RING * BUF_SIZE;
	nd->ops = &pcnet_ops;
	nd->rx_frames = RX_RING;
	nd->priv = p;
	return 0;
}

static const struct pci_id pcnet_ids[] = {
	{ 0x1022, 0x2000, "Am79C970/970A/971/972/973/975" },
	{ 0x1022, 0x2001, "Am79C978" },
};

NIC_DRIVER(pcnet32_driver) = {
	.name = "pcnet32",
	.ids = pcnet_ids,
	.nids = ARRAY_SIZE(pcnet_ids),
	.probe = pcnet_probe,
};
