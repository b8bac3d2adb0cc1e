/* test_config_names.c: which configuration files are tried, from DHCP replies with options 150,
 * 209/210, none, and hostile values (control bytes, NULs, too long, truncated options). */
#include "test.h"
#include "ui/server_config.h"

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* A BOOTREPLY with the options given as (code, len, bytes...) triples, then END. */
static size_t reply(uint8_t *p, const uint8_t *opts, size_t optlen)
{
	memset(p, 0, 300);
	p[0] = 2;
	p[1] = 1;
	p[2] = 6;
	memcpy(p + 28, mac, 6);
	p[236] = 0x63; p[237] = 0x82; p[238] = 0x53; p[239] = 0x63;
	memcpy(p + 240, opts, optlen);
	p[240 + optlen] = 255;
	return 300 > 241 + optlen ? 300 : 241 + optlen;
}

TEST(config_names_search_only)
{
	static struct config_names c;

	config_names_build(&c, NULL, 0, "osprey.0", NULL, mac, 0x0A00020F);
	CHECK_EQ(c.n, 10);
	CHECK_STR(c.dir, "/osprey.cfg/");
	CHECK_STR(c.name[0], "/osprey.cfg/01-52-54-00-12-34-56");
	CHECK_STR(c.name[1], "/osprey.cfg/0A00020F");
	CHECK_STR(c.name[2], "/osprey.cfg/0A00020");
	CHECK_STR(c.name[8], "/osprey.cfg/0");
	CHECK_STR(c.name[9], "/osprey.cfg/default");
	CHECK_EQ(c.from[0], CONFIG_SEARCH);
	/* The boot file's directory is the base, as PXELINUX's. */
	config_names_build(&c, NULL, 0, "boot/x86/osprey.0", NULL, mac, 0);
	CHECK_EQ(c.n, 2);
	CHECK_STR(c.name[0], "/boot/x86/osprey.cfg/01-52-54-00-12-34-56");
	CHECK_STR(c.name[1], "/boot/x86/osprey.cfg/default");
	/* With the client's UUID (option 97 / SMBIOS), it comes first, as in PXELINUX. */
	static const uint8_t uuid[16] = { 0xb8, 0x94, 0x59, 0x08, 0xd6, 0xa6, 0x41, 0xa9,
					  0x61, 0x1d, 0x74, 0xa6, 0xab, 0x80, 0xb8, 0x3d };
	config_names_build(&c, NULL, 0, "osprey.0", uuid, mac, 0);
	CHECK_EQ(c.n, 3);
	CHECK_STR(c.name[0], "/osprey.cfg/b8945908-d6a6-41a9-611d-74a6ab80b83d");
	CHECK_STR(c.name[1], "/osprey.cfg/01-52-54-00-12-34-56");
}

TEST(config_names_options)
{
	static struct config_names c;
	uint8_t p[600];
	static const uint8_t o[] = { 150, 13, '(', 'n', 'd', ')', '/', 'g', 'r', 'u', 'b', '.', 'l', 's', 't',
				     209, 8, 'm', 'e', 'n', 'u', '.', 'c', 'f', 'g',
				     210, 6, 'c', 'f', 'g', '/', 0, 0 };
	size_t len = reply(p, o, sizeof(o));

	CHECK(config_names_in_reply(p, len));
	config_names_build(&c, p, len, "osprey.0", NULL, mac, 0xC0A80105);
	CHECK_EQ(c.n, 12);
	CHECK_EQ(c.bad_options, 0);
	CHECK_STR(c.name[0], "(nd)/grub.lst");
	CHECK_EQ(c.from[0], CONFIG_OPT150);
	CHECK_STR(c.name[1], "/cfg/menu.cfg");     /* 209 under 210 (trailing NULs dropped) */
	CHECK_EQ(c.from[1], CONFIG_OPT209);
	CHECK_STR(c.name[2], "/cfg/osprey.cfg/01-52-54-00-12-34-56");
	CHECK_STR(c.name[3], "/cfg/osprey.cfg/C0A80105");
	CHECK_STR(c.name[11], "/cfg/osprey.cfg/default");

	/* A plain 150 name gets a leading '/'; an absolute 209 ignores 210; a URL is kept. */
	static const uint8_t o2[] = { 150, 8, 'm', 'e', 'n', 'u', '.', 'l', 's', 't',
				      209, 5, '/', 'a', '.', 'c', 'f',
				      210, 13, 't', 'f', 't', 'p', ':', '/', '/', '1', '.', '2', '/', 'x', '/' };
	len = reply(p, o2, sizeof(o2));
	config_names_build(&c, p, len, "osprey.0", NULL, mac, 0);
	CHECK_STR(c.name[0], "/menu.lst");
	CHECK_STR(c.name[1], "/a.cf");
	CHECK_STR(c.name[2], "tftp://1.2/x/osprey.cfg/01-52-54-00-12-34-56");
	CHECK_STR(c.dir, "tftp://1.2/x/osprey.cfg/");
}

TEST(config_names_hostile)
{
	static struct config_names c;
	uint8_t p[600];
	/* Control bytes, a space, a NUL in the middle, an all-NUL value: all left out. */
	static const uint8_t o[] = { 150, 4, 'a', '\n', 'b', 'c',
				     209, 3, 'a', 0, 'b',
				     210, 2, 0, 0 };
	size_t len = reply(p, o, sizeof(o));

	config_names_build(&c, p, len, NULL, NULL, mac, 0);
	CHECK_EQ(c.bad_options, 3);                /* 210 of NULs only is empty: left out too */
	CHECK_EQ(c.n, 2);
	CHECK_STR(c.name[0], "/osprey.cfg/01-52-54-00-12-34-56");

	/* A value of 255 bytes: too long with the directory; nothing overflows. */
	uint8_t big[2 + 255];
	big[0] = 210;
	big[1] = 255;
	memset(big + 2, 'd', 255);
	len = reply(p, big, sizeof(big));
	config_names_build(&c, p, len, NULL, NULL, mac, 0x01020304);
	CHECK_EQ(c.n, 0);
	CHECK_EQ(c.dir[0], 0);
	/* An option running past the end of the packet is not read. */
	static const uint8_t cut[] = { 150, 200, 'x' };
	len = reply(p, cut, sizeof(cut));
	config_names_build(&c, p, 243, NULL, NULL, mac, 0);
	CHECK(!config_names_in_reply(p, 243));
	CHECK_EQ(c.from[0], CONFIG_SEARCH);
	CHECK(!config_names_in_reply(NULL, 0));
}
