/* command.h: self-registering commands, the shell that runs them, and the option parser. */
#ifndef OSPREY_COMMAND_H
#define OSPREY_COMMAND_H

#include "lib/lib.h"

#define MAX_ARGS 64

struct command {
	const char *name;
	unsigned flags;
	const char *usage;   /* "kernel FILE [ARGS...]" */
	const char *help;    /* one paragraph */
	int (*fn)(int argc, char **argv);
};

#define CMD_MENU 1       /* allowed in menu.lst too */

/* Register a command by placing its descriptor in the osprey_cmds linker section. */
#define COMMAND(cname, cflags, cusage, chelp, cfn)                                      \
	static const struct command __cmd_##cname                                       \
	__attribute__((used, section("osprey_cmds"), aligned(sizeof(void *)))) = {      \
		.name = #cname, .flags = (cflags), .usage = (cusage), .help = (chelp),  \
		.fn = (cfn) }

extern const struct command __start_osprey_cmds[], __stop_osprey_cmds[];
#define for_each_command(c) for (const struct command *c = __start_osprey_cmds; c < __stop_osprey_cmds; c++)

const struct command *command_find(const char *name);

/* Split line in place into argv (whitespace separated; "double quotes" and \ escapes).
 * Returns argc (0 for an empty line or a # comment), or -E_INVAL / -E_TOOBIG. */
int shell_split(char *line, char **argv, int max);
/* Run one line: split, find the command, call it. Prints nothing; returns the rc
 * (-E_NOCMD for an unknown command). */
int shell_run_line(char *line);
/* Run one line and report failures the shell itself detects: for an unknown command it
 * prints "Error: unknown command 'foo' (type help)", for a line shell_split() rejects
 * "Error: <errmsg(rc)>". A command that fails prints its own specific message (what
 * failed and why) before returning its rc, so shell_execute prints nothing more for it.
 * Returns the rc either way. */
int shell_execute(char *line);

/* GNU-style long options: --name=value or --flag. */
struct option_spec {
	const char *name;
	bool has_value;
	const char **value;  /* where to store the value (or "" for a flag that was given) */
};
/* Parse argv[1..argc): options (in any position) fill specs; positional arguments are
 * compacted into argv[1..] in order. Returns the new argc, or -E_INVAL for an unknown
 * option or a missing/unexpected value (after printing which). */
int parse_options(int argc, char **argv, const struct option_spec *specs, int nspecs);


/* Print "Error: <what>: <errmsg(rc)>" and return rc (negative): commands report failures so. */
int cmd_fail(int rc, const char *what);
/* Print "Error: <formatted message>" and return rc (negative): for messages errmsg() can't say. */
int cmd_error(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
