/* eepro100.c: Intel 8255x (82557/8/9, 82550/1, 82562, ICH parts): a ring of transmit command
 * blocks in simplified mode (frame data inside the TCB, each TCB suspends the CU) and a ring of
 * simplified receive frame descriptors with the EL bit following the host; CSRs through the I/O
 * BAR, polled. Register facts are in eepro100.h. */
#include "eepro100.h"
#include "lib/errors.h"
#include "services/heap.h"
#include "arch/io.h"
#include "drivers/netdev.h"
#include "services/timer.h"

#define TX_RING 4
#define RX_RING 64
#define SLOT_SIZE 1536                   /* per TCB / RFD: 16-byte header + frame */
#define RFD_DATA_SIZE (SLOT_SIZE - 16)

struct e100 {
	uint16_t io;
	bool mii;
	uint8_t phy;
	uint8_t *mem;                    /* heap: action block, TCBs, RFDs */
	struct e100_acb *acb;
	unsigned tx_cur, rx_cur;
	bool tx_used[TX_RING];
	bool cu_started;
	bool rx_seen;                    /* a frame was taken since the RU state was last read */
	unsigned idle_polls;             /* empty polls since then */
};

/* Empty polls between reads of the RU state: a register read per empty poll would keep the
 * emulator's lock busy while the frame we wait for is being delivered. */
#define RU_CHECK_POLLS 64

static struct e100 e100_priv;

/* 6.5 "Configure": 22 bytes. Byte 1 FIFO limits, 6/7 discard short frames, underrun retry,
 * byte 8 MII (1) or 503 serial (0), 15 no promiscuous, broadcast on, 18 pad short frames, no CRC
 * transfer, 19 full duplex allowed (FDX pin). */
static const uint8_t e100_config[22] = {
	22, 0x08, 0, 0, 0, 0, 0x32, 0x03, 1, 0, 0x2e, 0, 0x60, 0, 0xf2, 0x48,
	0, 0x40, 0xf2, 0x80, 0x3f, 0x05,
};

static struct e100_tcb *tcb(struct e100 *e, unsigned i)
{
	return (struct e100_tcb *)(e->mem + 64 + i * SLOT_SIZE);
}

static struct e100_rfd *rfd(struct e100 *e, unsigned i)
{
	return (struct e100_rfd *)(e->mem + 64 + (TX_RING + i) * SLOT_SIZE);
}

/* The command byte reads 0 once the previous command was accepted (6.3.2.2). */
static int e100_wait_cmd(struct e100 *e)
{
	uint64_t end;

	if (!inb(e->io + SCB_CMD))
		return 0;
	end = timer_us() + 10000;
	while (inb(e->io + SCB_CMD))
		if (timer_us() > end)
			return -E_TIMEOUT;
	return 0;
}

static int e100_command(struct e100 *e, uint8_t cmd, uint32_t pointer)
{
	if (e100_wait_cmd(e) < 0)
		return -E_TIMEOUT;
	outl(e->io + SCB_POINTER, pointer);
	outb(e->io + SCB_CMD, cmd);
	return 0;
}

/* PORT selective reset (stops CU and RU DMA), then software reset; 10 us each (6.3.3). */
static void e100_reset(struct e100 *e)
{
	outl(e->io + SCB_PORT, PORT_SELECTIVE_RESET);
	udelay(20);
	outl(e->io + SCB_PORT, PORT_SOFTWARE_RESET);
	udelay(20);
	outb(e->io + SCB_INTMASK, INT_MASK_ALL);
	outb(e->io + SCB_STATACK, 0xff);
}

/* Microwire EEPROM: one clock with DI = bit; returns DO sampled while SK is high. */
static int ee_clock(uint16_t port, int bit)
{
	uint16_t v = EE_CS | (bit ? EE_DI : 0);
	int out;

	outw(port, v);
	udelay(2);
	outw(port, v | EE_SK);
	udelay(2);
	out = !!(inw(port) & EE_DO);
	outw(port, v);
	udelay(2);
	return out;
}

/* Read one word. With *abits == 0 the address width is found: the EEPROM drives a dummy 0 on DO
 * after the last address bit (93C46: 6 bits, 93C66: 8 bits). */
static uint16_t ee_read(struct e100 *e, unsigned addr, int *abits)
{
	uint16_t port = e->io + SCB_EEPROM;
	uint16_t v = 0;

	outw(port, EE_CS);
	udelay(2);
	for (int i = 2; i >= 0; i--)
		ee_clock(port, (EE_CMD_READ >> i) & 1);
	if (*abits == 0) {
		int n;

		for (n = 1; n <= 8; n++)
			if (!ee_clock(port, 0))
				break;
		*abits = n > 8 ? 8 : n;
	} else {
		for (int i = *abits - 1; i >= 0; i--)
			ee_clock(port, (addr >> i) & 1);
	}
	for (int i = 0; i < 16; i++)
		v = (uint16_t)(v << 1 | ee_clock(port, 0));
	outw(port, 0);
	udelay(2);
	return v;
}

static int e100_mdi_read(struct e100 *e, unsigned reg)
{
	uint64_t end = timer_us() + 10000;
	uint32_t v;

	outl(e->io + SCB_MDI, MDI_READ | MDI_PHY(e->phy) | MDI_REG(reg));
	while (!((v = inl(e->io + SCB_MDI)) & MDI_READY))
		if (timer_us() > end)
			return -E_TIMEOUT;
	return v & 0xffff;
}

/* Run one action command (IA setup, configure) from the CU idle state and wait for it. */
static int e100_action(struct e100 *e, uint16_t cmd, const void *data, size_t len)
{
	struct e100_acb *a = e->acb;
	uint64_t end;

	a->status = 0;
	a->command = CB_EL | cmd;
	a->link = virt_to_bus(a);
	memcpy(a->data, data, len);
	__asm__ volatile("" ::: "memory");
	if (e100_command(e, CUC_START, virt_to_bus(a)) < 0)
		return -E_TIMEOUT;
	end = timer_ms() + 100;
	while (!(a->status & CB_C))
		if (timer_ms() > end)
			return -E_TIMEOUT;
	return (a->status & CB_OK) ? 0 : -E_IO;
}

static int e100_open(struct netdev *nd)
{
	struct e100 *e = nd->priv;
	uint8_t config[22];
	int rc;

	e100_reset(e);
	/* Flat addressing: CU and RU base 0 (6.3.2.2 "Load CU/RU base"). */
	if (e100_command(e, CUC_LOAD_BASE, 0) < 0 || e100_command(e, RUC_LOAD_BASE, 0) < 0)
		goto err_timeout;

	memcpy(config, e100_config, sizeof(config));
	config[8] = e->mii ? 1 : 0;
	rc = e100_action(e, CB_CMD_CONFIGURE, config, sizeof(config));
	if (rc < 0)
		goto err;
	rc = e100_action(e, CB_CMD_IA_SETUP, nd->mac, 6);
	if (rc < 0)
		goto err;

	for (unsigned i = 0; i < TX_RING; i++) {
		struct e100_tcb *t = tcb(e, i);

		t->status = CB_C;
		t->command = 0;
		t->link = virt_to_bus(tcb(e, (i + 1) % TX_RING));
		t->tbd_array = TCB_NO_TBD;
		e->tx_used[i] = false;
	}
	for (unsigned i = 0; i < RX_RING; i++) {
		struct e100_rfd *r = rfd(e, i);

		r->status = 0;
		r->command = (i == RX_RING - 1) ? CB_EL : 0;
		r->link = virt_to_bus(rfd(e, (i + 1) % RX_RING));
		r->rbd = 0xffffffff;
		r->count = 0;
		r->size = RFD_DATA_SIZE;
	}
	e->tx_cur = e->rx_cur = 0;
	e->cu_started = false;
	__asm__ volatile("" ::: "memory");
	if (e100_command(e, RUC_START, virt_to_bus(rfd(e, 0))) < 0)
		goto err_timeout;
	return 0;

err_timeout:
	rc = -E_TIMEOUT;
err:
	e100_reset(e);
	return rc;
}

static int e100_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct e100 *e = nd->priv;
	unsigned prev = (e->tx_cur + TX_RING - 1) % TX_RING;
	struct e100_tcb *t = tcb(e, e->tx_cur);
	uint64_t end;
	uint8_t cus;

	if (len > ETH_FRAME_MAX)
		return -E_TOOBIG;
	len = netdev_fill_tx(t->data, frame, len);
	t->count = TCB_EOF | len;
	t->threshold = 0xe0;          /* 1792 bytes: whole frame in the FIFO before sending */
	t->tbd_count = 0;
	t->status = 0;
	__asm__ volatile("" ::: "memory");
	t->command = CB_S | CB_CMD_TRANSMIT;

	/* Each TCB suspends the CU. A resume is only taken from the suspended state, so wait for
	 * the previous TCB to finish and the CU to leave the active state (no wait in the usual
	 * case: the previous frame went out long ago). */
	end = timer_us() + 20000;
	for (;;) {
		cus = inb(e->io + SCB_STATUS) & CUS_MASK;
		if ((!e->tx_used[prev] || (tcb(e, prev)->status & CB_C)) &&
		    (cus == CUS_IDLE || cus == CUS_SUSPENDED))
			break;
		if (timer_us() > end)
			return -E_TIMEOUT;
	}
	if (e100_command(e, (cus == CUS_IDLE || !e->cu_started) ? CUC_START : CUC_RESUME,
			 virt_to_bus(t)) < 0)
		return -E_TIMEOUT;
	e->cu_started = true;
	e->tx_used[e->tx_cur] = true;
	e->tx_cur = (e->tx_cur + 1) % TX_RING;
	return 0;
}

static int e100_poll(struct netdev *nd, void *buf)
{
	struct e100 *e = nd->priv;
	struct e100_rfd *r = rfd(e, e->rx_cur);
	struct e100_rfd *prev = rfd(e, (e->rx_cur + RX_RING - 1) % RX_RING);
	uint16_t status = r->status, count;
	int len = 0;

	if (!(status & CB_C)) {
		/* Ring empty. If the RU ran out of RFDs (it stopped at the EL one), every RFD is free
		 * again: restart it at the next one. It can only have run out while frames were
		 * coming, so look right after taking some, else only now and then. */
		if (!e->rx_seen && ++e->idle_polls < RU_CHECK_POLLS)
			return 0;
		e->rx_seen = false;
		e->idle_polls = 0;
		uint8_t rus = inb(e->io + SCB_STATUS) & RUS_MASK;

		if (rus != RUS_READY && !(r->status & CB_C))
			e100_command(e, RUC_START, virt_to_bus(r));
		return 0;
	}
	e->rx_seen = true;
	/* A register read before trusting the RFD: an emulated chip (QEMU) writes status and count
	 * before the frame's data, from another thread; a device register access waits for it to
	 * finish. On a real chip (status written last) it costs one read. */
	(void)inb(e->io + SCB_STATUS);
	__asm__ volatile("" ::: "memory");
	status = r->status;
	count = r->count;
	/* C and OK mean a good frame; EOF/F in the count are not checked (QEMU leaves them 0). */
	if (status & RFD_OK) {
		len = count & RFD_COUNT_MASK;
		if (len < 14 || len > ETH_FRAME_MAX)
			len = 0;
		else
			memcpy(buf, r->data, len);
	}
	/* Give it back as the new end of the list, then move EL off the old end. */
	r->count = 0;
	r->size = RFD_DATA_SIZE;
	r->command = CB_EL;
	__asm__ volatile("" ::: "memory");
	r->status = 0;
	__asm__ volatile("" ::: "memory");
	prev->command = 0;
	e->rx_cur = (e->rx_cur + 1) % RX_RING;
	return len;
}

static void e100_close(struct netdev *nd)
{
	e100_reset(nd->priv);
}

static int e100_link(struct netdev *nd)
{
	struct e100 *e = nd->priv;
	int v;

	if (!e->mii)
		return -E_NOTSUP;
	e100_mdi_read(e, MII_BMSR);           /* the link bit latches low: read twice */
	v = e100_mdi_read(e, MII_BMSR);
	if (v < 0)
		return v;
	return (v & BMSR_LINK) ? 1 : 0;
}

static const struct netdev_ops e100_ops = {
	.open = e100_open,
	.transmit = e100_transmit,
	.poll = e100_poll,
	.close = e100_close,
	.link = e100_link,
};

static int e100_probe(struct netdev *nd)
{
	struct e100 *e = &e100_priv;
	uint16_t io = pci_bar_io(&nd->pci, 1);
	int abits = 0;
	uint16_t w;

	uint8_t *mem = e->mem;            /* kept across probes */

	if (!io)
		return -E_NODEV;
	pci_enable(&nd->pci);
	memset(e, 0, sizeof(*e));
	e->io = io;
	e->mem = mem;
	e100_reset(e);

	ee_read(e, 0, &abits);                /* finds the address width */
	for (int i = 0; i < 3; i++) {
		w = ee_read(e, i, &abits);
		nd->mac[2 * i] = w & 0xff;
		nd->mac[2 * i + 1] = w >> 8;
	}
	w = ee_read(e, EE_WORD_PHY, &abits);
	e->mii = !(w & EE_PHY_NO_MII);
	e->phy = w & 0x1f;
	if ((nd->mac[0] & 1) || !(nd->mac[0] | nd->mac[1] | nd->mac[2] | nd->mac[3] | nd->mac[4] |
				 nd->mac[5]))
		return -E_IO;                 /* no EEPROM answered */

	if (!e->mem)
		e->mem = heap_alloc(64 + (TX_RING + RX_RING) * SLOT_SIZE, 16);
	if (!e->mem)
		return -E_NOMEM;
	e->acb = (struct e100_acb *)e->mem;
	nd->ops = &e100_ops;
	nd->rx_frames = RX_RING;
	nd->priv = e;
	return 0;
}

/* 8255x device IDs (the Linux e100 table's): 82557/8/9 (1229), 82559ER/82551/82562 (1209),
 * 82559 InBusiness (1030) and the ICH2-ICH8 integrated 82562 parts. */
static const struct pci_id e100_ids[] = {
	{ 0x8086, 0x1229, "82557/8/9" },
	{ 0x8086, 0x1209, "82559ER/82551" },
	{ 0x8086, 0x1029, "82559" },
	{ 0x8086, 0x1030, "82559 InBusiness" },
	{ 0x8086, 0x1031, "82801CAM (ICH3)" }, { 0x8086, 0x1032, "82801CAM (ICH3)" },
	{ 0x8086, 0x1033, "82801CAM (ICH3)" }, { 0x8086, 0x1034, "82801CAM (ICH3)" },
	{ 0x8086, 0x1035, "82801CAM (ICH3)" }, { 0x8086, 0x1036, "82801CAM (ICH3)" },
	{ 0x8086, 0x1037, "82801CAM (ICH3)" }, { 0x8086, 0x1038, "82801CAM (ICH3)" },
	{ 0x8086, 0x1039, "82801DB (ICH4)" }, { 0x8086, 0x103a, "82801DB (ICH4)" },
	{ 0x8086, 0x103b, "82801DB (ICH4)" }, { 0x8086, 0x103c, "82801DB (ICH4)" },
	{ 0x8086, 0x103d, "82801DB (ICH4)" }, { 0x8086, 0x103e, "82801DB (ICH4)" },
	{ 0x8086, 0x1050, "82801EB (ICH5)" }, { 0x8086, 0x1051, "82801EB (ICH5)" },
	{ 0x8086, 0x1052, "82801EB (ICH5)" }, { 0x8086, 0x1053, "82801EB (ICH5)" },
	{ 0x8086, 0x1054, "82801EB (ICH5)" }, { 0x8086, 0x1055, "82801EB (ICH5)" },
	{ 0x8086, 0x1056, "82801EB (ICH5)" }, { 0x8086, 0x1057, "82801EB (ICH5)" },
	{ 0x8086, 0x1059, "82551QM" },
	{ 0x8086, 0x1064, "82562ET (ICH6)" }, { 0x8086, 0x1065, "82562ET (ICH6)" },
	{ 0x8086, 0x1066, "82562 (ICH6)" }, { 0x8086, 0x1067, "82562 (ICH6)" },
	{ 0x8086, 0x1068, "82562ET (ICH6)" }, { 0x8086, 0x1069, "82562EM (ICH6)" },
	{ 0x8086, 0x106a, "82562G (ICH6)" }, { 0x8086, 0x106b, "82562G (ICH6)" },
	{ 0x8086, 0x1091, "82562GX (ICH7)" }, { 0x8086, 0x1092, "82562G (ICH7)" },
	{ 0x8086, 0x1093, "82562GT (ICH7)" }, { 0x8086, 0x1094, "82562GZ (ICH7)" },
	{ 0x8086, 0x1095, "82562 (ICH7)" },
	{ 0x8086, 0x2449, "82801BA (ICH2)" },
	{ 0x8086, 0x2459, "82801E" },
	{ 0x8086, 0x245d, "82801E" },
	{ 0x8086, 0x27dc, "82801G (ICH7)" },
};

NIC_DRIVER(eepro100_driver) = {
	.name = "eepro100",
	.ids = e100_ids,
	.nids = ARRAY_SIZE(e100_ids),
	.probe = e100_probe,
};
