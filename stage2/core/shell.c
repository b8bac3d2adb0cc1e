/* shell.c: splits a command line into words, finds the registered command and runs it. */
#include "lib/lib.h"
#include "lib/errors.h"
#include "ui/command.h"

/* Weak, so that an image (or a fuzz target) that links no command at all still links:
 * the section bounds then both resolve to NULL and the table is empty. */
extern const struct command __start_osprey_cmds[] __attribute__((weak));
extern const struct command __stop_osprey_cmds[] __attribute__((weak));

const struct command *command_find(const char *name)
{
	if (!name)
		return NULL;
	for_each_command(c) {
		if (c->name && strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Rules: words are separated by whitespace. Outside quotes a backslash takes the next
 * character literally (a backslash at the very end stays a backslash). Inside "double
 * quotes" whitespace is kept and a backslash escapes only '"' and '\'; "" is an empty
 * word. A line whose first word starts with an unquoted '#' is a comment (argc 0).
 * Words are rewritten in place (unquoting only shrinks them). At most max - 1 words are
 * accepted, so that argv[argc] = NULL always fits. */
int shell_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *r = line, *w;

	if (!line || !argv || max <= 0)
		return -E_INVAL;
	for (;;) {
		while (is_space(*r))
			r++;
		if (!*r)
			break;
		if (argc == 0 && *r == '#')
			break;   /* a comment line */
		if (argc >= max - 1)
			return -E_TOOBIG;

		bool quoted = false;
		w = r;
		argv[argc++] = w;
		while (*r) {
			if (quoted) {
				if (*r == '"') {
					quoted = false;
					r++;
				} else if (*r == '\\' && (r[1] == '"' || r[1] == '\\')) {
					*w++ = r[1];
					r += 2;
				} else {
					*w++ = *r++;
				}
			} else if (is_space(*r)) {
				r++;   /* the separator: the NUL below may overwrite it */
				break;
			} else if (*r == '"') {
				quoted = true;
				r++;
			} else if (*r == '\\' && r[1]) {
				*w++ = r[1];
				r += 2;
			} else {
				*w++ = *r++;
			}
		}
		if (quoted)
			return -E_INVAL;
		*w = '\0';   /* w < r here, or both at the line's NUL */
	}
	argv[argc] = NULL;
	return argc;
}

/* Split and dispatch; *name gets the command name looked up (NULL if none). */
static int run_line(char *line, const char **name)
{
	char *argv[MAX_ARGS + 1];
	int argc = shell_split(line, argv, (int)ARRAY_SIZE(argv));

	*name = NULL;
	if (argc <= 0)
		return argc;
	*name = argv[0];

	const struct command *c = command_find(argv[0]);
	if (!c || !c->fn)
		return -E_NOCMD;
	return c->fn(argc, argv);
}

int shell_run_line(char *line)
{
	const char *name;

	return run_line(line, &name);
}

int shell_execute(char *line)
{
	const char *name;
	int rc = run_line(line, &name);

	if (rc == -E_NOCMD && name && !command_find(name))
		printf("%sunknown command '%s' (type help)\n", err_prefix(), name);
	else if (rc < 0 && !name)
		printf("%s%s\n", err_prefix(), errmsg(rc));
	return rc;
}
