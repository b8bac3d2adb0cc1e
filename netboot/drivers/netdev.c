/* netdev.c: finds the NIC on PCI, lets the first driver whose ID table matches claim it, and is
 * the stack's one door to it (opened on first use, closed before a kernel starts). */
#include "lib/errors.h"
#include "drivers/netdev.h"
#include "services/shutdown.h"

struct netdev *net_dev;
static struct netdev the_dev;

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

static void netdev_shutdown(void)
{
	if (net_dev && net_dev->is_open && net_dev->ops->close)
		net_dev->ops->close(net_dev);
	if (net_dev)
		net_dev->is_open = false;
}

int netdev_probe_all(void)
{
	struct pci_dev devs[64];
	int n = pci_scan(devs, ARRAY_SIZE(devs));

	for (int i = 0; i < n; i++) {
		const struct pci_id *id;
		const struct nic_driver *drv;

		if (devs[i].class_code != PCI_CLASS_NETWORK)
			continue;
		drv = netdev_driver_for(&devs[i], &id);
		if (!drv)
			continue;
		memset(&the_dev, 0, sizeof(the_dev));
		the_dev.pci = devs[i];
		the_dev.driver = drv->name;
		the_dev.chip = id->name;
		if (drv->probe(&the_dev) < 0)
			continue;
		net_dev = &the_dev;
		shutdown_register(netdev_shutdown);
		return 0;
	}
	return -E_NODEV;
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

int netdev_poll(void *buf)
{
	int rc = netdev_ensure_open();

	if (rc < 0)
		return rc;
	return net_dev->ops->poll(net_dev, buf);
}
