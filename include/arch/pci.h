/* pci.h: PCI configuration space (mechanism #1, ports 0xCF8/0xCFC) and device enumeration. */
#ifndef OSPREY_PCI_H
#define OSPREY_PCI_H

#include "lib/lib.h"

#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SUBSYSTEM_VENDOR 0x2c
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4

#define PCI_CLASS_NETWORK 0x02

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if, revision;
};

uint8_t pci_read8(const struct pci_dev *d, uint8_t off);
uint16_t pci_read16(const struct pci_dev *d, uint8_t off);
uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
void pci_write8(const struct pci_dev *d, uint8_t off, uint8_t v);
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v);
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v);

/* I/O port base of BAR n, or 0 when BAR n is not an I/O BAR. */
uint16_t pci_bar_io(const struct pci_dev *d, int n);
/* Physical address of memory BAR n (32- or 64-bit below 4 GiB), or 0. */
uintptr_t pci_bar_mem(const struct pci_dev *d, int n);
/* Turn on I/O, memory decoding and bus mastering (DMA). */
void pci_enable(const struct pci_dev *d);
/* Offset of capability id in the capability list, or 0. */
uint8_t pci_find_capability(const struct pci_dev *d, uint8_t id);

/* Call fn for every function present on every bus (bus, device, function order; d is only
 * valid during the call). A non-zero return from fn stops the walk and is returned; 0 after
 * a full walk. No list is kept, so any number of functions is seen. */
int pci_for_each(int (*fn)(const struct pci_dev *d, void *ctx), void *ctx);

#endif
