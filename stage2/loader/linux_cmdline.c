/* linux_cmdline.c: finds what a kernel command line asks of the loader (vga=, mem=). */
#include "loader/linux.h"
#include "lib/errors.h"

/* As the kernel's boot code: any control character or space separates words. */
static bool is_space(char c)
{
	return (unsigned char)c <= ' ';
}

/* Copy the value of a word (up to the next space) into buf; -E_INVAL when it does not fit. */
static int word_value(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	while (s[n] && !is_space(s[n])) {
		if (n + 1 >= size)
			return -E_INVAL;
		buf[n] = s[n];
		n++;
	}
	buf[n] = '\0';
	return 0;
}

static int parse_vga(const char *v, uint16_t *out)
{
	uint32_t n;

	if (!strcmp(v, "normal"))
		*out = VID_MODE_NORMAL;
	else if (!strcmp(v, "ext"))
		*out = VID_MODE_EXTENDED;
	else if (!strcmp(v, "ask"))
		*out = VID_MODE_ASK;
	else if (parse_u32(v, &n) == 0 && n <= 0xffff)
		*out = (uint16_t)n;
	else
		return -E_INVAL;
	return 0;
}

/* Words are split on spaces; a double quote keeps spaces inside one word (as the kernel
 * does), so `foo="a vga=1"` is not a vga= word. The last vga= / mem= wins. */
int linux_cmdline_scan(const char *cmdline, struct linux_cmdline_opts *o)
{
	char val[32];
	const char *s = cmdline;
	int rc;

	memset(o, 0, sizeof(*o));
	if (!s)
		return 0;
	for (;;) {
		while (*s && is_space(*s))
			s++;
		if (!*s)
			return 0;
		if (!strncmp(s, "vga=", 4)) {
			if ((rc = word_value(s + 4, val, sizeof(val))) < 0 ||
			    (rc = parse_vga(val, &o->vga)) < 0)
				return rc;
			o->has_vga = true;
		} else if (!strncmp(s, "mem=", 4)) {
			if ((rc = word_value(s + 4, val, sizeof(val))) < 0)
				return rc;
			/* "mem=nopentium" is a kernel option about page sizes, not a size. */
			if (strcmp(val, "nopentium") != 0) {
				if (parse_size(val, &o->mem) < 0)
					return -E_INVAL;
				o->has_mem = true;
			}
		}
		/* Skip to the end of the word, honouring quotes. */
		bool quoted = false;
		while (*s && (quoted || !is_space(*s))) {
			if (*s == '"')
				quoted = !quoted;
			s++;
		}
	}
}
