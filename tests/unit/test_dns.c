/* test_dns.c: the DNS query builder and answer parser on well-formed and hostile answers
 * (compression, pointer loops, truncation, other ids and questions, CNAME chains), and the
 * client against a scripted server on the fake NIC (retries, second server, TTL cache, ESC). */
#include "test.h"
#include "lib/errors.h"
#include "fake_netdev.h"
#include "net/dns.h"
#include "drivers/netdev.h"
#include "net/net.h"
#include "net/netstack.h"

static uint8_t a[1024];
static size_t alen;

/* Append a name in label form (no compression). */
static void put_name(const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		a[alen++] = (uint8_t)l;
		memcpy(a + alen, name, l);
		alen += l;
		name += l + (dot ? 1 : 0);
	}
	a[alen++] = 0;
}

/* Start an answer to id for name's A record with flags and ancount. */
static void answer_start(uint16_t id, uint16_t flags, uint16_t ancount, const char *name)
{
	memset(a, 0, sizeof(a));
	put_be16(a, id);
	put_be16(a + 2, flags);
	put_be16(a + 4, 1);
	put_be16(a + 6, ancount);
	alen = 12;
	put_name(name);
	put_be16(a + alen, 1);
	put_be16(a + alen + 2, 1);
	alen += 4;
}

/* A record header after the owner name (already appended). */
static void rr_tail(uint16_t type, uint32_t ttl, uint16_t rdlen)
{
	put_be16(a + alen, type);
	put_be16(a + alen + 2, 1);
	put_be32(a + alen + 4, ttl);
	put_be16(a + alen + 8, rdlen);
	alen += 10;
}

static void rr_a_ptr(uint16_t owner_off, uint32_t ttl, uint32_t ip)
{
	a[alen++] = (uint8_t)(0xc0 | owner_off >> 8);
	a[alen++] = (uint8_t)owner_off;
	rr_tail(1, ttl, 4);
	put_be32(a + alen, ip);
	alen += 4;
}

static void rr_cname(const char *owner, uint32_t ttl, const char *target)
{
	put_name(owner);
	size_t at = alen;
	rr_tail(5, ttl, 0);
	size_t start = alen;
	put_name(target);
	put_be16(a + at + 8, (uint16_t)(alen - start));
}

static void rr_a(const char *owner, uint32_t ttl, uint32_t ip)
{
	put_name(owner);
	rr_tail(1, ttl, 4);
	put_be32(a + alen, ip);
	alen += 4;
}

static uint32_t ip, ttl;

static int parse(uint16_t id, const char *name)
{
	ip = ttl = 0;
	return dns_parse_answer(a, alen, id, name, &ip, &ttl);
}

TEST(dns_build_query)
{
	uint8_t q[DNS_QUERY_MAX];
	static const uint8_t want[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
					4, 'b', 'o', 'o', 't', 3, 'l', 'a', 'b', 0, 0, 1, 0, 1 };
	char big[300];

	CHECK_EQ(dns_build_query(q, sizeof(q), 0x1234, "boot.lab"), sizeof(want));
	CHECK(memcmp(q, want, sizeof(want)) == 0);
	CHECK_EQ(dns_build_query(q, sizeof(q), 0x1234, "boot.lab."), sizeof(want));
	CHECK(memcmp(q, want, sizeof(want)) == 0);
	CHECK_EQ(dns_build_query(q, sizeof(q), 1, ""), -E_INVAL);
	CHECK_EQ(dns_build_query(q, sizeof(q), 1, "."), -E_INVAL);
	CHECK_EQ(dns_build_query(q, sizeof(q), 1, "a..b"), -E_INVAL);
	CHECK_EQ(dns_build_query(q, sizeof(q), 1, ".a"), -E_INVAL);
	CHECK_EQ(dns_build_query(q, sizeof(q), 1, "a.."), -E_INVAL);
	memset(big, 'x', 64);
	big[64] = 0;
	CHECK_EQ(dns_build_query(q, sizeof(q), 1, big), -E_INVAL);     /* a 64-byte label */
	big[63] = 0;
	CHECK(dns_build_query(q, sizeof(q), 1, big) > 0);
	for (int i = 0; i < 299; i++)
		big[i] = i % 2 ? '.' : 'x';
	big[299] = 0;
	CHECK_EQ(dns_build_query(q, sizeof(q), 1, big), -E_INVAL);    /* over 253 bytes */
	CHECK_EQ(dns_build_query(q, 20, 1, "boot.lab"), -E_TOOBIG);
}

TEST(dns_answer_plain_and_compressed)
{
	answer_start(7, 0x8180, 1, "boot.lab");
	rr_a_ptr(12, 300, 0xc0a84d01);           /* owner: a pointer to the question's name */
	CHECK_EQ(parse(7, "boot.lab"), 0);
	CHECK_EQ(ip, 0xc0a84d01);
	CHECK_EQ(ttl, 300);
	CHECK_EQ(parse(7, "BOOT.Lab."), 0);      /* names compare without case */
	/* a pointer into the middle of a name: "lab" at offset 17 */
	answer_start(7, 0x8180, 2, "boot.lab");
	rr_a_ptr(17, 5, 0x01020304);             /* owner "lab": not ours, skipped */
	rr_a("boot.lab", 9, 0x05060708);
	CHECK_EQ(parse(7, "boot.lab"), 0);
	CHECK_EQ(ip, 0x05060708);
	CHECK_EQ(ttl, 9);
	/* a label followed by a pointer: "x" + ptr(12) = x.boot.lab */
	answer_start(7, 0x8180, 1, "x.boot.lab");
	a[alen++] = 1;
	a[alen++] = 'y';
	a[alen++] = 0xc0;
	a[alen++] = 14;                          /* "boot.lab" inside the question */
	rr_tail(1, 1, 4);
	put_be32(a + alen, 0x0a0b0c0d);
	alen += 4;
	CHECK_EQ(parse(7, "x.boot.lab"), -E_NOENT);  /* y.boot.lab is another name */
	a[13] = 'y';                                  /* ask for y.boot.lab instead */
	CHECK_EQ(parse(7, "y.boot.lab"), 0);
	CHECK_EQ(ip, 0x0a0b0c0d);
}

TEST(dns_answer_not_ours)
{
	answer_start(7, 0x8180, 1, "boot.lab");
	rr_a_ptr(12, 300, 0xc0a84d01);
	CHECK_EQ(parse(8, "boot.lab"), -E_BUSY);         /* another id */
	CHECK_EQ(parse(7, "other.lab"), -E_BUSY);        /* another question */
	put_be16(a + 2, 0x0180);
	CHECK_EQ(parse(7, "boot.lab"), -E_BUSY);         /* a query, not a response */
	put_be16(a + 2, 0x8180);
	put_be16(a + alen - 16 - 4, 28);                  /* the question asks for AAAA */
	CHECK_EQ(parse(7, "boot.lab"), -E_BUSY);
	put_be16(a + alen - 16 - 4, 1);
	put_be16(a + 4, 2);                               /* two questions */
	CHECK_EQ(parse(7, "boot.lab"), -E_BUSY);
	put_be16(a + 4, 1);
	CHECK_EQ(parse(7, "boot.lab"), 0);
	CHECK_EQ(dns_parse_answer(a, 11, 7, "boot.lab", &ip, &ttl), -E_BUSY);
	CHECK_EQ(dns_parse_answer(NULL, 0, 7, "boot.lab", &ip, &ttl), -E_BUSY);
}

TEST(dns_answer_errors)
{
	answer_start(7, 0x8183, 0, "nope.lab");          /* NXDOMAIN */
	CHECK_EQ(parse(7, "nope.lab"), -E_NOENT);
	answer_start(7, 0x8182, 0, "boot.lab");          /* SERVFAIL */
	CHECK_EQ(parse(7, "boot.lab"), -E_IO);
	answer_start(7, 0x8185, 0, "boot.lab");          /* REFUSED */
	CHECK_EQ(parse(7, "boot.lab"), -E_IO);
	answer_start(7, 0x8180, 0, "boot.lab");          /* NOERROR, no data */
	CHECK_EQ(parse(7, "boot.lab"), -E_NOENT);
	answer_start(7, 0x8180, 1, "boot.lab");          /* only an AAAA record */
	a[alen++] = 0xc0;
	a[alen++] = 12;
	rr_tail(28, 60, 16);
	alen += 16;
	CHECK_EQ(parse(7, "boot.lab"), -E_NOENT);
	answer_start(7, 0x8180, 1, "boot.lab");          /* an A record of the wrong size */
	a[alen++] = 0xc0;
	a[alen++] = 12;
	rr_tail(1, 60, 3);
	alen += 3;
	CHECK_EQ(parse(7, "boot.lab"), -E_NOENT);
}

TEST(dns_answer_hostile)
{
	/* a pointer to itself */
	answer_start(7, 0x8180, 1, "boot.lab");
	size_t at = alen;
	a[alen++] = (uint8_t)(0xc0 | at >> 8);
	a[alen++] = (uint8_t)at;
	rr_tail(1, 1, 4);
	alen += 4;
	CHECK_EQ(parse(7, "boot.lab"), -E_PROTO);
	/* two pointers to each other */
	answer_start(7, 0x8180, 1, "boot.lab");
	at = alen;
	a[alen++] = 0xc0;
	a[alen++] = (uint8_t)(at + 2);
	a[alen++] = 0xc0;
	a[alen++] = (uint8_t)at;
	rr_tail(1, 1, 4);
	alen += 4;
	CHECK_EQ(parse(7, "boot.lab"), -E_PROTO);
	/* a label, then a pointer back to it: a name growing forever, stopped by the length */
	answer_start(7, 0x8180, 1, "boot.lab");
	at = alen;
	a[alen++] = 3;
	memcpy(a + alen, "abc", 3);
	alen += 3;
	a[alen++] = 0xc0;
	a[alen++] = (uint8_t)at;
	rr_tail(1, 1, 4);
	alen += 4;
	CHECK_EQ(parse(7, "boot.lab"), -E_PROTO);
	/* a pointer past the end */
	answer_start(7, 0x8180, 1, "boot.lab");
	a[alen++] = 0xc3;
	a[alen++] = 0xff;
	rr_tail(1, 1, 4);
	alen += 4;
	CHECK_EQ(parse(7, "boot.lab"), -E_PROTO);
	/* extended label types 01 and 10 */
	answer_start(7, 0x8180, 1, "boot.lab");
	a[alen++] = 0x41;
	a[alen++] = 0;
	rr_tail(1, 1, 4);
	alen += 4;
	CHECK_EQ(parse(7, "boot.lab"), -E_PROTO);
	/* more answers counted than present; RDLENGTH past the end */
	answer_start(7, 0x8180, 2, "boot.lab");
	rr_a_ptr(12, 1, 0x01020304);
	CHECK_EQ(parse(7, "boot.lab"), 0);               /* the first one answers already */
	answer_start(7, 0x8180, 2, "boot.lab");
	rr_a("other.lab", 1, 0x01020304);
	CHECK_EQ(parse(7, "boot.lab"), -E_PROTO);
	answer_start(7, 0x8180, 1, "boot.lab");
	rr_a_ptr(12, 1, 0x01020304);
	put_be16(a + alen - 6, 400);
	CHECK_EQ(parse(7, "boot.lab"), -E_PROTO);
	/* every cut of a good answer fails without reading past the end */
	answer_start(7, 0x8180, 2, "www.boot.lab");
	rr_cname("www.boot.lab", 50, "boot.lab");
	rr_a("boot.lab", 40, 0x01020304);
	size_t full = alen;
	for (size_t cut = 0; cut < full; cut++) {
		alen = cut;
		int rc = parse(7, "www.boot.lab");
		CHECK(rc == -E_BUSY || rc == -E_PROTO);
	}
	alen = full;
	CHECK_EQ(parse(7, "www.boot.lab"), 0);
}

TEST(dns_answer_truncated)
{
	/* TC with the A record complete: usable; TC cut inside the records: an error to retry */
	answer_start(7, 0x8380, 1, "boot.lab");
	rr_a_ptr(12, 30, 0x01020304);
	CHECK_EQ(parse(7, "boot.lab"), 0);
	answer_start(7, 0x8380, 2, "boot.lab");
	CHECK_EQ(parse(7, "boot.lab"), -E_PROTO);
	answer_start(7, 0x8380, 0, "boot.lab");
	CHECK_EQ(parse(7, "boot.lab"), -E_PROTO);
}

TEST(dns_answer_cname_chain)
{
	/* out of order: the A record first, then the CNAMEs that lead to it */
	answer_start(7, 0x8180, 3, "www.boot.lab");
	rr_a("real.lab", 600, 0xc0a84d01);
	rr_cname("mid.lab", 100, "real.lab");
	rr_cname("www.boot.lab", 200, "mid.lab");
	CHECK_EQ(parse(7, "www.boot.lab"), 0);
	CHECK_EQ(ip, 0xc0a84d01);
	CHECK_EQ(ttl, 100);                              /* the smallest along the chain */
	/* a CNAME loop */
	answer_start(7, 0x8180, 2, "a.lab");
	rr_cname("a.lab", 1, "b.lab");
	rr_cname("b.lab", 1, "a.lab");
	CHECK_EQ(parse(7, "a.lab"), -E_PROTO);
	/* a chain one hop too long, and one of exactly DNS_CNAME_MAX hops */
	char n[16], m[16];
	for (int len = DNS_CNAME_MAX; len <= DNS_CNAME_MAX + 1; len++) {
		answer_start(7, 0x8180, (uint16_t)(len + 1), "c0.lab");
		for (int i = 0; i < len; i++) {
			snprintf(n, sizeof(n), "c%d.lab", i);
			snprintf(m, sizeof(m), "c%d.lab", i + 1);
			rr_cname(n, 10, m);
		}
		rr_a(m, 10, 0x0a000001);
		CHECK_EQ(parse(7, "c0.lab"), len == DNS_CNAME_MAX ? 0 : -E_PROTO);
	}
	/* a CNAME to a name without an A record here */
	answer_start(7, 0x8180, 1, "www.boot.lab");
	rr_cname("www.boot.lab", 1, "elsewhere.lab");
	CHECK_EQ(parse(7, "www.boot.lab"), -E_NOENT);
	/* a CNAME whose RDATA runs past its length */
	answer_start(7, 0x8180, 1, "www.boot.lab");
	rr_cname("www.boot.lab", 1, "elsewhere.lab");
	put_be16(a + alen - 15 - 2, 3);
	CHECK_EQ(parse(7, "www.boot.lab"), -E_PROTO);
}

/* ---- the client against a scripted server ---- */

#define DNS1 0x0a000035u       /* 10.0.0.53 */
#define DNS2 0x0a000036u       /* 10.0.0.54 */

static struct {
	uint32_t silent_server;    /* never answers */
	bool wrong_id_first;       /* answer with another id before the real answer */
	uint32_t answer_ttl;
	int queries[2];
	bool nxdomain;
} srv;

static void dns_responder(const uint8_t *frame, size_t len)
{
	struct fake_udp u;
	uint8_t out[ETH_RXBUF_SIZE];

	if (!fake_parse_udp(frame, len, &u) || u.dport != DNS_PORT || u.len < 12)
		return;
	srv.queries[u.dst_ip == DNS2]++;
	if (u.dst_ip == srv.silent_server)
		return;
	memcpy(a, u.data, u.len);
	alen = u.len;
	put_be16(a + 2, srv.nxdomain ? 0x8183 : 0x8180);
	put_be16(a + 6, srv.nxdomain ? 0 : 1);
	if (!srv.nxdomain)
		rr_a_ptr(12, srv.answer_ttl, 0xc0a84d01);
	if (srv.wrong_id_first) {
		put_be16(a, (uint16_t)(get_be16(a) + 1));
		fake_net_inject(out, fake_build_udp(out, fake_peer_mac, u.dst_ip, DNS_PORT, u.src_ip,
						    u.sport, a, alen));
		put_be16(a, (uint16_t)(get_be16(a) - 1));
		/* and from the wrong port */
		fake_net_inject(out, fake_build_udp(out, fake_peer_mac, u.dst_ip, 5353, u.src_ip,
						    u.sport, a, alen));
	}
	fake_net_inject(out, fake_build_udp(out, fake_peer_mac, u.dst_ip, DNS_PORT, u.src_ip, u.sport,
					    a, alen));
}

static void client_setup(void)
{
	fake_net_reset();
	fake_net_auto_arp(true);
	fake_net_set_responder(dns_responder);
	dns_cache_flush();
	memset(&srv, 0, sizeof(srv));
	srv.answer_ttl = 60;
	netconf.dns[0] = DNS1;
	netconf.dns[1] = DNS2;
	netconf.dns[2] = 0;
}

TEST(dns_client_resolves_and_caches)
{
	uint32_t got = 0;

	client_setup();
	srv.wrong_id_first = true;
	CHECK_EQ(dns_resolve("boot.lab", &got), 0);
	CHECK_EQ(got, 0xc0a84d01);
	CHECK_EQ(srv.queries[0], 1);
	CHECK_EQ(dns_resolve("boot.lab", &got), 0);     /* from the cache */
	CHECK_EQ(srv.queries[0], 1);
	fake_time_advance(61 * 1000);                    /* TTL over: asked again */
	CHECK_EQ(dns_resolve("boot.lab", &got), 0);
	CHECK_EQ(srv.queries[0], 2);
	srv.answer_ttl = 0;                              /* TTL 0: never cached */
	dns_cache_flush();
	CHECK_EQ(dns_resolve("boot.lab", &got), 0);
	CHECK_EQ(dns_resolve("boot.lab", &got), 0);
	CHECK_EQ(srv.queries[0], 4);
	CHECK_EQ(dns_resolve("10.1.2.3", &got), 0);      /* a dotted quad asks nobody */
	CHECK_EQ(got, 0x0a010203);
	CHECK_EQ(srv.queries[0], 4);
	/* Digits and dots that are no address are a typo, not a name: refused, nobody asked. */
	err_detail[0] = 0;
	CHECK_EQ(dns_resolve("300.1.2.3", &got), -E_INVAL);
	CHECK_EQ(dns_resolve("10.1.2", &got), -E_INVAL);
	CHECK_STR(err_detail, "'10.1.2' is not a valid IPv4 address");
	err_detail[0] = 0;
	CHECK_EQ(srv.queries[0], 4);
	fake_net_set_responder(NULL);
}

TEST(dns_client_second_server_and_timeouts)
{
	uint32_t got = 0;

	client_setup();
	srv.silent_server = DNS1;
	uint64_t t0 = fake_time_now_ms();
	CHECK_EQ(dns_resolve("boot.lab", &got), 0);
	CHECK_EQ(got, 0xc0a84d01);
	CHECK_EQ(srv.queries[0], 1);
	CHECK_EQ(srv.queries[1], 1);
	CHECK(fake_time_now_ms() - t0 >= 1000);          /* waited for the first one */
	/* nobody answers: 3 rounds over both servers, 2 * (1 + 2 + 4) s in all */
	client_setup();
	srv.silent_server = DNS1;
	netconf.dns[1] = 0;
	t0 = fake_time_now_ms();
	CHECK_EQ(dns_resolve("boot.lab", &got), -E_TIMEOUT);
	CHECK_EQ(srv.queries[0], 3);
	CHECK(fake_time_now_ms() - t0 >= 7000);
	CHECK(fake_time_now_ms() - t0 < 9000);
	/* NXDOMAIN is final: the second server is not asked */
	client_setup();
	srv.nxdomain = true;
	CHECK_EQ(dns_resolve("nope.lab", &got), -E_NOENT);
	CHECK_EQ(srv.queries[0], 1);
	CHECK_EQ(srv.queries[1], 0);
	/* ESC cancels */
	client_setup();
	srv.silent_server = DNS1;
	netconf.dns[1] = 0;
	fake_net_abort(true);
	CHECK_EQ(dns_resolve("boot.lab", &got), -E_CANCELED);
	fake_net_abort(false);
	/* no server, a bad name */
	client_setup();
	netconf.dns[0] = 0;
	CHECK_EQ(dns_resolve("boot.lab", &got), -E_NONET);
	CHECK_EQ(dns_resolve("a..b", &got), -E_INVAL);
	err_detail[0] = 0;
	fake_net_set_responder(NULL);
}
