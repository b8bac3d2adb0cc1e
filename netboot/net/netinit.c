/* netinit.c: network bring-up at start: the PXE ROM's API and cached DHCP reply, where present. */
#include "file.h"
#include "net.h"
#include "pxe.h"

void network_init(int boot_source)
{
	pxe_tftp_init();
	strlcpy(file_root_device, "nd", sizeof(file_root_device));
	if (pxe_find() < 0) {
		printf("Network: no PXE stack found; no network until configured\n");
		return;
	}
	if (pxe_read_cached_info() < 0) {
		printf("Network: the PXE stack has no cached DHCP reply\n");
		return;
	}
	char ip[16], srv[16];
	printf("Network: %s from PXE, server %s\n", format_ipv4(netconf.ip, ip),
	       format_ipv4(netconf.server, srv));
}
