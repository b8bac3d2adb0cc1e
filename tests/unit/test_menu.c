/* test_menu.c: the menu.lst parser on a GRUB legacy distribution's file, on each setting, and
 * on hostile input (NUL bytes, huge lines, too many entries, bad numbers, no final newline). */
#include "test.h"
#include <stdlib.h>
#include "ui/menu.h"
#include "lib/errors.h"

static char reports[8192];

static void report(void *ctx, const char *file, int line, const char *msg)
{
	size_t n = strlen(reports);
	snprintf(reports + n, sizeof(reports) - n, "%s:%d: %s\n", file, line, msg);
}

static bool known(const char *name)
{
	static const char *const cmds[] = { "kernel", "initrd", "boot", "root", "echo", "serial",
					    "terminal", "configfile", "dhcp", "module" };
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(name, cmds[i]))
			return true;
	return false;
}

static struct menu *parse(const char *text, size_t len)
{
	struct menu *m = malloc(sizeof(*m));
	reports[0] = 0;
	CHECK_EQ(menu_parse(m, "(nd)/menu.lst", text, len, known, report, NULL), 0);
	return m;
}

static void done(struct menu *m)
{
	menu_free(m);
	free(m);
}

/* Shaped like the menu.lst Debian's update-grub wrote for GRUB legacy. */
static const char debian[] =
	"# menu.lst - See: grub(8), info grub, update-grub(8)\n"
	"default\t\t1\n"
	"timeout\t\t5\n"
	"\n"
	"color cyan/blue white/blue\n"
	"password --md5 $1$abc$BXBqpb9BZcZhXLgbee.0s/\n"
	"splashimage=(hd0,0)/grub/splash.xpm.gz\n"
	"hiddenmenu\n"
	"fallback 1 0\n"
	"### BEGIN AUTOMAGIC KERNELS LIST\n"
	"# kopt=root=/dev/sda1 ro\n"
	"## ## End Default Options ##\n"
	"\r\n"
	"title\t\tDebian GNU/Linux, kernel 2.6.26-2-686\r\n"
	"root\t\t(hd0,0)\n"
	"kernel\t\t/boot/vmlinuz-2.6.26-2-686 root=/dev/sda1 ro quiet\n"
	"initrd\t\t/boot/initrd.img-2.6.26-2-686\n"
	"savedefault\n"
	"\n"
	"title=Debian GNU/Linux, kernel 2.6.26-2-686 (single-user mode)\n"
	"  lock\n"
	"  kernel=/boot/vmlinuz-2.6.26-2-686 root=/dev/sda1 ro single\n"
	"  impsprobe\n"
	"  savedefault\n"
	"  boot\n"
	"### END DEBIAN AUTOMAGIC KERNELS LIST";

TEST(menu_debian_file)
{
	struct menu *m = parse(debian, strlen(debian));

	CHECK_EQ(m->nentries, 2);
	CHECK_EQ(m->default_entry, 1);
	CHECK_EQ(m->timeout, 5);
	CHECK(m->hidden);
	CHECK_EQ(m->nfallback, 2);
	CHECK_EQ(m->fallback[0], 1);
	CHECK_EQ(m->fallback[1], 0);
	CHECK(m->has_color);
	CHECK_EQ(m->color_normal, 0x13);
	CHECK_EQ(m->color_highlight, 0x1f);
	CHECK(m->password_md5);
	CHECK_EQ(menu_check_password(m, "password"), 0);
	CHECK_EQ(menu_check_password(m, "Password"), -E_ACCESS);
	CHECK_EQ(m->nglobal, 0);
	CHECK_STR(m->entries[0].title, "Debian GNU/Linux, kernel 2.6.26-2-686");
	CHECK_EQ(m->entries[0].line_no, 14);
	CHECK_EQ(m->entries[0].n, 3);
	CHECK_STR(m->lines[m->entries[0].first], "root (hd0,0)");
	CHECK_STR(m->lines[m->entries[0].first + 1],
		  "kernel /boot/vmlinuz-2.6.26-2-686 root=/dev/sda1 ro quiet");
	CHECK(!m->entries[0].lock);
	CHECK_STR(m->entries[1].title, "Debian GNU/Linux, kernel 2.6.26-2-686 (single-user mode)");
	CHECK(m->entries[1].lock);
	CHECK_EQ(m->entries[1].n, 2);
	CHECK_STR(m->lines[m->entries[1].first], "kernel /boot/vmlinuz-2.6.26-2-686 root=/dev/sda1 ro single");
	CHECK_STR(m->lines[m->entries[1].first + 1], "boot");
	/* One problem (impsprobe), two notes (splashimage, savedefault said once). */
	CHECK_EQ(m->problems, 1);
	CHECK_STR(reports,
		  "(nd)/menu.lst:7: splashimage: not supported, the menu is text only (ignored)\n"
		  "(nd)/menu.lst:18: savedefault: there is nowhere to save the default on a diskless machine (ignored)\n"
		  "(nd)/menu.lst:23: unknown command 'impsprobe' (line left out)\n");
	done(m);
}

TEST(menu_settings_errors)
{
	static const char t[] =
		"timeout abc\n"
		"default -1\n"
		"fallback 0 x 7\n"
		"password\n"
		"password --md5 plain\n"
		"color pink/blue\n"
		"color white/yellow\n"
		"serial --unit=0 --speed=115200\n"
		"terminal serial console\n"
		"frobnicate\n"
		"default 9\n"
		"title one\n"
		"timeout 3\n"
		"echo hi\n";
	struct menu *m = parse(t, sizeof(t) - 1);

	CHECK_EQ(m->timeout, -1);
	CHECK_EQ(m->default_entry, 0);
	CHECK_EQ(m->nfallback, 1);
	CHECK(!m->password);
	CHECK(!m->has_color);
	CHECK_EQ(m->nglobal, 2);
	CHECK_STR(m->lines[0], "serial --unit=0 --speed=115200");
	CHECK_STR(m->lines[1], "terminal serial console");
	CHECK_EQ(m->nentries, 1);
	CHECK_EQ(m->entries[0].n, 1);
	CHECK_STR(reports,
		  "(nd)/menu.lst:1: timeout: expected a number of seconds\n"
		  "(nd)/menu.lst:2: default: expected an entry number (0 is the first) or 'saved'\n"
		  "(nd)/menu.lst:3: fallback: 'x' is not an entry number\n"
		  "(nd)/menu.lst:4: password: expected [--md5] PASSWORD [FILE]\n"
		  "(nd)/menu.lst:5: password --md5: the password must be an md5crypt hash ($1$...)\n"
		  "(nd)/menu.lst:6: color: expected NORMAL [HIGHLIGHT] as FG/BG colour names\n"
		  "(nd)/menu.lst:7: color: expected NORMAL [HIGHLIGHT] as FG/BG colour names\n"
		  "(nd)/menu.lst:10: unknown command 'frobnicate' (line left out)\n"
		  "(nd)/menu.lst:13: 'timeout' belongs before the first title (ignored)\n"
		  "(nd)/menu.lst:0: default 9: there are only 1 entries; using entry 0\n"
		  "(nd)/menu.lst:0: fallback 7: there are only 1 entries (left out)\n");
	CHECK_EQ(m->problems, 11);
	done(m);
}

TEST(menu_plain_password_file_default_saved)
{
	static const char t[] = "default saved\npassword s3cret (nd)/admin.lst\ntitle a\ntitle b\nsavedefault\n";
	struct menu *m = parse(t, sizeof(t) - 1);

	CHECK(m->default_saved);
	CHECK(!m->password_md5);
	CHECK_STR(m->password_file, "(nd)/admin.lst");
	CHECK_EQ(menu_check_password(m, "s3cret"), 0);
	CHECK_EQ(menu_check_password(m, "s3cre"), -E_ACCESS);
	CHECK_EQ(menu_check_password(m, ""), -E_ACCESS);
	/* said once for the file, though both lines ask to save */
	CHECK_STR(reports, "(nd)/menu.lst:1: default saved: there is nowhere to save the default on a diskless machine (ignored)\n");
	CHECK_EQ(m->problems, 0);
	CHECK_EQ(m->nentries, 2);
	CHECK_EQ(m->entries[1].n, 0);
	done(m);
}

TEST(menu_hostile)
{
	/* NUL bytes, an overlong line, an empty file, a file of only separators. */
	static const char nul[] = "title a\nkernel /x\0evil\nboot";
	struct menu *m = parse(nul, sizeof(nul) - 1);
	CHECK_EQ(m->nentries, 1);
	CHECK_EQ(m->entries[0].n, 1);
	CHECK_STR(m->lines[m->entries[0].first], "boot");
	CHECK_STR(reports, "(nd)/menu.lst:2: a NUL byte in the line (line left out)\n");
	done(m);

	size_t big = 5000;
	char *t = malloc(big + 64);
	strcpy(t, "title x\nkernel ");
	memset(t + 15, 'a', big);
	strcpy(t + 15 + big, "\necho ok\n");
	m = parse(t, strlen(t));
	CHECK_EQ(m->entries[0].n, 1);
	CHECK_STR(reports, "(nd)/menu.lst:2: line longer than 1023 characters (left out)\n");
	done(m);
	free(t);

	m = parse("", 0);
	CHECK_EQ(m->nentries, 0);
	CHECK_EQ(m->problems, 0);
	done(m);

	m = parse("\n\n\r\n  \t\n=\n", 9);
	CHECK_EQ(m->nentries, 0);
	done(m);

	m = parse("title\ntitle=\ntitle   \n", 21);
	CHECK_EQ(m->nentries, 3);
	CHECK_STR(m->entries[0].title, "");
	CHECK_STR(m->entries[1].title, "");
	done(m);

	m = parse("timeout 99999999999999999999\ndefault 256\nfallback 1 2 3 4 5 6 7 8 9\n", 67);
	CHECK_EQ(m->timeout, -1);
	CHECK_EQ(m->default_entry, 0);
	CHECK(strstr(reports, ":3: fallback: at most 8 entries") != NULL);
	done(m);

	/* An unterminated quote in a setting is reported, not crashed on. */
	m = parse("password \"abc\n", 14);
	CHECK(!m->password);
	done(m);
}

TEST(menu_too_many_entries)
{
	size_t cap = 300 * 40;
	char *t = malloc(cap), *p = t;

	for (int i = 0; i < 300; i++)
		p += sprintf(p, "title e%d\necho %d\n", i, i);
	struct menu *m = parse(t, (size_t)(p - t));
	CHECK_EQ(m->nentries, MENU_MAX_ENTRIES);
	CHECK_EQ(m->nlines, MENU_MAX_ENTRIES);
	CHECK_STR(m->entries[255].title, "e255");
	CHECK_STR(reports, "(nd)/menu.lst:513: too many entries (at most 256): the rest are left out\n");
	done(m);
	free(t);

	/* more command lines than the table holds */
	t = malloc(2100 * 8 + 16);
	p = t + sprintf(t, "title a\n");
	for (int i = 0; i < 2100; i++)
		p += sprintf(p, "boot\n");
	m = parse(t, (size_t)(p - t));
	CHECK_EQ(m->nlines, MENU_MAX_LINES);
	CHECK_EQ(m->problems, 2100 - MENU_MAX_LINES);
	done(m);
	free(t);
}

TEST(menu_colors)
{
	uint8_t a;

	CHECK_EQ(menu_parse_color("light-gray/black", &a), 0);
	CHECK_EQ(a, 0x07);
	CHECK_EQ(menu_parse_color("blink-red/blue", &a), 0);
	CHECK_EQ(a, 0x94);
	CHECK_EQ(menu_parse_color("white/white", &a), -E_INVAL);
	CHECK_EQ(menu_parse_color("white", &a), -E_INVAL);
	CHECK_EQ(menu_parse_color("/", &a), -E_INVAL);
	CHECK_EQ(menu_parse_color("blink-/x", &a), -E_INVAL);
}

TEST(menu_color_sgr)
{
	char buf[24];
	uint8_t a;

	CHECK_EQ(menu_parse_color("cyan/blue", &a), 0);
	menu_color_sgr(a, buf, sizeof(buf));
	CHECK_STR(buf, "\x1b[0;36;44m");
	CHECK_EQ(menu_parse_color("white/red", &a), 0);
	menu_color_sgr(a, buf, sizeof(buf));
	CHECK_STR(buf, "\x1b[0;1;37;41m");
	CHECK_EQ(menu_parse_color("blink-yellow/brown", &a), 0);
	menu_color_sgr(a, buf, sizeof(buf));
	CHECK_STR(buf, "\x1b[0;1;5;33;43m");
}
