/* rtl8139.h: Realtek RTL8139 (and the 8139-compatible 8138, D-Link DFE-538TX 1186:1300,
 * Accton EN1207D 1113:1211) registers.
 *
 * Sources: Realtek "RTL8139(A/B)/RTL8139C(L)/RTL8139D(L) Single-Chip Fast Ethernet Controller"
 * datasheet, section 6 "Register Descriptions" (the I/O register map; the offsets are the
 * same in I/O and memory space) and its subsections 6.1 "Receive Status Register in Rx Packet
 * Header" and 6.2 "Transmit Status Register"; Realtek "RTL8139(A/B) Programming guide" V0.1,
 * part 1 "Packet Transmission" (four TSD/TSAD descriptor pairs used round robin) and part 2
 * "Packet Reception" (ring buffer, CAPR/CBR, packet header). */
#ifndef OSPREY_RTL8139_H
#define OSPREY_RTL8139_H

/* Register offsets from BAR0 (I/O space), datasheet §6, table "Register Descriptions". */
#define RTL_IDR0        0x00    /* station MAC (6 bytes), loaded from the EEPROM */
#define RTL_MAR0        0x08    /* multicast hash filter (8 bytes) */
#define RTL_TSD0        0x10    /* transmit status of descriptor 0..3 (4 x 32 bit) */
#define RTL_TSAD0       0x20    /* transmit start address of descriptor 0..3 (4 x 32 bit) */
#define RTL_RBSTART     0x30    /* receive (ring) buffer start address, 32 bit */
#define RTL_CR          0x37    /* command register, 8 bit */
#define RTL_CAPR        0x38    /* current address of packet read (driver's read pointer), 16 bit */
#define RTL_CBR         0x3a    /* current buffer address (chip's write pointer), 16 bit */
#define RTL_IMR         0x3c    /* interrupt mask, 16 bit */
#define RTL_ISR         0x3e    /* interrupt status, 16 bit, write 1 to clear */
#define RTL_TCR         0x40    /* transmit configuration, 32 bit */
#define RTL_RCR         0x44    /* receive configuration, 32 bit */
#define RTL_MPC         0x4c    /* missed packet counter, 24 bit, write clears */
#define RTL_9346CR      0x50    /* 93C46 command register: config write enable */
#define RTL_CONFIG1     0x52
#define RTL_MSR         0x58    /* media status, 8 bit */
#define RTL_BMCR        0x62    /* basic mode control (MII register 0), 16 bit */
#define RTL_BMSR        0x64    /* basic mode status (MII register 1), 16 bit */

#define RTL_NTX         4       /* transmit descriptors (TSD0-3/TSAD0-3), programming guide 1(1) */

/* CR bits (§6, "Command Register"). */
#define RTL_CR_RST      0x10    /* software reset; reads 1 until the reset is done */
#define RTL_CR_RE       0x08    /* receiver enable */
#define RTL_CR_TE       0x04    /* transmitter enable */
#define RTL_CR_BUFE     0x01    /* receive buffer empty (read only) */

/* ISR/IMR bits (§6, "Interrupt Status Register"). */
#define RTL_INT_ROK     0x0001
#define RTL_INT_RER     0x0002
#define RTL_INT_TOK     0x0004
#define RTL_INT_TER     0x0008
#define RTL_INT_RXOVW   0x0010  /* receive buffer overflow */
#define RTL_INT_PUN     0x0020  /* packet underrun / link change */
#define RTL_INT_FOVW    0x0040  /* receive FIFO overflow */
#define RTL_INT_ALL     0xe07f

/* TSD bits (§6.2 "Transmit Status Register"). */
#define RTL_TSD_SIZE    0x00001fff      /* bytes to send (up to 1792) */
#define RTL_TSD_OWN     0x00002000      /* 1: DMA of the buffer into the FIFO completed; the
                                         * driver writes 0 (with the size) to start */
#define RTL_TSD_TUN     0x00004000      /* transmit FIFO underrun */
#define RTL_TSD_TOK     0x00008000      /* transmitted */
/* Early transmit threshold, in 32-byte units (0 means 8 bytes). */
#define RTL_TSD_ERTXTH(n) ((uint32_t)((n) / 32) << 16)
#define RTL_TSD_TABT    0x40000000      /* transmit aborted */

/* TCR (§6, "Transmit Configuration Register"). */
#define RTL_TCR_MXDMA_2048 (7u << 8)    /* max DMA burst: unlimited (2048) */
#define RTL_TCR_IFG_STD    (3u << 24)   /* 9.6 us / 960 ns interframe gap (802.3) */

/* RCR (§6, "Receive Configuration Register"). */
#define RTL_RCR_AAP     0x00000001      /* accept all packets (promiscuous) */
#define RTL_RCR_APM     0x00000002      /* accept physical match (our MAC) */
#define RTL_RCR_AM      0x00000004      /* accept multicast */
#define RTL_RCR_AB      0x00000008      /* accept broadcast */
#define RTL_RCR_WRAP    0x00000080      /* 1: write a packet past the ring end instead of wrapping
                                         * (the buffer needs 1.5 KiB slack); ignored for 64K */
#define RTL_RCR_MXDMA_UNLIM (7u << 8)   /* max receive DMA burst: unlimited */
#define RTL_RCR_RBLEN_8K  (0u << 11)    /* ring size 8K + 16 */
#define RTL_RCR_RBLEN_16K (1u << 11)    /* 16K + 16 */
#define RTL_RCR_RBLEN_32K (2u << 11)    /* 32K + 16 */
#define RTL_RCR_RXFTH_NONE (7u << 13)   /* no receive FIFO threshold: DMA whole packets */

/* Receive packet header (§6.1): status word then length word (the length includes the 4-byte
 * CRC); the packet follows; the next header starts at the next 4-byte boundary. */
#define RTL_RXS_ROK     0x0001
#define RTL_RXS_FAE     0x0002
#define RTL_RXS_CRC     0x0004
#define RTL_RXS_LONG    0x0008
#define RTL_RXS_RUNT    0x0010
#define RTL_RXS_ISE     0x0020
#define RTL_RX_HDR      4
/* CAPR is kept 16 bytes behind the real read offset (programming guide 2; every driver since
 * Donald Becker's subtracts 16). */
#define RTL_CAPR_BIAS   16

/* 9346CR modes (§6): 0xc0 unlocks CONFIG registers for writing, 0x00 is normal operation. */
#define RTL_9346_UNLOCK 0xc0
#define RTL_9346_NORMAL 0x00

/* MSR bit (§6, "Media Status Register"): LINKB is 1 when the link has FAILED (inverse). */
#define RTL_MSR_LINKB   0x04
/* BMSR bit (§6, "Basic Mode Status Register"): link status, 1 = valid link. */
#define RTL_BMSR_LINK   0x0004

/* TCR hardware version (§6 TCR bits 30:26 HWVERID_A and 23:22 HWVERID_B): 0x74800000 is the
 * RTL8139C+, the one member with descriptor-based "C+ mode" (Linux 8139cp takes PCI revision
 * 0x20 and up, 8139too the rest; QEMU's rtl8139 is a C+ and reports exactly this). */
#define RTL_TCR_HWVER_MASK  0x7cc00000
#define RTL_TCR_HWVER_CPLUS 0x74800000

/* C+ mode (RTL8139C+ datasheet §6.33 "C+ Command Register" and the descriptor chapter; the
 * same layout Linux 8139cp.c uses). The transmit ring address takes the place of TSAD0/1. */
#define RTL_TNPDS_LO    0x20    /* transmit normal-priority descriptor ring, low 32 bits */
#define RTL_TNPDS_HI    0x24
#define RTL_TPPOLL      0xd9    /* transmit poll, 8 bit */
#define RTL_TPPOLL_NPQ  0x40    /* look at the normal-priority ring now */
#define RTL_CPCR        0xe0    /* C+ command, 16 bit */
#define RTL_CPCR_TXEN   0x0001  /* C+ transmit (descriptors) */
#define RTL_CPCR_RXEN   0x0002  /* C+ receive (descriptors) */
#define RTL_CPCR_MULRW  0x0008  /* PCI multiple read/write */
#define RTL_RDSAR_LO    0xe4    /* receive descriptor ring, low 32 bits */
#define RTL_RDSAR_HI    0xe8

/* Descriptors: 16 bytes, little endian: opts1, opts2, buffer address low, high. */
#define RTL_DESC_OWN    0x80000000u     /* the chip owns it */
#define RTL_DESC_EOR    0x40000000u     /* last descriptor of the ring */
#define RTL_DESC_FS     0x20000000u     /* first segment of a frame */
#define RTL_DESC_LS     0x10000000u     /* last segment */
/* Receive status in opts1: error summary, FIFO overflow, too long, runt, CRC error. */
#define RTL_RXD_ERRORS  (0x08000000u | 0x00400000u | 0x00200000u | 0x00100000u | 0x00080000u | \
			 0x00040000u)
#define RTL_RXD_LEN     0x00001fffu     /* bytes received, CRC included; on refill: buffer size */
#define RTL_TXD_LEN     0x0000ffffu

/* Shared by the two modes (rtl8139.c: the original receive ring, every 8139; rtl8139_cplus.c:
 * descriptor rings, the 8139C+ only). */
struct netdev;
/* Software reset (CR.RST, §6): returns when the chip says it is done, or -E_TIMEOUT. */
int rtl8139_reset(uint16_t io);
/* Receiver, transmitter and DMA off, and the chip as probe found it (the C+ command register a
 * PXE ROM's driver set): the closing step of both modes. */
void rtl8139_stop(uint16_t io);
/* Whether the chip is an RTL8139C+ (TCR hardware version). */
bool rtl8139_is_cplus(uint16_t io);
/* Make nd a C+ mode device (ops, state, receive capacity). */
void rtl8139_cplus_attach(struct netdev *nd, uint16_t io);

#endif
