/* pxe_api.c: finds the PXE ROM's API (!PXE or PXENV+), calls it through the real-mode gateway,
 * and unloads it before a kernel starts. */
#include "arch/bios.h"
#include "lib/errors.h"
#include "pxe/pxe.h"
#include "services/shutdown.h"

extern uint32_t nbp_pxe_ptr, nbp_pxenv_ptr;

static uint32_t entry;        /* segment:offset of the real-mode entry point */
static bool use_bang_pxe;     /* !PXE calling convention (stack args) vs PXENV+ (BX, ES:DI) */

static bool checksum_ok(const uint8_t *p, unsigned len)
{
	uint8_t sum = 0;

	for (unsigned i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

/* !PXE: signature, length at 4, checksum over it, EntryPointSP at 0x10. */
static bool try_bang_pxe(uint32_t so)
{
	const uint8_t *p = from_segoff(so);

	if (!so || memcmp(p, "!PXE", 4) || p[4] < 0x58 || !checksum_ok(p, p[4]))
		return false;
	entry = get_le32(p + 0x10);
	use_bang_pxe = true;
	return entry != 0;
}

/* PXENV+: signature, version at 6, length at 8, RMEntry at 0x0a, !PXE pointer at 0x28 (2.1+). */
static bool try_pxenv(uint32_t so)
{
	const uint8_t *p = from_segoff(so);

	if (!so || memcmp(p, "PXENV+", 6) || !checksum_ok(p, p[8]))
		return false;
	if (get_le16(p + 6) >= 0x0201 && p[8] >= 0x2c && try_bang_pxe(get_le32(p + 0x28)))
		return true;
	entry = get_le32(p + 0x0a);
	use_bang_pxe = false;
	return entry != 0;
}

int pxe_find(void)
{
	struct bios_regs r = { 0 };

	if (try_bang_pxe(nbp_pxe_ptr) || try_pxenv(nbp_pxenv_ptr))
		goto found;
	r.eax = 0x5650;
	bios_int(0x1a, &r);
	if (!(r.eflags & EFLAGS_CF) && (r.eax & 0xffff) == 0x564e &&
	    try_pxenv((uint32_t)r.es << 16 | (r.ebx & 0xffff)))
		goto found;
	return -E_NODEV;
found:
	shutdown_register(pxe_unload);
	return 0;
}

bool pxe_present(void)
{
	return entry != 0;
}

int pxe_call(uint16_t opcode, void *params)
{
	struct bios_regs r = { 0 };
	uint32_t so = to_segoff(params);

	if (!entry)
		return 0xffff;
	r.ebx = opcode;
	r.es = so >> 16;
	r.edi = so & 0xffff;
	if (use_bang_pxe)
		bios_far_call(entry, opcode, so & 0xffff, so >> 16, &r);
	else
		bios_far_call(entry, 0, 0, 0, &r);
	return *(uint16_t *)params;
}

int pxe_status_rc(int status)
{
	switch (status) {
	case PXENV_STATUS_SUCCESS: return 0;
	case PXENV_STATUS_TFTP_FILE_NOT_FOUND: return -E_NOENT;
	case PXENV_STATUS_TFTP_ACCESS_VIOLATION: return -E_ACCESS;
	case PXENV_STATUS_TFTP_OPEN_TIMEOUT:
	case PXENV_STATUS_TFTP_READ_TIMEOUT: return -E_TIMEOUT;
	default: return -E_IO;
	}
}

/* Temporary stand-in until the PXE helper's version lands: stop the ROM driving the NIC
 * (PXENV_UNDI_SHUTDOWN) so a native driver may reset it; the ROM's memory stays. */
int pxe_release_nic(void)
{
	static uint16_t block[16];

	if (!entry)
		return -E_NODEV;
	memset(block, 0, sizeof(block));
	return pxe_status_rc(pxe_call(PXENV_UNDI_SHUTDOWN, block));
}

/* Leave no PXE code running under a kernel: shut the NIC down and unload the stack (spec 4.4). */
void pxe_unload(void)
{
	static uint16_t block[16];

	if (!entry)
		return;
	memset(block, 0, sizeof(block));
	pxe_call(PXENV_UNDI_SHUTDOWN, block);
	memset(block, 0, sizeof(block));
	pxe_call(PXENV_UNLOAD_STACK, block);
	memset(block, 0, sizeof(block));
	pxe_call(PXENV_STOP_UNDI, block);
	entry = 0;
}
