/* virtio_net.c: virtio-net on PCI: legacy virtio-pci (the transitional 1af4:1000, register
 * block in I/O BAR0) and modern virtio 1.0 (1af4:1041, structures found through vendor PCI
 * capabilities in memory BARs). Register facts are in virtio_net.h (virtio 1.0 spec).
 *
 * Features negotiated: VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS, and VIRTIO_F_VERSION_1 (modern,
 * required there). Each frame is a two-descriptor chain, virtio_net_hdr then data, which is
 * the layout legacy devices require without VIRTIO_F_ANY_LAYOUT (5.1.6.6). The rings and
 * buffers come from the heap at the first open: up to 128 receive buffers (as many as the queue
 * holds chains; QEMU's queues have 256 entries) and 16 transmit buffers; the rings use the legacy
 * layout (used ring 4 KiB aligned), which also satisfies the modern alignment. The receive
 * buffers hold a TCP window's worth of frames: on QEMU, whose main loop refills them only when
 * it gets a host CPU, 32 held HTTP from nginx near the rate of an idle guest's polling.
 * Received frames are lent to the stack in their buffers (no copy); a chain goes back to the
 * device when the stack returns its frame. */
#include "lib/errors.h"
#include "services/heap.h"
#include "arch/io.h"
#include "drivers/netdev.h"
#include "services/timer.h"
#include "virtio_net.h"

#define RX_SLOTS 128
#define TX_SLOTS 16
#define BUF_SIZE 1536           /* one frame (1514, a VLAN tag fits too) */
#define HDR_SLOT 16             /* room for either header size */
#define MODERN_QSIZE_MAX 256    /* modern queues may be shrunk; legacy ones are what they are */
#define RESET_TIMEOUT_MS 100
#define TX_TIMEOUT_MS 100

#define barrier() __asm__ volatile("" : : : "memory")

struct vq {
	unsigned num;                   /* queue size (power of two) */
	unsigned slots;                 /* buffers in use: at most num / 2 chains */
	void *mem;                      /* desc | avail | (4 KiB aligned) used */
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	uint16_t avail_idx;             /* our copy of avail->idx */
	uint16_t last_used;             /* used entries consumed so far */
	volatile uint16_t *notify;      /* modern notify address */
	uint8_t *hdr;                   /* slots x HDR_SLOT */
	uint8_t *buf;                   /* slots x BUF_SIZE */
};

struct vnet {
	bool modern;
	uint16_t io;                    /* legacy */
	uint16_t cfg_io;                /* legacy device config (0x14, or 0x18 with MSI-X on) */
	volatile uint8_t *common, *device, *notify_base;   /* modern */
	uint32_t notify_mult;
	uint32_t features;              /* negotiated, low word */
	unsigned hdr_len;
	struct vq rx, tx;
	unsigned tx_next;
	bool tx_busy[TX_SLOTS];
};

static struct vnet vnet_state;

/* ---- the two transports ---- */

typedef volatile uint8_t *mmio_t;
#define MMIO(type, b, off) (*(volatile type *)((b) + (off)))

static inline uint8_t mmio_rd8(mmio_t b, unsigned off) { return MMIO(uint8_t, b, off); }
static inline uint16_t mmio_rd16(mmio_t b, unsigned off) { return MMIO(uint16_t, b, off); }
static inline uint32_t mmio_rd32(mmio_t b, unsigned off) { return MMIO(uint32_t, b, off); }
static inline void mmio_wr8(mmio_t b, unsigned off, uint8_t v) { MMIO(uint8_t, b, off) = v; }
static inline void mmio_wr16(mmio_t b, unsigned off, uint16_t v) { MMIO(uint16_t, b, off) = v; }
static inline void mmio_wr32(mmio_t b, unsigned off, uint32_t v) { MMIO(uint32_t, b, off) = v; }

static uint8_t vn_get_status(struct vnet *v)
{
	return v->modern ? mmio_rd8(v->common, VIRTIO_COMMON_STATUS) : inb(v->io + VIRTIO_PCI_STATUS);
}

static void vn_set_status(struct vnet *v, uint8_t s)
{
	if (v->modern)
		mmio_wr8(v->common, VIRTIO_COMMON_STATUS, s);
	else
		outb(v->io + VIRTIO_PCI_STATUS, s);
}

static uint8_t vn_cfg8(struct vnet *v, unsigned off)
{
	return v->modern ? mmio_rd8(v->device, off) : inb(v->cfg_io + off);
}

/* Writing 0 to the status resets the device; a modern device reads 0 once done (4.1.4.3.2). */
static int vn_reset(struct vnet *v)
{
	uint64_t deadline = timer_ms() + RESET_TIMEOUT_MS;

	vn_set_status(v, 0);
	while (vn_get_status(v) != 0) {
		if (timer_ms() > deadline)
			return -E_TIMEOUT;
		udelay(10);
	}
	for (int i = 0; i < TX_SLOTS; i++)
		v->tx_busy[i] = false;
	return 0;
}

/* Steps 1-6 of 3.1.1: reset, ACKNOWLEDGE, DRIVER, features (and FEATURES_OK on modern). */
static int vn_negotiate(struct vnet *v)
{
	uint32_t want = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS;
	int rc = vn_reset(v);

	if (rc < 0)
		return rc;
	vn_set_status(v, VIRTIO_STATUS_ACKNOWLEDGE);
	vn_set_status(v, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	if (v->modern) {
		uint32_t lo, hi;

		mmio_wr32(v->common, VIRTIO_COMMON_DFSELECT, 0);
		lo = mmio_rd32(v->common, VIRTIO_COMMON_DF);
		mmio_wr32(v->common, VIRTIO_COMMON_DFSELECT, 1);
		hi = mmio_rd32(v->common, VIRTIO_COMMON_DF);
		if (!(hi & VIRTIO_F_VERSION_1_HI))
			goto err_features;
		v->features = lo & want;
		mmio_wr32(v->common, VIRTIO_COMMON_GFSELECT, 0);
		mmio_wr32(v->common, VIRTIO_COMMON_GF, v->features);
		mmio_wr32(v->common, VIRTIO_COMMON_GFSELECT, 1);
		mmio_wr32(v->common, VIRTIO_COMMON_GF, VIRTIO_F_VERSION_1_HI);
		vn_set_status(v, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			      VIRTIO_STATUS_FEATURES_OK);
		if (!(vn_get_status(v) & VIRTIO_STATUS_FEATURES_OK))
			goto err_features;
		v->hdr_len = VIRTIO_NET_HDR_LEN_MODERN;
	} else {
		v->features = inl(v->io + VIRTIO_PCI_HOST_FEATURES) & want;
		outl(v->io + VIRTIO_PCI_GUEST_FEATURES, v->features);
		v->hdr_len = VIRTIO_NET_HDR_LEN_LEGACY;
	}
	return 0;

err_features:
	vn_set_status(v, VIRTIO_STATUS_FAILED);
	return -E_NOTSUP;
}

/* Bytes of a split ring of num entries in the legacy layout (2.4.2). */
static size_t vq_bytes(unsigned num)
{
	return ALIGN_UP(16 * num + 6 + 2 * num, VIRTIO_LEGACY_ALIGN) +
	       ALIGN_UP(6 + 8 * num, VIRTIO_LEGACY_ALIGN);
}

/* Select queue qi, size it, give its memory to the device (step 7 of 3.1.1). The memory is
 * allocated on the first open and kept: a later open finds the same size. */
static int vq_setup(struct vnet *v, struct vq *q, unsigned qi, unsigned slots)
{
	unsigned num;

	if (v->modern) {
		mmio_wr16(v->common, VIRTIO_COMMON_Q_SELECT, (uint16_t)qi);
		num = mmio_rd16(v->common, VIRTIO_COMMON_Q_SIZE);
		if (num > MODERN_QSIZE_MAX)
			num = MODERN_QSIZE_MAX;
		while (num & (num - 1))         /* split rings: a power of two */
			num &= num - 1;
	} else {
		outw(v->io + VIRTIO_PCI_QUEUE_SEL, (uint16_t)qi);
		num = inw(v->io + VIRTIO_PCI_QUEUE_NUM);
	}
	if (num < 2)
		return -E_IO;
	if (q->mem && q->num != num)
		return -E_IO;                   /* the device changed its mind: give up */
	if (!q->mem) {
		size_t ring = vq_bytes(num);

		q->slots = MIN(slots, num / 2);
		q->mem = heap_alloc(ring + q->slots * (HDR_SLOT + BUF_SIZE), VIRTIO_LEGACY_ALIGN);
		if (!q->mem)
			return -E_NOMEM;
		q->num = num;
		q->desc = q->mem;
		q->avail = (volatile struct virtq_avail *)((uint8_t *)q->mem + 16 * num);
		q->used = (volatile struct virtq_used *)((uint8_t *)q->mem +
			  ALIGN_UP(16 * num + 6 + 2 * num, VIRTIO_LEGACY_ALIGN));
		q->hdr = (uint8_t *)q->mem + ring;
		q->buf = q->hdr + q->slots * HDR_SLOT;
	}
	memset(q->mem, 0, vq_bytes(num) + q->slots * HDR_SLOT);
	q->avail_idx = 0;
	q->last_used = 0;
	/* Chain i: descriptor 2i (the header) -> 2i+1 (the frame). */
	for (unsigned i = 0; i < q->slots; i++) {
		q->desc[2 * i].addr = virt_to_bus(q->hdr + i * HDR_SLOT);
		q->desc[2 * i].len = v->hdr_len;
		q->desc[2 * i].flags = VIRTQ_DESC_F_NEXT;
		q->desc[2 * i].next = (uint16_t)(2 * i + 1);
		q->desc[2 * i + 1].addr = virt_to_bus(q->buf + i * BUF_SIZE);
		q->desc[2 * i + 1].len = BUF_SIZE;
		q->desc[2 * i + 1].flags = 0;
	}
	q->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;   /* polling: no interrupts wanted */
	barrier();

	if (v->modern) {
		uint32_t desc = virt_to_bus((const void *)q->desc);
		uint32_t avail = virt_to_bus((const void *)q->avail);
		uint32_t used = virt_to_bus((const void *)q->used);

		mmio_wr16(v->common, VIRTIO_COMMON_Q_SIZE, (uint16_t)num);
		mmio_wr32(v->common, VIRTIO_COMMON_Q_DESCLO, desc);
		mmio_wr32(v->common, VIRTIO_COMMON_Q_DESCHI, 0);
		mmio_wr32(v->common, VIRTIO_COMMON_Q_AVAILLO, avail);
		mmio_wr32(v->common, VIRTIO_COMMON_Q_AVAILHI, 0);
		mmio_wr32(v->common, VIRTIO_COMMON_Q_USEDLO, used);
		mmio_wr32(v->common, VIRTIO_COMMON_Q_USEDHI, 0);
		q->notify = (volatile uint16_t *)(v->notify_base +
			    mmio_rd16(v->common, VIRTIO_COMMON_Q_NOFF) * v->notify_mult);
		mmio_wr16(v->common, VIRTIO_COMMON_Q_ENABLE, 1);
	} else {
		outl(v->io + VIRTIO_PCI_QUEUE_PFN, virt_to_bus(q->mem) / VIRTIO_LEGACY_ALIGN);
	}
	return 0;
}

/* Notify the device about queue qi (4.1.4.4 modern, 4.1.4.8 legacy). */
static inline void vq_kick(struct vnet *v, struct vq *q, unsigned qi)
{
	barrier();
	if (v->modern)
		*q->notify = (uint16_t)qi;
	else
		outw(v->io + VIRTIO_PCI_QUEUE_NOTIFY, (uint16_t)qi);
}

/* Offer chain head to the device (2.4.6); the caller kicks. */
static inline void vq_add(struct vq *q, uint16_t head)
{
	q->avail->ring[q->avail_idx & (q->num - 1)] = head;
	barrier();                              /* entry before index (2.4.6 / 3.2.1.3) */
	q->avail->idx = ++q->avail_idx;
}

/* ---- netdev operations ---- */

static int vn_open(struct netdev *nd)
{
	struct vnet *v = nd->priv;
	int rc = vn_negotiate(v);

	if (rc < 0)
		return rc;
	rc = vq_setup(v, &v->rx, VIRTIO_NET_RXQ, RX_SLOTS);
	if (rc < 0)
		goto err;
	nd->rx_frames = (uint16_t)v->rx.slots;  /* a small queue holds fewer than RX_SLOTS */
	rc = vq_setup(v, &v->tx, VIRTIO_NET_TXQ, TX_SLOTS);
	if (rc < 0)
		goto err;
	for (unsigned i = 0; i < v->rx.slots; i++) {
		v->rx.desc[2 * i].flags = VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE;
		v->rx.desc[2 * i + 1].flags = VIRTQ_DESC_F_WRITE;
		vq_add(&v->rx, (uint16_t)(2 * i));
	}
	v->tx_next = 0;
	vn_set_status(v, vn_get_status(v) | VIRTIO_STATUS_DRIVER_OK);
	vq_kick(v, &v->rx, VIRTIO_NET_RXQ);
	return 0;

err:
	vn_set_status(v, VIRTIO_STATUS_FAILED);
	return rc;
}

/* Take back every transmit chain the device has finished with. */
static void vn_tx_reclaim(struct vnet *v)
{
	struct vq *q = &v->tx;

	while (q->used->idx != q->last_used) {
		barrier();
		uint32_t id = q->used->ring[q->last_used & (q->num - 1)].id;

		if (id / 2 < TX_SLOTS)
			v->tx_busy[id / 2] = false;
		q->last_used++;
	}
}

static int vn_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct vnet *v = nd->priv;
	struct vq *q = &v->tx;
	unsigned i = v->tx_next;
	uint8_t *buf = q->buf + i * BUF_SIZE;

	if (len > ETH_FRAME_MAX)
		return -E_INVAL;
	if (v->tx_busy[i]) {
		uint64_t deadline = 0;

		for (;;) {
			vn_tx_reclaim(v);
			if (!v->tx_busy[i])
				break;
			if (!deadline)
				deadline = timer_ms() + TX_TIMEOUT_MS;
			else if (timer_ms() > deadline)
				return -E_TIMEOUT;
			cpu_relax();
		}
	}
	/* The header stays all zero: no offloads (5.1.6.2). */
	len = netdev_fill_tx(buf, frame, len);
	q->desc[2 * i + 1].len = (uint32_t)len;
	v->tx_busy[i] = true;
	v->tx_next = (i + 1) % q->slots;
	vq_add(q, (uint16_t)(2 * i));
	/* Always kick on transmit: the spec allows it, and skipping the kick while the device
	 * sets VIRTQ_USED_F_NO_NOTIFY left frames waiting on QEMU's deferred transmit (TFTP
	 * measured 17 MiB/s with the skip, 35 MiB/s without). */
	vq_kick(v, q, VIRTIO_NET_TXQ);
	return 0;
}

/* Offer a lent frame's chain to the device again (any order will do: each is its own chain). */
static void vn_rx_return(struct netdev *nd, const uint8_t *frame)
{
	struct vnet *v = nd->priv;
	struct vq *q = &v->rx;

	vq_add(q, (uint16_t)(2 * ((size_t)(frame - q->buf) / BUF_SIZE)));
	/* A receive queue with buffers left needs no kick: honour the device's hint (2.4.7). */
	if (!(q->used->flags & VIRTQ_USED_F_NO_NOTIFY))
		vq_kick(v, q, VIRTIO_NET_RXQ);
}

/* The next frame, in its receive buffer (after the virtio header): the chain goes back to the
 * device in vn_rx_return, so a handler may hold it while it polls for others. */
static int vn_rx_lend(struct netdev *nd, const uint8_t **frame)
{
	struct vnet *v = nd->priv;
	struct vq *q = &v->rx;
	uint32_t id, len;

	if (q->used->idx == q->last_used)
		return 0;
	barrier();
	id = q->used->ring[q->last_used & (q->num - 1)].id;
	len = q->used->ring[q->last_used & (q->num - 1)].len;
	q->last_used++;
	if (id % 2 || id / 2 >= q->slots)
		return -E_IO;                   /* not a chain we offered */
	*frame = q->buf + (id / 2) * BUF_SIZE;
	if (len >= v->hdr_len + 14 && len - v->hdr_len <= ETH_RXBUF_SIZE)
		return (int)(len - v->hdr_len);
	vn_rx_return(nd, *frame);               /* too short or too long: dropped */
	return 0;
}

static void vn_close(struct netdev *nd)
{
	vn_reset(nd->priv);                     /* the device forgets the queues: no more DMA */
}

static int vn_link(struct netdev *nd)
{
	struct vnet *v = nd->priv;

	if (!(v->features & VIRTIO_NET_F_STATUS))
		return -E_NOTSUP;
	return (vn_cfg8(v, VIRTIO_NET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP) ? 1 : 0;
}

static const struct netdev_ops vn_ops = {
	.open = vn_open,
	.transmit = vn_transmit,
	.rx_lend = vn_rx_lend,
	.rx_return = vn_rx_return,
	.close = vn_close,
	.link = vn_link,
};

/* Find the modern structures through the vendor capabilities (4.1.4). */
static int vn_find_modern(struct vnet *v, const struct pci_dev *pci)
{
	uint8_t pos;

	if (!(pci_read16(pci, PCI_STATUS) & 0x10))      /* no capability list */
		return -E_NODEV;
	pos = pci_read8(pci, PCI_CAPABILITY_LIST) & 0xfc;
	for (int n = 0; pos && n < 48; n++) {
		if (pci_read8(pci, pos) == PCI_CAP_ID_VNDR) {
			uint8_t type = pci_read8(pci, pos + VIRTIO_PCI_CAP_CFG_TYPE);
			uint8_t bar = pci_read8(pci, pos + VIRTIO_PCI_CAP_BAR);
			uint32_t off = pci_read32(pci, pos + VIRTIO_PCI_CAP_OFFSET);
			uintptr_t base = bar < 6 ? pci_bar_mem(pci, bar) : 0;
			volatile uint8_t *p = (volatile uint8_t *)(base + off);

			/* The first capability of each type is the preferred one (4.1.4). */
			if (base && type == VIRTIO_PCI_CAP_COMMON_CFG && !v->common)
				v->common = p;
			else if (base && type == VIRTIO_PCI_CAP_DEVICE_CFG && !v->device)
				v->device = p;
			else if (base && type == VIRTIO_PCI_CAP_NOTIFY_CFG && !v->notify_base) {
				v->notify_base = p;
				v->notify_mult = pci_read32(pci, pos + VIRTIO_PCI_NOTIFY_MULT);
			}
		}
		pos = pci_read8(pci, pos + 1) & 0xfc;
	}
	return v->common && v->device && v->notify_base ? 0 : -E_NODEV;
}

static int vn_probe(struct netdev *nd)
{
	struct vnet *v = &vnet_state;
	int rc;

	memset(v, 0, sizeof(*v));
	v->modern = nd->pci.device >= 0x1040;
	if (v->modern) {
		rc = vn_find_modern(v, &nd->pci);
		if (rc < 0)
			return rc;
	} else {
		uint8_t msix = pci_find_capability(&nd->pci, PCI_CAP_ID_MSIX);

		v->io = pci_bar_io(&nd->pci, 0);
		if (!v->io)
			return -E_NODEV;
		/* The device configuration moves by 4 bytes while MSI-X is on (4.1.4.8). */
		v->cfg_io = v->io + ((msix && (pci_read16(&nd->pci, msix + 2) & 0x8000)) ?
				     VIRTIO_PCI_CONFIG_MSIX : VIRTIO_PCI_CONFIG);
	}
	pci_enable(&nd->pci);
	rc = vn_negotiate(v);                   /* also resets what a PXE ROM left running */
	if (rc < 0)
		return rc;
	if (v->features & VIRTIO_NET_F_MAC) {
		for (int i = 0; i < 6; i++)
			nd->mac[i] = vn_cfg8(v, VIRTIO_NET_CFG_MAC + i);
	} else {
		/* No address from the device: make up a locally administered one (5.1.5). */
		uint64_t t = rdtsc();

		nd->mac[0] = 0x02;
		for (int i = 1; i < 6; i++)
			nd->mac[i] = (uint8_t)(t >> (8 * i));
	}
	vn_reset(v);                            /* quiet until open */
	nd->ops = &vn_ops;
	nd->rx_frames = RX_SLOTS;
	nd->priv = v;
	return 0;
}

static const struct pci_id vn_ids[] = {
	{ 0x1af4, 0x1000, "virtio-net (legacy)" },
	{ 0x1af4, 0x1041, "virtio-net (modern)" },
};

NIC_DRIVER(virtio_net_driver) = {
	.name = "virtio-net",
	.ids = vn_ids,
	.nids = ARRAY_SIZE(vn_ids),
	.probe = vn_probe,
};
