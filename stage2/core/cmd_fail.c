/* cmd_fail.c: how a command reports a failure: one line starting "Error: ". */
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

int cmd_error(int rc, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("Error: %s\n", msg);
	return rc < 0 ? rc : -rc;
}
