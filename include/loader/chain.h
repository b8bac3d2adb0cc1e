/* chain.h: handing the machine to another boot program at 0:7C00: a PXE NBP, or a boot sector
 * (GRUB legacy's chainloader); both go through `chainloader` and the same trampoline. */
#ifndef OSPREY_CHAIN_H
#define OSPREY_CHAIN_H

#include "lib/lib.h"
#include "net/dhcp_patch.h"

#define CHAIN_LOAD_ADDR 0x7c00    /* where a PXE ROM (and a BIOS) puts the program it starts */

/* The DHCP options `chainloader --option=CODE:TEXT` gives a PXE NBP (the image's priv). */
struct chain_opts {
	int n;
	struct dhcp_opt opt[DHCP_PATCH_MAX_OPTS];
};

/* 0 when a program of len bytes at CHAIN_LOAD_ADDR ends at or below top (the end of base
 * memory the BIOS reports, below the PXE stack); -E_NOEXEC for an empty file, -E_TOOBIG. */
int chain_fits(size_t len, uint32_t top);

/* Start a PXE NBP as a PXE ROM would, with the DHCP options opts[0..nopts) set in the cached
 * DHCPACK and reply it reads (through the PXE API front of pxe_shim.h; none when nopts is 0):
 * checks the PXE stack is there and the NBP fits, quiets the
 * NICs keeping the PXE stack (shutdown_all(SHUTDOWN_KEEP_PXE)), gives the ROM its NIC back open,
 * then copies data to 0:7C00 and jumps there in real mode. Returns only on failure (-E_*, the
 * reason in err_detail). */
int nbp_start(const uint8_t *data, size_t len, const struct dhcp_opt *opts, int nopts);

#define BOOTSECT_SIZE 512         /* what of a chained file is a boot sector */

/* Where a boot sector comes from, as a BIOS (or an MBR) tells it. */
struct bootsect_dev {
	char name[16];            /* "hd0,0" for messages */
	uint8_t drive;            /* DL: the BIOS drive number */
	bool has_entry;           /* a partition: DS:SI points at entry */
	uint8_t entry[16];        /* its partition table entry (partition.h part_chain_entry) */
};

/* Start a boot sector as a BIOS would: shuts down everything (shutdown_all(0): the PXE stack
 * unloaded, NICs quiet), copies sector to 0:7C00 and jumps there in real mode with DL the
 * drive, DS:SI the partition entry (put at 0:07BE) when there is one, SS:SP just below 0:7C00
 * (a return goes to INT 18h). Returns only on failure. */
int bootsect_start(const uint8_t *sector, const struct bootsect_dev *dev);

#endif
