/* pxe_api.c: the PXE API's state: attaching to !PXE / PXENV+, calling it with AX and the status
 * word both checked, releasing the NIC, and unloading the stack in the spec's order with the
 * base memory it held given back. Arch-neutral: the far call and low memory come from the
 * platform hooks (pxe_bios.c on the loader, a fake in the host tests). */
#include "lib/errors.h"
#include "pxe/pxe_core.h"

static const struct pxe_platform *plat;
static struct pxe_info info;
static enum pxe_state state;
static int unload_rc;
static bool nic_released;      /* UNDI_SHUTDOWN succeeded */
static uint16_t last_ax;
static uint16_t kib_before, kib_after;

void pxe_set_platform(const struct pxe_platform *p)
{
	plat = p;
}

void *pxe_lowmem(uint32_t phys, size_t len)
{
	return plat ? plat->lowmem(phys, len) : NULL;
}

void pxe_reset(void)
{
	memset(&info, 0, sizeof(info));
	state = PXE_ABSENT;
	unload_rc = 0;
	nic_released = false;
	last_ax = 0;
	kib_before = kib_after = 0;
}

/* A structure at seg:off: as much of it as the first MiB holds, up to 255 bytes (its length
 * field is one byte). NULL for a null pointer or one into the IVT/BDA or past 1 MiB. */
static const uint8_t *map_struct(uint32_t so, size_t *avail)
{
	uint32_t phys = segoff_phys(so);

	if (!so || phys < PXE_STRUCT_MIN_PHYS || phys >= PXE_LOWMEM_END)
		return NULL;
	*avail = MIN((size_t)255, (size_t)(PXE_LOWMEM_END - phys));
	return pxe_lowmem(phys, *avail);
}

static int try_bang(uint32_t so, struct pxe_info *pi)
{
	size_t avail;
	const uint8_t *p = map_struct(so, &avail);

	if (!p || pxe_parse_bang(p, avail, pi) < 0)
		return -E_NODEV;
	pi->struct_phys = segoff_phys(so);
	pi->bang_so = so;
	pi->pxenv_so = 0;
	return 0;
}

/* PXENV+; on 2.1+ the spec says to use the !PXE it points to, when that one is valid. */
static int try_pxenv(uint32_t so, struct pxe_info *pi)
{
	size_t avail;
	const uint8_t *p = map_struct(so, &avail);
	uint32_t bang_ptr;
	struct pxe_info bang;

	if (!p || pxe_parse_pxenv(p, avail, pi, &bang_ptr) < 0)
		return -E_NODEV;
	pi->struct_phys = segoff_phys(so);
	pi->pxenv_so = so;
	pi->bang_so = 0;
	if (bang_ptr && try_bang(bang_ptr, &bang) == 0) {
		bang.version = pi->version;
		bang.pxenv_so = so;
		*pi = bang;
	}
	return 0;
}

int pxe_attach(uint32_t bang_so, uint32_t pxenv_so)
{
	struct pxe_info pi;

	if (state != PXE_ABSENT)
		return 0;
	if (try_bang(bang_so, &pi) == 0) {
		struct pxe_info env;

		/* A chained NBP gets both (ES:BX = PXENV+): keep PXENV+ when it is valid too. */
		if (try_pxenv(pxenv_so, &env) == 0)
			pi.pxenv_so = pxenv_so;
	} else if (try_pxenv(pxenv_so, &pi) < 0) {
		return -E_NODEV;
	}
	info = pi;
	state = PXE_ACTIVE;
	return 0;
}

bool pxe_present(void)
{
	return state == PXE_ACTIVE;
}

bool pxe_loaded(void)
{
	return state == PXE_ACTIVE || state == PXE_NIC_RELEASED;
}

enum pxe_state pxe_get_state(void)
{
	return state;
}

const char *pxe_state_name(enum pxe_state s)
{
	switch (s) {
	case PXE_ABSENT: return "none";
	case PXE_ACTIVE: return "active (the ROM drives the NIC)";
	case PXE_NIC_RELEASED: return "NIC released (stack still in memory)";
	case PXE_UNLOADED: return "unloaded";
	case PXE_UNLOAD_FAILED: return "unload failed (stack left in memory)";
	}
	return "?";
}

const struct pxe_info *pxe_get_info(void)
{
	return state == PXE_ABSENT ? NULL : &info;
}

void pxe_reclaimed(uint16_t *before_kib, uint16_t *after_kib)
{
	*before_kib = kib_before;
	*after_kib = kib_after;
}

int pxe_call(uint16_t opcode, void *params)
{
	uint16_t status;

	/* Once unloaded (or half unloaded) there is no code left to call. */
	if ((state != PXE_ACTIVE && state != PXE_NIC_RELEASED) || !plat)
		return -E_NODEV;
	last_ax = plat->call(&info, opcode, params);
	status = get_le16(params);
	if (last_ax == PXENV_EXIT_SUCCESS && status == PXENV_STATUS_SUCCESS)
		return 0;
	/* AX says failure but the block says success: still a failure, with no reason given. */
	return status ? pxe_status_rc(status) : -E_IO;
}

/* One release/unload call with its own zeroed block (every such block is the status word and
 * at most 10 reserved bytes); a failure is printed with the call, AX and the status. */
static int step(uint16_t opcode)
{
	static uint16_t block[8];
	int rc;

	memset(block, 0, sizeof(block));
	rc = pxe_call(opcode, block);
	if (rc < 0)
		printf("PXE: %s failed: AX=%u, status 0x%02x (%s)\n", pxe_opcode_name(opcode),
		       last_ax, block[0], pxe_status_text(block[0]));
	return rc;
}

/* PXENV_UNDI_SHUTDOWN alone: PXE 2.1 describes UNDI SHUTDOWN as resetting the adapter and leaving
 * it in a safe state for another driver to program, which is what a native driver needs.
 * UNDI_CLOSE only stops transmit/receive and leaves the adapter initialised by the ROM, so it
 * would add nothing; UNDI_CLEANUP, UNLOAD_STACK and STOP_UNDI would take the stack away, which
 * a later chained NBP may still want. */
int pxe_release_nic(void)
{
	int rc;

	/* An unload that failed at its shutdown step left the NIC with the ROM. */
	if (state == PXE_UNLOAD_FAILED && !nic_released)
		return unload_rc;
	if (state != PXE_ACTIVE)
		return 0;
	if ((rc = step(PXENV_UNDI_SHUTDOWN)) < 0)
		return rc;
	nic_released = true;
	state = PXE_NIC_RELEASED;
	return 0;
}

uint32_t pxe_pxenv_segoff(void)
{
	return state == PXE_ABSENT ? 0 : info.pxenv_so;
}

uint32_t pxe_bang_segoff(void)
{
	return state == PXE_ABSENT ? 0 : info.bang_so;
}

/* PXE 2.1's UNDI state machine: UNDI_SHUTDOWN leaves the UNDI started but uninitialised;
 * UNDI_INITIALIZE takes it back to initialised. Then UNDI_OPEN + UNDI_CLOSE rather than UNDI_OPEN
 * alone: iPXE's ROM (QEMU's) reserves received frames for the UNDI API while it is open through
 * UNDI_OPEN (its pxe_undi.c freezes the net device's receive path), so an NBP using its UDP/TFTP
 * API (PXELINUX) would wait forever; UNDI_CLOSE lifts that, and the ROM's UDP_OPEN then opens
 * the device itself (pxe_udp.c) while NBPs driving UNDI (undionly.kpxe, GRUB) call UNDI_OPEN
 * as the spec asks of them. Tested on e1000 and rtl8139 (whose native driver must first put
 * back the C+ mode the ROM's driver set at its probe: rtl8139_stop). */
int pxe_reopen_nic(void)
{
	static struct {
		uint16_t status, open_flag, pkt_filter, mcast_count;
		uint8_t mcast[8][6];
	} __attribute__((packed)) open_block;   /* static: below 1 MiB for the ROM */
	int rc;

	if (state == PXE_ACTIVE)
		return 0;
	if (state != PXE_NIC_RELEASED)
		return -E_NODEV;
	if ((rc = step(PXENV_UNDI_INITIALIZE)) < 0)
		return rc;
	memset(&open_block, 0, sizeof(open_block));
	open_block.pkt_filter = 0x3;            /* FLTR_DIRECTED | FLTR_BRDCST */
	if ((rc = pxe_call(PXENV_UNDI_OPEN, &open_block)) < 0) {
		printf("PXE: UNDI_OPEN failed: AX=%u, status 0x%02x (%s)\n", last_ax,
		       open_block.status, pxe_status_text(open_block.status));
		return rc;
	}
	if ((rc = step(PXENV_UNDI_CLOSE)) < 0)   /* see above: back to the ROM's own stack */
		return rc;
	nic_released = false;
	state = PXE_ACTIVE;
	return 0;
}

/* After UNDI_CLOSE the ROM's net device is closed, and the PXE 2.1 TFTP calls do not open it
 * (iPXE's pxe_tftp.c does not; its TFTP_OPEN then times out), while UDP_OPEN opens the device
 * for the ROM's own UDP/IP stack (iPXE's pxe_udp.c: an implicit open). UDP_CLOSE ends only the
 * connection, so the device stays open for TFTP_OPEN. */
int pxe_restart_stack(uint32_t ip)
{
	static struct {
		uint16_t status;
		uint8_t src_ip[4];
	} __attribute__((packed)) udp_open;     /* static: below 1 MiB for the ROM */
	int rc;

	if (state != PXE_ACTIVE)
		return -E_NODEV;
	memset(&udp_open, 0, sizeof(udp_open));
	put_be32(udp_open.src_ip, ip);
	if ((rc = pxe_call(PXENV_UDP_OPEN, &udp_open)) < 0) {
		printf("PXE: UDP_OPEN failed: AX=%u, status 0x%02x (%s)\n", last_ax,
		       udp_open.status, pxe_status_text(udp_open.status));
		return rc;
	}
	return step(PXENV_UDP_CLOSE);
}

/* Give 40:13 back the stack's segments when they are one block at the top of base memory and
 * INT 1Ah no longer points into them (what careful loaders check). Not reclaiming is no error:
 * the memory merely stays reserved; it is said why. */
static void reclaim_base_memory(void)
{
	uint8_t *fbm = pxe_lowmem(BDA_BASE_KIB, 2), *ebda = pxe_lowmem(BDA_EBDA_SEG, 2);
	uint8_t *vec = pxe_lowmem(IVT_INT1A, 4);
	uint16_t limit = 640, cur, new_kib;
	const char *why;

	if (!fbm || !ebda || !vec)
		return;
	cur = get_le16(fbm);
	/* The EBDA sits at the top of base memory; the stack is below it. */
	uint32_t ebda_kib = ((uint32_t)get_le16(ebda) << 4) / 1024;
	if (ebda_kib >= cur && ebda_kib < limit)
		limit = (uint16_t)ebda_kib;
	if (pxe_reclaim_plan(cur, info.segs, info.nsegs, limit, segoff_phys(get_le32(vec)),
			     &new_kib, &why) < 0) {
		printf("PXE: stack unloaded; base memory stays %u KiB (%s)\n", cur, why);
		return;
	}
	put_le16(fbm, new_kib);
	kib_before = cur;
	kib_after = new_kib;
	printf("PXE: stack unloaded; base memory %u KiB -> %u KiB\n", cur, new_kib);
}

/* The order follows the PXE 2.1 call descriptions, and is the one PXELINUX and GRUB legacy use
 * for a 2.1 stack: UNDI_SHUTDOWN (the NIC reset; UNLOAD_STACK wants the UNDI shut down first),
 * UNLOAD_STACK (removes the base code), STOP_UNDI (unhooks INT 1Ah; after its success the
 * memory may be freed, and KEEP_UNDI / KEEP_ALL say it may not). STOP_BASE is not called: it
 * undoes START_BASE, which only a loader that started the base code itself issued, and
 * UNLOAD_STACK already removed that code. A pre-2.1 stack (PXENV+ only) has no STOP_UNDI; its
 * UNDI is prepared for removal with UNDI_CLEANUP instead. */
int pxe_unload(void)
{
	static const uint16_t steps_21[] = { PXENV_UNDI_SHUTDOWN, PXENV_UNLOAD_STACK, PXENV_STOP_UNDI };
	static const uint16_t steps_20[] = { PXENV_UNDI_SHUTDOWN, PXENV_UNLOAD_STACK, PXENV_UNDI_CLEANUP };
	const uint16_t *steps = info.version >= 0x0201 ? steps_21 : steps_20;

	if (state == PXE_ABSENT || state == PXE_UNLOADED)
		return 0;
	if (state == PXE_UNLOAD_FAILED)
		return unload_rc;
	for (int i = 0; i < 3; i++) {
		int rc;

		if (steps[i] == PXENV_UNDI_SHUTDOWN && nic_released)
			continue;
		if ((rc = step(steps[i])) < 0) {
			printf("PXE: unload stopped at %s (step %d of 3); the stack stays in memory\n",
			       pxe_opcode_name(steps[i]), i + 1);
			state = PXE_UNLOAD_FAILED;
			unload_rc = rc;
			return rc;
		}
		if (steps[i] == PXENV_UNDI_SHUTDOWN)
			nic_released = true;
	}
	state = PXE_UNLOADED;
	reclaim_base_memory();
	return 0;
}
