/* pxe_struct.c: checks the PXE structures and answers the ROM hands over (untrusted bytes):
 * !PXE, PXENV+, the cached DHCP packet, and what base memory the stack's segments give back. */
#include "lib/errors.h"
#include "net/bootp.h"
#include "pxe/pxe_core.h"

static bool checksum_ok(const uint8_t *p, unsigned len)
{
	uint8_t sum = 0;

	for (unsigned i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* A real-mode entry point: a non-zero segment, above the IVT/BDA, inside the first MiB. */
static bool entry_ok(uint32_t so)
{
	uint32_t phys = segoff_phys(so);

	return (so >> 16) != 0 && phys >= PXE_STRUCT_MIN_PHYS && phys < PXE_LOWMEM_END;
}

/* Keep a segment only when it is real base memory: a size, above the BDA, below 1 MiB. */
static void add_seg(struct pxe_info *pi, uint32_t phys, uint32_t size)
{
	if (!size || phys < PXE_STRUCT_MIN_PHYS || phys >= PXE_LOWMEM_END ||
	    size > PXE_LOWMEM_END - phys || pi->nsegs >= PXE_MAX_SEGS)
		return;
	/* The writable code aliases (UNDICodeWrite, BC_CodeWrite) repeat a block already listed. */
	for (int i = 0; i < pi->nsegs; i++)
		if (pi->segs[i].phys == phys && pi->segs[i].size == size)
			return;
	pi->segs[pi->nsegs].phys = phys;
	pi->segs[pi->nsegs].size = size;
	pi->nsegs++;
}

/* !PXE (the PXE 2.1 !PXE structure): "!PXE", StructLength at 4, checksum over it, EntryPointSP at
 * 0x10, seven SEGDESCs (selector, 32-bit PhysAddr, 16-bit SegSize) from 0x20: Stack, UNDIData,
 * UNDICode, UNDICodeWrite, BC_Data, BC_Code, BC_CodeWrite. */
int pxe_parse_bang(const uint8_t *p, size_t avail, struct pxe_info *pi)
{
	unsigned len;

	if (avail < BANG_PXE_MIN_LEN || memcmp(p, "!PXE", 4))
		return -E_PROTO;
	len = p[4];
	if (len < BANG_PXE_MIN_LEN || len > avail || !checksum_ok(p, len))
		return -E_PROTO;
	if (!entry_ok(get_le32(p + 0x10)))
		return -E_PROTO;
	memset(pi, 0, sizeof(*pi));
	pi->entry = get_le32(p + 0x10);
	pi->bang_pxe = true;
	pi->version = 0x0201;
	for (int i = 0; i < PXE_MAX_SEGS; i++) {
		const uint8_t *d = p + 0x20 + 8 * i;
		add_seg(pi, get_le32(d + 2), get_le16(d + 6));
	}
	return 0;
}

/* PXENV+ (the PXE 2.1 PXENV+ structure): "PXENV+", Version at 6, Length at 8, checksum over it, RMEntry at
 * 0x0a, segment/size pairs from 0x14 (Stack, BC_Code, BC_Data, UNDIData, UNDICode), and on
 * 2.1+ the !PXE pointer at 0x28. */
int pxe_parse_pxenv(const uint8_t *p, size_t avail, struct pxe_info *pi, uint32_t *bang_ptr)
{
	unsigned len;
	uint16_t version;

	if (avail < PXENV_MIN_LEN || memcmp(p, "PXENV+", 6))
		return -E_PROTO;
	len = p[8];
	if (len < PXENV_MIN_LEN || len > avail || !checksum_ok(p, len))
		return -E_PROTO;
	if (!entry_ok(get_le32(p + 0x0a)))
		return -E_PROTO;
	version = get_le16(p + 6);
	memset(pi, 0, sizeof(*pi));
	pi->entry = get_le32(p + 0x0a);
	pi->bang_pxe = false;
	pi->version = version;
	for (int i = 0; i < 5; i++) {
		const uint8_t *d = p + 0x14 + 4 * i;
		add_seg(pi, (uint32_t)get_le16(d) << 4, get_le16(d + 2));
	}
	*bang_ptr = version >= 0x0201 && len >= PXENV_PXEPTR_LEN ? get_le32(p + 0x28) : 0;
	return 0;
}

/* Grow [start, end) over the segments that touch it until nothing more joins. 40:13 hands out
 * whole KiB, so a segment starting anywhere in the KiB that end is in belongs to the same
 * allocation (iPXE in QEMU puts its first segment 0x80 bytes above 40:13). */
static uint32_t block_end(uint32_t start, const struct pxe_seg *segs, int n)
{
	uint32_t end = start;
	bool grew = true;

	while (grew) {
		grew = false;
		for (int i = 0; i < n; i++) {
			uint32_t s = segs[i].phys, e = segs[i].phys + segs[i].size;
			if (s >= start && s / 1024 <= end / 1024 && e > end) {
				end = e;
				grew = true;
			}
		}
	}
	return end;
}

int pxe_reclaim_plan(uint16_t fbm_kib, const struct pxe_seg *segs, int nsegs, uint16_t limit_kib,
		     uint32_t int1a_phys, uint16_t *new_kib, const char **why)
{
	uint32_t start = (uint32_t)fbm_kib * 1024, end;

	*new_kib = fbm_kib;
	if (nsegs <= 0) {
		*why = "the stack named no segments";
		return -E_NOENT;
	}
	for (int i = 0; i < nsegs; i++) {
		if (segs[i].phys < start) {
			*why = "a stack segment lies below the base memory top (40:13)";
			return -E_RANGE;
		}
	}
	end = block_end(start, segs, nsegs);
	for (int i = 0; i < nsegs; i++) {
		if (segs[i].phys + segs[i].size > end) {
			*why = "the stack segments are not one block at the base memory top";
			return -E_RANGE;
		}
	}
	if (end == start) {
		*why = "no stack segment starts at the base memory top (40:13)";
		return -E_RANGE;
	}
	if (ALIGN_UP(end, 1024u) / 1024 > limit_kib) {
		*why = "the stack segments reach past the EBDA / 640 KiB";
		return -E_RANGE;
	}
	if (int1a_phys >= start && int1a_phys < end) {
		*why = "INT 1Ah still points into the stack";
		return -E_IO;
	}
	*new_kib = (uint16_t)(ALIGN_UP(end, 1024u) / 1024);
	*why = NULL;
	return 0;
}

int pxe_cached_copy(const struct pxenv_get_cached_info *ci, uint8_t *dst, size_t dstlen)
{
	uint32_t so = ci->buffer, phys = segoff_phys(so);
	size_t size = ci->buffer_size;
	const uint8_t *src;

	if (size < BOOTP_MIN_LEN || size > PXE_CACHED_MAX || size > dstlen)
		return -E_PROTO;
	if (ci->buffer_limit && size > ci->buffer_limit)
		return -E_PROTO;
	/* Real mode addresses the buffer through one segment: it may not wrap past offset 0xffff. */
	if (!so || (so & 0xffff) + size > 0x10000 || phys < PXE_STRUCT_MIN_PHYS)
		return -E_PROTO;
	src = pxe_lowmem(phys, size);
	if (!src)
		return -E_PROTO;
	memcpy(dst, src, size);
	return (int)size;
}
