/* net.h: the network configuration (from DHCP, the PXE ROM's cached reply, or ifconfig). */
#ifndef OSPREY_NET_H
#define OSPREY_NET_H

#include "lib/lib.h"

struct netconf {
	bool configured;
	uint32_t ip, mask, gateway, server, dns;   /* host byte order */
	uint8_t mac[6];
	char bootfile[128];
	char hostname[64];
	char source[16];                            /* "pxe", "dhcp", "static" */
};

extern struct netconf netconf;

#endif
