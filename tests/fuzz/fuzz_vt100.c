/* fuzz_vt100.c: libFuzzer target feeding arbitrary bytes through the VT100 decoder into the line editor. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/lib.h"
#include "services/keys.h"
#include "services/vt100.h"
#include "ui/lineedit.h"

#define PROMPT "osprey> "

/* A dumb terminal that checks the editor's picture of the screen. */
static char row[8192];
static size_t col, row_len;

static void term_put(void *ctx, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\b') {
			if (col == 0)
				abort();   /* moved left past the line's start */
			col--;
		} else if (c == '\n') {
			col = row_len = 0;
		} else if ((unsigned char)c < 0x20 || c == 0x7f) {
			abort();   /* the editor only writes printable text, '\b' and '\n' */
		} else {
			if (col >= sizeof(row))
				abort();
			row[col++] = c;
			if (col > row_len)
				row_len = col;
		}
	}
}

static void check_screen(const struct lineedit *le)
{
	size_t p = strlen(PROMPT);

	if (le->len > LINE_MAX_LEN - 1 || le->pos > le->len || le->buf[le->len] != '\0' ||
	    strlen(le->buf) != le->len)
		abort();
	if (col != p + le->pos || row_len < p + le->len || memcmp(row, PROMPT, p) != 0 ||
	    memcmp(row + p, le->buf, le->len) != 0)
		abort();
	for (size_t i = p + le->len; i < row_len; i++)
		if (row[i] != ' ')
			abort();
}

static const char *const names[] = { "kernel", "keymap", "initrd", "ifconfig", "info", "boot",
				     "bootp", "k" };

static void complete(const char *prefix, size_t len, void (*add)(void *, const char *), void *ctx)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strncmp(names[i], prefix, len) == 0)
			add(ctx, names[i]);
}

static struct history hist;
static struct lineedit le;

static void start_line(void)
{
	lineedit_start(&le, &hist, complete, term_put, NULL);
	le.prompt = PROMPT;
	term_put(NULL, PROMPT, strlen(PROMPT));
}

static void key(int k)
{
	if (k < 0)
		return;
	int rc = lineedit_key(&le, k);
	if (rc != 0) {
		if (rc != 1 && rc != -1)
			abort();
		if (col != 0)
			abort();
		start_line();
	}
	check_screen(&le);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vt100_decoder d = { 0 };
	uint64_t now = 0;

	memset(&hist, 0, sizeof(hist));
	col = row_len = 0;
	start_line();
	for (size_t i = 0; i < size; i++) {
		if (data[i] == 0xfe && i + 1 < size) {
			/* 0xfe N: N*4 ms pass with nothing received. */
			now += (uint64_t)data[++i] * 4;
			int k;
			while ((k = vt100_idle(&d, now)) >= 0)
				key(k);
			continue;
		}
		key(vt100_feed(&d, data[i], now++));
	}
	int k;
	while ((k = vt100_idle(&d, now + 1000)) >= 0)
		key(k);
	return 0;
}
