/* linux_boot.c: starts a Linux bzImage through its 16-bit entry (boot.rst, "Running the
 * kernel"): real-mode setup copied low, the protected-mode part to 1 MiB, then the jump. */
#include "arch/basemem.h"
#include "arch/bios.h"
#include "lib/errors.h"
#include "services/heap.h"
#include "services/lowmem.h"
#include "loader/linux.h"
#include "services/shutdown.h"

#define PM_LOAD_ADDR 0x100000
#define HEAP_END 0xe000        /* setup heap/stack end; the command line goes right after */
#define REALMODE_SPAN LOWMEM_SETUP_SPAN  /* setup + heap + command line */

extern char _end[];

/* The real-mode part goes at the first 64 KiB boundary past the loader (image + bss); say
 * why when base memory ends below it. */
static int realmode_base(uint32_t *base)
{
	uint32_t top = basemem_top();
	int rc = lowmem_setup_base((uint32_t)(uintptr_t)_end, top, base);

	if (rc < 0)
		snprintf(err_detail, sizeof(err_detail),
			 "the kernel's real-mode setup needs base memory 0x%x-0x%x, the BIOS reports %u KiB",
			 *base, *base + REALMODE_SPAN - 1, top / 1024);
	return rc;
}

int linux_boot(struct linux_boot *lb)
{
	const struct linux_image *li = &lb->li;
	struct linux_cmdline_opts opts = { 0 };
	uint32_t base;
	uint32_t need = MAX(li->pm_size, li->init_size);
	int rc;

	if (li->setup_size > 0x8000)
		return -E_NOEXEC;
	rc = realmode_base(&base);
	if (rc < 0)
		return rc;
	uint8_t *rm = (uint8_t *)(uintptr_t)base;
	linux_cmdline_scan(lb->cmdline, &opts);
	/* The kernel is copied to 1 MiB: nothing we still need may sit there. */
	if (lb->initrd && (uintptr_t)lb->initrd < PM_LOAD_ADDR + need &&
	    (uintptr_t)lb->initrd + lb->initrd_len > PM_LOAD_ADDR)
		return -E_NOMEM;
	if ((uintptr_t)lb->cmdline < PM_LOAD_ADDR + need &&
	    (uintptr_t)lb->cmdline + strlen(lb->cmdline) + 1 > PM_LOAD_ADDR)
		return -E_NOMEM;

	memcpy(rm, lb->kernel, li->setup_size);
	rm[LH_TYPE_OF_LOADER] = 0xff;
	rm[LH_LOADFLAGS] |= LOADFLAG_CAN_USE_HEAP;
	put_le16(rm + LH_HEAP_END_PTR, HEAP_END - 0x200);
	put_le32(rm + LH_CMD_LINE_PTR, (uint32_t)(base + HEAP_END));
	strlcpy((char *)rm + HEAP_END, lb->cmdline, REALMODE_SPAN - HEAP_END);
	if (opts.has_vga)
		put_le16(rm + LH_VID_MODE, opts.vga);
	put_le32(rm + LH_RAMDISK_IMAGE, lb->initrd ? (uint32_t)(uintptr_t)lb->initrd : 0);
	put_le32(rm + LH_RAMDISK_SIZE, lb->initrd ? (uint32_t)lb->initrd_len : 0);

	printf("Starting Linux...\n");
	shutdown_all(0);     /* a kernel wants the PXE stack gone */
	memmove((void *)PM_LOAD_ADDR, lb->kernel + li->pm_offset, li->pm_size);
	bios_jump_linux((uint16_t)(base >> 4), HEAP_END);
}
