/* test_smbios.c: the SMBIOS entry point scan and type 1 UUID walk over a fake BIOS area and table (good, 2.x/3.x, byte order, hostile). */
#include "test.h"
#include "services/smbios.h"
#include "lib/errors.h"

#define TABLE_AT 0x7fff0000u
#define EP_AT 0xf5a30u          /* 16-byte aligned, somewhere in the F segment */

static uint8_t fseg[0x10000];
static uint8_t table[512];
static size_t table_len;
static bool table_readable;

static const uint8_t *fake_read(uint32_t phys, size_t len)
{
	if (phys >= SMBIOS_SCAN_START && phys < SMBIOS_SCAN_END && len <= SMBIOS_SCAN_END - phys)
		return fseg + (phys - SMBIOS_SCAN_START);
	if (table_readable && phys == TABLE_AT && len <= sizeof(table))
		return table;
	return NULL;
}

static void fix_sum(uint8_t *p, size_t len, size_t at)
{
	uint8_t s = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	p[at] = (uint8_t)-s;
}

static void ep2(uint8_t major, uint8_t minor, uint16_t len)
{
	uint8_t *p = fseg + (EP_AT - SMBIOS_SCAN_START);

	memcpy(p, "_SM_", 4);
	p[5] = 0x1f;
	p[6] = major;
	p[7] = minor;
	memcpy(p + 0x10, "_DMI_", 5);
	put_le16(p + 0x16, len);
	put_le32(p + 0x18, TABLE_AT);
	put_le16(p + 0x1c, 3);
	fix_sum(p + 0x10, 15, 5);
	fix_sum(p, 0x1f, 4);
}

static void ep3(uint32_t at, uint32_t len)
{
	uint8_t *p = fseg + (at - SMBIOS_SCAN_START);

	memcpy(p, "_SM3_", 5);
	p[6] = 0x18;
	p[7] = 3;
	p[8] = 2;
	put_le32(p + 0x0c, len);
	put_le32(p + 0x10, TABLE_AT);
	fix_sum(p, 0x18, 5);
}

static const uint8_t stored_uuid[16] = { 0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
					 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

/* A type 0 with two strings, a type 1 with the UUID and a string, a type 127. */
static void good_table(void)
{
	uint8_t *t = table;

	memset(table, 0, sizeof(table));
	t[0] = 0;                       /* BIOS information, 0x18 bytes */
	t[1] = 0x18;
	memcpy(t + 0x18, "SeaBIOS\0rel-1.16\0\0", 18);
	t += 0x18 + 18;
	t[0] = 1;                       /* system information, 0x1b bytes */
	t[1] = 0x1b;
	memcpy(t + 8, stored_uuid, 16);
	memcpy(t + 0x1b, "QEMU\0\0", 6);
	t += 0x1b + 6;
	t[0] = 127;
	t[1] = 4;
	t += 6;
	table_len = (size_t)(t - table);
	table_readable = true;
}

static void setup(void)
{
	memset(fseg, 0, sizeof(fseg));
	good_table();
}

TEST(smbios_uuid_2_8_swapped)
{
	static const uint8_t want[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					  0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	uint8_t u[16];

	setup();
	ep2(2, 8, (uint16_t)table_len);
	CHECK_EQ(smbios_find_uuid(fake_read, u), 0);
	CHECK(memcmp(u, want, 16) == 0);
}

TEST(smbios_uuid_before_2_6_as_stored)
{
	uint8_t u[16];

	setup();
	ep2(2, 4, (uint16_t)table_len);
	CHECK_EQ(smbios_find_uuid(fake_read, u), 0);
	CHECK(memcmp(u, stored_uuid, 16) == 0);
}

TEST(smbios_uuid_3_x_entry)
{
	uint8_t u[16];

	setup();
	ep3(0xfe000, (uint32_t)table_len);
	CHECK_EQ(smbios_find_uuid(fake_read, u), 0);
	CHECK_EQ(u[0], 0x00);
	CHECK_EQ(u[3], 0x33);
	/* A 3.x table above 4 GiB is not ours to read: no entry point. */
	put_le32(fseg + (0xfe000 - SMBIOS_SCAN_START) + 0x14, 1);
	fix_sum(fseg + (0xfe000 - SMBIOS_SCAN_START), 0x18, 5);
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_NOENT);
}

TEST(smbios_no_or_broken_entry)
{
	uint8_t u[16];

	setup();
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_NOENT);
	ep2(2, 8, (uint16_t)table_len);
	fseg[EP_AT - SMBIOS_SCAN_START + 0x18] ^= 1;      /* checksum of _DMI_ now wrong */
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_NOENT);
	ep2(2, 8, (uint16_t)table_len);
	fseg[EP_AT - SMBIOS_SCAN_START + 6] ^= 1;         /* entry checksum wrong */
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_NOENT);
	/* An entry point at the very end of the F segment is read within it. */
	setup();
	memcpy(fseg + sizeof(fseg) - 16, "_SM_", 4);
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_NOENT);
}

TEST(smbios_unset_uuid)
{
	uint8_t u[16];

	setup();
	ep2(2, 8, (uint16_t)table_len);
	memset(table + 0x18 + 18 + 8, 0xff, 16);
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_NOENT);
	memset(table + 0x18 + 18 + 8, 0x00, 16);
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_NOENT);
}

TEST(smbios_hostile_tables)
{
	uint8_t u[16];

	setup();
	ep2(2, 8, (uint16_t)table_len);
	table_readable = false;                           /* address points nowhere */
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_PROTO);
	setup();
	ep2(2, 8, 0);                                     /* empty table */
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_PROTO);
	setup();
	table[1] = 2;                                     /* header length below 4 */
	ep2(2, 8, (uint16_t)table_len);
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_PROTO);
	setup();
	table[1] = 0xff;                                  /* formatted part past the end */
	ep2(2, 8, 0x40);
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_PROTO);
	setup();
	ep2(2, 8, 0x18 + 10);                             /* strings cut off by the length */
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_PROTO);
	setup();
	table[0x18 + 18 + 1] = 0x10;                      /* type 1 too short for a UUID */
	memcpy(table + 0x18 + 18 + 0x10, "\0\0", 2);
	ep2(2, 8, (uint16_t)table_len);
	CHECK(smbios_find_uuid(fake_read, u) < 0);
	setup();
	table[0x18 + 18] = 127;                           /* end before any type 1 */
	ep2(2, 8, (uint16_t)table_len);
	CHECK_EQ(smbios_find_uuid(fake_read, u), -E_NOENT);
}
