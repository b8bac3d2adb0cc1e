/* test_image.c: unit tests of the image-type table: probe order (not table order), forced
 * types, a type that claims a file but refuses it, and the current image's life cycle. */
#include "test.h"
#include "fake_netdev.h"
#include "files/file.h"
#include "lib/errors.h"
#include "loader/image.h"
#include "services/heap.h"

static int probes_any, boots, unloads;
static const char *last_probe;

/* Registered first (so first in the table) but probed last: claims anything starting "ANY". */
static int any_probe(struct image *img)
{
	last_probe = "any";
	probes_any++;
	return img->len >= 3 && !memcmp(img->data, "ANY", 3) ? 0 : -E_NOEXEC;
}
static int any_boot(struct image *img) { boots++; return -E_IO; }
IMAGE_TYPE(t_any) = { .name = "t-any", .order = IMAGE_ORDER_FALLBACK, .probe = any_probe, .boot = any_boot };

/* Claims "LX"; "LXBAD" is its kind but unusable. */
static int lx_probe(struct image *img)
{
	last_probe = "lx";
	if (img->len < 2 || memcmp(img->data, "LX", 2))
		return -E_NOEXEC;
	if (img->len >= 5 && !memcmp(img->data + 2, "BAD", 3)) {
		strlcpy(err_detail, "bad lx", sizeof(err_detail));
		return -E_TOOBIG;
	}
	img->priv = heap_alloc(64, 16);
	return 0;
}
static void lx_unload(struct image *img) { unloads++; heap_free(img->priv); img->priv = NULL; }
IMAGE_TYPE(t_lx) = { .name = "t-lx", .order = IMAGE_ORDER_LINUX, .probe = lx_probe, .boot = any_boot,
		     .unload = lx_unload };

/* Claims anything containing "MB" in its first 8 bytes (also "LXMB...", which LX would too). */
static int mb_probe(struct image *img)
{
	last_probe = "mb";
	for (size_t i = 0; i + 1 < MIN(img->len, (size_t)8); i++)
		if (img->data[i] == 'M' && img->data[i + 1] == 'B')
			return 0;
	return -E_NOEXEC;
}
IMAGE_TYPE(t_mb) = { .name = "t-mb", .order = IMAGE_ORDER_MULTIBOOT, .probe = mb_probe, .boot = any_boot };

/* Claims everything, first in order, but only when named: a format with no signature. */
static int ex_probe(struct image *img)
{
	last_probe = "ex";
	return 0;
}
IMAGE_TYPE(t_ex) = { .name = "t-ex", .order = 0, .flags = IMAGE_EXPLICIT, .probe = ex_probe,
		     .boot = any_boot };

static struct image mk(const char *bytes)
{
	struct image img = { .data = (uint8_t *)bytes, .len = strlen(bytes), .cmdline = "" };
	return img;
}

TEST(image_probe_order)
{
	struct image img = mk("LXMB....");

	CHECK_EQ(image_probe(&img, NULL), 0);
	CHECK(img.type == &t_mb);                         /* Multiboot before Linux */
	img = mk("LX......");
	CHECK_EQ(image_probe(&img, NULL), 0);
	CHECK(img.type == &t_lx);
	lx_unload(&img);
	img = mk("ANYthing");
	CHECK_EQ(image_probe(&img, NULL), 0);
	CHECK(img.type == &t_any);
	img = mk("nothing!");
	probes_any = 0;
	CHECK_EQ(image_probe(&img, NULL), -E_NOEXEC);
	CHECK(img.type == NULL);
	CHECK_EQ(probes_any, 1);
	CHECK_STR(last_probe, "any");                     /* the fallback came last */
}

TEST(image_probe_claimed_but_unusable)
{
	struct image img = mk("LXBAD...");

	probes_any = 0;
	err_detail[0] = 0;
	CHECK_EQ(image_probe(&img, NULL), -E_TOOBIG);     /* stops there: no fallback tried */
	CHECK_EQ(probes_any, 0);
	CHECK(img.type == NULL);
	CHECK_STR(err_detail, "bad lx");
	err_detail[0] = 0;
}

TEST(image_probe_forced)
{
	struct image img = mk("LXMB....");

	CHECK_EQ(image_probe(&img, "t-lx"), 0);
	CHECK(img.type == &t_lx);
	lx_unload(&img);
	img = mk("MB......");
	CHECK_EQ(image_probe(&img, "t-lx"), -E_NOEXEC);
	CHECK_EQ(image_probe(&img, "nosuch"), -E_INVAL);
	CHECK(image_find_type("t-mb") == &t_mb && image_find_type("linux") == NULL);
}

TEST(image_explicit_type_only_when_named)
{
	struct image img = mk("nothing known");

	CHECK_EQ(image_probe(&img, NULL), -E_NOEXEC);   /* t-ex would claim it, but is skipped */
	CHECK(img.type == NULL);
	CHECK_EQ(image_probe(&img, "t-ex"), 0);
	CHECK(img.type == &t_ex);
}

/* A source with one file per content, for image_load. */
static int img_read(struct file *f, void *buf, size_t len)
{
	const char *s = f->priv;
	size_t n = MIN(len, strlen(s) - (size_t)f->pos);

	memcpy(buf, s + f->pos, n);
	return (int)n;
}
static const struct file_ops img_ops = { .read = img_read };
static int img_open(struct file *f, const struct file_name *n)
{
	static char content[64];

	strlcpy(content, n->path + 1, sizeof(content));
	f->priv = content;
	f->ops = &img_ops;
	f->size = strlen(content);
	f->size_known = true;
	return 0;
}
FILE_SOURCE(img_source) = { .name = "img", .open = img_open };

TEST(image_current_life_cycle)
{
	static uint8_t mem[1 << 20] __attribute__((aligned(4096)));

	heap_reset();
	heap_add_region((uintptr_t)mem, (uintptr_t)mem + sizeof(mem));
	size_t free0 = heap_total_free();
	image_unload();
	CHECK(image_current() == NULL);
	CHECK_EQ(image_boot(), -E_NOKERNEL);
	unloads = boots = 0;
	CHECK_EQ(image_load("(img)/LXkernel", "root=/dev/ram0 quiet", NULL), 0);
	struct image *img = image_current();
	CHECK(img && img->type == &t_lx && img->priv);
	CHECK_STR(img->cmdline, "root=/dev/ram0 quiet");
	CHECK_STR(img->name, "(img)/LXkernel");
	CHECK_EQ(img->len, 8);
	CHECK_EQ(image_boot(), -E_IO);
	CHECK_EQ(boots, 1);
	/* A second load replaces the first and frees everything it had. */
	CHECK_EQ(image_load("(img)/MBkernel", "", NULL), 0);
	CHECK_EQ(unloads, 1);
	CHECK(image_current()->type == &t_mb);
	/* A failed load leaves no image and no memory behind. */
	CHECK_EQ(image_load("(img)/garbage", "x", NULL), -E_NOEXEC);
	CHECK(image_current() == NULL);
	CHECK_EQ(image_load("(img)/LXkernel", "", "nosuch"), -E_INVAL);
	CHECK_EQ(heap_total_free(), free0);
}
