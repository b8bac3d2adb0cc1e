/* progress.h: the one updating line shown while a file loads (bytes, percent, rate). */
#ifndef OSPREY_PROGRESS_H
#define OSPREY_PROGRESS_H

#include "lib/lib.h"

struct progress {
	const char *name;
	uint64_t total;          /* 0 when unknown */
	uint64_t done;
	uint64_t start_ms, last_ms;
};

/* Format the progress line (no '\r' or newline) into buf. now_ms is the current time. */
void progress_format(const struct progress *p, uint64_t now_ms, char *buf, size_t size);
/* A byte count as "300 B", "512 KiB", "4.20 MiB" or "1.50 GiB", as the progress line shows it. */
void size_format(char *buf, size_t size, uint64_t bytes);
void progress_start(struct progress *p, const char *name, uint64_t total);
/* Redraw at most every 100 ms (and when done == total). */
void progress_update(struct progress *p, uint64_t done);
/* Final line with the total and the average rate, then a newline. */
void progress_finish(struct progress *p, int rc);

#endif
