/* console.h: the console multiplexer: output goes to every active terminal, input comes from any. */
#ifndef OSPREY_CONSOLE_H
#define OSPREY_CONSOLE_H

#include "lib/lib.h"
#include "services/vt100.h"

/* A terminal: VGA text + BIOS keyboard, or an 8250 serial port. */
struct terminal {
	const char *name;                 /* "console" or "serial" */
	void (*putc)(struct terminal *t, int c);
	int (*getc)(struct terminal *t);  /* raw byte/key, or -1 when none is waiting */
	bool active;
	bool vt100;                       /* getc gives raw bytes to decode as VT100 keys */
	struct vt100_decoder vt;
	void *priv;
};

/* `terminal --dumb`: the terminals cannot address the cursor (the menu is a numbered list). */
extern bool console_dumb;

void console_register(struct terminal *t);
struct terminal *console_find(const char *name);
/* Make exactly the terminals in names[0..n) active (GRUB legacy `terminal`). */
int console_select(const char *const *names, int n);

void console_putc(int c);
void console_puts(const char *s);
/* Next key from any active terminal (editing keys decoded to KEY_*), or -1 when none. */
int console_getkey_nowait(void);
/* Like console_getkey_nowait, and tells which terminal the key came from. */
int console_getkey_from(struct terminal **from);
/* Names of the active terminals, space separated, into buf. */
void console_active_names(char *buf, size_t size);
/* Block until a key arrives (the CPU halts between polls once nothing has come for 100 ms). */
int console_getkey(void);
/* Wait for a key until deadline_ms (timer_ms() time; 0: for ever), halting the CPU between
 * polls once nothing has come for a while; -E_TIMEOUT when the deadline passes. from (may be
 * NULL) is set to the terminal the key came from. */
int console_wait_key(uint64_t deadline_ms, struct terminal **from);
/* Make every registered terminal active (for a fatal report); returns how many there are. */
int console_activate_all(void);
/* True (and the key is consumed) when ESC or Ctrl-C is waiting: used to abort transfers. */
bool console_abort_requested(void);

#endif
