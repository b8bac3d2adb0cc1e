/* pxe_nic.c: asks the PXE ROM which PCI function its NIC is (PXENV_UNDI_GET_NIC_TYPE), so the
 * boot NIC is known without touching any chip. */
#include "lib/errors.h"
#include "pxe/pxe.h"

int pxe_nic_location(uint8_t *bus, uint8_t *dev, uint8_t *fn)
{
	static struct pxenv_undi_get_nic_type nt;   /* static: the ROM needs it below 1 MiB */

	if (!pxe_present())
		return -E_NODEV;
	memset(&nt, 0, sizeof(nt));
	if (pxe_call(PXENV_UNDI_GET_NIC_TYPE, &nt) < 0)
		return -E_NOTSUP;
	if (nt.nic_type != PXE_NIC_TYPE_PCI && nt.nic_type != PXE_NIC_TYPE_CARDBUS)
		return -E_NOTSUP;
	/* A ROM that fills nothing in leaves vendor 0: not a location to trust. */
	if (!nt.vendor || nt.vendor == 0xffff)
		return -E_NOTSUP;
	*bus = nt.bus_dev_fn >> 8;
	*dev = (nt.bus_dev_fn >> 3) & 0x1f;
	*fn = nt.bus_dev_fn & 7;
	return 0;
}
