/* multiboot1.h: the Multiboot 1 header (Multiboot Specification 0.6.96, section 3.1) and what
 * a kernel image asks to be loaded where, parsed from the image's bytes. */
#ifndef OSPREY_MULTIBOOT1_H
#define OSPREY_MULTIBOOT1_H

#include "lib/lib.h"
#include "services/memmap.h"

#define MB1_MAGIC 0x1BADB002u
#define MB1_SEARCH 8192           /* the header lies 4-aligned within the first 8192 bytes */
#define MB1_PAGE_ALIGN 0x1u       /* modules page aligned */
#define MB1_MEMORY_INFO 0x2u      /* mem_* (and the memory map) wanted */
#define MB1_VIDEO_MODE 0x4u       /* a video mode wanted: osprey has none to give */
#define MB1_AOUT_KLUDGE 0x10000u  /* load by the address fields, not by the ELF headers */
#define MB1_MAX_SEGS 16

/* One piece to copy: file bytes [offset, offset+filesz) to addr, zeros up to addr+memsz. */
struct mb1_seg {
	uint32_t offset, filesz, addr, memsz;
};

struct mb1_image {
	uint32_t header_offset;   /* where the header is in the file */
	uint32_t flags;
	bool aout;                /* loaded by the a.out kludge's address fields */
	unsigned nseg;
	struct mb1_seg seg[MB1_MAX_SEGS];
	uint32_t entry;
	uint32_t lowest, highest; /* the range the segments cover: [lowest, highest) */
};

/* Find and check the header and the load layout (ELF32 program headers, or the address
 * fields when flag 16 is set). Returns 0, -E_NOEXEC (no header: not Multiboot 1), or
 * -E_NOTSUP / -E_INVAL with err_detail naming the problem: a required flag osprey cannot
 * honour (by name), a bad checksum, segments past the end of the file, overlapping
 * segments, an entry point outside them. */
int mb1_parse(const uint8_t *data, size_t len, struct mb1_image *img);

/* Shared with Multiboot 2 (mb_layout.c), both adding to img's segments and range:
 * the ELF32 program headers of data; or the address fields (header_addr, load_addr,
 * load_end_addr, bss_end_addr) with the header found at img->header_offset. 0 or -E_* with
 * err_detail set. */
int mb_layout_elf(const uint8_t *data, size_t len, struct mb1_image *img);
int mb_layout_addr(const uint8_t *data, size_t len, struct mb1_image *img, uint32_t header_addr,
		   uint32_t load_addr, uint32_t load_end, uint32_t bss_end);

/* The information structure (spec 3.3): offsets, flags and sizes. */
#define MB1_BOOTLOADER_MAGIC 0x2BADB002u
#define MB1_INFO_MEMORY 0x1u       /* mem_lower, mem_upper */
#define MB1_INFO_BOOTDEV 0x2u      /* boot_device */
#define MB1_INFO_CMDLINE 0x4u
#define MB1_INFO_MODS 0x8u
#define MB1_INFO_MMAP 0x40u
#define MB1_INFO_LOADER_NAME 0x200u
#define MB1_INFO_SIZE 116          /* up to and including the framebuffer fields */
#define MB1_MOD_SIZE 16            /* mod_start, mod_end, string, reserved */
#define MB1_MMAP_ENTRY 24          /* size (4, holds 20), base_addr, length, type */

/* A module as the information structure lists it. */
struct mb1_module {
	uint32_t start, len;       /* where it was loaded */
	const char *string;        /* "FILE ARGS" */
};

/* What goes into the information structure. */
struct mb1_info_in {
	const char *cmdline;       /* "FILE ARGS" of the kernel */
	const char *loader_name;
	unsigned nmods;
	const struct mb1_module *mods;
	unsigned nmmap;
	const struct memmap_entry *mmap;
	bool has_bootdev;
	uint32_t bootdev;
};

/* KiB of RAM from 0 (lower, at most 640) and from 1 MiB up to the first hole (upper), from the
 * map (Multiboot 1 mem_lower/mem_upper, Multiboot 2 basic memory information). */
void mb_mem_sizes(const struct memmap_entry *mmap, unsigned n, uint32_t *lower, uint32_t *upper);

/* Bytes mb1_info_build needs for in. */
size_t mb1_info_size(const struct mb1_info_in *in);
/* Build the structure and everything it points to in buf (mb1_info_size bytes, zeroed here),
 * which the kernel will see at address base. mem_lower/mem_upper come from the map: the RAM
 * from 0 (at most 640 KiB) and the RAM from 1 MiB up to the first hole. */
void mb1_info_build(uint8_t *buf, uint32_t base, const struct mb1_info_in *in);

/* Check that every segment lies in one RAM region of map and clear of [avoid_start, avoid_end)
 * (osprey itself). -E_NOMEM (not in RAM) or -E_NOTSUP (over osprey), with err_detail
 * naming the segment and the reason. */
int mb1_check_place(const struct mb1_seg *seg, unsigned nseg, const struct memmap *map,
		    uint32_t avoid_start, uint32_t avoid_end);

/* Take each segment's destination above 1 MiB out of the heap (reserved[i], NULL below 1 MiB;
 * the caller frees them). -E_NOMEM with err_detail when one is in use. */
int mb_reserve(const struct mb1_image *mi, void *reserved[MB1_MAX_SEGS]);

#endif
