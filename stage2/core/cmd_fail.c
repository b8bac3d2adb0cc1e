/* cmd_fail.c: how a command reports a failure: one line starting "Error: ". */
#include "command.h"
#include "errors.h"

char err_detail[128];

int cmd_fail(int rc, const char *what)
{
	printf("Error: %s%s%s", what && *what ? what : "", what && *what ? ": " : "", errmsg(rc));
	if (err_detail[0])
		printf(" (%s)", err_detail);
	printf("\n");
	err_detail[0] = 0;
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
