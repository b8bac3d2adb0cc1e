/* file.h: the one file interface every loader uses: names like (nd)/path resolve to a
 * backend (network now, disks later) that opens, sizes and reads files. */
#ifndef OSPREY_FILE_H
#define OSPREY_FILE_H

#include "lib/lib.h"

struct file;

struct file_backend {
	const char *device;   /* "nd" */
	int (*open)(struct file *f, const char *path);
	/* Read up to len bytes at the current position; returns bytes read (0 at end) or -E_*. */
	int (*read)(struct file *f, void *buf, size_t len);
	void (*close)(struct file *f);
};

struct file {
	const struct file_backend *be;
	uint64_t size;        /* 0 when the backend cannot tell before reading */
	bool size_known;
	uint64_t pos;
	void *priv;
};

/* Backends register themselves at start. */
void file_register_backend(const struct file_backend *be);
const struct file_backend *file_find_backend(const char *device);

/* The root device used for names without "(dev)" ("nd" after network setup). */
extern char file_root_device[16];

/* Split "(dev)/path" or "/path" (relative to the root device) into device and path.
 * dev must hold 16 bytes, path PATH_MAX_LEN. */
#define PATH_MAX_LEN 256
int path_parse(const char *name, const char *root, char *dev, char *path);

int file_open(struct file *f, const char *name);
int file_read(struct file *f, void *buf, size_t len);
void file_close(struct file *f);

/* Load a whole file into memory below limit (0 for anywhere), showing progress.
 * On success *data is heap memory the caller owns (heap_free) and *len its size. */
int file_load(const char *name, uintptr_t limit, void **data, size_t *len);

#endif
