/* fake_console.c: the console's output side for host tests: what the code prints is kept in a
 * buffer a test can read (fake_console_text) and clear. */
#include <string.h>
#include "services/console.h"

static char text[8192];
static size_t used;

void console_putc(int c)
{
	if (used + 1 < sizeof(text))
		text[used++] = (char)c;
	text[used] = 0;
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

const char *fake_console_text(void)
{
	return text;
}

void fake_console_clear(void)
{
	used = 0;
	text[0] = 0;
}
