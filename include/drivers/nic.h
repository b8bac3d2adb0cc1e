/* nic.h: the machine's network devices as found on PCI (matched to drivers by ID only) and the
 * choice of the one osprey drives: pure logic over the list, host-tested. */
#ifndef OSPREY_NIC_H
#define OSPREY_NIC_H

#include "lib/lib.h"
#include "arch/pci.h"

struct nic_driver;
struct pci_id;

/* One network-class PCI function. */
struct nic {
	struct pci_dev pci;
	const struct nic_driver *drv;   /* the compiled-in driver whose ID table matches, or NULL */
	const struct pci_id *id;        /* the matching ID entry (names the chip) */
	bool failed;                    /* its driver's probe failed: not offered again */
	bool mac_known;                 /* mac read by a probe, or reported by the PXE ROM */
	uint8_t mac[6];
};

/* What the PXE ROM says about the NIC it booted from (either part may be missing). */
struct nic_boot_hint {
	bool have_loc;                  /* PXENV_UNDI_GET_NIC_TYPE gave a PCI location */
	uint8_t bus, dev, fn;
	bool have_mac;                  /* chaddr of the ROM's cached DHCP reply */
	uint8_t mac[6];
};

/* Why nic_choose() picked what it did. */
enum nic_why {
	NIC_BY_PCI,          /* the ROM's boot NIC, by the PCI location the ROM reported */
	NIC_BY_MAC,          /* the ROM's boot NIC, by its MAC (probed after the ROM let go) */
	NIC_FIRST,           /* no boot NIC known or usable: the first NIC with a driver */
	NIC_BOOT_NO_DRIVER,  /* the ROM's boot NIC has no driver: keep using the ROM (rc < 0) */
	NIC_NONE,            /* no NIC with a usable driver (rc < 0) */
};

/* Index of the NIC the PXE ROM booted from (by PCI location, else by a known MAC), or -1. */
int nic_boot_index(const struct nic *list, int n, const struct nic_boot_hint *boot);
/* Which NIC to drive: the ROM's boot NIC when it is known and its driver has not failed;
 * -E_NODEV (why NIC_BOOT_NO_DRIVER) when that NIC has no driver, since then the ROM serves it
 * better than another NIC would; else the first NIC with a driver that has not failed.
 * Returns the index, or -E_NODEV (why NIC_NONE). */
int nic_choose(const struct nic *list, int n, const struct nic_boot_hint *boot, enum nic_why *why);
/* Give the ROM's boot NIC the driver that runs it through the ROM (drv, matching entry id) when
 * no native driver claims it, or always with force. Returns the boot NIC's index when it got drv,
 * else -E_NODEV (no boot NIC known, no drv) or -E_BUSY (a native driver claims it). */
int nic_offer_rom_driver(struct nic *list, int n, const struct nic_boot_hint *boot,
			 const struct nic_driver *drv, const struct pci_id *id, bool force);
/* Whether the ROM's cached DHCP lease may be used on list[idx]: when the ROM's MAC is known it
 * must be this NIC's; without it, only a NIC the ROM named by PCI location, or the only NIC. */
bool nic_owns_lease(const struct nic *list, int n, int idx, const struct nic_boot_hint *boot);
/* Find a NIC by "N" (its index in the list) or "BB:DD.F" (hex PCI location, as listed).
 * Returns the index, -E_INVAL for a malformed spec, or -E_NOENT when no NIC matches. */
int nic_find(const struct nic *list, int n, const char *spec);

#endif
