/* fuzz_pxe.c: libFuzzer target for the PXE layer's untrusted inputs: !PXE and PXENV+ structures
 * (alone and through pxe_attach's pointer chain in a fake first MiB), the cached-info answer the
 * ROM gives (size, limit, address), the reclaim plan over the segments found, and the ROM's
 * UDP_READ answers (status, addresses, ports, a length it may overstate) polled as osprey's UDP. */
#include "lib/errors.h"
#include "net/net.h"
#include "net/netstack.h"
#include "pxe/pxe_core.h"
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MIB 0x100000u
#define AT 0x9c000u

static uint8_t *mem;
static struct pxenv_get_cached_info answer;
static uint16_t ax_for_stop;
static const uint8_t *udp_in;      /* what UDP_READ answers: 16-byte heads, each with its data */
static size_t udp_left;

/* One UDP_READ answer from the input: AX and status as given (so "nothing waiting", other
 * failures and success-with-a-failure-status all come), the length claimed as given. */
static uint16_t fake_udp_read(struct pxenv_udp_read *r)
{
	if (udp_left < 16) {
		r->status = PXENV_STATUS_FAILURE;
		return PXENV_EXIT_FAILURE;
	}
	const uint8_t *h = udp_in;
	size_t n = MIN((size_t)h[15], udp_left - 16);

	memcpy(r->src_ip, h, 4);
	memcpy(r->dest_ip, h + 4, 4);
	memcpy(&r->s_port, h + 8, 2);
	memcpy(&r->d_port, h + 10, 2);
	r->buffer_size = get_le16(h + 12);
	r->status = h[14] & 0x7f;
	memcpy(pxe_udp_rx, h + 16, n);
	udp_in += 16 + n;
	udp_left -= 16 + n;
	return h[14] >> 7;
}

static size_t delivered;

static void on_dgram(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, const uint8_t *data,
		     size_t len)
{
	(void)ctx, (void)src, (void)sport, (void)dst;
	if (len > UDP_PAYLOAD_MAX)
		abort();
	for (size_t i = 0; i < len; i++)    /* ASan: every byte handed up is inside the buffer */
		delivered += data[i];
}

static uint16_t fake_call(const struct pxe_info *pi, uint16_t opcode, void *params)
{
	if (opcode == PXENV_UDP_READ)
		return fake_udp_read(params);
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
		/* The rest of the input as UDP_READ answers, polled until the ROM says nothing is
		 * waiting or fails. */
		udp_in = data + 16;
		udp_left = size - 16;
		if (pxe_udp_get(netconf.ip) == 0) {
			udp_bind(get_be16(data + 4) | 1, on_dgram, NULL);
			for (int i = 0; i < 64 && net_poll() > 0; i++)
				;
			udp_unbind(get_be16(data + 4) | 1);
			pxe_udp_put();
		}
		uint16_t before = get_le16(mem + BDA_BASE_KIB);
		pxe_unload();
		uint16_t after = get_le16(mem + BDA_BASE_KIB);
		if (after != before && (after < before || after > 640))
			abort();
	}
	return 0;
}
