/* dns.c: the DNS client: A-record queries over UDP to the DHCP-provided servers on the poll loop,
 * retried with growing timeouts, and a small cache that honours each answer's TTL. */
#include "drivers/netdev.h"
#include "lib/errors.h"
#include "net/dns.h"
#include "net/net.h"
#include "net/netstack.h"
#include "services/timer.h"

#define CACHE_SLOTS 8
#define CACHE_NAME_MAX 96          /* longer names are looked up every time */
#define TTL_MAX (24u * 3600)       /* keep nothing longer than a day, whatever the server says */
#define ROUNDS 3                   /* each round asks every server; timeouts 1, 2, 4 s */

struct cache_entry {
	char name[CACHE_NAME_MAX];     /* "" : free */
	uint32_t ip;
	uint64_t expires_ms;
};

static struct cache_entry cache[CACHE_SLOTS];
static unsigned cache_next;            /* slot to replace when none is free or stale */

/* The query in flight; the receive handler fills the result. */
static struct {
	const char *name;
	uint16_t id;
	uint32_t server;
	bool done;
	int rc;
	uint32_t ip, ttl;
} q;

void dns_cache_flush(void)
{
	memset(cache, 0, sizeof(cache));
}

static bool cache_lookup(const char *name, uint32_t *ip)
{
	uint64_t now = timer_ms();

	for (unsigned i = 0; i < CACHE_SLOTS; i++) {
		if (!cache[i].name[0] || strcmp(cache[i].name, name) != 0)
			continue;
		if (now >= cache[i].expires_ms) {
			cache[i].name[0] = '\0';
			return false;
		}
		*ip = cache[i].ip;
		return true;
	}
	return false;
}

static void cache_store(const char *name, uint32_t ip, uint32_t ttl)
{
	uint64_t now = timer_ms();
	struct cache_entry *e = NULL;

	if (ttl == 0 || strlen(name) >= CACHE_NAME_MAX)
		return;                        /* TTL 0: the server wants it asked again every time */
	for (unsigned i = 0; i < CACHE_SLOTS && !e; i++)
		if (!cache[i].name[0] || now >= cache[i].expires_ms || !strcmp(cache[i].name, name))
			e = &cache[i];
	if (!e) {
		e = &cache[cache_next];
		cache_next = (cache_next + 1) % CACHE_SLOTS;
	}
	strlcpy(e->name, name, sizeof(e->name));
	e->ip = ip;
	e->expires_ms = now + (uint64_t)MIN(ttl, TTL_MAX) * 1000;
}

/* Datagrams on our query port: only an answer from the server asked, to this query, counts. */
static void dns_rx(void *ctx, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
		   const uint8_t *data, size_t len)
{
	(void)ctx;
	(void)dst_ip;
	if (q.done || src_ip != q.server || src_port != DNS_PORT)
		return;
	int rc = dns_parse_answer(data, len, q.id, q.name, &q.ip, &q.ttl);
	if (rc == -E_BUSY)
		return;
	q.rc = rc;
	q.done = true;
}

static bool answered(void *ctx)
{
	(void)ctx;
	return q.done;
}

/* Ask server once, waiting up to timeout_ms. Returns the answer's code, or -E_TIMEOUT. */
static int ask(uint32_t server, const uint8_t *query, size_t qlen, unsigned timeout_ms)
{
	uint16_t port = udp_ephemeral_port();
	int rc;

	q.server = server;
	q.done = false;
	rc = udp_bind(port, dns_rx, NULL);
	if (rc < 0)
		return rc;
	rc = udp_send(server, port, DNS_PORT, query, qlen);
	if (rc == 0)
		rc = net_wait(answered, NULL, timer_ms() + timeout_ms);
	udp_unbind(port);
	if (rc == 0)
		rc = q.rc;
	return rc;
}

/* Digits and dots only: meant as an address (no top-level domain is all-numeric, RFC 1123). */
static bool looks_numeric(const char *s)
{
	for (; *s; s++)
		if ((*s < '0' || *s > '9') && *s != '.')
			return false;
	return true;
}

int dns_resolve(const char *host, uint32_t *ip)
{
	static uint8_t query[DNS_QUERY_MAX];
	unsigned nservers = 0;
	int rc, qlen;

	if (parse_ipv4(host, ip) == 0)
		return 0;
	if (looks_numeric(host)) {
		snprintf(err_detail, sizeof(err_detail), "'%.200s' is not a valid IPv4 address", host);
		return -E_INVAL;
	}
	if (cache_lookup(host, ip))
		return 0;
	/* A fresh id per query (RFC 5452: an off-path forger must guess it). */
	q.id = (uint16_t)(timer_us() * 2654435761u >> 16);
	q.name = host;
	qlen = dns_build_query(query, sizeof(query), q.id, host);
	if (qlen < 0) {
		snprintf(err_detail, sizeof(err_detail), "'%.200s' is neither an IPv4 address nor a host name",
			 host);
		return -E_INVAL;
	}
	if (!net_dev) {
		snprintf(err_detail, sizeof(err_detail), "resolving '%.200s' needs a native NIC driver", host);
		return -E_NODEV;
	}
	while (nservers < NETCONF_DNS_MAX && netconf.dns[nservers])
		nservers++;
	if (!netconf.configured || !nservers) {
		snprintf(err_detail, sizeof(err_detail),
			 "cannot resolve '%.200s': no DNS server (DHCP option 6, or ifconfig --dns)", host);
		return -E_NONET;
	}
	rc = -E_TIMEOUT;
	for (unsigned round = 0; round < ROUNDS; round++) {
		for (unsigned s = 0; s < nservers; s++) {
			rc = ask(netconf.dns[s], query, (size_t)qlen, 1000u << round);
			if (rc == 0) {
				*ip = q.ip;
				cache_store(host, q.ip, q.ttl);
				return 0;
			}
			if (rc == -E_NOENT || rc == -E_CANCELED)
				goto fail;
			/* A timeout, a failing server, a mangled answer: the next server (or round). */
		}
	}
fail:
	if (rc == -E_NOENT)
		snprintf(err_detail, sizeof(err_detail), "host '%.200s' not found (DNS)", host);
	else if (rc != -E_CANCELED)
		snprintf(err_detail, sizeof(err_detail), "cannot resolve '%.200s': %s from the DNS server",
			 host, rc == -E_TIMEOUT ? "no answer" : errmsg(rc));
	return rc;
}
