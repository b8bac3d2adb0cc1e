/* virtio_net.h: virtio-net over PCI, legacy (transitional 1af4:1000, I/O BAR0 register block)
 * and modern (1af4:1041, virtio 1.0 vendor capabilities pointing into memory BARs).
 *
 * Source: OASIS "Virtual I/O Device (VIRTIO) Version 1.0" (cs04): 2.1 device status field,
 * 2.2 feature bits, 2.4 virtqueues (2.4.2 legacy layout and alignment, 2.4.5 descriptor table,
 * 2.4.6 available ring, 2.4.8 used ring), 3.1 device initialization, 4.1.4 virtio structure
 * PCI capabilities (4.1.4.3 common configuration, 4.1.4.4 notification, 4.1.4.6 device
 * configuration, 4.1.4.8 legacy interfaces: the I/O register layout), 5.1 network device (5.1.3
 * feature bits, 5.1.4 configuration layout, 5.1.6 the virtio_net_hdr), 6 reserved feature bits
 * (VIRTIO_F_VERSION_1). */
#ifndef OSPREY_VIRTIO_NET_H
#define OSPREY_VIRTIO_NET_H

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE   1
#define VIRTIO_STATUS_DRIVER        2
#define VIRTIO_STATUS_DRIVER_OK     4
#define VIRTIO_STATUS_FEATURES_OK   8
#define VIRTIO_STATUS_NEEDS_RESET   64
#define VIRTIO_STATUS_FAILED        128

/* Feature bits (5.1.3, 6). */
#define VIRTIO_NET_F_MAC            (1u << 5)
#define VIRTIO_NET_F_STATUS         (1u << 16)
#define VIRTIO_F_VERSION_1_HI       (1u << 0)   /* bit 32: bit 0 of the high feature word */

/* Network device configuration (5.1.4): mac[6], then le16 status. */
#define VIRTIO_NET_CFG_MAC          0
#define VIRTIO_NET_CFG_STATUS       6
#define VIRTIO_NET_S_LINK_UP        1

/* Virtqueue numbers (5.1.2). */
#define VIRTIO_NET_RXQ              0
#define VIRTIO_NET_TXQ              1

/* struct virtio_net_hdr (5.1.6): 10 bytes, or 12 with num_buffers, which is present with
 * VIRTIO_F_VERSION_1 (or the legacy MRG_RXBUF, which osprey does not negotiate). All zero on
 * transmit (no checksum offload, no GSO). */
#define VIRTIO_NET_HDR_LEN_LEGACY   10
#define VIRTIO_NET_HDR_LEN_MODERN   12

/* Legacy PCI register block in I/O BAR0 (4.1.4.8). */
#define VIRTIO_PCI_HOST_FEATURES    0x00    /* 32 bit, read */
#define VIRTIO_PCI_GUEST_FEATURES   0x04    /* 32 bit, write */
#define VIRTIO_PCI_QUEUE_PFN        0x08    /* 32 bit: queue physical address >> 12 */
#define VIRTIO_PCI_QUEUE_NUM        0x0c    /* 16 bit, read: queue size (fixed by the device) */
#define VIRTIO_PCI_QUEUE_SEL        0x0e    /* 16 bit */
#define VIRTIO_PCI_QUEUE_NOTIFY     0x10    /* 16 bit: write the queue number */
#define VIRTIO_PCI_STATUS           0x12    /* 8 bit; writing 0 resets */
#define VIRTIO_PCI_ISR              0x13    /* 8 bit, read clears */
#define VIRTIO_PCI_CONFIG           0x14    /* device configuration without MSI-X ... */
#define VIRTIO_PCI_CONFIG_MSIX      0x18    /* ... and with MSI-X enabled */
#define VIRTIO_LEGACY_ALIGN         4096    /* used ring alignment, PFN unit (2.4.2) */

/* Modern: vendor-specific PCI capability (4.1.4). */
#define PCI_CAP_ID_VNDR             0x09
#define PCI_CAP_ID_MSIX             0x11
#define VIRTIO_PCI_CAP_COMMON_CFG   1
#define VIRTIO_PCI_CAP_NOTIFY_CFG   2
#define VIRTIO_PCI_CAP_ISR_CFG      3
#define VIRTIO_PCI_CAP_DEVICE_CFG   4
#define VIRTIO_PCI_CAP_CFG_TYPE     3       /* offsets inside struct virtio_pci_cap */
#define VIRTIO_PCI_CAP_BAR          4
#define VIRTIO_PCI_CAP_OFFSET       8
#define VIRTIO_PCI_CAP_LENGTH       12
#define VIRTIO_PCI_NOTIFY_MULT      16      /* notify_off_multiplier (4.1.4.4) */

/* struct virtio_pci_common_cfg (4.1.4.3). */
#define VIRTIO_COMMON_DFSELECT      0x00    /* le32 device_feature_select */
#define VIRTIO_COMMON_DF            0x04    /* le32 device_feature */
#define VIRTIO_COMMON_GFSELECT      0x08    /* le32 driver_feature_select */
#define VIRTIO_COMMON_GF            0x0c    /* le32 driver_feature */
#define VIRTIO_COMMON_MSIX          0x10    /* le16 msix_config */
#define VIRTIO_COMMON_NUMQ          0x12    /* le16 num_queues */
#define VIRTIO_COMMON_STATUS        0x14    /* u8 device_status */
#define VIRTIO_COMMON_CFGGEN        0x15    /* u8 config_generation */
#define VIRTIO_COMMON_Q_SELECT      0x16    /* le16 */
#define VIRTIO_COMMON_Q_SIZE        0x18    /* le16: max on read, may be lowered */
#define VIRTIO_COMMON_Q_MSIX        0x1a    /* le16 */
#define VIRTIO_COMMON_Q_ENABLE      0x1c    /* le16 */
#define VIRTIO_COMMON_Q_NOFF        0x1e    /* le16 queue_notify_off */
#define VIRTIO_COMMON_Q_DESCLO      0x20    /* le64 queue_desc */
#define VIRTIO_COMMON_Q_DESCHI      0x24
#define VIRTIO_COMMON_Q_AVAILLO     0x28    /* le64 queue_avail (driver area) */
#define VIRTIO_COMMON_Q_AVAILHI     0x2c
#define VIRTIO_COMMON_Q_USEDLO      0x30    /* le64 queue_used (device area) */
#define VIRTIO_COMMON_Q_USEDHI      0x34

/* Split virtqueue structures (2.4.5, 2.4.6, 2.4.8). */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
#define VIRTQ_DESC_F_NEXT           1
#define VIRTQ_DESC_F_WRITE          2       /* device writes (receive buffers) */

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];                        /* then le16 used_event */
};
#define VIRTQ_AVAIL_F_NO_INTERRUPT  1

struct virtq_used_elem {
	uint32_t id;                            /* head descriptor of the chain */
	uint32_t len;                           /* bytes written into the chain */
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];          /* then le16 avail_event */
};
#define VIRTQ_USED_F_NO_NOTIFY      1       /* the device does not need a kick */

#endif
