/* test_chain_opts.c: `chainloader --option=` pieces on the host: CODE:TEXT parsing, setting
 * options in a (hostile) DHCP packet, and the PXE API front's block (structure copies pointing
 * into it with valid checksums, the packets where its variables say). */
#include "test.h"
#include "lib/errors.h"
#include "net/bootp.h"
#include "net/dhcp_patch.h"
#include "pxe/pxe_core.h"
#include "pxe/pxe_shim.h"

/* A DHCPACK: header, magic, 53=5, 209 "old", pads, 3 (router), END. */
static size_t make_ack(uint8_t *p, size_t max)
{
	static const uint8_t opts[] = { 53, 1, 5, 209, 3, 'o', 'l', 'd', 0, 0, 3, 4, 10, 0, 2, 2, 255 };
	memset(p, 0, max);
	p[0] = 2;
	put_be32(p + BOOTP_MIN_LEN, DHCP_MAGIC);
	memcpy(p + BOOTP_MIN_LEN + 4, opts, sizeof(opts));
	return BOOTP_MIN_LEN + 4 + sizeof(opts);
}

TEST(dhcp_opt_arg_parse)
{
	struct dhcp_opt o;
	char big[300];

	CHECK_EQ(dhcp_opt_arg_parse("209:pxelinux.cfg/boot", &o), 0);
	CHECK_EQ(o.code, 209);
	CHECK_EQ(o.len, 17);
	CHECK(!memcmp(o.data, "pxelinux.cfg/boot", 17));
	CHECK_EQ(dhcp_opt_arg_parse("210:", &o), 0);
	CHECK_EQ(o.len, 0);
	CHECK_EQ(dhcp_opt_arg_parse("1:a:b", &o), 0);
	CHECK_EQ(o.len, 3);
	static const char *bad[] = { "", ":x", "0:x", "255:x", "256:x", "99999999999:x", "209", "x:1",
				     "-1:x", "209x" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_EQ(dhcp_opt_arg_parse(bad[i], &o), -E_INVAL);
	memset(big, 'a', sizeof(big));
	memcpy(big, "66:", 3);
	big[3 + 255] = 0;
	CHECK_EQ(dhcp_opt_arg_parse(big, &o), 0);
	big[3 + 255] = 'a';
	big[3 + 256] = 0;
	CHECK_EQ(dhcp_opt_arg_parse(big, &o), -E_TOOBIG);
}

TEST(dhcp_opts_patch_sets_and_replaces)
{
	uint8_t pkt[600], out[600];
	struct dhcp_opt o[2];
	const uint8_t *v;
	size_t len = make_ack(pkt, sizeof(pkt));
	struct netconf nc = { 0 };
	int n;

	dhcp_opt_arg_parse("209:pxelinux.cfg/boot", &o[0]);
	dhcp_opt_arg_parse("210:/pxe/", &o[1]);
	n = dhcp_opts_patch(pkt, len, o, 2, out, sizeof(out));
	CHECK_EQ(n, DHCP_PATCH_MIN_LEN);
	CHECK(!memcmp(out, pkt, BOOTP_MIN_LEN + 4));
	CHECK_EQ(dhcp_find_option(out, (size_t)n, 209, &v), 17);
	CHECK(!memcmp(v, "pxelinux.cfg/boot", 17));
	CHECK_EQ(dhcp_find_option(out, (size_t)n, 210, &v), 5);
	CHECK(!memcmp(v, "/pxe/", 5));
	CHECK_EQ(dhcp_find_option(out, (size_t)n, 3, &v), 4);
	CHECK_EQ(dhcp_find_option(out, (size_t)n, 53, &v), 1);
	CHECK_EQ(bootp_parse(out, (size_t)n, &nc), 0);
	/* The old 209 is gone: exactly one 209 in the option list. */
	int count = 0;
	for (size_t i = BOOTP_MIN_LEN + 4; i < (size_t)n && out[i] != 255; i += out[i] ? 2u + out[i + 1] : 1u)
		count += out[i] == 209;
	CHECK_EQ(count, 1);
	/* No options: the same packet, pads dropped. */
	CHECK_EQ(dhcp_opts_patch(pkt, len, o, 0, out, sizeof(out)), DHCP_PATCH_MIN_LEN);
	CHECK_EQ(dhcp_find_option(out, DHCP_PATCH_MIN_LEN, 209, &v), 3);
	/* No END: the list ends with the packet. */
	CHECK(dhcp_opts_patch(pkt, len - 1, o, 2, out, sizeof(out)) > 0);
}

TEST(dhcp_opts_patch_hostile)
{
	uint8_t pkt[600], out[600];
	struct dhcp_opt o;
	size_t len = make_ack(pkt, sizeof(pkt));

	dhcp_opt_arg_parse("209:abc", &o);
	CHECK_EQ(dhcp_opts_patch(pkt, 100, &o, 1, out, sizeof(out)), -E_PROTO);
	CHECK_EQ(dhcp_opts_patch(pkt, BOOTP_MIN_LEN + 3, &o, 1, out, sizeof(out)), -E_PROTO);
	pkt[BOOTP_MIN_LEN] ^= 1;   /* no magic cookie */
	CHECK_EQ(dhcp_opts_patch(pkt, len, &o, 1, out, sizeof(out)), -E_PROTO);
	pkt[BOOTP_MIN_LEN] ^= 1;
	/* An option whose length runs past the packet, and one cut after its code. */
	CHECK_EQ(dhcp_opts_patch(pkt, BOOTP_MIN_LEN + 4 + 5, &o, 1, out, sizeof(out)), -E_PROTO);
	CHECK_EQ(dhcp_opts_patch(pkt, BOOTP_MIN_LEN + 4 + 4, &o, 1, out, sizeof(out)), -E_PROTO);
	pkt[BOOTP_MIN_LEN + 4 + 4] = 250;
	CHECK_EQ(dhcp_opts_patch(pkt, len, &o, 1, out, sizeof(out)), -E_PROTO);
	len = make_ack(pkt, sizeof(pkt));
	/* Output too small: for the header, the options, the END. */
	CHECK_EQ(dhcp_opts_patch(pkt, len, &o, 1, out, 200), -E_TOOBIG);
	CHECK_EQ(dhcp_opts_patch(pkt, len, &o, 1, out, BOOTP_MIN_LEN + 4 + 10), -E_TOOBIG);
	CHECK_EQ(dhcp_opts_patch(pkt, len, &o, 1, out, BOOTP_MIN_LEN + 4 + 14), -E_TOOBIG);
	CHECK_EQ(dhcp_opts_patch(pkt, len, &o, 1, out, BOOTP_MIN_LEN + 4 + 15), BOOTP_MIN_LEN + 4 + 15);
}

static uint8_t sum(const uint8_t *p, unsigned len)
{
	uint8_t s = 0;
	for (unsigned i = 0; i < len; i++)
		s += p[i];
	return s;
}

TEST(pxe_shim_layout_block)
{
	uint8_t code[64] = { 0 }, bang[0x58] = "!PXE", pxenv[0x2c] = "PXENV+", block[2048];
	uint8_t ack[300], reply[310];
	struct pxe_shim_in in = { 0 };
	struct pxe_shim_out o;
	struct pxe_shim_vars v;
	struct pxe_info pi;
	uint32_t bang_ptr;

	bang[4] = sizeof(bang);
	put_le32(bang + 0x10, 0x9c480160);
	bang[5] = (uint8_t)-sum(bang, sizeof(bang));
	pxenv[8] = sizeof(pxenv);
	put_le16(pxenv + 6, 0x0201);
	put_le32(pxenv + 0x0a, 0x9c480100);
	put_le32(pxenv + 0x28, 0x9cba0000);
	pxenv[9] = (uint8_t)-sum(pxenv, sizeof(pxenv));
	memset(ack, 0xa5, sizeof(ack));
	memset(reply, 0x5a, sizeof(reply));
	in.code = code;
	in.code_len = 50;
	in.bang_entry_off = 0x20;
	in.pxenv_entry_off = 0x24;
	in.int1a_off = 0x28;
	in.bang = bang;
	in.pxenv = pxenv;
	in.int1a = 0xf000fe6e;
	in.kib_ours = 624;
	in.kib_rom = 625;
	in.pkt[0] = ack;
	in.pkt_len[0] = sizeof(ack);
	CHECK_EQ(pxe_shim_size(&in), 64 + 0x60 + 0x30 + 304);
	CHECK_EQ(pxe_shim_layout(&in, 0x9c00, block, 100, &o), -E_TOOBIG);
	in.pkt[1] = reply;
	in.pkt_len[1] = sizeof(reply);
	CHECK_EQ(pxe_shim_layout(&in, 0x9c00, block, sizeof(block), &o), 0);
	CHECK_EQ(o.size, 64 + 0x60 + 0x30 + 304 + 320);
	CHECK_EQ(o.bang_so, 0x9c000040);
	CHECK_EQ(o.pxenv_so, 0x9c0000a0);
	CHECK_EQ(o.int1a_so, 0x9c000028);
	/* The copies validate and lead into the shim; PXENV+ leads to the !PXE copy. */
	CHECK_EQ(pxe_parse_bang(block + 0x40, 0x58, &pi), 0);
	CHECK_EQ(pi.entry, 0x9c000020);
	CHECK_EQ(pxe_parse_pxenv(block + 0xa0, 0x2c, &pi, &bang_ptr), 0);
	CHECK_EQ(pi.entry, 0x9c000024);
	CHECK_EQ(bang_ptr, o.bang_so);
	memcpy(&v, block, sizeof(v));
	CHECK_EQ(v.bang_entry, 0x9c480160);
	CHECK_EQ(v.pxenv_entry, 0x9c480100);
	CHECK_EQ(v.int1a, 0xf000fe6e);
	CHECK_EQ(v.int1a_ours, o.int1a_so);
	CHECK_EQ(v.kib_ours, 624);
	CHECK_EQ(v.kib_rom, 625);
	CHECK_EQ(v.pxenv_off, 0xa0);
	CHECK_EQ(v.pkt_len[0], sizeof(ack));
	CHECK_EQ(v.pkt_len[1], sizeof(reply));
	CHECK(!memcmp(block + v.pkt_off[0], ack, sizeof(ack)));
	CHECK(!memcmp(block + v.pkt_off[1], reply, sizeof(reply)));
	CHECK_EQ(v.pkt_off[1] % 16, 0);
	/* Only PXENV+ (a 2.0 ROM): no !PXE copy, PXEPtr stays out. */
	in.bang = NULL;
	put_le16(pxenv + 6, 0x0200);
	CHECK_EQ(pxe_shim_layout(&in, 0x9c00, block, sizeof(block), &o), 0);
	CHECK_EQ(o.bang_so, 0);
	CHECK_EQ(pxe_parse_pxenv(block + 0x40, 0x2c, &pi, &bang_ptr), 0);
	CHECK_EQ(bang_ptr, 0);
	in.pxenv = NULL;
	CHECK_EQ(pxe_shim_layout(&in, 0x9c00, block, sizeof(block), &o), -E_INVAL);
}

/* ---- the PXE ROM's DHCPDISCOVER (dhcp_identity.c) ---- */

/* A DISCOVER as QEMU's iPXE ROM sends it: 53, 61, 93, 94, 97, 60, 77, END. */
static size_t make_discover(uint8_t *p, size_t max)
{
	static const uint8_t opts[] = {
		53, 1, 1,
		61, 7, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x56,
		93, 2, 0, 0,
		94, 3, 1, 2, 1,
		97, 17, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
		60, 32, 'P', 'X', 'E', 'C', 'l', 'i', 'e', 'n', 't', ':', 'A', 'r', 'c', 'h', ':', '0',
		'0', '0', '0', '0', ':', 'U', 'N', 'D', 'I', ':', '0', '0', '2', '0', '0', '1',
		77, 5, 'i', 'P', 'X', 'E', 1,
		255 };
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };

	memset(p, 0, max);
	p[0] = 1;
	p[1] = 1;
	p[2] = 6;
	memcpy(p + 28, mac, 6);
	put_be32(p + BOOTP_MIN_LEN, DHCP_MAGIC);
	memcpy(p + BOOTP_MIN_LEN + 4, opts, sizeof(opts));
	return BOOTP_MIN_LEN + 4 + sizeof(opts);
}

#include "net/dhcp_identity.h"

TEST(dhcp_identity_of_discover)
{
	uint8_t pkt[600];
	size_t len = make_discover(pkt, sizeof(pkt));
	struct dhcp_identity id;

	CHECK_EQ(dhcp_identity_parse(pkt, len, &id), 0);
	CHECK_EQ(id.mac[5], 0x56);
	CHECK_EQ(id.client_id_len, 7);
	CHECK_EQ(id.client_id[0], 1);
	CHECK_EQ(id.client_id[6], 0x56);
	CHECK(id.have_uuid);
	CHECK_EQ(id.uuid[0], 1);
	CHECK_EQ(id.uuid[15], 16);
	CHECK(id.have_arch);
	CHECK_EQ(id.arch, 0);
	CHECK(id.have_ndi);
	CHECK_EQ(id.ndi[1], 2);
	CHECK_STR(id.vendor_class, "PXEClient:Arch:00000:UNDI:002001");
	CHECK_STR(id.user_class, "iPXE");   /* the control byte is left out */
}

TEST(dhcp_identity_hostile)
{
	uint8_t pkt[600];
	size_t len = make_discover(pkt, sizeof(pkt));
	struct dhcp_identity id;

	CHECK_EQ(dhcp_identity_parse(pkt, 200, &id), -E_PROTO);
	CHECK_EQ(id.client_id_len, 0);
	pkt[0] = 2;                          /* a reply, not a request */
	CHECK_EQ(dhcp_identity_parse(pkt, len, &id), -E_PROTO);
	pkt[0] = 1;
	pkt[2] = 16;                         /* not Ethernet's hlen */
	CHECK_EQ(dhcp_identity_parse(pkt, len, &id), -E_PROTO);
	pkt[2] = 6;
	/* Cut inside the UUID: the list runs past the packet. */
	CHECK_EQ(dhcp_identity_parse(pkt, BOOTP_MIN_LEN + 4 + 30, &id), -E_PROTO);
	/* Wrong lengths are left out: a 16-byte UUID, an odd architecture list, a 1-byte id. */
	len = make_discover(pkt, sizeof(pkt));
	pkt[BOOTP_MIN_LEN + 4 + 3] = 61;
	pkt[BOOTP_MIN_LEN + 4 + 4] = 1;      /* 61 of length 1, then 6 bytes parsed as options */
	CHECK(dhcp_identity_parse(pkt, len, &id) <= 0);
	CHECK_EQ(id.client_id_len, 0);
	len = make_discover(pkt, sizeof(pkt));
	pkt[BOOTP_MIN_LEN + 4 + 23] = 0x61;  /* 97's type byte not 0 */
	CHECK_EQ(dhcp_identity_parse(pkt, len, &id), 0);
	CHECK(!id.have_uuid);
	/* Text with control bytes and over 64 bytes: printable bytes kept, cut at 64. */
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 1;
	pkt[1] = 1;
	pkt[2] = 6;
	put_be32(pkt + BOOTP_MIN_LEN, DHCP_MAGIC);
	uint8_t *o = pkt + BOOTP_MIN_LEN + 4;
	o[0] = 60;
	o[1] = 200;
	for (int i = 0; i < 200; i++)
		o[2 + i] = i % 2 ? 'a' : 7;
	o[202] = 255;
	CHECK_EQ(dhcp_identity_parse(pkt, BOOTP_MIN_LEN + 4 + 203, &id), 0);
	CHECK_EQ(strlen(id.vendor_class), DHCP_ID_TEXT_MAX);
	CHECK_EQ(id.vendor_class[0], 'a');
	CHECK_EQ(id.client_id_len, 0);
	CHECK(!id.have_arch && !id.have_ndi && !id.have_uuid);
}
