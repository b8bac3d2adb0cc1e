/* inflate.c: a DEFLATE decoder (RFC 1951) from memory into a bounded buffer; the whole output
 * is the window, so back references need no separate history. */
#include "lib/inflate.h"
#include "lib/errors.h"

#define MAX_BITS 15               /* longest Huffman code (RFC 1951 3.2.7) */
#define NUM_LITLEN 288            /* 286 used; 286 and 287 take part in the fixed code only */
#define NUM_DIST 32               /* 30 used; 30 and 31 likewise */
#define NUM_CLEN 19
#define FAST_BITS 9               /* codes this short decode with one table look-up */

/* A canonical Huffman code: how many codes of each length, the symbols in code order, and a
 * table indexed by the next FAST_BITS input bits giving (length << 9 | symbol), 0 for "longer
 * code: walk the counts". */
struct huff {
	uint16_t count[MAX_BITS + 1];
	uint16_t sym[NUM_LITLEN];
	uint16_t fast[1u << FAST_BITS];
};

struct inflater {
	const uint8_t *in;
	size_t in_len, in_pos;
	uint32_t bitbuf;          /* unread bits, the next one in bit 0 */
	unsigned bitcnt;          /* bits in bitbuf, including pad */
	unsigned pad;             /* zero bits added past the end of in (never real data) */
	uint8_t *out;
	size_t out_cap, out_pos;
	struct huff lit, dist;
};

/* Top bitbuf up to at least 25 bits; past the end of the input, with zero bits counted in pad
 * so that a look-up near the end can peek, but consuming them is an error. */
static inline void refill(struct inflater *s)
{
	while (s->bitcnt <= 24) {
		uint32_t b = 0;
		if (s->in_pos < s->in_len)
			b = s->in[s->in_pos++];
		else
			s->pad += 8;
		s->bitbuf |= b << s->bitcnt;
		s->bitcnt += 8;
	}
}

/* Consume n bits (already in bitbuf); -E_CORRUPT when that reaches into the padding. */
static inline int drop(struct inflater *s, unsigned n)
{
	if (n > s->bitcnt - s->pad)
		return -E_CORRUPT;            /* the stream was cut short */
	s->bitbuf >>= n;
	s->bitcnt -= n;
	return 0;
}

/* Read n <= 24 bits, low bit first. */
static inline int getbits(struct inflater *s, unsigned n, unsigned *v)
{
	refill(s);
	*v = s->bitbuf & ((1u << n) - 1);
	return drop(s, n);
}

/* Build h from the code lengths of n symbols. An over-subscribed code is corrupt; an
 * incomplete one too, except a single code of length one or no code at all (RFC 1951 allows
 * one distance code; an empty code fails when used). complete_only: code-length codes. */
static int huff_build(struct huff *h, const uint8_t *lens, unsigned n, bool complete_only)
{
	uint16_t offs[MAX_BITS + 2];
	int left = 1;
	unsigned used = 0;

	memset(h->count, 0, sizeof(h->count));
	for (unsigned i = 0; i < n; i++)
		h->count[lens[i]]++;
	for (unsigned len = 1; len <= MAX_BITS; len++) {
		left = left * 2 - h->count[len];
		if (left < 0)
			return -E_CORRUPT;
		used += h->count[len];
	}
	if (left > 0 && (complete_only || used > 1 || (used == 1 && h->count[1] != 1)))
		return -E_CORRUPT;
	offs[1] = 0;
	for (unsigned len = 1; len <= MAX_BITS; len++)
		offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
	for (unsigned i = 0; i < n; i++)
		if (lens[i])
			h->sym[offs[lens[i]]++] = (uint16_t)i;

	/* The fast table: walk the codes in canonical order; the stream carries each code's
	 * first bit first, so the table index is the code bit-reversed. */
	memset(h->fast, 0, sizeof(h->fast));
	unsigned code = 0, k = 0;
	for (unsigned len = 1; len <= FAST_BITS; len++) {
		for (unsigned c = 0; c < h->count[len]; c++, k++, code++) {
			unsigned rev = 0;
			for (unsigned b = 0; b < len; b++)
				rev |= ((code >> b) & 1u) << (len - 1 - b);
			for (unsigned idx = rev; idx < (1u << FAST_BITS); idx += 1u << len)
				h->fast[idx] = (uint16_t)(len << 9 | h->sym[k]);
		}
		code <<= 1;
	}
	return 0;
}

/* Decode one symbol with h. */
static inline int decode(struct inflater *s, const struct huff *h, unsigned *sym)
{
	refill(s);
	uint16_t e = h->fast[s->bitbuf & ((1u << FAST_BITS) - 1)];
	if (e) {
		*sym = e & 0x1ff;
		return drop(s, e >> 9);
	}
	/* A longer code (or none): walk the canonical code one bit at a time. first is the
	 * first code of this length, index its first symbol. */
	int code = 0, first = 0, index = 0;
	uint32_t bits = s->bitbuf;
	for (unsigned len = 1; len <= MAX_BITS; len++) {
		code |= (int)(bits & 1);
		bits >>= 1;
		int count = h->count[len];
		if (code - first < count) {
			*sym = h->sym[index + code - first];
			return drop(s, len);
		}
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return -E_CORRUPT;                    /* no code matches (an incomplete or empty code) */
}

/* A stored block (RFC 1951 3.2.4): LEN, NLEN, bytes. */
static int stored(struct inflater *s)
{
	/* Back to a byte boundary, then hand back the whole bytes the bit buffer read ahead. */
	int rc = drop(s, (s->bitcnt - s->pad) & 7);
	if (rc < 0)
		return rc;
	size_t back = (s->bitcnt - s->pad) / 8;
	s->in_pos -= back;
	s->bitbuf = 0;
	s->bitcnt = s->pad = 0;
	if (s->in_len - s->in_pos < 4)
		return -E_CORRUPT;
	unsigned len = get_le16(s->in + s->in_pos), nlen = get_le16(s->in + s->in_pos + 2);
	s->in_pos += 4;
	if (len != (~nlen & 0xffff))
		return -E_CORRUPT;
	if (s->in_len - s->in_pos < len)
		return -E_CORRUPT;
	if (s->out_cap - s->out_pos < len)
		return -E_TOOBIG;
	memcpy(s->out + s->out_pos, s->in + s->in_pos, len);
	s->in_pos += len;
	s->out_pos += len;
	return 0;
}

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* The symbols of one Huffman-coded block, up to end-of-block. */
static int codes(struct inflater *s)
{
	unsigned sym, v;
	int rc;

	for (;;) {
		rc = decode(s, &s->lit, &sym);
		if (rc < 0)
			return rc;
		if (sym < 256) {
			if (s->out_pos == s->out_cap)
				return -E_TOOBIG;
			s->out[s->out_pos++] = (uint8_t)sym;
			continue;
		}
		if (sym == 256)
			return 0;
		sym -= 257;
		if (sym >= 29)
			return -E_CORRUPT;            /* 286, 287: in the fixed code, never valid */
		if ((rc = getbits(s, len_extra[sym], &v)) < 0)
			return rc;
		size_t len = len_base[sym] + v;
		if ((rc = decode(s, &s->dist, &sym)) < 0)
			return rc;
		if (sym >= 30)
			return -E_CORRUPT;
		if ((rc = getbits(s, dist_extra[sym], &v)) < 0)
			return rc;
		size_t dist = dist_base[sym] + v;
		if (dist > s->out_pos)
			return -E_CORRUPT;            /* before the start of the output */
		if (s->out_cap - s->out_pos < len)
			return -E_TOOBIG;
		/* Byte by byte: source and destination overlap when dist < len (a run). */
		uint8_t *d = s->out + s->out_pos;
		const uint8_t *f = d - dist;
		for (size_t i = 0; i < len; i++)
			d[i] = f[i];
		s->out_pos += len;
	}
}

/* The fixed codes of RFC 1951 3.2.6. */
static int fixed(struct inflater *s)
{
	uint8_t lens[NUM_LITLEN];
	unsigned i = 0;
	int rc;

	for (; i < 144; i++)
		lens[i] = 8;
	for (; i < 256; i++)
		lens[i] = 9;
	for (; i < 280; i++)
		lens[i] = 7;
	for (; i < NUM_LITLEN; i++)
		lens[i] = 8;
	if ((rc = huff_build(&s->lit, lens, NUM_LITLEN, false)) < 0)
		return rc;
	memset(lens, 5, NUM_DIST);
	if ((rc = huff_build(&s->dist, lens, NUM_DIST, false)) < 0)
		return rc;
	return codes(s);
}

/* Dynamic codes (RFC 1951 3.2.7): the code-length code, then the lengths of both codes. */
static int dynamic(struct inflater *s)
{
	static const uint8_t order[NUM_CLEN] = {
		16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	uint8_t lens[NUM_LITLEN + NUM_DIST];
	unsigned hlit, hdist, hclen, v, sym;
	int rc;

	if ((rc = getbits(s, 5, &hlit)) < 0 || (rc = getbits(s, 5, &hdist)) < 0 ||
	    (rc = getbits(s, 4, &hclen)) < 0)
		return rc;
	hlit += 257;
	hdist += 1;
	hclen += 4;
	if (hlit > 286 || hdist > 30)
		return -E_CORRUPT;
	memset(lens, 0, sizeof(lens));
	for (unsigned i = 0; i < hclen; i++) {
		if ((rc = getbits(s, 3, &v)) < 0)
			return rc;
		lens[order[i]] = (uint8_t)v;
	}
	if ((rc = huff_build(&s->lit, lens, NUM_CLEN, true)) < 0)
		return rc;

	/* Both codes' lengths as one sequence: a repeat may cross from one to the other. */
	unsigned n = 0, total = hlit + hdist;
	memset(lens, 0, sizeof(lens));
	while (n < total) {
		if ((rc = decode(s, &s->lit, &sym)) < 0)
			return rc;
		if (sym < 16) {
			lens[n++] = (uint8_t)sym;
			continue;
		}
		uint8_t val = 0;
		unsigned rep;
		if (sym == 16) {
			if (n == 0)
				return -E_CORRUPT;    /* nothing to repeat */
			val = lens[n - 1];
			if ((rc = getbits(s, 2, &rep)) < 0)
				return rc;
			rep += 3;
		} else if (sym == 17) {
			if ((rc = getbits(s, 3, &rep)) < 0)
				return rc;
			rep += 3;
		} else {
			if ((rc = getbits(s, 7, &rep)) < 0)
				return rc;
			rep += 11;
		}
		if (rep > total - n)
			return -E_CORRUPT;
		while (rep--)
			lens[n++] = val;
	}
	if (lens[256] == 0)
		return -E_CORRUPT;                    /* no end-of-block code */
	if ((rc = huff_build(&s->lit, lens, hlit, false)) < 0 ||
	    (rc = huff_build(&s->dist, lens + hlit, hdist, false)) < 0)
		return rc;
	return codes(s);
}

int inflate_raw(const uint8_t *in, size_t in_len, size_t *in_used,
		uint8_t *out, size_t out_cap, size_t *out_len)
{
	/* The two tables are 2 KiB together with the rest: static, osprey has one CPU and a
	 * small stack, and nothing inflates re-entrantly. */
	static struct inflater s;
	unsigned last, type;
	int rc;

	memset(&s, 0, sizeof(s));
	s.in = in;
	s.in_len = in_len;
	s.out = out;
	s.out_cap = out_cap;
	do {
		if ((rc = getbits(&s, 1, &last)) < 0 || (rc = getbits(&s, 2, &type)) < 0)
			return rc;
		if (type == 0)
			rc = stored(&s);
		else if (type == 1)
			rc = fixed(&s);
		else if (type == 2)
			rc = dynamic(&s);
		else
			rc = -E_CORRUPT;              /* block type 3 is reserved */
		if (rc < 0)
			return rc;
	} while (!last);
	/* Whole bytes read ahead into the bit buffer were not part of the stream. */
	*in_used = s.in_pos - (s.bitcnt - s.pad) / 8;
	*out_len = s.out_pos;
	return 0;
}
