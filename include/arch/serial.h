/* serial.h: the 8250/16550 UART driver behind the serial terminal. */
#ifndef OSPREY_SERIAL_H
#define OSPREY_SERIAL_H

#include "lib/lib.h"

struct serial_params {
	uint16_t port;      /* I/O base, e.g. 0x3f8 */
	uint32_t speed;     /* baud */
	uint8_t word;       /* 5..8 */
	char parity;        /* 'n', 'o', 'e' */
	uint8_t stop;       /* 1 or 2 */
};

/* I/O base of COM(unit+1) from the BIOS data area, or the standard one. */
uint16_t serial_unit_port(unsigned unit);
/* Program the UART; -E_INVAL for a speed that does not divide 115200 or bad framing. */
int serial_configure(const struct serial_params *p);
extern struct serial_params serial_current;
/* IRQ line of the serial terminal's port (COM1/COM3: 4, COM2/COM4: 3) when it is present and
 * active, else -1: the idle halt wakes on it. */
int serial_wake_irq(void);

#endif
