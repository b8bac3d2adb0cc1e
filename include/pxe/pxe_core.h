/* pxe_core.h: the arch-neutral inside of the PXE layer: structure validation, the base-memory
 * reclaim arithmetic, the call/unload state, and the platform hooks (the real far call in
 * pxe_bios.c, a fake in the host tests). */
#ifndef OSPREY_PXE_CORE_H
#define OSPREY_PXE_CORE_H

#include "pxe/pxe.h"

#define PXE_LOWMEM_END 0x100000u   /* everything the real-mode API sees is below 1 MiB */
#define PXE_STRUCT_MIN_PHYS 0x500u  /* below: the IVT and BDA, never a PXE structure */
#define BANG_PXE_MIN_LEN 0x58       /* !PXE up to and including BC_CodeWrite */
#define PXENV_MIN_LEN 0x28          /* PXENV+ up to UNDICodeSize (2.0); 2.1 adds PXEPtr: 0x2c */
#define PXENV_PXEPTR_LEN 0x2c
#define PXE_MAX_SEGS 7
#define PXE_CACHED_MAX 2048         /* a cached DHCP packet larger than this is not one */

/* BIOS data area words we read and write. */
#define BDA_EBDA_SEG 0x40e          /* 40:0E segment of the extended BIOS data area */
#define BDA_BASE_KIB 0x413          /* 40:13 KiB of base memory */
#define IVT_INT1A 0x68              /* the INT 1Ah vector (the PXENV+ entry hooks it) */

static inline uint32_t segoff_phys(uint32_t so)
{
	return ((so >> 16) << 4) + (so & 0xffff);
}

/* One memory block the stack occupies (a !PXE SEGDESC or a PXENV+ segment/size pair). */
struct pxe_seg {
	uint32_t phys, size;
};

/* What pxe_attach learned; copied, since PXENV_UNLOAD_STACK invalidates the structures. */
struct pxe_info {
	uint32_t entry;            /* real-mode entry point, segment:offset */
	bool bang_pxe;             /* !PXE calling convention (stack args) vs PXENV+ (BX, ES:DI) */
	uint16_t version;          /* PXENV+ version; 0x0201 for a !PXE reached directly */
	uint32_t struct_phys;      /* where the structure in use was */
	uint32_t pxenv_so, bang_so; /* both structures as segment:offset (0: not known / not valid) */
	int nsegs;
	struct pxe_seg segs[PXE_MAX_SEGS];
};

/* Validate a !PXE structure of which avail bytes are readable at p: signature, StructLength
 * (>= 0x58, <= avail), checksum over StructLength, EntryPointSP inside the first MiB and above the
 * BDA. Fills pi (segments with a size, below 1 MiB). Returns 0 or -E_PROTO. */
int pxe_parse_bang(const uint8_t *p, size_t avail, struct pxe_info *pi);
/* The same for PXENV+ (length >= 0x28, RMEntry); *bang_ptr gets the !PXE pointer of a 2.1+
 * structure (0 when there is none). Returns 0 or -E_PROTO. */
int pxe_parse_pxenv(const uint8_t *p, size_t avail, struct pxe_info *pi, uint32_t *bang_ptr);

/* The 40:13 value (KiB) once the stack's segments are free: they must form one block starting
 * at fbm_kib (gaps only inside a KiB), end at or below limit_kib (the EBDA or 640 KiB), and the
 * INT 1Ah vector must no longer point into them. Returns 0 and sets *new_kib, or -E_* with *why
 * saying what stopped it. */
int pxe_reclaim_plan(uint16_t fbm_kib, const struct pxe_seg *segs, int nsegs, uint16_t limit_kib,
		     uint32_t int1a_phys, uint16_t *new_kib, const char **why);

/* Check a GET_CACHED_INFO answer (status already checked): size between the BOOTP header and
 * PXE_CACHED_MAX and within BufferLimit when the ROM gave one, the buffer inside its 64 KiB
 * segment and below 1 MiB; then copy the packet to dst (dstlen >= PXE_CACHED_MAX). Returns the
 * length or -E_PROTO. */
int pxe_cached_copy(const struct pxenv_get_cached_info *ci, uint8_t *dst, size_t dstlen);

/* Platform hooks. */
struct pxe_platform {
	/* The far call into pi->entry with params (in low memory); returns AX. */
	uint16_t (*call)(const struct pxe_info *pi, uint16_t opcode, void *params);
	/* A pointer to [phys, phys + len) of the first MiB, or NULL when it is not all inside it. */
	void *(*lowmem)(uint32_t phys, size_t len);
};
void pxe_set_platform(const struct pxe_platform *p);
void *pxe_lowmem(uint32_t phys, size_t len);

/* Take the API from the !PXE pointer, else the PXENV+ one (which leads to !PXE on 2.1+). Either
 * may be 0. Returns 0 or -E_NODEV; already attached: 0. */
int pxe_attach(uint32_t bang_so, uint32_t pxenv_so);

enum pxe_state { PXE_ABSENT, PXE_ACTIVE, PXE_NIC_RELEASED, PXE_UNLOADED, PXE_UNLOAD_FAILED };
enum pxe_state pxe_get_state(void);
const char *pxe_state_name(enum pxe_state s);
const struct pxe_info *pxe_get_info(void);
/* Base memory before and after the unload, KiB (0 until an unload reclaimed some). */
void pxe_reclaimed(uint16_t *before_kib, uint16_t *after_kib);
/* Forget everything (host tests). */
void pxe_reset(void);

/* The gateway to name to the ROM for dst (host order): netconf's, for a dst off our subnet; 0
 * (the ROM routes by itself) on it. */
uint32_t pxe_gateway_for(uint32_t dst);
/* The bounce buffers UDP_READ writes a datagram into and UDP_WRITE reads one from (pxe_udp.c;
 * the host tests' fake ROM uses them too). */
extern uint8_t pxe_udp_rx[], pxe_udp_tx[];

#endif
