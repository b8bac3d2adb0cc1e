/* cmd_fail.c: how a command reports a failure: one line starting "Error: ". */
#include "ui/command.h"
#include "services/console.h"
#include "lib/errors.h"

int cmd_fail(int rc, const char *what)
{
	printf("%s%s%s%s", err_prefix(), what && *what ? what : "", what && *what ? ": " : "", errmsg(rc));
	if (err_detail[0]) {
		/* Put, not printf: the detail may be as long as printf's buffer. */
		console_puts(" (");
		console_puts(err_detail);
		console_puts(")");
	}
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
	printf("%s%s\n", err_prefix(), msg);
	return rc < 0 ? rc : -rc;
}
