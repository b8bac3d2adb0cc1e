/* mb_modules.c: the boot modules of a Multiboot kernel (`module`, `modulenounzip`), loaded
 * into the heap after the kernel's segments were reserved, so none lands under a segment. */
#include "files/file.h"
#include "lib/errors.h"
#include "loader/multiboot.h"
#include "loader/multiboot1.h"
#include "services/heap.h"

int mb_modules_add(struct mb_modules *mods, const char *name, const char *string,
		   unsigned flags, size_t align)
{
	struct load_opts lo = { .align = align, .flags = flags };
	void *data;
	size_t len, slen = strlen(string) + 1;
	char *s;
	int rc;

	if (mods->n == MB_MAX_MODULES) {
		snprintf(err_detail, sizeof(err_detail), "at most %u modules", MB_MAX_MODULES);
		return -E_TOOBIG;
	}
	/* Kernels read modules below 4 GiB; a 32-bit heap holds nothing higher. */
	rc = file_load(name, &lo, &data, &len);
	if (rc < 0)
		return rc;
	s = heap_alloc(slen, 16);
	if (!s) {
		heap_free(data);
		return -E_NOMEM;
	}
	memcpy(s, string, slen);
	mods->m[mods->n].data = data;
	mods->m[mods->n].len = len;
	mods->m[mods->n].string = s;
	mods->n++;
	printf("module %u: %zu bytes at 0x%lx\n", mods->n, len, (unsigned long)(uintptr_t)data);
	return 0;
}

void mb_modules_free(struct mb_modules *mods)
{
	for (unsigned i = 0; i < mods->n; i++) {
		heap_free(mods->m[i].data);
		heap_free(mods->m[i].string);
	}
	mods->n = 0;
}

char *mb_file_and_args(const char *name, const char *args)
{
	size_t n = strlen(name) + strlen(args) + 2;
	char *s = heap_alloc(n, 16);

	if (s)
		snprintf(s, n, "%s%s%s", name, args[0] ? " " : "", args);
	return s;
}

void mb_modules_list(const struct mb_modules *mods, struct mb1_module *out)
{
	for (unsigned i = 0; i < mods->n; i++)
		out[i] = (struct mb1_module){ (uint32_t)(uintptr_t)mods->m[i].data,
					      (uint32_t)mods->m[i].len, mods->m[i].string };
}

void mb_start(const uint8_t *data, const struct mb1_image *l, uint32_t magic, uint32_t info)
{
	struct mb_copy copy[MB1_MAX_SEGS];

	for (unsigned i = 0; i < l->nseg; i++) {
		const struct mb1_seg *s = &l->seg[i];
		copy[i] = (struct mb_copy){ data + s->offset, s->filesz, s->addr, s->memsz };
	}
	multiboot_enter(copy, l->nseg, l->entry, magic, info);
}
