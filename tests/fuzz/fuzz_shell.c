/* fuzz_shell.c: libFuzzer target for shell_split, command dispatch and parse_options on arbitrary lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/lib.h"
#include "lib/errors.h"
#include "ui/command.h"

static const char *opt_a, *opt_flag, *opt_b;
static const struct option_spec specs[] = {
	{ "address", true, &opt_a },
	{ "with-configfile", false, &opt_flag },
	{ "b", true, &opt_b },
};

static int fz_fn(int argc, char **argv)
{
	if (argv[argc] != NULL)
		abort();
	int n = parse_options(argc, argv, specs, (int)ARRAY_SIZE(specs));
	if (n != -E_INVAL && (n < 1 || n > argc))
		abort();
	return n;
}

COMMAND(fz, 0, "fz [ARGS...]", "Fuzz command.", fz_fn);

static char line[8192];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 1];
	size_t n = size < sizeof(line) - 4 ? size : sizeof(line) - 4;
	int max = size ? 1 + data[0] % (MAX_ARGS + 1) : MAX_ARGS + 1;

	memcpy(line, data, n);
	line[n] = '\0';
	size_t len = strlen(line);
	int argc = shell_split(line, argv, max);
	if (argc >= 0) {
		if (argc >= max || argv[argc] != NULL)
			abort();
		for (int i = 0; i < argc; i++)
			if (argv[i] < line || argv[i] + strlen(argv[i]) > line + len)
				abort();
		if (argc > 0) {
			int m = parse_options(argc, argv, specs, (int)ARRAY_SIZE(specs));
			if (m != -E_INVAL && (m < 1 || m > argc))
				abort();
		}
	} else if (argc != -E_INVAL && argc != -E_TOOBIG) {
		abort();
	}

	/* The same bytes as the arguments of a registered command, through the dispatcher. */
	memcpy(line, "fz ", 3);
	memcpy(line + 3, data, n);
	line[n + 3] = '\0';
	shell_run_line(line);
	return 0;
}
