/* errors.c: errmsg()'s messages for the E_* return codes, and how error lines start. */
#include "lib/lib.h"
#include "lib/errors.h"

static const char *const messages[E_MAX] = {
	[E_OK] = "success",
	[E_INVAL] = "invalid argument",
	[E_NOENT] = "file not found",
	[E_NOMEM] = "out of memory",
	[E_NOEXEC] = "not a bootable image",
	[E_TOOBIG] = "too large",
	[E_TIMEOUT] = "timed out",
	[E_CANCELED] = "canceled",
	[E_IO] = "I/O error",
	[E_NOTSUP] = "not supported",
	[E_NONET] = "network not configured",
	[E_RANGE] = "number out of range",
	[E_NOCMD] = "unknown command",
	[E_NOKERNEL] = "no kernel loaded",
	[E_ACCESS] = "permission denied",
	[E_PROTO] = "protocol error",
	[E_NODEV] = "no such device",
	[E_BUSY] = "busy",
	[E_CORRUPT] = "corrupt data",
};

char err_detail[512];
char err_where[160];

const char *err_prefix(void)
{
	static char buf[sizeof(err_where) + 16];

	if (!err_where[0])
		return "Error: ";
	snprintf(buf, sizeof(buf), "Error: %s: ", err_where);
	return buf;
}

const char *errmsg(int rc)
{
	/* Negate in unsigned arithmetic so INT_MIN cannot overflow. */
	unsigned code = rc < 0 ? 0u - (unsigned)rc : (unsigned)rc;

	if (code < E_MAX && messages[code])
		return messages[code];
	return "unknown error";
}
