/* inflate.h: DEFLATE (RFC 1951) and gzip (RFC 1952) decoding from memory into a bounded buffer. */
#ifndef OSPREY_INFLATE_H
#define OSPREY_INFLATE_H

#include "lib/lib.h"

/* Decode the raw DEFLATE stream in[0..in_len) into out (room for out_cap bytes). On success
 * *out_len is the decoded size and *in_used the bytes of in the stream took (its last byte
 * counted whole). Returns 0, -E_CORRUPT (bad block type, bad Huffman table, distance before
 * the start, stored length mismatch, or a stream cut short) or -E_TOOBIG (the output would
 * exceed out_cap: nothing is ever written past it). */
int inflate_raw(const uint8_t *in, size_t in_len, size_t *in_used,
		uint8_t *out, size_t out_cap, size_t *out_len);

/* Does data start like a gzip member (magic 1F 8B, method 8)? */
bool gzip_is(const uint8_t *data, size_t len);

/* The unpacked size a whole single-member gzip file announces in its trailer (ISIZE, the
 * size mod 2^32). -E_CORRUPT when the file is too short to be gzip. */
int gzip_isize(const uint8_t *data, size_t len, uint32_t *isize);

/* Unpack a whole gzip file (one member; nothing may follow it) into out (out_cap bytes).
 * Checks the header (reserved flags, header CRC when present), the CRC-32 and ISIZE of the
 * trailer. Returns 0 with *out_len, -E_NOEXEC (not gzip or not deflate), -E_CORRUPT or
 * -E_TOOBIG as inflate_raw. */
int gunzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len);

/* CRC-32 (ISO 3309, as gzip uses): crc32_update(0, p, n) for a fresh one. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

#endif
