/* net.h: the network configuration (from DHCP, the PXE ROM's cached reply, or ifconfig). */
#ifndef OSPREY_NET_H
#define OSPREY_NET_H

#include "lib/lib.h"

#define NETCONF_DNS_MAX 3                           /* DNS servers kept (option 6 lists more) */

struct netconf {
	bool configured;
	uint32_t ip, mask, gateway, server;         /* host byte order */
	uint32_t dns[NETCONF_DNS_MAX];              /* DNS servers in order; 0 ends the list */
	uint8_t mac[6];
	char bootfile[128];
	char hostname[64];
	char source[16];                            /* "pxe", "dhcp", "static" */
};

extern struct netconf netconf;

/* Switch the stack to nic_list[idx] (drivers/netdev.h): the PXE ROM lets go of its NIC, the
 * current NIC is closed, idx is probed, and the settings are cleared (a lease belongs to the
 * NIC it was given to). 0 when idx is already in use. Returns 0 or -E_*. */
int network_use_nic(int idx);

/* Drive the NIC with another driver: "undi" runs the PXE ROM's boot NIC through the ROM
 * (-E_NODEV without a PXE stack in memory), a native driver's name takes that NIC (or the one in
 * use) back from the ROM (-E_NOTSUP when that driver does not match it). The settings stay (the
 * same NIC keeps its lease). Returns 0 or -E_*. */
int network_use_driver(const char *name);
/* The names network_use_driver takes for "no osprey driver: the PXE ROM's stack", with osprey's
 * TFTP over the ROM's UDP API, or the ROM's own TFTP API (-E_NODEV without a PXE stack, -E_BUSY
 * when a NIC other than the PXE boot NIC is in use). */
#define NETWORK_ROM_API "pxe"
#define NETWORK_ROM_TFTP "pxe-tftp"


#endif
