/* biosdisk.c: BIOS disks through INT 13h: LBA reads/writes with the extensions (AH=42h/43h) where
 * the BIOS has them, CHS (AH=02h/03h) with the geometry from AH=08h otherwise; every transfer goes
 * through a bounce buffer in the image (below 1 MiB, never crossing a 64 KiB boundary), with
 * retries and a drive reset between them. Facts: the Phoenix "BIOS Enhanced Disk Drive
 * Specification" 1.1/3.0 (AH=41h/42h/48h) and the IBM PC BIOS INT 13h AH=00h/02h/08h. */
#include "arch/bios.h"
#include "arch/biosdisk.h"
#include "disk/blockdev.h"
#include "lib/errors.h"

#define BOUNCE_SIZE 8192         /* aligned to its size: a 64 KiB boundary never falls inside */
#define TRIES 3
#define MAX_DISKS 12

/* A section of its own, which link.ld puts first in .bss (largest alignment first): in the
 * file's .bss it would pad the variables before it up to 8 KiB. */
static uint8_t bounce[BOUNCE_SIZE] __attribute__((aligned(BOUNCE_SIZE), section(".bss.bounce")));

struct dap {                      /* EDD disk address packet */
	uint8_t size, zero;
	uint16_t count;
	uint32_t buf;             /* seg:off */
	uint64_t lba;
} __attribute__((packed));

struct edd_params {               /* AH=48h result buffer (EDD 1.1 part) */
	uint16_t size, flags;
	uint32_t cyls, heads, spt;
	uint64_t sectors;
	uint16_t bytes_per_sector;
	uint32_t dpte;
} __attribute__((packed));

static struct dap dap __attribute__((aligned(16)));
static struct edd_params edd __attribute__((aligned(16)));

struct biosdisk {
	struct blockdev bd;
	uint8_t drive;
	bool lba;
	uint32_t cyls, heads, spt;
};

static struct biosdisk disks[MAX_DISKS];
static unsigned ndisks;
uint8_t biosdisk_boot_drive = 0xff;

static void reset(uint8_t drive)
{
	struct bios_regs r = { 0 };

	r.edx = drive;
	bios_int(0x13, &r);
}

/* One BIOS transfer of count (<= what fits the bounce buffer) sectors between the disk and
 * bounce: a read (AH=42h/02h) or, for write, a write (AH=43h with AL=0 "no verify" / 03h).
 * Returns the BIOS status (AH) or 0. */
static int xfer_once(struct biosdisk *d, uint64_t lba, uint32_t count, bool write)
{
	struct bios_regs r = { 0 };

	if (d->lba) {
		memset(&dap, 0, sizeof(dap));
		dap.size = sizeof(dap);
		dap.count = (uint16_t)count;
		dap.buf = to_segoff(bounce);
		dap.lba = lba;
		r.eax = write ? 0x4300 : 0x4200;
		r.edx = d->drive;
		r.esi = (uintptr_t)&dap & 0xf;
		r.ds = (uintptr_t)&dap >> 4;
	} else {
		uint32_t cyl = (uint32_t)(lba / (d->heads * d->spt));
		uint32_t rest = (uint32_t)(lba % (d->heads * d->spt));
		uint32_t head = rest / d->spt, sec = rest % d->spt + 1;

		if (cyl > 1023)
			return 0x04;      /* "sector not found": CHS cannot address it */
		r.eax = (write ? 0x0300 : 0x0200) | count;
		r.ecx = (cyl & 0xff) << 8 | (cyl >> 2 & 0xc0) | sec;
		r.edx = head << 8 | d->drive;
		r.ebx = (uintptr_t)bounce & 0xf;
		r.es = (uintptr_t)bounce >> 4;
	}
	bios_int(0x13, &r);
	if (r.eflags & EFLAGS_CF)
		return (r.eax >> 8 & 0xff) ? (int)(r.eax >> 8 & 0xff) : 0xff;
	return 0;
}

/* Plain words for the common INT 13h status codes. */
static const char *status_text(int st)
{
	switch (st) {
	case 0x01: return "invalid request";
	case 0x02: return "address mark not found";
	case 0x03: return "write protected";
	case 0x04: return "sector not found";
	case 0x08: return "DMA overrun";
	case 0x09: return "DMA across a 64 KiB boundary";
	case 0x10: return "uncorrectable read error (bad sector)";
	case 0x20: return "controller failure";
	case 0x40: return "seek failed";
	case 0x80: return "drive not ready (timeout)";
	case 0xaa: return "drive not ready";
	default: return "disk error";
	}
}

/* Move count sectors between the disk and buf through the bounce buffer, in pieces the BIOS
 * takes (one track for CHS, 127 sectors for EDD), each tried TRIES times. */
static int bd_xfer(struct blockdev *b, uint64_t lba, uint32_t count, uint8_t *buf, bool write)
{
	struct biosdisk *d = (struct biosdisk *)b;
	uint32_t per = BOUNCE_SIZE / b->sector_size;

	while (count > 0) {
		uint32_t n = MIN(count, per);
		int st = 0;

		if (!d->lba)              /* CHS: stay within one track, as old BIOSes require */
			n = MIN(n, d->spt - (uint32_t)(lba % d->spt));
		n = MIN(n, 127u);         /* the EDD 1.1 limit */
		if (write)
			memcpy(bounce, buf, (size_t)n * b->sector_size);
		for (int t = 0; t < TRIES; t++) {
			if ((st = xfer_once(d, lba, n, write)) == 0)
				break;
			reset(d->drive);
		}
		if (st) {
			snprintf(err_detail, sizeof(err_detail),
				 "BIOS disk %02xh (%s): %s sector %llu failed: %s (status %02xh)",
				 d->drive, b->name, write ? "writing" : "reading",
				 (unsigned long long)lba, status_text(st), st);
			return -E_IO;
		}
		if (!write)
			memcpy(buf, bounce, (size_t)n * b->sector_size);
		buf += (size_t)n * b->sector_size;
		lba += n;
		count -= n;
	}
	return 0;
}

static int bd_read(struct blockdev *b, uint64_t lba, uint32_t count, void *buf)
{
	return bd_xfer(b, lba, count, buf, false);
}

static int bd_write(struct blockdev *b, uint64_t lba, uint32_t count, const void *buf)
{
	return bd_xfer(b, lba, count, (uint8_t *)buf, true);
}

/* Ask the BIOS about drive: geometry (AH=08h), extensions (AH=41h), size (AH=48h). */
static bool probe(uint8_t drive, struct biosdisk *d)
{
	struct bios_regs r = { 0 };
	bool have_chs;

	memset(d, 0, sizeof(*d));
	d->drive = drive;
	r.eax = 0x0800;
	r.edx = drive;
	bios_int(0x13, &r);
	have_chs = !(r.eflags & EFLAGS_CF) && (r.ecx & 0x3f);
	if (have_chs) {
		d->spt = r.ecx & 0x3f;
		d->heads = (r.edx >> 8 & 0xff) + 1;
		d->cyls = ((r.ecx >> 8) & 0xff) + ((r.ecx & 0xc0) << 2) + 1;
	}
	d->bd.sector_size = 512;
	d->bd.sectors = (uint64_t)d->cyls * d->heads * d->spt;
	if (drive & 0x80) {
		memset(&r, 0, sizeof(r));
		r.eax = 0x4100;
		r.ebx = 0x55aa;
		r.edx = drive;
		bios_int(0x13, &r);
		if (!(r.eflags & EFLAGS_CF) && (r.ebx & 0xffff) == 0xaa55 && (r.ecx & 1)) {
			memset(&r, 0, sizeof(r));
			memset(&edd, 0, sizeof(edd));
			edd.size = 0x1a;
			r.eax = 0x4800;
			r.edx = drive;
			r.esi = (uintptr_t)&edd & 0xf;
			r.ds = (uintptr_t)&edd >> 4;
			bios_int(0x13, &r);
			if (!(r.eflags & EFLAGS_CF) && edd.sectors &&
			    (edd.bytes_per_sector == 512 || edd.bytes_per_sector == 2048 ||
			     edd.bytes_per_sector == 4096)) {
				d->lba = true;
				d->bd.sector_size = edd.bytes_per_sector;
				d->bd.sectors = edd.sectors;
			}
		}
	}
	if (!d->lba && !have_chs)
		return false;
	d->bd.read = bd_read;
	d->bd.write = bd_write;
	return true;
}

static void add(uint8_t drive, const char *kind, unsigned num)
{
	struct biosdisk *d;

	if (ndisks >= MAX_DISKS)
		return;
	d = &disks[ndisks];
	if (!probe(drive, d))
		return;
	snprintf(d->bd.name, sizeof(d->bd.name), "%s%u", kind, num);
	d->bd.priv = d;
	if (blockdev_register(&d->bd) == 0)
		ndisks++;
}

void biosdisk_init(void)
{
	uint16_t equip = *(volatile uint16_t *)0x410;
	uint8_t nhd = *(volatile uint8_t *)0x475;
	unsigned nfd = (equip & 1) ? ((equip >> 6) & 3) + 1 : 0;

	for (unsigned i = 0; i < nfd; i++)
		add((uint8_t)i, "fd", i);
	for (unsigned i = 0; i < nhd && i < 8; i++)
		add((uint8_t)(0x80 + i), "hd", i);
	/* A CD booted with El Torito "no emulation" is a drive (often E0h) the BDA does not count. */
	if (biosdisk_boot_drive >= 0x80 + nhd && biosdisk_boot_drive != 0xff)
		add(biosdisk_boot_drive, "cd", 0);
}

int biosdisk_drive_of(const struct blockdev *b)
{
	for (unsigned i = 0; i < ndisks; i++)
		if (&disks[i].bd == b)
			return disks[i].drive;
	return -E_NODEV;
}

int biosdisk_geometry(const struct blockdev *b, uint32_t *cyls, uint32_t *heads, uint32_t *spt,
		      bool *lba)
{
	for (unsigned i = 0; i < ndisks; i++)
		if (&disks[i].bd == b) {
			*cyls = disks[i].cyls;
			*heads = disks[i].heads;
			*spt = disks[i].spt;
			*lba = disks[i].lba;
			return 0;
		}
	return -E_NODEV;
}

const char *biosdisk_name_of_drive(uint8_t drive)
{
	for (unsigned i = 0; i < ndisks; i++)
		if (disks[i].drive == drive)
			return disks[i].bd.name;
	return NULL;
}
