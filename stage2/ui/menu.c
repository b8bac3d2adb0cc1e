/* menu.c: shows a parsed menu.lst on every terminal with one drawing code (VT100 sequences the
 * VGA console understands too), or as a numbered list on a dumb terminal, and boots entries. */
#include "ui/menu.h"
#include "ui/command.h"
#include "ui/server_config.h"
#include "ui/lineedit.h"
#include "services/console.h"
#include "services/heap.h"
#include "services/keys.h"
#include "services/timer.h"
#include "files/file.h"
#include "lib/errors.h"
#include "lib/version.h"

#define LIST_ROWS 12           /* entries shown at once; more scroll */
#define LIST_TOP 3             /* screen row of the first entry (1-based) */
#define TITLE_WIDTH 74
#define MAX_CHAIN 8            /* configfile loads in a row without a key pressed */
#define EDIT_LINES 32

struct menu_state {
	struct menu *m;
	int sel, top;
	bool unlocked;             /* the password was given */
	char msg[160];             /* shown under the menu (a failed boot) */
};

/* The configfile loads since a person last pressed a key: a name seen twice is a loop. */
static char chain[MAX_CHAIN][128];
static int nchain;
static int depth;          /* menus being shown, one inside the other (configfile in an entry) */

static void menu_report(void *ctx, const char *file, int line, const char *msg)
{
	if (line)
		printf("%s:%d: %s\n", file, line, msg);
	else
		printf("%s: %s\n", file, msg);
}

static bool menu_known(const char *name)
{
	const struct command *c = command_find(name);

	return c && (c->flags & CMD_MENU);
}

/* The SGR sequence for an entry line (the menu's `color`, else reverse video for the highlight);
 * buf holds it. */
static const char *line_color(const struct menu *m, bool highlight, char *buf, size_t size)
{
	if (!m->has_color)
		return highlight ? "\x1b[7m" : "";
	menu_color_sgr(highlight ? m->color_highlight : m->color_normal, buf, size);
	return buf;
}

static void put(void *ctx, const char *s, size_t n)
{
	while (n--)
		console_putc(*s++);
}

/* Read a line with the prompt's editor, starting from text; 1: ENTER, -1: ESC or Ctrl-C. */
static int read_line(const char *prompt, const char *text, char *out, size_t size, bool hide)
{
	static struct lineedit le;
	static struct history *hist;   /* heap, at first use: 16 KiB kept out of base memory */

	if (!hist && !hide)
		hist = zalloc(sizeof(*hist));
	console_puts(prompt);
	lineedit_start(&le, hide ? NULL : hist, NULL, hide ? NULL : put, NULL);
	for (const char *s = text; s && *s; s++)
		lineedit_key(&le, (unsigned char)*s);
	for (;;) {
		int k = console_getkey(), r;

		if (k == KEY_ESC) {
			printf("\n");
			return -1;
		}
		r = lineedit_key(&le, k);
		if (hide && r == 0 && k >= 0x20 && k < 0x7f)
			console_putc('*');
		if (r) {
			if (hide)
				printf("\n");
			if (r > 0)
				strlcpy(out, le.buf, size);
			return r;
		}
	}
}

static int ask_password(struct menu_state *st)
{
	char pw[128];

	if (read_line("Password: ", NULL, pw, sizeof(pw), true) < 0)
		return -E_CANCELED;
	if (menu_check_password(st->m, pw) < 0) {
		snprintf(st->msg, sizeof(st->msg), "Wrong password.");
		return -E_ACCESS;
	}
	st->unlocked = true;
	snprintf(st->msg, sizeof(st->msg), "Password accepted.");
	return 0;
}

/* Run one line of file (line_no, or 0 for an edited line) with its errors naming the place. */
static int run_line_at(const char *line, const char *file, int line_no)
{
	char buf[LINE_MAX_LEN], outer[sizeof(err_where)];
	int rc;

	strlcpy(outer, err_where, sizeof(outer));   /* a menu loaded by an entry's configfile */
	if (line_no)
		snprintf(err_where, sizeof(err_where), "%s:%d", file, line_no);
	else
		snprintf(err_where, sizeof(err_where), "%s (edited entry)", file);
	strlcpy(buf, line, sizeof(buf));
	rc = shell_execute(buf);
	strlcpy(err_where, outer, sizeof(err_where));
	return rc;
}

/* Run lines[0..n) of file (their line numbers in line_no, NULL for an edited entry) through the
 * shell, then `boot` when the last line was not one (its errors name the entry's last line).
 * Returns only when something failed (the command printed why). */
static int run_lines(char *const *lines, int n, const char *file, const int *line_no)
{
	bool booted = false;
	int rc;

	for (int i = 0; i < n; i++) {
		booted = !strncmp(lines[i], "boot", 4) && (lines[i][4] == 0 || lines[i][4] == ' ');
		rc = run_line_at(lines[i], file, line_no ? line_no[i] : 0);
		if (rc < 0)
			return rc;
	}
	if (booted)
		return -E_NOKERNEL;   /* `boot` came back: it printed why */
	return run_line_at("boot", file, line_no && n ? line_no[n - 1] : 0);
}

static int boot_entry(struct menu_state *st, int i)
{
	const struct menu_entry *e = &st->m->entries[i];

	if (e->lock && st->m->password && !st->unlocked) {
		printf("Entry %d is locked.\n", i);
		int rc = ask_password(st);
		if (rc < 0)
			return rc;
	}
	printf("\n  Booting '%s'\n\n", e->title);
	return run_lines((char *const *)&st->m->lines[e->first], e->n, st->m->file,
			 &st->m->line_no[e->first]);
}

/* Boot the entry, then each fallback in turn; back to the menu with a message when all fail. */
static void boot_with_fallback(struct menu_state *st, int i)
{
	struct menu *m = st->m;
	int rc = boot_entry(st, i);

	if (rc == -E_ACCESS || rc == -E_CANCELED)
		return;   /* no password: the menu says so, nothing else is tried */
	for (int f = 0; rc < 0 && f < m->nfallback; f++) {
		if (m->fallback[f] == i)
			continue;
		printf("Falling back to entry %d ('%s')\n", m->fallback[f], m->entries[m->fallback[f]].title);
		rc = boot_entry(st, m->fallback[f]);
		if (rc == -E_ACCESS || rc == -E_CANCELED)
			return;
	}
	snprintf(st->msg, sizeof(st->msg), "Booting entry %d failed%s: %s", i,
		 m->nfallback ? " (and its fallbacks)" : "", errmsg(rc));
	printf("%s. Press any key for the menu.\n", st->msg);
	console_getkey();
}

/* The command line inside the menu: ESC goes back. */
static void command_line(void)
{
	char buf[LINE_MAX_LEN], outer[sizeof(err_where)];

	strlcpy(outer, err_where, sizeof(outer));
	err_where[0] = 0;   /* typed lines come from no file (even inside an entry's configfile) */
	printf("\n Command line: ESC returns to the menu.\n\n");
	while (read_line("osprey> ", NULL, buf, sizeof(buf), false) >= 0) {
		nchain = 0;   /* a person typed it */
		shell_execute(buf);
	}
	strlcpy(err_where, outer, sizeof(err_where));
}

/* Edit a copy of entry i's lines: Up/Down choose a line, e edits it, o/O open a line below/
 * above, d deletes it, b boots the result, ESC goes back. */
static void edit_entry(struct menu_state *st, int i)
{
	const struct menu_entry *e = &st->m->entries[i];
	char (*lines)[LINE_MAX_LEN] = malloc(EDIT_LINES * LINE_MAX_LEN);
	char *ptrs[EDIT_LINES];
	int n = 0, cur = 0;
	char sgr[24];

	if (!lines)
		return;
	for (int k = 0; k < e->n && n < EDIT_LINES; k++)
		strlcpy(lines[n++], st->m->lines[e->first + k], LINE_MAX_LEN);
	for (;;) {
		printf("\x1b[2J\x1b[H Editing '%.60s' (e: edit, o/O: new line, d: delete, b: boot, ESC: back)\n\n", e->title);
		for (int k = 0; k < n; k++)
			printf("%s%c %.76s\x1b[0m\n", line_color(st->m, k == cur, sgr, sizeof(sgr)),
			       k == cur ? '>' : ' ', lines[k]);
		int key = console_getkey();
		if (key == KEY_ESC)
			break;
		if ((key == KEY_UP || key == KEY_CTRL_P) && cur > 0)
			cur--;
		else if ((key == KEY_DOWN || key == KEY_CTRL_N) && cur < n - 1)
			cur++;
		else if (key == 'd' && n > 0) {
			memmove(lines[cur], lines[cur + 1], (size_t)(n - cur - 1) * LINE_MAX_LEN);
			n--;
			if (cur >= n && cur > 0)
				cur--;
		} else if ((key == 'o' || key == 'O') && n < EDIT_LINES) {
			int at = key == 'o' && n ? cur + 1 : cur;
			memmove(lines[at + 1], lines[at], (size_t)(n - at) * LINE_MAX_LEN);
			lines[at][0] = 0;
			n++;
			cur = at;
			read_line("> ", "", lines[cur], LINE_MAX_LEN, false);
		} else if (key == 'e' && n > 0) {
			read_line("> ", lines[cur], lines[cur], LINE_MAX_LEN, false);
		} else if (key == 'b') {
			for (int k = 0; k < n; k++)
				ptrs[k] = lines[k];
			printf("\n  Booting the edited '%s'\n\n", e->title);
			int rc = run_lines(ptrs, n, st->m->file, NULL);
			snprintf(st->msg, sizeof(st->msg), "Booting the edited entry failed: %s", errmsg(rc));
			printf("%s. Press any key.\n", st->msg);
			console_getkey();
		}
	}
	free(lines);
}

static void draw_help(struct menu_state *st, int secs)
{
	printf("\x1b[%d;1H\x1b[K", LIST_TOP + LIST_ROWS + 1);
	printf(" Up/Down (Ctrl-P/Ctrl-N) select, Enter boots, 'e' edits, 'c' command line%s\x1b[K\n",
	       st->m->password && !st->unlocked ? ", 'p' password" : "");
	printf("\x1b[K%s\n", st->msg);
	if (secs >= 0)
		printf("\x1b[K The highlighted entry will be booted automatically in %d s.", secs);
	else
		printf("\x1b[K");
}

static void draw(struct menu_state *st, int secs)
{
	struct menu *m = st->m;

	if (st->sel < st->top)
		st->top = st->sel;
	if (st->sel >= st->top + LIST_ROWS)
		st->top = st->sel - LIST_ROWS + 1;
	printf("\x1b[2J\x1b[H osprey " OSPREY_VERSION " menu: %.60s\n", m->file);
	for (int r = 0; r < LIST_ROWS; r++) {
		int i = st->top + r;
		char t[TITLE_WIDTH + 1], sgr[24];

		printf("\x1b[%d;1H", LIST_TOP + r);
		if (i >= m->nentries) {
			printf("\x1b[K");
			continue;
		}
		/* A title too long for the line ends in '>' (as GRUB legacy marks it). */
		strlcpy(t, m->entries[i].title, sizeof(t));
		if (strlen(m->entries[i].title) > TITLE_WIDTH)
			t[TITLE_WIDTH - 1] = '>';
		printf("%c%s %-*s \x1b[0m\x1b[K", r == 0 && st->top > 0 ? '^' :
		       r == LIST_ROWS - 1 && i < m->nentries - 1 ? 'v' : ' ',
		       line_color(m, i == st->sel, sgr, sizeof(sgr)), TITLE_WIDTH, t);
	}
	draw_help(st, secs);
}

/* A dumb terminal: a numbered list, and a number typed to choose. */
static void draw_dumb(struct menu_state *st)
{
	printf("\nosprey menu: %s\n", st->m->file);
	for (int i = 0; i < st->m->nentries; i++)
		printf(" %c%2d: %s\n", i == st->sel ? '*' : ' ', i, st->m->entries[i].title);
	if (st->msg[0])
		printf("%s\n", st->msg);
	printf("Type a number and Enter to boot it, e NUMBER to edit, c for the command line%s.\n",
	       st->m->password && !st->unlocked ? ", p for the password" : "");
}

/* Count down; -1 when a key stopped it (the key is consumed), else 0. */
static int countdown(struct menu_state *st, bool dumb)
{
	for (int s = st->m->timeout; s > 0; s--) {
		if (dumb)
			printf("\rThe highlighted entry (%d) will be booted automatically in %d s. ", st->sel, s);
		else if (st->m->hidden)
			printf("\rPress any key to see the menu; booting in %d s. ", s);
		else
			draw_help(st, s);
		if (console_wait_key(timer_ms() + 1000, NULL) >= 0) {
			nchain = 0;
			if (!dumb && !st->m->hidden)
				draw_help(st, -1);
			printf("\n");
			return -1;
		}
	}
	printf("\n");
	return 0;
}

static void dumb_loop(struct menu_state *st)
{
	char buf[64];
	uint32_t v;

	for (;;) {
		draw_dumb(st);
		if (read_line("menu> ", NULL, buf, sizeof(buf), false) < 0)
			continue;
		st->msg[0] = 0;
		if (!strcmp(buf, "c"))
			command_line();
		else if (!strcmp(buf, "p") && st->m->password)
			ask_password(st);
		else if (buf[0] == 'e' && buf[1] == ' ' && parse_u32(buf + 2, &v) == 0 &&
			 v < (uint32_t)st->m->nentries)
			edit_entry(st, (int)v);
		else if (parse_u32(buf, &v) == 0 && v < (uint32_t)st->m->nentries)
			boot_with_fallback(st, st->sel = (int)v);
		else if (buf[0])
			snprintf(st->msg, sizeof(st->msg), "No entry '%.40s' (0 to %d).", buf, st->m->nentries - 1);
	}
}

/* Show the menu until an entry boots (never returns then) or for ever. */
static void menu_show(struct menu *m)
{
	static struct menu_state st;
	bool dumb = console_dumb;

	memset(&st, 0, sizeof(st));
	st.m = m;
	st.sel = m->default_entry;
	if (!m->nentries) {
		printf("%s: no entries.\n", m->file);
		return;
	}
	if (!dumb && !m->hidden)
		draw(&st, m->timeout);
	else if (dumb && m->timeout >= 0)
		draw_dumb(&st);   /* dumb_loop draws it otherwise */
	if (m->timeout >= 0 && countdown(&st, dumb) == 0)
		boot_with_fallback(&st, st.sel);
	if (dumb)
		dumb_loop(&st);
	for (;;) {
		draw(&st, -1);
		int k = console_getkey();
		bool locked = m->password && !st.unlocked;

		nchain = 0;
		st.msg[0] = 0;
		if ((k == KEY_UP || k == KEY_CTRL_P) && st.sel > 0)
			st.sel--;
		else if ((k == KEY_DOWN || k == KEY_CTRL_N) && st.sel < m->nentries - 1)
			st.sel++;
		else if (k == KEY_PGUP)
			st.sel = st.sel > LIST_ROWS ? st.sel - LIST_ROWS : 0;
		else if (k == KEY_PGDN)
			st.sel = st.sel + LIST_ROWS < m->nentries ? st.sel + LIST_ROWS : m->nentries - 1;
		else if (k == KEY_HOME)
			st.sel = 0;
		else if (k == KEY_END)
			st.sel = m->nentries - 1;
		else if (k == KEY_ENTER)
			boot_with_fallback(&st, st.sel);
		else if ((k == 'e' || k == 'c') && locked)
			snprintf(st.msg, sizeof(st.msg), "The menu is locked: press 'p' and give the password.");
		else if (k == 'e')
			edit_entry(&st, st.sel);
		else if (k == 'c')
			command_line();
		else if (k == 'p' && m->password) {
			printf("\x1b[%d;1H\x1b[K", LIST_TOP + LIST_ROWS + 3);
			if (ask_password(&st) == 0 && m->password_file) {
				static char next[128];
				strlcpy(next, m->password_file, sizeof(next));
				menu_load(next);
			}
		}
	}
}

/* Load and parse a menu.lst and run its global commands; *out is the menu (menu_free + free). */
static int menu_read(const char *name, struct menu **out)
{
	void *data;
	size_t len;
	int rc;

	for (int i = 0; i < nchain; i++)
		if (!strcmp(chain[i], name))
			return cmd_error(-E_INVAL, "configfile %s: loads itself (through configfile); stopped", name);
	if (nchain >= MAX_CHAIN)
		return cmd_error(-E_TOOBIG, "configfile %s: more than %d menus in a row; stopped", name, MAX_CHAIN);
	strlcpy(chain[nchain++], name, sizeof(chain[0]));

	rc = file_load(name, &(struct load_opts){ 0 }, &data, &len);
	if (rc < 0)
		return cmd_fail(rc, name);
	struct menu *m = malloc(sizeof(*m));
	if (!m) {
		free(data);
		return cmd_fail(-E_NOMEM, name);
	}
	rc = menu_parse(m, name, data, len, menu_known, menu_report, NULL);
	free(data);
	if (rc < 0) {
		free(m);
		return cmd_fail(rc, name);
	}
	/* Commands before the first title (serial, terminal, ...) run now, as GRUB legacy did. */
	depth++;
	for (int i = 0; i < m->nglobal; i++)
		run_line_at(m->lines[i], name, m->line_no[i]);   /* a failure names its line */
	depth--;
	*out = m;
	return 0;
}

/* Show m (returns only when it has no entries) and free it. */
static void menu_run(struct menu *m)
{
	depth++;
	menu_show(m);
	depth--;
	menu_free(m);
	free(m);
}

int menu_load(const char *name)
{
	struct menu *m;
	int rc = menu_read(name, &m);

	if (rc < 0)
		return rc;
	menu_run(m);
	return 0;
}

void menu_startup(const char *first)
{
	struct menu *preset = NULL;
	bool loaded;

	nchain = 0;
	/* The preset runs first (its global commands); its entries wait for the search. */
	if (menu_read(PRESET_MENU_NAME, &preset) < 0)
		preset = NULL;
	/* A disk boot's own menu.lst comes before what the server chooses. */
	loaded = (first && menu_load(first) >= 0) || server_config_load(true) >= 0;
	if (loaded || !preset) {
		if (preset) {
			menu_free(preset);
			free(preset);
		}
		return;
	}
	if (preset->nentries) {
		printf("No configuration file loaded: the preset menu's entries\n");
		menu_run(preset);
	} else {
		menu_free(preset);
		free(preset);
	}
}

static int cmd_configfile(int argc, char **argv)
{
	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: configfile FILE");
	if (!depth)
		nchain = 0;   /* typed at the prompt */
	return menu_load(argv[1]);
}
COMMAND(configfile, CMD_MENU, "configfile FILE",
	"Load FILE as a GRUB legacy menu.lst and show its menu.", cmd_configfile);
