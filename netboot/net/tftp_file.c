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
#include "services/heap.h"

struct tftp_opts tftp_settings;                 /* zero: the defaults (blksize 1468, window 16) */

/* Keep the server's own words for the error line (cmd_fail prints err_detail). */
static void keep_server_error(void)
{
	if (tftp_last_error[0])
		strlcpy(err_detail, tftp_last_error, sizeof(err_detail));
}

/* What a file read with osprey's TFTP client keeps: enough to ask for it again. */
struct tftp_file {
	struct tftp_conn *conn;
	uint32_t server;
	struct tftp_opts opts;
	uint64_t best;                  /* the most blocks any request of it got in order */
	unsigned requests;              /* read requests sent for it (1 + times asked again) */
	char path[TFTP_PATH_MAX];
};

/* How often a file is asked for again after its server fell silent mid-file. */
#define TFTP_REQUESTS_MAX 8
#define TFTP_SKIP_CHUNK (1u << 20)      /* dropped at a time, past what the reader has */

/* The transfer of f timed out: ask for the file again when this request got further than any
 * before (a server may end a transfer for good after a few lost frames: tftpd-hpa does after
 * six sends of one block), up to TFTP_REQUESTS_MAX requests. Closes the old connection. */
static bool may_ask_again(struct tftp_file *tf)
{
	uint64_t got = tftp_blocks(tf->conn);
	char ip[16];

	if (got <= tf->best || tf->requests >= TFTP_REQUESTS_MAX)
		return false;
	tf->best = got;
	tftp_close(tf->conn);                  /* (the server, if still there, gets ERROR 0) */
	tf->conn = NULL;
	printf("\nTFTP server %s stopped sending after block %llu; asking for %s again\n",
	       format_ipv4(tf->server, ip), (unsigned long long)got, tf->path);
	return true;
}

/* Ask for f again and read past the pos bytes its reader already has (TFTP has no way to
 * start mid-file). The file must be as before: same announced size, not shorter. */
static int ask_again(struct file *f, struct tftp_file *tf)
{
	uint64_t size = 0, left;
	int n;

	for (;;) {
		tf->requests++;
		tftp_last_error[0] = 0;
		n = tftp_open(&tf->conn, tf->server, tf->path, &tf->opts, &size);
		tftp_last_stats.requests = tf->requests;   /* (tftp_open cleared the stats) */
		if (n < 0) {
			tf->conn = NULL;
			return n;
		}
		if (size && f->size_known && size != f->size)
			goto changed;
		/* Dropped, not copied: with a file of unknown size the reader's buffer may hold
		 * all the free memory, so nothing new is allocated here. */
		for (left = f->pos; left; left -= (unsigned)n) {
			n = tftp_read(tf->conn, NULL, (size_t)MIN(left, (uint64_t)TFTP_SKIP_CHUNK));
			if (n <= 0)
				break;
		}
		if (!left)
			return 0;
		if (n == 0)
			goto changed;
		if (n != -E_TIMEOUT || !may_ask_again(tf))
			return n;
	}
changed:
	snprintf(err_detail, sizeof(err_detail), "%.400s changed on the server while it was read",
		 tf->path);
	return -E_IO;
}

/* Read from the transfer; when it times out mid-file, ask again and go on from where the
 * reader is. A final timeout says how many requests the file took. */
static int native_read(struct file *f, void *buf, size_t len)
{
	struct tftp_file *tf = f->priv;
	int n;

	for (;;) {
		n = tftp_read(tf->conn, buf, len);
		if (n >= 0)
			return n;
		if (n != -E_TIMEOUT || !may_ask_again(tf))
			break;
		n = ask_again(f, tf);
		if (n < 0)
			break;
	}
	if (n == -E_TIMEOUT && tf->requests > 1) {
		size_t l = strlen(err_detail);
		snprintf(err_detail + l, sizeof(err_detail) - l, "; %u requests in all",
			 tf->requests);
	}
	keep_server_error();
	return n;
}

static void native_close(struct file *f)
{
	struct tftp_file *tf = f->priv;

	if (tf) {
		tftp_close(tf->conn);
		free(tf);
	}
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
	struct tftp_file *tf;
	uint64_t size = 0;
	int rc;

	if (!netconf.configured || !netconf.ip)
		return -E_NONET;
	if (strlen(path) >= TFTP_PATH_MAX)
		return -E_INVAL;
	tf = malloc(sizeof(*tf));
	if (!tf)
		return -E_NOMEM;
	memset(tf, 0, sizeof(*tf));
	tf->server = server;
	tf->requests = 1;
	strlcpy(tf->path, path, sizeof(tf->path));
	window_opts(&tf->opts);
	tftp_last_error[0] = 0;
	rc = tftp_open(&tf->conn, server, path, &tf->opts, &size);
	if (rc < 0) {
		free(tf);
		keep_server_error();
		return rc;
	}
	tftp_last_stats.requests = 1;
	f->ops = net_dev ? &native_tftp_ops : &rom_udp_tftp_ops;
	f->priv = tf;
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
