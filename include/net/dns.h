/* dns.h: DNS (RFC 1035) A-record lookups through the DHCP-provided servers, with a TTL cache. */
#ifndef OSPREY_DNS_H
#define OSPREY_DNS_H

#include "lib/lib.h"

#define DNS_PORT 53
#define DNS_NAME_MAX 253           /* longest name in dotted text form (RFC 1035 2.3.4) */
#define DNS_CNAME_MAX 8            /* CNAME hops followed inside one answer */
#define DNS_QUERY_MAX 512          /* a query (and a UDP answer) fits in 512 bytes */

/* Write a recursive query for the A record of name (dotted, a trailing dot allowed) with id
 * into buf (size bytes). Returns its length, or -E_INVAL for a name that is not a valid DNS
 * name (an empty label, a label over 63 bytes, over 253 bytes in all), -E_TOOBIG for buf. */
int dns_build_query(uint8_t *buf, size_t size, uint16_t id, const char *name);

/* Parse an answer (len bytes, untrusted) to the query dns_build_query(id, name) made.
 * Returns 0 with *ip and *ttl (the smallest TTL along the CNAME chain, seconds) set;
 * -E_BUSY (not an answer to this query: another id, not a response, another question; keep
 * waiting); -E_NOENT (the name does not exist or has no A record); -E_IO (the server failed
 * or refused: try another); -E_PROTO (malformed: compression loops, pointers or records past
 * the end, truncated without an A record, a CNAME chain longer than DNS_CNAME_MAX). */
int dns_parse_answer(const uint8_t *pkt, size_t len, uint16_t id, const char *name, uint32_t *ip,
		     uint32_t *ttl);

/* The address of host: a dotted quad as it is, else a name looked up in the cache or by
 * asking netconf.dns[] in turn (1, 2, then 4 s per server; ESC cancels). Sets err_detail on
 * failure. Returns 0, -E_NOENT (no such name), -E_TIMEOUT, -E_CANCELED, -E_NONET (no DNS
 * server known), -E_NODEV (no native NIC driver), -E_INVAL (not a host name). */
int dns_resolve(const char *host, uint32_t *ip);
/* Forget every cached name (the network settings changed). */
void dns_cache_flush(void);

#endif
