/* test_nic_choose.c: unit tests of the NIC choice (PXE boot NIC by PCI location or MAC, else the
 * first with a driver), the lease ownership rule, and --nic=N|BB:DD.F lookup with hostile specs. */
#include "test.h"
#include "drivers/nic.h"
#include "lib/errors.h"

/* Stand-ins: the choice only looks at whether a driver matched, never inside it. */
static const int drv_a, drv_b;
#define DRV_A ((const struct nic_driver *)&drv_a)
#define DRV_B ((const struct nic_driver *)&drv_b)

static const uint8_t mac0[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x10 };
static const uint8_t mac1[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x11 };

/* Two NICs: rtl8139-like at 00:03.0, e1000-like at 00:04.0, both with drivers. */
static void two_nics(struct nic *l)
{
	memset(l, 0, 3 * sizeof(*l));
	l[0].pci.dev = 3;
	l[0].drv = DRV_A;
	l[1].pci.dev = 4;
	l[1].drv = DRV_B;
	/* a third, driverless function at 01:00.1 */
	l[2].pci.bus = 1;
	l[2].pci.fn = 1;
}

TEST(nic_choose_no_hint_takes_first_with_driver)
{
	struct nic l[3];
	struct nic_boot_hint none = { 0 };
	enum nic_why why;

	two_nics(l);
	CHECK_EQ(nic_choose(l, 3, &none, &why), 0);
	CHECK_EQ(why, NIC_FIRST);
	l[0].drv = NULL;
	CHECK_EQ(nic_choose(l, 3, &none, &why), 1);
	CHECK_EQ(why, NIC_FIRST);
	l[1].failed = true;
	CHECK_EQ(nic_choose(l, 3, &none, &why), -E_NODEV);
	CHECK_EQ(why, NIC_NONE);
	CHECK_EQ(nic_choose(l, 0, &none, &why), -E_NODEV);
	CHECK_EQ(why, NIC_NONE);
}

TEST(nic_choose_boot_nic_by_pci)
{
	struct nic l[3];
	struct nic_boot_hint b = { .have_loc = true, .bus = 0, .dev = 4, .fn = 0 };
	enum nic_why why;

	two_nics(l);
	CHECK_EQ(nic_choose(l, 3, &b, &why), 1);
	CHECK_EQ(why, NIC_BY_PCI);
	CHECK_EQ(nic_boot_index(l, 3, &b), 1);
	/* Its driver failed: the first other NIC, and it is not the boot NIC. */
	l[1].failed = true;
	CHECK_EQ(nic_choose(l, 3, &b, &why), 0);
	CHECK_EQ(why, NIC_FIRST);
	/* The boot NIC has no driver: keep the ROM rather than drive another NIC. */
	two_nics(l);
	l[1].drv = NULL;
	CHECK_EQ(nic_choose(l, 3, &b, &why), -E_NODEV);
	CHECK_EQ(why, NIC_BOOT_NO_DRIVER);
	/* A location that is no NIC of ours: as if unknown. */
	two_nics(l);
	b.dev = 9;
	CHECK_EQ(nic_boot_index(l, 3, &b), -1);
	CHECK_EQ(nic_choose(l, 3, &b, &why), 0);
	CHECK_EQ(why, NIC_FIRST);
}

TEST(nic_choose_boot_nic_by_mac)
{
	struct nic l[3];
	struct nic_boot_hint b = { .have_mac = true };
	enum nic_why why;

	two_nics(l);
	memcpy(b.mac, mac1, 6);
	/* MACs not read yet: nothing matches. */
	CHECK_EQ(nic_boot_index(l, 3, &b), -1);
	CHECK_EQ(nic_choose(l, 3, &b, &why), 0);
	CHECK_EQ(why, NIC_FIRST);
	l[0].mac_known = l[1].mac_known = true;
	memcpy(l[0].mac, mac0, 6);
	memcpy(l[1].mac, mac1, 6);
	CHECK_EQ(nic_choose(l, 3, &b, &why), 1);
	CHECK_EQ(why, NIC_BY_MAC);
	/* A PCI location that names no NIC falls back on the MAC. */
	b.have_loc = true;
	b.bus = 7;
	CHECK_EQ(nic_choose(l, 3, &b, &why), 1);
	CHECK_EQ(why, NIC_BY_MAC);
	/* The location wins over the MAC when it names a NIC. */
	b.bus = 0;
	b.dev = 3;
	CHECK_EQ(nic_choose(l, 3, &b, &why), 0);
	CHECK_EQ(why, NIC_BY_PCI);
}

TEST(nic_owns_lease_rule)
{
	struct nic l[3];
	struct nic_boot_hint b = { .have_loc = true, .dev = 4, .have_mac = true };

	two_nics(l);
	memcpy(b.mac, mac1, 6);
	/* The MAC decides when the ROM gave one: unknown or different MACs never own it. */
	CHECK(!nic_owns_lease(l, 3, 1, &b));
	l[1].mac_known = true;
	memcpy(l[1].mac, mac0, 6);
	CHECK(!nic_owns_lease(l, 3, 1, &b));
	memcpy(l[1].mac, mac1, 6);
	CHECK(nic_owns_lease(l, 3, 1, &b));
	l[0].mac_known = true;
	memcpy(l[0].mac, mac0, 6);
	CHECK(!nic_owns_lease(l, 3, 0, &b));
	/* Without a MAC: the NIC the ROM named by location, or the only NIC. */
	b.have_mac = false;
	CHECK(nic_owns_lease(l, 3, 1, &b));
	CHECK(!nic_owns_lease(l, 3, 0, &b));
	b.have_loc = false;
	CHECK(!nic_owns_lease(l, 3, 1, &b));
	CHECK(nic_owns_lease(l, 1, 0, &b));
	CHECK(!nic_owns_lease(l, 3, -1, &b));
	CHECK(!nic_owns_lease(l, 3, 3, &b));
}

TEST(nic_find_specs)
{
	struct nic l[3];

	two_nics(l);
	CHECK_EQ(nic_find(l, 3, "0"), 0);
	CHECK_EQ(nic_find(l, 3, "2"), 2);
	CHECK_EQ(nic_find(l, 3, "3"), -E_NOENT);
	CHECK_EQ(nic_find(l, 3, "00:04.0"), 1);
	CHECK_EQ(nic_find(l, 3, "0:4.0"), 1);
	CHECK_EQ(nic_find(l, 3, "01:00.1"), 2);
	CHECK_EQ(nic_find(l, 3, "1:0.1"), 2);
	CHECK_EQ(nic_find(l, 3, "00:05.0"), -E_NOENT);
	CHECK_EQ(nic_find(l, 0, "0"), -E_NOENT);
}

TEST(nic_find_hostile)
{
	static const char *bad[] = {
		"", ":", "00:", "00:04", "00:04.", ".0", "00:.0", ":04.0", "000:04.0",
		"00:004.0", "00:04.00", "00:04.8", "00:20.0", "00:1f.0x", "0g:04.0", "00:04.0:",
		"00:04:0", "x", "-1", "1x", "4294967296", "00:04.-", "00 :04.0",
	};
	struct nic l[3];

	two_nics(l);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = nic_find(l, 3, bad[i]);

		if (rc != -E_INVAL && rc != -E_NOENT)
			printf("    spec '%s' -> %d\n", bad[i], rc);
		CHECK(rc == -E_INVAL || rc == -E_NOENT);
	}
	CHECK_EQ(nic_find(l, 3, "00:04.8"), -E_INVAL);
	CHECK_EQ(nic_find(l, 3, "00:20.0"), -E_INVAL);
	CHECK_EQ(nic_find(l, 3, "00:1f.7"), -E_NOENT);
}

TEST(nic_offer_rom_driver_only_boot_nic_without_driver)
{
	struct nic l[3];
	struct nic_boot_hint b = { .have_loc = true, .bus = 1, .dev = 0, .fn = 1 };
	struct nic_boot_hint none = { 0 };
	static const int drv_rom, id_rom;
	const struct nic_driver *rom = (const struct nic_driver *)&drv_rom;
	const struct pci_id *id = (const struct pci_id *)&id_rom;
	enum nic_why why;

	two_nics(l);
	CHECK_EQ(nic_offer_rom_driver(l, 3, &none, rom, id, false), -E_NODEV);
	CHECK_EQ(nic_offer_rom_driver(l, 3, &b, NULL, id, false), -E_NODEV);
	/* The driverless boot NIC at 01:00.1 gets the ROM's driver and is chosen. */
	l[2].failed = true;
	CHECK_EQ(nic_offer_rom_driver(l, 3, &b, rom, id, false), 2);
	CHECK(l[2].drv == rom && l[2].id == id && !l[2].failed);
	CHECK_EQ(nic_choose(l, 3, &b, &why), 2);
	CHECK_EQ(why, NIC_BY_PCI);
	/* A boot NIC a native driver claims keeps it, unless forced (ifconfig --driver=undi). */
	b.bus = 0;
	b.dev = 4;
	b.fn = 0;
	CHECK_EQ(nic_offer_rom_driver(l, 3, &b, rom, id, false), -E_BUSY);
	CHECK(l[1].drv == DRV_B);
	CHECK_EQ(nic_offer_rom_driver(l, 3, &b, rom, id, true), 1);
	CHECK(l[1].drv == rom);
}
