/* image.c: the image-type table walk (probe order) and the one current image that `kernel`
 * loads and `boot` starts. */
#include "files/file.h"
#include "lib/errors.h"
#include "loader/image.h"
#include "services/heap.h"

static struct image current;
static bool loaded;

const struct image_type *image_find_type(const char *name)
{
	for_each_image_type(t)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* The type that comes next after (order, t) in probe order; ties keep table order. Types that
 * are only probed when named are skipped. */
static const struct image_type *next_type(const struct image_type *prev)
{
	const struct image_type *best = NULL;

	for_each_image_type(t) {
		if (t->flags & IMAGE_EXPLICIT)
			continue;
		bool after = !prev || t->order > prev->order || (t->order == prev->order && t > prev);

		if (after && (!best || t->order < best->order || (t->order == best->order && t < best)))
			best = t;
	}
	return best;
}

int image_probe(struct image *img, const char *force)
{
	const struct image_type *t;
	int rc;

	img->type = NULL;
	if (force) {
		if (!(t = image_find_type(force)))
			return -E_INVAL;
		rc = t->probe(img);
		if (rc == 0)
			img->type = t;
		return rc;
	}
	for (t = next_type(NULL); t; t = next_type(t)) {
		rc = t->probe(img);
		if (rc == 0)
			img->type = t;
		if (rc != -E_NOEXEC)
			return rc;
	}
	return -E_NOEXEC;
}

struct image *image_current(void)
{
	return loaded ? &current : NULL;
}

void image_unload(void)
{
	if (!loaded)
		return;
	if (current.type && current.type->unload)
		current.type->unload(&current);
	heap_free(current.data);
	heap_free(current.cmdline);
	memset(&current, 0, sizeof(current));
	loaded = false;
}

int image_load(const char *name, const char *cmdline, const char *force)
{
	void *data;
	size_t len, clen = strlen(cmdline);
	int rc;

	image_unload();
	if (force && !image_find_type(force))
		return -E_INVAL;
	/* A gzip kernel is unpacked first, as GRUB legacy did (image types see plain bytes). */
	rc = file_load(name, &(struct load_opts){ .flags = LOAD_GUNZIP }, &data, &len);
	if (rc < 0)
		return rc;
	current.data = data;
	current.len = len;
	strlcpy(current.name, name, sizeof(current.name));
	current.cmdline = heap_alloc(clen + 1, 16);
	if (!current.cmdline) {
		heap_free(data);
		memset(&current, 0, sizeof(current));
		return -E_NOMEM;
	}
	memcpy(current.cmdline, cmdline, clen + 1);
	loaded = true;
	rc = image_probe(&current, force);
	if (rc < 0)
		image_unload();
	return rc;
}

int image_boot(void)
{
	if (!loaded)
		return -E_NOKERNEL;
	return current.type->boot(&current);
}
