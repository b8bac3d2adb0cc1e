/* netdev.c: lists the NICs on PCI with their drivers (by ID), probes the one chosen for use, and
 * is the stack's one door to it (opened on first use, closed before a kernel starts). */
#include "lib/errors.h"
#include "drivers/netdev.h"
#include "services/heap.h"
#include "services/shutdown.h"

struct netdev *net_dev;
static struct netdev the_dev;
struct nic *nic_list;
int nic_count, nic_list_dropped;
struct nic_boot_hint nic_boot;

const struct nic_driver *netdev_driver_for(const struct pci_dev *pci, const struct pci_id **id)
{
	for_each_nic_driver(drv)
		for (size_t i = 0; i < drv->nids; i++)
			if (drv->ids[i].vendor == pci->vendor && drv->ids[i].device == pci->device) {
				if (id)
					*id = &drv->ids[i];
				return drv;
			}
	return NULL;
}

const struct nic_driver *netdev_rom_driver(void)
{
	for_each_nic_driver(drv)
		if (drv->uses_pxe)
			return drv;
	return NULL;
}

static void netdev_shutdown(void)
{
	if (net_dev && net_dev->is_open && net_dev->ops->close)
		net_dev->ops->close(net_dev);
	if (net_dev)
		net_dev->is_open = false;
}

void netdev_close(void)
{
	netdev_shutdown();
}

void netdev_release(void)
{
	netdev_shutdown();
	net_dev = NULL;
}

static void netdev_shutdown_hook(unsigned how)
{
	netdev_shutdown();
}

/* Grow the list by doubling: the walk cannot know how many NICs follow. */
static int add_nic(const struct pci_dev *d, void *ctx)
{
	static int cap;
	struct nic *c;

	(void)ctx;
	if (d->class_code != PCI_CLASS_NETWORK)
		return 0;
	if (nic_count == cap) {
		int ncap = cap ? cap * 2 : 4;
		struct nic *grown = zalloc((size_t)ncap * sizeof(*grown));

		if (!grown) {
			nic_list_dropped++;
			return 0;
		}
		if (nic_list) {
			memcpy(grown, nic_list, (size_t)nic_count * sizeof(*grown));
			free(nic_list);
		}
		nic_list = grown;
		cap = ncap;
	}
	c = &nic_list[nic_count++];
	c->pci = *d;
	c->drv = netdev_driver_for(d, &c->id);
	return 0;
}

int netdev_scan(void)
{
	static bool scanned;

	if (!scanned)
		pci_for_each(add_nic, NULL);
	scanned = true;
	return nic_count;
}

int netdev_in_use(void)
{
	for (int i = 0; net_dev && i < nic_count; i++)
		if (nic_list[i].pci.bus == net_dev->pci.bus && nic_list[i].pci.dev == net_dev->pci.dev &&
		    nic_list[i].pci.fn == net_dev->pci.fn)
			return i;
	return -1;
}

/* Probe nic_list[idx] into the_dev and make it net_dev. */
static int probe_one(int idx)
{
	struct nic *c = &nic_list[idx];
	int rc;

	memset(&the_dev, 0, sizeof(the_dev));
	the_dev.pci = c->pci;
	the_dev.driver = c->drv->name;
	the_dev.chip = c->id->name;
	rc = c->drv->probe(&the_dev);
	if (rc < 0)
		return rc;
	memcpy(c->mac, the_dev.mac, 6);
	c->mac_known = true;
	net_dev = &the_dev;
	return 0;
}

int netdev_use(int idx)
{
	static bool hooked;
	int prev = netdev_in_use(), rc;

	if (idx < 0 || idx >= nic_count)
		return -E_NOENT;
	if (!nic_list[idx].drv)
		return -E_NOTSUP;
	netdev_shutdown();
	net_dev = NULL;
	rc = probe_one(idx);
	if (rc < 0) {
		nic_list[idx].failed = true;
		if (prev >= 0 && prev != idx)
			probe_one(prev);
		return rc;
	}
	if (!hooked)
		shutdown_register(netdev_shutdown_hook);
	hooked = true;
	return 0;
}

static int netdev_ensure_open(void)
{
	int rc;

	if (!net_dev)
		return -E_NONET;
	if (net_dev->is_open)
		return 0;
	rc = net_dev->ops->open(net_dev);
	if (rc == 0)
		net_dev->is_open = true;
	return rc;
}

int netdev_transmit(const void *frame, size_t len)
{
	int rc = netdev_ensure_open();

	if (rc < 0)
		return rc;
	if (len > ETH_FRAME_MAX)
		return -E_TOOBIG;
	return net_dev->ops->transmit(net_dev, frame, len);
}

int netdev_rx(void *buf, const uint8_t **frame)
{
	int rc = netdev_ensure_open();

	*frame = buf;
	if (rc < 0)
		return rc;
	if (net_dev->ops->rx_lend)
		return net_dev->ops->rx_lend(net_dev, frame);
	return net_dev->ops->poll(net_dev, buf);
}

void netdev_rx_done(const uint8_t *frame)
{
	if (net_dev && net_dev->ops->rx_return)
		net_dev->ops->rx_return(net_dev, frame);
}
