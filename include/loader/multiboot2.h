/* multiboot2.h: the Multiboot 2 header and its tags (Multiboot2 Specification 2.0, section 3.1),
 * what a kernel asks for parsed from its bytes, and the boot information tags (section 3.6). */
#ifndef OSPREY_MULTIBOOT2_H
#define OSPREY_MULTIBOOT2_H

#include "lib/lib.h"
#include "loader/multiboot1.h"
#include "services/memmap.h"

#define MB2_MAGIC 0xE85250D6u
#define MB2_SEARCH 32768          /* the header lies 8-aligned within the first 32768 bytes */
#define MB2_BOOTLOADER_MAGIC 0x36d76289u
#define MB2_TAG_OPTIONAL 1u       /* header tag flags bit 0 */

/* Header tag types (3.1.3 ff.). */
enum {
	MB2_HT_END = 0, MB2_HT_INFO_REQ = 1, MB2_HT_ADDRESS = 2, MB2_HT_ENTRY = 3,
	MB2_HT_CONSOLE = 4, MB2_HT_FRAMEBUFFER = 5, MB2_HT_MODALIGN = 6, MB2_HT_EFI_BS = 7,
	MB2_HT_ENTRY_EFI32 = 8, MB2_HT_ENTRY_EFI64 = 9, MB2_HT_RELOCATABLE = 10,
};

/* Information tag types (3.6). */
enum {
	MB2_IT_END = 0, MB2_IT_CMDLINE = 1, MB2_IT_LOADER = 2, MB2_IT_MODULE = 3,
	MB2_IT_MEMINFO = 4, MB2_IT_BOOTDEV = 5, MB2_IT_MMAP = 6, MB2_IT_VBE = 7,
	MB2_IT_FRAMEBUFFER = 8, MB2_IT_ELF = 9, MB2_IT_APM = 10, MB2_IT_NETWORK = 16,
	MB2_IT_LOAD_BASE = 21, MB2_IT_MAX = 21,
};

#define MB2_CONSOLE_REQUIRED 1u   /* console flags: a console the kernel supports must exist */
#define MB2_CONSOLE_EGA 2u        /* console flags: the kernel supports EGA text */

struct mb2_image {
	struct mb1_image layout;  /* header_offset, segments, entry, range (shared code) */
	uint32_t asked;           /* bit n: the kernel's information request lists tag type n */
	bool modalign;            /* module alignment tag: modules page aligned */
	bool reloc;               /* relocatable tag */
	uint32_t reloc_min, reloc_max, reloc_align, reloc_pref;
	bool elf;                 /* an ELF file: its section headers can be given (tag 9) */
};

/* Find and check the header and its tags, then the load layout (the address tag's fields, or the
 * ELF program headers), and the entry (the entry address tag, or the ELF entry). Returns 0,
 * -E_NOEXEC (no header: not Multiboot 2), or -E_NOTSUP / -E_INVAL with err_detail naming the
 * problem: a bad checksum or architecture, tags past the header's end or without an end tag,
 * a required tag or requested information osprey cannot give (by name). */
int mb2_parse(const uint8_t *data, size_t len, struct mb2_image *img);

/* The name of information tag type t ("memory map"), for messages. */
const char *mb2_info_name(unsigned t);

/* What goes into the boot information (the modules as Multiboot 1 lists them). */
struct mb2_info_in {
	const char *cmdline;
	const char *loader_name;
	unsigned nmods;
	const struct mb1_module *mods;
	unsigned nmmap;
	const struct memmap_entry *mmap;
	const uint8_t *dhcp_ack;       /* the last DHCP ACK (NULL: no network tag) */
	size_t dhcp_ack_len;
	bool load_base_tag;
	uint32_t load_base;            /* the lowest address of the kernel as loaded */
	const uint8_t *elf;            /* the kernel file when its section headers go in (tag 9) */
	size_t elf_len;
	bool ega_text;                 /* a framebuffer tag describing the EGA text screen */
};

/* Bytes mb2_info_build needs for in (tags plus the contents of sections not loaded). */
size_t mb2_info_size(const struct mb2_info_in *in);
/* Build the information in buf (mb2_info_size bytes, 8-aligned; zeroed here) as the kernel
 * will see it at base (8-aligned). ELF sections without SHF_ALLOC (symbols, strings) are
 * copied after the tags and their sh_addr set to where they are, as GRUB 2 does. Returns
 * total_size (the tags' bytes). */
uint32_t mb2_info_build(uint8_t *buf, uint32_t base, const struct mb2_info_in *in);

#endif
