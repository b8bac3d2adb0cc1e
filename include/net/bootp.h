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

#endif
