/* pxe_shim.h: a PXE API front for a chained NBP that answers PXENV_GET_CACHED_INFO for the
 * DHCPACK and the ProxyDHCP/boot server reply from osprey's patched copies and passes every
 * other call to the ROM (QEMU's iPXE ROM rebuilds its cached packet on each call, so patching
 * the ROM's own buffer does not last). PXENV_UNLOAD_STACK first gives back what the shim took
 * (INT 1Ah and 40:13, when still as it left them), so the stack's memory can be freed. The
 * real-mode code is pxe_shim.S; pxe_shim_layout()
 * builds the block that goes into base memory osprey takes off the top (40:13). */
#ifndef OSPREY_PXE_SHIM_H
#define OSPREY_PXE_SHIM_H

#include "lib/lib.h"

/* The variables at the start of the real-mode code (pxe_shim.S keeps the same layout). */
struct pxe_shim_vars {
	uint32_t bang_entry;       /* the ROM's !PXE EntryPointSP (segment:offset) */
	uint32_t pxenv_entry;      /* the ROM's PXENV+ RMEntry */
	uint32_t int1a;            /* the INT 1Ah vector before the shim's */
	uint16_t pxenv_off;        /* the shim's PXENV+ copy (segment: the shim's) */
	uint16_t pkt_off[2];       /* packet types 2 and 3; length 0: asked of the ROM */
	uint16_t pkt_len[2];
	uint32_t int1a_ours;       /* the shim's INT 1Ah handler (segment:offset) */
	uint16_t kib_ours, kib_rom; /* 40:13 with the shim's block taken, and before */
} __attribute__((packed));

/* What goes into the block. */
struct pxe_shim_in {
	const uint8_t *code;       /* pxe_shim.S assembled, starting with struct pxe_shim_vars */
	size_t code_len;
	uint16_t bang_entry_off, pxenv_entry_off, int1a_off;   /* its entry points */
	const uint8_t *bang;       /* the ROM's !PXE (validated; NULL when there is none) */
	const uint8_t *pxenv;      /* the ROM's PXENV+ (validated; NULL when there is none) */
	uint32_t int1a;            /* the INT 1Ah vector now */
	const uint8_t *pkt[2];     /* patched DHCPACK and cached reply (NULL: the ROM answers) */
	size_t pkt_len[2];
	uint16_t kib_ours, kib_rom; /* 40:13 with the block taken off, and before */
};

/* Where the pieces of a built block are, as segment:offset. */
struct pxe_shim_out {
	size_t size;               /* bytes used from the block's start */
	uint32_t bang_so;          /* the copy of !PXE whose entry is the shim (0: none) */
	uint32_t pxenv_so;         /* the copy of PXENV+ (0: none) */
	uint32_t int1a_so;         /* the INT 1Ah handler to install */
};

/* The bytes pxe_shim_layout() needs for in (each piece on a paragraph). */
size_t pxe_shim_size(const struct pxe_shim_in *in);
/* Build the block for segment seg into out (outmax bytes): the code with its variables set, a
 * copy of !PXE with EntryPointSP into the shim, a copy of PXENV+ with RMEntry into the shim and
 * PXEPtr at the !PXE copy (both checksums fixed), the packets. Returns 0, -E_TOOBIG when
 * outmax is too small, -E_INVAL when there is neither structure or a packet is over 64 KiB. */
int pxe_shim_layout(const struct pxe_shim_in *in, uint16_t seg, uint8_t *out, size_t outmax,
		    struct pxe_shim_out *o);

/* Prepare the shim for a chained NBP (pxe_shim_install.c), before anything is shut down: read
 * the ROM's cached DHCPACK and reply, set opts[0..n) in them. 0 with *reserve the bytes of base
 * memory the shim will take off the top (whole KiB), or -E_* with err_detail saying why. */
struct dhcp_opt;
int pxe_shim_prepare(const struct dhcp_opt *opts, int n, uint32_t *reserve);
/* Install the prepared shim, last before the NBP starts: 40:13 lowered by the reserve, the block
 * built there, INT 1Ah hooked. 0 with *bang_so / *pxenv_so the structures to hand the NBP, or
 * -E_* with err_detail saying why (nothing changed then). */
int pxe_shim_install(uint32_t *bang_so, uint32_t *pxenv_so);

/* Make the len bytes of a PXE structure at p sum to zero through its checksum byte at offset at. */
void pxe_fix_checksum(uint8_t *p, unsigned len, unsigned at);

#endif
