/* fs.h: read-only filesystems on block devices. An FS_TYPE() (linker-section table, tried in
 * order) mounts a device into a struct fs that opens files and lists directories. A file opened
 * through fs_open_file() owns its mount: its close calls fs_release(). */
#ifndef OSPREY_FS_H
#define OSPREY_FS_H

#include "disk/blockdev.h"
#include "files/file.h"

#define FS_NAME_MAX 256

struct fs_dirent {
	char name[FS_NAME_MAX];
	bool dir;
	uint64_t size;
};

/* Called per directory entry by list(); a nonzero return stops the listing (and is returned). */
typedef int (*fs_list_cb)(void *ctx, const struct fs_dirent *e);

struct fs;

struct fs_ops {
	/* Open path into f (f->ops/priv/size); the file's close must call fs_release(fs). */
	int (*open)(struct fs *fs, const char *path, struct file *f);
	/* Call cb for each entry of the directory path ("." and ".." left out). */
	int (*list)(struct fs *fs, const char *path, fs_list_cb cb, void *ctx);
	/* Free what mount allocated (the struct fs itself too). */
	void (*unmount)(struct fs *fs);
};

struct fs {
	const struct fs_type *type;
	const struct fs_ops *ops;
	struct blockdev *dev;     /* disk_put() when released */
	char label[64];           /* volume label, "" if none */
};

struct fs_type {
	const char *name;         /* "fat", "ext2", "iso9660" */
	/* Recognize dev and mount it into *out; -E_NOEXEC when dev holds another kind. */
	int (*mount)(struct blockdev *dev, struct fs **out);
};

#define FS_TYPE(var)                                                                        \
	static const struct fs_type var                                                     \
	__attribute__((used, section("osprey_fstypes"), aligned(sizeof(void *))))

/* Weak: a build (or a test) with no filesystem linked in has an empty table. */
extern const struct fs_type __start_osprey_fstypes[] __attribute__((weak));
extern const struct fs_type __stop_osprey_fstypes[] __attribute__((weak));
#define for_each_fs_type(t) \
	for (const struct fs_type *t = __start_osprey_fstypes; t < __stop_osprey_fstypes; t++)

/* Mount dev with the first type that knows it (takes dev: on failure it is put).
 * -E_NOTSUP (with err_detail) when none does. */
int fs_mount(struct blockdev *dev, struct fs **out);
/* Unmount fs and put its device. */
void fs_release(struct fs *fs);
/* Open path on dev's filesystem into f (takes dev). */
int fs_open_file(struct file *f, struct blockdev *dev, const char *path);
/* file_ops.seek for a filesystem file read by position: any offset up to its size. */
int fs_file_seek(struct file *file, uint64_t pos);
/* The end of a filesystem file's close: free its state (file->priv) and release fs. */
void fs_file_close(struct file *file, struct fs *fs);
/* List the directory path on dev (takes dev). */
int fs_list(struct blockdev *dev, const char *path, fs_list_cb cb, void *ctx);

/* Split the next component off *path ("/a/b" -> "a", *path = "/b"); false at the end.
 * Components longer than FS_NAME_MAX - 1 are -E_TOOBIG in *rc. */
bool fs_next_component(const char **path, char *out, int *rc);

#endif
