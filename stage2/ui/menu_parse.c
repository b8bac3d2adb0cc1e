/* menu_parse.c: reads GRUB legacy's menu.lst (global settings, then `title` entries and their
 * command lines), reporting each line it cannot take and keeping the rest. */
#include "ui/menu.h"
#include "ui/command.h"
#include "lib/md5.h"
#include "lib/errors.h"

#include "services/heap.h"

struct parser {
	struct menu *m;
	bool (*known)(const char *name);
	menu_report_fn report;
	void *ctx;
	int line;
	bool noted_save;     /* "nowhere to save" is said once per file */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void say(struct parser *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(struct parser *p, int line, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->m->problems++;
	if (p->report)
		p->report(p->ctx, p->m->file, line, msg);
}

static void note_save(struct parser *p, const char *what)
{
	if (p->noted_save)
		return;
	p->noted_save = true;
	p->m->problems--;   /* a note, not a problem */
	say(p, p->line, "%s: there is nowhere to save the default on a diskless machine (ignored)", what);
}

/* A decimal number below limit, or -1. */
static int number(const char *s, int limit)
{
	uint32_t v;

	if (parse_u32(s, &v) < 0 || v >= (uint32_t)limit)
		return -1;
	return (int)v;
}

static const char *const colors[16] = {
	"black", "blue", "green", "cyan", "red", "magenta", "brown", "light-gray",
	"dark-gray", "light-blue", "light-green", "light-cyan", "light-red", "light-magenta",
	"yellow", "white",
};

/* One colour name of len bytes; background colours are the first eight only. */
static int color_index(const char *s, size_t len, bool background)
{
	for (int i = 0; i < (background ? 8 : 16); i++)
		if (strlen(colors[i]) == len && !strncmp(colors[i], s, len))
			return i;
	return -1;
}

int menu_parse_color(const char *s, uint8_t *attr)
{
	const char *slash = strchr(s, '/');
	uint8_t blink = 0;
	int fg, bg;

	if (!strncmp(s, "blink-", 6)) {
		blink = 0x80;
		s += 6;
	}
	if (!slash || slash < s)
		return -E_INVAL;
	fg = color_index(s, (size_t)(slash - s), false);
	bg = color_index(slash + 1, strlen(slash + 1), true);
	if (fg < 0 || bg < 0)
		return -E_INVAL;
	*attr = (uint8_t)(blink | bg << 4 | fg);
	return 0;
}

void menu_color_sgr(uint8_t attr, char *buf, size_t size)
{
	/* VGA's colour numbers (blue = 1, red = 4) to ANSI's (red = 1, blue = 4). */
	static const uint8_t vga_ansi[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

	snprintf(buf, size, "\x1b[0;%s%s3%u;4%um", attr & 0x08 ? "1;" : "", attr & 0x80 ? "5;" : "",
		 vga_ansi[attr & 7], vga_ansi[attr >> 4 & 7]);
}

static bool is_global_only(const char *kw)
{
	static const char *const names[] = { "default", "timeout", "fallback", "hiddenmenu",
					     "password", "color", "splashimage", "gfxmenu" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(kw, names[i]))
			return true;
	return false;
}

/* The settings GRUB legacy takes only before the first title. args is split in place. */
static bool global_setting(struct parser *p, const char *kw, char *args)
{
	struct menu *m = p->m;
	char *argv[MENU_MAX_FALLBACK + 2];
	int argc, v;

	if (!is_global_only(kw))
		return false;   /* before splitting: other lines are kept as they are */
	argc = shell_split(args, argv, (int)ARRAY_SIZE(argv));
	if (argc == -E_TOOBIG && !strcmp(kw, "fallback"))
		argc = MENU_MAX_FALLBACK + 1;
	else if (argc < 0) {
		say(p, p->line, "%s: %s", kw, errmsg(argc));
		return true;
	}
	if (!strcmp(kw, "default")) {
		if (argc == 1 && !strcmp(argv[0], "saved")) {
			m->default_saved = true;
			m->default_entry = 0;
			note_save(p, "default saved");
		} else if (argc != 1 || (v = number(argv[0], MENU_MAX_ENTRIES)) < 0)
			say(p, p->line, "default: expected an entry number (0 is the first) or 'saved'");
		else
			m->default_entry = v;
	} else if (!strcmp(kw, "timeout")) {
		if (argc != 1 || (v = number(argv[0], 100000)) < 0)
			say(p, p->line, "timeout: expected a number of seconds");
		else
			m->timeout = v;
	} else if (!strcmp(kw, "fallback")) {
		if (argc < 1)
			say(p, p->line, "fallback: expected entry numbers");
		else if (argc > MENU_MAX_FALLBACK)
			say(p, p->line, "fallback: at most %d entries", MENU_MAX_FALLBACK);
		m->nfallback = 0;
		for (int i = 0; i < argc && i < MENU_MAX_FALLBACK; i++) {
			if ((v = number(argv[i], MENU_MAX_ENTRIES)) < 0)
				say(p, p->line, "fallback: '%.40s' is not an entry number", argv[i]);
			else
				m->fallback[m->nfallback++] = v;
		}
	} else if (!strcmp(kw, "hiddenmenu")) {
		m->hidden = true;
	} else if (!strcmp(kw, "password")) {
		bool md5 = argc > 0 && !strcmp(argv[0], "--md5");
		int i = md5 ? 1 : 0;

		if (argc - i < 1 || argc - i > 2)
			say(p, p->line, "password: expected [--md5] PASSWORD [FILE]");
		else if (md5 && strncmp(argv[i], "$1$", 3))
			say(p, p->line, "password --md5: the password must be an md5crypt hash ($1$...)");
		else {
			m->password = argv[i];
			m->password_md5 = md5;
			m->password_file = argc - i == 2 ? argv[i + 1] : NULL;
		}
	} else if (!strcmp(kw, "color")) {
		uint8_t n, h;

		if (argc < 1 || argc > 2 || menu_parse_color(argv[0], &n) < 0 ||
		    (argc == 2 && menu_parse_color(argv[1], &h) < 0))
			say(p, p->line, "color: expected NORMAL [HIGHLIGHT] as FG/BG colour names");
		else {
			m->color_normal = n;
			/* GRUB legacy: without a highlight colour, the normal one swapped. */
			m->color_highlight = argc == 2 ? h : (uint8_t)((n >> 4 & 7) | (n & 7) << 4);
			m->has_color = true;
		}
	} else if (!strcmp(kw, "splashimage") || !strcmp(kw, "gfxmenu")) {
		m->problems--;   /* a note */
		say(p, p->line, "%s: not supported, the menu is text only (ignored)", kw);
	} else {
		return false;
	}
	return true;
}

static void add_line(struct parser *p, char *line)
{
	struct menu *m = p->m;

	if (m->nlines >= MENU_MAX_LINES) {
		say(p, p->line, "too many command lines (at most %d): line left out", MENU_MAX_LINES);
		return;
	}
	m->line_no[m->nlines] = p->line;
	m->lines[m->nlines++] = line;
	if (m->nentries)
		m->entries[m->nentries - 1].n++;
}

/* One trimmed, non-empty, non-comment line: kw points at its first word (NUL-ended by the
 * caller), rest at what follows the separator (spaces or one '='). */
static void parse_line(struct parser *p, char *line, char *kw, char *rest)
{
	struct menu *m = p->m;
	bool in_entry = m->nentries > 0;

	if (!strcmp(kw, "title")) {
		if (m->nentries >= MENU_MAX_ENTRIES) {
			if (m->nentries == MENU_MAX_ENTRIES)
				say(p, p->line, "too many entries (at most %d): the rest are left out",
				    MENU_MAX_ENTRIES);
			m->nentries = MENU_MAX_ENTRIES + 1;   /* said once; lines below are dropped */
			return;
		}
		struct menu_entry *e = &m->entries[m->nentries++];
		e->title = rest;
		e->first = m->nlines;
		e->n = 0;
		e->line_no = p->line;
		e->lock = false;
		return;
	}
	if (m->nentries > MENU_MAX_ENTRIES)
		return;
	if (!in_entry && global_setting(p, kw, rest))
		return;
	if (in_entry && is_global_only(kw)) {
		say(p, p->line, "'%s' belongs before the first title (ignored)", kw);
		return;
	}
	if (in_entry && !strcmp(kw, "lock")) {
		m->entries[m->nentries - 1].lock = true;
		return;
	}
	if (!strcmp(kw, "savedefault")) {
		note_save(p, "savedefault");
		return;
	}
	if (!p->known || !p->known(kw)) {
		say(p, p->line, "unknown command '%.40s' (line left out)", kw);
		return;
	}
	/* Keep the whole line as the shell will run it: "kernel=/x" becomes "kernel /x". */
	size_t k = strlen(kw);
	if (*rest) {
		kw[k] = ' ';
		memmove(kw + k + 1, rest, strlen(rest) + 1);
	}
	add_line(p, line);
}

/* Check what can only be checked once every entry is known. */
static void check_numbers(struct parser *p)
{
	struct menu *m = p->m;
	int n = m->nentries;

	if (n > MENU_MAX_ENTRIES)
		n = m->nentries = MENU_MAX_ENTRIES;
	if (n && m->default_entry >= n) {
		say(p, 0, "default %d: there are only %d entries; using entry 0", m->default_entry, n);
		m->default_entry = 0;
	}
	int k = 0;
	for (int i = 0; i < m->nfallback; i++) {
		if (m->fallback[i] >= n)
			say(p, 0, "fallback %d: there are only %d entries (left out)", m->fallback[i], n);
		else
			m->fallback[k++] = m->fallback[i];
	}
	m->nfallback = k;
}

int menu_parse(struct menu *m, const char *file, const char *text, size_t len,
	       bool (*known)(const char *name), menu_report_fn report, void *ctx)
{
	struct parser p = { .m = m, .known = known, .report = report, .ctx = ctx };

	memset(m, 0, sizeof(*m));
	strlcpy(m->file, file ? file : "menu", sizeof(m->file));
	m->timeout = -1;
	m->text = malloc(len + 1);
	if (!m->text)
		return -E_NOMEM;
	memcpy(m->text, text, len);
	m->text[len] = '\0';

	char *s = m->text, *end = m->text + len;
	while (s < end) {
		char *eol = s, *next;

		while (eol < end && *eol != '\n')
			eol++;
		next = eol + 1;
		p.line++;
		*eol = '\0';
		if (strlen(s) != (size_t)(eol - s)) {
			say(&p, p.line, "a NUL byte in the line (line left out)");
			s = next;
			continue;
		}
		if ((size_t)(eol - s) > MENU_LINE_MAX) {
			say(&p, p.line, "line longer than %d characters (left out)", MENU_LINE_MAX);
			s = next;
			continue;
		}
		while (is_space(*s))
			s++;
		char *t = eol;
		while (t > s && is_space(t[-1]))
			*--t = '\0';
		if (*s && *s != '#') {
			char *kw = s, *rest = s;

			/* GRUB legacy: the command name ends at a space or '=', and the
			 * spaces and '=' signs after it are skipped ("timeout=5"). */
			while (*rest && !is_space(*rest) && *rest != '=')
				rest++;
			if (*rest) {
				*rest++ = '\0';
				while (is_space(*rest) || *rest == '=')
					rest++;
			}
			parse_line(&p, s, kw, rest);
		}
		s = next;
	}
	check_numbers(&p);
	m->nglobal = m->nentries ? m->entries[0].first : m->nlines;
	return 0;
}

void menu_free(struct menu *m)
{
	free(m->text);
	m->text = NULL;
}

int menu_check_password(const struct menu *m, const char *typed)
{
	if (!m->password)
		return 0;
	if (m->password_md5)
		return md5crypt_check(typed, m->password) == 0 ? 0 : -E_ACCESS;
	return strcmp(typed, m->password) == 0 ? 0 : -E_ACCESS;
}
