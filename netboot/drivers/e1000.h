/* e1000.h: Intel 8254x gigabit controllers (82540/82541/82543/82544/82545/82546/82547).
 *
 * Source: Intel "PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's Manual"
 * (8254x SDM, 317453-006, rev. 4.0): chapter 13 "Register Descriptions" (13.3 register summary
 * table, 13.4 the registers), 3.2 "Packet Reception" (3.2.3 receive descriptor format, 3.2.6
 * ring structure: head/tail), 3.3 "Packet Transmission" (3.3.3 legacy transmit descriptor),
 * chapter 14 "General Initialization and Reset Operation" (14.4 receive, 14.5 transmit
 * initialization, 14.6 TIPG values), 5.6 EEPROM word map (words 0-2: Ethernet address). */
#ifndef OSPREY_E1000_H
#define OSPREY_E1000_H

/* Register offsets in the BAR0 memory space (SDM table 13-2). */
#define E1000_CTRL      0x0000  /* device control */
#define E1000_STATUS    0x0008  /* device status */
#define E1000_EECD      0x0010  /* EEPROM/flash control */
#define E1000_EERD      0x0014  /* EEPROM read (not on 82543/82544) */
#define E1000_ICR       0x00c0  /* interrupt cause read (read clears) */
#define E1000_IMS       0x00d0
#define E1000_IMC       0x00d8  /* interrupt mask clear */
#define E1000_RCTL      0x0100  /* receive control */
#define E1000_TCTL      0x0400  /* transmit control */
#define E1000_TIPG      0x0410  /* transmit inter-packet gap */
#define E1000_RDBAL     0x2800  /* receive descriptor base low/high, length, head, tail */
#define E1000_RDBAH     0x2804
#define E1000_RDLEN     0x2808
#define E1000_RDH       0x2810
#define E1000_RDT       0x2818
#define E1000_RDTR      0x2820  /* receive delay timer */
#define E1000_TDBAL     0x3800  /* transmit descriptor base low/high, length, head, tail */
#define E1000_TDBAH     0x3804
#define E1000_TDLEN     0x3808
#define E1000_TDH       0x3810
#define E1000_TDT       0x3818
#define E1000_TIDV      0x3820  /* transmit interrupt delay */
#define E1000_MTA       0x5200  /* multicast table array, 128 x 32 bit */
#define E1000_RAL0      0x5400  /* receive address 0 low: MAC bytes 0-3 */
#define E1000_RAH0      0x5404  /* receive address 0 high: MAC bytes 4-5, AV */

/* CTRL bits (13.4.1). */
#define E1000_CTRL_FD       (1u << 0)
#define E1000_CTRL_ASDE     (1u << 5)   /* auto-speed detection */
#define E1000_CTRL_SLU      (1u << 6)   /* set link up */
#define E1000_CTRL_ILOS     (1u << 7)
#define E1000_CTRL_RST      (1u << 26)  /* device reset, self-clearing */
#define E1000_CTRL_VME      (1u << 30)
#define E1000_CTRL_PHY_RST  (1u << 31)

/* STATUS bits (13.4.2). */
#define E1000_STATUS_LU     (1u << 1)   /* link up */

/* EERD (13.4.4): 82540/82545/82546 put START in bit 0, DONE in bit 4 and the word address in
 * bits 15:8; 82541/82547 put DONE in bit 1 and the address in bits 15:2 (table 13-8). Data is
 * in bits 31:16 in both. */
#define E1000_EERD_START        (1u << 0)
#define E1000_EERD_DONE         (1u << 4)
#define E1000_EERD_ADDR_SHIFT   8
#define E1000_EERD_DONE_41      (1u << 1)
#define E1000_EERD_ADDR_SHIFT_41 2
#define E1000_EERD_DATA_SHIFT   16

/* RCTL bits (13.4.22). */
#define E1000_RCTL_EN       (1u << 1)
#define E1000_RCTL_SBP      (1u << 2)
#define E1000_RCTL_UPE      (1u << 3)
#define E1000_RCTL_MPE      (1u << 4)
#define E1000_RCTL_LPE      (1u << 5)
#define E1000_RCTL_RDMTS_HALF (0u << 8)
#define E1000_RCTL_BAM      (1u << 15)  /* accept broadcast */
#define E1000_RCTL_BSIZE_2048 (0u << 16) /* with BSEX=0 */
#define E1000_RCTL_SECRC    (1u << 26)  /* strip the Ethernet CRC */

/* TCTL bits (13.4.33). */
#define E1000_TCTL_EN       (1u << 1)
#define E1000_TCTL_PSP      (1u << 3)   /* pad short packets */
#define E1000_TCTL_CT(n)    ((uint32_t)(n) << 4)   /* collision threshold: 0x0f */
#define E1000_TCTL_COLD(n)  ((uint32_t)(n) << 12)  /* collision distance: 0x40 full duplex */
#define E1000_TCTL_RTLC     (1u << 24)

/* TIPG for the copper parts (13.4.34, 14.5): IPGT 10, IPGR1 8, IPGR2 6. */
#define E1000_TIPG_COPPER   (10u | 8u << 10 | 6u << 20)

/* RAH bits (13.4, "Receive Address High"). */
#define E1000_RAH_AV        (1u << 31)  /* address valid */

/* Receive descriptor (3.2.3): 16 bytes, the chip writes length/status/errors back. */
struct e1000_rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
} __attribute__((packed));

#define E1000_RXD_STAT_DD   0x01        /* descriptor done */
#define E1000_RXD_STAT_EOP  0x02        /* end of packet */
#define E1000_RXD_ERR_MASK  0x97        /* CE, SE, SEQ, CXE, RXE (3.2.3.2); not the checksum bits */

/* Legacy transmit descriptor (3.3.3): 16 bytes. */
struct e1000_tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
} __attribute__((packed));

#define E1000_TXD_CMD_EOP   0x01        /* end of packet */
#define E1000_TXD_CMD_IFCS  0x02        /* insert FCS */
#define E1000_TXD_CMD_RS    0x08        /* report status (sets DD) */
#define E1000_TXD_STAT_DD   0x01

#endif
