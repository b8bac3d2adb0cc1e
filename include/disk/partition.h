/* partition.h: MBR (primary, extended and logical) and GPT partition tables, read from a block
 * device and numbered as GRUB legacy did: (hd0,0)-(hd0,3) the MBR slots, (hd0,4)... the logical
 * partitions in chain order; on a GPT disk (hd0,N) is the Nth entry of the table. */
#ifndef OSPREY_PARTITION_H
#define OSPREY_PARTITION_H

#include "disk/blockdev.h"

#define PART_MAX 128              /* partitions looked at per disk (GPT entries, logical ones) */
#define MBR_TABLE_OFF 446         /* the four 16-byte MBR entries */
#define MBR_DISKSIG_OFF 440       /* the 32-bit disk signature (and 2 reserved bytes) */

enum part_scheme { PART_NONE, PART_MBR, PART_GPT };

struct part_entry {
	unsigned index;           /* the N in (hd0,N) */
	uint64_t start, sectors;  /* in the disk's sectors */
	uint8_t type;             /* MBR type byte; GPT partitions: 0xEE */
	bool active;              /* MBR boot flag (0x80) */
	bool bios_boot;           /* GPT "BIOS boot partition" type GUID */
};

/* The table on disk: *scheme, and up to max entries in list (sorted by index); *n their count.
 * Entries that run past the disk's end or overlap the table are left out. Returns 0 (also for
 * a disk with no table: PART_NONE, *n = 0), -E_IO on a read error, -E_PROTO for a damaged GPT
 * (with err_detail saying what). */
int part_read_table(struct blockdev *disk, enum part_scheme *scheme, struct part_entry *list,
		    unsigned max, unsigned *n);
/* Partition index of disk: 0 with *e filled, -E_NOENT when there is none. */
int part_find(struct blockdev *disk, unsigned index, struct part_entry *e);

/* GRUB legacy's makeactive: set the boot flag (80h) of MBR primary partition index (0-3) of disk
 * and clear it on the other three slots, writing sector 0 back. -E_NOTSUP (err_detail says why)
 * for a GPT disk, a disk with no table, a logical partition or a read-only device; -E_NOENT for
 * an empty or extended slot. */
int part_make_active(struct blockdev *disk, unsigned index);

/* The 16-byte partition table entry a chained boot sector of partition e of disk finds at DS:SI
 * (what an MBR hands over): an MBR primary's entry as on disk, boot flag set; for a logical or
 * GPT partition one made up as GRUB does: flag 80h, the type byte, the absolute start (capped
 * at FFFFFFFFh) and size, CHS from the geometry heads/spt (cylinders past 1023 as 1023/254/63).
 * Returns 0 or a read error. */
int part_chain_entry(struct blockdev *disk, const struct part_entry *e, uint32_t heads,
		     uint32_t spt, uint8_t out[16]);

/* Standard CRC-32 (as GPT uses it) of len bytes, continuing from crc (0 to start). */
uint32_t part_crc32(uint32_t crc, const void *buf, size_t len);

#endif
