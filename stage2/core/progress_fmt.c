/* progress_fmt.c: formats the load progress line (sizes, percent, rate) with integer math only. */
#include "services/progress.h"

/* Append to buf at *pos; once the buffer is full, further output is dropped. */
static void append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;

	if (*pos + 1 >= size)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *pos, size - *pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*pos = (size_t)n >= size - *pos ? size - 1 : *pos + (size_t)n;
}

/* A byte count as "300 B", "512 KiB", "4.20 MiB" or "1.50 GiB" (hundredths truncated). */
static void append_size(char *buf, size_t size, size_t *pos, uint64_t bytes)
{
	if (bytes < 1024) {
		append(buf, size, pos, "%u B", (unsigned)bytes);
	} else if (bytes < (1u << 20)) {
		append(buf, size, pos, "%u KiB", (unsigned)(bytes >> 10));
	} else {
		unsigned shift = bytes < (1ull << 30) ? 20 : 30;
		uint64_t whole = bytes >> shift;
		/* The remainder is below 2^30, so remainder * 100 cannot overflow. */
		unsigned hundredths = (unsigned)(((bytes & ((1ull << shift) - 1)) * 100) >> shift);
		append(buf, size, pos, "%llu.%02u %s", (unsigned long long)whole, hundredths,
		       shift == 20 ? "MiB" : "GiB");
	}
}

void size_format(char *buf, size_t size, uint64_t bytes)
{
	size_t pos = 0;

	if (!buf || size == 0)
		return;
	buf[0] = '\0';
	append_size(buf, size, &pos, bytes);
}

void progress_format(const struct progress *p, uint64_t now_ms, char *buf, size_t size)
{
	size_t pos = 0;

	if (!buf || size == 0)
		return;
	buf[0] = '\0';
	append(buf, size, &pos, "%s: ", p->name ? p->name : "?");
	append_size(buf, size, &pos, p->done);
	if (p->total) {
		uint64_t pct;
		if (p->done >= p->total)
			pct = 100;
		else if (p->done <= UINT64_MAX / 100)
			pct = p->done * 100 / p->total;
		else      /* total > done > 2^57 here: no division by zero */
			pct = MIN(p->done / (p->total / 100), 99);
		append(buf, size, &pos, " / ");
		append_size(buf, size, &pos, p->total);
		append(buf, size, &pos, " (%u%%)", (unsigned)pct);
	}
	if (now_ms > p->start_ms) {
		uint64_t ms = now_ms - p->start_ms;
		uint64_t rate;
		if (p->done <= UINT64_MAX / 1000)
			rate = p->done * 1000 / ms;
		else if (p->done / ms <= UINT64_MAX / 1000)
			rate = p->done / ms * 1000;
		else
			rate = UINT64_MAX;
		append(buf, size, &pos, " ");
		append_size(buf, size, &pos, rate);
		append(buf, size, &pos, "/s");
	}
}
