/* memmap.c: collect the E820 memory map and clean it up (sort, split overlaps, merge). */
#include "services/memmap.h"
#include "lib/errors.h"

struct memmap memmap;

int memmap_add(struct memmap *m, uint64_t base, uint64_t length, uint32_t type)
{
	if (length == 0)
		return 0;
	if (m->n < 0 || m->n >= MEMMAP_MAX)
		return -E_TOOBIG;
	/* An entry running past 2^64 is clipped to end there (length = 2^64 - base). */
	if (base != 0 && length > 0 - base)
		length = 0 - base;
	m->e[m->n].base = base;
	m->e[m->n].length = length;
	m->e[m->n].type = type;
	m->n++;
	return 0;
}

/* Which type wins where entries overlap: anything beats RAM, then the higher type. */
static uint64_t type_rank(uint32_t type)
{
	return type == E820_RAM ? 0 : (uint64_t)type + 1;
}

/* An inclusive range [first, last]: with it, a range may reach 2^64 - 1 without overflow. */
struct span {
	uint64_t first, last;
	uint32_t type;
};

/* n entries give at most 2n boundaries, hence fewer than 2n pieces before merging. */
#define POINTS_MAX (2 * MEMMAP_MAX)
static struct span in[MEMMAP_MAX], out[POINTS_MAX];
static uint64_t points[POINTS_MAX];

static void sort_points(int n)
{
	for (int i = 1; i < n; i++) {
		uint64_t v = points[i];
		int j = i;
		for (; j > 0 && points[j - 1] > v; j--)
			points[j] = points[j - 1];
		points[j] = v;
	}
}

/* Drop the shortest piece (non-RAM ones first: only RAM pieces are ever used, and a
 * missing non-RAM piece still leaves its range out of RAM). */
static int drop_one(int n)
{
	int victim = -1;

	for (int pass = 0; pass < 2 && victim < 0; pass++) {
		for (int i = 0; i < n; i++) {
			if ((out[i].type == E820_RAM) != (pass == 1))
				continue;
			if (victim < 0 || out[i].last - out[i].first < out[victim].last - out[victim].first)
				victim = i;
		}
	}
	memmove(&out[victim], &out[victim + 1], (size_t)(n - victim - 1) * sizeof(out[0]));
	return n - 1;
}

/* Sweep over the boundaries of all entries: each elementary interval between two
 * consecutive boundaries gets the winning type of the entries covering it. */
void memmap_sanitize(struct memmap *m)
{
	int nin = 0, np = 0, nout = 0;

	if (m->n > MEMMAP_MAX)
		m->n = MEMMAP_MAX;
	for (int i = 0; i < m->n; i++) {
		const struct memmap_entry *e = &m->e[i];
		if (e->length == 0)
			continue;
		in[nin].first = e->base;
		in[nin].last = e->length - 1 > UINT64_MAX - e->base ? UINT64_MAX : e->base + (e->length - 1);
		in[nin].type = e->type;
		points[np++] = in[nin].first;
		if (in[nin].last != UINT64_MAX)
			points[np++] = in[nin].last + 1;
		nin++;
	}
	sort_points(np);

	for (int i = 0; i < np; i++) {
		if (i > 0 && points[i] == points[i - 1])
			continue;
		uint64_t first = points[i];
		uint64_t last = UINT64_MAX;
		for (int j = i + 1; j < np; j++) {
			if (points[j] != first) {
				last = points[j] - 1;
				break;
			}
		}
		/* Boundaries of every entry are points, so coverage is uniform over [first, last]. */
		bool covered = false;
		uint32_t type = 0;
		for (int k = 0; k < nin; k++) {
			if (in[k].first <= first && first <= in[k].last &&
			    (!covered || type_rank(in[k].type) > type_rank(type))) {
				type = in[k].type;
				covered = true;
			}
		}
		if (!covered)
			continue;
		if (nout > 0 && out[nout - 1].type == type && out[nout - 1].last + 1 == first) {
			out[nout - 1].last = last;
			continue;
		}
		out[nout].first = first;
		out[nout].last = last;
		out[nout].type = type;
		nout++;
	}
	while (nout > MEMMAP_MAX)
		nout = drop_one(nout);

	for (int i = 0; i < nout; i++) {
		m->e[i].base = out[i].first;
		/* Only [0, 2^64) as a whole cannot be described; it loses its last byte. */
		m->e[i].length = out[i].last - out[i].first == UINT64_MAX ? UINT64_MAX
							 : out[i].last - out[i].first + 1;
		m->e[i].type = out[i].type;
	}
	m->n = nout;
}

const char *memmap_type_name(uint32_t type)
{
	switch (type) {
	case E820_RAM: return "usable";
	case E820_RESERVED: return "reserved";
	case E820_ACPI: return "ACPI";
	case E820_NVS: return "ACPI NVS";
	case E820_UNUSABLE: return "unusable";
	default: return "unknown";
	}
}

/* End (exclusive) of the RAM entry containing 1 MiB; 1 MiB itself when there is none
 * (no upper memory), so that "end - 1 MiB" is always a safe size. */
uint64_t memmap_upper_end(const struct memmap *m)
{
	const uint64_t mib = 0x100000;

	for (int i = 0; i < m->n && i < MEMMAP_MAX; i++) {
		const struct memmap_entry *e = &m->e[i];
		if (e->type != E820_RAM || e->length == 0 || e->base > mib)
			continue;
		if (e->length - 1 > UINT64_MAX - e->base)
			return UINT64_MAX;    /* reaches the top of the address space */
		if (e->base + e->length > mib)
			return e->base + e->length;
	}
	return mib;
}
