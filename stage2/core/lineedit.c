/* lineedit.c: the prompt's line editor: cursor keys, kill keys, history and tab completion. */
#include "lib/lib.h"
#include "services/keys.h"
#include "ui/lineedit.h"

/* The terminal is driven with '\b' and reprinting only. Invariant between calls: the
 * terminal cursor sits at column le->pos of the line (relative to the prompt's end), and
 * le->buf[le->len] == '\0' with le->len <= LINE_MAX_LEN - 1. */

#define LINE_CAP (LINE_MAX_LEN - 1)

static const char backspaces[16] = "\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b";
static const char spaces[16] = "                ";

static void put(struct lineedit *le, const char *s, size_t n)
{
	if (le->put && n)
		le->put(le->put_ctx, s, n);
}

static void put_str(struct lineedit *le, const char *s)
{
	put(le, s, strlen(s));
}

/* Emit n copies of a 16-byte pattern's character. */
static void put_run(struct lineedit *le, const char *pattern, size_t n)
{
	while (n > 0) {
		size_t k = n < 16 ? n : 16;
		put(le, pattern, k);
		n -= k;
	}
}

/* Move the terminal cursor from column `from` to le->pos (either direction). */
static void cursor_to(struct lineedit *le, size_t from)
{
	if (from > le->pos)
		put_run(le, backspaces, from - le->pos);
	else
		put(le, le->buf + from, le->pos - from);
}

/* The cursor is at column `from` (<= le->pos) and the screen shows old_len characters:
 * reprint buf[from..len), blank what the old line had beyond len, return to le->pos. */
static void refresh_from(struct lineedit *le, size_t from, size_t old_len)
{
	size_t erase = old_len > le->len ? old_len - le->len : 0;

	put(le, le->buf + from, le->len - from);
	put_run(le, spaces, erase);
	put_run(le, backspaces, le->len + erase - le->pos);
}

/* Insert n bytes at the cursor; returns false (inserting nothing) if they do not fit. */
static bool insert(struct lineedit *le, const char *s, size_t n)
{
	size_t from = le->pos, old_len = le->len;

	if (n == 0 || n > LINE_CAP - le->len)
		return false;
	memmove(le->buf + le->pos + n, le->buf + le->pos, le->len - le->pos + 1);
	memcpy(le->buf + le->pos, s, n);
	le->len += n;
	le->pos += n;
	refresh_from(le, from, old_len);
	return true;
}

/* Delete n bytes starting at column at (<= pos); the cursor ends at `at`. */
static void delete_range(struct lineedit *le, size_t at, size_t n)
{
	size_t old_len = le->len;

	if (n == 0)
		return;
	put_run(le, backspaces, le->pos - at);
	memmove(le->buf + at, le->buf + at + n, le->len - at - n + 1);
	le->len -= n;
	le->pos = at;
	refresh_from(le, at, old_len);
}

/* Replace the whole line (history browsing). */
static void replace_line(struct lineedit *le, const char *s)
{
	size_t old_len = le->len;

	put_run(le, backspaces, le->pos);
	le->len = strlcpy(le->buf, s, sizeof(le->buf));
	if (le->len > LINE_CAP)
		le->len = LINE_CAP;
	le->pos = le->len;
	refresh_from(le, 0, old_len);
}

static const char *history_entry(const struct history *h, int idx)
{
	int slot = ((h->head - 1 - idx) % HISTORY_LEN + HISTORY_LEN) % HISTORY_LEN;

	return h->lines[slot];
}

static bool history_sane(const struct history *h)
{
	return h && h->count > 0 && h->count <= HISTORY_LEN && h->head >= 0 &&
	       h->head < HISTORY_LEN;
}

static void history_older(struct lineedit *le)
{
	if (!history_sane(le->hist) || le->hist_idx + 1 >= le->hist->count)
		return;
	if (le->hist_idx < 0)
		memcpy(le->saved, le->buf, le->len + 1);
	le->hist_idx++;
	replace_line(le, history_entry(le->hist, le->hist_idx));
}

static void history_newer(struct lineedit *le)
{
	if (le->hist_idx < 0)
		return;
	le->hist_idx--;
	if (le->hist_idx < 0 || !history_sane(le->hist) || le->hist_idx >= le->hist->count) {
		le->hist_idx = -1;
		le->saved[LINE_CAP] = '\0';
		replace_line(le, le->saved);
	} else {
		replace_line(le, history_entry(le->hist, le->hist_idx));
	}
}

void history_add(struct history *h, const char *line)
{
	if (!h || !line || !*line)
		return;
	if (h->head < 0 || h->head >= HISTORY_LEN || h->count < 0 || h->count > HISTORY_LEN)
		h->head = h->count = 0;
	if (h->count > 0 && strcmp(history_entry(h, 0), line) == 0)
		return;
	strlcpy(h->lines[h->head], line, LINE_MAX_LEN);
	h->head = (h->head + 1) % HISTORY_LEN;
	if (h->count < HISTORY_LEN)
		h->count++;
}

/* Completion: matches are gathered without storing them (only their count and longest
 * common prefix); listing them asks the completer a second time. */
struct completion {
	struct lineedit *le;
	const char *prefix;
	size_t plen;
	int count;
	char common[LINE_MAX_LEN];
	size_t common_len;
	bool listing;
	size_t list_from;     /* a listing shows names from here (past the directory typed) */
};

static void completion_add(void *ctx, const char *name)
{
	struct completion *c = ctx;

	if (!name || strncmp(name, c->prefix, c->plen) != 0)
		return;   /* the completer offered something that does not match: ignore it */
	if (c->listing) {
		if (c->count++)
			put(c->le, "  ", 2);
		put_str(c->le, name + c->list_from);
		return;
	}
	if (c->count++ == 0) {
		c->common_len = strlcpy(c->common, name, sizeof(c->common));
		if (c->common_len > LINE_CAP)
			c->common_len = LINE_CAP;
		return;
	}
	size_t i = 0;
	while (i < c->common_len && name[i] == c->common[i])
		i++;
	c->common_len = i;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Where the word under the cursor starts (a blank escaped by a backslash is part of a word);
 * *first: it is the line's first word. */
static size_t word_start(const struct lineedit *le, bool *first)
{
	size_t i = 0, start;

	while (i < le->pos && is_blank(le->buf[i]))
		i++;
	start = i;
	*first = true;
	while (i < le->pos) {
		if (le->buf[i] == '\\' && i + 1 < le->pos) {
			i += 2;
			continue;
		}
		if (!is_blank(le->buf[i])) {
			i++;
			continue;
		}
		while (i < le->pos && is_blank(le->buf[i]))
			i++;
		start = i;
		*first = false;
	}
	return start;
}

/* Whether a unique completion is a whole word (a space follows) or a directory or device to
 * go on typing into. */
static bool continues(const char *s, size_t n)
{
	return n && (s[n - 1] == '/' || s[n - 1] == ')');
}

static void complete(struct lineedit *le)
{
	static struct completion c;   /* 1 KiB: keep it off the loader's small stack */
	complete_fn fn;
	bool first;
	size_t start = word_start(le, &first);

	fn = first ? le->complete : le->complete_arg;
	if (!fn)
		return;

	/* The prefix is passed NUL-terminated: copy it out of the line being edited. */
	static char prefix[LINE_MAX_LEN];
	size_t plen = le->pos - start;
	memcpy(prefix, le->buf + start, plen);
	prefix[plen] = '\0';

	c.le = le;
	c.prefix = prefix;
	c.plen = plen;
	c.count = 0;
	c.common_len = 0;
	c.listing = false;
	c.list_from = 0;
	if (!first)
		for (size_t i = 0; i < plen; i++)
			if (prefix[i] == '/')
				c.list_from = i + 1;
	fn(prefix, plen, completion_add, &c);

	if (c.count == 0)
		return;
	if (c.count == 1) {
		/* The whole name, then a space unless one already follows the cursor. */
		size_t n = c.common_len - plen;
		if ((n == 0 || insert(le, c.common + plen, n)) && !is_blank(le->buf[le->pos]) &&
		    !continues(c.common, c.common_len))
			insert(le, " ", 1);
		return;
	}
	if (c.common_len > plen) {
		insert(le, c.common + plen, c.common_len - plen);
		return;
	}

	/* Nothing to extend: list the candidates, then redraw the prompt and the line. */
	put(le, "\n", 1);
	c.count = 0;
	c.listing = true;
	fn(prefix, plen, completion_add, &c);
	put(le, "\n", 1);
	if (le->prompt)
		put_str(le, le->prompt);
	put(le, le->buf, le->len);
	put_run(le, backspaces, le->len - le->pos);
}

void lineedit_start(struct lineedit *le, struct history *h, complete_fn complete_cb,
		    put_fn put_cb, void *put_ctx)
{
	le->buf[0] = '\0';
	le->saved[0] = '\0';
	le->len = le->pos = 0;
	le->hist = h;
	le->hist_idx = -1;
	le->complete = complete_cb;
	le->complete_arg = NULL;
	le->put = put_cb;
	le->put_ctx = put_ctx;
	le->prompt = NULL;
}

int lineedit_key(struct lineedit *le, int key)
{
	/* Defend the invariants against a caller that scribbled on the struct. */
	if (le->len > LINE_CAP)
		le->len = LINE_CAP;
	if (le->pos > le->len)
		le->pos = le->len;
	le->buf[le->len] = '\0';

	switch (key) {
	case KEY_ENTER:
	case '\n':
		put(le, "\n", 1);
		history_add(le->hist, le->buf);
		le->hist_idx = -1;
		return 1;
	case KEY_CTRL_C:
		put_str(le, "^C\n");
		le->hist_idx = -1;
		return -1;
	case KEY_LEFT:
	case KEY_CTRL_B:
		if (le->pos > 0) {
			le->pos--;
			put(le, "\b", 1);
		}
		break;
	case KEY_RIGHT:
	case KEY_CTRL_F:
		if (le->pos < le->len) {
			put(le, le->buf + le->pos, 1);
			le->pos++;
		}
		break;
	case KEY_HOME:
	case KEY_CTRL_A: {
		size_t from = le->pos;
		le->pos = 0;
		cursor_to(le, from);
		break;
	}
	case KEY_END:
	case KEY_CTRL_E: {
		size_t from = le->pos;
		le->pos = le->len;
		cursor_to(le, from);
		break;
	}
	case KEY_BACKSPACE:
	case KEY_DEL_ASCII:
		if (le->pos > 0)
			delete_range(le, le->pos - 1, 1);
		break;
	case KEY_DELETE:
	case KEY_CTRL_D:
		if (le->pos < le->len)
			delete_range(le, le->pos, 1);
		break;
	case KEY_CTRL_K:
		delete_range(le, le->pos, le->len - le->pos);
		break;
	case KEY_CTRL_U:
		delete_range(le, 0, le->pos);
		break;
	case KEY_UP:
	case KEY_CTRL_P:
		history_older(le);
		break;
	case KEY_DOWN:
	case KEY_CTRL_N:
		history_newer(le);
		break;
	case KEY_TAB:
		complete(le);
		break;
	default:
		if (key >= 0x20 && key < 0x7f) {
			char ch = (char)key;
			insert(le, &ch, 1);
		}
		break;
	}
	return 0;
}
