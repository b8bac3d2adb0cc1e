/* nic_choose.c: picks the NIC osprey drives from the PCI list (the PXE ROM's boot NIC first)
 * and finds one by index or PCI location; touches no hardware, so it is host-tested. */
#include "lib/errors.h"
#include "drivers/nic.h"

static bool at_loc(const struct nic *c, uint8_t bus, uint8_t dev, uint8_t fn)
{
	return c->pci.bus == bus && c->pci.dev == dev && c->pci.fn == fn;
}

static bool usable(const struct nic *c)
{
	return c->drv && !c->failed;
}

int nic_boot_index(const struct nic *list, int n, const struct nic_boot_hint *boot)
{
	if (boot->have_loc) {
		for (int i = 0; i < n; i++)
			if (at_loc(&list[i], boot->bus, boot->dev, boot->fn))
				return i;
		/* A location that names no network function on our walk: fall back on the MAC. */
	}
	if (boot->have_mac)
		for (int i = 0; i < n; i++)
			if (list[i].mac_known && !memcmp(list[i].mac, boot->mac, 6))
				return i;
	return -1;
}

int nic_choose(const struct nic *list, int n, const struct nic_boot_hint *boot, enum nic_why *why)
{
	int b = nic_boot_index(list, n, boot);

	if (b >= 0 && usable(&list[b])) {
		bool by_pci = boot->have_loc && at_loc(&list[b], boot->bus, boot->dev, boot->fn);

		*why = by_pci ? NIC_BY_PCI : NIC_BY_MAC;
		return b;
	}
	if (b >= 0 && !list[b].drv) {
		*why = NIC_BOOT_NO_DRIVER;
		return -E_NODEV;
	}
	for (int i = 0; i < n; i++)
		if (usable(&list[i])) {
			*why = NIC_FIRST;
			return i;
		}
	*why = NIC_NONE;
	return -E_NODEV;
}

int nic_offer_rom_driver(struct nic *list, int n, const struct nic_boot_hint *boot,
			 const struct nic_driver *drv, const struct pci_id *id, bool force)
{
	int b = nic_boot_index(list, n, boot);

	if (b < 0 || !drv)
		return -E_NODEV;
	if (list[b].drv && list[b].drv != drv && !force)
		return -E_BUSY;
	list[b].drv = drv;
	list[b].id = id;
	list[b].failed = false;
	return b;
}

bool nic_owns_lease(const struct nic *list, int n, int idx, const struct nic_boot_hint *boot)
{
	const struct nic *c;

	if (idx < 0 || idx >= n)
		return false;
	c = &list[idx];
	if (boot->have_mac)
		return c->mac_known && !memcmp(c->mac, boot->mac, 6);
	if (boot->have_loc)
		return at_loc(c, boot->bus, boot->dev, boot->fn);
	return n == 1;
}

/* Parse 1..max_digits hex digits ending at one of the stop characters; returns the value or -1. */
static int hex_field(const char **s, int max_digits, char stop)
{
	int v = 0, digits = 0;

	for (; **s && **s != stop; (*s)++) {
		char ch = **s;
		int d = ch >= '0' && ch <= '9' ? ch - '0' :
			ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
			ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;

		if (d < 0 || ++digits > max_digits)
			return -1;
		v = v * 16 + d;
	}
	if (!digits || **s != stop)
		return -1;
	if (stop)
		(*s)++;
	return v;
}

int nic_find(const struct nic *list, int n, const char *spec)
{
	uint32_t idx;
	int bus, dev, fn;
	const char *s = spec;

	if (!strchr(spec, ':')) {
		if (parse_u32(spec, &idx) < 0)
			return -E_INVAL;
		return idx < (uint32_t)n ? (int)idx : -E_NOENT;
	}
	bus = hex_field(&s, 2, ':');
	dev = bus < 0 ? -1 : hex_field(&s, 2, '.');
	fn = dev < 0 ? -1 : hex_field(&s, 1, 0);
	if (fn < 0 || dev > 31 || fn > 7)
		return -E_INVAL;
	for (int i = 0; i < n; i++)
		if (at_loc(&list[i], (uint8_t)bus, (uint8_t)dev, (uint8_t)fn))
			return i;
	return -E_NOENT;
}
