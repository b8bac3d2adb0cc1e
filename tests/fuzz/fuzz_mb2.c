/* fuzz_mb2.c: libFuzzer target for the Multiboot 2 header parser and the boot information
 * layout built from what it accepted (the file's own ELF section table included). */
#include "loader/multiboot2.h"
#include "lib/errors.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct memmap_entry map[] = {
	{ 0, 0x9fc00, E820_RAM },
	{ 0x100000, 0x7ee0000, E820_RAM },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb2_image img;

	if (mb2_parse(data, size, &img) != 0)
		return 0;
	const struct mb1_image *l = &img.layout;
	bool entry_in = false;
	for (unsigned i = 0; i < l->nseg; i++) {
		const struct mb1_seg *s = &l->seg[i];
		if ((uint64_t)s->offset + s->filesz > size || s->filesz > s->memsz ||
		    (uint64_t)s->addr + s->memsz > 0x100000000ull)
			abort();
		if (l->entry >= s->addr && l->entry - s->addr < s->filesz)
			entry_in = true;
	}
	if (!entry_in || l->nseg == 0 || l->header_offset % 8 || l->header_offset >= MB2_SEARCH)
		abort();
	/* The information, with this file as the kernel whose sections go in. */
	struct mb2_info_in in = { .cmdline = "x", .loader_name = "osprey", .nmmap = 2, .mmap = map,
				  .dhcp_ack = data, .dhcp_ack_len = MIN(size, (size_t)600),
				  .elf = data, .elf_len = size, .ega_text = true };
	size_t n = mb2_info_size(&in);
	uint8_t *buf = malloc(n);
	uint32_t total = mb2_info_build(buf, 0x1000000, &in);
	if (total > n || get_le32(buf) != total || get_le32(buf + total - 8) != 0 ||
	    get_le32(buf + total - 4) != 8)
		abort();
	free(buf);
	return 0;
}
