/* arp.c: ARP (RFC 826) for IPv4 over Ethernet: a small cache, resolution with retries, answers for our address. */
#include "lib/errors.h"
#include "net/net.h"
#include "net/netstack.h"
#include "services/timer.h"

#define ARP_CACHE_SIZE 8
/* A lost request or reply should cost a round trip, not a second: the first retry comes after
 * 100 ms, doubling, five requests in all (3.1 s before giving up, as three 1 s tries did). */
#define ARP_TRIES 5
#define ARP_FIRST_TRY_MS 100
#define ARP_PKT_LEN 28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct arp_entry {
	bool valid;
	uint32_t ip;
	uint8_t mac[6];
};

static struct arp_entry cache[ARP_CACHE_SIZE];
static unsigned next_victim;   /* round-robin replacement */

void arp_flush(void)
{
	memset(cache, 0, sizeof(cache));
	next_victim = 0;
}

static struct arp_entry *arp_lookup(uint32_t ip)
{
	for (unsigned i = 0; i < ARP_CACHE_SIZE; i++)
		if (cache[i].valid && cache[i].ip == ip)
			return &cache[i];
	return NULL;
}

/* Insert or refresh ip -> mac. */
static void arp_update(uint32_t ip, const uint8_t mac[6])
{
	struct arp_entry *e = arp_lookup(ip);
	if (!e) {
		e = &cache[next_victim];
		next_victim = (next_victim + 1) % ARP_CACHE_SIZE;
		e->valid = true;
		e->ip = ip;
	}
	memcpy(e->mac, mac, 6);
}

/* Send an ARP packet of op to eth_dst (tha = target hardware address). */
static int arp_send(const uint8_t eth_dst[6], uint16_t op, const uint8_t tha[6], uint32_t tpa)
{
	uint8_t pkt[ARP_PKT_LEN];

	put_be16(pkt, 1);                 /* Ethernet */
	put_be16(pkt + 2, ETH_TYPE_IPV4);
	pkt[4] = 6;
	pkt[5] = 4;
	put_be16(pkt + 6, op);
	memcpy(pkt + 8, netconf.mac, 6);
	put_be32(pkt + 14, netconf.ip);
	memcpy(pkt + 18, tha, 6);
	put_be32(pkt + 24, tpa);
	return eth_send(eth_dst, ETH_TYPE_ARP, pkt, sizeof(pkt));
}

void arp_receive(const uint8_t *pkt, size_t len)
{
	if (len < ARP_PKT_LEN || get_be16(pkt) != 1 || get_be16(pkt + 2) != ETH_TYPE_IPV4 ||
	    pkt[4] != 6 || pkt[5] != 4)
		return;
	uint16_t op = get_be16(pkt + 6);
	const uint8_t *sha = pkt + 8;
	uint32_t spa = get_be32(pkt + 14);
	uint32_t tpa = get_be32(pkt + 24);

	/* Never learn broadcast/multicast hardware addresses or the unspecified/broadcast IP. */
	bool sane = !(sha[0] & 1) && spa != 0 && spa != 0xffffffffu;

	if (op == ARP_OP_REPLY) {
		if (sane)
			arp_update(spa, sha);
	} else if (op == ARP_OP_REQUEST) {
		if (netconf.ip == 0 || tpa != netconf.ip)
			return;
		if (sane)
			arp_update(spa, sha);
		if (!(sha[0] & 1))
			arp_send(sha, ARP_OP_REPLY, sha, spa);
	}
}

static bool arp_resolved(void *ctx)
{
	return arp_lookup(*(const uint32_t *)ctx) != NULL;
}

int arp_resolve(uint32_t ip, uint8_t mac[6])
{
	if (ip == 0)
		return -E_INVAL;
	if (ip == 0xffffffffu) {
		memcpy(mac, eth_broadcast, 6);
		return 0;
	}
	static const uint8_t zero_mac[6];
	unsigned wait_ms = ARP_FIRST_TRY_MS;
	uint64_t start = timer_ms();

	for (int attempt = 0; attempt < ARP_TRIES; attempt++, wait_ms *= 2) {
		struct arp_entry *e = arp_lookup(ip);
		if (e) {
			memcpy(mac, e->mac, 6);
			return 0;
		}
		int rc = arp_send(eth_broadcast, ARP_OP_REQUEST, zero_mac, ip);
		if (rc < 0)
			return rc;
		rc = net_wait(arp_resolved, &ip, timer_ms() + wait_ms);
		if (rc == -E_CANCELED)
			return rc;
	}
	struct arp_entry *e = arp_lookup(ip);
	if (!e) {
		unsigned ms = (unsigned)(timer_ms() - start);
		char a[16];

		snprintf(err_detail, sizeof(err_detail), "ARP: %s did not answer (%d requests over %u.%u s)",
			 format_ipv4(ip, a), ARP_TRIES, ms / 1000, ms % 1000 / 100);
		return -E_TIMEOUT;
	}
	memcpy(mac, e->mac, 6);
	return 0;
}
