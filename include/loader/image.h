/* image.h: bootable formats register themselves (probe, then boot) in a linker-section table,
 * probed in a fixed order; the core keeps the one loaded image and `boot` asks its type to
 * start it. Linux bzImage is one entry; Multiboot, chained boot sectors and NBPs are others. */
#ifndef OSPREY_IMAGE_H
#define OSPREY_IMAGE_H

#include "lib/lib.h"

struct image_type;

/* A loaded kernel (or other bootable file) and what goes with it. */
struct image {
	char name[128];                /* the file name as given (for messages) */
	uint8_t *data;                 /* the whole file (heap, owned by the image) */
	size_t len;
	char *cmdline;                 /* the arguments after the file name (heap; "" for none) */
	const struct image_type *type; /* set by a successful probe */
	void *priv;                    /* the type's state (its unload frees it) */
};

struct image_type {
	const char *name;              /* "linux": shown, and accepted by `kernel --type=` */
	unsigned order;                /* probe order, lowest first (Multiboot before plain ELF) */
	unsigned flags;                /* IMAGE_EXPLICIT */
	/* Recognise and check img: 0 when it is this type and bootable (it may set img->priv and
	 * print a one-line description), -E_NOEXEC when it is not this type (the next is tried),
	 * another -E_* when it is this type but unusable (with the reason in err_detail). */
	int (*probe)(struct image *img);
	/* Start img; returns only on failure. */
	int (*boot)(struct image *img);
	/* Load file name as a boot module described by string ("FILE ARGS"); flags are file_load's
	 * (LOAD_GUNZIP for `module`, 0 for `modulenounzip`). NULL: the type takes no modules. */
	int (*module)(struct image *img, const char *name, const char *string, unsigned flags);
	/* Free what probe or later commands attached to img->priv (may be NULL). */
	void (*unload)(struct image *img);
};

#define IMAGE_ORDER_MULTIBOOT2 5       /* before Multiboot 1: a kernel with both headers */
#define IMAGE_ORDER_MULTIBOOT 10
#define IMAGE_ORDER_LINUX 20
#define IMAGE_ORDER_FALLBACK 90        /* formats recognised by little more than their size */

/* A format with no signature (a PXE NBP, a boot sector): never guessed, only probed when named
 * (`chainloader`, `kernel --type=`). */
#define IMAGE_EXPLICIT 0x1

#define IMAGE_TYPE(var)                                                                     \
	static const struct image_type var                                                  \
	__attribute__((used, section("osprey_images"), aligned(sizeof(void *))))

extern const struct image_type __start_osprey_images[], __stop_osprey_images[];
#define for_each_image_type(t) \
	for (const struct image_type *t = __start_osprey_images; t < __stop_osprey_images; t++)

/* The type registered as name, or NULL. */
const struct image_type *image_find_type(const char *name);
/* Try each type in order (or only the one named by force) until one claims img. Returns 0 with
 * img->type set, the claiming type's error, or -E_NOEXEC when none recognised it. */
int image_probe(struct image *img, const char *force);

/* The image `kernel` loaded (NULL when none). */
struct image *image_current(void);
/* Load file name with cmdline as the current image (replacing any), probed as above. */
int image_load(const char *name, const char *cmdline, const char *force);
/* Drop the current image and everything attached to it. */
void image_unload(void);
/* Boot the current image: -E_NOKERNEL when there is none; returns only on failure. */
int image_boot(void);

#endif
