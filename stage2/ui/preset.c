/* preset.c: the (preset) file source: the menu.lst compiled into the image (configure
 * --enable-preset-menu=FILE, else stage2/ui/preset-default.lst), read like any other file. */
#include "files/file.h"
#include "lib/errors.h"

/* Put there by the generated preset_menu.S (.incbin of the chosen file). */
extern const char preset_menu_start[], preset_menu_end[];

static int preset_read(struct file *f, void *buf, size_t len)
{
	size_t size = (size_t)(preset_menu_end - preset_menu_start);

	if (f->pos >= size)
		return 0;
	len = MIN(len, size - (size_t)f->pos);
	memcpy(buf, preset_menu_start + f->pos, len);
	return (int)len;
}

static int preset_seek(struct file *f, uint64_t pos)
{
	if (pos > f->size)
		return -E_INVAL;
	f->pos = pos;
	return 0;
}

static void preset_close(struct file *f)
{
}

static const struct file_ops preset_ops = {
	.read = preset_read, .seek = preset_seek, .close = preset_close,
};

/* The one file is (preset)/menu.lst. */
static int preset_open(struct file *f, const struct file_name *n)
{
	if (n->blocklist || strcmp(n->path, "/menu.lst"))
		return -E_NOENT;
	f->ops = &preset_ops;
	f->size = (uint64_t)(preset_menu_end - preset_menu_start);
	f->size_known = true;
	return 0;
}

FILE_SOURCE(preset_source) = {
	.name = "preset", .what = "the preset menu compiled in ((preset)/menu.lst)", .open = preset_open,
};
