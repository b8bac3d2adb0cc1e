/* linux_image.c: the Linux bzImage image type: recognise and check a kernel and its command
 * line, keep its initrd, and hand both to the arch code that starts it. */
#include "files/file.h"
#include "lib/errors.h"
#include "loader/image.h"
#include "loader/linux.h"
#include "services/heap.h"

static void linux_unload(struct image *img)
{
	struct linux_boot *lb = img->priv;

	if (!lb)
		return;
	heap_free(lb->initrd);
	heap_free(lb);
	img->priv = NULL;
}

static int linux_probe(struct image *img)
{
	struct linux_cmdline_opts opts;
	struct linux_image li;
	struct linux_boot *lb;
	int rc;

	if (linux_parse(img->data, img->len, &li) < 0)
		return -E_NOEXEC;
	/* A transfer cut short (or a file cut by hand) would start and crash: the header says
	 * how much follows the setup (rounded up to 16 bytes by the kernel's build). */
	if (li.sys_size > (uint64_t)li.pm_size + 15) {
		snprintf(err_detail, sizeof(err_detail),
			 "truncated kernel: its header says %llu KiB after the setup, the file has %u KiB",
			 (unsigned long long)(li.sys_size >> 10), (unsigned)(li.pm_size >> 10));
		return -E_IO;
	}
	if (strlen(img->cmdline) > li.cmdline_size) {
		snprintf(err_detail, sizeof(err_detail),
			 "command line longer than the %u bytes this kernel accepts", (unsigned)li.cmdline_size);
		return -E_TOOBIG;
	}
	rc = linux_cmdline_scan(img->cmdline, &opts);
	if (rc < 0) {
		snprintf(err_detail, sizeof(err_detail), "bad vga= or mem= value on the command line");
		return rc;
	}
	lb = heap_alloc(sizeof(*lb), 16);
	if (!lb)
		return -E_NOMEM;
	memset(lb, 0, sizeof(*lb));
	lb->kernel = img->data;
	lb->kernel_len = img->len;
	lb->li = li;
	lb->cmdline = img->cmdline;
	img->priv = lb;
	printf("Linux kernel, boot protocol %u.%02u, %zu KiB, setup %u bytes\n",
	       li.version >> 8, li.version & 0xff, img->len >> 10, (unsigned)li.setup_size);
	return 0;
}

static int linux_image_boot(struct image *img)
{
	return linux_boot(img->priv);
}

IMAGE_TYPE(linux_image_type) = {
	.name = "linux",
	.order = IMAGE_ORDER_LINUX,
	.probe = linux_probe,
	.boot = linux_image_boot,
	.unload = linux_unload,
};

struct linux_boot *linux_current(void)
{
	struct image *img = image_current();

	return img && img->type == &linux_image_type ? img->priv : NULL;
}

int linux_set_initrd(struct linux_boot *lb, const char *name)
{
	struct linux_cmdline_opts opts = { 0 };
	struct load_opts lo = { 0 };
	void *data;
	size_t len;
	int rc;

	heap_free(lb->initrd);
	lb->initrd = NULL;
	lb->initrd_len = 0;
	/* Load it where the kernel can take it: below initrd_addr_max and below mem=. */
	linux_cmdline_scan(lb->cmdline, &opts);
	lo.below = (uintptr_t)lb->li.initrd_addr_max + 1;
	if (lo.below == 0)
		lo.below = UINTPTR_MAX;
	if (opts.has_mem && opts.mem < lo.below)
		lo.below = (uintptr_t)opts.mem;
	rc = file_load(name, &lo, &data, &len);
	if (rc < 0)
		return rc;
	lb->initrd = data;
	lb->initrd_len = len;
	return 0;
}
