/* file.h: the one file interface every loader uses. A name ("(nd)/vmlinuz", "/x" on the root
 * device, "tftp://host/x") is parsed into a struct file_name; the source it names (registered in
 * a linker-section table, as drivers and commands are) opens it into a struct file that carries
 * its own state, so several files can be open at once. */
#ifndef OSPREY_FILE_H
#define OSPREY_FILE_H

#include "lib/lib.h"

#define PATH_MAX_LEN 256
#define FILE_HOST_MAX 64

/* A parsed file name. */
struct file_name {
	char source[16];          /* the source that serves it: "nd", "hd", "preset", "tftp", "http" */
	char device[16];          /* "(dev)" names: the whole device ("hd0,1"); URLs: "" */
	bool url;                 /* named as scheme://host/path */
	char host[FILE_HOST_MAX]; /* URLs: a host name or dotted IPv4 address */
	uint16_t port;            /* URLs: the port given, 0 for the scheme's default */
	bool blocklist;           /* "(hd0,0)+1": path holds the GRUB block list, not a path */
	char path[PATH_MAX_LEN];  /* "/boot/vmlinuz" (always starts with '/'), or the block list */
};

/* Parse name. root is the device that "/path" names refer to ("nd"; NULL or "" for none:
 * -E_NODEV). Returns 0, -E_INVAL (malformed, or a device alone), -E_TOOBIG (a part too
 * long) or -E_RANGE (port); on failure *n is all zeros. */
int file_name_parse(const char *name, const char *root, struct file_name *n);
/* Parse a device alone, "(hd0,1)" (for `root`): fills source and device. */
int file_device_parse(const char *s, struct file_name *n);

struct file;

/* What an open file does; a source's open() installs it in the file. */
struct file_ops {
	/* Read up to len bytes at f->pos; returns bytes read (0 at the end) or -E_*. */
	int (*read)(struct file *f, void *buf, size_t len);
	/* Move to pos. NULL for a stream: file_seek() then skips forward by reading. */
	int (*seek)(struct file *f, uint64_t pos);
	/* Release what open() took (f->priv). */
	void (*close)(struct file *f);
};

/* A place files come from: a device "(nd)" or a URL scheme "tftp://". */
struct file_source {
	const char *name;         /* matches file_name.source */
	bool url;                 /* named by a URL scheme rather than a "(device)" */
	const char *what;         /* one line for help and errors: "files on the boot server" */
	/* Open n into f: set f->ops, f->priv, and f->size/size_known when the size is known. */
	int (*open)(struct file *f, const struct file_name *n);
	/* Whether n's device is there (`root` asks): 0, or -E_NODEV and the like. NULL: a device
	 * that is always there, such as (nd). */
	int (*check)(const struct file_name *n);
};

#define FILE_SOURCE(var)                                                                    \
	static const struct file_source var                                                 \
	__attribute__((used, section("osprey_sources"), aligned(sizeof(void *))))

extern const struct file_source __start_osprey_sources[], __stop_osprey_sources[];
#define for_each_file_source(s) \
	for (const struct file_source *s = __start_osprey_sources; s < __stop_osprey_sources; s++)

/* The source registered under name (a URL scheme when url), or NULL. */
const struct file_source *file_find_source(const char *name, bool url);

struct file {
	const struct file_source *src;
	const struct file_ops *ops;
	uint64_t size;            /* valid when size_known */
	bool size_known;
	uint64_t pos;
	void *priv;               /* the source's per-file state */
};

/* Check that the device named by n exists (its source's check): 0, -E_NODEV for an unknown
 * source, or the source's error. */
int file_device_check(const struct file_name *n);

/* The device that names without "(dev)" refer to ("nd" after network setup). */
extern char file_root_device[16];

int file_open(struct file *f, const char *name);
int file_open_name(struct file *f, const struct file_name *n);
int file_read(struct file *f, void *buf, size_t len);
/* Seek to pos: sources that can seek do; on a stream only forward (skipped by reading). */
int file_seek(struct file *f, uint64_t pos);
void file_close(struct file *f);

/* Where a whole-file load goes. */
struct load_opts {
	uintptr_t below;          /* the load ends at or below this address; 0: anywhere */
	size_t align;             /* power of two; 0: 4096 */
	unsigned flags;
};
#define LOAD_GUNZIP 0x1           /* a gzip file (magic 1F 8B 08) is unpacked after loading; other
				   * files load as they are. Needs room for both copies at once;
				   * -E_CORRUPT for a bad stream, -E_NOTSUP for several members. */

/* Load a whole file into the heap with a progress line (ESC or Ctrl-C cancels). Files of
 * unknown size land where a file of known size would (as high as fits below opts->below).
 * opts may be NULL. On success *data is heap memory the caller owns (heap_free) and *len
 * its size. */
int file_load(const char *name, const struct load_opts *opts, void **data, size_t *len);

#endif
