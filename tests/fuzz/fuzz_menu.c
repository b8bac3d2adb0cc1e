/* fuzz_menu.c: libFuzzer target for the menu.lst parser and the md5crypt password check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ui/menu.h"
#include "lib/md5.h"
#include "lib/errors.h"

static bool known(const char *name)
{
	return !strcmp(name, "kernel") || !strcmp(name, "boot") || !strcmp(name, "echo");
}

static void report(void *ctx, const char *file, int line, const char *msg)
{
	if (!msg || strlen(msg) >= 160 || line < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct menu m;

	if (menu_parse(&m, "fuzz.lst", (const char *)data, size, known, report, NULL) < 0)
		abort();
	/* Everything the menu will use must be in range and point into the parsed copy. */
	if (m.nentries < 0 || m.nentries > MENU_MAX_ENTRIES || m.nlines > MENU_MAX_LINES ||
	    m.nglobal > m.nlines || (m.nentries && m.default_entry >= m.nentries))
		abort();
	for (int i = 0; i < m.nfallback; i++)
		if (m.fallback[i] < 0 || m.fallback[i] >= m.nentries)
			abort();
	for (int i = 0; i < m.nentries; i++) {
		const struct menu_entry *e = &m.entries[i];
		if (e->first < 0 || e->n < 0 || e->first + e->n > m.nlines || strlen(e->title) > size)
			abort();
	}
	for (int i = 0; i < m.nlines; i++)
		if (strlen(m.lines[i]) > MENU_LINE_MAX || m.lines[i] < m.text || m.lines[i] > m.text + size)
			abort();
	/* The password check takes any typed text and any hash. */
	if (m.password) {
		int rc = menu_check_password(&m, m.nentries ? m.entries[0].title : "");
		if (rc != 0 && rc != -E_ACCESS)
			abort();
	}
	char out[64];
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	int rc = md5crypt(s, s, out, sizeof(out));
	if (rc == 0 && (strncmp(out, "$1$", 3) || strlen(out) > 3 + 8 + 1 + 22))
		abort();
	free(s);
	menu_free(&m);
	return 0;
}
