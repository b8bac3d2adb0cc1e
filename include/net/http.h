/* http.h: HTTP/1.1 GET client (RFC 9110/9112): a response parser over any byte stream
 * (Content-Length, chunked, read-until-close), and requests over TCP with keep-alive. */
#ifndef OSPREY_HTTP_H
#define OSPREY_HTTP_H

#include "lib/lib.h"

#define HTTP_PORT 80
#define HTTP_LINE_MAX 2048          /* a longer status or header line is refused */
#define HTTP_HEADERS_MAX 100
#define HTTP_LOCATION_MAX 320
#define HTTP_STATUS_LINE_MAX 128

/* Where a response's bytes come from: like tcp_recv (bytes, 0 at the end, -E_*). */
typedef int (*http_recv_fn)(void *ctx, void *buf, size_t len, size_t want);

/* One response being read. */
struct http_resp {
	http_recv_fn recv;
	void *ctx;
	uint8_t buf[HTTP_LINE_MAX];       /* bytes received but not parsed yet */
	size_t pos, len;
	bool eof;                         /* the stream ended */

	int status;                       /* 200, 404, ... */
	char status_line[HTTP_STATUS_LINE_MAX];   /* "HTTP/1.1 404 Not Found" (sanitised) */
	bool has_length;
	uint64_t length;                  /* Content-Length (of this response's body) */
	bool chunked;
	bool close;                       /* the server closes after this response */
	bool ranges;                      /* Accept-Ranges: bytes */
	bool has_range;
	uint64_t range_first, range_total;   /* Content-Range: bytes FIRST-LAST/TOTAL */
	char location[HTTP_LOCATION_MAX];

	uint64_t body_got;                /* body bytes delivered so far */
	uint64_t chunk_left;
	int chunk_state;
	bool body_done;
};

/* Start reading a response from recv/ctx: status line and headers (1xx answers skipped).
 * head_only: a HEAD request (no body follows). Returns 0 or -E_PROTO (malformed), -E_NOTSUP
 * (a transfer coding other than chunked), or the stream's error. */
int http_read_head(struct http_resp *r, http_recv_fn recv, void *ctx, bool head_only);
/* Read up to len body bytes; returns bytes, 0 at the end of the body, or -E_*: -E_IO when the
 * stream ended before the announced length (err_detail says where), -E_PROTO for a bad chunk. */
int http_read_body(struct http_resp *r, void *buf, size_t len);

struct http_get;
/* GET path from ip:port (host is sent as Host:), starting at byte offset (a Range request when
 * offset > 0). Reuses an idle connection to the same server. Returns 0 with *out open for
 * http_get_resp/read, whatever the status. */
int http_get_open(struct http_get **out, const char *host, uint32_t ip, uint16_t port,
		  const char *path, uint64_t offset);
struct http_resp *http_get_resp(struct http_get *g);
int http_get_read(struct http_get *g, void *buf, size_t len);
/* Done with a response: a fully read body over a kept-alive connection leaves the connection
 * idle for the next request to the same server; anything else closes it. */
void http_get_close(struct http_get *g);
/* Close the idle kept-alive connection, if any (before a kernel boots, for example). */
void http_idle_close(void);

#endif
