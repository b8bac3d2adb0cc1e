/* linux.h: the Linux/x86 boot protocol: bzImage header parsing (host-testable) and boot. */
#ifndef OSPREY_LINUX_H
#define OSPREY_LINUX_H

#include "lib/lib.h"

/* Offsets into the real-mode header (Documentation/arch/x86/boot.rst). */
#define LH_SETUP_SECTS 0x1f1
#define LH_SYSSIZE 0x1f4
#define LH_VID_MODE 0x1fa
#define LH_BOOT_FLAG 0x1fe
#define LH_HEADER 0x202
#define LH_VERSION 0x206
#define LH_TYPE_OF_LOADER 0x210
#define LH_LOADFLAGS 0x211
#define LH_CODE32_START 0x214
#define LH_RAMDISK_IMAGE 0x218
#define LH_RAMDISK_SIZE 0x21c
#define LH_HEAP_END_PTR 0x224
#define LH_CMD_LINE_PTR 0x228
#define LH_INITRD_ADDR_MAX 0x22c
#define LH_KERNEL_ALIGNMENT 0x230
#define LH_RELOCATABLE 0x234
#define LH_CMDLINE_SIZE 0x238
#define LH_INIT_SIZE 0x260

#define LOADFLAG_LOADED_HIGH 0x01
#define LOADFLAG_CAN_USE_HEAP 0x80

#define VID_MODE_NORMAL 0xffff
#define VID_MODE_EXTENDED 0xfffe
#define VID_MODE_ASK 0xfffd

struct linux_image {
	uint16_t version;          /* boot protocol, e.g. 0x020f */
	uint32_t setup_size;       /* real-mode part, bytes: (setup_sects + 1) * 512 */
	uint32_t pm_offset;        /* where the protected-mode part starts in the file */
	uint32_t pm_size;
	uint64_t sys_size;         /* what the header says the protected-mode part holds, bytes */
	uint32_t initrd_addr_max;  /* highest byte address the initrd may end at */
	uint32_t cmdline_size;     /* longest command line the kernel takes (without NUL) */
	uint32_t init_size;        /* memory the kernel needs from its load address */
};

/* Check a bzImage (untrusted, len bytes) and describe it. -E_NOEXEC when it is not a Linux
 * kernel (no HdrS, truncated); -E_NOTSUP, with err_detail naming it, for a Linux kernel osprey
 * cannot boot (a zImage, boot protocol older than 2.02). */
int linux_parse(const uint8_t *img, size_t len, struct linux_image *li);

/* What the command line asks of the loader. */
struct linux_cmdline_opts {
	bool has_vga;
	uint16_t vga;              /* vid_mode value */
	bool has_mem;
	uint64_t mem;              /* bytes */
};
/* Scan a kernel command line for vga= (normal, ext, ask, or a number) and mem= (with K/M/G).
 * Returns -E_INVAL for a malformed vga= or mem= value. */
int linux_cmdline_scan(const char *cmdline, struct linux_cmdline_opts *o);

/* A probed bzImage and its initrd: the linux image type's state (image.priv). */
struct linux_boot {
	uint8_t *kernel;          /* whole file (heap) */
	size_t kernel_len;
	struct linux_image li;
	char *cmdline;
	uint8_t *initrd;          /* heap, or NULL */
	size_t initrd_len;
};

/* The current image's Linux state, or NULL when no Linux kernel is loaded. */
struct linux_boot *linux_current(void);
/* Load the n files names[] as lb's initrd (replacing any), one after the other, each starting
 * 4-byte aligned (GRUB 2's rule: the kernel reads concatenated cpio archives), placed where the
 * kernel can reach it. On failure *failed is the index of the file that failed to load (-1:
 * the joining failed). */
int linux_set_initrd(struct linux_boot *lb, char *const *names, int n, int *failed);

/* Arch part: place the setup code, command line and kernel, shut down what must be,
 * jump. Returns only on failure. */
int linux_boot(struct linux_boot *lb);

#endif
