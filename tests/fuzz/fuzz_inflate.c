/* fuzz_inflate.c: libFuzzer target for the DEFLATE and gzip decoders: any input, an output
 * limit taken from its first bytes; the decoder must stay inside both buffers (ASan) and
 * accept a gzip file only when its trailer matches what came out. */
#include "lib/inflate.h"
#include "lib/errors.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap, got = 0, used = 0;
	uint8_t *out;
	int rc;

	if (size < 2)
		return 0;
	cap = (size_t)get_le16(data) * 4;         /* up to 256 KiB of output */
	data += 2;
	size -= 2;
	out = malloc(cap ? cap : 1);
	if (!out)
		return 0;
	rc = inflate_raw(data, size, &used, out, cap, &got);
	if (rc == 0 && (got > cap || used > size || used == 0))
		abort();
	if (rc != 0 && rc != -E_CORRUPT && rc != -E_TOOBIG)
		abort();
	rc = gunzip(data, size, out, cap, &got);
	if (rc == 0 && (got > cap || get_le32(data + size - 4) != (uint32_t)got ||
			get_le32(data + size - 8) != crc32_update(0, out, got)))
		abort();
	if (rc != 0 && rc != -E_CORRUPT && rc != -E_TOOBIG && rc != -E_NOEXEC && rc != -E_NOTSUP)
		abort();
	free(out);
	return 0;
}
