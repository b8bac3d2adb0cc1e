/* vga.c: the VGA text screen (written directly at 0xB8000) and the BIOS keyboard (INT 16h). */
#include "arch/bios.h"
#include "services/console.h"
#include "arch/io.h"
#include "services/keys.h"

#define VGA_MEM ((volatile uint16_t *)0xb8000)
#define COLS 80
#define ROWS 25
#define ATTR 0x0700

static unsigned row, col;
static uint16_t attr = ATTR;
/* The few VT100 output sequences the menu draws with, so VGA and serial share one drawing code:
 * ESC[H, ESC[ROW;COLH, ESC[2J, ESC[K and SGR ESC[...m (0 reset, 1 bright, 5 blink, 7 reverse,
 * 30-37/90-97 foreground, 40-47 background, 39/49 default). */
#define ESC_PARAMS 8
static struct { int state; unsigned p[ESC_PARAMS]; int n; } esc;

/* ANSI colour numbers (red = 1, blue = 4) to VGA's (blue = 1, red = 4): bits 0 and 2 swap;
 * the same table maps back. */
static const uint8_t ansi_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

static void vga_cursor(void)
{
	unsigned pos = row * COLS + col;

	outb(0x3d4, 0x0f);
	outb(0x3d5, pos & 0xff);
	outb(0x3d4, 0x0e);
	outb(0x3d5, (pos >> 8) & 0xff);
}

static void vga_scroll(void)
{
	for (unsigned i = 0; i < (ROWS - 1) * COLS; i++)
		VGA_MEM[i] = VGA_MEM[i + COLS];
	for (unsigned i = (ROWS - 1) * COLS; i < ROWS * COLS; i++)
		VGA_MEM[i] = ATTR | ' ';
	row = ROWS - 1;
}

/* Apply one SGR parameter to the current attribute (VGA: blink 0x80, background 0x70,
 * bright 0x08, foreground 0x07, in the high byte of the cell). */
static void vga_sgr(unsigned p)
{
	unsigned a = attr >> 8;

	if (p == 0)
		a = ATTR >> 8;
	else if (p == 1)
		a |= 0x08;
	else if (p == 22)
		a &= ~0x08u;
	else if (p == 5)
		a |= 0x80;
	else if (p == 25)
		a &= ~0x80u;
	else if (p == 7)    /* reverse: swap foreground and background colours */
		a = (a & 0x88) | (a & 7) << 4 | (a >> 4 & 7);
	else if (p >= 30 && p <= 37)
		a = (a & ~0x07u) | ansi_vga[p - 30];
	else if (p >= 90 && p <= 97)
		a = (a & ~0x07u) | ansi_vga[p - 90] | 0x08;
	else if (p == 39)
		a = (a & ~0x0fu) | (ATTR >> 8 & 0x0f);
	else if (p >= 40 && p <= 47)
		a = (a & ~0x70u) | ansi_vga[p - 40] << 4;
	else if (p == 49)
		a = (a & ~0x70u) | (ATTR >> 8 & 0x70);
	attr = (uint16_t)(a << 8);
}

/* Feed one byte of an escape sequence; true while the byte belonged to one. */
static bool vga_escape(int c)
{
	if (esc.state == 0) {
		if (c != 0x1b)
			return false;
		esc.state = 1;
		return true;
	}
	if (esc.state == 1) {
		esc.state = c == '[' ? 2 : 0;
		memset(esc.p, 0, sizeof(esc.p));
		esc.n = 0;
		return true;
	}
	if (c >= '0' && c <= '9') {
		if (esc.n < ESC_PARAMS && esc.p[esc.n] < 1000)
			esc.p[esc.n] = esc.p[esc.n] * 10 + (unsigned)(c - '0');
		return true;
	}
	if (c == ';') {
		if (esc.n < ESC_PARAMS)
			esc.n++;
		return true;
	}
	if (c == '?')
		return true;
	esc.state = 0;
	switch (c) {
	case 'H':
		row = esc.p[0] ? esc.p[0] - 1 : 0;
		col = esc.p[1] ? esc.p[1] - 1 : 0;
		if (row >= ROWS) row = ROWS - 1;
		if (col >= COLS) col = COLS - 1;
		break;
	case 'J':   /* erased cells take the current colours, as on a VT100 */
		for (unsigned i = 0; i < ROWS * COLS; i++)
			VGA_MEM[i] = attr | ' ';
		break;
	case 'K':
		for (unsigned i = col; i < COLS; i++)
			VGA_MEM[row * COLS + i] = attr | ' ';
		break;
	case 'm':
		for (int i = 0; i <= esc.n && i < ESC_PARAMS; i++)
			vga_sgr(esc.p[i]);
		break;
	}
	vga_cursor();
	return true;
}

static void vga_putc(struct terminal *t, int c)
{
	if (vga_escape(c))
		return;
	switch (c) {
	case '\r': col = 0; break;
	case '\n': col = 0; row++; break;
	case '\b': if (col) col--; break;
	case '\t': col = (col + 8) & ~7u; break;
	default:
		VGA_MEM[row * COLS + col] = attr | (uint8_t)c;
		col++;
	}
	if (col >= COLS) {
		col = 0;
		row++;
	}
	if (row >= ROWS)
		vga_scroll();
	vga_cursor();
}

/* Map a BIOS scan code of an extended key to a KEY_* code (scan codes from the PC keyboard). */
static int scan_to_key(uint8_t scan)
{
	switch (scan) {
	case 0x48: return KEY_UP;
	case 0x50: return KEY_DOWN;
	case 0x4b: return KEY_LEFT;
	case 0x4d: return KEY_RIGHT;
	case 0x47: return KEY_HOME;
	case 0x4f: return KEY_END;
	case 0x53: return KEY_DELETE;
	case 0x49: return KEY_PGUP;
	case 0x51: return KEY_PGDN;
	case 0x52: return KEY_INSERT;
	default: return -1;
	}
}

static int kbd_getc(struct terminal *t)
{
	struct bios_regs r = { 0 };
	uint8_t ascii, scan;

	r.eax = 0x1100;          /* check for an (extended) keystroke */
	bios_int(0x16, &r);
	if (r.eflags & EFLAGS_ZF)
		return -1;
	r.eax = 0x1000;          /* read it */
	bios_int(0x16, &r);
	ascii = r.eax & 0xff;
	scan = (r.eax >> 8) & 0xff;
	if (ascii == 0 || ascii == 0xe0)
		return scan_to_key(scan);
	if (ascii == '\n')
		return KEY_ENTER;
	return ascii;
}

static struct terminal vga_term = {
	.name = "console", .putc = vga_putc, .getc = kbd_getc, .active = true,
};

/* Continue where the BIOS left the cursor (BDA 0x450), register the terminal. */
void vga_init(void)
{
	const uint8_t *bda_cursor = (const uint8_t *)0x450;

	col = bda_cursor[0] % COLS;
	row = bda_cursor[1] % ROWS;
	console_register(&vga_term);
}
