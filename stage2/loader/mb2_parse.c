/* mb2_parse.c: checks a Multiboot 2 kernel's header and its tags (Multiboot2 Specification 2.0,
 * 3.1) and its load layout before anything is placed in memory. */
#include "loader/multiboot2.h"
#include "lib/errors.h"

static const char *const info_names[MB2_IT_MAX + 1] = {
	"end", "command line", "boot loader name", "modules", "basic memory information",
	"BIOS boot device", "memory map", "VBE information", "framebuffer information",
	"ELF sections", "APM table", "EFI 32-bit system table", "EFI 64-bit system table",
	"SMBIOS tables", "ACPI 1.0 RSDP", "ACPI 2.0 RSDP", "networking information",
	"EFI memory map", "EFI boot services not terminated", "EFI 32-bit image handle",
	"EFI 64-bit image handle", "image load base address",
};

const char *mb2_info_name(unsigned t)
{
	return t <= MB2_IT_MAX ? info_names[t] : "unknown";
}

/* Information osprey gives (bit n: tag type n); ELF sections only for an ELF file. */
#define MB2_GIVEN ((1u << MB2_IT_END) | (1u << MB2_IT_CMDLINE) | (1u << MB2_IT_LOADER) |     \
		   (1u << MB2_IT_MODULE) | (1u << MB2_IT_MEMINFO) | (1u << MB2_IT_MMAP) |     \
		   (1u << MB2_IT_FRAMEBUFFER) | (1u << MB2_IT_NETWORK) | (1u << MB2_IT_LOAD_BASE))

static int bad(int rc, const char *what)
{
	strlcpy(err_detail, what, sizeof(err_detail));
	return rc;
}

/* The information request tag: remember what is asked; refuse, by name, what osprey cannot
 * give when the tag is not optional (3.1.4). */
static int info_request(const uint8_t *t, uint32_t size, bool optional, bool elf,
			struct mb2_image *img)
{
	uint32_t given = MB2_GIVEN | (elf ? 1u << MB2_IT_ELF : 0);

	for (uint32_t at = 8; at + 4 <= size; at += 4) {
		uint32_t type = get_le32(t + at);
		if (type < 32 && (given & (1u << type))) {
			img->asked |= 1u << type;
			continue;
		}
		if (optional)
			continue;
		snprintf(err_detail, sizeof(err_detail),
			 "Multiboot 2: the kernel requires information osprey cannot give: %s (tag %u)",
			 mb2_info_name(type), (unsigned)type);
		return -E_NOTSUP;
	}
	return 0;
}

/* A required header tag osprey cannot honour, by name. */
static int refuse_tag(unsigned type, const char *what)
{
	snprintf(err_detail, sizeof(err_detail),
		 "Multiboot 2: the kernel requires %s (header tag %u), which osprey cannot give",
		 what, type);
	return -E_NOTSUP;
}

/* Walk the tags of the header at h (hlen bytes, checked to lie in the file). The address and
 * entry tags' fields come back through addr[] (header, load, load_end, bss_end) and entry. */
static int walk_tags(const uint8_t *h, uint32_t hlen, bool elf, struct mb2_image *img,
		     bool *has_addr, uint32_t addr[4], bool *has_entry, uint32_t *entry)
{
	uint32_t at = 16;

	for (;;) {
		if (hlen - at < 8)
			return bad(-E_INVAL, "Multiboot 2: header tags run past the header's end");
		const uint8_t *t = h + at;
		unsigned type = get_le16(t);
		bool optional = get_le16(t + 2) & MB2_TAG_OPTIONAL;
		uint32_t size = get_le32(t + 4);
		if (size < 8 || size > hlen - at)
			return bad(-E_INVAL, "Multiboot 2: a header tag's size runs past the header's end");
		if (type == MB2_HT_END)
			return 0;
		int rc = 0;
		switch (type) {
		case MB2_HT_INFO_REQ:
			rc = info_request(t, size, optional, elf, img);
			break;
		case MB2_HT_ADDRESS:
			if (size < 24)
				return bad(-E_INVAL, "Multiboot 2: address tag too short");
			for (int i = 0; i < 4; i++)
				addr[i] = get_le32(t + 8 + 4 * i);
			*has_addr = true;
			break;
		case MB2_HT_ENTRY:
			if (size < 12)
				return bad(-E_INVAL, "Multiboot 2: entry address tag too short");
			*entry = get_le32(t + 8);
			*has_entry = true;
			break;
		case MB2_HT_CONSOLE:
			if (size < 12)
				return bad(-E_INVAL, "Multiboot 2: console flags tag too short");
			/* osprey leaves the screen in EGA text mode: a kernel that needs a console
			 * and cannot drive that one cannot run. */
			if (!optional && (get_le32(t + 8) & MB2_CONSOLE_REQUIRED) &&
			    !(get_le32(t + 8) & MB2_CONSOLE_EGA))
				rc = refuse_tag(type, "a console other than EGA text");
			break;
		case MB2_HT_FRAMEBUFFER:
			if (!optional)
				rc = refuse_tag(type, "a graphics framebuffer (osprey keeps text mode)");
			break;
		case MB2_HT_MODALIGN:
			img->modalign = true;
			break;
		case MB2_HT_RELOCATABLE:
			if (size < 24)
				return bad(-E_INVAL, "Multiboot 2: relocatable tag too short");
			img->reloc = true;
			img->reloc_min = get_le32(t + 8);
			img->reloc_max = get_le32(t + 12);
			img->reloc_align = get_le32(t + 16);
			img->reloc_pref = get_le32(t + 20);
			if (img->reloc_align & (img->reloc_align - 1))
				return bad(-E_INVAL, "Multiboot 2: relocatable tag's align not a power of two");
			break;
		case MB2_HT_EFI_BS:
			if (!optional)
				rc = refuse_tag(type, "EFI boot services (osprey is a BIOS loader)");
			break;
		case MB2_HT_ENTRY_EFI32:
		case MB2_HT_ENTRY_EFI64:
			if (!optional)
				rc = refuse_tag(type, "an EFI entry point (osprey is a BIOS loader)");
			break;
		default:
			if (!optional) {
				snprintf(err_detail, sizeof(err_detail),
					 "Multiboot 2: the kernel requires header tag %u, unknown to osprey",
					 type);
				rc = -E_NOTSUP;
			}
		}
		if (rc < 0)
			return rc;
		uint64_t next = at + (((uint64_t)size + 7) & ~7ull);
		if (next >= hlen)
			return bad(-E_INVAL, "Multiboot 2: header without an end tag");
		at = (uint32_t)next;
	}
}

int mb2_parse(const uint8_t *data, size_t len, struct mb2_image *img)
{
	size_t limit = MIN(len, (size_t)MB2_SEARCH);
	size_t at;
	int rc;

	memset(img, 0, sizeof(*img));
	for (at = 0; at + 16 <= limit; at += 8)
		if (get_le32(data + at) == MB2_MAGIC)
			break;
	if (at + 16 > limit)
		return -E_NOEXEC;
	const uint8_t *h = data + at;
	uint32_t arch = get_le32(h + 4), hlen = get_le32(h + 8);
	if (get_le32(h) + arch + hlen + get_le32(h + 12) != 0)
		return bad(-E_INVAL, "Multiboot 2: header checksum wrong");
	if (arch != 0) {
		snprintf(err_detail, sizeof(err_detail),
			 "Multiboot 2: architecture %u, not i386 (0)", (unsigned)arch);
		return -E_NOTSUP;
	}
	if (hlen < 24 || hlen > len - at)
		return bad(-E_INVAL, "Multiboot 2: header length past the end of the file");
	img->layout.header_offset = (uint32_t)at;

	bool elf = len >= 52 && memcmp(data, "\177ELF", 4) == 0;
	bool has_addr = false, has_entry = false;
	uint32_t addr[4] = { 0 }, entry = 0;
	rc = walk_tags(h, hlen, elf, img, &has_addr, addr, &has_entry, &entry);
	if (rc < 0)
		return rc;
	if (has_addr) {
		/* load_addr -1: the file is loaded from its first byte (3.1.5). */
		if (addr[1] == 0xFFFFFFFFu) {
			if (addr[0] < at)
				return bad(-E_INVAL, "Multiboot 2: header_addr below the file's start");
			addr[1] = addr[0] - (uint32_t)at;
		}
		if (!has_entry)
			return bad(-E_INVAL, "Multiboot 2: an address tag without an entry address tag");
		rc = mb_layout_addr(data, len, &img->layout, addr[0], addr[1], addr[2], addr[3]);
	} else if (elf) {
		rc = mb_layout_elf(data, len, &img->layout);
	} else {
		rc = bad(-E_NOTSUP, "Multiboot 2: neither ELF nor an address tag");
	}
	if (rc < 0)
		return rc;
	if (has_entry)
		img->layout.entry = entry;
	img->elf = elf;
	const struct mb1_image *l = &img->layout;
	bool inside = false;
	for (unsigned i = 0; i < l->nseg; i++)
		if (l->entry >= l->seg[i].addr && l->entry - l->seg[i].addr < l->seg[i].filesz)
			inside = true;
	if (!inside)
		return bad(-E_INVAL, "Multiboot 2: entry point outside the loaded code");
	return 0;
}
