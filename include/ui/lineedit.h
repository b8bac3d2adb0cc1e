/* lineedit.h: the prompt's line editor (cursor movement, history, tab completion), I/O-free. */
#ifndef OSPREY_LINEEDIT_H
#define OSPREY_LINEEDIT_H

#include "lib/lib.h"

#define LINE_MAX_LEN 1024
#define HISTORY_LEN 16

struct history {
	char lines[HISTORY_LEN][LINE_MAX_LEN];
	int count;   /* entries stored, newest at (head - 1) */
	int head;
};

/* Completion callback: given the word before the cursor (up to it, as typed: backslash escapes
 * kept), call add(ctx, name) for each match, named as it would be typed. */
typedef void (*complete_fn)(const char *prefix, size_t len,
			    void (*add)(void *ctx, const char *name), void *ctx);

/* Output callback: the editor redraws by writing to this (VT100 sequences are not used:
 * it moves left with '\b' and reprints, so it works on dumb terminals and VGA alike). */
typedef void (*put_fn)(void *ctx, const char *s, size_t n);

struct lineedit {
	char buf[LINE_MAX_LEN];
	size_t len, pos;
	struct history *hist;
	int hist_idx;            /* -1 while editing a fresh line */
	char saved[LINE_MAX_LEN];/* the fresh line while browsing history */
	complete_fn complete;     /* the first word (commands) */
	complete_fn complete_arg; /* later words (file names); NULL after lineedit_start: none */
	put_fn put;
	void *put_ctx;
	const char *prompt;      /* optional (NULL after lineedit_start): reprinted after a
				  * completion list; the caller still prints it initially */
};

void lineedit_start(struct lineedit *le, struct history *h, complete_fn complete,
		    put_fn put, void *put_ctx);
/* Feed one key. Returns 1 when ENTER finished the line (buf holds it, NUL-terminated,
 * and it was added to history), -1 when Ctrl-C abandoned it, 0 otherwise. */
int lineedit_key(struct lineedit *le, int key);
/* Append line as the newest entry (ignored when empty or equal to the newest entry). */
void history_add(struct history *h, const char *line);

#endif
