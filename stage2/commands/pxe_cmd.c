/* pxe_cmd.c: `pxe [status|release|unload]`: show the PXE stack's state and base memory, hand the
 * NIC over, or unload the stack by hand. */
#include "ui/command.h"
#include "arch/bios.h"
#include "lib/errors.h"
#include "net/dhcp_identity.h"
#include "pxe/pxe_core.h"

/* The identity the ROM's DHCPDISCOVER carried (what a DHCP server saw of the PXE client). */
static void show_discover(const struct dhcp_identity *id)
{
	printf("discover client id ");
	for (int i = 0; i < id->client_id_len; i++)
		printf("%s%02x", i ? ":" : "", id->client_id[i]);
	printf("%s", id->client_id_len ? "" : "(none)");
	if (id->have_arch)
		printf(", arch %u", id->arch);
	if (id->have_ndi)
		printf(", UNDI %u.%u", id->ndi[1], id->ndi[2]);
	printf("\n");
	if (id->have_uuid) {
		const uint8_t *u = id->uuid;
		printf("discover UUID %02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n",
		       u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		       u[13], u[14], u[15]);
	}
	if (id->vendor_class[0])
		printf("discover vendor class %s\n", id->vendor_class);
	if (id->user_class[0])
		printf("discover user class %s\n", id->user_class);
}

static void show_status(void)
{
	const struct pxe_info *pi = pxe_get_info();
	uint16_t before, after;

	printf("state    %s\n", pxe_state_name(pxe_get_state()));
	if (pi) {
		printf("api      %s, version %u.%u, entry %04x:%04x, structure at 0x%05x\n",
		       pi->bang_pxe ? "!PXE" : "PXENV+", pi->version >> 8, pi->version & 0xff,
		       pi->entry >> 16, pi->entry & 0xffff, pi->struct_phys);
		for (int i = 0; i < pi->nsegs; i++)
			printf("segment  0x%05x-0x%05x (%u bytes)\n", pi->segs[i].phys,
			       pi->segs[i].phys + pi->segs[i].size - 1, pi->segs[i].size);
	}
	pxe_reclaimed(&before, &after);
	if (after)
		printf("reclaim  %u KiB -> %u KiB\n", before, after);
	printf("basemem  %u KiB\n", bios_base_memory() / 1024);
	if (dhcp_rom_identity_known)
		show_discover(&dhcp_rom_identity);
}

static int cmd_pxe(int argc, char **argv)
{
	int rc;

	if (argc > 2)
		return cmd_error(-E_INVAL, "usage: pxe [status|release|unload]");
	if (argc == 1 || !strcmp(argv[1], "status")) {
		show_status();
		return 0;
	}
	if (!strcmp(argv[1], "release")) {
		if ((rc = pxe_release_nic()) < 0)
			return cmd_fail(rc, "pxe release");
		return 0;
	}
	if (!strcmp(argv[1], "unload")) {
		if ((rc = pxe_unload()) < 0)
			return cmd_fail(rc, "pxe unload");
		return 0;
	}
	return cmd_error(-E_INVAL, "pxe: unknown subcommand '%s' (status, release, unload)", argv[1]);
}
COMMAND(pxe, 0, "pxe [status|release|unload]",
	"Show the PXE ROM's stack (API, segments, base memory), release the NIC from it "
	"(UNDI shutdown), or unload it (shutdown, unload stack, stop UNDI) and give its base "
	"memory back. Booting a kernel unloads it anyway.", cmd_pxe);
