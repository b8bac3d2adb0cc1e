/* multiboot.h: what the Multiboot 1 and 2 image types share: the modules loaded for the kernel
 * and the arch entry that copies the kernel's segments into place and jumps to it. */
#ifndef OSPREY_MULTIBOOT_H
#define OSPREY_MULTIBOOT_H

#include "lib/lib.h"

#define MB_MAX_MODULES 32

struct mb_modules {
	unsigned n;
	struct {
		uint8_t *data;      /* heap, page aligned */
		size_t len;
		char *string;       /* heap: "FILE ARGS" */
	} m[MB_MAX_MODULES];
};

/* Load name (file_load flags: LOAD_GUNZIP or 0) aligned to align as the next module, with
 * string as its command line; prints where it went. */
int mb_modules_add(struct mb_modules *mods, const char *name, const char *string,
		   unsigned flags, size_t align);
void mb_modules_free(struct mb_modules *mods);

/* "FILE ARGS" on the heap (NULL when full): the kernel's command line as GRUB legacy gave it,
 * for Multiboot 1 and 2 alike (Xen, for one, drops the first word unless the loader calls
 * itself GRUB 2). */
char *mb_file_and_args(const char *name, const char *args);

/* One piece of the kernel to put in place at boot: filesz bytes from src to addr, then zeros
 * up to memsz. */
struct mb_copy {
	const uint8_t *src;
	uint32_t filesz, addr, memsz;
};

/* Arch: shut everything down (shutdown_all(0)), copy the pieces into place and enter the
 * kernel at entry in 32-bit protected mode, flat segments, interrupts off, EAX=magic,
 * EBX=info. The caller guarantees no piece's destination overlaps osprey, copy, the sources,
 * the information structure or the modules. Does not return. */
void __attribute__((noreturn)) multiboot_enter(const struct mb_copy *copy, unsigned n,
					       uint32_t entry, uint32_t magic, uint32_t info);

struct mb1_image;
struct mb1_module;

/* The loaded modules as the information builders take them (out has room for mods->n). */
void mb_modules_list(const struct mb_modules *mods, struct mb1_module *out);

/* Enter the kernel whose file is data and whose segments l describes (multiboot_enter with
 * one copy per segment); magic and info go to EAX and EBX. Does not return. */
void __attribute__((noreturn)) mb_start(const uint8_t *data, const struct mb1_image *l,
					uint32_t magic, uint32_t info);

#endif
