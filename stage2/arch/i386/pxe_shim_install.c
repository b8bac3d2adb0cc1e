/* pxe_shim_install.c: puts the chained NBP's PXE API front (pxe_shim.h, pxe_shim.S) into base
 * memory taken off the top, with the patched cached DHCP packets, and hooks INT 1Ah to it. */
#include "lib/errors.h"
#include "net/dhcp_patch.h"
#include "pxe/pxe_core.h"
#include "pxe/pxe_shim.h"

extern char pxe_shim[], pxe_shim_end[], pxe_shim_bang[], pxe_shim_pxenv[], pxe_shim_int1a[];
extern char _end[];

#define BDA_BASE_KIB_PTR ((volatile uint16_t *)BDA_BASE_KIB)
#define IVT_INT1A_PTR ((volatile uint32_t *)IVT_INT1A)

_Static_assert(sizeof(struct pxe_shim_vars) == 0x1e, "pxe_shim.S's variables");

static uint8_t pkts[2][PXE_CACHED_MAX];
static struct pxe_shim_in shim_in;
static uint32_t shim_reserve;

/* A validated structure of the ROM's, from its segment:offset (NULL for 0). */
static const uint8_t *rom_struct(uint32_t so, unsigned len_at)
{
	const uint8_t *p;

	if (!so || !(p = pxe_lowmem(segoff_phys(so), len_at + 1)))
		return NULL;
	return pxe_lowmem(segoff_phys(so), p[len_at]);
}

/* The block fits between osprey's end and the top of base memory (40:13); checked when prepared,
 * before anything is shut down, and again when installed. */
static int fits_below_top(void)
{
	uint16_t kib = *BDA_BASE_KIB_PTR;

	if (!shim_reserve || shim_reserve / 1024 >= kib ||
	    (uint32_t)(kib - shim_reserve / 1024) * 1024 < (uint32_t)(uintptr_t)_end) {
		snprintf(err_detail, sizeof(err_detail),
			 "no room for the PXE API front below base memory's top (%u KiB)", kib);
		return -E_TOOBIG;
	}
	return 0;
}

int pxe_shim_prepare(const struct dhcp_opt *opts, int n, uint32_t *reserve)
{
	static const uint16_t types[2] = { PXENV_PACKET_TYPE_DHCP_ACK, PXENV_PACKET_TYPE_CACHED_REPLY };
	static uint8_t raw[PXE_CACHED_MAX];
	const struct pxe_info *pi = pxe_get_info();
	struct pxe_shim_in in = { 0 };

	in.code = (const uint8_t *)pxe_shim;
	in.code_len = (size_t)(pxe_shim_end - pxe_shim);
	in.bang_entry_off = (uint16_t)(pxe_shim_bang - pxe_shim);
	in.pxenv_entry_off = (uint16_t)(pxe_shim_pxenv - pxe_shim);
	in.int1a_off = (uint16_t)(pxe_shim_int1a - pxe_shim);
	in.bang = rom_struct(pi->bang_so, 4);
	in.pxenv = rom_struct(pi->pxenv_so, 8);
	if (!in.bang && !in.pxenv) {
		snprintf(err_detail, sizeof(err_detail), "the PXE ROM's !PXE and PXENV+ are not known");
		return -E_NODEV;
	}
	for (int i = 0; i < 2; i++) {
		int len = pxe_cached_packet(types[i], raw, sizeof(raw));
		if (len < 0 && i == 0) {
			snprintf(err_detail, sizeof(err_detail),
				 "the PXE ROM has no cached DHCPACK to set the options in");
			return len;
		}
		if (len < 0)
			continue;   /* no ProxyDHCP / boot server reply: the ROM answers for it */
		len = dhcp_opts_patch(raw, (size_t)len, opts, n, pkts[i], sizeof(pkts[i]));
		if (len < 0) {
			snprintf(err_detail, sizeof(err_detail), "the PXE ROM's cached %s %s",
				 i ? "reply" : "DHCPACK",
				 len == -E_TOOBIG ? "has no room for the options" : "is malformed");
			return len;
		}
		in.pkt[i] = pkts[i];
		in.pkt_len[i] = (size_t)len;
	}
	shim_in = in;
	shim_reserve = (uint32_t)ALIGN_UP(pxe_shim_size(&in), (size_t)1024);
	*reserve = shim_reserve;
	return fits_below_top();
}

int pxe_shim_install(uint32_t *bang_so, uint32_t *pxenv_so)
{
	uint16_t kib = *BDA_BASE_KIB_PTR, new_kib = (uint16_t)(kib - shim_reserve / 1024);
	uint32_t base = (uint32_t)new_kib * 1024;
	struct pxe_shim_out o;
	uint8_t *block;
	int rc;

	if ((rc = fits_below_top()) < 0)
		return rc;
	if (!(block = pxe_lowmem(base, shim_reserve)))
		return -E_TOOBIG;
	shim_in.int1a = *IVT_INT1A_PTR;
	shim_in.kib_rom = kib;
	shim_in.kib_ours = new_kib;
	rc = pxe_shim_layout(&shim_in, (uint16_t)(base >> 4), block, shim_reserve, &o);
	if (rc < 0) {
		snprintf(err_detail, sizeof(err_detail), "the PXE API front did not fit (%u bytes)",
			 shim_reserve);
		return rc;
	}
	*BDA_BASE_KIB_PTR = new_kib;
	*IVT_INT1A_PTR = o.int1a_so;
	printf("DHCP options set for the NBP in the cached %s; PXE API front at %04x:0000 "
	       "(base memory %u -> %u KiB)\n", shim_in.pkt[1] ? "DHCPACK and reply" : "DHCPACK",
	       (unsigned)(base >> 4), kib, new_kib);
	*bang_so = o.bang_so;
	*pxenv_so = o.pxenv_so;
	return 0;
}
