/* fs.c: finds the filesystem on a device (the FS_TYPE table, in link order) and ties a mount's
 * life to the file or listing that needed it. */
#include "disk/disk.h"
#include "disk/fs.h"
#include "lib/errors.h"
#include "services/heap.h"

int fs_mount(struct blockdev *dev, struct fs **out)
{
	int rc;

	*out = NULL;
	for_each_fs_type(t) {
		rc = t->mount(dev, out);
		if (rc == -E_NOEXEC)
			continue;
		if (rc < 0) {
			disk_put(dev);
			return rc;
		}
		(*out)->type = t;
		(*out)->dev = dev;
		return 0;
	}
	snprintf(err_detail, sizeof(err_detail), "(%s) holds no filesystem osprey can read "
		 "(FAT, ext2/3/4, ISO 9660)", dev->name);
	disk_put(dev);
	return -E_NOTSUP;
}

void fs_release(struct fs *fs)
{
	struct blockdev *dev = fs->dev;

	fs->ops->unmount(fs);
	disk_put(dev);
}

int fs_file_seek(struct file *file, uint64_t pos)
{
	return pos > file->size ? -E_RANGE : 0;
}

void fs_file_close(struct file *file, struct fs *fs)
{
	free(file->priv);
	file->priv = NULL;
	fs_release(fs);
}

int fs_open_file(struct file *f, struct blockdev *dev, const char *path)
{
	struct fs *fs;
	int rc = fs_mount(dev, &fs);

	if (rc < 0)
		return rc;
	rc = fs->ops->open(fs, path, f);
	if (rc < 0)
		fs_release(fs);
	return rc;
}

int fs_list(struct blockdev *dev, const char *path, fs_list_cb cb, void *ctx)
{
	struct fs *fs;
	int rc = fs_mount(dev, &fs);

	if (rc < 0)
		return rc;
	rc = fs->ops->list(fs, path, cb, ctx);
	fs_release(fs);
	return rc;
}

bool fs_next_component(const char **path, char *out, int *rc)
{
	const char *p = *path;
	size_t len = 0;

	*rc = 0;
	while (*p == '/')
		p++;
	if (!*p)
		return false;
	while (p[len] && p[len] != '/')
		len++;
	if (len >= FS_NAME_MAX) {
		*rc = -E_TOOBIG;
		return false;
	}
	memcpy(out, p, len);
	out[len] = '\0';
	*path = p + len;
	return true;
}
