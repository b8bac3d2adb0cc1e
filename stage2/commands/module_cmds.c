/* module_cmds.c: `module` and `modulenounzip`, which load boot modules for the loaded
 * Multiboot kernel (GRUB legacy's commands: the first unpacks gzip files, the second not). */
#include "files/file.h"
#include "lib/errors.h"
#include "loader/image.h"
#include "services/heap.h"
#include "ui/command.h"

/* Both commands: argv[1] is the file, the whole line after the command is the module's string. */
static int add_module(int argc, char **argv, unsigned flags)
{
	struct image *img = image_current();
	size_t n = 1;
	char *s, *p;
	int rc;

	if (argc < 2)
		return cmd_error(-E_INVAL, "usage: %s FILE [ARGS...]", argv[0]);
	if (!img)
		return cmd_error(-E_NOKERNEL, "no kernel loaded: load one with `kernel FILE` first");
	if (!img->type->module)
		return cmd_error(-E_NOTSUP, "the loaded kernel is a %s image: modules are for "
				 "Multiboot kernels", img->type->name);
	for (int i = 1; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = p = heap_alloc(n, 16);
	if (!s)
		return cmd_fail(-E_NOMEM, argv[1]);
	for (int i = 1; i < argc; i++)
		p += snprintf(p, n - (size_t)(p - s), "%s%s", i > 1 ? " " : "", argv[i]);
	err_detail[0] = 0;
	rc = img->type->module(img, argv[1], s, flags);
	heap_free(s);
	return rc < 0 ? cmd_fail(rc, argv[1]) : 0;
}

static int cmd_module(int argc, char **argv)
{
	return add_module(argc, argv, LOAD_GUNZIP);
}
COMMAND(module, CMD_MENU, "module FILE [ARGS...]",
	"Load a boot module for the Multiboot kernel (a gzip file is unpacked).", cmd_module);

static int cmd_modulenounzip(int argc, char **argv)
{
	return add_module(argc, argv, 0);
}
COMMAND(modulenounzip, CMD_MENU, "modulenounzip FILE [ARGS...]",
	"Load a boot module for the Multiboot kernel as it is (no gzip unpacking).", cmd_modulenounzip);
