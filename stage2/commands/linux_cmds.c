/* linux_cmds.c: `kernel`, `initrd` and `boot` for Linux bzImages. Owns the loaded images. */
#include "ui/command.h"
#include "lib/errors.h"
#include "files/file.h"
#include "services/heap.h"
#include "loader/linux.h"

static struct linux_boot lb;

static void unload_initrd(void)
{
	if (lb.initrd)
		heap_free(lb.initrd);
	lb.initrd = NULL;
	lb.initrd_len = 0;
}

static void unload_kernel(void)
{
	unload_initrd();
	if (lb.kernel)
		heap_free(lb.kernel);
	if (lb.cmdline)
		heap_free(lb.cmdline);
	memset(&lb, 0, sizeof(lb));
}

/* Join argv[from..] with spaces into a heap string (the kernel command line). */
static char *join_args(int argc, char **argv, int from)
{
	size_t n = 1;
	char *s, *p;

	for (int i = from; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = p = heap_alloc(n, 16);
	if (!s)
		return NULL;
	*p = 0;
	for (int i = from; i < argc; i++) {
		size_t l = strlen(argv[i]);
		if (p != s)
			*p++ = ' ';
		memcpy(p, argv[i], l + 1);
		p += l;
	}
	return s;
}

static int cmd_kernel(int argc, char **argv)
{
	struct linux_cmdline_opts opts;
	void *data;
	size_t len;
	int rc;

	if (argc < 2)
		return cmd_error(-E_INVAL, "usage: kernel FILE [ARGS...]");
	unload_kernel();
	rc = file_load(argv[1], 0, &data, &len);
	if (rc < 0)
		return cmd_fail(rc, argv[1]);
	lb.kernel = data;
	lb.kernel_len = len;
	rc = linux_parse(lb.kernel, lb.kernel_len, &lb.li);
	if (rc < 0) {
		unload_kernel();
		return cmd_error(rc, "%s: not a Linux kernel (bzImage, boot protocol 2.02 or later)", argv[1]);
	}
	lb.cmdline = join_args(argc, argv, 2);
	if (!lb.cmdline) {
		unload_kernel();
		return cmd_fail(-E_NOMEM, "command line");
	}
	if (strlen(lb.cmdline) > lb.li.cmdline_size) {
		unload_kernel();
		return cmd_error(-E_TOOBIG, "command line longer than the %u bytes this kernel accepts", (unsigned)lb.li.cmdline_size);
	}
	rc = linux_cmdline_scan(lb.cmdline, &opts);
	if (rc < 0) {
		unload_kernel();
		return cmd_error(rc, "bad vga= or mem= value on the command line");
	}
	printf("Linux kernel, boot protocol %u.%02u, %zu KiB, setup %u bytes\n",
	       lb.li.version >> 8, lb.li.version & 0xff, len >> 10, (unsigned)lb.li.setup_size);
	return 0;
}
COMMAND(kernel, CMD_MENU, "kernel FILE [ARGS...]",
	"Load a Linux kernel (bzImage) and set its command line; vga= and mem= are honoured.",
	cmd_kernel);

static int cmd_initrd(int argc, char **argv)
{
	struct linux_cmdline_opts opts = { 0 };
	uintptr_t limit;
	void *data;
	size_t len;
	int rc;

	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: initrd FILE");
	if (!lb.kernel)
		return cmd_error(-E_NOKERNEL, "no kernel loaded: load one with `kernel FILE` first");
	unload_initrd();
	/* Load it where the kernel can take it: below initrd_addr_max and below mem=. */
	linux_cmdline_scan(lb.cmdline, &opts);
	limit = (uintptr_t)lb.li.initrd_addr_max + 1;
	if (limit == 0)
		limit = UINTPTR_MAX;
	if (opts.has_mem && opts.mem < limit)
		limit = (uintptr_t)opts.mem;
	rc = file_load(argv[1], limit, &data, &len);
	if (rc < 0)
		return cmd_fail(rc, argv[1]);
	lb.initrd = data;
	lb.initrd_len = len;
	printf("initrd: %zu KiB at 0x%lx\n", len >> 10, (unsigned long)(uintptr_t)data);
	return 0;
}
COMMAND(initrd, CMD_MENU, "initrd FILE", "Load an initial ramdisk for the kernel.", cmd_initrd);

static int cmd_boot(int argc, char **argv)
{
	if (!lb.kernel)
		return cmd_error(-E_NOKERNEL, "no kernel loaded: load one with `kernel FILE` first");
	int rc = linux_boot(&lb);
	return cmd_fail(rc, "boot");
}
COMMAND(boot, CMD_MENU, "boot", "Boot the loaded kernel.", cmd_boot);
