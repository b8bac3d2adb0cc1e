/* errors.h: osprey's return codes. Functions return 0 or a negative -E_* code; errmsg() names it. */
#ifndef OSPREY_ERRORS_H
#define OSPREY_ERRORS_H

enum {
	E_OK = 0,
	E_INVAL = 1,     /* bad argument */
	E_NOENT,         /* file not found */
	E_NOMEM,         /* out of memory */
	E_NOEXEC,        /* not a bootable image of the expected kind */
	E_TOOBIG,        /* too large for memory or for a limit */
	E_TIMEOUT,       /* no answer in time */
	E_CANCELED,      /* aborted by the user (ESC / Ctrl-C) */
	E_IO,            /* device or transfer error */
	E_NOTSUP,        /* not supported here */
	E_NONET,         /* no network configured */
	E_RANGE,         /* number out of range */
	E_NOCMD,         /* unknown command */
	E_NOKERNEL,      /* boot/initrd without a kernel */
	E_ACCESS,        /* permission denied (server said so) */
	E_PROTO,         /* malformed reply from a peer */
	E_NODEV,         /* unknown device in a path */
	E_BUSY,          /* in use (a resource that serves one user at a time) */
	E_CORRUPT,       /* corrupt data (a compressed stream, a checksum) */
	E_MAX
};

/* A short English message for rc (positive or negative). Never NULL. */
const char *errmsg(int rc);

/* Detail of the last failure that errmsg() cannot know (a TFTP server's ERROR text): set by the
 * layer that saw it, printed and cleared by cmd_fail(). */
extern char err_detail[512];

/* Where the command being run came from ("(nd)/menu.lst:12"), or empty: set by whoever runs
 * lines from a file (the menu), so that every "Error:" line names the file and line. */
extern char err_where[160];
/* "Error: ", then "WHERE: " when err_where is set: how every error line starts. */
const char *err_prefix(void);

#endif
