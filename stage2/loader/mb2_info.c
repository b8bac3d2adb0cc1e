/* mb2_info.c: lays out the Multiboot 2 boot information (Multiboot2 Specification 2.0, 3.6):
 * 8-aligned tags after total_size/reserved, ending with the end tag, addressed as the kernel
 * will see them; ELF sections the kernel did not load follow the tags. */
#include "loader/multiboot2.h"

#define SHF_ALLOC 2u
#define SHT_NULL 0u
#define SHT_NOBITS 8u

/* One pass of the layout: counts when buf is NULL, writes otherwise, so that the size and the
 * bytes cannot disagree. */
struct out {
	uint8_t *buf;
	uint32_t base;
	size_t at;
};

static void w32(struct out *o, size_t off, uint32_t v)
{
	if (o->buf)
		put_le32(o->buf + off, v);
}

static void w64(struct out *o, size_t off, uint64_t v)
{
	w32(o, off, (uint32_t)v);
	w32(o, off + 4, (uint32_t)(v >> 32));
}

static void wbytes(struct out *o, size_t off, const void *p, size_t n)
{
	if (o->buf)
		memcpy(o->buf + off, p, n);
}

/* Start a tag of type with size bytes at the current place; returns its offset. */
static size_t tag(struct out *o, uint32_t type, size_t size)
{
	size_t t = o->at;

	w32(o, t, type);
	w32(o, t + 4, (uint32_t)size);
	o->at = (t + size + 7) & ~(size_t)7;
	return t;
}

static void string_tag(struct out *o, uint32_t type, const char *s)
{
	size_t n = strlen(s) + 1;
	size_t t = tag(o, type, 8 + n);

	wbytes(o, t + 8, s, n);
}

/* The kernel file's section header table, when it is whole: 0 or the table's bytes. */
static size_t elf_sections(const struct mb2_info_in *in, uint32_t *shoff, unsigned *shentsize,
			   unsigned *shnum, unsigned *shstrndx)
{
	if (!in->elf || in->elf_len < 52)
		return 0;
	*shoff = get_le32(in->elf + 32);
	*shentsize = get_le16(in->elf + 46);
	*shnum = get_le16(in->elf + 48);
	*shstrndx = get_le16(in->elf + 50);
	if (*shentsize < 40 || *shnum == 0 || *shoff > in->elf_len ||
	    (uint64_t)*shnum * *shentsize > in->elf_len - *shoff)
		return 0;
	return (size_t)*shnum * *shentsize;
}

/* Tag 9: the section headers; the contents of sections not loaded (no SHF_ALLOC: symbols,
 * strings) are copied at *extra and their sh_addr pointed there. */
static void elf_tag(struct out *o, const struct mb2_info_in *in, size_t *extra)
{
	uint32_t shoff;
	unsigned entsize, num, strndx;
	size_t tbl = elf_sections(in, &shoff, &entsize, &num, &strndx);

	if (!tbl)
		return;
	size_t t = tag(o, MB2_IT_ELF, 20 + tbl);
	w32(o, t + 8, num);
	w32(o, t + 12, entsize);
	w32(o, t + 16, strndx);
	wbytes(o, t + 20, in->elf + shoff, tbl);
	for (unsigned i = 0; i < num; i++) {
		const uint8_t *sh = in->elf + shoff + (size_t)i * entsize;
		uint32_t type = get_le32(sh + 4), flags = get_le32(sh + 8);
		uint32_t off = get_le32(sh + 16), size = get_le32(sh + 20);
		if ((flags & SHF_ALLOC) || type == SHT_NULL || type == SHT_NOBITS || size == 0 ||
		    off > in->elf_len || size > in->elf_len - off)
			continue;
		wbytes(o, *extra, in->elf + off, size);
		w32(o, t + 20 + (size_t)i * entsize + 12, o->base + (uint32_t)*extra);
		*extra += (size + 15) & ~(size_t)15;
	}
}

/* Every tag but the ELF sections and the end; returns where the next tag goes. */
static size_t layout(struct out *o, const struct mb2_info_in *in)
{
	uint32_t lower, upper;

	o->at = 8;
	string_tag(o, MB2_IT_CMDLINE, in->cmdline);
	string_tag(o, MB2_IT_LOADER, in->loader_name);
	for (unsigned i = 0; i < in->nmods; i++) {
		size_t n = strlen(in->mods[i].string) + 1;
		size_t t = tag(o, MB2_IT_MODULE, 16 + n);
		w32(o, t + 8, in->mods[i].start);
		w32(o, t + 12, in->mods[i].start + in->mods[i].len);
		wbytes(o, t + 16, in->mods[i].string, n);
	}
	mb_mem_sizes(in->mmap, in->nmmap, &lower, &upper);
	size_t t = tag(o, MB2_IT_MEMINFO, 16);
	w32(o, t + 8, lower);
	w32(o, t + 12, upper);
	t = tag(o, MB2_IT_MMAP, 16 + 24 * (size_t)in->nmmap);
	w32(o, t + 8, 24);                  /* entry_size */
	w32(o, t + 12, 0);                  /* entry_version */
	for (unsigned i = 0; i < in->nmmap; i++) {
		size_t e = t + 16 + 24 * (size_t)i;
		w64(o, e, in->mmap[i].base);
		w64(o, e + 8, in->mmap[i].length);
		w32(o, e + 16, in->mmap[i].type);
		w32(o, e + 20, 0);
	}
	if (in->ega_text) {
		/* The EGA text screen osprey leaves (framebuffer type 2: width and height in
		 * characters, 16 bits a character cell). */
		t = tag(o, MB2_IT_FRAMEBUFFER, 32);
		w64(o, t + 8, 0xB8000);
		w32(o, t + 16, 160);
		w32(o, t + 20, 80);
		w32(o, t + 24, 25);
		if (o->buf) {
			o->buf[t + 28] = 16;
			o->buf[t + 29] = 2;
		}
	}
	if (in->dhcp_ack && in->dhcp_ack_len) {
		t = tag(o, MB2_IT_NETWORK, 8 + in->dhcp_ack_len);
		wbytes(o, t + 8, in->dhcp_ack, in->dhcp_ack_len);
	}
	if (in->load_base_tag) {
		t = tag(o, MB2_IT_LOAD_BASE, 12);
		w32(o, t + 8, in->load_base);
	}
	return o->at;
}

size_t mb2_info_size(const struct mb2_info_in *in)
{
	struct out o = { NULL, 0, 0 };
	size_t at = layout(&o, in);

	/* Then the ELF tag (counting the sections it copies in extra) and the end tag. */
	size_t extra = 0;
	o.at = at;
	elf_tag(&o, in, &extra);
	return o.at + 8 + 8 + extra;     /* 8: the copies start 16-aligned */
}

uint32_t mb2_info_build(uint8_t *buf, uint32_t base, const struct mb2_info_in *in)
{
	struct out o = { buf, base, 0 };
	size_t size = mb2_info_size(in);

	memset(buf, 0, size);
	o.at = layout(&o, in);
	struct out probe = { NULL, 0, o.at };
	size_t extra = 0;
	elf_tag(&probe, in, &extra);
	size_t end = probe.at;              /* where the end tag goes, after the ELF tag */
	extra = (end + 8 + 15) & ~(size_t)15; /* the sections not loaded follow the end tag */
	elf_tag(&o, in, &extra);
	tag(&o, MB2_IT_END, 8);
	put_le32(buf, (uint32_t)(end + 8));
	put_le32(buf + 4, 0);
	return (uint32_t)(end + 8);
}
