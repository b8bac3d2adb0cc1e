/* smbios.c: finds the SMBIOS entry point and the type 1 system UUID in its structure table. */
#include "services/smbios.h"
#include "lib/errors.h"

#define SMBIOS_TYPE_SYSTEM 1
#define SMBIOS_TYPE_END 127
#define SYSTEM_UUID_OFF 8        /* in the type 1 structure (SMBIOS 2.1 and later) */
#define SYSTEM_MIN_LEN 0x19      /* a type 1 structure long enough to hold the UUID */
#define TABLE_MAX 0x100000u      /* no real table comes close; bounds a hostile length */

struct smbios_table {
	uint32_t addr, len;
	unsigned major, minor;
};

static bool sum_ok(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s == 0;
}

/* A 32-bit (2.x) entry point at p: "_SM_", its length at 5, "_DMI_" at 0x10 with its own
 * checksum over 15 bytes, table length at 0x16 and address at 0x18 (SMBIOS spec, 5.2.1). */
static int parse_ep2(const uint8_t *p, struct smbios_table *t)
{
	uint8_t len = p[5];

	if (memcmp(p, "_SM_", 4) != 0 || len < 0x1f || len > 0x20 || !sum_ok(p, len))
		return -E_NOENT;
	if (memcmp(p + 0x10, "_DMI_", 5) != 0 || !sum_ok(p + 0x10, 15))
		return -E_NOENT;
	t->major = p[6];
	t->minor = p[7];
	t->len = get_le16(p + 0x16);
	t->addr = get_le32(p + 0x18);
	return 0;
}

/* A 64-bit (3.x) entry point: "_SM3_", length at 6, maximum table size at 0x0C, address at 0x10
 * (SMBIOS spec, 5.2.2). A table above 4 GiB is out of our reach. */
static int parse_ep3(const uint8_t *p, struct smbios_table *t)
{
	uint8_t len = p[6];

	if (memcmp(p, "_SM3_", 5) != 0 || len < 0x18 || len > 0x20 || !sum_ok(p, len))
		return -E_NOENT;
	if (get_le32(p + 0x14) != 0)
		return -E_NOENT;
	t->major = p[7];
	t->minor = p[8];
	t->len = get_le32(p + 0x0c);
	t->addr = get_le32(p + 0x10);
	return 0;
}

/* The first valid entry point in the BIOS area; a 3.x one wins over a 2.x one. */
static int find_entry(smbios_read_fn read, struct smbios_table *t)
{
	struct smbios_table t2 = { 0 };
	bool have2 = false;

	for (uint32_t a = SMBIOS_SCAN_START; a < SMBIOS_SCAN_END; a += 16) {
		const uint8_t *p = read(a, 0x20);

		if (!p)
			continue;
		if (parse_ep3(p, t) == 0)
			return 0;
		if (!have2 && parse_ep2(p, &t2) == 0)
			have2 = true;
	}
	if (!have2)
		return -E_NOENT;
	*t = t2;
	return 0;
}

/* The UUID of the first type 1 structure in the table, in stored order. Each structure is a
 * formatted part (type, length, handle, ...) and a string set ended by two NUL bytes. */
static int table_uuid(const uint8_t *tbl, size_t len, uint8_t uuid[16])
{
	size_t off = 0;

	while (off + 4 <= len) {
		uint8_t type = tbl[off], hlen = tbl[off + 1];
		size_t s;

		if (hlen < 4 || hlen > len - off)
			return -E_PROTO;
		if (type == SMBIOS_TYPE_SYSTEM && hlen >= SYSTEM_MIN_LEN) {
			memcpy(uuid, tbl + off + SYSTEM_UUID_OFF, 16);
			return 0;
		}
		if (type == SMBIOS_TYPE_END)
			return -E_NOENT;
		/* Skip the strings: the first double NUL at or after the formatted part. */
		for (s = off + hlen; s + 1 < len; s++)
			if (tbl[s] == 0 && tbl[s + 1] == 0)
				break;
		if (s + 1 >= len)
			return -E_PROTO;
		off = s + 2;
	}
	return -E_NOENT;
}

static void swap(uint8_t *a, uint8_t *b)
{
	uint8_t t = *a;

	*a = *b;
	*b = t;
}

int smbios_find_uuid(smbios_read_fn read, uint8_t uuid[16])
{
	struct smbios_table t;
	const uint8_t *tbl;
	bool all00 = true, allff = true;
	int rc;

	if ((rc = find_entry(read, &t)) < 0)
		return rc;
	if (t.len == 0 || t.len > TABLE_MAX || !(tbl = read(t.addr, t.len)))
		return -E_PROTO;
	if ((rc = table_uuid(tbl, t.len, uuid)) < 0)
		return rc;
	for (int i = 0; i < 16; i++) {
		all00 &= uuid[i] == 0x00;
		allff &= uuid[i] == 0xff;
	}
	if (all00 || allff)
		return -E_NOENT;
	if (t.major > 2 || (t.major == 2 && t.minor >= 6)) {
		/* time_low, time_mid, time_hi_and_version are little-endian since 2.6. */
		swap(&uuid[0], &uuid[3]);
		swap(&uuid[1], &uuid[2]);
		swap(&uuid[4], &uuid[5]);
		swap(&uuid[6], &uuid[7]);
	}
	return 0;
}
