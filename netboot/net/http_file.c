/* http_file.c: the HTTP file sources: http://HOST[:PORT]/path, and (http)/path on the boot
 * server's port 80. Follows a bounded number of redirects, reports 4xx/5xx with the server's
 * status line, and resumes a load whose connection broke with a Range request. */
#include "drivers/netdev.h"
#include "files/file.h"
#include "lib/errors.h"
#include "net/dns.h"
#include "net/http.h"
#include "net/net.h"
#include "services/heap.h"
#include "services/shutdown.h"

#define MAX_REDIRECTS 5
#define MAX_RESUMES 3

struct http_file {
	struct http_get *get;
	char host[FILE_HOST_MAX];
	uint32_t ip;
	uint16_t port;
	char path[PATH_MAX_LEN];
	uint64_t got;                 /* bytes delivered to the reader */
	bool size_known;
	uint64_t size;
	unsigned resumes;
};

static void idle_shutdown(unsigned how)
{
	(void)how;
	http_idle_close();
}

/* The address of host: dotted IPv4, or a name looked up by DNS (err_detail says why not). */
static int resolve(const char *host, uint32_t *ip)
{
	int rc = dns_resolve(host, ip);

	if (rc == 0 && !*ip) {
		snprintf(err_detail, sizeof(err_detail), "0.0.0.0 is not a server");
		return -E_INVAL;
	}
	return rc;
}

/* The error for a final status that is not success, with the server's own line. */
static int status_error(const struct http_resp *r)
{
	snprintf(err_detail, sizeof(err_detail), "server said: %s", r->status_line);
	if (r->status == 404 || r->status == 410)
		return -E_NOENT;
	if (r->status == 401 || r->status == 403)
		return -E_ACCESS;
	return -E_IO;
}

/* Point h at a redirect target: an absolute http:// URL or a path on the same server. */
static int follow(struct http_file *h, const char *loc)
{
	struct file_name n;

	if (loc[0] == '/') {
		if (strlen(loc) >= sizeof(h->path))
			return -E_TOOBIG;
		strlcpy(h->path, loc, sizeof(h->path));
		return 0;
	}
	if (file_name_parse(loc, NULL, &n) < 0 || !n.url || strcmp(n.source, "http") != 0) {
		snprintf(err_detail, sizeof(err_detail), "redirected to '%.200s', which is not an http:// URL",
			 loc);
		return -E_NOTSUP;
	}
	int rc = resolve(n.host, &h->ip);
	if (rc < 0)
		return rc;
	strlcpy(h->host, n.host, sizeof(h->host));
	h->port = n.port ? n.port : HTTP_PORT;
	strlcpy(h->path, n.path, sizeof(h->path));
	return 0;
}

/* GET h->path from offset on, following redirects; leaves h->get open on a 2xx answer. */
static int request(struct http_file *h, uint64_t offset)
{
	for (int hops = 0; hops <= MAX_REDIRECTS; hops++) {
		int rc = http_get_open(&h->get, h->host, h->ip, h->port, h->path, offset);
		if (rc < 0)
			return rc;
		struct http_resp *r = http_get_resp(h->get);
		if (r->status >= 200 && r->status < 300)
			return 0;
		bool redirect = r->status == 301 || r->status == 302 || r->status == 303 ||
				r->status == 307 || r->status == 308;
		char loc[HTTP_LOCATION_MAX];
		strlcpy(loc, r->location, sizeof(loc));
		rc = redirect && loc[0] ? 0 : status_error(r);
		http_get_close(h->get);
		h->get = NULL;
		if (rc < 0)
			return rc;
		rc = follow(h, loc);
		if (rc < 0)
			return rc;
	}
	snprintf(err_detail, sizeof(err_detail), "more than %d redirects", MAX_REDIRECTS);
	return -E_IO;
}

/* The connection broke at h->got: ask for the rest. Only a 206 that starts where we are and
 * agrees on the size will do. */
static int resume(struct http_file *h, int why)
{
	char detail[sizeof(err_detail)];

	strlcpy(detail, err_detail, sizeof(detail));
	if (!h->size_known || h->resumes >= MAX_RESUMES || why == -E_CANCELED || why == -E_PROTO)
		return why;
	h->resumes++;
	http_get_close(h->get);
	h->get = NULL;
	int rc = request(h, h->got);
	if (rc == 0) {
		struct http_resp *r = http_get_resp(h->get);
		if (r->status == 206 && r->has_range && r->range_first == h->got &&
		    (!r->range_total || r->range_total == h->size))
			return 0;
		http_get_close(h->get);
		h->get = NULL;
	}
	snprintf(err_detail, sizeof(err_detail), "%.200s; resuming with Range failed (%s)", detail,
		 rc < 0 ? errmsg(rc) : "the server does not serve byte ranges");
	return why;
}

static int http_file_read(struct file *f, void *buf, size_t len)
{
	struct http_file *h = f->priv;

	for (;;) {
		if (!h->get)
			return -E_IO;
		int n = http_get_read(h->get, buf, len);
		if (n > 0) {
			h->got += (uint64_t)n;
			return n;
		}
		if (n == 0)
			return 0;
		if (resume(h, n) < 0)
			return n;
	}
}

static void http_file_close(struct file *f)
{
	struct http_file *h = f->priv;

	if (h) {
		http_get_close(h->get);
		free(h);
	}
	f->priv = NULL;
}

static const struct file_ops http_ops = {
	.read = http_file_read, .close = http_file_close,
};

static int open_on(struct file *f, const char *host, uint32_t ip, uint16_t port, const char *path)
{
	static bool hooked;
	struct http_file *h;
	int rc;

	if (!netconf.configured || !netconf.ip || !net_dev)
		return -E_NONET;
	if (!hooked) {
		shutdown_register(idle_shutdown);
		hooked = true;
	}
	h = malloc(sizeof(*h));
	if (!h)
		return -E_NOMEM;
	memset(h, 0, sizeof(*h));
	strlcpy(h->host, host, sizeof(h->host));
	h->ip = ip;
	h->port = port ? port : HTTP_PORT;
	strlcpy(h->path, path, sizeof(h->path));
	rc = request(h, 0);
	if (rc < 0) {
		free(h);
		return rc;
	}
	struct http_resp *r = http_get_resp(h->get);
	h->size_known = r->has_length;
	h->size = r->length;
	f->ops = &http_ops;
	f->priv = h;
	f->size = h->size;
	f->size_known = h->size_known;
	return 0;
}

/* http://HOST[:PORT]/path */
static int http_url_open(struct file *f, const struct file_name *n)
{
	uint32_t ip;
	int rc;

	if (n->blocklist)
		return -E_INVAL;
	rc = resolve(n->host, &ip);
	if (rc < 0)
		return rc;
	return open_on(f, n->host, ip, n->port, n->path);
}

FILE_SOURCE(http_url_source) = {
	.name = "http", .url = true, .what = "http://HOST[:PORT]/path", .open = http_url_open,
};

/* (http)/path: the boot server (next-server) on port 80. */
static int http_dev_open(struct file *f, const struct file_name *n)
{
	char host[16];
	uint32_t s = netconf.server;

	if (n->blocklist)
		return -E_INVAL;
	if (!s)
		return -E_NONET;
	snprintf(host, sizeof(host), "%u.%u.%u.%u", s >> 24, (s >> 16) & 255, (s >> 8) & 255, s & 255);
	return open_on(f, host, s, HTTP_PORT, n->path);
}

FILE_SOURCE(http_dev_source) = {
	.name = "http", .what = "files on the boot server over HTTP (port 80)", .open = http_dev_open,
};
