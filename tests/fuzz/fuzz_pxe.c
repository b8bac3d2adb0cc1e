/* fuzz_pxe.c: libFuzzer target for the PXE layer's untrusted inputs: !PXE and PXENV+ structures
 * (alone and through pxe_attach's pointer chain in a fake first MiB), the cached-info answer the
 * ROM gives (size, limit, address) and the reclaim plan over the segments found. */
#include "lib/errors.h"
#include "net/net.h"
#include "pxe/pxe_core.h"
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MIB 0x100000u
#define AT 0x9c000u

static uint8_t *mem;
static struct pxenv_get_cached_info answer;
static uint16_t ax_for_stop;

static uint16_t fake_call(const struct pxe_info *pi, uint16_t opcode, void *params)
{
	if (opcode == PXENV_GET_CACHED_INFO) {
		*(struct pxenv_get_cached_info *)params = answer;
		return PXENV_EXIT_SUCCESS;
	}
	put_le16(params, opcode == PXENV_STOP_UNDI ? ax_for_stop : 0);
	return opcode == PXENV_STOP_UNDI ? ax_for_stop : 0;
}

static void *fake_lowmem(uint32_t phys, size_t len)
{
	if (phys >= MIB || len > MIB - phys)
		return NULL;
	return mem + phys;
}

static const struct pxe_platform fake = { fake_call, fake_lowmem };

static void check_info(const struct pxe_info *pi)
{
	if (pi->nsegs < 0 || pi->nsegs > PXE_MAX_SEGS)
		abort();
	for (int i = 0; i < pi->nsegs; i++)
		if (!pi->segs[i].size || pi->segs[i].phys + pi->segs[i].size > MIB)
			abort();
	if (segoff_phys(pi->entry) >= MIB || segoff_phys(pi->entry) < PXE_STRUCT_MIN_PHYS)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pxe_info pi;
	uint32_t bang_ptr;
	uint16_t kib;
	const char *why;

	if (!mem) {
		mem = malloc(MIB);
		/* The unload reports each step on stdout: millions of lines in the fuzz log otherwise. */
		if (!freopen("/dev/null", "w", stdout))
			abort();
	}
	if (!mem || size < 16)
		return 0;
	/* The bytes as they are: both parsers, with exactly size bytes readable. */
	if (pxe_parse_bang(data, size, &pi) == 0)
		check_info(&pi);
	if (pxe_parse_pxenv(data, size, &pi, &bang_ptr) == 0) {
		check_info(&pi);
		uint16_t fbm = get_le16(data + 8), limit = get_le16(data + 10);
		if (pxe_reclaim_plan(fbm, pi.segs, pi.nsegs, limit, get_le32(data + 12), &kib, &why) == 0 &&
		    (kib < fbm || kib > limit))
			abort();
	}

	/* Through the attach chain: the input at AT, its pointers taken from the input too. */
	memset(mem, 0, MIB);
	memcpy(mem + AT, data, MIN(size, (size_t)(MIB - AT)));
	put_le16(mem + BDA_BASE_KIB, get_le16(data + 2));
	put_le16(mem + BDA_EBDA_SEG, 0x9fc0);
	pxe_reset();
	pxe_set_platform(&fake);
	memcpy(&answer, data, MIN(size, sizeof(answer)));
	answer.status = 0;
	ax_for_stop = data[0] & 1;
	uint32_t so = (AT >> 4) << 16 | (data[1] & 0x0f);
	if (pxe_attach(data[0] & 2 ? so : 0, data[0] & 2 ? 0 : so) == 0) {
		check_info(pxe_get_info());
		memset(&netconf, 0, sizeof(netconf));
		pxe_read_cached_info();
		uint16_t before = get_le16(mem + BDA_BASE_KIB);
		pxe_unload();
		uint16_t after = get_le16(mem + BDA_BASE_KIB);
		if (after != before && (after < before || after > 640))
			abort();
	}
	return 0;
}
