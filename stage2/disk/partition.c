/* partition.c: reads MBR (with the extended partition's chain of logical ones) and GPT tables.
 * Everything read here is untrusted: chains are bounded and loop-checked, GPT headers and entry
 * arrays are CRC-checked, and partitions outside the disk are left out.
 * Facts from the UEFI 2.10 specification, section 5 (GPT), and the classic MBR/EBR layout. */
#include "disk/partition.h"
#include "services/heap.h"
#include "lib/errors.h"

#define GPT_ENTRIES_MAX_BYTES (64 * 1024)

/* Slot types that mark an extended partition (DOS, Windows LBA, Linux). */
static bool is_extended(uint8_t t)
{
	return t == 0x05 || t == 0x0f || t == 0x85;
}

uint32_t part_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* Append e when it lies inside the disk (and past sector 0) and there is room. */
static void add(struct blockdev *disk, struct part_entry *list, unsigned max, unsigned *n,
		const struct part_entry *e)
{
	if (e->sectors == 0 || e->start == 0 || e->start >= disk->sectors ||
	    e->sectors > disk->sectors - e->start)
		return;
	if (*n < max)
		list[(*n)++] = *e;
}

/* Walk the chain of extended boot records starting at ext_start (the extended partition);
 * logical partitions are numbered from 4 on. */
static int read_logical(struct blockdev *disk, uint8_t *sec, uint64_t ext_start, uint64_t ext_len,
			struct part_entry *list, unsigned max, unsigned *n)
{
	uint64_t ebr = ext_start;
	unsigned index = 4;
	int rc;

	for (unsigned hops = 0; hops < PART_MAX; hops++) {
		if ((rc = blockdev_read(disk, ebr, 1, sec)) < 0)
			return rc == -E_RANGE ? 0 : rc;  /* a link past the disk ends the chain */
		if (sec[510] != 0x55 || sec[511] != 0xAA)
			return 0;
		const uint8_t *t = sec + MBR_TABLE_OFF;
		struct part_entry e = { .index = index, .type = t[4], .active = t[0] == 0x80,
					.start = ebr + get_le32(t + 8), .sectors = get_le32(t + 12) };

		if (t[4] != 0)
			add(disk, list, max, n, &e);
		index++;
		/* The second entry links to the next EBR, relative to the extended partition. */
		uint64_t next = get_le32(t + 16 + 8);

		if (!is_extended(t[16 + 4]) || next == 0 || next >= ext_len)
			return 0;
		if (ext_start + next <= ebr)
			return 0;                 /* links must move forward: no loops */
		ebr = ext_start + next;
	}
	return 0;
}

static int read_mbr(struct blockdev *disk, uint8_t *sec, struct part_entry *list, unsigned max,
		    unsigned *n)
{
	uint64_t ext_start = 0, ext_len = 0;

	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *t = sec + MBR_TABLE_OFF + 16 * i;
		struct part_entry e = { .index = i, .type = t[4], .active = t[0] == 0x80,
					.start = get_le32(t + 8), .sectors = get_le32(t + 12) };

		if (t[4] == 0)
			continue;
		add(disk, list, max, n, &e);
		if (is_extended(t[4]) && !ext_start) {
			ext_start = e.start;
			ext_len = e.sectors;
		}
	}
	if (ext_start && ext_start < disk->sectors)
		return read_logical(disk, sec, ext_start, ext_len, list, max, n);
	return 0;
}

/* 21686148-6469-6E6F-744E-656564454649, as stored (mixed-endian) on disk: "Hah!idontNeedEFI". */
static const uint8_t bios_boot_guid[16] = {
	0x48, 0x61, 0x68, 0x21, 0x69, 0x64, 0x6f, 0x6e, 0x74, 0x4e, 0x65, 0x65, 0x64, 0x45, 0x46, 0x49
};

static int gpt_fail(const char *what)
{
	snprintf(err_detail, sizeof(err_detail), "GPT: %s", what);
	return -E_PROTO;
}

/* Read and check the GPT header (in sec, LBA 1) and its entry array. */
static int read_gpt(struct blockdev *disk, uint8_t *sec, struct part_entry *list, unsigned max,
		    unsigned *n)
{
	uint32_t ss = disk->sector_size, hsize, crc, nent, esize;
	uint64_t elba;
	uint8_t *ents;
	int rc;

	if (memcmp(sec, "EFI PART", 8))
		return gpt_fail("no header at sector 1 behind a protective MBR");
	hsize = get_le32(sec + 12);
	if (hsize < 92 || hsize > ss)
		return gpt_fail("header size out of range");
	crc = get_le32(sec + 16);
	put_le32(sec + 16, 0);
	if (part_crc32(0, sec, hsize) != crc)
		return gpt_fail("header checksum mismatch");
	elba = (uint64_t)get_le32(sec + 72) | (uint64_t)get_le32(sec + 76) << 32;
	nent = get_le32(sec + 80);
	esize = get_le32(sec + 84);
	crc = get_le32(sec + 88);
	if (esize < 128 || esize % 8 || esize > 4096 || nent == 0 ||
	    (uint64_t)nent * esize > GPT_ENTRIES_MAX_BYTES)
		return gpt_fail("partition entry array size out of range");
	uint32_t bytes = nent * esize, secs = (bytes + ss - 1) / ss;

	if (elba < 2 || elba >= disk->sectors || secs > disk->sectors - elba)
		return gpt_fail("partition entry array outside the disk");
	if (!(ents = malloc((size_t)secs * ss)))
		return -E_NOMEM;
	if ((rc = blockdev_read(disk, elba, secs, ents)) < 0)
		goto out;
	if (part_crc32(0, ents, bytes) != crc) {
		rc = gpt_fail("partition entry array checksum mismatch");
		goto out;
	}
	for (uint32_t i = 0; i < nent && i < PART_MAX; i++) {
		const uint8_t *e = ents + (size_t)i * esize;
		static const uint8_t zero[16];
		uint64_t first = (uint64_t)get_le32(e + 32) | (uint64_t)get_le32(e + 36) << 32;
		uint64_t last = (uint64_t)get_le32(e + 40) | (uint64_t)get_le32(e + 44) << 32;

		if (!memcmp(e, zero, 16) || last < first)
			continue;
		struct part_entry pe = { .index = i, .type = 0xEE, .start = first,
					 .sectors = last - first + 1,
					 .bios_boot = !memcmp(e, bios_boot_guid, 16) };

		add(disk, list, max, n, &pe);
	}
	rc = 0;
out:
	free(ents);
	return rc;
}

int part_read_table(struct blockdev *disk, enum part_scheme *scheme, struct part_entry *list,
		    unsigned max, unsigned *n)
{
	uint8_t *sec;
	int rc;
	bool gpt = false;

	*scheme = PART_NONE;
	*n = 0;
	if (disk->sector_size < 512 || disk->sector_size > 4096 || disk->sectors < 2)
		return 0;
	if (!(sec = malloc(disk->sector_size)))
		return -E_NOMEM;
	if ((rc = blockdev_read(disk, 0, 1, sec)) < 0)
		goto out;
	if (sec[510] != 0x55 || sec[511] != 0xAA)
		goto out;                         /* no table: a floppy or a whole-disk filesystem */
	for (unsigned i = 0; i < 4; i++)
		if (sec[MBR_TABLE_OFF + 16 * i + 4] == 0xEE)
			gpt = true;
	if (gpt) {
		*scheme = PART_GPT;
		if ((rc = blockdev_read(disk, 1, 1, sec)) == 0)
			rc = read_gpt(disk, sec, list, max, n);
	} else {
		/* A boot sector of a filesystem also ends in 55AA: its "entries" must look sane. */
		for (unsigned i = 0; i < 4; i++) {
			uint8_t flag = sec[MBR_TABLE_OFF + 16 * i];

			if (flag != 0 && flag != 0x80)
				goto out;
		}
		*scheme = PART_MBR;
		rc = read_mbr(disk, sec, list, max, n);
	}
out:
	free(sec);
	if (rc < 0)
		*n = 0;
	return rc;
}

int part_find(struct blockdev *disk, unsigned index, struct part_entry *e)
{
	struct part_entry *list = malloc(PART_MAX * sizeof(*list));
	enum part_scheme scheme;
	unsigned n = 0;
	int rc;

	if (!list)
		return -E_NOMEM;
	rc = part_read_table(disk, &scheme, list, PART_MAX, &n);
	if (rc == 0) {
		rc = -E_NOENT;
		for (unsigned i = 0; i < n; i++)
			if (list[i].index == index) {
				*e = list[i];
				rc = 0;
				break;
			}
	}
	free(list);
	return rc;
}

/* Only the four MBR slots carry a boot flag the BIOS's MBR code looks at: a logical partition's
 * flag sits in an EBR nobody reads at boot, and a GPT's protective MBR must stay as it is. */
int part_make_active(struct blockdev *disk, unsigned index)
{
	struct part_entry *list = malloc(PART_MAX * sizeof(*list));
	enum part_scheme scheme;
	uint8_t *sec = NULL;
	unsigned n = 0;
	int rc;

	if (!list)
		return -E_NOMEM;
	if ((rc = part_read_table(disk, &scheme, list, PART_MAX, &n)) < 0)
		goto out;
	rc = -E_NOTSUP;
	if (scheme != PART_MBR) {
		snprintf(err_detail, sizeof(err_detail), "(%s) has %s: makeactive sets the boot flag "
			 "of MBR primary partitions only", disk->name,
			 scheme == PART_GPT ? "a GPT" : "no partition table");
		goto out;
	}
	if (index > 3) {
		snprintf(err_detail, sizeof(err_detail), "(%s,%u) is a logical partition: only "
			 "primary ones (%s,0)-(%s,3) can be made active", disk->name, index,
			 disk->name, disk->name);
		goto out;
	}
	rc = -E_NOENT;
	for (unsigned i = 0; i < n; i++)
		if (list[i].index == index && !is_extended(list[i].type))
			rc = 0;
	if (rc < 0) {
		snprintf(err_detail, sizeof(err_detail), "(%s) has no partition %u that can boot",
			 disk->name, index);
		goto out;
	}
	if (!(sec = malloc(disk->sector_size))) {
		rc = -E_NOMEM;
		goto out;
	}
	if ((rc = blockdev_read(disk, 0, 1, sec)) < 0)
		goto out;
	for (unsigned i = 0; i < 4; i++)
		sec[MBR_TABLE_OFF + 16 * i] = i == index ? 0x80 : 0;
	rc = blockdev_write(disk, 0, 1, sec);
	if (rc == -E_NOTSUP)
		snprintf(err_detail, sizeof(err_detail), "(%s) cannot be written", disk->name);
out:
	free(sec);
	free(list);
	return rc;
}

/* The three CHS bytes of an MBR entry for lba (head; sector with cylinder bits 8-9; cylinder). */
static void chs_bytes(uint64_t lba, uint32_t heads, uint32_t spt, uint8_t *out)
{
	uint64_t cyl = 1023;
	uint32_t head = 254, sec = 63;

	if (heads && spt && heads <= 256 && spt <= 63 && lba / ((uint64_t)heads * spt) <= 1023) {
		cyl = lba / ((uint64_t)heads * spt);
		head = (uint32_t)(lba / spt % heads);
		sec = (uint32_t)(lba % spt) + 1;
	}
	out[0] = (uint8_t)head;
	out[1] = (uint8_t)(sec | (cyl >> 2 & 0xc0));
	out[2] = (uint8_t)cyl;
}

int part_chain_entry(struct blockdev *disk, const struct part_entry *e, uint32_t heads,
		     uint32_t spt, uint8_t out[16])
{
	int rc;

	if (e->index < 4 && e->type != 0xEE) {
		uint8_t *sec = malloc(disk->sector_size);

		if (!sec)
			return -E_NOMEM;
		rc = blockdev_read(disk, 0, 1, sec);
		if (rc == 0) {
			memcpy(out, sec + MBR_TABLE_OFF + 16 * e->index, 16);
			out[0] = 0x80;
		}
		free(sec);
		return rc;
	}
	memset(out, 0, 16);
	out[0] = 0x80;
	chs_bytes(e->start, heads, spt, out + 1);
	out[4] = e->type;
	chs_bytes(e->start + e->sectors - 1, heads, spt, out + 5);
	put_le32(out + 8, e->start > 0xffffffffu ? 0xffffffffu : (uint32_t)e->start);
	put_le32(out + 12, e->sectors > 0xffffffffu ? 0xffffffffu : (uint32_t)e->sectors);
	return 0;
}
