/* boot_cmds.c: `kernel` loads a bootable file of any registered image type, `boot` starts it. */
#include "lib/errors.h"
#include "loader/image.h"
#include "services/heap.h"
#include "ui/command.h"

/* Join argv[from..] with spaces into a heap string (the kernel command line). */
static char *join_args(int argc, char **argv, int from)
{
	size_t n = 1;
	char *s, *p;

	for (int i = from; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = p = heap_alloc(n, 16);
	if (!s)
		return NULL;
	*p = 0;
	for (int i = from; i < argc; i++) {
		size_t l = strlen(argv[i]);
		if (p != s)
			*p++ = ' ';
		memcpy(p, argv[i], l + 1);
		p += l;
	}
	return s;
}

/* "linux, multiboot" for messages: the types this build knows (recognised: only those that
 * are recognised from a file's contents, not those that must be named). */
static void type_names(char *buf, size_t size, bool recognised)
{
	size_t used = 0;

	buf[0] = 0;
	for_each_image_type(t)
		if (used < size && !(recognised && (t->flags & IMAGE_EXPLICIT)))
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", t->name);
}

static int cmd_kernel(int argc, char **argv)
{
	const char *type = NULL;
	const struct option_spec specs[] = { { "type", true, &type } };
	char types[80], *cmdline;
	int rc;

	argc = parse_options(argc, argv, specs, ARRAY_SIZE(specs));
	if (argc < 0)
		return argc;
	if (argc < 2)
		return cmd_error(-E_INVAL, "usage: kernel [--type=TYPE] FILE [ARGS...]");
	type_names(types, sizeof(types), false);
	if (type && !image_find_type(type))
		return cmd_error(-E_INVAL, "--type=%s: unknown image type (this build knows: %s)", type, types);
	type_names(types, sizeof(types), true);
	image_unload();
	cmdline = join_args(argc, argv, 2);
	if (!cmdline)
		return cmd_fail(-E_NOMEM, "command line");
	err_detail[0] = 0;
	rc = image_load(argv[1], cmdline, type);
	heap_free(cmdline);
	if (rc == -E_NOEXEC)
		return cmd_error(rc, "%s: not a bootable image (this build recognises: %s)", argv[1], types);
	if (rc < 0)
		return cmd_fail(rc, argv[1]);
	return 0;
}
COMMAND(kernel, CMD_MENU, "kernel [--type=TYPE] FILE [ARGS...]",
	"Load a kernel and set its command line. The image type is recognised from the file "
	"(Linux bzImage: vga= and mem= are honoured); --type=linux insists on one.",
	cmd_kernel);

static int cmd_boot(int argc, char **argv)
{
	if (!image_current())
		return cmd_error(-E_NOKERNEL, "no kernel loaded: load one with `kernel FILE` first");
	return cmd_fail(image_boot(), "boot");
}
COMMAND(boot, CMD_MENU, "boot", "Boot the loaded kernel.", cmd_boot);
