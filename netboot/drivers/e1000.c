/* e1000.c: Intel 8254x (82540/82541/82543/82544/82545/82546/82547, "e1000"): frames through a
 * legacy-descriptor receive ring and transmit ring. Register facts are in e1000.h (8254x SDM).
 *
 * DMA memory comes from the heap at the first open: 512 receive descriptors with 2 KiB buffers
 * and 16 transmit descriptors with 1.5 KiB buffers (about 1 MiB, above 1 MiB). The receive
 * ring holds a TCP window's worth of frames: on QEMU, whose main loop refills the ring only when
 * it gets a host CPU, 64 frames held HTTP from nginx to about 25 MiB/s. Receive looks at
 * the next descriptor's DD bit in memory (no register read) and lends the frame in its ring
 * buffer (no copy); descriptors go back RX_RETURN_BATCH at a time with one RDT write: on QEMU
 * an RDT write takes the emulator's global lock and delivers what its NIC queued, which per
 * frame cost more than the rest of the frame's handling (rdtsc-timed in the guest: with 8 per
 * write, RDT writes were a quarter of a 64 MiB HTTP load's time; with 64, a tenth). Transmit
 * fills the next descriptor and writes TDT, waiting only when it comes round to a descriptor
 * whose frame the chip has not finished. */
#include "lib/errors.h"
#include "services/heap.h"
#include "arch/io.h"
#include "drivers/netdev.h"
#include "services/timer.h"
#include "e1000.h"

#define NUM_RX 512              /* ring bytes must be a multiple of 128 (SDM 13.4, RDLEN/TDLEN) */
#define NUM_TX 16
#define RX_RETURN_BATCH 64      /* receive descriptors handed back per RDT write */
#define RX_BUF_SIZE 2048        /* RCTL.BSIZE 2048 */
#define TX_BUF_SIZE 1536
#define RESET_TIMEOUT_MS 20
#define EERD_TIMEOUT_US 10000
#define TX_TIMEOUT_MS 100

#define barrier() __asm__ volatile("" : : : "memory")

struct e1000 {
	volatile uint8_t *regs;
	bool eerd_41;                   /* 82541/82547 EERD layout */
	bool has_eerd;                  /* 82543/82544 have no EERD */
	struct e1000_rx_desc *rx;       /* NUM_RX descriptors, then NUM_TX tx descriptors */
	struct e1000_tx_desc *tx;
	uint8_t *rx_buf, *tx_buf;
	unsigned rx_cur, tx_cur;
	unsigned rx_tail;               /* RDT as last written: the chip owns RDH up to rx_tail-1 */
	unsigned lent, lent_oldest;     /* frames lent to the stack, and the oldest one's index */
	bool tx_busy[NUM_TX];
};

static struct e1000 e1000_state;

static inline uint32_t rd32(struct e1000 *e, uint32_t reg)
{
	return *(volatile uint32_t *)(e->regs + reg);
}

static inline void wr32(struct e1000 *e, uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(e->regs + reg) = v;
}

/* Global reset (CTRL.RST, SDM chapter 14 "Reset Operation"): every register back to its
 * default, DMA stopped, the station address reloaded from the EEPROM into RAL0/RAH0. */
static int e1000_reset(struct e1000 *e)
{
	uint64_t deadline;

	wr32(e, E1000_IMC, 0xffffffff);
	wr32(e, E1000_RCTL, 0);
	wr32(e, E1000_TCTL, E1000_TCTL_PSP);
	(void)rd32(e, E1000_STATUS);            /* flush posted writes */
	mdelay(1);                              /* let pending DMA finish before the reset */
	wr32(e, E1000_CTRL, rd32(e, E1000_CTRL) | E1000_CTRL_RST);
	udelay(10);                             /* no access for a few us after RST (CTRL.RST, 13.4.1) */
	deadline = timer_ms() + RESET_TIMEOUT_MS;
	while (rd32(e, E1000_CTRL) & E1000_CTRL_RST) {
		if (timer_ms() > deadline)
			return -E_TIMEOUT;
		udelay(10);
	}
	wr32(e, E1000_IMC, 0xffffffff);
	(void)rd32(e, E1000_ICR);
	for (int i = 0; i < NUM_TX; i++)
		e->tx_busy[i] = false;
	return 0;
}

/* One EEPROM word through EERD (13.4.4), or -E_TIMEOUT / -E_NOTSUP. */
static int e1000_eeprom_read(struct e1000 *e, unsigned word)
{
	uint32_t done = e->eerd_41 ? E1000_EERD_DONE_41 : E1000_EERD_DONE;
	unsigned shift = e->eerd_41 ? E1000_EERD_ADDR_SHIFT_41 : E1000_EERD_ADDR_SHIFT;
	uint32_t v;

	if (!e->has_eerd)
		return -E_NOTSUP;
	wr32(e, E1000_EERD, E1000_EERD_START | (uint32_t)word << shift);
	for (unsigned us = 0; us < EERD_TIMEOUT_US; us += 5) {
		v = rd32(e, E1000_EERD);
		if (v & done)
			return (int)(v >> E1000_EERD_DATA_SHIFT);
		udelay(5);
	}
	return -E_TIMEOUT;
}

static int e1000_read_mac(struct e1000 *e, uint8_t *mac)
{
	uint32_t ral = rd32(e, E1000_RAL0), rah = rd32(e, E1000_RAH0);

	if (rah & E1000_RAH_AV) {
		put_le32(mac, ral);
		put_le16(mac + 4, (uint16_t)rah);
	} else {
		/* EEPROM words 0-2 hold the address, low byte first (SDM 5.6, EEPROM address map). */
		for (unsigned w = 0; w < 3; w++) {
			int v = e1000_eeprom_read(e, w);
			if (v < 0)
				return v;
			put_le16(mac + 2 * w, (uint16_t)v);
		}
	}
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) || (mac[0] & 1))
		return -E_IO;
	return 0;
}

static int e1000_open(struct netdev *nd)
{
	struct e1000 *e = nd->priv;
	int rc;

	if (!e->rx) {
		/* Descriptor rings: 16-byte aligned at least (RDBAL/TDBAL); 128 keeps them in lines. */
		void *rings = heap_alloc(NUM_RX * sizeof(struct e1000_rx_desc) +
					 NUM_TX * sizeof(struct e1000_tx_desc), 128);
		void *bufs = heap_alloc(NUM_RX * RX_BUF_SIZE + NUM_TX * TX_BUF_SIZE, 64);

		if (!rings || !bufs) {
			if (rings)
				heap_free(rings);
			if (bufs)
				heap_free(bufs);
			return -E_NOMEM;
		}
		e->rx = rings;
		e->tx = (struct e1000_tx_desc *)(e->rx + NUM_RX);
		e->rx_buf = bufs;
		e->tx_buf = e->rx_buf + NUM_RX * RX_BUF_SIZE;
	}
	rc = e1000_reset(e);
	if (rc < 0)
		return rc;

	/* Link: set link up with auto speed detection, PHY out of reset (SDM 14.3 "General
	 * Configuration"). */
	wr32(e, E1000_CTRL, (rd32(e, E1000_CTRL) | E1000_CTRL_SLU | E1000_CTRL_ASDE) &
	     ~(E1000_CTRL_PHY_RST | E1000_CTRL_ILOS | E1000_CTRL_VME));

	/* Receive address 0 = our MAC (valid), no multicast (SDM 14.4 "Receive Initialization"). */
	wr32(e, E1000_RAL0, get_le32(nd->mac));
	wr32(e, E1000_RAH0, get_le16(nd->mac + 4) | E1000_RAH_AV);
	for (int i = 0; i < 128; i++)
		wr32(e, E1000_MTA + 4 * i, 0);

	/* Receive ring: every descriptor owned by the chip but one (head 0, tail NUM_RX-1). */
	memset(e->rx, 0, NUM_RX * sizeof(*e->rx));
	for (int i = 0; i < NUM_RX; i++)
		e->rx[i].addr = virt_to_bus(e->rx_buf + i * RX_BUF_SIZE);
	barrier();
	wr32(e, E1000_RDBAL, virt_to_bus(e->rx));
	wr32(e, E1000_RDBAH, 0);
	wr32(e, E1000_RDLEN, NUM_RX * sizeof(struct e1000_rx_desc));
	wr32(e, E1000_RDH, 0);
	wr32(e, E1000_RDT, NUM_RX - 1);
	wr32(e, E1000_RDTR, 0);
	e->rx_cur = 0;
	e->rx_tail = NUM_RX - 1;
	e->lent = 0;

	/* Transmit ring: empty (head == tail). */
	memset(e->tx, 0, NUM_TX * sizeof(*e->tx));
	for (int i = 0; i < NUM_TX; i++)
		e->tx[i].addr = virt_to_bus(e->tx_buf + i * TX_BUF_SIZE);
	barrier();
	wr32(e, E1000_TDBAL, virt_to_bus(e->tx));
	wr32(e, E1000_TDBAH, 0);
	wr32(e, E1000_TDLEN, NUM_TX * sizeof(struct e1000_tx_desc));
	wr32(e, E1000_TDH, 0);
	wr32(e, E1000_TDT, 0);
	wr32(e, E1000_TIDV, 0);
	e->tx_cur = 0;

	wr32(e, E1000_TIPG, E1000_TIPG_COPPER);
	wr32(e, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_CT(0x0f) |
	     E1000_TCTL_COLD(0x40) | E1000_TCTL_RTLC);
	wr32(e, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_BSIZE_2048 |
	     E1000_RCTL_SECRC | E1000_RCTL_RDMTS_HALF);
	return 0;
}

static int e1000_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct e1000 *e = nd->priv;
	unsigned i = e->tx_cur;
	volatile struct e1000_tx_desc *d = &e->tx[i];
	uint8_t *buf = e->tx_buf + i * TX_BUF_SIZE;

	if (len > ETH_FRAME_MAX)
		return -E_INVAL;
	if (e->tx_busy[i]) {
		/* RS makes the chip write DD back once it is done with the buffer (SDM 3.3.3,
		 * legacy transmit descriptor status). */
		uint64_t deadline = 0;

		while (!(d->status & E1000_TXD_STAT_DD)) {
			if (!deadline)
				deadline = timer_ms() + TX_TIMEOUT_MS;
			else if (timer_ms() > deadline)
				return -E_TIMEOUT;
			cpu_relax();
		}
		e->tx_busy[i] = false;
	}
	len = netdev_fill_tx(buf, frame, len);
	d->length = (uint16_t)len;
	d->cso = 0;
	d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	d->status = 0;
	d->css = 0;
	d->special = 0;
	barrier();
	e->tx_busy[i] = true;
	e->tx_cur = (i + 1) % NUM_TX;
	wr32(e, E1000_TDT, e->tx_cur);
	return 0;
}

/* Give the chip back what was consumed since the last RDT write, once a batch is free: every
 * descriptor up to the oldest frame still lent, or else up to the last one consumed, which stays
 * ours as the ring's gap (SDM 3.2.6: the chip owns RDH up to RDT-1; RDH == RDT is empty). */
static void rx_give_back(struct e1000 *e)
{
	unsigned target = e->lent ? e->lent_oldest : (e->rx_cur + NUM_RX - 1) % NUM_RX;

	if ((target + NUM_RX - e->rx_tail) % NUM_RX >= RX_RETURN_BATCH) {
		wr32(e, E1000_RDT, target);
		e->rx_tail = target;
	}
}

/* The next frame, in its ring buffer: it stays out of the chip's reach until e1000_rx_return. */
static int e1000_rx_lend(struct netdev *nd, const uint8_t **frame)
{
	struct e1000 *e = nd->priv;
	unsigned i = e->rx_cur;
	volatile struct e1000_rx_desc *d = &e->rx[i];
	uint8_t status = d->status;
	int rc = 0;

	if (!(status & E1000_RXD_STAT_DD))
		return 0;
	barrier();
	/* Frames never span buffers here (2 KiB buffers, LPE off), so EOP is always set; a
	 * frame with errors or one too long for the stack is dropped. */
	if ((status & E1000_RXD_STAT_EOP) && !(d->errors & E1000_RXD_ERR_MASK) &&
	    d->length >= 14 && d->length <= ETH_RXBUF_SIZE) {
		rc = d->length;
		*frame = e->rx_buf + i * RX_BUF_SIZE;
		if (!e->lent++)
			e->lent_oldest = i;
	}
	d->status = 0;
	barrier();
	e->rx_cur = (i + 1) % NUM_RX;
	if (!rc)
		rx_give_back(e);
	return rc;
}

static void e1000_rx_return(struct netdev *nd, const uint8_t *frame)
{
	struct e1000 *e = nd->priv;

	(void)frame;                    /* they come back newest first: only the count matters */
	if (e->lent)
		e->lent--;
	rx_give_back(e);
}

static void e1000_close(struct netdev *nd)
{
	struct e1000 *e = nd->priv;

	e1000_reset(e);                         /* RCTL/TCTL off, then a full reset */
}

static int e1000_link(struct netdev *nd)
{
	struct e1000 *e = nd->priv;

	return (rd32(e, E1000_STATUS) & E1000_STATUS_LU) ? 1 : 0;
}

static const struct netdev_ops e1000_ops = {
	.open = e1000_open,
	.transmit = e1000_transmit,
	.rx_lend = e1000_rx_lend,
	.rx_return = e1000_rx_return,
	.close = e1000_close,
	.link = e1000_link,
};

/* Device IDs of the 82541 and 82547, whose EERD has the other layout (SDM table 13-8). */
static bool is_82541_82547(uint16_t dev)
{
	static const uint16_t ids[] = { 0x1013, 0x1014, 0x1018, 0x1019, 0x101a, 0x1075, 0x1076,
					0x1077, 0x1078, 0x107c };
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		if (ids[i] == dev)
			return true;
	return false;
}

/* 82543 and 82544: no EERD (the SDM marks it reserved there). */
static bool is_82543_82544(uint16_t dev)
{
	return dev == 0x1001 || dev == 0x1004 || dev == 0x1008 || dev == 0x1009 ||
	       dev == 0x100c || dev == 0x100d;
}

static int e1000_probe(struct netdev *nd)
{
	struct e1000 *e = &e1000_state;
	uintptr_t bar = pci_bar_mem(&nd->pci, 0);
	int rc;

	if (!bar)
		return -E_NODEV;
	memset(e, 0, sizeof(*e));
	e->regs = (volatile uint8_t *)bar;
	e->eerd_41 = is_82541_82547(nd->pci.device);
	e->has_eerd = !is_82543_82544(nd->pci.device);
	pci_enable(&nd->pci);
	rc = e1000_reset(e);                    /* stops whatever a PXE ROM left running */
	if (rc < 0)
		return rc;
	rc = e1000_read_mac(e, nd->mac);
	if (rc < 0)
		return rc;
	nd->ops = &e1000_ops;
	nd->rx_frames = NUM_RX - RX_RETURN_BATCH;   /* one slot is the gap, up to a batch unreturned */
	nd->priv = e;
	return 0;
}

static const struct pci_id e1000_ids[] = {
	{ 0x8086, 0x1001, "82543GC" },
	{ 0x8086, 0x1004, "82543GC" },
	{ 0x8086, 0x1008, "82544EI" },
	{ 0x8086, 0x1009, "82544EI" },
	{ 0x8086, 0x100c, "82544GC" },
	{ 0x8086, 0x100d, "82544GC" },
	{ 0x8086, 0x100e, "82540EM" },
	{ 0x8086, 0x100f, "82545EM" },
	{ 0x8086, 0x1010, "82546EB" },
	{ 0x8086, 0x1011, "82545EM" },
	{ 0x8086, 0x1012, "82546EB" },
	{ 0x8086, 0x1013, "82541EI" },
	{ 0x8086, 0x1014, "82541ER" },
	{ 0x8086, 0x1015, "82540EM" },
	{ 0x8086, 0x1016, "82540EP" },
	{ 0x8086, 0x1017, "82540EP" },
	{ 0x8086, 0x1018, "82541EI" },
	{ 0x8086, 0x1019, "82547EI" },
	{ 0x8086, 0x101a, "82547EI" },
	{ 0x8086, 0x101d, "82546EB" },
	{ 0x8086, 0x101e, "82540EP" },
	{ 0x8086, 0x1026, "82545GM" },
	{ 0x8086, 0x1027, "82545GM" },
	{ 0x8086, 0x1028, "82545GM" },
	{ 0x8086, 0x1075, "82547GI" },
	{ 0x8086, 0x1076, "82541GI" },
	{ 0x8086, 0x1077, "82541GI" },
	{ 0x8086, 0x1078, "82541ER" },
	{ 0x8086, 0x1079, "82546GB" },
	{ 0x8086, 0x107a, "82546GB" },
	{ 0x8086, 0x107b, "82546GB" },
	{ 0x8086, 0x107c, "82541PI" },
	{ 0x8086, 0x108a, "82546GB" },
	{ 0x8086, 0x1099, "82546GB" },
	{ 0x8086, 0x10b5, "82546GB" },
};

NIC_DRIVER(e1000_driver) = {
	.name = "e1000",
	.ids = e1000_ids,
	.nids = ARRAY_SIZE(e1000_ids),
	.probe = e1000_probe,
};
