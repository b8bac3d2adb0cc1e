/* linux_cmds.c: `initrd`, which gives the loaded Linux kernel its initial ramdisk. */
#include "lib/errors.h"
#include "loader/image.h"
#include "loader/linux.h"
#include "ui/command.h"

static int cmd_initrd(int argc, char **argv)
{
	struct linux_boot *lb = linux_current();
	int rc, failed;

	if (argc < 2)
		return cmd_error(-E_INVAL, "usage: initrd FILE [FILE...]");
	if (!image_current())
		return cmd_error(-E_NOKERNEL, "no kernel loaded: load one with `kernel FILE` first");
	if (!lb)
		return cmd_error(-E_NOTSUP, "the loaded kernel is a %s image: initrd is for Linux kernels",
				 image_current()->type->name);
	rc = linux_set_initrd(lb, argv + 1, argc - 1, &failed);
	if (rc < 0)
		return cmd_fail(rc, failed >= 0 ? argv[1 + failed] : "initrd");
	printf("initrd: %zu KiB at 0x%lx\n", lb->initrd_len >> 10, (unsigned long)(uintptr_t)lb->initrd);
	return 0;
}
COMMAND(initrd, CMD_MENU, "initrd FILE [FILE...]",
	"Load an initial ramdisk for the Linux kernel (several files: joined, each 4-byte aligned).",
	cmd_initrd);
