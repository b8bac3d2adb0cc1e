/* mb2_image.c: the Multiboot 2 image type (GRUB 2's format), probed before Multiboot 1 so a
 * kernel carrying both headers boots through Multiboot 2: check the header and layout, place
 * (or relocate) and reserve the segments, keep the modules, build the boot information and
 * start the kernel with EAX=0x36d76289. */
#include "lib/errors.h"
#include "loader/image.h"
#include "loader/multiboot.h"
#include "loader/multiboot2.h"
#include "net/netstack.h"
#include "services/heap.h"
#include "services/memmap.h"

extern char _start_image[], _end[];

struct mb2_state {
	struct mb2_image mi;
	void *reserved[MB1_MAX_SEGS];   /* heap blocks holding the segments' destinations */
	bool relocated;
	struct mb_modules mods;
};

static void free_reserved(struct mb2_state *st)
{
	for (unsigned i = 0; i < MB1_MAX_SEGS; i++) {
		heap_free(st->reserved[i]);
		st->reserved[i] = NULL;
	}
}

static void mb2_unload(struct image *img)
{
	struct mb2_state *st = img->priv;

	if (!st)
		return;
	mb_modules_free(&st->mods);
	free_reserved(st);
	heap_free(st);
	img->priv = NULL;
}

/* The segments where they are linked: in RAM, off osprey, and free. */
static int place_linked(struct mb2_state *st)
{
	int rc = mb1_check_place(st->mi.layout.seg, st->mi.layout.nseg, &memmap,
				 (uint32_t)(uintptr_t)_start_image, (uint32_t)(uintptr_t)_end);
	if (rc == 0)
		rc = mb_reserve(&st->mi.layout, st->reserved);
	return rc;
}

/* A relocatable kernel (header tag 10) whose linked place is unusable: move the whole image,
 * keeping its segments' distances, to a free block of RAM within [min_addr, max_addr] at the
 * tag's alignment (the heap gives the highest such block; the preference is a hint). */
static int relocate(struct mb2_state *st)
{
	struct mb1_image *l = &st->mi.layout;
	uint32_t span = l->highest - l->lowest, align = MAX(st->mi.reloc_align, 8u);
	uint32_t max = st->mi.reloc_max ? st->mi.reloc_max : 0xFFFFFFFFu;
	uint8_t *block = heap_alloc_below(span, align, max);

	if (!block || (uint32_t)(uintptr_t)block < st->mi.reloc_min) {
		heap_free(block);
		snprintf(err_detail, sizeof(err_detail),
			 "Multiboot 2: no free RAM for the relocatable kernel (%u bytes) "
			 "within 0x%x-0x%x", (unsigned)span, (unsigned)st->mi.reloc_min, (unsigned)max);
		return -E_NOMEM;
	}
	uint32_t delta = (uint32_t)(uintptr_t)block - l->lowest;
	for (unsigned i = 0; i < l->nseg; i++)
		l->seg[i].addr += delta;
	l->entry += delta;
	l->lowest += delta;
	l->highest += delta;
	st->reserved[0] = block;            /* the one block holds every segment */
	st->relocated = true;
	return 0;
}

static int mb2_probe(struct image *img)
{
	struct mb2_state *st;
	int rc;

	st = heap_alloc(sizeof(*st), 16);
	if (!st)
		return -E_NOMEM;
	memset(st, 0, sizeof(*st));
	img->priv = st;
	rc = mb2_parse(img->data, img->len, &st->mi);
	if (rc == 0) {
		rc = place_linked(st);
		if (rc < 0 && st->mi.reloc) {
			free_reserved(st);
			rc = relocate(st);
		}
	}
	if (rc < 0) {
		mb2_unload(img);
		return rc;
	}
	const struct mb1_image *l = &st->mi.layout;
	printf("Multiboot 2 kernel (%s), %u segment%s at 0x%x-0x%x, entry 0x%x%s\n",
	       l->aout ? "address tag" : "ELF", l->nseg, l->nseg == 1 ? "" : "s",
	       (unsigned)l->lowest, (unsigned)(l->highest - 1), (unsigned)l->entry,
	       st->relocated ? " (relocated)" : "");
	return 0;
}

static int mb2_module(struct image *img, const char *name, const char *string, unsigned flags)
{
	struct mb2_state *st = img->priv;

	/* Page aligned whether or not the module alignment tag asks, as for Multiboot 1. */
	return mb_modules_add(&st->mods, name, string, flags, 4096);
}

static int mb2_boot(struct image *img)
{
	struct mb2_state *st = img->priv;
	const struct mb1_image *l = &st->mi.layout;
	struct mb1_module mods[MB_MAX_MODULES];
	struct mb2_info_in in = {
		.loader_name = "osprey",
		.mmap = memmap.e, .nmmap = (unsigned)memmap.n,
		.load_base_tag = true, .load_base = l->lowest,
		.ega_text = st->mi.asked & (1u << MB2_IT_FRAMEBUFFER),
	};
	uint8_t *info;

	mb_modules_list(&st->mods, mods);
	in.mods = mods;
	in.nmods = st->mods.n;
	/* The DHCP reply this machine was configured from (ours, or the PXE ROM's ACK). */
	if (dhcp_last_reply_len) {
		in.dhcp_ack = dhcp_last_reply;
		in.dhcp_ack_len = dhcp_last_reply_len;
	}
	if (st->mi.asked & (1u << MB2_IT_ELF)) {
		in.elf = img->data;
		in.elf_len = img->len;
	}
	char *cmdline = mb_file_and_args(img->name, img->cmdline);
	if (!cmdline)
		return -E_NOMEM;
	in.cmdline = cmdline;
	info = heap_alloc(mb2_info_size(&in), 16);
	if (!info) {
		heap_free(cmdline);
		return -E_NOMEM;
	}
	mb2_info_build(info, (uint32_t)(uintptr_t)info, &in);
	printf("Starting Multiboot 2 kernel...\n");
	mb_start(img->data, l, MB2_BOOTLOADER_MAGIC, (uint32_t)(uintptr_t)info);
}

IMAGE_TYPE(mb2_image_type) = {
	.name = "multiboot2",
	.order = IMAGE_ORDER_MULTIBOOT2,
	.probe = mb2_probe,
	.boot = mb2_boot,
	.module = mb2_module,
	.unload = mb2_unload,
};
