/* errors.c: the message table behind errmsg() for osprey's E_* return codes. */
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

const char *errmsg(int rc)
{
	/* Negate in unsigned arithmetic so INT_MIN cannot overflow. */
	unsigned code = rc < 0 ? 0u - (unsigned)rc : (unsigned)rc;

	if (code < E_MAX && messages[code])
		return messages[code];
	return "unknown error";
}
