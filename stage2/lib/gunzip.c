/* gunzip.c: the gzip file format (RFC 1952) around the DEFLATE decoder: header fields,
 * trailer CRC-32 and ISIZE. */
#include "lib/inflate.h"
#include "lib/errors.h"

#define GZ_HEADER 10
#define GZ_TRAILER 8
#define FHCRC 0x02
#define FEXTRA 0x04
#define FNAME 0x08
#define FCOMMENT 0x10
#define FRESERVED 0xe0

bool gzip_is(const uint8_t *data, size_t len)
{
	return len >= 3 && data[0] == 0x1f && data[1] == 0x8b && data[2] == 8;
}

int gzip_isize(const uint8_t *data, size_t len, uint32_t *isize)
{
	if (len < GZ_HEADER + GZ_TRAILER + 2 || !gzip_is(data, len))
		return -E_CORRUPT;
	*isize = get_le32(data + len - 4);
	return 0;
}

/* Skip a zero-terminated header field from *pos; -E_CORRUPT when it runs off the end. */
static int skip_string(const uint8_t *in, size_t len, size_t *pos)
{
	while (*pos < len)
		if (in[(*pos)++] == 0)
			return 0;
	return -E_CORRUPT;
}

int gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	size_t pos = GZ_HEADER, used, got;
	int rc;

	if (in_len < 2 || in[0] != 0x1f || in[1] != 0x8b)
		return -E_NOEXEC;
	if (in_len < GZ_HEADER)
		return -E_CORRUPT;
	if (in[2] != 8)
		return -E_NOEXEC;                 /* only method 8 (deflate) is defined */
	uint8_t flg = in[3];
	if (flg & FRESERVED)
		return -E_CORRUPT;                /* RFC 1952 2.3.1.2: must be refused */
	if (flg & FEXTRA) {
		if (in_len - pos < 2)
			return -E_CORRUPT;
		size_t xlen = get_le16(in + pos);
		pos += 2;
		if (in_len - pos < xlen)
			return -E_CORRUPT;
		pos += xlen;
	}
	if ((flg & FNAME) && (rc = skip_string(in, in_len, &pos)) < 0)
		return rc;
	if ((flg & FCOMMENT) && (rc = skip_string(in, in_len, &pos)) < 0)
		return rc;
	if (flg & FHCRC) {
		if (in_len - pos < 2)
			return -E_CORRUPT;
		if ((crc32_update(0, in, pos) & 0xffff) != get_le16(in + pos))
			return -E_CORRUPT;
		pos += 2;
	}
	rc = inflate_raw(in + pos, in_len - pos, &used, out, out_cap, &got);
	if (rc < 0)
		return rc;
	pos += used;
	if (in_len - pos < GZ_TRAILER)
		return -E_CORRUPT;                /* the trailer is cut off */
	if (get_le32(in + pos) != crc32_update(0, out, got) ||
	    get_le32(in + pos + 4) != (uint32_t)got)
		return -E_CORRUPT;
	if (in_len - pos != GZ_TRAILER)
		return -E_NOTSUP;                 /* a second member or trailing bytes */
	*out_len = got;
	return 0;
}
