/* progress.c: draws the progress line (progress_fmt.c formats it) on the console. */
#include "services/console.h"
#include "lib/errors.h"
#include "services/progress.h"
#include "services/timer.h"

static void progress_draw(struct progress *p, uint64_t now)
{
	char line[100];

	progress_format(p, now, line, sizeof(line));
	console_putc('\r');
	console_puts(line);
	console_puts("   ");
	p->last_ms = now;
}

void progress_start(struct progress *p, const char *name, uint64_t total)
{
	p->name = name;
	p->total = total;
	p->done = 0;
	p->start_ms = p->last_ms = timer_ms();
	progress_draw(p, p->start_ms);
}

void progress_update(struct progress *p, uint64_t done)
{
	uint64_t now = timer_ms();

	p->done = done;
	if (now - p->last_ms >= 100)
		progress_draw(p, now);
}

void progress_finish(struct progress *p, int rc)
{
	progress_draw(p, timer_ms());
	if (rc < 0)
		console_puts(rc == -E_CANCELED ? " canceled" : " failed");
	console_putc('\n');
}
