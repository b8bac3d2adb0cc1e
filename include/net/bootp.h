/* bootp.h: parser of BOOTP/DHCP packets (RFC 951/2131/2132) into a netconf. */
#ifndef OSPREY_BOOTP_H
#define OSPREY_BOOTP_H

#include "net/net.h"

#define BOOTP_MIN_LEN 236          /* fixed header without options */
#define DHCP_MAGIC 0x63825363

/* Parse a BOOTREPLY of len bytes (untrusted). Fills nc: ip (yiaddr), server (the boot/TFTP
 * server: option 66 when it is a dotted quad, else siaddr, else option 54), mask (1),
 * gateway (3, else giaddr), dns (6: up to NETCONF_DNS_MAX servers), hostname (12), mac (chaddr when hlen is 6), bootfile
 * (67 or the file field; option overload 52 honoured). Keeps nc->source, sets configured;
 * nc is untouched on failure. Returns 0, or -E_PROTO for a packet too short, not a reply, or
 * with a malformed option list. Never reads past len. */
int bootp_parse(const uint8_t *pkt, size_t len, struct netconf *nc);
/* Find option code in a whole BOOTP packet's options (after the magic; then in file and
 * sname when option 52 overloads them); returns its length and sets *val, or -E_NOENT.
 * Stops safely at the end of the buffer. */
int dhcp_find_option(const uint8_t *pkt, size_t len, uint8_t code, const uint8_t **val);

/* ProxyDHCP (PXE 2.1): an answer with no address (yiaddr 0) and option 60 "PXEClient...",
 * well-formed (bootp_parse). */
bool dhcp_is_proxy_reply(const uint8_t *pkt, size_t len);
/* The PXE boot server a ProxyDHCP offer sends the client to (option 43): the first entry of
 * PXE_BOOT_SERVERS with an address, else the first PXE_BOOT_MENU item asked of the offer's own
 * server (siaddr, else option 54). Sets *type (the boot server type for PXE_BOOT_ITEM) and
 * *server (host order); -E_NOENT when it names none. Never reads past len. */
int dhcp_pxe_boot_item(const uint8_t *pkt, size_t len, uint16_t *type, uint32_t *server);
/* A ProxyDHCP or boot server answer that names a boot file: its file and server (siaddr, else
 * option 54 or 66, as bootp_parse) go into nc; -E_NOENT (nc untouched) when it names no file
 * or is malformed. */
int dhcp_take_boot_reply(const uint8_t *pkt, size_t len, struct netconf *nc);

#endif
