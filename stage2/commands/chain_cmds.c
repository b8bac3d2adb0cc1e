/* chain_cmds.c: `chainloader` loads another boot program to hand the machine to at `boot`. */
#include "lib/errors.h"
#include "loader/chain.h"
#include "loader/image.h"
#include "services/heap.h"
#include "ui/command.h"

#define OPTION_PREFIX "--option="

/* The image type a chained file is: a PXE NBP today; boot sectors (from a disk, or with
 * --force) come with the disk sources and are chosen here by the file's source. */
static const char *chain_type(const char *name)
{
	(void)name;
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

static int cmd_chainloader(int argc, char **argv)
{
	static struct chain_opts co;
	struct image *img;
	int rc;

	argc = take_dhcp_options(argc, argv, &co);
	if (argc < 0)
		return argc;
	argc = parse_options(argc, argv, NULL, 0);
	if (argc < 0)
		return argc;
	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: chainloader [--option=CODE:TEXT]... FILE");
	image_unload();
	err_detail[0] = 0;
	rc = image_load(argv[1], "", chain_type(argv[1]));
	if (rc < 0)
		return cmd_fail(rc, argv[1]);
	img = image_current();
	if (co.n && img && !img->priv) {
		struct chain_opts *keep = heap_alloc(sizeof(co), 4);
		if (!keep) {
			image_unload();
			return cmd_fail(-E_NOMEM, "--option");
		}
		*keep = co;
		img->priv = keep;
	}
	return 0;
}
COMMAND(chainloader, CMD_MENU, "chainloader [--option=CODE:TEXT]... FILE",
	"Load another boot program to start with `boot`: a PXE NBP (pxelinux.0, undionly.kpxe, "
	"GRUB 2's core.0), started at 0:7C00 with the PXE stack kept, as the PXE ROM would. "
	"--option=CODE:TEXT (repeatable) sets DHCP option CODE in the cached DHCP reply the NBP "
	"reads, e.g. --option=209:pxelinux.cfg/boot --option=210:/pxe/ for PXELINUX.",
	cmd_chainloader);
