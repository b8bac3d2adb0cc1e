/* pci.c: PCI configuration mechanism #1 (ports 0xCF8/0xCFC) and a walk over every function. */
#include "arch/io.h"
#include "arch/pci.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc

static void pci_select(const struct pci_dev *d, uint8_t off)
{
	outl(PCI_CONFIG_ADDRESS, 0x80000000u | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11 |
				 (uint32_t)d->fn << 8 | (off & 0xfc));
}

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
	pci_select(d, off);
	return inl(PCI_CONFIG_DATA);
}

uint16_t pci_read16(const struct pci_dev *d, uint8_t off)
{
	pci_select(d, off);
	return inw(PCI_CONFIG_DATA + (off & 2));
}

uint8_t pci_read8(const struct pci_dev *d, uint8_t off)
{
	pci_select(d, off);
	return inb(PCI_CONFIG_DATA + (off & 3));
}

void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v)
{
	pci_select(d, off);
	outl(PCI_CONFIG_DATA, v);
}

void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v)
{
	pci_select(d, off);
	outw(PCI_CONFIG_DATA + (off & 2), v);
}

void pci_write8(const struct pci_dev *d, uint8_t off, uint8_t v)
{
	pci_select(d, off);
	outb(PCI_CONFIG_DATA + (off & 3), v);
}

uint16_t pci_bar_io(const struct pci_dev *d, int n)
{
	uint32_t bar = pci_read32(d, PCI_BAR0 + 4 * n);

	return (bar & 1) ? (uint16_t)(bar & ~3u) : 0;
}

uintptr_t pci_bar_mem(const struct pci_dev *d, int n)
{
	uint32_t bar = pci_read32(d, PCI_BAR0 + 4 * n);

	if (bar & 1)
		return 0;
	/* A 64-bit BAR above 4 GiB is out of reach without paging. */
	if ((bar & 6) == 4 && n < 5 && pci_read32(d, PCI_BAR0 + 4 * (n + 1)))
		return 0;
	return bar & ~0xfu;
}

void pci_enable(const struct pci_dev *d)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, cmd | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

uint8_t pci_find_capability(const struct pci_dev *d, uint8_t id)
{
	uint8_t pos;
	int guard = 48;

	if (!(pci_read16(d, PCI_STATUS) & 0x10))
		return 0;
	pos = pci_read8(d, PCI_CAPABILITY_LIST) & 0xfc;
	while (pos >= 0x40 && guard--) {
		if (pci_read8(d, pos) == id)
			return pos;
		pos = pci_read8(d, pos + 1) & 0xfc;
	}
	return 0;
}

static void pci_fill(struct pci_dev *d)
{
	uint32_t id = pci_read32(d, PCI_VENDOR_ID);
	uint32_t cr = pci_read32(d, PCI_CLASS_REVISION);

	d->vendor = id & 0xffff;
	d->device = id >> 16;
	d->revision = cr & 0xff;
	d->prog_if = (cr >> 8) & 0xff;
	d->subclass = (cr >> 16) & 0xff;
	d->class_code = cr >> 24;
}

/* Visit functions in bus/device/function order; a device whose function 0 is absent has none,
 * and only a multi-function header (bit 7) has functions 1-7. */
int pci_for_each(int (*fn)(const struct pci_dev *d, void *ctx), void *ctx)
{
	for (unsigned bus = 0; bus < 256; bus++) {
		for (uint8_t dev = 0; dev < 32; dev++) {
			struct pci_dev d = { .bus = (uint8_t)bus, .dev = dev, .fn = 0 };
			uint8_t nfn;

			if (pci_read16(&d, PCI_VENDOR_ID) == 0xffff)
				continue;
			nfn = (pci_read8(&d, PCI_HEADER_TYPE) & 0x80) ? 8 : 1;
			for (uint8_t f = 0; f < nfn; f++) {
				int rc;

				d.fn = f;
				if (pci_read16(&d, PCI_VENDOR_ID) == 0xffff)
					continue;
				pci_fill(&d);
				rc = fn(&d, ctx);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}
