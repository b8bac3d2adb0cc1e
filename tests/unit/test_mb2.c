/* test_mb2.c: unit tests of the Multiboot 2 header parser (tags honoured, required ones refused
 * by name, hostile headers: checksum, architecture, sizes past the end, no end tag, misplaced
 * header, address fields) and of the boot information layout (every tag walked back). */
#include <stdlib.h>
#include "test.h"
#include "lib/errors.h"
#include "loader/multiboot2.h"

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* A header under construction at h: tags appended, then finished with an end tag. */
struct hdr {
	uint8_t *h;
	uint32_t at;
};

static void hdr_start(struct hdr *b, uint8_t *h)
{
	b->h = h;
	b->at = 16;
	put32(h, MB2_MAGIC);
	put32(h + 4, 0);
}

/* Append a tag with n u32 fields. */
static void hdr_tag(struct hdr *b, uint16_t type, uint16_t flags, unsigned n, const uint32_t *f)
{
	uint8_t *t = b->h + b->at;
	put16(t, type);
	put16(t + 2, flags);
	put32(t + 4, 8 + 4 * n);
	for (unsigned i = 0; i < n; i++)
		put32(t + 8 + 4 * i, f[i]);
	b->at += (8 + 4 * n + 7) & ~7u;
}

static uint32_t hdr_end(struct hdr *b, int checksum_delta)
{
	hdr_tag(b, MB2_HT_END, 0, 0, NULL);
	put32(b->h + 8, b->at);
	put32(b->h + 12, 0u - MB2_MAGIC - 0 - b->at + (uint32_t)checksum_delta);
	return b->at;
}

/* An ELF32 file of 16 KiB: one PT_LOAD of 0x2000 bytes at 1 MiB (file offset 0x1000), the
 * header at 0x1000; three section headers (null, .text allocated, .strtab not) at 0x3000. */
static uint8_t *elf(size_t *len)
{
	uint8_t *e = calloc(1, 16384);
	memcpy(e, "\177ELF", 4);
	e[4] = 1, e[5] = 1, e[6] = 1;
	put16(e + 16, 2);
	put16(e + 18, 3);
	put32(e + 24, 0x100400);          /* entry */
	put32(e + 28, 52);                /* phoff */
	put32(e + 32, 0x3000);            /* shoff */
	put16(e + 42, 32);
	put16(e + 44, 1);
	put16(e + 46, 40);
	put16(e + 48, 3);
	put16(e + 50, 2);
	uint8_t *ph = e + 52;
	put32(ph, 1), put32(ph + 4, 0x1000), put32(ph + 8, 0x100000), put32(ph + 12, 0x100000);
	put32(ph + 16, 0x2000), put32(ph + 20, 0x3000);
	uint8_t *sh = e + 0x3000 + 40;
	put32(sh + 4, 1), put32(sh + 8, 6), put32(sh + 12, 0x100000), put32(sh + 16, 0x1000);
	put32(sh + 20, 0x2000);
	sh += 40;
	put32(sh + 4, 3), put32(sh + 8, 0), put32(sh + 12, 0), put32(sh + 16, 0x3100);
	put32(sh + 20, 13);
	memcpy(e + 0x3100, "\0.text\0.strt", 13);
	*len = 16384;
	return e;
}

static const uint32_t req_ok[] = { 1, 2, 3, 4, 6, 8, 9, 16, 21 };

TEST(mb2_elf_tags)
{
	size_t len;
	uint8_t *e = elf(&len);
	struct hdr b;
	struct mb2_image img;

	hdr_start(&b, e + 0x1000);
	hdr_tag(&b, MB2_HT_INFO_REQ, 0, 9, req_ok);
	hdr_tag(&b, MB2_HT_ENTRY, 0, 1, (uint32_t[]){ 0x100200 });
	hdr_tag(&b, MB2_HT_CONSOLE, 0, 1, (uint32_t[]){ MB2_CONSOLE_REQUIRED | MB2_CONSOLE_EGA });
	hdr_tag(&b, MB2_HT_FRAMEBUFFER, MB2_TAG_OPTIONAL, 3, (uint32_t[]){ 1024, 768, 32 });
	hdr_tag(&b, MB2_HT_MODALIGN, 0, 0, NULL);
	hdr_tag(&b, MB2_HT_RELOCATABLE, 0, 4, (uint32_t[]){ 0x100000, 0x1000000, 0x1000, 1 });
	hdr_tag(&b, MB2_HT_ENTRY_EFI64, MB2_TAG_OPTIONAL, 1, (uint32_t[]){ 0x100300 });
	hdr_tag(&b, 42, MB2_TAG_OPTIONAL, 0, NULL);
	hdr_end(&b, 0);
	CHECK_EQ(mb2_parse(e, len, &img), 0);
	CHECK_EQ(img.layout.header_offset, 0x1000);
	CHECK_EQ(img.layout.nseg, 1);
	CHECK_EQ(img.layout.seg[0].addr, 0x100000);
	CHECK_EQ(img.layout.seg[0].memsz, 0x3000);
	CHECK_EQ(img.layout.entry, 0x100200);           /* the entry tag wins over e_entry */
	for (unsigned i = 0; i < 9; i++)
		CHECK(img.asked & (1u << req_ok[i]));
	CHECK(img.elf && img.modalign && img.reloc);
	CHECK_EQ(img.reloc_min, 0x100000);
	CHECK_EQ(img.reloc_max, 0x1000000);
	CHECK_EQ(img.reloc_align, 0x1000);
	CHECK_EQ(img.reloc_pref, 1);
	free(e);
}

/* Build the ELF with one extra tag (type, flags, fields) and return mb2_parse's result. */
static int with_tag(uint16_t type, uint16_t flags, unsigned n, const uint32_t *f)
{
	size_t len;
	uint8_t *e = elf(&len);
	struct hdr b;
	struct mb2_image img;

	hdr_start(&b, e + 0x1000);
	hdr_tag(&b, type, flags, n, f);
	hdr_end(&b, 0);
	int rc = mb2_parse(e, len, &img);
	free(e);
	return rc;
}

TEST(mb2_required_refused_by_name)
{
	CHECK_EQ(with_tag(MB2_HT_INFO_REQ, 0, 2, (uint32_t[]){ 1, 5 }), -E_NOTSUP);
	CHECK(strstr(err_detail, "BIOS boot device (tag 5)"));
	CHECK_EQ(with_tag(MB2_HT_INFO_REQ, 0, 1, (uint32_t[]){ 14 }), -E_NOTSUP);
	CHECK(strstr(err_detail, "ACPI 1.0 RSDP (tag 14)"));
	CHECK_EQ(with_tag(MB2_HT_INFO_REQ, 0, 1, (uint32_t[]){ 999 }), -E_NOTSUP);
	CHECK(strstr(err_detail, "unknown (tag 999)"));
	CHECK_EQ(with_tag(MB2_HT_INFO_REQ, MB2_TAG_OPTIONAL, 2, (uint32_t[]){ 5, 999 }), 0);
	CHECK_EQ(with_tag(MB2_HT_FRAMEBUFFER, 0, 3, (uint32_t[]){ 1024, 768, 32 }), -E_NOTSUP);
	CHECK(strstr(err_detail, "graphics framebuffer (osprey keeps text mode) (header tag 5)"));
	CHECK_EQ(with_tag(MB2_HT_CONSOLE, 0, 1, (uint32_t[]){ MB2_CONSOLE_REQUIRED }), -E_NOTSUP);
	CHECK(strstr(err_detail, "console other than EGA text"));
	CHECK_EQ(with_tag(MB2_HT_CONSOLE, 0, 1, (uint32_t[]){ MB2_CONSOLE_EGA }), 0);
	CHECK_EQ(with_tag(MB2_HT_EFI_BS, 0, 0, NULL), -E_NOTSUP);
	CHECK_EQ(with_tag(MB2_HT_ENTRY_EFI32, 0, 1, (uint32_t[]){ 0x100000 }), -E_NOTSUP);
	CHECK(strstr(err_detail, "EFI entry point"));
	CHECK_EQ(with_tag(42, 0, 0, NULL), -E_NOTSUP);
	CHECK(strstr(err_detail, "header tag 42, unknown to osprey"));
	CHECK_EQ(with_tag(MB2_HT_RELOCATABLE, 0, 4, (uint32_t[]){ 0, 0, 3000, 0 }), -E_INVAL);
	CHECK_EQ(with_tag(MB2_HT_ENTRY, 0, 1, (uint32_t[]){ 0x200000 }), -E_INVAL);
	CHECK(strstr(err_detail, "entry point outside"));
	CHECK_EQ(with_tag(MB2_HT_ADDRESS, 0, 1, (uint32_t[]){ 0x100000 }), -E_INVAL);
	CHECK(strstr(err_detail, "address tag too short"));
}

TEST(mb2_hostile_headers)
{
	size_t len;
	uint8_t *e = elf(&len);
	struct hdr b;
	struct mb2_image img;

	hdr_start(&b, e + 0x1000);
	hdr_end(&b, 1);
	CHECK_EQ(mb2_parse(e, len, &img), -E_INVAL);
	CHECK(strstr(err_detail, "checksum wrong"));
	/* Another architecture (MIPS, 4). */
	put32(e + 0x1004, 4);
	put32(e + 0x100c, 0u - MB2_MAGIC - 4 - get_le32(e + 0x1008));
	CHECK_EQ(mb2_parse(e, len, &img), -E_NOTSUP);
	CHECK(strstr(err_detail, "architecture 4"));
	/* A tag's size past the header's end. */
	hdr_start(&b, e + 0x1000);
	hdr_tag(&b, MB2_HT_MODALIGN, 0, 0, NULL);
	hdr_end(&b, 0);
	put32(e + 0x1000 + 16 + 4, 4096);
	CHECK_EQ(mb2_parse(e, len, &img), -E_INVAL);
	put32(e + 0x1000 + 16 + 4, 4);                  /* below the tag's own 8 bytes */
	CHECK_EQ(mb2_parse(e, len, &img), -E_INVAL);
	/* No end tag: header_length stops after the module alignment tag. */
	put32(e + 0x1000 + 16 + 4, 8);
	put32(e + 0x1008, 24);
	put32(e + 0x100c, 0u - MB2_MAGIC - 24);
	CHECK_EQ(mb2_parse(e, len, &img), -E_INVAL);
	CHECK(strstr(err_detail, "without an end tag"));
	/* header_length past the file. */
	put32(e + 0x1008, 0x10000);
	put32(e + 0x100c, 0u - MB2_MAGIC - 0x10000);
	CHECK_EQ(mb2_parse(e, len, &img), -E_INVAL);
	/* Not 8-aligned: not found; nor past 32 KiB. */
	memset(e + 0x1000, 0, 64);
	hdr_start(&b, e + 0x1004);
	hdr_end(&b, 0);
	CHECK_EQ(mb2_parse(e, len, &img), -E_NOEXEC);
	uint8_t *big = calloc(1, 40000);
	hdr_start(&b, big + 32768);
	hdr_end(&b, 0);
	CHECK_EQ(mb2_parse(big, 40000, &img), -E_NOEXEC);
	/* Cut inside the header. */
	hdr_start(&b, big);
	hdr_end(&b, 0);
	CHECK_EQ(mb2_parse(big, 20, &img), -E_INVAL);
	CHECK_EQ(mb2_parse(big, 15, &img), -E_NOEXEC);
	free(big);
	free(e);
}

TEST(mb2_address_tag)
{
	uint8_t *f = calloc(1, 8192);
	struct hdr b;
	struct mb2_image img;

	/* A flat binary at 2 MiB, the header at offset 64: load_addr -1 means from byte 0. */
	hdr_start(&b, f + 64);
	hdr_tag(&b, MB2_HT_ADDRESS, 0, 4, (uint32_t[]){ 0x200040, 0xFFFFFFFFu, 0x201000, 0x204000 });
	hdr_tag(&b, MB2_HT_ENTRY, 0, 1, (uint32_t[]){ 0x200100 });
	hdr_tag(&b, MB2_HT_INFO_REQ, 0, 1, (uint32_t[]){ 9 });   /* ELF sections: not ELF */
	hdr_end(&b, 0);
	CHECK_EQ(mb2_parse(f, 8192, &img), -E_NOTSUP);
	CHECK(strstr(err_detail, "ELF sections (tag 9)"));
	hdr_start(&b, f + 64);
	hdr_tag(&b, MB2_HT_ADDRESS, 0, 4, (uint32_t[]){ 0x200040, 0xFFFFFFFFu, 0x201000, 0x204000 });
	hdr_tag(&b, MB2_HT_ENTRY, 0, 1, (uint32_t[]){ 0x200100 });
	hdr_end(&b, 0);
	CHECK_EQ(mb2_parse(f, 8192, &img), 0);
	CHECK(img.layout.aout && !img.elf);
	CHECK_EQ(img.layout.seg[0].offset, 0);
	CHECK_EQ(img.layout.seg[0].addr, 0x200000);
	CHECK_EQ(img.layout.seg[0].filesz, 0x1000);
	CHECK_EQ(img.layout.seg[0].memsz, 0x4000);
	CHECK_EQ(img.layout.entry, 0x200100);
	/* load_end past the file; header_addr below the file's start; no entry tag. */
	hdr_start(&b, f + 64);
	hdr_tag(&b, MB2_HT_ADDRESS, 0, 4, (uint32_t[]){ 0x200040, 0x200000, 0x210000, 0 });
	hdr_tag(&b, MB2_HT_ENTRY, 0, 1, (uint32_t[]){ 0x200100 });
	hdr_end(&b, 0);
	CHECK_EQ(mb2_parse(f, 8192, &img), -E_INVAL);
	CHECK(strstr(err_detail, "past the end of the file"));
	hdr_start(&b, f + 64);
	hdr_tag(&b, MB2_HT_ADDRESS, 0, 4, (uint32_t[]){ 0x20, 0xFFFFFFFFu, 0, 0 });
	hdr_tag(&b, MB2_HT_ENTRY, 0, 1, (uint32_t[]){ 0x30 });
	hdr_end(&b, 0);
	CHECK_EQ(mb2_parse(f, 8192, &img), -E_INVAL);
	hdr_start(&b, f + 64);
	hdr_tag(&b, MB2_HT_ADDRESS, 0, 4, (uint32_t[]){ 0x200040, 0x200000, 0, 0 });
	hdr_end(&b, 0);
	CHECK_EQ(mb2_parse(f, 8192, &img), -E_INVAL);
	CHECK(strstr(err_detail, "without an entry address tag"));
	/* Neither ELF nor an address tag. */
	hdr_start(&b, f + 64);
	hdr_end(&b, 0);
	CHECK_EQ(mb2_parse(f, 8192, &img), -E_NOTSUP);
	free(f);
}

static const struct memmap_entry map[] = {
	{ 0, 0x9fc00, E820_RAM },
	{ 0x9fc00, 0x400, E820_RESERVED },
	{ 0x100000, 0x7ee0000, E820_RAM },
};

TEST(mb2_info_layout)
{
	size_t elen;
	uint8_t *e = elf(&elen);
	uint8_t ack[301];
	struct mb1_module mods[2] = { { 0x300000, 5000, "a.bin x=1" }, { 0x302000, 10, "b" } };
	struct mb2_info_in in = { .cmdline = "console=ttyS0", .loader_name = "osprey", .nmods = 2,
				  .mods = mods, .nmmap = 3, .mmap = map, .dhcp_ack = ack,
				  .dhcp_ack_len = sizeof(ack), .load_base_tag = true,
				  .load_base = 0x100000, .elf = e, .elf_len = elen, .ega_text = true };
	const uint32_t base = 0x7000000;

	for (unsigned i = 0; i < sizeof(ack); i++)
		ack[i] = (uint8_t)i;
	size_t n = mb2_info_size(&in);
	uint8_t *buf = malloc(n + 64);
	memset(buf, 0xee, n + 64);
	uint32_t total = mb2_info_build(buf, base, &in);
	CHECK(total <= n);
	CHECK_EQ(get_le32(buf), total);
	for (unsigned i = 0; i < 64; i++)
		CHECK_EQ(buf[n + i], 0xee);             /* nothing written past the size */
	unsigned seen = 0, nmod = 0;
	uint32_t at = 8;
	for (;;) {
		CHECK(at % 8 == 0 && at + 8 <= total);
		uint32_t type = get_le32(buf + at), size = get_le32(buf + at + 4);
		const uint8_t *t = buf + at;
		CHECK(at + size <= total);
		seen |= 1u << type;
		if (type == MB2_IT_END) {
			CHECK_EQ(size, 8);
			CHECK_EQ(at + 8, total);
			break;
		}
		switch (type) {
		case MB2_IT_CMDLINE:
			CHECK_STR((const char *)t + 8, "console=ttyS0");
			break;
		case MB2_IT_LOADER:
			CHECK_STR((const char *)t + 8, "osprey");
			break;
		case MB2_IT_MODULE:
			CHECK_EQ(get_le32(t + 8), mods[nmod].start);
			CHECK_EQ(get_le32(t + 12), mods[nmod].start + mods[nmod].len);
			CHECK_STR((const char *)t + 16, mods[nmod].string);
			nmod++;
			break;
		case MB2_IT_MEMINFO:
			CHECK_EQ(get_le32(t + 8), 639);
			CHECK_EQ(get_le32(t + 12), 0x7ee0000 >> 10);
			break;
		case MB2_IT_MMAP:
			CHECK_EQ(size, 16 + 3 * 24);
			CHECK_EQ(get_le32(t + 8), 24);
			CHECK_EQ(get_le32(t + 16 + 24 + 8), 0x400);   /* second entry's length */
			CHECK_EQ(get_le32(t + 16 + 24 + 16), E820_RESERVED);
			break;
		case MB2_IT_FRAMEBUFFER:
			CHECK_EQ(get_le32(t + 8), 0xB8000);
			CHECK_EQ(t[29], 2);                   /* EGA text */
			break;
		case MB2_IT_NETWORK:
			CHECK_EQ(size, 8 + sizeof(ack));
			CHECK(memcmp(t + 8, ack, sizeof(ack)) == 0);
			break;
		case MB2_IT_LOAD_BASE:
			CHECK_EQ(get_le32(t + 8), 0x100000);
			break;
		case MB2_IT_ELF: {
			CHECK_EQ(get_le32(t + 8), 3);
			CHECK_EQ(get_le32(t + 12), 40);
			CHECK_EQ(get_le32(t + 16), 2);
			/* .text keeps its address; .strtab was copied after the tags. */
			CHECK_EQ(get_le32(t + 20 + 40 + 12), 0x100000);
			uint32_t a = get_le32(t + 20 + 80 + 12);
			CHECK(a >= base + total && a + 13 <= base + n);
			CHECK(memcmp(buf + (a - base), "\0.text\0.strt", 13) == 0);
			break;
		}
		default:
			CHECK(!"unexpected tag");
		}
		at += (size + 7) & ~7u;
	}
	CHECK_EQ(nmod, 2);
	CHECK_EQ(seen, (1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 6) |
			       (1u << 8) | (1u << 9) | (1u << 16) | (1u << 21));
	/* A hostile section table (past the file) gives no ELF tag, and nothing else breaks. */
	put32(e + 32, 0xFFFFFF00u);
	in.dhcp_ack = NULL;
	in.ega_text = false;
	n = mb2_info_size(&in);
	total = mb2_info_build(buf, base, &in);
	CHECK(total <= n);
	free(buf);
	free(e);
}
