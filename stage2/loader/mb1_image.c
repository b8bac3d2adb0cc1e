/* mb1_image.c: the Multiboot 1 image type: check the kernel's header and layout, reserve the
 * memory its segments go to, keep its modules, build the information structure and start it. */
#include "lib/errors.h"
#include "loader/image.h"
#include "loader/multiboot.h"
#include "loader/multiboot1.h"
#include "services/heap.h"
#include "services/memmap.h"

extern char _start_image[], _end[];

struct mb1_state {
	struct mb1_image mi;
	void *reserved[MB1_MAX_SEGS];   /* heap blocks holding the segments' destinations */
	struct mb_modules mods;
};

static void mb1_unload(struct image *img)
{
	struct mb1_state *st = img->priv;

	if (!st)
		return;
	mb_modules_free(&st->mods);
	for (unsigned i = 0; i < MB1_MAX_SEGS; i++)
		heap_free(st->reserved[i]);
	heap_free(st);
	img->priv = NULL;
}

static int mb1_probe(struct image *img)
{
	struct mb1_state *st;
	int rc;

	st = heap_alloc(sizeof(*st), 16);
	if (!st)
		return -E_NOMEM;
	memset(st, 0, sizeof(*st));
	rc = mb1_parse(img->data, img->len, &st->mi);
	if (rc == 0)
		rc = mb1_check_place(st->mi.seg, st->mi.nseg, &memmap,
				     (uint32_t)(uintptr_t)_start_image, (uint32_t)(uintptr_t)_end);
	img->priv = st;
	if (rc == 0)
		rc = mb_reserve(&st->mi, st->reserved);
	if (rc < 0) {
		mb1_unload(img);
		return rc;
	}
	printf("Multiboot kernel (%s), %u segment%s at 0x%x-0x%x, entry 0x%x\n",
	       st->mi.aout ? "a.out kludge" : "ELF", st->mi.nseg, st->mi.nseg == 1 ? "" : "s",
	       (unsigned)st->mi.lowest, (unsigned)(st->mi.highest - 1), (unsigned)st->mi.entry);
	return 0;
}

static int mb1_module(struct image *img, const char *name, const char *string, unsigned flags)
{
	struct mb1_state *st = img->priv;

	/* Page aligned whether or not flag 0 asks: it costs little and some kernels assume it. */
	return mb_modules_add(&st->mods, name, string, flags, 4096);
}

static int mb1_boot(struct image *img)
{
	struct mb1_state *st = img->priv;
	struct mb1_module mods[MB_MAX_MODULES];
	struct mb1_info_in in = { .loader_name = "osprey", .mmap = memmap.e, .nmmap = (unsigned)memmap.n };
	uint8_t *info;

	mb_modules_list(&st->mods, mods);
	in.mods = mods;
	in.nmods = st->mods.n;
	/* A network boot has no BIOS boot drive to report: boot_device stays clear. */
	char *cmdline = mb_file_and_args(img->name, img->cmdline);
	if (!cmdline)
		return -E_NOMEM;
	in.cmdline = cmdline;
	info = heap_alloc(mb1_info_size(&in), 16);
	if (!info) {
		heap_free(cmdline);
		return -E_NOMEM;
	}
	mb1_info_build(info, (uint32_t)(uintptr_t)info, &in);
	printf("Starting Multiboot kernel...\n");
	mb_start(img->data, &st->mi, MB1_BOOTLOADER_MAGIC, (uint32_t)(uintptr_t)info);
}

IMAGE_TYPE(mb1_image_type) = {
	.name = "multiboot",
	.order = IMAGE_ORDER_MULTIBOOT,
	.probe = mb1_probe,
	.boot = mb1_boot,
	.module = mb1_module,
	.unload = mb1_unload,
};
