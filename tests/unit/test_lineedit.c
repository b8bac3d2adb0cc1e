/* test_lineedit.c: unit tests of the line editor, checked against a simulated dumb terminal. */
#include "test.h"
#include "lib/lib.h"
#include "services/keys.h"
#include "ui/lineedit.h"

/* A dumb terminal: '\b' moves left, printable bytes overwrite and advance, '\n' starts a new
 * row. raw keeps everything written since the last reset. */
struct term {
	char row[4096];
	size_t col, row_len;
	int newlines;
	char last_row[4096];
	char raw[16384];
	size_t raw_len;
	bool bad;    /* the editor moved left past column 0 or wrote a control byte */
};

static void term_put(void *ctx, const char *s, size_t n)
{
	struct term *t = ctx;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (t->raw_len + 1 < sizeof(t->raw))
			t->raw[t->raw_len++] = c;
		t->raw[t->raw_len] = '\0';
		if (c == '\b') {
			if (t->col == 0)
				t->bad = true;
			else
				t->col--;
		} else if (c == '\n') {
			memcpy(t->last_row, t->row, t->row_len);
			t->last_row[t->row_len] = '\0';
			t->row_len = t->col = 0;
			t->newlines++;
		} else if ((unsigned char)c < 0x20 || c == 0x7f) {
			t->bad = true;
		} else if (t->col < sizeof(t->row) - 1) {
			t->row[t->col++] = c;
			if (t->col > t->row_len)
				t->row_len = t->col;
		}
	}
}

/* The visible row without trailing blanks. */
static const char *term_text(struct term *t)
{
	static char out[4096];
	size_t n = t->row_len;

	while (n > 0 && t->row[n - 1] == ' ')
		n--;
	memcpy(out, t->row, n);
	out[n] = '\0';
	return out;
}

static struct term term;
static struct lineedit le;
static struct history hist;

static void setup(struct history *h, complete_fn c)
{
	memset(&term, 0, sizeof(term));
	lineedit_start(&le, h, c, term_put, &term);
}

/* The screen shows exactly the buffer, with the cursor at pos. */
static void check_screen(const char *file, int line)
{
	bool match = term.row_len >= le.len && memcmp(term.row, le.buf, le.len) == 0;
	for (size_t i = le.len; match && i < term.row_len; i++)
		match = term.row[i] == ' ';
	if (!match || term.col != le.pos || term.bad ||
	    le.buf[le.len] != '\0' || strlen(le.buf) != le.len) {
		printf("    %s:%d: screen \"%s\" col %zu, buffer \"%s\" pos %zu%s\n", file, line,
		       term_text(&term), term.col, le.buf, le.pos, term.bad ? " (bad output)" : "");
		test_failed_checks++;
	}
}
#define CHECK_SCREEN() check_screen(__FILE__, __LINE__)

static int type(const char *s)
{
	int rc = 0;
	while (*s && rc == 0)
		rc = lineedit_key(&le, (unsigned char)*s++);
	return rc;
}

static int keys(const int *k, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = lineedit_key(&le, k[i]);
	return rc;
}
#define KEYSEQ(...) keys((const int[]){ __VA_ARGS__ }, sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int))

TEST(lineedit_insert_and_move)
{
	setup(NULL, NULL);
	type("hello");
	CHECK_STR(le.buf, "hello");
	CHECK_EQ(le.pos, 5);
	CHECK_SCREEN();
	KEYSEQ(KEY_LEFT, KEY_LEFT);
	CHECK_EQ(le.pos, 3);
	type("X");
	CHECK_STR(le.buf, "helXlo");
	CHECK_EQ(le.pos, 4);
	CHECK_SCREEN();
	KEYSEQ(KEY_HOME);
	CHECK_EQ(le.pos, 0);
	CHECK_SCREEN();
	KEYSEQ(KEY_LEFT);   /* no-op at the start */
	CHECK_EQ(le.pos, 0);
	CHECK_SCREEN();
	type(">");
	CHECK_STR(le.buf, ">helXlo");
	KEYSEQ(KEY_END);
	CHECK_EQ(le.pos, 7);
	KEYSEQ(KEY_RIGHT);
	CHECK_EQ(le.pos, 7);
	CHECK_SCREEN();
	KEYSEQ(KEY_CTRL_A, KEY_CTRL_F, KEY_CTRL_F);
	CHECK_EQ(le.pos, 2);
	CHECK_SCREEN();
	KEYSEQ(KEY_CTRL_E, KEY_CTRL_B);
	CHECK_EQ(le.pos, 6);
	CHECK_SCREEN();
}

TEST(lineedit_delete_keys)
{
	setup(NULL, NULL);
	type("abcdef");
	KEYSEQ(KEY_BACKSPACE);
	CHECK_STR(le.buf, "abcde");
	CHECK_SCREEN();
	KEYSEQ(KEY_HOME, KEY_BACKSPACE);   /* nothing before the cursor */
	CHECK_STR(le.buf, "abcde");
	KEYSEQ(KEY_DELETE);
	CHECK_STR(le.buf, "bcde");
	CHECK_EQ(le.pos, 0);
	CHECK_SCREEN();
	KEYSEQ(KEY_RIGHT, KEY_CTRL_D);
	CHECK_STR(le.buf, "bde");
	CHECK_SCREEN();
	KEYSEQ(KEY_END, KEY_DELETE, KEY_CTRL_D);   /* nothing at the cursor */
	CHECK_STR(le.buf, "bde");
	KEYSEQ(KEY_DEL_ASCII);
	CHECK_STR(le.buf, "bd");
	CHECK_SCREEN();

	type("123456");
	KEYSEQ(KEY_LEFT, KEY_LEFT, KEY_LEFT, KEY_CTRL_K);
	CHECK_STR(le.buf, "bd123");
	CHECK_EQ(le.pos, 5);
	CHECK_SCREEN();
	KEYSEQ(KEY_LEFT, KEY_LEFT, KEY_CTRL_U);
	CHECK_STR(le.buf, "23");
	CHECK_EQ(le.pos, 0);
	CHECK_SCREEN();
	KEYSEQ(KEY_CTRL_U);
	CHECK_STR(le.buf, "23");
	KEYSEQ(KEY_END, KEY_CTRL_K);
	CHECK_STR(le.buf, "23");
	KEYSEQ(KEY_CTRL_U);
	CHECK_STR(le.buf, "");
	CHECK_SCREEN();
}

TEST(lineedit_full_line)
{
	setup(NULL, NULL);
	for (int i = 0; i < LINE_MAX_LEN + 100; i++)
		lineedit_key(&le, 'a' + i % 26);
	CHECK_EQ(le.len, LINE_MAX_LEN - 1);
	CHECK_EQ(strlen(le.buf), LINE_MAX_LEN - 1);
	CHECK_SCREEN();
	KEYSEQ(KEY_HOME, 'Z');
	CHECK_EQ(le.len, LINE_MAX_LEN - 1);
	CHECK_EQ(le.buf[0], 'a');
	KEYSEQ(KEY_DELETE, 'Z');
	CHECK_EQ(le.buf[0], 'Z');
	CHECK_EQ(le.len, LINE_MAX_LEN - 1);
	CHECK_SCREEN();
	CHECK_EQ(lineedit_key(&le, KEY_ENTER), 1);
	CHECK_EQ(strlen(le.buf), LINE_MAX_LEN - 1);

	/* Keys that are not editing keys are ignored. */
	setup(NULL, NULL);
	KEYSEQ(0, 0x07, 0x1b, 0x80, 0xff, -5, KEY_PGUP, KEY_INSERT, 0x12345, KEY_TAB, KEY_UP);
	CHECK_EQ(le.len, 0);
	CHECK_EQ(term.raw_len, 0);
}

TEST(lineedit_enter_and_ctrl_c)
{
	memset(&hist, 0, sizeof(hist));
	setup(&hist, NULL);
	CHECK_EQ(type("boot"), 0);
	KEYSEQ(KEY_LEFT, KEY_LEFT);
	CHECK_EQ(lineedit_key(&le, KEY_ENTER), 1);
	CHECK_STR(le.buf, "boot");
	CHECK_EQ(term.raw[term.raw_len - 1], '\n');
	CHECK_STR(term.last_row, "boot");
	CHECK_EQ(hist.count, 1);

	setup(&hist, NULL);
	CHECK_EQ(lineedit_key(&le, KEY_ENTER), 1);   /* empty: not remembered */
	CHECK_EQ(hist.count, 1);
	setup(&hist, NULL);
	type("boot");
	CHECK_EQ(lineedit_key(&le, KEY_ENTER), 1);   /* same as the newest: not remembered */
	CHECK_EQ(hist.count, 1);

	setup(&hist, NULL);
	type("kernel x");
	term.raw_len = 0;
	CHECK_EQ(lineedit_key(&le, KEY_CTRL_C), -1);
	CHECK_STR(term.raw, "^C\n");
	CHECK_EQ(hist.count, 1);
}

TEST(lineedit_history)
{
	memset(&hist, 0, sizeof(hist));
	setup(&hist, NULL);
	KEYSEQ(KEY_UP);   /* empty history: nothing happens */
	CHECK_EQ(le.len, 0);
	history_add(&hist, "one");
	history_add(&hist, "two");
	history_add(&hist, "three-long-entry");
	history_add(&hist, "");
	history_add(&hist, NULL);
	history_add(NULL, "x");
	CHECK_EQ(hist.count, 3);

	setup(&hist, NULL);
	type("fr");
	KEYSEQ(KEY_UP);
	CHECK_STR(le.buf, "three-long-entry");
	CHECK_SCREEN();
	KEYSEQ(KEY_CTRL_P);
	CHECK_STR(le.buf, "two");
	CHECK_SCREEN();
	KEYSEQ(KEY_UP, KEY_UP, KEY_UP);   /* stops at the oldest */
	CHECK_STR(le.buf, "one");
	CHECK_EQ(le.pos, 3);
	CHECK_SCREEN();
	type("!");   /* editing a recalled line does not change history */
	KEYSEQ(KEY_DOWN);
	CHECK_STR(le.buf, "two");
	KEYSEQ(KEY_CTRL_N);
	CHECK_STR(le.buf, "three-long-entry");
	KEYSEQ(KEY_DOWN);
	CHECK_STR(le.buf, "fr");   /* back to the fresh line */
	CHECK_EQ(le.hist_idx, -1);
	CHECK_SCREEN();
	KEYSEQ(KEY_DOWN);
	CHECK_STR(le.buf, "fr");
	CHECK_STR(hist.lines[0], "one");

	KEYSEQ(KEY_UP, KEY_UP, KEY_UP);
	CHECK_EQ(lineedit_key(&le, KEY_ENTER), 1);
	CHECK_STR(le.buf, "one");
	CHECK_EQ(hist.count, 4);
}

TEST(lineedit_history_wraps)
{
	char line[32];

	memset(&hist, 0, sizeof(hist));
	for (int i = 0; i < HISTORY_LEN + 5; i++) {
		snprintf(line, sizeof(line), "cmd%d", i);
		history_add(&hist, line);
	}
	CHECK_EQ(hist.count, HISTORY_LEN);
	setup(&hist, NULL);
	for (int i = 0; i < HISTORY_LEN + 3; i++)
		KEYSEQ(KEY_UP);
	snprintf(line, sizeof(line), "cmd%d", 5);
	CHECK_STR(le.buf, line);
	CHECK_SCREEN();
	KEYSEQ(KEY_DOWN);
	CHECK_STR(le.buf, "cmd6");

	/* Corrupt bookkeeping is reset instead of indexing out of bounds. */
	hist.head = 999;
	hist.count = -3;
	setup(&hist, NULL);
	KEYSEQ(KEY_UP);
	CHECK_EQ(le.len, 0);
	history_add(&hist, "fresh");
	CHECK_EQ(hist.count, 1);
	KEYSEQ(KEY_UP);
	CHECK_STR(le.buf, "fresh");
}

static const char *const names[] = { "kernel", "keymap", "initrd", "ifconfig", "info", "boot" };
static int complete_calls;

static void fake_complete(const char *prefix, size_t len, void (*add)(void *, const char *),
			  void *ctx)
{
	complete_calls++;
	CHECK_EQ(strlen(prefix), len);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strncmp(names[i], prefix, len) == 0)
			add(ctx, names[i]);
	add(ctx, "zzz-not-a-match");
	add(ctx, NULL);
}

TEST(lineedit_complete_unique)
{
	setup(NULL, fake_complete);
	type("ker");
	KEYSEQ(KEY_TAB);
	CHECK_STR(le.buf, "kernel ");
	CHECK_EQ(le.pos, 7);
	CHECK_SCREEN();
	type("(nd)/x");
	KEYSEQ(KEY_TAB);   /* past the first word: nothing */
	CHECK_STR(le.buf, "kernel (nd)/x");
	CHECK_SCREEN();

	setup(NULL, fake_complete);
	type("  inf");
	KEYSEQ(KEY_TAB);
	CHECK_STR(le.buf, "  info ");
	CHECK_SCREEN();

	/* Cursor inside the first word, a space already follows. */
	setup(NULL, fake_complete);
	type("b (nd)/menu.lst");
	KEYSEQ(KEY_HOME, KEY_RIGHT, KEY_TAB);
	CHECK_STR(le.buf, "boot (nd)/menu.lst");
	CHECK_EQ(le.pos, 4);
	CHECK_SCREEN();

	/* An exact match only gains the space. */
	setup(NULL, fake_complete);
	type("boot");
	KEYSEQ(KEY_TAB);
	CHECK_STR(le.buf, "boot ");

	setup(NULL, fake_complete);
	type("xyz");
	KEYSEQ(KEY_TAB);
	CHECK_STR(le.buf, "xyz");
	CHECK_SCREEN();
}

TEST(lineedit_complete_several)
{
	setup(NULL, fake_complete);
	le.prompt = "osprey> ";
	type("in");
	KEYSEQ(KEY_TAB);   /* initrd, info: common prefix "in" has nothing to add: list */
	CHECK(strstr(term.raw, "\ninitrd  info\nosprey> in") != NULL);
	CHECK_STR(le.buf, "in");
	CHECK_STR(term_text(&term), "osprey> in");
	CHECK_EQ(term.col, strlen("osprey> in"));

	setup(NULL, fake_complete);
	type("i");
	KEYSEQ(KEY_TAB);
	CHECK(strstr(term.raw, "\ninitrd  ifconfig  info\n") != NULL);

	/* Listing with the cursor mid-line and no prompt: the line is redrawn, cursor restored. */
	setup(NULL, fake_complete);
	type("ke x");
	KEYSEQ(KEY_HOME, KEY_RIGHT, KEY_RIGHT, KEY_TAB);
	CHECK(strstr(term.raw, "\nkernel  keymap\n") != NULL);
	CHECK_STR(le.buf, "ke x");
	CHECK_EQ(le.pos, 2);
	CHECK_SCREEN();

	/* Several matches sharing a longer prefix: extend to it. */
	setup(NULL, fake_complete);
	type("k x");
	KEYSEQ(KEY_HOME, KEY_RIGHT, KEY_TAB);
	CHECK_STR(le.buf, "ke x");
	CHECK_EQ(le.pos, 2);
	CHECK_SCREEN();
	setup(NULL, fake_complete);
	type("if");
	KEYSEQ(KEY_TAB);
	CHECK_STR(le.buf, "ifconfig ");

	/* Empty first word lists everything. */
	setup(NULL, fake_complete);
	complete_calls = 0;
	KEYSEQ(KEY_TAB);
	CHECK_EQ(complete_calls, 2);
	CHECK(strstr(term.raw, "kernel  keymap  initrd  ifconfig  info  boot") != NULL);
}

static void prefix_complete(const char *prefix, size_t len, void (*add)(void *, const char *),
			    void *ctx)
{
	add(ctx, "terminal");
	add(ctx, "termcap");
	add(ctx, "term");
}

TEST(lineedit_complete_common_prefix_and_full)
{
	setup(NULL, prefix_complete);
	type("t");
	KEYSEQ(KEY_TAB);
	CHECK_STR(le.buf, "term");
	CHECK_SCREEN();
	term.raw_len = 0;
	KEYSEQ(KEY_TAB);   /* now list */
	CHECK(strstr(term.raw, "terminal  termcap  term") != NULL);

	/* Completion that does not fit is not inserted. */
	setup(NULL, fake_complete);
	type("ker");
	KEYSEQ(KEY_HOME);
	for (int i = 0; i < LINE_MAX_LEN; i++)
		lineedit_key(&le, ' ');
	KEYSEQ(KEY_END, KEY_LEFT, KEY_LEFT, KEY_LEFT);
	CHECK_EQ(le.len, LINE_MAX_LEN - 1);
	KEYSEQ(KEY_END, KEY_TAB);
	CHECK_EQ(le.len, LINE_MAX_LEN - 1);
	CHECK_SCREEN();
}

TEST(lineedit_defends_invariants)
{
	setup(NULL, NULL);
	type("abc");
	le.pos = 9999;
	le.len = 5000;
	lineedit_key(&le, KEY_LEFT);
	CHECK(le.len <= LINE_MAX_LEN - 1);
	CHECK(le.pos <= le.len);
	CHECK_EQ(le.buf[le.len], '\0');

	/* No put callback: no crash. */
	lineedit_start(&le, NULL, fake_complete, NULL, NULL);
	type("kerx");
	KEYSEQ(KEY_LEFT, KEY_TAB, KEY_ENTER);
	CHECK_STR(le.buf, "kernel x");
}

/* A file name completer: what disk_complete offers for "(hd0,0)/": entries as typed. */
static void file_complete(const char *prefix, size_t len, void (*add)(void *, const char *),
			  void *ctx)
{
	(void)prefix; (void)len;
	add(ctx, "(hd0,0)/boot/");
	add(ctx, "(hd0,0)/bin/");
	add(ctx, "(hd0,0)/Some\\ Dir/");
	add(ctx, "(hd0,0)/Some\\ Dir/a\\ b.txt");
	add(ctx, "(hd0)");
}

TEST(lineedit_complete_arguments)
{
	/* Later words go to the argument completer; none set: nothing happens. */
	setup(NULL, fake_complete);
	type("cat (hd0,0)/bo");
	KEYSEQ(KEY_TAB);
	CHECK_STR(le.buf, "cat (hd0,0)/bo");
	setup(NULL, fake_complete);
	le.complete_arg = file_complete;
	type("cat (hd0,0)/bo");
	KEYSEQ(KEY_TAB);
	CHECK_STR(le.buf, "cat (hd0,0)/boot/");   /* a directory: no space after it */
	CHECK_SCREEN();
	/* The first word still completes commands. */
	KEYSEQ(KEY_HOME, KEY_RIGHT, KEY_TAB);
	CHECK_STR(le.buf, "cat (hd0,0)/boot/");
	/* An escaped blank is inside the word. */
	setup(NULL, fake_complete);
	le.complete_arg = file_complete;
	type("cat (hd0,0)/Some\\ Dir/a");
	KEYSEQ(KEY_TAB);
	CHECK_STR(le.buf, "cat (hd0,0)/Some\\ Dir/a\\ b.txt ");
	CHECK_SCREEN();
	/* A device ends in ')': no space either. */
	setup(NULL, fake_complete);
	le.complete_arg = file_complete;
	type("chainloader (hd0");
	KEYSEQ(KEY_TAB);
	CHECK_STR(le.buf, "chainloader (hd0");      /* (hd0,0)/... and (hd0) share "(hd0" */
	setup(NULL, fake_complete);
	le.complete_arg = file_complete;
	type("chainloader (hd0)");
	KEYSEQ(KEY_TAB);
	CHECK_STR(le.buf, "chainloader (hd0)");
	/* Several: listed by their names in the directory typed, the line redrawn. */
	setup(NULL, fake_complete);
	le.prompt = "osprey> ";
	le.complete_arg = file_complete;
	type("ls (hd0,0)/b");
	KEYSEQ(KEY_TAB);
	CHECK(strstr(term.raw, "\nboot/  bin/\nosprey> ls (hd0,0)/b") != NULL);
	CHECK_STR(le.buf, "ls (hd0,0)/b");
}
