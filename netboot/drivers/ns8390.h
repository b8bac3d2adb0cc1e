/* ns8390.h: National Semiconductor DP8390 NIC core (NE2000 and its PCI clones, e.g. the Realtek
 * RTL8029AS). Register facts from the DP8390D data sheet (NS, "DP8390D/NS32490D NIC Network
 * Interface Controller", 1993), section 7 "Register Descriptions", section 10 "Remote DMA" and
 * section 11 "Initialization Procedures"; the ring overflow recovery from section 7.0 (ISR OVW)
 * and AN-874 ("Writing Drivers for the DP8390 NIC Family"). NE2000 board layout (data port,
 * reset port, on-board buffer at 16 KiB) from the Novell NE2000 reference design. */
#ifndef OSPREY_NS8390_H
#define OSPREY_NS8390_H

/* Board (NE2000) I/O space: the 8390 registers at 0x00-0x0F, then: */
#define NE_DATA 0x10              /* remote DMA data port (16-bit in word mode) */
#define NE_RESET 0x1f             /* read then write: board reset */
#define NE_IO_SIZE 0x20

/* Command register, every page (DS 7.1) */
#define NS_CR 0x00
#define CR_STP 0x01               /* stop: receiver and transmitter off */
#define CR_STA 0x02               /* start */
#define CR_TXP 0x04               /* transmit packet (clears itself when the send is done) */
#define CR_RD_READ 0x08           /* RD2..0 = 001: remote read */
#define CR_RD_WRITE 0x10          /* 010: remote write */
#define CR_RD_ABORT 0x20          /* 1xx: abort / complete remote DMA */
#define CR_PAGE0 0x00
#define CR_PAGE1 0x40

/* Page 0 (DS 7.0 register map) */
#define NS_PSTART 0x01            /* W: first page of the receive ring */
#define NS_PSTOP 0x02             /* W: page after the receive ring */
#define NS_BNRY 0x03              /* R/W: last page the host has read */
#define NS_TPSR 0x04              /* W: transmit page start */
#define NS_TSR 0x04               /* R: transmit status */
#define NS_TBCR0 0x05             /* W: transmit byte count */
#define NS_TBCR1 0x06
#define NS_ISR 0x07               /* R/W: interrupt status (write 1 to clear) */
#define NS_RSAR0 0x08             /* W: remote start address */
#define NS_RSAR1 0x09
#define NS_RBCR0 0x0a             /* W: remote byte count */
#define NS_RBCR1 0x0b
#define NS_RCR 0x0c               /* W: receive configuration */
#define NS_TCR 0x0d               /* W: transmit configuration */
#define NS_DCR 0x0e               /* W: data configuration */
#define NS_IMR 0x0f               /* W: interrupt mask */
/* Page 1 */
#define NS_PAR0 0x01              /* physical address, 6 registers */
#define NS_CURR 0x07              /* current page: where the chip writes the next frame */
#define NS_MAR0 0x08              /* multicast hash, 8 registers */

/* ISR bits (DS 7.3) */
#define ISR_PRX 0x01
#define ISR_PTX 0x02
#define ISR_RXE 0x04
#define ISR_TXE 0x08
#define ISR_OVW 0x10
#define ISR_CNT 0x20
#define ISR_RDC 0x40              /* remote DMA complete */
#define ISR_RST 0x80              /* reset state / stopped (also set while overflowed) */

/* DCR (DS 7.5): WTS word transfers, LS normal (not loopback), FT1 FIFO threshold 8 bytes */
#define DCR_WTS 0x01
#define DCR_LS 0x08
#define DCR_FT1 0x40
#define DCR_WORD (DCR_FT1 | DCR_LS | DCR_WTS)   /* 0x49 */

/* TCR (DS 7.6) */
#define TCR_NORMAL 0x00
#define TCR_LOOPBACK 0x02         /* LB0: internal loopback (mode 1) */

/* RCR (DS 7.7) */
#define RCR_AB 0x04               /* accept broadcast */
#define RCR_MON 0x20              /* monitor: check but do not buffer */

/* Receive buffer header (DS 10.0 "Storage format"): status (RSR), next page, byte count (the
 * count includes these four header bytes). */
#define RSR_PRX 0x01

/* NE2000 on-board buffer: 16 KiB at 0x4000 (pages 0x40-0x7F). Two 6-page transmit buffers
 * (1536 bytes each, ping-pong), the rest is the receive ring. */
#define NE_PAGE_SIZE 256
#define NE_TX_PAGES 6
#define NE_TX_BUFS 2
#define NE_START_PAGE 0x40
#define NE_STOP_PAGE 0x80
#define NE_RX_START (NE_START_PAGE + NE_TX_BUFS * NE_TX_PAGES)   /* 0x4C */

#endif
