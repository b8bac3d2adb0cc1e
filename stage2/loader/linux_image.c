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

	rc = linux_parse(img->data, img->len, &li);
	if (rc == -E_NOTSUP)
		return rc;            /* a Linux kernel osprey cannot boot: say which */
	if (rc < 0)
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

/* Where the initrd may go: below initrd_addr_max and below mem=. */
static uintptr_t initrd_limit(const struct linux_boot *lb)
{
	struct linux_cmdline_opts opts = { 0 };
	uintptr_t below = (uintptr_t)lb->li.initrd_addr_max + 1;

	linux_cmdline_scan(lb->cmdline, &opts);
	if (below == 0)
		below = UINTPTR_MAX;
	if (opts.has_mem && opts.mem < below)
		below = (uintptr_t)opts.mem;
	return below;
}

int linux_set_initrd(struct linux_boot *lb, char *const *names, int n, int *failed)
{
	struct load_opts lo = { .below = initrd_limit(lb) };
	void *part[16];
	size_t plen[16], total = 0;
	uint8_t *all;
	int rc = 0, got = 0;

	heap_free(lb->initrd);
	lb->initrd = NULL;
	lb->initrd_len = 0;
	*failed = -1;
	if (n > (int)ARRAY_SIZE(part)) {
		snprintf(err_detail, sizeof(err_detail), "at most %u initrd files", (unsigned)ARRAY_SIZE(part));
		return -E_TOOBIG;
	}
	for (; got < n; got++) {
		rc = file_load(names[got], &lo, &part[got], &plen[got]);
		if (rc < 0)
			break;
		total = ALIGN_UP(total, 4) + plen[got];
	}
	if (rc == 0 && n == 1) {
		lb->initrd = part[0];
		lb->initrd_len = plen[0];
		return 0;
	}
	/* Several: one block with each file 4-byte aligned (zeros between), the parts freed. */
	all = rc == 0 ? heap_alloc_below(total, 4096, lo.below) : NULL;
	if (rc == 0 && !all) {
		snprintf(err_detail, sizeof(err_detail),
			 "no room to join the initrd files (%zu bytes, needed once more while joining)", total);
		rc = -E_NOMEM;
	}
	size_t at = 0;
	for (int i = 0; i < got; i++) {
		if (all) {
			memset(all + at, 0, ALIGN_UP(at, 4) - at);
			at = ALIGN_UP(at, 4);
			memcpy(all + at, part[i], plen[i]);
			at += plen[i];
		}
		heap_free(part[i]);
	}
	if (rc < 0) {
		*failed = got < n ? got : -1;
		return rc;
	}
	lb->initrd = all;
	lb->initrd_len = total;
	return 0;
}
