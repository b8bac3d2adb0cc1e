/* eepro100.h: Intel 8255x 10/100 Ethernet (82557, 82558, 82559, 82550, 82551, 82562 and the ICH
 * integrated parts). Register facts from the "Intel 8255x 10/100 Mbps Ethernet Controller
 * Family Open Source Software Developer Manual" (rev 1.3): section 6.3 "Control/Status
 * Registers" (SCB, PORT, EEPROM, MDI), 6.4 "Shared Memory Structures" (CB/TCB, RFD),
 * 6.5 "Configure command", 5.x serial EEPROM interface, and the EEPROM map (section 5.9). */
#ifndef OSPREY_EEPRO100_H
#define OSPREY_EEPRO100_H

#include <stdint.h>

/* CSR space (6.3.1; I/O BAR1 or memory BAR0) */
#define SCB_STATUS 0x00           /* byte: CUS (7:6), RUS (5:2) */
#define SCB_STATACK 0x01          /* byte: interrupt causes, write 1 to acknowledge */
#define SCB_CMD 0x02              /* byte: CUC (7:4), RUC (2:0); reads 0 once accepted */
#define SCB_INTMASK 0x03          /* byte: M (bit 0) masks INTA */
#define SCB_POINTER 0x04          /* 32-bit general pointer for CU/RU start */
#define SCB_PORT 0x08             /* 32-bit PORT interface */
#define SCB_EEPROM 0x0e           /* 16-bit serial EEPROM control */
#define SCB_MDI 0x10              /* 32-bit MDI control */

/* SCB status byte (6.3.2.1) */
#define CUS_MASK 0xc0
#define CUS_IDLE 0x00
#define CUS_SUSPENDED 0x40
#define RUS_MASK 0x3c
#define RUS_IDLE 0x00
#define RUS_SUSPENDED 0x04
#define RUS_NO_RESOURCES 0x08
#define RUS_READY 0x10

/* SCB command byte (6.3.2.2) */
#define CUC_START 0x10
#define CUC_RESUME 0x20
#define CUC_LOAD_BASE 0x60
#define RUC_START 0x01
#define RUC_ABORT 0x04
#define RUC_LOAD_BASE 0x06
#define INT_MASK_ALL 0x01

/* PORT commands (6.3.3) */
#define PORT_SOFTWARE_RESET 0x0
#define PORT_SELECTIVE_RESET 0x2

/* EEPROM control (6.3.4; Microwire 93C46 (6 address bits) or 93C66 (8)) */
#define EE_SK 0x01                /* serial clock */
#define EE_CS 0x02                /* chip select */
#define EE_DI 0x04                /* data to the EEPROM */
#define EE_DO 0x08                /* data from the EEPROM */
#define EE_CMD_READ 0x6           /* start bit 1, opcode 10 */
#define EE_WORD_PHY 6             /* primary PHY record: address in bits 4-0, bit 15: no MII */
#define EE_PHY_NO_MII 0x8000

/* MDI control (6.3.5) */
#define MDI_READ (2u << 26)
#define MDI_READY (1u << 28)
#define MDI_PHY(a) ((uint32_t)(a) << 21)
#define MDI_REG(r) ((uint32_t)(r) << 16)
#define MII_BMSR 1
#define BMSR_LINK 0x0004

/* Command blocks (6.4.2): status, command, link, then the command's own fields */
#define CB_C 0x8000               /* status: complete */
#define CB_OK 0x2000
#define CB_EL 0x8000              /* command: end of list (CU goes idle) */
#define CB_S 0x4000               /* command: suspend after this block */
#define CB_CMD_IA_SETUP 1
#define CB_CMD_CONFIGURE 2
#define CB_CMD_TRANSMIT 4

/* Transmit command block, simplified mode (6.4.2.5): data follows the header. */
struct e100_tcb {
	volatile uint16_t status;
	volatile uint16_t command;
	uint32_t link;
	uint32_t tbd_array;       /* 0xffffffff in simplified mode */
	uint16_t count;           /* bits 13-0, EOF (bit 15) set in simplified mode */
	uint8_t threshold;        /* start sending after threshold * 8 bytes are in the FIFO */
	uint8_t tbd_count;
	uint8_t data[];
};
#define TCB_EOF 0x8000
#define TCB_NO_TBD 0xffffffffu

/* Generic action block (IA setup, configure) */
struct e100_acb {
	volatile uint16_t status;
	volatile uint16_t command;
	uint32_t link;
	uint8_t data[24];
};

/* Receive frame descriptor, simplified mode (6.4.3.1) */
struct e100_rfd {
	volatile uint16_t status;
	volatile uint16_t command;
	uint32_t link;
	uint32_t rbd;             /* unused in simplified mode: 0xffffffff */
	volatile uint16_t count;  /* actual count (13-0), F (14), EOF (15) */
	uint16_t size;
	uint8_t data[];
};
#define RFD_OK 0x2000
#define RFD_EOF 0x8000
#define RFD_F 0x4000
#define RFD_COUNT_MASK 0x3fff

#endif
