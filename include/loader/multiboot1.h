/* multiboot1.h: the Multiboot 1 header (Multiboot Specification 0.6.96, section 3.1) and what
 * a kernel image asks to be loaded where, parsed from the image's bytes. */
#ifndef OSPREY_MULTIBOOT1_H
#define OSPREY_MULTIBOOT1_H

#include "lib/lib.h"

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

#endif
