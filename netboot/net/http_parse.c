/* http_parse.c: reads an HTTP/1.1 response (RFC 9112) from an untrusted byte stream: status
 * line, headers, and the body by Content-Length, chunked coding or until the stream ends. */
#include "lib/errors.h"
#include "net/http.h"

enum { CH_SIZE, CH_DATA, CH_DATA_END, CH_TRAILER, CH_DONE };

/* ---- the byte stream -------------------------------------------------------------------- */

/* Get more bytes into r->buf (compacting it first). Returns bytes added, 0 at the end. */
static int fill(struct http_resp *r)
{
	if (r->eof)
		return 0;
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len == sizeof(r->buf))
		return -E_PROTO;                  /* a line longer than HTTP_LINE_MAX */
	int n = r->recv(r->ctx, r->buf + r->len, sizeof(r->buf) - r->len, 1);
	if (n < 0)
		return n;
	if (n == 0)
		r->eof = true;
	r->len += (size_t)n;
	return n;
}

/* The first c in p[0..n), or NULL. */
static uint8_t *find_byte(uint8_t *p, size_t n, uint8_t c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == c)
			return p + i;
	return NULL;
}

/* The next line without its CRLF (or bare LF), NUL-terminated in place. -E_IO when the stream
 * ends first, -E_PROTO when it is too long or holds a NUL. */
static int get_line(struct http_resp *r, char **line)
{
	size_t scanned = 0;

	for (;;) {
		uint8_t *start = r->buf + r->pos;
		size_t avail = r->len - r->pos;
		uint8_t *nl = find_byte(start + scanned, avail - scanned, '\n');
		if (nl) {
			size_t n = (size_t)(nl - start);
			if (find_byte(start, n, 0))
				return -E_PROTO;
			if (n && start[n - 1] == '\r')
				n--;
			start[n] = 0;
			r->pos += (size_t)(nl - start) + 1;
			*line = (char *)start;
			return 0;
		}
		scanned = avail;
		int rc = fill(r);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			strlcpy(err_detail, "the server closed the connection in the middle of the headers",
				sizeof(err_detail));
			return -E_IO;
		}
		scanned = r->len - r->pos - (size_t)rc;
	}
}

/* ---- headers ---------------------------------------------------------------------------- */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower(*a) != lower(*b))
			return false;
	return *a == *b;
}

/* Does the comma-separated list s hold the token t (case-insensitive)? */
static bool has_token(const char *s, const char *t)
{
	size_t tl = strlen(t);

	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		const char *e = s;
		while (*e && *e != ',')
			e++;
		const char *end = e;
		while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if ((size_t)(end - s) == tl) {
			size_t i = 0;
			while (i < tl && lower(s[i]) == t[i])
				i++;
			if (i == tl)
				return true;
		}
		s = e;
	}
	return false;
}

/* A decimal number that fits in 63 bits; the whole string. */
static int parse_dec(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -E_PROTO;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX / 2 - 9) / 10)
			return -E_PROTO;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* "bytes FIRST-LAST/TOTAL" (TOTAL may be "*"). */
static int parse_content_range(struct http_resp *r, const char *v)
{
	char tmp[64];
	uint64_t first, last, total = 0;

	if (strncmp(v, "bytes ", 6) != 0 || strlen(v + 6) >= sizeof(tmp))
		return -E_PROTO;
	strlcpy(tmp, v + 6, sizeof(tmp));
	char *dash = strchr(tmp, '-'), *slash = strchr(tmp, '/');
	if (!dash || !slash || slash < dash)
		return -E_PROTO;
	*dash = *slash = 0;
	if (parse_dec(tmp, &first) < 0 || parse_dec(dash + 1, &last) < 0 || last < first)
		return -E_PROTO;
	if (strcmp(slash + 1, "*") != 0 && (parse_dec(slash + 1, &total) < 0 || total <= last))
		return -E_PROTO;
	r->has_range = true;
	r->range_first = first;
	r->range_total = total;
	return 0;
}

static int take_header(struct http_resp *r, char *line)
{
	char *colon = strchr(line, ':');

	if (!colon || colon == line)
		return -E_PROTO;
	for (char *p = line; p < colon; p++)
		if (*p == ' ' || *p == '\t')
			return -E_PROTO;          /* no space before the colon (RFC 9112 5.1) */
	*colon = 0;
	char *v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	char *e = v + strlen(v);
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = 0;

	if (ieq(line, "content-length")) {
		uint64_t n;
		if (parse_dec(v, &n) < 0)
			return -E_PROTO;
		if (r->has_length && n != r->length)
			return -E_PROTO;          /* two different lengths: which one lies? */
		r->has_length = true;
		r->length = n;
	} else if (ieq(line, "transfer-encoding")) {
		/* chunked must be the last coding; anything else we cannot undo */
		const char *last = strrchr(v, ',');
		last = last ? last + 1 : v;
		while (*last == ' ' || *last == '\t')
			last++;
		if (!ieq(last, "chunked") || strchr(v, ','))
			return -E_NOTSUP;
		r->chunked = true;
	} else if (ieq(line, "connection")) {
		if (has_token(v, "close"))
			r->close = true;
	} else if (ieq(line, "accept-ranges")) {
		r->ranges = has_token(v, "bytes");
	} else if (ieq(line, "content-range")) {
		return parse_content_range(r, v);
	} else if (ieq(line, "location")) {
		if (strlen(v) >= sizeof(r->location))
			return -E_TOOBIG;
		strlcpy(r->location, v, sizeof(r->location));
	}
	return 0;
}

/* "HTTP/1.x NNN reason": the code, and the line kept (printable characters only) for messages. */
static int take_status(struct http_resp *r, const char *line, bool *http10)
{
	if (strncmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' && line[7] != '1') || line[8] != ' ')
		return -E_PROTO;
	const char *c = line + 9;
	for (int i = 0; i < 3; i++)
		if (c[i] < '0' || c[i] > '9')
			return -E_PROTO;
	if (c[3] != ' ' && c[3] != 0)
		return -E_PROTO;
	r->status = (c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0');
	if (r->status < 100)
		return -E_PROTO;
	*http10 = line[7] == '0';
	size_t i = 0;
	for (; line[i] && i + 1 < sizeof(r->status_line); i++)
		r->status_line[i] = line[i] >= 0x20 && line[i] < 0x7f ? line[i] : '?';
	r->status_line[i] = 0;
	return 0;
}

int http_read_head(struct http_resp *r, http_recv_fn recv, void *ctx, bool head_only)
{
	char *line;
	int rc;

	memset(r, 0, sizeof(*r));
	r->recv = recv;
	r->ctx = ctx;
	for (;;) {
		bool http10 = false;
		rc = get_line(r, &line);
		if (rc < 0)
			return rc;
		rc = take_status(r, line, &http10);
		if (rc < 0)
			return rc;
		if (http10)
			r->close = true;          /* no keep-alive asked for, none assumed */
		unsigned headers = 0;
		for (;;) {
			rc = get_line(r, &line);
			if (rc < 0)
				return rc;
			if (!*line)
				break;
			if (*line == ' ' || *line == '\t' || ++headers > HTTP_HEADERS_MAX)
				return -E_PROTO;  /* obsolete line folding; or a flood */
			rc = take_header(r, line);
			if (rc < 0)
				return rc;
		}
		if (r->status >= 200)
			break;
		/* 1xx: an interim answer; the real one follows. */
		size_t pos = r->pos, len = r->len;
		bool eof = r->eof;
		uint8_t keep[HTTP_LINE_MAX];
		memcpy(keep, r->buf + pos, len - pos);
		memset(r, 0, sizeof(*r));
		r->recv = recv;
		r->ctx = ctx;
		memcpy(r->buf, keep, len - pos);
		r->len = len - pos;
		r->eof = eof;
	}
	if (r->chunked)
		r->has_length = false;            /* chunked wins over a length (RFC 9112 6.3) */
	if (head_only || r->status == 204 || r->status == 304) {
		r->body_done = true;
		r->has_length = r->chunked = false;
	} else if (!r->chunked && !r->has_length) {
		r->close = true;                  /* the body ends when the connection does */
	}
	return 0;
}

/* ---- the body ----------------------------------------------------------------------------- */

/* Body bytes straight from the stream: what is buffered first, then the source itself (into
 * the caller's buffer, no copy in between). */
static int raw_read(struct http_resp *r, uint8_t *buf, size_t len)
{
	size_t n = MIN(len, r->len - r->pos);

	if (n) {
		memcpy(buf, r->buf + r->pos, n);
		r->pos += n;
		return (int)n;
	}
	if (r->eof)
		return 0;
	int rc = r->recv(r->ctx, buf, len, len);
	if (rc == 0)
		r->eof = true;
	return rc;
}

/* A chunk-size line: hex digits, then optional extensions after ';' (ignored). */
static int chunk_size(const char *line, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = line;

	for (; *p; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			lower(*p) >= 'a' && lower(*p) <= 'f' ? lower(*p) - 'a' + 10 : -1;
		if (d < 0)
			break;
		if (v >> 59)
			return -E_PROTO;
		v = v * 16 + (uint64_t)d;
	}
	if (p == line)
		return -E_PROTO;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p && *p != ';')
		return -E_PROTO;
	*out = v;
	return 0;
}

static int short_body(struct http_resp *r)
{
	if (r->has_length)
		snprintf(err_detail, sizeof(err_detail),
			 "the server closed the connection after %llu of %llu bytes",
			 (unsigned long long)r->body_got, (unsigned long long)r->length);
	else
		strlcpy(err_detail, "the server closed the connection in the middle of a chunk",
			sizeof(err_detail));
	return -E_IO;
}

static int chunked_read(struct http_resp *r, uint8_t *buf, size_t len)
{
	char *line;
	int rc;

	for (;;) {
		switch (r->chunk_state) {
		case CH_SIZE:
			rc = get_line(r, &line);
			if (rc < 0)
				return rc;
			rc = chunk_size(line, &r->chunk_left);
			if (rc < 0)
				return rc;
			r->chunk_state = r->chunk_left ? CH_DATA : CH_TRAILER;
			break;
		case CH_DATA: {
			int n = raw_read(r, buf, (size_t)MIN((uint64_t)len, r->chunk_left));
			if (n < 0)
				return n;
			if (n == 0)
				return short_body(r);
			r->chunk_left -= (uint64_t)n;
			if (!r->chunk_left)
				r->chunk_state = CH_DATA_END;
			return n;
		}
		case CH_DATA_END:
			rc = get_line(r, &line);
			if (rc < 0)
				return rc;
			if (*line)
				return -E_PROTO;          /* the chunk was longer than it said */
			r->chunk_state = CH_SIZE;
			break;
		case CH_TRAILER: {
			unsigned lines = 0;
			do {
				rc = get_line(r, &line);
				if (rc < 0)
					return rc;
				if (++lines > HTTP_HEADERS_MAX)
					return -E_PROTO;
			} while (*line);
			r->chunk_state = CH_DONE;
			return 0;
		}
		default:
			return 0;
		}
	}
}

int http_read_body(struct http_resp *r, void *buf, size_t len)
{
	int n;

	if (r->body_done || !len)
		return 0;
	len = MIN(len, (size_t)0x7fffffff);
	if (r->chunked) {
		n = chunked_read(r, buf, len);
		if (n == 0 && r->chunk_state == CH_DONE)
			r->body_done = true;
	} else if (r->has_length) {
		uint64_t left = r->length - r->body_got;
		if (!left) {
			r->body_done = true;
			return 0;
		}
		n = raw_read(r, buf, (size_t)MIN((uint64_t)len, left));
		if (n == 0)
			return short_body(r);
	} else {
		n = raw_read(r, buf, len);
		if (n == 0)
			r->body_done = true;
	}
	if (n > 0)
		r->body_got += (uint64_t)n;
	return n;
}
