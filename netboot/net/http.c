/* http.c: HTTP/1.1 GET requests over TCP, keeping one idle connection alive for the next
 * request to the same server (several files from one server need one handshake). */
#include "lib/errors.h"
#include "net/http.h"
#include "net/tcp.h"
#include "services/heap.h"

#define REQ_MAX 1024

struct http_get {
	struct tcp_conn *tcp;
	uint32_t ip;
	uint16_t port;
	struct http_resp resp;
};

/* The connection left open by the last complete response (keep-alive). */
static struct {
	struct tcp_conn *tcp;
	uint32_t ip;
	uint16_t port;
} idle;

static int tcp_source(void *ctx, void *buf, size_t len, size_t want)
{
	return tcp_recv(ctx, buf, len, want);
}

void http_idle_close(void)
{
	if (idle.tcp)
		tcp_close(idle.tcp);
	idle.tcp = NULL;
}

static int build_request(char *req, const char *host, uint16_t port, const char *path,
			 uint64_t offset)
{
	char hostport[80], range[48] = "";

	if (port != HTTP_PORT)
		snprintf(hostport, sizeof(hostport), "%s:%u", host, (unsigned)port);
	else
		strlcpy(hostport, host, sizeof(hostport));
	if (offset)
		snprintf(range, sizeof(range), "Range: bytes=%llu-\r\n", (unsigned long long)offset);
	int n = snprintf(req, REQ_MAX,
			 "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: osprey\r\nAccept: */*\r\n%s\r\n",
			 path, hostport, range);
	if (n < 0 || n >= REQ_MAX)
		return -E_TOOBIG;
	return n;
}

int http_get_open(struct http_get **out, const char *host, uint32_t ip, uint16_t port,
		  const char *path, uint64_t offset)
{
	static char req[REQ_MAX];
	struct http_get *g;
	int rc, len;

	len = build_request(req, host, port, path, offset);
	if (len < 0)
		return len;
	for (const char *p = path; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return -E_INVAL;          /* would break the request line */
	g = malloc(sizeof(*g));
	if (!g)
		return -E_NOMEM;
	memset(g, 0, sizeof(*g));
	g->ip = ip;
	g->port = port;

	/* An idle connection may have been closed by the server meanwhile: then one retry on a
	 * fresh connection. */
	for (int attempt = 0; attempt < 2; attempt++) {
		bool reused = false;
		if (idle.tcp && idle.ip == ip && idle.port == port && tcp_usable(idle.tcp)) {
			g->tcp = idle.tcp;
			idle.tcp = NULL;
			reused = true;
		} else {
			http_idle_close();
			rc = tcp_connect(&g->tcp, ip, port);
			if (rc < 0)
				goto err;
		}
		rc = tcp_send(g->tcp, req, (size_t)len);
		if (rc == 0)
			rc = http_read_head(&g->resp, tcp_source, g->tcp, false);
		if (rc == 0) {
			*out = g;
			return 0;
		}
		tcp_close(g->tcp);
		g->tcp = NULL;
		if (!reused || rc == -E_CANCELED)
			goto err;
		err_detail[0] = 0;
	}
	rc = -E_IO;
err:
	free(g);
	return rc;
}

struct http_resp *http_get_resp(struct http_get *g)
{
	return &g->resp;
}

int http_get_read(struct http_get *g, void *buf, size_t len)
{
	return http_read_body(&g->resp, buf, len);
}

void http_get_close(struct http_get *g)
{
	if (!g)
		return;
	if (g->tcp) {
		if (g->resp.body_done && !g->resp.close && tcp_usable(g->tcp) &&
		    g->resp.pos == g->resp.len) {
			http_idle_close();
			idle.tcp = g->tcp;
			idle.ip = g->ip;
			idle.port = g->port;
		} else {
			tcp_close(g->tcp);
		}
	}
	free(g);
}
