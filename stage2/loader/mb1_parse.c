/* mb1_parse.c: checks a Multiboot 1 kernel's header and its load layout (ELF32 program
 * headers or the a.out kludge's address fields, mb_layout.c) before anything is placed in memory. */
#include "loader/multiboot1.h"
#include "lib/errors.h"

/* Fail with a detail line. */
static int bad(int rc, const char *what)
{
	strlcpy(err_detail, what, sizeof(err_detail));
	return rc;
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
	if (flags & MB1_AOUT_KLUDGE) {
		const uint8_t *h = data + at;
		if (len - at < 32)
			return bad(-E_INVAL, "Multiboot: header cut off (address fields)");
		rc = mb_layout_addr(data, len, img, get_le32(h + 12), get_le32(h + 16),
				    get_le32(h + 20), get_le32(h + 24));
		img->entry = get_le32(h + 28);
	} else {
		rc = mb_layout_elf(data, len, img);
	}
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
