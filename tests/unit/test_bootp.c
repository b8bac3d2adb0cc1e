/* test_bootp.c: unit tests of the BOOTP/DHCP reply parser, on well-formed and hostile packets. */
#include "test.h"
#include "net/bootp.h"
#include "lib/errors.h"

static uint8_t pkt[1024];
static size_t plen;

/* A BOOTREPLY header; with_magic adds the DHCP cookie and starts the options there. */
static void start(bool with_magic)
{
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 2;          /* BOOTREPLY */
	pkt[1] = 1;          /* Ethernet */
	pkt[2] = 6;
	pkt[4] = 0x12; pkt[5] = 0x34; pkt[6] = 0x56; pkt[7] = 0x78;
	memcpy(pkt + 16, "\x0a\x00\x02\x0f", 4);   /* yiaddr 10.0.2.15 */
	memcpy(pkt + 20, "\x0a\x00\x02\x02", 4);   /* siaddr 10.0.2.2 */
	memcpy(pkt + 24, "\x0a\x00\x02\x01", 4);   /* giaddr 10.0.2.1 */
	memcpy(pkt + 28, "\x52\x54\x00\x12\x34\x56", 6);
	strcpy((char *)pkt + 108, "from-file-field");
	plen = 236;
	if (with_magic) {
		memcpy(pkt + 236, "\x63\x82\x53\x63", 4);
		plen = 240;
	}
}

static void opt(uint8_t code, size_t len, const void *data)
{
	pkt[plen++] = code;
	pkt[plen++] = (uint8_t)len;
	memcpy(pkt + plen, data, len);
	plen += len;
}

static void end(void)
{
	pkt[plen++] = 255;
}

static struct netconf nc;

static int parse(void)
{
	memset(&nc, 0, sizeof(nc));
	strcpy(nc.source, "dhcp");
	return bootp_parse(pkt, plen, &nc);
}

TEST(bootp_dhcp_ack)
{
	start(true);
	opt(53, 1, "\x05");
	opt(54, 4, "\x0a\x00\x02\x03");
	opt(1, 4, "\xff\xff\xff\x00");
	opt(3, 8, "\x0a\x00\x02\x04\x0a\x00\x02\x05");
	opt(6, 4, "\x0a\x00\x02\x06");
	opt(12, 5, "guest");
	pkt[plen++] = 0;     /* pads are allowed anywhere */
	pkt[plen++] = 0;
	opt(67, 12, "pxelinux.0\0x");
	end();
	pkt[plen++] = 0x99;  /* trailing garbage after END is ignored */
	CHECK_EQ(parse(), 0);
	CHECK(nc.configured);
	CHECK_EQ(nc.ip, 0x0a00020f);
	CHECK_EQ(nc.mask, 0xffffff00);
	CHECK_EQ(nc.gateway, 0x0a000204);
	CHECK_EQ(nc.dns[0], 0x0a000206);
	CHECK_EQ(nc.server, 0x0a000202);   /* siaddr, not the DHCP server id */
	CHECK_STR(nc.hostname, "guest");
	CHECK_STR(nc.bootfile, "pxelinux.0");
	CHECK_STR(nc.source, "dhcp");
	CHECK(memcmp(nc.mac, "\x52\x54\x00\x12\x34\x56", 6) == 0);

	const uint8_t *v;
	CHECK_EQ(dhcp_find_option(pkt, plen, 53, &v), 1);
	CHECK_EQ(v[0], 5);
	CHECK_EQ(dhcp_find_option(pkt, plen, 3, &v), 8);
	CHECK_EQ(dhcp_find_option(pkt, plen, 99, &v), -E_NOENT);
	CHECK_EQ(dhcp_find_option(pkt, plen, 0, &v), -E_NOENT);
	CHECK_EQ(dhcp_find_option(pkt, plen, 255, &v), -E_NOENT);
	/* the same ack without siaddr: the server id is the boot server */
	memset(pkt + 20, 0, 4);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.server, 0x0a000203);
}

TEST(bootp_plain_and_defaults)
{
	/* plain BOOTP: no magic, fields only */
	start(false);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.ip, 0x0a00020f);
	CHECK_EQ(nc.server, 0x0a000202);
	CHECK_EQ(nc.gateway, 0x0a000201);
	CHECK_EQ(nc.mask, 0);
	CHECK_STR(nc.bootfile, "from-file-field");
	CHECK_STR(nc.hostname, "");
	const uint8_t *v;
	CHECK_EQ(dhcp_find_option(pkt, plen, 1, &v), -E_NOENT);
	/* a file field with no NUL is cut to fit */
	memset(pkt + 108, 'f', 128);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(strlen(nc.bootfile), sizeof(nc.bootfile) - 1);
	/* hlen other than 6: no MAC */
	start(false);
	pkt[2] = 16;
	CHECK_EQ(parse(), 0);
	CHECK(memcmp(nc.mac, "\0\0\0\0\0\0", 6) == 0);
	/* options without END are fine */
	start(true);
	opt(1, 4, "\xff\xff\x00\x00");
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.mask, 0xffff0000);
	/* only the magic, no options at all */
	start(true);
	CHECK_EQ(parse(), 0);
	/* short-length options are ignored rather than read past */
	start(true);
	opt(1, 2, "\xff\xff");
	opt(3, 0, "");
	opt(6, 3, "\x01\x02\x03");
	end();
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.mask, 0);
	CHECK_EQ(nc.gateway, 0x0a000201);
	CHECK_EQ(nc.dns[0], 0);
	/* first occurrence wins */
	start(true);
	opt(12, 1, "a");
	opt(12, 1, "b");
	end();
	CHECK_EQ(parse(), 0);
	CHECK_STR(nc.hostname, "a");
}

TEST(bootp_overload)
{
	/* overload 1: file holds options, bootfile only from 67 */
	start(true);
	opt(52, 1, "\x01");
	end();
	memset(pkt + 108, 0, 128);
	memcpy(pkt + 108, "\x01\x04\xff\x00\x00\x00" "\x43\x05" "k.bin" "\xff", 14);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.mask, 0xff000000);
	CHECK_STR(nc.bootfile, "k.bin");
	const uint8_t *v;
	CHECK_EQ(dhcp_find_option(pkt, plen, 67, &v), 5);
	CHECK(memcmp(v, "k.bin", 5) == 0);
	/* the main options come first */
	start(true);
	opt(52, 1, "\x03");
	opt(1, 4, "\xff\xff\xff\xf0");
	end();
	memset(pkt + 108, 0, 128);
	memcpy(pkt + 108, "\x01\x04\xff\x00\x00\x00\xff", 7);
	memset(pkt + 44, 0, 64);
	memcpy(pkt + 44, "\x0c\x02hn\xff", 5);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.mask, 0xfffffff0);
	CHECK_STR(nc.hostname, "hn");
	CHECK_STR(nc.bootfile, "");      /* no option 67, and file is not a name */
	/* overload 2: sname holds options, file is still the file name */
	start(true);
	opt(52, 1, "\x02");
	memset(pkt + 44, 0, 64);
	memcpy(pkt + 44, "\x06\x04\x01\x02\x03\x04", 6);
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.dns[0], 0x01020304);
	CHECK_STR(nc.bootfile, "from-file-field");
	/* a malformed option list inside the overloaded file field */
	start(true);
	opt(52, 1, "\x01");
	memset(pkt + 108, 0, 128);
	pkt[108 + 126] = 12;
	pkt[108 + 127] = 5;    /* runs past the field */
	CHECK_EQ(parse(), -E_PROTO);
	/* file field entirely options without END: fine */
	start(true);
	opt(52, 1, "\x01");
	memset(pkt + 108, 0, 128);
	pkt[108 + 125] = 12;
	pkt[108 + 126] = 1;
	pkt[108 + 127] = 'z';
	CHECK_EQ(parse(), 0);
	CHECK_STR(nc.hostname, "z");
	/* bogus overload values are ignored */
	start(true);
	opt(52, 1, "\x07");
	CHECK_EQ(parse(), 0);
	CHECK_STR(nc.bootfile, "from-file-field");
	start(true);
	opt(52, 0, "");
	CHECK_EQ(parse(), 0);
	CHECK_STR(nc.bootfile, "from-file-field");
}

TEST(bootp_tftp_server_option)
{
	start(true);
	opt(54, 4, "\x0a\x00\x02\x03");
	opt(66, 11, "192.168.1.9");
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.server, 0xc0a80109);
	/* a host name in 66 is not an address: siaddr stays */
	start(true);
	opt(66, 11, "tftp.lan.io");
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.server, 0x0a000202);
	start(true);
	opt(66, 16, "192.168.100.100x");
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.server, 0x0a000202);
	start(true);
	opt(66, 12, "10.9.8.7\0zzz");   /* NUL-terminated inside the option */
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.server, 0x0a090807);
	/* long hostname and bootfile are cut, not overflowed */
	char big[255];
	memset(big, 'h', sizeof(big));
	start(true);
	opt(12, 255, big);
	opt(67, 255, big);
	end();
	CHECK_EQ(parse(), 0);
	CHECK_EQ(strlen(nc.hostname), sizeof(nc.hostname) - 1);
	CHECK_EQ(strlen(nc.bootfile), sizeof(nc.bootfile) - 1);
}

TEST(bootp_hostile)
{
	struct netconf keep;
	/* wrong op */
	start(true);
	pkt[0] = 1;
	memset(&nc, 0x5a, sizeof(nc));
	keep = nc;
	CHECK_EQ(bootp_parse(pkt, plen, &nc), -E_PROTO);
	CHECK(memcmp(&nc, &keep, sizeof(nc)) == 0);   /* untouched on failure */
	pkt[0] = 0;
	CHECK_EQ(bootp_parse(pkt, plen, &nc), -E_PROTO);
	/* short packets */
	start(false);
	for (size_t n = 0; n < 236; n++)
		CHECK_EQ(bootp_parse(pkt, n, &nc), -E_PROTO);
	CHECK_EQ(bootp_parse(NULL, 0, &nc), -E_PROTO);
	/* 236..239 bytes: no room for the magic, plain BOOTP */
	start(true);
	for (size_t n = 236; n < 240; n++) {
		memset(&nc, 0, sizeof(nc));
		CHECK_EQ(bootp_parse(pkt, n, &nc), 0);
	}
	/* an option whose length runs past the end */
	start(true);
	opt(1, 4, "\xff\xff\xff\x00");
	pkt[plen++] = 12;
	pkt[plen++] = 200;
	pkt[plen++] = 'x';
	CHECK_EQ(parse(), -E_PROTO);
	const uint8_t *v;
	CHECK_EQ(dhcp_find_option(pkt, plen, 1, &v), 4);      /* before the bad one: found */
	CHECK_EQ(dhcp_find_option(pkt, plen, 12, &v), -E_NOENT);
	/* a code byte without its length byte at the very end */
	start(true);
	pkt[plen++] = 1;
	CHECK_EQ(parse(), -E_PROTO);
	CHECK_EQ(dhcp_find_option(pkt, plen, 1, &v), -E_NOENT);
	/* length exactly to the end is fine */
	start(true);
	opt(12, 3, "abc");
	CHECK_EQ(parse(), 0);
	CHECK_STR(nc.hostname, "abc");
	CHECK_EQ(dhcp_find_option(pkt, plen, 12, &v), 3);
	CHECK_EQ(dhcp_find_option(pkt, plen - 1, 12, &v), -E_NOENT);
	/* huge length bytes everywhere */
	start(true);
	memset(pkt + 240, 0xfe, sizeof(pkt) - 240);
	for (size_t n = 240; n < sizeof(pkt); n += 37) {
		plen = n;
		parse();
		dhcp_find_option(pkt, n, 0xfe, &v);
	}
	plen = sizeof(pkt);
	CHECK_EQ(parse(), -E_PROTO);
	/* an overloaded file field only counts with the magic */
	start(false);
	pkt[236] = 52;
	CHECK_EQ(parse(), 0);
	CHECK_EQ(dhcp_find_option(pkt, 200, 52, &v), -E_NOENT);
}

/* Option 6 lists servers in order: the first NETCONF_DNS_MAX are kept, a ragged tail is not. */
TEST(bootp_dns_servers)
{
	start(true);
	opt(6, 18, "\x01\x01\x01\x01\x02\x02\x02\x02\x03\x03\x03\x03\x04\x04\x04\x04\x05\x05");
	end();
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.dns[0], 0x01010101);
	CHECK_EQ(nc.dns[1], 0x02020202);
	CHECK_EQ(nc.dns[2], 0x03030303);
	start(true);
	opt(6, 6, "\x01\x01\x01\x01\x02\x02");
	end();
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.dns[0], 0x01010101);
	CHECK_EQ(nc.dns[1], 0);
	start(true);
	opt(6, 3, "\x01\x01\x01");
	end();
	CHECK_EQ(parse(), 0);
	CHECK_EQ(nc.dns[0], 0);
}
