/* mb_layout.c: what Multiboot 1 and 2 share in reading a kernel's load layout: ELF32 program
 * headers (each PT_LOAD to its physical address) or the address fields both headers can carry
 * (MB1's a.out kludge, MB2's address tag), checked against the file, 4 GiB and each other. */
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

int mb_layout_addr(const uint8_t *data, size_t len, struct mb1_image *img, uint32_t header_addr,
		   uint32_t load_addr, uint32_t load_end, uint32_t bss_end)
{
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
	return add_seg(img, off, (uint32_t)filesz, load_addr, (uint32_t)memsz);
}

int mb_layout_elf(const uint8_t *data, size_t len, struct mb1_image *img)
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

