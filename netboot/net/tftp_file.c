/* tftp_file.c: the file sources on the network: (nd), the boot server's files, and
 * tftp://SERVER/path for any server by address, read with osprey's own TFTP client: over
 * osprey's driver, or when none runs the NIC over the PXE ROM's UDP API (the ROM's TFTP API
 * when chosen, or for a ROM without a UDP API). Each open file owns its connection. */
#include "drivers/netdev.h"
#include "files/file.h"
#include "lib/errors.h"
#include "net/dns.h"
#include "net/net.h"
#include "net/tftp.h"
#include "pxe/pxe.h"

struct tftp_opts tftp_settings;                 /* zero: the defaults (blksize 1468, window 16) */

/* Keep the server's own words for the error line (cmd_fail prints err_detail). */
static void keep_server_error(void)
{
	if (tftp_last_error[0])
		strlcpy(err_detail, tftp_last_error, sizeof(err_detail));
}

static int native_read(struct file *f, void *buf, size_t len)
{
	int n = tftp_read(f->priv, buf, len);

	if (n < 0)
		keep_server_error();
	return n;
}

static void native_close(struct file *f)
{
	if (f->priv)
		tftp_close(f->priv);
	f->priv = NULL;
}

static const struct file_ops native_tftp_ops = {
	.read = native_read, .close = native_close,
};

/* A file over the ROM's UDP API holds it open until closed. */
static void rom_udp_close(struct file *f)
{
	native_close(f);
	pxe_udp_put();
}

static const struct file_ops rom_udp_tftp_ops = {
	.read = native_read, .close = rom_udp_close,
};

/* The default window must fit what the NIC can buffer while we are busy: a burst larger than
 * its receive ring loses frames on every window (about 3/4 of it leaves room for stray frames).
 * Under the ROM's UDP API the ring is the ROM driver's, unknown: TFTP_ROM_WINDOW. A window set
 * with `tftpopts` is asked for as it is: blocks a full ring drops come again after the gap's
 * ACK, and those after them are kept meanwhile. */
static const struct tftp_opts *window_opts(struct tftp_opts *o)
{
	*o = tftp_settings;
	if (o->windowsize)
		return o;
	if (!net_dev)
		o->windowsize = TFTP_ROM_WINDOW;
	else if (net_dev->rx_frames)
		o->windowsize = (uint16_t)MIN(TFTP_DEFAULT_WINDOW, MAX(1, net_dev->rx_frames * 3 / 4));
	else
		o->windowsize = TFTP_DEFAULT_WINDOW;
	return o;
}

/* Servers root their namespace themselves: "/vmlinuz" is asked for as "vmlinuz". */
static const char *server_path(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : NULL;
}

static int native_open(struct file *f, uint32_t server, const char *path)
{
	struct tftp_conn *conn;
	struct tftp_opts opts;
	uint64_t size = 0;
	int rc;

	if (!netconf.configured || !netconf.ip)
		return -E_NONET;
	tftp_last_error[0] = 0;
	rc = tftp_open(&conn, server, path, window_opts(&opts), &size);
	if (rc < 0) {
		keep_server_error();
		return rc;
	}
	f->ops = net_dev ? &native_tftp_ops : &rom_udp_tftp_ops;
	f->priv = conn;
	f->size = size;
	f->size_known = size != 0;
	return 0;
}

/* No osprey driver: osprey's TFTP over the ROM's UDP API, which the file holds until closed; the
 * ROM's TFTP API when the user chose it, or for a ROM that refuses UDP_OPEN. */
static int rom_open(struct file *f, uint32_t server, const char *path)
{
	int rc;

	if (!pxe_present())
		return -E_NONET;
	if (pxe_tftp_api_chosen || pxe_udp_get(netconf.ip) < 0)
		return pxe_tftp_open(f, server, path);
	if ((rc = native_open(f, server, path)) < 0)
		pxe_udp_put();
	return rc;
}

/* (nd): the boot server's files, by whichever way the NIC is driven. */
static int nd_open(struct file *f, const struct file_name *n)
{
	const char *path = server_path(n->path);

	if (n->blocklist || !path)
		return -E_INVAL;
	if (!netconf.server)
		return -E_NONET;
	return net_dev ? native_open(f, netconf.server, path) : rom_open(f, netconf.server, path);
}

FILE_SOURCE(nd_source) = {
	.name = "nd", .what = "files on the boot server (TFTP)", .open = nd_open,
};

/* tftp://SERVER/path: another server than the boot server; port 69 (the only one TFTP uses). */
static int tftp_url_open(struct file *f, const struct file_name *n)
{
	const char *path = server_path(n->path);
	uint32_t server;

	if (!path)
		return -E_INVAL;
	if (parse_ipv4(n->host, &server) < 0) {
		int rc = dns_resolve(n->host, &server);   /* names need the native stack */
		if (rc < 0)
			return rc;
	}
	if (n->port && n->port != TFTP_PORT)
		return -E_NOTSUP;
	return net_dev ? native_open(f, server, path) : rom_open(f, server, path);
}

FILE_SOURCE(tftp_url_source) = {
	.name = "tftp", .url = true, .what = "tftp://SERVER/path", .open = tftp_url_open,
};
