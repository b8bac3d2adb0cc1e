/* nbp_image.c: the PXE NBP image type: a program with no signature, so it is only taken when
 * named (`chainloader`, `kernel --type=pxe`), checked to fit base memory at 0x7C00. */
#include "arch/basemem.h"
#include "lib/errors.h"
#include "loader/chain.h"
#include "loader/image.h"
#include "services/heap.h"

int chain_fits(size_t len, uint32_t top)
{
	if (!len)
		return -E_NOEXEC;
	if (top <= CHAIN_LOAD_ADDR || len > top - CHAIN_LOAD_ADDR)
		return -E_TOOBIG;
	return 0;
}

/* The fit is checked here already, so `chainloader` says so before anything is shut down. */
static int nbp_probe(struct image *img)
{
	uint32_t top = basemem_top();
	int rc = chain_fits(img->len, top);

	if (rc == -E_TOOBIG)
		snprintf(err_detail, sizeof(err_detail),
			 "a PXE NBP of %zu bytes at 0x7c00 would end at 0x%zx, base memory ends at 0x%x (%u KiB)",
			 img->len, (size_t)CHAIN_LOAD_ADDR + img->len, top, top / 1024);
	else if (rc < 0)
		snprintf(err_detail, sizeof(err_detail), "the file is empty");
	if (rc < 0)
		return rc == -E_NOEXEC ? -E_INVAL : rc;
	printf("PXE NBP, %zu bytes (loads at 0:7C00; base memory ends at %u KiB)\n", img->len, top / 1024);
	return 0;
}

static int nbp_boot(struct image *img)
{
	const struct chain_opts *co = img->priv;

	return nbp_start(img->data, img->len, co ? co->opt : NULL, co ? co->n : 0);
}

static void nbp_unload(struct image *img)
{
	heap_free(img->priv);
	img->priv = NULL;
}

IMAGE_TYPE(nbp_image_type) = {
	.name = "pxe",
	.order = IMAGE_ORDER_FALLBACK,
	.flags = IMAGE_EXPLICIT,
	.probe = nbp_probe,
	.boot = nbp_boot,
	.unload = nbp_unload,
};
