/* console.c: sends output to every active terminal and takes keys from any of them. */
#include "services/console.h"
#include "lib/errors.h"
#include "services/keys.h"
#include "services/timer.h"
#include "arch/cpu.h"

/* How long console_getkey() polls before it starts halting the CPU between polls: a line
 * typed or pasted arrives faster than this, so it is read at full speed. */
#define IDLE_AFTER_MS 100

#define MAX_TERMINALS 4

bool console_dumb;
static struct terminal *terms[MAX_TERMINALS];
static int nterms;

void console_register(struct terminal *t)
{
	if (nterms < MAX_TERMINALS)
		terms[nterms++] = t;
}

struct terminal *console_find(const char *name)
{
	for (int i = 0; i < nterms; i++)
		if (!strcmp(terms[i]->name, name))
			return terms[i];
	return NULL;
}

int console_select(const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!console_find(names[i]))
			return -E_NODEV;
	for (int i = 0; i < nterms; i++) {
		terms[i]->active = false;
		for (int j = 0; j < n; j++)
			if (!strcmp(terms[i]->name, names[j]))
				terms[i]->active = true;
	}
	return 0;
}

void console_putc(int c)
{
	for (int i = 0; i < nterms; i++) {
		if (!terms[i]->active)
			continue;
		if (c == '\n')
			terms[i]->putc(terms[i], '\r');
		terms[i]->putc(terms[i], c);
	}
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

int console_getkey_from(struct terminal **from)
{
	uint64_t now = timer_ms();

	for (int i = 0; i < nterms; i++) {
		struct terminal *t = terms[i];
		int c;

		if (!t->active)
			continue;
		if (!t->vt100) {
			c = t->getc(t);
			if (c >= 0)
				goto got;
			continue;
		}
		while ((c = t->getc(t)) >= 0) {
			c = vt100_feed(&t->vt, c, now);
			if (c >= 0)
				goto got;
		}
		c = vt100_idle(&t->vt, now);
		if (c >= 0)
			goto got;
		continue;
got:
		if (from)
			*from = t;
		return c;
	}
	return -1;
}

int console_getkey_nowait(void)
{
	return console_getkey_from(NULL);
}

int console_wait_key(uint64_t deadline_ms, struct terminal **from)
{
	uint64_t since = timer_ms();
	int c;

	/* Nothing waiting anywhere for a while: halt until the next interrupt (timer tick,
	 * keyboard, serial input) rather than spin. */
	while ((c = console_getkey_from(from)) < 0) {
		uint64_t now = timer_ms();

		if (deadline_ms && now >= deadline_ms)
			return -E_TIMEOUT;
		if (now - since >= IDLE_AFTER_MS)
			cpu_idle();
	}
	return c;
}

int console_getkey(void)
{
	return console_wait_key(0, NULL);
}

int console_activate_all(void)
{
	for (int i = 0; i < nterms; i++)
		terms[i]->active = true;
	return nterms;
}

bool console_abort_requested(void)
{
	static uint64_t last;
	uint64_t now = timer_ms();
	int c;

	/* Polling the BIOS keyboard costs a mode switch: look at most every 50 ms. */
	if (now - last < 50)
		return false;
	last = now;
	while ((c = console_getkey_nowait()) >= 0)
		if (c == KEY_ESC || c == KEY_CTRL_C)
			return true;
	return false;
}

void console_active_names(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < nterms; i++)
		if (terms[i]->active)
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? " " : "",
					      terms[i]->name);
}
