/* pcnet32.h: AMD PCnet-PCI family (Am79C970, Am79C970A PCnet-PCI II, Am79C971/972 PCnet-FAST,
 * Am79C973/975 PCnet-FAST III, Am79C978). Register facts from the Am79C970A data sheet (AMD
 * publication 19436) and the Am79C973 data sheet (publication 21510): "Software Access" (I/O
 * resources, word and double-word I/O), "Control and Status Registers", "Bus Configuration
 * Registers", "Initialization Block" and "Descriptor Rings" (software style 2). */
#ifndef OSPREY_PCNET32_H
#define OSPREY_PCNET32_H

#include <stdint.h>

/* I/O resources (Am79C970A "I/O Resources", table "I/O Map In Word/DWord I/O Mode") */
#define PCNET_APROM 0x00          /* 16 bytes: station address in bytes 0-5 */
#define PCNET_WIO_RDP 0x10        /* word I/O: register data port (CSRs) */
#define PCNET_WIO_RAP 0x12        /* register address port */
#define PCNET_WIO_RESET 0x14      /* a read performs S_RESET */
#define PCNET_WIO_BDP 0x16        /* BCR data port */
#define PCNET_DWIO_RDP 0x10       /* double-word I/O (entered by a 32-bit write to RDP) */
#define PCNET_DWIO_RAP 0x14
#define PCNET_DWIO_RESET 0x18
#define PCNET_DWIO_BDP 0x1c

/* CSR0: controller status (Am79C970A "CSR0: PCnet-PCI II Controller Status Register") */
#define CSR0 0
#define CSR0_INIT 0x0001          /* read the initialization block */
#define CSR0_STRT 0x0002          /* start transmitter and receiver */
#define CSR0_STOP 0x0004          /* stop all activity and DMA at once */
#define CSR0_TDMD 0x0008          /* transmit demand: look at the ring now */
#define CSR0_TXON 0x0010
#define CSR0_RXON 0x0020
#define CSR0_IENA 0x0040
#define CSR0_INTR 0x0080
#define CSR0_IDON 0x0100          /* initialization done (write 1 to clear) */
#define CSR0_TINT 0x0200
#define CSR0_RINT 0x0400
#define CSR0_MERR 0x0800
#define CSR0_MISS 0x1000
#define CSR0_CERR 0x2000
#define CSR0_BABL 0x4000
#define CSR0_ERR 0x8000
#define CSR1 1                    /* initialization block address bits 15-0 */
#define CSR2 2                    /* initialization block address bits 31-16 */
#define CSR3 3                    /* interrupt masks and deferral control */
#define CSR3_MASK_ALL 0x5f00      /* BABLM MISSM MERRM RINTM TINTM IDONM */
#define CSR4 4                    /* test and features control */
#define CSR4_DEFAULT 0x0115       /* value after H_RESET/S_RESET */
#define CSR4_APAD_XMT 0x0800      /* pad short transmit frames to 64 bytes */
#define CSR15 15                  /* mode (loaded from the init block) */
#define CSR88 88                  /* chip ID, lower 16 bits */
#define CSR89 89                  /* chip ID, upper 16 bits */

/* BCRs */
#define BCR4 4                    /* LED0 status: link status by default (LNKSTE) */
#define BCR4_LEDOUT 0x8000        /* the LED's current state: link up */
#define BCR20 20                  /* software style */
#define BCR20_SWSTYLE2 0x0002     /* PCnet-PCI: 32-bit structures, SSIZE32 = 1 */

/* Part numbers (CSR89:CSR88 bits 27-12) */
#define PCNET_PART_79C970 0x2420
#define PCNET_PART_79C970A 0x2621

/* Initialization block, software style 2 ("Initialization Block", 32-bit, 28 bytes, dword
 * aligned). The ring lengths are log2 of the number of descriptors in bits 7-4. */
struct pcnet_init_block {
	uint16_t mode;            /* CSR15 */
	uint8_t rlen;             /* log2(rx ring) << 4 */
	uint8_t tlen;             /* log2(tx ring) << 4 */
	uint8_t padr[6];
	uint16_t reserved;
	uint32_t ladrf[2];        /* logical address filter (multicast hash) */
	uint32_t rdra;            /* receive ring, 16-byte aligned */
	uint32_t tdra;            /* transmit ring, 16-byte aligned */
} __attribute__((packed));

/* Descriptors, software style 2 (16 bytes each, 16-byte aligned). The byte count is the two's
 * complement of the buffer length, and bits 15-12 (ONES) must be written as 1s. */
struct pcnet_rx_desc {
	uint32_t base;            /* RMD0: buffer address */
	uint16_t buf_length;      /* RMD1 15-0: ONES | -BCNT */
	uint16_t status;          /* RMD1 31-16 */
	uint32_t msg_length;      /* RMD2: MCNT (bits 11-0): frame length including the FCS */
	uint32_t reserved;
};

struct pcnet_tx_desc {
	uint32_t base;            /* TMD0 */
	uint16_t length;          /* TMD1 15-0: ONES | -BCNT */
	uint16_t status;          /* TMD1 31-16 */
	uint32_t misc;            /* TMD2: error bits, retry count */
	uint32_t reserved;
};

/* RMD1/TMD1 status bits (upper half) */
#define DESC_OWN 0x8000           /* the controller owns the descriptor */
#define DESC_ERR 0x4000
#define DESC_STP 0x0200           /* start of packet */
#define DESC_ENP 0x0100           /* end of packet */
#define DESC_ONES 0xf000

#endif
