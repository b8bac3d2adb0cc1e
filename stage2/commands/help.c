/* help.c: `help` lists the commands; `help CMD` shows one command's usage and description. */
#include "ui/command.h"
#include "lib/errors.h"

static int cmd_help(int argc, char **argv)
{
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			const struct command *c = command_find(argv[i]);
			if (!c)
				return cmd_fail(-E_NOCMD, argv[i]);
			printf("%s\n    %s\n", c->usage, c->help);
		}
		return 0;
	}
	int col = 0;
	for_each_command(c) {
		printf("%-14s", c->name);
		if (++col % 5 == 0)
			printf("\n");
	}
	if (col % 5)
		printf("\n");
	printf("Type 'help COMMAND' for its usage.\n");
	return 0;
}

COMMAND(help, CMD_MENU, "help [COMMAND...]",
	"List the commands, or show the usage of the named ones.", cmd_help);
