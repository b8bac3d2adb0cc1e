/* mb1_parse.c: checks a Multiboot 1 kernel's header and its load layout (ELF32 program
 * headers or the a.out kludge's address fields) before anything is placed in memory. */
#include "loader/multiboot1.h"
#include "lib/errors.h"

#define ELF_PT_LOAD 1

/* Fail with a detail line. */
static int bad(int rc, const char *what)
{
	strlcpy(err_detail, what, sizeof(err_detail));
	return rc;
}

/* Add one segment, rejecting one past 4 GiB or overlapping another. */
static int add_seg(struct mb1_image *img, uint32_t off, uint32_t filesz, uint32_t addr,
		   uint32_t memsz)
{
	if (memsz == 0)
		return 0;
	if ((uint64_t)addr + memsz > 0x100000000ull)
		return bad(-E_INVAL, "Multiboot: a segment ends past 4 GiB");
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct mb1_seg *s = &img->seg[i];
		if (addr < s->addr + s->memsz && s->addr < addr + memsz) {
			snprintf(err_detail, sizeof(err_detail),
				 "Multiboot: overlapping segments 0x%x-0x%x and 0x%x-0x%x",
				 (unsigned)s->addr, (unsigned)(s->addr + s->memsz - 1),
				 (unsigned)addr, (unsigned)(addr + memsz - 1));
			return -E_INVAL;
		}
	}
	if (img->nseg == MB1_MAX_SEGS)
		return bad(-E_NOTSUP, "Multiboot: more than 16 loadable segments");
	img->seg[img->nseg++] = (struct mb1_seg){ off, filesz, addr, memsz };
	img->lowest = img->nseg == 1 ? addr : MIN(img->lowest, addr);
	img->highest = img->nseg == 1 ? addr + memsz : MAX(img->highest, addr + memsz);
	return 0;
}

/* The a.out kludge (spec 3.1.3): the header's own address says where the file maps. */
static int parse_aout(const uint8_t *data, size_t len, struct mb1_image *img)
{
	const uint8_t *h = data + img->header_offset;

	if (len - img->header_offset < 32)
		return bad(-E_INVAL, "Multiboot: header cut off (address fields)");
	uint32_t header_addr = get_le32(h + 12), load_addr = get_le32(h + 16);
	uint32_t load_end = get_le32(h + 20), bss_end = get_le32(h + 24);
	if (load_addr > header_addr || header_addr - load_addr > img->header_offset)
		return bad(-E_INVAL, "Multiboot: load_addr does not fit the header's place in the file");
	uint32_t off = img->header_offset - (header_addr - load_addr);
	uint64_t filesz = load_end ? (uint64_t)load_end - load_addr : len - off;
	if (load_end && load_end <= load_addr)
		return bad(-E_INVAL, "Multiboot: load_end_addr not above load_addr");
	if (off + filesz > len)
		return bad(-E_INVAL, "Multiboot: load_end_addr past the end of the file");
	uint64_t memsz = filesz;
	if (bss_end) {
		if ((uint64_t)bss_end < load_addr + filesz)
			return bad(-E_INVAL, "Multiboot: bss_end_addr below the loaded part");
		memsz = (uint64_t)bss_end - load_addr;
	}
	img->aout = true;
	img->entry = get_le32(h + 28);
	return add_seg(img, off, (uint32_t)filesz, load_addr, (uint32_t)memsz);
}

/* ELF32 (spec 3.1.3: the loader uses the program headers' physical addresses). */
static int parse_elf(const uint8_t *data, size_t len, struct mb1_image *img)
{
	if (len < 52 || memcmp(data, "\177ELF", 4) != 0)
		return bad(-E_NOTSUP, "Multiboot: neither ELF nor the a.out kludge (flag 16)");
	if (data[4] != 1 || data[5] != 1 || get_le16(data + 18) != 3)
		return bad(-E_NOTSUP, "Multiboot: not a 32-bit little-endian i386 ELF file");
	uint32_t phoff = get_le32(data + 28);
	unsigned phentsize = get_le16(data + 42), phnum = get_le16(data + 44);
	if (phentsize < 32 || phnum == 0 || phoff > len || (uint64_t)phnum * phentsize > len - phoff)
		return bad(-E_INVAL, "Multiboot: ELF program headers past the end of the file");
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = data + phoff + (size_t)i * phentsize;
		if (get_le32(ph) != ELF_PT_LOAD)
			continue;
		uint32_t off = get_le32(ph + 4), paddr = get_le32(ph + 12);
		uint32_t filesz = get_le32(ph + 16), memsz = get_le32(ph + 20);
		if (filesz > memsz)
			return bad(-E_INVAL, "Multiboot: ELF segment larger in the file than in memory");
		if (off > len || filesz > len - off)
			return bad(-E_INVAL, "Multiboot: ELF segment past the end of the file (truncated?)");
		int rc = add_seg(img, off, filesz, paddr, memsz);
		if (rc < 0)
			return rc;
	}
	if (img->nseg == 0)
		return bad(-E_INVAL, "Multiboot: no loadable ELF segment");
	img->entry = get_le32(data + 24);
	return 0;
}

int mb1_parse(const uint8_t *data, size_t len, struct mb1_image *img)
{
	size_t limit = MIN(len, (size_t)MB1_SEARCH);
	int rc;

	memset(img, 0, sizeof(*img));
	size_t at = 0;
	for (; at + 12 <= limit; at += 4)
		if (get_le32(data + at) == MB1_MAGIC)
			break;
	if (at + 12 > limit)
		return -E_NOEXEC;
	uint32_t flags = get_le32(data + at + 4);
	if (get_le32(data + at) + flags + get_le32(data + at + 8) != 0)
		return bad(-E_INVAL, "Multiboot: header checksum wrong");
	img->header_offset = (uint32_t)at;
	img->flags = flags;
	/* Bits 0-15 are requirements: refuse any osprey cannot meet (spec 3.1.2). */
	if (flags & MB1_VIDEO_MODE)
		return bad(-E_NOTSUP, "Multiboot: the kernel requires a video mode (flag 2), "
			   "which osprey cannot set");
	for (unsigned bit = 3; bit < 16; bit++)
		if (flags & (1u << bit)) {
			snprintf(err_detail, sizeof(err_detail),
				 "Multiboot: the kernel requires flag %u, unknown to osprey", bit);
			return -E_NOTSUP;
		}
	rc = (flags & MB1_AOUT_KLUDGE) ? parse_aout(data, len, img) : parse_elf(data, len, img);
	if (rc < 0)
		return rc;
	bool inside = false;
	for (unsigned i = 0; i < img->nseg; i++)
		if (img->entry >= img->seg[i].addr && img->entry - img->seg[i].addr < img->seg[i].filesz)
			inside = true;
	if (!inside)
		return bad(-E_INVAL, "Multiboot: entry point outside the loaded code");
	return 0;
}
