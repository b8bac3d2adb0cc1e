/* fuzz_memmap.c: libFuzzer target for E820 map clean-up: entries from bytes, then invariants checked. */
#include "services/memmap.h"
#include "lib/errors.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get_le32(p + 4) << 32 | get_le32(p);
}

/* Inclusive last byte of an entry (clipped at 2^64 - 1). */
static uint64_t last_of(uint64_t base, uint64_t len)
{
	return len - 1 > UINT64_MAX - base ? UINT64_MAX : base + (len - 1);
}

static struct memmap in, m;

/* True when addr is inside an input entry whose type is (is_ram ? RAM : not RAM). */
static bool covered(uint64_t addr, bool is_ram)
{
	for (int i = 0; i < in.n; i++) {
		const struct memmap_entry *e = &in.e[i];
		if ((e->type == E820_RAM) == is_ram && e->length && e->base <= addr &&
		    addr <= last_of(e->base, e->length))
			return true;
	}
	return false;
}

static bool out_ram(uint64_t addr)
{
	for (int i = 0; i < m.n; i++)
		if (m.e[i].type == E820_RAM && m.e[i].base <= addr && addr <= last_of(m.e[i].base, m.e[i].length))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memset(&m, 0, sizeof(m));
	/* 17 bytes an entry: base, length, and a type byte (mostly 1..5, sometimes odd) */
	for (size_t off = 0; off + 17 <= size; off += 17) {
		uint8_t t = data[off + 16];
		uint32_t type = t < 0xf0 ? t % 6 : (uint32_t)t << 24 | t;
		int rc = memmap_add(&m, get64(data + off), get64(data + off + 8), type);
		if (rc != 0 && rc != -E_TOOBIG)
			abort();
	}
	in = m;
	memmap_sanitize(&m);

	if (m.n < 0 || m.n > MEMMAP_MAX)
		abort();
	for (int i = 0; i < m.n; i++) {
		const struct memmap_entry *e = &m.e[i];
		if (e->length == 0 || e->length - 1 > UINT64_MAX - e->base)
			abort();                               /* empty or wrapping */
		if (i > 0) {
			const struct memmap_entry *p = &m.e[i - 1];
			uint64_t plast = last_of(p->base, p->length);
			if (plast >= e->base)
				abort();                       /* unsorted or overlapping */
			if (plast + 1 == e->base && p->type == e->type)
				abort();                       /* not merged */
		}
		/* RAM out only where RAM went in and nothing else did */
		uint64_t first = e->base, last = last_of(e->base, e->length);
		if (e->type == E820_RAM &&
		    (!covered(first, true) || covered(first, false) || !covered(last, true) || covered(last, false)))
			abort();
	}
	/* no input non-RAM byte became RAM (checked at the edges of every input entry) */
	for (int i = 0; i < in.n; i++) {
		const struct memmap_entry *e = &in.e[i];
		if (e->type != E820_RAM && (out_ram(e->base) || out_ram(last_of(e->base, e->length))))
			abort();
	}
	/* sanitizing a clean map changes nothing */
	struct memmap again = m;
	memmap_sanitize(&again);
	if (again.n != m.n)
		abort();
	for (int i = 0; i < m.n; i++)
		if (again.e[i].base != m.e[i].base || again.e[i].length != m.e[i].length ||
		    again.e[i].type != m.e[i].type)
			abort();
	uint64_t up = memmap_upper_end(&m);
	if (up < 0x100000)
		abort();
	return 0;
}
