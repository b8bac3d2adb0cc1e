/* test_http.c: the HTTP response parser over a stream that hands out bytes in small pieces:
 * lengths, chunked coding with extensions, split headers, bad or lying answers. */
#include "test.h"
#include "lib/errors.h"
#include "net/http.h"

/* A response text delivered at most `step` bytes per receive (headers split across segments). */
static struct {
	const char *text;
	size_t len, pos, step;
} src;

static int piece(void *ctx, void *buf, size_t len, size_t want)
{
	(void)ctx;
	(void)want;
	size_t n = src.len - src.pos;
	n = n < len ? n : len;
	n = n < src.step ? n : src.step;
	memcpy(buf, src.text + src.pos, n);
	src.pos += n;
	return (int)n;
}

static void feed(const char *t, size_t step)
{
	src.text = t;
	src.len = strlen(t);
	src.pos = 0;
	src.step = step;
}

static struct http_resp resp;

/* Read the whole body into out; returns the total or the error. */
static int body(char *out, size_t room)
{
	size_t got = 0;
	for (;;) {
		int n = http_read_body(&resp, out + got, room - got > 7 ? 7 : room - got);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	out[got] = 0;
	return (int)got;
}

TEST(http_content_length_split_everywhere)
{
	static const char t[] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: keep-alive\r\n"
				"Accept-Ranges: bytes\r\n\r\nhello worldEXTRA";
	for (size_t step = 1; step < 20; step++) {
		feed(t, step);
		CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
		CHECK_EQ(resp.status, 200);
		CHECK(resp.has_length && resp.length == 11);
		CHECK(!resp.close && resp.ranges && !resp.chunked);
		char out[64];
		CHECK_EQ(body(out, sizeof(out) - 1), 11);
		CHECK_STR(out, "hello world");
		CHECK(resp.body_done);
	}
}

TEST(http_chunked_with_extensions_and_trailer)
{
	static const char t[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
				"5;name=value\r\nhello\r\n1 ; x=\"y\"\r\n \r\nA\r\n0123456789\r\n"
				"0\r\nX-Trailer: 1\r\n\r\n";
	for (size_t step = 1; step < 9; step++) {
		feed(t, step);
		CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
		CHECK(resp.chunked && !resp.has_length);
		char out[64];
		CHECK_EQ(body(out, sizeof(out) - 1), 16);
		CHECK_STR(out, "hello 0123456789");
		CHECK(resp.body_done);
	}
}

TEST(http_chunk_longer_than_said_or_bad_size)
{
	char out[64];
	feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n0\r\n\r\n", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
	CHECK_EQ(body(out, sizeof(out) - 1), -E_PROTO);
	feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
	CHECK_EQ(body(out, sizeof(out) - 1), -E_PROTO);
	feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\n", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
	CHECK_EQ(body(out, sizeof(out) - 1), -E_PROTO);
	feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
	CHECK_EQ(body(out, sizeof(out) - 1), -E_IO);
	feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), -E_NOTSUP);
}

TEST(http_bad_or_missing_lengths)
{
	char out[64];
	feed("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), -E_PROTO);
	feed("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), -E_PROTO);
	feed("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), -E_PROTO);
	feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), -E_PROTO);
	feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nabcde", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
	/* No length: the body runs to the end of the stream and the connection is not kept. */
	feed("HTTP/1.1 200 OK\r\n\r\nuntil the end", 3);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
	CHECK(resp.close);
	CHECK_EQ(body(out, sizeof(out) - 1), 13);
	CHECK_STR(out, "until the end");
	/* A length the server does not keep to. */
	err_detail[0] = 0;
	feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
	CHECK_EQ(body(out, sizeof(out) - 1), -E_IO);
	CHECK_STR(err_detail, "the server closed the connection after 5 of 100 bytes");
	err_detail[0] = 0;
}

TEST(http_lying_or_broken_status_lines)
{
	static const char *bad[] = {
		"HTTP/1.1 2OO OK\r\n\r\n", "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 099 x\r\n\r\n",
		"HTTP/1.1 2000 OK\r\n\r\n", "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n",
		"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "HTTP/1.1 200 OK\r\n folded\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed(bad[i], 4);
		CHECK_EQ(http_read_head(&resp, piece, NULL, false), -E_PROTO);
	}
	feed("HTTP/1.1 200 OK\r\nContent-Le", 100);      /* ends inside the headers */
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), -E_IO);
	err_detail[0] = 0;
	feed("HTTP/1.1 200 OK\r\nX: \001\002\r\n\0\r\n\r\n", 100);
	src.len = 30;                                     /* a NUL inside a header line */
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), -E_PROTO);
}

TEST(http_status_line_kept_for_messages_and_interim_skipped)
{
	feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 404 Not \001Found\r\nContent-Length: 3\r\n\r\nnop", 5);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
	CHECK_EQ(resp.status, 404);
	CHECK_STR(resp.status_line, "HTTP/1.0 404 Not ?Found");
	CHECK(resp.close);                                 /* HTTP/1.0: no keep-alive */
	feed("HTTP/1.1 302 Found\r\nLocation: http://10.0.0.1:8080/x\r\nContent-Length: 0\r\n\r\n", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
	CHECK_STR(resp.location, "http://10.0.0.1:8080/x");
	char out[4];
	CHECK_EQ(body(out, sizeof(out) - 1), 0);
}

TEST(http_content_range_and_long_lines)
{
	feed("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 100-199/200\r\nContent-Length: 100\r\n\r\n", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), 0);
	CHECK(resp.has_range && resp.range_first == 100 && resp.range_total == 200);
	feed("HTTP/1.1 206 x\r\nContent-Range: bytes 199-100/200\r\n\r\n", 100);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), -E_PROTO);
	static char big[HTTP_LINE_MAX + 100];
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	feed(big, 500);
	CHECK_EQ(http_read_head(&resp, piece, NULL, false), -E_PROTO);
}
