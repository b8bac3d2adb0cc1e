/* tftp_file.c: the (nd) device: files on the boot server, read with osprey's own TFTP client
 * when a native driver runs the NIC, else through the PXE ROM's TFTP API. */
#include "lib/errors.h"
#include "files/file.h"
#include "net/net.h"
#include "drivers/netdev.h"
#include "pxe/pxe.h"
#include "net/tftp.h"

static const struct tftp_opts tftp_user_opts;   /* the defaults (blksize 1468, window 16) */
static struct tftp_conn *conn;

static int native_read(struct file *f, void *buf, size_t len)
{
	int n = tftp_read(conn, buf, len);

	if (n < 0 && tftp_last_error[0])
		strlcpy(err_detail, tftp_last_error, sizeof(err_detail));
	return n;
}

static void native_close(struct file *f)
{
	if (conn)
		tftp_close(conn);
	conn = NULL;
}

static const struct file_backend native_tftp_backend = {
	.device = "nd", .read = native_read, .close = native_close,
};

/* The window must fit what the NIC can buffer while we are busy: a burst larger than its
 * receive ring loses frames on every window (about 3/4 of it leaves room for stray frames). */
static const struct tftp_opts *window_opts(struct tftp_opts *o)
{
	uint16_t fit = net_dev->rx_frames ? (uint16_t)MAX(1, net_dev->rx_frames * 3 / 4) : 0;

	*o = tftp_user_opts;
	if (!o->windowsize)
		o->windowsize = TFTP_DEFAULT_WINDOW;
	if (fit && o->windowsize > fit)
		o->windowsize = fit;
	return o;
}

static int native_open(struct file *f, const char *path)
{
	struct tftp_opts opts;
	uint64_t size = 0;
	int rc;

	if (!netconf.configured || !netconf.ip)
		return -E_NONET;
	if (!netconf.server)
		return -E_NONET;
	/* Servers root their namespace themselves: "/vmlinuz" is asked for as "vmlinuz". */
	while (*path == '/')
		path++;
	if (!*path)
		return -E_INVAL;
	if (conn)
		native_close(f);
	tftp_last_error[0] = 0;
	rc = tftp_open(&conn, netconf.server, path, window_opts(&opts), &size);
	if (rc < 0) {
		if (tftp_last_error[0])
			strlcpy(err_detail, tftp_last_error, sizeof(err_detail));
		conn = NULL;
		return rc;
	}
	f->be = &native_tftp_backend;
	f->size = size;
	f->size_known = size != 0;
	return 0;
}

/* Opening picks the real backend and installs it in f, so reads go straight to it. */
static int nd_open(struct file *f, const char *path)
{
	if (net_dev)
		return native_open(f, path);
	if (pxe_present()) {
		f->be = &pxe_tftp_backend;
		return pxe_tftp_backend.open(f, path);
	}
	return -E_NONET;
}

static const struct file_backend nd_backend = { .device = "nd", .open = nd_open };

void tftp_file_init(void)
{
	file_register_backend(&nd_backend);
}
