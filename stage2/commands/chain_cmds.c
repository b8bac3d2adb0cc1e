/* chain_cmds.c: `chainloader` loads another boot program to hand the machine to at `boot`. */
#include "lib/errors.h"
#include "loader/image.h"
#include "ui/command.h"

/* The image type a chained file is: a PXE NBP today; boot sectors (from a disk, or with
 * --force) come with the disk sources and are chosen here by the file's source. */
static const char *chain_type(const char *name)
{
	(void)name;
	return "pxe";
}

static int cmd_chainloader(int argc, char **argv)
{
	int rc;

	argc = parse_options(argc, argv, NULL, 0);
	if (argc < 0)
		return argc;
	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: chainloader FILE");
	image_unload();
	err_detail[0] = 0;
	rc = image_load(argv[1], "", chain_type(argv[1]));
	if (rc < 0)
		return cmd_fail(rc, argv[1]);
	return 0;
}
COMMAND(chainloader, CMD_MENU, "chainloader FILE",
	"Load another boot program to start with `boot`: a PXE NBP (pxelinux.0, undionly.kpxe, "
	"GRUB 2's core.0), started at 0:7C00 with the PXE stack kept, as the PXE ROM would.",
	cmd_chainloader);
