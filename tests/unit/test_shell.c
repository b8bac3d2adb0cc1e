/* test_shell.c: unit tests of shell_split, command dispatch, shell_execute messages, parse_options, errmsg. */
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include "test.h"
#include "lib/lib.h"
#include "lib/errors.h"
#include "ui/command.h"

/* What the last test command saw. */
static int seen_argc;
static char seen_argv[MAX_ARGS + 1][64];
static bool seen_null_terminated;

static int record_args(int argc, char **argv)
{
	seen_argc = argc;
	for (int i = 0; i < argc && i <= MAX_ARGS; i++)
		strlcpy(seen_argv[i], argv[i], sizeof(seen_argv[i]));
	seen_null_terminated = argv[argc] == NULL;
	return 0;
}

static int utest_args_fn(int argc, char **argv)
{
	record_args(argc, argv);
	return argc * 10;
}

static int utest_fail_fn(int argc, char **argv)
{
	printf("utest_fail: it broke\n");
	return -E_IO;
}

static const char *opt_address, *opt_configfile;

static int utest_opts_fn(int argc, char **argv)
{
	const struct option_spec specs[] = {
		{ "address", true, &opt_address },
		{ "with-configfile", false, &opt_configfile },
	};
	opt_address = opt_configfile = NULL;
	argc = parse_options(argc, argv, specs, (int)ARRAY_SIZE(specs));
	if (argc < 0)
		return argc;
	return record_args(argc, argv);
}

COMMAND(utest_args, 0, "utest_args [ARGS...]", "Records its arguments.", utest_args_fn);
COMMAND(utest_fail, CMD_MENU, "utest_fail", "Always fails with an I/O error.", utest_fail_fn);
COMMAND(utest_opts, 0, "utest_opts [--address=IP] [--with-configfile]", "Options test.",
	utest_opts_fn);

/* Run fn(line) with stdout captured into out. */
static int capture(int (*fn)(char *), char *line, char *out, size_t size)
{
	fflush(stdout);
	int saved = dup(1);
	FILE *tmp = tmpfile();
	dup2(fileno(tmp), 1);
	int rc = fn(line);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(tmp);
	size_t n = fread(out, 1, size - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return rc;
}

static int split(const char *text, char *line, size_t size, char **argv, int max)
{
	strlcpy(line, text, size);
	return shell_split(line, argv, max);
}

TEST(shell_split_words)
{
	char line[256], *argv[MAX_ARGS + 1];

	CHECK_EQ(split("  kernel\t (nd)/vmlinuz   root=/dev/ram  ", line, sizeof(line), argv, 8), 3);
	CHECK_STR(argv[0], "kernel");
	CHECK_STR(argv[1], "(nd)/vmlinuz");
	CHECK_STR(argv[2], "root=/dev/ram");
	CHECK(argv[3] == NULL);
	CHECK_EQ(split("", line, sizeof(line), argv, 8), 0);
	CHECK(argv[0] == NULL);
	CHECK_EQ(split(" \t\r\n ", line, sizeof(line), argv, 8), 0);
	CHECK_EQ(split("x", line, sizeof(line), argv, 8), 1);
	CHECK_STR(argv[0], "x");
	CHECK_EQ(split("boot\r\n", line, sizeof(line), argv, 8), 1);
	CHECK_STR(argv[0], "boot");
}

TEST(shell_split_quotes_and_escapes)
{
	char line[256], *argv[MAX_ARGS + 1];

	CHECK_EQ(split("echo \"a  b\"  c\"d e\"f \"\"", line, sizeof(line), argv, 8), 4);
	CHECK_STR(argv[1], "a  b");
	CHECK_STR(argv[2], "cd ef");
	CHECK_STR(argv[3], "");
	CHECK_EQ(split("a\\ b \\\"x\\\" \"q\\\"q\" \"back\\\\slash\" \"lit\\n\" \\\\", line,
		       sizeof(line), argv, 8), 6);
	CHECK_STR(argv[0], "a b");
	CHECK_STR(argv[1], "\"x\"");
	CHECK_STR(argv[2], "q\"q");
	CHECK_STR(argv[3], "back\\slash");
	CHECK_STR(argv[4], "lit\\n");
	CHECK_STR(argv[5], "\\");
	/* A trailing backslash stays literal. */
	CHECK_EQ(split("abc\\", line, sizeof(line), argv, 8), 1);
	CHECK_STR(argv[0], "abc\\");
	CHECK_EQ(split("\"\"", line, sizeof(line), argv, 8), 1);
	CHECK_STR(argv[0], "");
	CHECK_EQ(split("\"multi\nline\"", line, sizeof(line), argv, 8), 1);
	CHECK_STR(argv[0], "multi\nline");
}

TEST(shell_split_errors)
{
	char line[512], *argv[MAX_ARGS + 1];

	CHECK_EQ(split("echo \"abc", line, sizeof(line), argv, 8), -E_INVAL);
	CHECK_EQ(split("\"", line, sizeof(line), argv, 8), -E_INVAL);
	CHECK_EQ(split("a \"b\\\"", line, sizeof(line), argv, 8), -E_INVAL);
	CHECK_EQ(split("a b c", line, sizeof(line), argv, 4), 3);
	CHECK_EQ(split("a b c d", line, sizeof(line), argv, 4), -E_TOOBIG);
	CHECK_EQ(split("a", line, sizeof(line), argv, 1), -E_TOOBIG);
	CHECK_EQ(split("", line, sizeof(line), argv, 1), 0);
	CHECK_EQ(split("a", line, sizeof(line), argv, 0), -E_INVAL);
	CHECK_EQ(shell_split(NULL, argv, 8), -E_INVAL);
}

TEST(shell_split_comments)
{
	char line[256], *argv[MAX_ARGS + 1];

	argv[0] = line;
	CHECK_EQ(split("# a comment \"unterminated", line, sizeof(line), argv, 8), 0);
	CHECK(argv[0] == NULL);
	CHECK_EQ(split("   #x y", line, sizeof(line), argv, 8), 0);
	CHECK_EQ(split("#", line, sizeof(line), argv, 8), 0);
	CHECK_EQ(split("echo #x", line, sizeof(line), argv, 8), 2);
	CHECK_STR(argv[1], "#x");
	CHECK_EQ(split("\"#x\"", line, sizeof(line), argv, 8), 1);
	CHECK_STR(argv[0], "#x");
	CHECK_EQ(split("\\#x", line, sizeof(line), argv, 8), 1);
	CHECK_STR(argv[0], "#x");
	CHECK_EQ(split("a#b", line, sizeof(line), argv, 8), 1);
	CHECK_STR(argv[0], "a#b");
}

TEST(shell_dispatch)
{
	char line[256];

	CHECK(command_find("utest_args") != NULL);
	CHECK(command_find("utest_ar") == NULL);
	CHECK(command_find("") == NULL);
	CHECK(command_find(NULL) == NULL);
	CHECK_EQ(command_find("utest_fail")->flags, CMD_MENU);

	strlcpy(line, "utest_args x \"y z\" 'q'", sizeof(line));
	CHECK_EQ(shell_run_line(line), 40);
	CHECK_EQ(seen_argc, 4);
	CHECK_STR(seen_argv[0], "utest_args");
	CHECK_STR(seen_argv[1], "x");
	CHECK_STR(seen_argv[2], "y z");
	CHECK_STR(seen_argv[3], "'q'");
	CHECK(seen_null_terminated);

	strlcpy(line, "nosuchcommand a b", sizeof(line));
	CHECK_EQ(shell_run_line(line), -E_NOCMD);
	strlcpy(line, "   ", sizeof(line));
	CHECK_EQ(shell_run_line(line), 0);
	strlcpy(line, "# utest_args", sizeof(line));
	seen_argc = -1;
	CHECK_EQ(shell_run_line(line), 0);
	CHECK_EQ(seen_argc, -1);
	strlcpy(line, "utest_args \"oops", sizeof(line));
	CHECK_EQ(shell_run_line(line), -E_INVAL);
	CHECK_EQ(seen_argc, -1);
}

TEST(shell_max_args)
{
	char line[1024];
	size_t n = 0;

	n += (size_t)snprintf(line + n, sizeof(line) - n, "utest_args");
	for (int i = 1; i < MAX_ARGS; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " a%d", i);
	CHECK_EQ(shell_run_line(line), MAX_ARGS * 10);
	CHECK_EQ(seen_argc, MAX_ARGS);
	CHECK_STR(seen_argv[MAX_ARGS - 1], "a63");
	CHECK(seen_null_terminated);

	n = 0;
	n += (size_t)snprintf(line + n, sizeof(line) - n, "utest_args");
	for (int i = 1; i <= MAX_ARGS; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " a%d", i);
	CHECK_EQ(shell_run_line(line), -E_TOOBIG);
}

TEST(shell_execute_messages)
{
	char line[256], out[512];

	strlcpy(line, "nosuch foo", sizeof(line));
	CHECK_EQ(capture(shell_execute, line, out, sizeof(out)), -E_NOCMD);
	CHECK_STR(out, "Error: unknown command 'nosuch' (type help)\n");

	strlcpy(line, "utest_args \"open", sizeof(line));
	CHECK_EQ(capture(shell_execute, line, out, sizeof(out)), -E_INVAL);
	CHECK_STR(out, "Error: invalid argument\n");

	/* The command prints its own message; the shell adds nothing. */
	strlcpy(line, "utest_fail", sizeof(line));
	CHECK_EQ(capture(shell_execute, line, out, sizeof(out)), -E_IO);
	CHECK_STR(out, "utest_fail: it broke\n");

	strlcpy(line, "utest_args ok", sizeof(line));
	CHECK_EQ(capture(shell_execute, line, out, sizeof(out)), 20);
	CHECK_STR(out, "");

	strlcpy(line, "", sizeof(line));
	CHECK_EQ(capture(shell_execute, line, out, sizeof(out)), 0);
	CHECK_STR(out, "");

	char big[512];
	size_t n = 0;
	for (int i = 0; i <= MAX_ARGS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "x ");
	CHECK_EQ(capture(shell_execute, big, out, sizeof(out)), -E_TOOBIG);
	CHECK_STR(out, "Error: too large\n");
}

TEST(shell_parse_options)
{
	char line[256], out[512];

	strlcpy(line, "utest_opts --address=10.0.2.15 pos1 --with-configfile pos2", sizeof(line));
	CHECK_EQ(shell_run_line(line), 0);
	CHECK_EQ(seen_argc, 3);
	CHECK_STR(seen_argv[1], "pos1");
	CHECK_STR(seen_argv[2], "pos2");
	CHECK(seen_null_terminated);
	CHECK_STR(opt_address, "10.0.2.15");
	CHECK_STR(opt_configfile, "");

	strlcpy(line, "utest_opts a --address= b", sizeof(line));
	CHECK_EQ(shell_run_line(line), 0);
	CHECK_EQ(seen_argc, 3);
	CHECK_STR(opt_address, "");
	CHECK(opt_configfile == NULL);

	strlcpy(line, "utest_opts --address=1 --address=2", sizeof(line));
	CHECK_EQ(shell_run_line(line), 0);
	CHECK_STR(opt_address, "2");
	CHECK_EQ(seen_argc, 1);

	/* "--" ends the options; single-dash words are positional. */
	strlcpy(line, "utest_opts -x - -- --address=x --bogus", sizeof(line));
	CHECK_EQ(shell_run_line(line), 0);
	CHECK_EQ(seen_argc, 5);
	CHECK_STR(seen_argv[1], "-x");
	CHECK_STR(seen_argv[2], "-");
	CHECK_STR(seen_argv[3], "--address=x");
	CHECK_STR(seen_argv[4], "--bogus");
	CHECK(opt_address == NULL);

	strlcpy(line, "utest_opts --bogus=3", sizeof(line));
	CHECK_EQ(capture(shell_execute, line, out, sizeof(out)), -E_INVAL);
	CHECK_STR(out, "Error: unknown option --bogus\n");
	strlcpy(line, "utest_opts --address", sizeof(line));
	CHECK_EQ(capture(shell_execute, line, out, sizeof(out)), -E_INVAL);
	CHECK_STR(out, "Error: --address needs a value\n");
	strlcpy(line, "utest_opts --with-configfile=yes", sizeof(line));
	CHECK_EQ(capture(shell_execute, line, out, sizeof(out)), -E_INVAL);
	CHECK_STR(out, "Error: --with-configfile does not take a value\n");
	strlcpy(line, "utest_opts --addr=1", sizeof(line));
	CHECK_EQ(capture(shell_execute, line, out, sizeof(out)), -E_INVAL);
	CHECK_STR(out, "Error: unknown option --addr\n");
	strlcpy(line, "utest_opts --address-x=1", sizeof(line));
	CHECK_EQ(capture(shell_execute, line, out, sizeof(out)), -E_INVAL);
	strlcpy(line, "utest_opts --=1", sizeof(line));
	CHECK_EQ(capture(shell_execute, line, out, sizeof(out)), -E_INVAL);
	CHECK_STR(out, "Error: unknown option --\n");
}

static int options_without_specs(char *unused)
{
	char a0[] = "cmd", a1[] = "--v=2";
	char *argv[] = { a0, a1, NULL };
	return parse_options(2, argv, NULL, 0);
}

TEST(parse_options_direct)
{
	const char *v = NULL;
	const struct option_spec specs[] = { { "v", true, &v }, { "noptr", false, NULL } };
	char a0[] = "cmd", a1[] = "--v=1", a2[] = "p", a3[] = "--noptr";
	char *argv[] = { a0, a1, a2, a3 };   /* deliberately no NULL slot: none may be written */

	CHECK_EQ(parse_options(4, argv, specs, 2), 2);
	CHECK_STR(argv[1], "p");
	CHECK(argv[2] == NULL);
	CHECK_STR(v, "1");

	char *argv2[] = { a0, a2 };
	CHECK_EQ(parse_options(2, argv2, specs, 2), 2);
	CHECK(argv2[1] == a2);
	CHECK_EQ(parse_options(1, argv2, specs, 2), 1);
	CHECK_EQ(parse_options(0, argv2, specs, 2), 0);
	CHECK_EQ(parse_options(-1, argv2, specs, 2), -E_INVAL);
	char out[128];
	CHECK_EQ(capture(options_without_specs, NULL, out, sizeof(out)), -E_INVAL);
	CHECK_STR(out, "Error: unknown option --v\n");
}

TEST(errmsg_table)
{
	for (int rc = 1; rc < E_MAX; rc++) {
		CHECK(strcmp(errmsg(rc), "unknown error") != 0);
		CHECK(strcmp(errmsg(-rc), errmsg(rc)) == 0);
		for (int other = 1; other < rc; other++)
			CHECK(strcmp(errmsg(rc), errmsg(other)) != 0);
	}
	CHECK_STR(errmsg(0), "success");
	CHECK_STR(errmsg(-E_NOENT), "file not found");
	CHECK_STR(errmsg(E_MAX), "unknown error");
	CHECK_STR(errmsg(-E_MAX), "unknown error");
	CHECK_STR(errmsg(INT_MIN), "unknown error");
	CHECK_STR(errmsg(INT_MAX), "unknown error");
	CHECK_STR(errmsg(-12345), "unknown error");
}
