/* fuzz_mb1.c: libFuzzer target for the Multiboot 1 header and load layout checks. */
#include "loader/multiboot1.h"
#include "lib/errors.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb1_image img;

	if (mb1_parse(data, size, &img) != 0)
		return 0;
	/* Accepted: every segment within the file and 4 GiB, none overlapping, entry inside. */
	bool entry_in = false;
	for (unsigned i = 0; i < img.nseg; i++) {
		const struct mb1_seg *s = &img.seg[i];
		if ((uint64_t)s->offset + s->filesz > size || s->filesz > s->memsz ||
		    (uint64_t)s->addr + s->memsz > 0x100000000ull)
			abort();
		for (unsigned j = 0; j < i; j++)
			if (s->addr < img.seg[j].addr + img.seg[j].memsz &&
			    img.seg[j].addr < s->addr + s->memsz)
				abort();
		if (img.entry >= s->addr && img.entry - s->addr < s->filesz)
			entry_in = true;
	}
	if (!entry_in || img.nseg == 0 || img.header_offset % 4 || img.header_offset >= MB1_SEARCH)
		abort();
	return 0;
}
