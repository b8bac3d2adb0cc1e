/* chain_cmds.c: `chainloader` loads another boot program to hand the machine to at `boot`. */
#include "files/file.h"
#include "lib/errors.h"
#include "loader/image.h"
#include "ui/command.h"

/* The image type a chained file is when --type does not say: a boot sector when it comes from a
 * disk (a block list or a file there, or a path on a disk root device), a PXE NBP otherwise. */
static const char *chain_type(const char *name)
{
	struct file_name n;

	if (file_name_parse(name, file_root_device, &n) == 0 &&
	    (!strcmp(n.source, "hd") || !strcmp(n.source, "fd") || !strcmp(n.source, "cd")))
		return "bootsector";
	return "pxe";
}

static int cmd_chainloader(int argc, char **argv)
{
	const char *force = NULL, *type = NULL;
	const struct option_spec specs[] = { { "force", false, &force }, { "type", true, &type } };
	int rc;

	argc = parse_options(argc, argv, specs, ARRAY_SIZE(specs));
	if (argc < 0)
		return argc;
	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: chainloader [--force] [--type=bootsector|pxe] FILE");
	if (type && strcmp(type, "bootsector") && strcmp(type, "pxe"))
		return cmd_error(-E_INVAL, "--type=%s: chainloader boots a bootsector or a pxe NBP", type);
	image_unload();
	err_detail[0] = 0;
	/* The boot sector type reads chainloader's flags from the image's command line. */
	rc = image_load(argv[1], force ? "--force" : "", type ? type : chain_type(argv[1]));
	if (rc < 0)
		return cmd_fail(rc, argv[1]);
	return 0;
}
COMMAND(chainloader, CMD_MENU, "chainloader [--force] [--type=bootsector|pxe] FILE",
	"Load another boot program to start with `boot`. From a disk (`(hd0)+1`, `(hd0,0)+1`, a "
	"file there) a boot sector: its first 512 bytes, which must end in 55AAh (--force: boot it "
	"anyway), started at 0:7C00 with DL its BIOS drive and, for a partition, DS:SI its "
	"partition entry, the PXE stack unloaded. From the network a PXE NBP (pxelinux.0, "
	"undionly.kpxe, GRUB 2's core.0), started at 0:7C00 with the PXE stack kept, as the PXE "
	"ROM would. --type=bootsector or pxe says which, wherever the file comes from.",
	cmd_chainloader);
