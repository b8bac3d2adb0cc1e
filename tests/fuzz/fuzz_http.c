/* fuzz_http.c: libFuzzer target: the HTTP response parser (head and body) over fuzzed bytes. */
#include "lib/errors.h"
#include "net/http.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Input: one byte giving the piece size (1..64), then the response. */
static const uint8_t *in;
static size_t in_left, step;

static int piece(void *ctx, void *buf, size_t len, size_t want)
{
	(void)ctx;
	(void)want;
	size_t n = MIN(MIN(len, in_left), step);
	memcpy(buf, in, n);
	in += n;
	in_left -= n;
	return (int)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_resp r;
	static uint8_t buf[4096];

	if (size < 1)
		return 0;
	step = (size_t)(data[0] & 63) + 1;
	in = data + 1;
	in_left = size - 1;
	if (http_read_head(&r, piece, NULL, false) == 0) {
		if (r.status < 100 || r.status > 999 || strnlen(r.status_line, sizeof(r.status_line)) ==
		    sizeof(r.status_line))
			abort();
		uint64_t total = 0;
		for (int i = 0; i < 100000; i++) {
			size_t want = 1 + (size_t)(i * 331) % sizeof(buf);
			int n = http_read_body(&r, buf, want);
			if (n <= 0)
				break;
			if ((size_t)n > want)
				abort();
			total += (uint64_t)n;
		}
		if (r.has_length && total > r.length)
			abort();
	}
	return 0;
}
