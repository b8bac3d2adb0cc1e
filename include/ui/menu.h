/* menu.h: GRUB legacy's menu.lst: the parsed form (menu_parse, host-tested) and the menu that
 * shows it (menu_run, loader only). */
#ifndef OSPREY_MENU_H
#define OSPREY_MENU_H

#include "lib/lib.h"

#define MENU_MAX_ENTRIES 256
#define MENU_MAX_LINES   2048     /* command lines in all entries and the global part */
#define MENU_MAX_FALLBACK 8
#define MENU_LINE_MAX    1023     /* longest line accepted (the line editor's limit) */

struct menu_entry {
	const char *title;
	int first, n;        /* its command lines: lines[first .. first + n) */
	int line_no;         /* the title's line in the file */
	bool lock;           /* `lock`: booting it needs the password */
};

struct menu {
	char file[128];      /* the name it was read from, for messages */
	char *text;          /* owned copy of the file: every string below points into it */
	int default_entry;
	bool default_saved;  /* `default saved` (nothing is saved here: entry 0) */
	int timeout;         /* seconds; -1: wait for ever */
	int fallback[MENU_MAX_FALLBACK], nfallback;
	bool hidden;         /* hiddenmenu */
	const char *password;        /* NULL: no password */
	bool password_md5;
	const char *password_file;   /* the menu to load once the password is given, or NULL */
	uint8_t color_normal, color_highlight;
	bool has_color;
	int nglobal;         /* lines[0 .. nglobal): commands before the first title, run at load */
	const char *lines[MENU_MAX_LINES];
	int line_no[MENU_MAX_LINES];
	int nlines;
	struct menu_entry entries[MENU_MAX_ENTRIES];
	int nentries;
	int problems;        /* lines reported (the rest of the menu still works) */
};

/* How the parser reports a line it could not take: "FILE:LINE: msg". */
typedef void (*menu_report_fn)(void *ctx, const char *file, int line, const char *msg);

/* Parse menu.lst text (len bytes, any content) into m (which the caller allocated; it is
 * cleared first). known(name) says whether a command may appear in a menu; lines naming
 * anything else are reported and left out. Every problem is reported with its line and the
 * rest is kept. Returns 0 or -E_NOMEM; m->text must be freed with menu_free(). */
int menu_parse(struct menu *m, const char *file, const char *text, size_t len,
	       bool (*known)(const char *name), menu_report_fn report, void *ctx);
void menu_free(struct menu *m);
/* 0 when typed is the menu's password (plain or md5crypt), -E_ACCESS otherwise. */
int menu_check_password(const struct menu *m, const char *typed);
/* Parse GRUB legacy's "FG/BG" colour into a VGA attribute; -E_INVAL for an unknown name. */
int menu_parse_color(const char *s, uint8_t *attr);
/* The ANSI SGR sequence that sets a VGA attribute (ESC[0;[1;][5;]3F;4Bm): the menu draws with
 * it on every terminal and the VGA console maps it back. */
void menu_color_sgr(uint8_t attr, char *buf, size_t size);

/* Load a menu.lst, run its global commands and show its menu (loader only). Returns only
 * when the file could not be loaded, names itself through configfile, or has no entries. */
int menu_load(const char *name);

/* The menu compiled into the image (configure --enable-preset-menu=FILE). */
#define PRESET_MENU_NAME "(preset)/menu.lst"
/* Start-up, as GRUB legacy: run the preset menu's global commands, then load the configuration
 * file (first, when given: a disk boot's own menu.lst; then the one the server chooses);
 * only when none could be loaded show the preset's entries. Returns
 * when nothing booted (the prompt follows). */
void menu_startup(const char *first);

#endif
