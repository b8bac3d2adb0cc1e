/* cmd_fail.c: the one way a command reports a failure: "Error: <what>: <why>". */
#include "command.h"
#include "errors.h"

int cmd_fail(int rc, const char *what)
{
	if (what && *what)
		printf("Error: %s: %s\n", what, errmsg(rc));
	else
		printf("Error: %s\n", errmsg(rc));
	return rc < 0 ? rc : -rc;
}
