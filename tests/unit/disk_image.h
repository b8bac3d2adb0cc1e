/* disk_image.h: test helpers: disk images made by real tools (sfdisk, mkfs.*) in a temporary
 * file, and block devices over such a file or over memory (with hostile edits in place). */
#ifndef OSPREY_TEST_DISK_IMAGE_H
#define OSPREY_TEST_DISK_IMAGE_H

#include "disk/blockdev.h"
#include "disk/fs.h"

struct test_disk {
	struct blockdev bd;
	uint8_t *data;            /* the whole image in memory */
	size_t size;
	int reads;                /* read calls seen */
	int fail_after;           /* > 0: the read after this many fails with -E_IO */
};

/* Create an image of size bytes at a fresh temporary path, run the shell command cmd with "$1"
 * = that path (e.g. "sfdisk -q \"$1\" < ...") and load it into d (sector size ss). Returns 0,
 * or -1 (after printing why) when the tool failed or is missing. */
int test_disk_make(struct test_disk *d, size_t size, uint32_t ss, const char *cmd);
/* A device over a copy of len bytes of data. */
void test_disk_from(struct test_disk *d, const void *data, size_t len, uint32_t ss);
void test_disk_free(struct test_disk *d);

/* Read the whole file name on d (through the FS_TYPE table) in reads of chunk bytes into a
 * malloc'd, NUL-terminated buffer *out (the caller frees it). Returns the length or rc < 0
 * (then *out is NULL). */
long test_disk_slurp(struct test_disk *d, const char *name, int chunk, char **out);

/* A directory listing as text, "name:size;" per entry ("name/:0;" for a directory). */
struct test_names {
	char all[16384];
	int n;
};
/* fs_list callback appending to a struct test_names. */
int test_names_collect(void *ctx, const struct fs_dirent *e);

#endif
