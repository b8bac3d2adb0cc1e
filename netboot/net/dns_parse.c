/* dns_parse.c: builds DNS queries and parses answers (RFC 1035 sections 4.1, 4.1.4) without trusting them. */
#include "lib/errors.h"
#include "net/dns.h"

#define HDR_LEN 12
#define FLAG_QR 0x8000
#define FLAG_TC 0x0200
#define FLAG_RD 0x0100
#define OPCODE_MASK 0x7800
#define RCODE_MASK 0x000f
#define RCODE_NXDOMAIN 3
#define TYPE_A 1
#define TYPE_CNAME 5
#define CLASS_IN 1
#define PTR_MAX 32              /* pointers followed in one name: more is a loop */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive equality of two dotted names, ignoring one trailing dot on either. */
static bool name_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	if (la != lb)
		return false;
	for (size_t i = 0; i < la; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

int dns_build_query(uint8_t *buf, size_t size, uint16_t id, const char *name)
{
	size_t nlen = strlen(name), o = HDR_LEN;

	if (nlen && name[nlen - 1] == '.')
		nlen--;
	if (nlen == 0 || nlen > DNS_NAME_MAX)
		return -E_INVAL;
	if (size < HDR_LEN + nlen + 2 + 4)
		return -E_TOOBIG;
	memset(buf, 0, HDR_LEN);
	put_be16(buf, id);
	put_be16(buf + 2, FLAG_RD);
	put_be16(buf + 4, 1);                    /* one question */
	/* Labels: a length byte, then the bytes up to the next dot. */
	for (size_t i = 0; i < nlen;) {
		size_t j = i;
		while (j < nlen && name[j] != '.')
			j++;
		if (j == i || j - i > 63)
			return -E_INVAL;
		buf[o++] = (uint8_t)(j - i);
		memcpy(buf + o, name + i, j - i);
		o += j - i;
		i = j + 1;
		if (j + 1 == nlen)               /* "a..": the trailing dot was stripped, this is ".." */
			return -E_INVAL;
	}
	buf[o++] = 0;
	put_be16(buf + o, TYPE_A);
	put_be16(buf + o + 2, CLASS_IN);
	return (int)(o + 4);
}

/* Read the (possibly compressed) name at *off into out (dotted, no trailing dot; size bytes).
 * *off moves past the name as stored at that place. Pointers count toward PTR_MAX so a loop
 * ends; a name longer than DNS_NAME_MAX or running past len is -E_PROTO. */
static int read_name(const uint8_t *pkt, size_t len, size_t *off, char *out, size_t size)
{
	size_t p = *off, o = 0;
	bool jumped = false;
	unsigned ptrs = 0;

	for (;;) {
		if (p >= len)
			return -E_PROTO;
		uint8_t l = pkt[p];
		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= len || ++ptrs > PTR_MAX)
				return -E_PROTO;
			if (!jumped)
				*off = p + 2;
			jumped = true;
			p = ((size_t)(l & 0x3f) << 8) | pkt[p + 1];
			continue;
		}
		if (l & 0xc0)                    /* 01/10: extended label types, not used */
			return -E_PROTO;
		if (l == 0) {
			if (!jumped)
				*off = p + 1;
			break;
		}
		if (p + 1 + l > len)
			return -E_PROTO;
		if (o + (o ? 1 : 0) + l > DNS_NAME_MAX || o + 1 + l + 1 > size)
			return -E_PROTO;
		if (o)
			out[o++] = '.';
		memcpy(out + o, pkt + p + 1, l);
		o += l;
		p += 1 + (size_t)l;
	}
	out[o] = '\0';
	return 0;
}

struct rr {
	char name[DNS_NAME_MAX + 1];
	uint16_t type, class;
	uint32_t ttl;
	size_t rdata, rdlen;           /* offset and length of RDATA in the packet */
};

/* Read the resource record at *off (moving past it). */
static int read_rr(const uint8_t *pkt, size_t len, size_t *off, struct rr *r)
{
	int rc = read_name(pkt, len, off, r->name, sizeof(r->name));

	if (rc < 0)
		return rc;
	if (len - *off < 10)
		return -E_PROTO;
	r->type = get_be16(pkt + *off);
	r->class = get_be16(pkt + *off + 2);
	r->ttl = get_be32(pkt + *off + 4);
	r->rdlen = get_be16(pkt + *off + 8);
	r->rdata = *off + 10;
	if (r->rdlen > len - r->rdata)
		return -E_PROTO;
	*off = r->rdata + r->rdlen;
	return 0;
}

int dns_parse_answer(const uint8_t *pkt, size_t len, uint16_t id, const char *name, uint32_t *ip,
		     uint32_t *ttl)
{
	static char target[DNS_NAME_MAX + 1];
	static struct rr r;
	size_t off = HDR_LEN, answers;
	uint32_t min_ttl = 0xffffffffu;
	uint16_t flags;
	bool truncated;
	int rc;

	if (!pkt || len < HDR_LEN || get_be16(pkt) != id)
		return -E_BUSY;
	flags = get_be16(pkt + 2);
	if (!(flags & FLAG_QR) || (flags & OPCODE_MASK) || get_be16(pkt + 4) != 1)
		return -E_BUSY;
	truncated = (flags & FLAG_TC) != 0;
	/* The question must be ours: a spoofed or stale answer for another name is ignored. */
	rc = read_name(pkt, len, &off, target, sizeof(target));
	if (rc < 0 || len - off < 4)
		return truncated ? -E_PROTO : -E_BUSY;
	if (!name_eq(target, name) || get_be16(pkt + off) != TYPE_A || get_be16(pkt + off + 2) != CLASS_IN)
		return -E_BUSY;
	off += 4;
	if ((flags & RCODE_MASK) == RCODE_NXDOMAIN)
		return -E_NOENT;
	if (flags & RCODE_MASK)
		return -E_IO;

	/* Follow the chain: each pass looks for an A record of target, else a CNAME of target.
	 * Records may come in any order; a loop of CNAMEs ends at DNS_CNAME_MAX. */
	size_t first = off;
	answers = get_be16(pkt + 6);
	strlcpy(target, name, sizeof(target));
	for (unsigned hop = 0; hop <= DNS_CNAME_MAX; hop++) {
		bool moved = false;
		off = first;
		for (size_t i = 0; i < answers; i++) {
			rc = read_rr(pkt, len, &off, &r);
			if (rc < 0)
				return truncated ? -E_PROTO : rc;
			if (r.class != CLASS_IN || !name_eq(r.name, target))
				continue;
			if (r.type == TYPE_A && r.rdlen == 4) {
				*ip = get_be32(pkt + r.rdata);
				*ttl = MIN(min_ttl, r.ttl);
				return 0;
			}
			if (r.type == TYPE_CNAME && !moved) {
				size_t p = r.rdata;
				rc = read_name(pkt, len, &p, r.name, sizeof(r.name));
				if (rc < 0 || p != r.rdata + r.rdlen)
					return -E_PROTO;
				min_ttl = MIN(min_ttl, r.ttl);
				strlcpy(target, r.name, sizeof(target));
				moved = true;
				/* Keep scanning this pass for nothing else: restart on the new name. */
				break;
			}
		}
		if (!moved)
			return truncated ? -E_PROTO : -E_NOENT;
	}
	return -E_PROTO;
}
