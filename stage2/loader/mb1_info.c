/* mb1_info.c: lays out the Multiboot 1 information structure (spec 3.3) with its module list,
 * memory map and strings in one block, addressed as the kernel will see it. */
#include "loader/multiboot1.h"

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

size_t mb1_info_size(const struct mb1_info_in *in)
{
	size_t n = MB1_INFO_SIZE + in->nmods * MB1_MOD_SIZE + in->nmmap * MB1_MMAP_ENTRY;

	n += strlen(in->cmdline) + 1 + strlen(in->loader_name) + 1;
	for (unsigned i = 0; i < in->nmods; i++)
		n += strlen(in->mods[i].string) + 1;
	return n;
}

/* Copy s to buf at *at; return the address the kernel sees it at. */
static uint32_t put_str(uint8_t *buf, uint32_t base, size_t *at, const char *s)
{
	size_t l = strlen(s) + 1;
	uint32_t addr = base + (uint32_t)*at;

	memcpy(buf + *at, s, l);
	*at += l;
	return addr;
}

void mb_mem_sizes(const struct memmap_entry *mmap, unsigned n, uint32_t *lower, uint32_t *upper)
{
	*lower = *upper = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct memmap_entry *e = &mmap[i];
		uint64_t end = e->base + e->length;
		if (e->type != E820_RAM)
			continue;
		if (e->base == 0)
			*lower = (uint32_t)(MIN(end, (uint64_t)0xa0000) >> 10);
		if (e->base <= 0x100000 && end > 0x100000)
			*upper = (uint32_t)(MIN(end - 0x100000, (uint64_t)0xffffffffu << 10) >> 10);
	}
}

void mb1_info_build(uint8_t *buf, uint32_t base, const struct mb1_info_in *in)
{
	uint32_t flags = MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MMAP | MB1_INFO_LOADER_NAME;
	uint32_t lower, upper;
	size_t at = MB1_INFO_SIZE;

	memset(buf, 0, mb1_info_size(in));
	mb_mem_sizes(in->mmap, in->nmmap, &lower, &upper);
	put_le32(buf + 4, lower);
	put_le32(buf + 8, upper);
	if (in->has_bootdev) {
		flags |= MB1_INFO_BOOTDEV;
		put_le32(buf + 12, in->bootdev);
	}
	/* Tables first (4-aligned: MB1_INFO_SIZE and the entry sizes are multiples of 4). */
	uint32_t mods_at = (uint32_t)at;
	at += in->nmods * MB1_MOD_SIZE;
	uint32_t mmap_at = (uint32_t)at;
	for (unsigned i = 0; i < in->nmmap; i++) {
		uint8_t *m = buf + at;
		put_le32(m, MB1_MMAP_ENTRY - 4);
		put_le64(m + 4, in->mmap[i].base);
		put_le64(m + 12, in->mmap[i].length);
		put_le32(m + 20, in->mmap[i].type);
		at += MB1_MMAP_ENTRY;
	}
	put_le32(buf + 44, in->nmmap * MB1_MMAP_ENTRY);
	put_le32(buf + 48, base + mmap_at);
	if (in->nmods) {
		flags |= MB1_INFO_MODS;
		put_le32(buf + 20, in->nmods);
		put_le32(buf + 24, base + mods_at);
	}
	for (unsigned i = 0; i < in->nmods; i++) {
		uint8_t *m = buf + mods_at + i * MB1_MOD_SIZE;
		put_le32(m, in->mods[i].start);
		put_le32(m + 4, in->mods[i].start + in->mods[i].len);
		put_le32(m + 8, put_str(buf, base, &at, in->mods[i].string));
	}
	put_le32(buf + 16, put_str(buf, base, &at, in->cmdline));
	put_le32(buf + 64, put_str(buf, base, &at, in->loader_name));
	put_le32(buf, flags);
}
