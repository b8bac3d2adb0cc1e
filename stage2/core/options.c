/* options.c: the GNU-style long option parser (--name=value, --flag) shared by all commands. */
#include "lib/lib.h"
#include "lib/errors.h"
#include "ui/command.h"

static const struct option_spec *find_spec(const struct option_spec *specs, int nspecs,
					   const char *name, size_t len)
{
	for (int i = 0; specs && i < nspecs; i++) {
		const char *n = specs[i].name;
		if (n && strncmp(n, name, len) == 0 && n[len] == '\0')
			return &specs[i];
	}
	return NULL;
}

/* "--" followed by a name is an option; a lone "--" ends options (everything after it is
 * positional, "--" itself is dropped); "-x" and "-" are positional. When fewer words
 * remain, argv[new argc] is set to NULL. */
int parse_options(int argc, char **argv, const struct option_spec *specs, int nspecs)
{
	int out = 1;
	bool options_done = false;

	if (argc < 0 || (argc > 0 && !argv))
		return -E_INVAL;
	if (argc <= 1)
		return argc;
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i];

		if (options_done || !arg || arg[0] != '-' || arg[1] != '-') {
			argv[out++] = arg;
			continue;
		}
		if (arg[2] == '\0') {
			options_done = true;
			continue;
		}

		const char *name = arg + 2;
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		const struct option_spec *sp = find_spec(specs, nspecs, name, len);
		int shown = len > 64 ? 64 : (int)len;   /* keep a hostile name's echo short */

		if (!sp) {
			printf("%sunknown option --%.*s\n", err_prefix(), shown, name);
			return -E_INVAL;
		}
		if (sp->has_value && !eq) {
			printf("%s--%.*s needs a value\n", err_prefix(), shown, name);
			return -E_INVAL;
		}
		if (!sp->has_value && eq) {
			printf("%s--%.*s does not take a value\n", err_prefix(), shown, name);
			return -E_INVAL;
		}
		if (sp->value)
			*sp->value = eq ? eq + 1 : "";
	}
	if (out < argc)
		argv[out] = NULL;
	return out;
}
