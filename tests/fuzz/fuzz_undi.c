/* fuzz_undi.c: libFuzzer target for gathering UNDI receive pieces: the input is a sequence of
 * (piece length, frame length) pairs as a ROM might report them; a completed frame must be
 * exactly its announced length and fit the buffer, and nothing is written past it. */
#include "drivers/netdev.h"
#include "drivers/undi.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t src[65536];
	uint8_t *buf = malloc(ETH_RXBUF_SIZE);   /* exact size: ASan catches any overrun */
	struct undi_rx rx = { 0 };

	if (!buf)
		return 0;
	for (size_t i = 0; i + 4 <= size; i += 4) {
		uint16_t len = (uint16_t)(data[i] | data[i + 1] << 8);
		uint16_t total = (uint16_t)(data[i + 2] | data[i + 3] << 8);
		int n = undi_rx_piece(&rx, buf, (data[i] & 1) && len > 1000 ? NULL : src, len, total);

		if (n < 0 || n > ETH_RXBUF_SIZE || (n > 0 && n != total))
			abort();
		if (rx.have > rx.total)
			abort();
	}
	free(buf);
	return 0;
}
