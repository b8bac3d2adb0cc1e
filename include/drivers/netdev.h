/* netdev.h: what a NIC driver provides (frames in and out, nothing else) and how drivers
 * register themselves (a linker-section table, so configure picks drivers by linking them). */
#ifndef OSPREY_NETDEV_H
#define OSPREY_NETDEV_H

#include "lib/lib.h"
#include "arch/pci.h"
#include "drivers/nic.h"

#define ETH_FRAME_MAX 1514        /* without FCS: what transmit takes and poll returns */
#define ETH_RXBUF_SIZE 1536       /* size of the buffer poll copies into */

struct netdev;

struct netdev_ops {
	/* Reset the chip, set up rings, enable receive and transmit. */
	int (*open)(struct netdev *nd);
	/* Send one frame (14-byte Ethernet header included, 60..1514 bytes: the driver pads short
	 * frames). The driver copies the frame; returns 0, or -E_TIMEOUT/-E_IO. */
	int (*transmit)(struct netdev *nd, const void *frame, size_t len);
	/* Copy one received frame into buf (ETH_RXBUF_SIZE bytes) and return its length (no FCS),
	 * 0 when nothing is waiting, or -E_IO. Never blocks. */
	int (*poll)(struct netdev *nd, void *buf);
	/* Instead of poll (a driver has one or the other): lend the next received frame in the
	 * driver's own buffer (*frame; returns its length, 0 when nothing is waiting) and take it
	 * back once the stack is done with it. Frames come back newest first (a handler may poll
	 * while it holds a frame); until then the chip must not reuse their buffers. */
	int (*rx_lend)(struct netdev *nd, const uint8_t **frame);
	void (*rx_return)(struct netdev *nd, const uint8_t *frame);
	/* Stop DMA and leave the chip quiet (before a kernel starts). */
	void (*close)(struct netdev *nd);
	/* 1: link up, 0: down, -E_NOTSUP: the chip cannot tell. */
	int (*link)(struct netdev *nd);
};

struct netdev {
	const char *driver;           /* "rtl8139" */
	const char *chip;             /* "RTL8139", from the matching ID entry */
	const char *mode;             /* how the driver runs this chip, when it has a choice */
	const struct netdev_ops *ops;
	struct pci_dev pci;
	uint8_t mac[6];
	bool is_open;
	/* Full-size frames the receive side holds before it must drop (set by probe; 0: many).
	 * Windowed protocols size their bursts to fit. */
	uint16_t rx_frames;
	void *priv;                   /* the driver's state */
};

struct pci_id {
	uint16_t vendor, device;
	const char *name;
};

struct nic_driver {
	const char *name;
	const struct pci_id *ids;
	size_t nids;
	/* Claim pci (already matched by ID): enable it, reset the chip, read the MAC, fill nd->ops
	 * and nd->priv. The chip stays quiet until open. Returns 0 or -E_*. */
	int (*probe)(struct netdev *nd);
	/* Drives the NIC through the PXE ROM (undi): matches no ID, is offered only for the ROM's
	 * boot NIC (nic_offer_rom_driver), and the ROM must not be made to let go of the NIC. */
	bool uses_pxe;
};

#define NIC_DRIVER(var)                                                                     \
	static const struct nic_driver var                                                  \
	__attribute__((used, section("osprey_nics"), aligned(sizeof(void *))))

extern const struct nic_driver __start_osprey_nics[], __stop_osprey_nics[];
#define for_each_nic_driver(d) \
	for (const struct nic_driver *d = __start_osprey_nics; d < __stop_osprey_nics; d++)

/* The NIC osprey uses (NULL when none was claimed). Drivers keep one state per driver, so
 * only one NIC is probed and in use at a time; switching NICs probes the new one again. */
extern struct netdev *net_dev;

/* Every network-class function on PCI with the driver matching its IDs (the chip is not
 * touched): nic_count entries on the heap, in PCI order. nic_list_dropped counts NICs left out
 * because the heap could not hold the list (0 in practice; reported by ifconfig --list). */
extern struct nic *nic_list;
extern int nic_count, nic_list_dropped;
/* What the PXE ROM said about its boot NIC (set at start; empty without a ROM). */
extern struct nic_boot_hint nic_boot;
/* Build nic_list by walking PCI (once: later calls keep the list). Returns nic_count. */
int netdev_scan(void);
/* Make nic_list[idx] the NIC in use: close the current one, let idx's driver probe (reset) the
 * chip and read its MAC (recorded in the list). On failure the entry is marked failed, the
 * previous NIC (if any) is taken back, and the rc is returned. The PXE ROM must not be driving
 * the chip any more. */
int netdev_use(int idx);
/* Index of the NIC in use in nic_list, or -1. */
int netdev_in_use(void);
/* The matching driver for a PCI device, or NULL. */
const struct nic_driver *netdev_driver_for(const struct pci_dev *pci, const struct pci_id **id);

/* Close the NIC in use (it reopens on the next frame). */
void netdev_close(void);
/* Close the NIC in use and use none (net_dev NULL): files then go through the PXE ROM. */
void netdev_release(void);
/* The linked driver that runs NICs through the PXE ROM (undi), or NULL. */
const struct nic_driver *netdev_rom_driver(void);

/* What the stack calls (open the device on first use). */
int netdev_transmit(const void *frame, size_t len);
/* The next received frame, lent in the driver's buffer where the driver can (no copy), else
 * copied into buf (ETH_RXBUF_SIZE bytes); *frame says where. Returns its length, 0 when none
 * is waiting, or -E_*. Every frame returned must go back through netdev_rx_done. */
int netdev_rx(void *buf, const uint8_t **frame);
void netdev_rx_done(const uint8_t *frame);

#define ETH_FRAME_MIN 60          /* without FCS: shorter frames are padded with zeros */

/* Copy a frame into a driver's transmit buffer, padded with zeros to the Ethernet minimum;
 * returns the length to hand the chip. */
static inline size_t netdev_fill_tx(void *buf, const void *frame, size_t len)
{
	memcpy(buf, frame, len);
	if (len >= ETH_FRAME_MIN)
		return len;
	memset((uint8_t *)buf + len, 0, ETH_FRAME_MIN - len);
	return ETH_FRAME_MIN;
}

/* Physical address for DMA: osprey runs flat without paging, so it is the pointer itself. */
static inline uint32_t virt_to_bus(const void *p) { return (uint32_t)(uintptr_t)p; }

#endif
