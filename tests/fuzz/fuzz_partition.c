/* fuzz_partition.c: libFuzzer target for the partition table reader: the input is a disk image
 * (512-byte sectors); every entry reported must lie inside the disk. The first line of the input
 * is also tried as a block list. */
#include "disk/disk.h"
#include "disk/partition.h"
#include "lib/errors.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *img;
static size_t img_len;

static int fz_read(struct blockdev *d, uint64_t lba, uint32_t count, void *buf)
{
	/* Sectors past the input read as zeros: a small input stands for a large disk. */
	for (uint32_t i = 0; i < count; i++) {
		uint64_t off = (lba + i) * 512;
		uint8_t *out = (uint8_t *)buf + (size_t)i * 512;

		memset(out, 0, 512);
		if (off < img_len)
			memcpy(out, img + off, MIN((size_t)512, img_len - (size_t)off));
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blockdev d = { .name = "hd0", .sector_size = 512, .read = fz_read };
	static struct part_entry list[PART_MAX];
	enum part_scheme s;
	unsigned n;
	int rc;

	img = data;
	img_len = size;
	d.sectors = 1u << 20;               /* 512 MiB */
	rc = part_read_table(&d, &s, list, PART_MAX, &n);
	if (rc < 0 && (n != 0 || (rc != -E_PROTO && rc != -E_NOMEM)))
		abort();
	for (unsigned i = 0; i < n; i++)
		if (list[i].start == 0 || list[i].sectors == 0 || list[i].start >= d.sectors ||
		    list[i].sectors > d.sectors - list[i].start)
			abort();

	char line[64];
	size_t k = 0;

	while (k < size && k < sizeof(line) - 1 && data[k] != '\n') {
		line[k] = (char)data[k];
		k++;
	}
	line[k] = '\0';
	struct blocklist_run runs[BLOCKLIST_MAX_RUNS];
	if (blocklist_parse(line, runs, BLOCKLIST_MAX_RUNS, &n) == 0)
		for (unsigned i = 0; i < n; i++)
			if (runs[i].count == 0 || n > BLOCKLIST_MAX_RUNS)
				abort();
	return 0;
}
