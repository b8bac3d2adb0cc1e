/* serial.c: 8250/16550 UART terminal (polled): COM1 at 115200 8N1 unless told otherwise. */
#include "services/console.h"
#include "lib/errors.h"
#include "arch/io.h"
#include "arch/serial.h"
#include "config.h"

/* UART register offsets (8250 datasheet). */
#define UART_RBR 0
#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_DLAB 0x80
#define LSR_DR 0x01
#define LSR_THRE 0x20

struct serial_params serial_current;
static bool serial_present;

uint16_t serial_unit_port(unsigned unit)
{
	static const uint16_t std[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	const uint16_t *bda = (const uint16_t *)0x400;

	if (unit >= 4)
		return 0;
	return bda[unit] ? bda[unit] : std[unit];
}

int serial_configure(const struct serial_params *p)
{
	uint8_t lcr;
	uint32_t div;

	if (!p->port || !p->speed || 115200 % p->speed || p->word < 5 || p->word > 8 ||
	    (p->stop != 1 && p->stop != 2))
		return -E_INVAL;
	switch (p->parity) {
	case 'n': lcr = 0; break;
	case 'o': lcr = 0x08; break;
	case 'e': lcr = 0x18; break;
	default: return -E_INVAL;
	}
	lcr |= (uint8_t)(p->word - 5) | (p->stop == 2 ? 0x04 : 0);
	div = 115200 / p->speed;
	outb(p->port + UART_IER, 0);
	outb(p->port + UART_LCR, LCR_DLAB);
	outb(p->port + UART_DLL, div & 0xff);
	outb(p->port + UART_DLM, (div >> 8) & 0xff);
	outb(p->port + UART_LCR, lcr);
	outb(p->port + UART_FCR, 0x07);   /* enable and clear FIFOs */
	outb(p->port + UART_MCR, 0x03);   /* DTR, RTS */
	/* A missing UART reads back 0xff from the line status register. */
	serial_present = inb(p->port + UART_LSR) != 0xff;
	serial_current = *p;
	return serial_present ? 0 : -E_NODEV;
}

static void serial_putc(struct terminal *t, int c)
{
	unsigned spins = 100000;

	if (!serial_present)
		return;
	/* Bounded wait: a dead or disconnected port must not hang the loader. */
	while (!(inb(serial_current.port + UART_LSR) & LSR_THRE) && --spins)
		;
	outb(serial_current.port + UART_THR, (uint8_t)c);
}

static int serial_getc(struct terminal *t)
{
	if (!serial_present || !(inb(serial_current.port + UART_LSR) & LSR_DR))
		return -1;
	return inb(serial_current.port + UART_RBR);
}

static struct terminal serial_term = {
	.name = "serial", .putc = serial_putc, .getc = serial_getc, .active = true, .vt100 = true,
};

int serial_wake_irq(void)
{
	if (!serial_present || !serial_term.active)
		return -1;
	switch (serial_current.port) {
	case 0x3f8: case 0x3e8: return 4;
	case 0x2f8: case 0x2e8: return 3;
	default: return -1;
	}
}

/* Bring up COM1 with the default settings and register the terminal. */
void serial_init(void)
{
	struct serial_params p = { serial_unit_port(0), CONFIG_SERIAL_SPEED, 8, 'n', 1 };

	serial_configure(&p);
	console_register(&serial_term);
}
