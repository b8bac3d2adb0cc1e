/* chain_cmds.c: `chainloader` loads another boot program to hand the machine to at `boot`. */
#include "files/file.h"
#include "lib/errors.h"
#include "loader/chain.h"
#include "loader/image.h"
#include "services/heap.h"
#include "ui/command.h"

#define OPTION_PREFIX "--option="

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

/* Take every --option=CODE:TEXT out of argv (parse_options takes one value per option) into co;
 * a later one of the same code replaces the earlier. Returns the new argc or -E_* (printed). */
static int take_dhcp_options(int argc, char **argv, struct chain_opts *co)
{
	size_t plen = strlen(OPTION_PREFIX);
	int out = 1;

	co->n = 0;
	for (int i = 1; i < argc; i++) {
		struct dhcp_opt o;
		int rc, k;

		if (strncmp(argv[i], OPTION_PREFIX, plen)) {
			argv[out++] = argv[i];
			continue;
		}
		rc = dhcp_opt_arg_parse(argv[i] + plen, &o);
		if (rc < 0)
			return cmd_error(rc, "%s: %s", argv[i], rc == -E_TOOBIG ?
					 "the text is longer than 255 bytes" :
					 "expected --option=CODE:TEXT with CODE 1 to 254");
		for (k = 0; k < co->n && co->opt[k].code != o.code; k++)
			;
		if (k == DHCP_PATCH_MAX_OPTS)
			return cmd_error(-E_TOOBIG, "at most %d different --option codes",
					 DHCP_PATCH_MAX_OPTS);
		co->opt[k] = o;
		if (k == co->n)
			co->n++;
	}
	argv[out] = NULL;
	return out;
}

/* chainloader with co (heap) for the --option values: kept as the NBP image's priv. */
static int chainload(int argc, char **argv, struct chain_opts *co)
{
	const char *force = NULL, *type = NULL;
	const struct option_spec specs[] = { { "force", false, &force }, { "type", true, &type } };
	const char *image_type;
	struct image *img;
	int rc;

	argc = take_dhcp_options(argc, argv, co);
	if (argc < 0)
		return argc;
	argc = parse_options(argc, argv, specs, ARRAY_SIZE(specs));
	if (argc < 0)
		return argc;
	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: chainloader [--force] [--type=bootsector|pxe] "
				 "[--option=CODE:TEXT]... FILE");
	if (type && strcmp(type, "bootsector") && strcmp(type, "pxe"))
		return cmd_error(-E_INVAL, "--type=%s: chainloader boots a bootsector or a pxe NBP", type);
	image_type = type ? type : chain_type(argv[1]);
	if (co->n && strcmp(image_type, "pxe"))
		return cmd_error(-E_INVAL, "--option sets DHCP options for a PXE NBP; %s is a boot sector",
				 argv[1]);
	image_unload();
	err_detail[0] = 0;
	/* The boot sector type reads chainloader's flags from the image's command line. */
	rc = image_load(argv[1], force ? "--force" : "", image_type);
	if (rc < 0)
		return cmd_fail(rc, argv[1]);
	img = image_current();
	if (co->n && img && !img->priv) {
		img->priv = co;
		return 1;
	}
	return 0;
}

static int cmd_chainloader(int argc, char **argv)
{
	/* 2 KiB of option values: from the heap, not in osprey's base-memory image. */
	struct chain_opts *co = heap_alloc(sizeof(*co), 4);
	int rc;

	if (!co)
		return cmd_fail(-E_NOMEM, "chainloader");
	rc = chainload(argc, argv, co);
	if (rc == 1)
		return 0;        /* the image keeps co */
	heap_free(co);
	return rc;
}
COMMAND(chainloader, CMD_MENU, "chainloader [--force] [--type=bootsector|pxe] [--option=CODE:TEXT]... FILE",
	"Load another boot program to start with `boot`. From a disk (`(hd0)+1`, `(hd0,0)+1`, a "
	"file there) a boot sector: its first 512 bytes, which must end in 55AAh (--force: boot it "
	"anyway), started at 0:7C00 with DL its BIOS drive and, for a partition, DS:SI its "
	"partition entry, the PXE stack unloaded. From the network a PXE NBP (pxelinux.0, "
	"undionly.kpxe, GRUB 2's core.0), started at 0:7C00 with the PXE stack kept, as the PXE "
	"ROM would. --type=bootsector or pxe says which, wherever the file comes from. "
	"--option=CODE:TEXT (repeatable, NBPs only) sets DHCP option CODE in the cached DHCP reply "
	"the NBP reads, e.g. --option=209:pxelinux.cfg/boot --option=210:/pxe/ for PXELINUX.",
	cmd_chainloader);
