/* fat.c: read-only FAT12/16/32 with VFAT long names. Every number read from the disk is
 * checked: the boot sector's geometry, cluster numbers against the cluster count, chains
 * against loops (no chain is longer than the volume has clusters). Facts from Microsoft's
 * "FAT32 File System Specification" (FAT: General Overview of On-Disk Format, 1.03). */
#include "disk/disk.h"
#include "disk/fs.h"
#include "lib/errors.h"
#include "services/heap.h"

#define ATTR_VOLUME 0x08
#define ATTR_DIR 0x10
#define ATTR_LFN 0x0f

struct fat_fs {
	struct fs fs;
	unsigned bits;              /* 12, 16, 32 */
	uint32_t cluster_bytes;
	uint64_t fat_off;           /* byte offset of the first FAT */
	uint64_t root_off;          /* FAT12/16: the fixed root directory */
	uint32_t root_entries;
	uint32_t root_cluster;      /* FAT32 */
	uint64_t data_off;          /* byte offset of cluster 2 */
	uint32_t clusters;          /* data clusters: valid numbers are 2..clusters+1 */
	uint8_t cache[512];         /* one FAT sector */
	uint64_t cache_off;
	bool cache_valid;
};

struct fat_file {
	struct fat_fs *fat;
	uint32_t first, cur;        /* first cluster; the cluster holding cur_index */
	uint32_t cur_index;
};

static int corrupt(struct fat_fs *f, const char *what)
{
	snprintf(err_detail, sizeof(err_detail), "FAT on (%s): %s", f->fs.dev->name, what);
	return -E_IO;
}

/* The FAT entry of cluster c (masked; >= 0x0FFFFFF8 style values mean end of chain). */
static int fat_next(struct fat_fs *f, uint32_t c, uint32_t *next)
{
	uint64_t off = f->bits == 12 ? c + c / 2 : (uint64_t)c * (f->bits / 8);
	uint8_t b[4];
	int rc;

	for (unsigned i = 0; i < (f->bits == 32 ? 4u : 2u); i++) {
		uint64_t o = f->fat_off + off + i, sec = o & ~511ull;

		if (!f->cache_valid || f->cache_off != sec) {
			if ((rc = blockdev_read_bytes(f->fs.dev, sec, f->cache, 512)) < 0)
				return rc;
			f->cache_off = sec;
			f->cache_valid = true;
		}
		b[i] = f->cache[o - sec];
	}
	if (f->bits == 12) {
		uint32_t v = get_le16(b);
		*next = (c & 1) ? v >> 4 : v & 0xfff;
		if (*next >= 0xff8)
			*next = 0x0ffffff8;
	} else if (f->bits == 16) {
		*next = get_le16(b);
		if (*next >= 0xfff8)
			*next = 0x0ffffff8;
	} else {
		*next = get_le32(b) & 0x0fffffff;
	}
	return 0;
}

static bool valid_cluster(struct fat_fs *f, uint32_t c)
{
	return c >= 2 && c - 2 < f->clusters;
}

/* Follow the chain from first to the index-th cluster (the caller bounds index). */
static int chain_seek(struct fat_fs *f, uint32_t first, uint32_t index, uint32_t *out)
{
	uint32_t c = first;
	int rc;

	for (uint32_t i = 0; i < index; i++) {
		if ((rc = fat_next(f, c, &c)) < 0)
			return rc;
		if (c >= 0x0ffffff8)
			return -E_RANGE;          /* the end of the chain */
		if (!valid_cluster(f, c))
			return corrupt(f, "cluster chain points outside the volume");
	}
	*out = c;
	return 0;
}

static uint64_t cluster_off(struct fat_fs *f, uint32_t c)
{
	return f->data_off + (uint64_t)(c - 2) * f->cluster_bytes;
}

/* Walk the whole chain from first with Brent's cycle finding: a loop or a cluster outside the
 * volume is corruption; *len is the chain's length in clusters. */
static int chain_check(struct fat_fs *f, uint32_t first, uint32_t *len)
{
	uint32_t tortoise = first, hare = first, power = 1, lam = 0, n = 1;
	int rc;

	if (!valid_cluster(f, first))
		return corrupt(f, "cluster chain starts outside the volume");
	for (;;) {
		if ((rc = fat_next(f, hare, &hare)) < 0)
			return rc;
		if (hare >= 0x0ffffff8)
			break;
		if (!valid_cluster(f, hare))
			return corrupt(f, "cluster chain points outside the volume");
		if (hare == tortoise || ++n > f->clusters)
			return corrupt(f, "loop in a cluster chain (the FAT links a cluster back)");
		if (++lam == power) {
			tortoise = hare;
			power *= 2;
			lam = 0;
		}
	}
	*len = n;
	return 0;
}

/* Read len bytes at pos of the chain starting at first (file or directory). */
static int chain_read(struct fat_fs *f, struct fat_file *ff, uint64_t pos, void *buf, size_t len)
{
	uint32_t index = (uint32_t)(pos / f->cluster_bytes), in = (uint32_t)(pos % f->cluster_bytes);
	int rc;

	if (!valid_cluster(f, ff->first))
		return corrupt(f, "file starts outside the volume");
	if (index < ff->cur_index || !ff->cur) {
		ff->cur = ff->first;
		ff->cur_index = 0;
	}
	if ((rc = chain_seek(f, ff->cur, index - ff->cur_index, &ff->cur)) < 0)
		return rc;
	ff->cur_index = index;
	len = MIN(len, (size_t)(f->cluster_bytes - in));
	if ((rc = blockdev_read_bytes(f->fs.dev, cluster_off(f, ff->cur) + pos % f->cluster_bytes,
				      buf, len)) < 0)
		return rc;
	return (int)len;
}

/* ----- directories */

struct dir_entry {
	char name[FS_NAME_MAX];
	uint8_t attr;
	uint32_t cluster;
	uint32_t size;
};

typedef int (*entry_cb)(void *ctx, const struct dir_entry *e);

/* Append UCS-2 code unit u to s as UTF-8. */
static size_t put_utf8(char *s, size_t at, size_t max, uint16_t u)
{
	if (u < 0x80 && at + 1 < max) {
		s[at++] = (char)u;
	} else if (u < 0x800 && at + 2 < max) {
		s[at++] = (char)(0xc0 | u >> 6);
		s[at++] = (char)(0x80 | (u & 0x3f));
	} else if (u >= 0x800 && at + 3 < max) {
		s[at++] = (char)(0xe0 | u >> 12);
		s[at++] = (char)(0x80 | (u >> 6 & 0x3f));
		s[at++] = (char)(0x80 | (u & 0x3f));
	}
	return at;
}

static uint8_t lfn_sum(const uint8_t *n)
{
	uint8_t s = 0;

	for (int i = 0; i < 11; i++)
		s = (uint8_t)(((s & 1) << 7) + (s >> 1) + n[i]);
	return s;
}

static void short_name(const uint8_t *d, char *out)
{
	size_t k = 0;

	for (int i = 0; i < 8 && d[i] != ' '; i++)
		out[k++] = (char)((d[12] & 0x08) && d[i] >= 'A' && d[i] <= 'Z' ? d[i] + 32 : d[i]);
	if (d[8] != ' ') {
		out[k++] = '.';
		for (int i = 8; i < 11 && d[i] != ' '; i++)
			out[k++] = (char)((d[12] & 0x10) && d[i] >= 'A' && d[i] <= 'Z' ? d[i] + 32 : d[i]);
	}
	out[k] = '\0';
	if (out[0] == 0x05)
		out[0] = (char)0xe5;
}

/* Call cb for each entry of the directory starting at cluster (0: the FAT12/16 root). */
static int dir_walk(struct fat_fs *f, uint32_t cluster, entry_cb cb, void *ctx)
{
	uint8_t block[512];
	uint16_t lfn[260];
	int lfn_seq = -1;
	uint8_t lfn_check = 0, *d;
	struct fat_file ff = { .fat = f, .first = cluster };
	struct dir_entry e;
	uint32_t len;
	uint64_t max = f->root_entries * 32ull;
	int rc;

	if (cluster) {
		if ((rc = chain_check(f, cluster, &len)) < 0)
			return rc;
		max = (uint64_t)len * f->cluster_bytes;
	}
	for (uint64_t pos = 0; pos < max; pos += 32) {
		d = block + pos % 512;
		if (pos % 512 == 0) {
			/* A block at a time: clusters and the root area are whole 512-byte blocks. */
			if (cluster)
				rc = chain_read(f, &ff, pos, block, 512);
			else
				rc = blockdev_read_bytes(f->fs.dev, f->root_off + pos, block, 512);
			if (rc < 0)
				return rc;
		}
		if (d[0] == 0)
			return 0;
		if (d[0] == 0xe5) {
			lfn_seq = -1;
			continue;
		}
		if ((d[11] & 0x3f) == ATTR_LFN) {
			int seq = d[0] & 0x1f;

			if (d[0] & 0x40) {
				memset(lfn, 0xff, sizeof(lfn));
				lfn_seq = seq;
				lfn_check = d[13];
			} else if (seq != lfn_seq - 1 || d[13] != lfn_check) {
				lfn_seq = -1;
				continue;
			} else {
				lfn_seq = seq;
			}
			if (seq < 1 || seq > 20) {
				lfn_seq = -1;
				continue;
			}
			static const uint8_t at[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
			for (int i = 0; i < 13; i++)
				lfn[(seq - 1) * 13 + i] = get_le16(d + at[i]);
			continue;
		}
		memset(&e, 0, sizeof(e));
		e.attr = d[11];
		e.cluster = (uint32_t)get_le16(d + 20) << 16 | get_le16(d + 26);
		if (f->bits != 32)
			e.cluster &= 0xffff;
		e.size = get_le32(d + 28);
		if (lfn_seq == 1 && lfn_check == lfn_sum(d)) {
			size_t k = 0;

			for (int i = 0; i < 260 && lfn[i] && lfn[i] != 0xffff; i++)
				k = put_utf8(e.name, k, sizeof(e.name), lfn[i]);
			e.name[k] = '\0';
		} else {
			short_name(d, e.name);
		}
		lfn_seq = -1;
		if ((e.attr & ATTR_VOLUME) || !e.name[0])
			continue;
		if ((rc = cb(ctx, &e)) != 0)
			return rc;
	}
	return 0;
}

static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a, y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

struct lookup {
	const char *name;
	struct dir_entry found;
};

static int lookup_cb(void *ctx, const struct dir_entry *e)
{
	struct lookup *l = ctx;

	if (!name_eq(l->name, e->name))
		return 0;
	l->found = *e;
	return 1;
}

/* Resolve path to its entry (the root is a directory with cluster 0 or root_cluster). */
static int resolve(struct fat_fs *f, const char *path, struct dir_entry *out)
{
	char comp[FS_NAME_MAX];
	struct lookup l = { .name = comp };
	uint32_t dir = f->bits == 32 ? f->root_cluster : 0;
	int rc, steps = 0;

	memset(out, 0, sizeof(*out));
	out->attr = ATTR_DIR;
	out->cluster = dir;
	while (fs_next_component(&path, comp, &rc)) {
		if (!(out->attr & ATTR_DIR))
			return -E_NOENT;
		if (++steps > 64)
			return corrupt(f, "path too deep");
		if ((rc = dir_walk(f, out->cluster, lookup_cb, &l)) < 0)
			return rc;
		if (rc == 0)
			return -E_NOENT;
		*out = l.found;
		if ((out->attr & ATTR_DIR) && out->cluster == 0)
			out->cluster = f->bits == 32 ? f->root_cluster : 0;   /* ".." to the root */
	}
	return rc;
}

/* ----- fs ops */

static int fat_file_read(struct file *file, void *buf, size_t len)
{
	struct fat_file *ff = file->priv;

	if (file->pos >= file->size)
		return 0;
	len = (size_t)MIN((uint64_t)len, file->size - file->pos);
	int rc = chain_read(ff->fat, ff, file->pos, buf, len);

	return rc == -E_RANGE ? corrupt(ff->fat, "cluster chain shorter than the file's size") : rc;
}

static void fat_file_close(struct file *file)
{
	struct fat_file *ff = file->priv;

	fs_file_close(file, &ff->fat->fs);
}

static const struct file_ops fat_file_ops = {
	.read = fat_file_read, .seek = fs_file_seek, .close = fat_file_close
};

static int fat_open(struct fs *fs, const char *path, struct file *file)
{
	struct fat_fs *f = (struct fat_fs *)fs;
	struct dir_entry e;
	struct fat_file *ff;
	int rc = resolve(f, path, &e);

	if (rc < 0)
		return rc;
	if (e.attr & ATTR_DIR) {
		snprintf(err_detail, sizeof(err_detail), "%s is a directory (ls lists it)", path);
		return -E_INVAL;
	}
	if (e.size) {
		uint32_t len;

		if ((rc = chain_check(f, e.cluster, &len)) < 0)
			return rc;
		if ((uint64_t)len * f->cluster_bytes < e.size)
			return corrupt(f, "cluster chain shorter than the file's size");
	}
	if (!(ff = malloc(sizeof(*ff))))
		return -E_NOMEM;
	memset(ff, 0, sizeof(*ff));
	ff->fat = f;
	ff->first = e.cluster;
	file->size = e.size;
	file->size_known = true;
	file->ops = &fat_file_ops;
	file->priv = ff;
	return 0;
}

struct list_ctx {
	fs_list_cb cb;
	void *ctx;
};

static int list_cb(void *ctx, const struct dir_entry *e)
{
	struct list_ctx *l = ctx;
	struct fs_dirent d;

	if (!strcmp(e->name, ".") || !strcmp(e->name, ".."))
		return 0;
	memset(&d, 0, sizeof(d));
	strlcpy(d.name, e->name, sizeof(d.name));
	d.dir = (e->attr & ATTR_DIR) != 0;
	d.size = e->size;
	return l->cb(l->ctx, &d);
}

static int fat_list(struct fs *fs, const char *path, fs_list_cb cb, void *ctx)
{
	struct fat_fs *f = (struct fat_fs *)fs;
	struct dir_entry e;
	struct list_ctx l = { cb, ctx };
	int rc = resolve(f, path, &e);

	if (rc < 0)
		return rc;
	if (!(e.attr & ATTR_DIR))
		return -E_NOTSUP;
	return dir_walk(f, e.cluster, list_cb, &l);
}

static void fat_unmount(struct fs *fs)
{
	free(fs);
}

static const struct fs_ops fat_ops = { .open = fat_open, .list = fat_list, .unmount = fat_unmount };

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

static int fat_mount(struct blockdev *dev, struct fs **out)
{
	uint8_t b[512];
	struct fat_fs *f;
	int rc;

	if ((rc = blockdev_read_bytes(dev, 0, b, sizeof(b))) < 0)
		return rc == -E_RANGE ? -E_NOEXEC : rc;
	uint32_t bps = get_le16(b + 11), spc = b[13], reserved = get_le16(b + 14), nfats = b[16];
	uint32_t rootents = get_le16(b + 17), total = get_le16(b + 19), fatsz = get_le16(b + 22);

	if (b[510] != 0x55 || b[511] != 0xaa || (b[0] != 0xeb && b[0] != 0xe9))
		return -E_NOEXEC;
	if (!total)
		total = get_le32(b + 32);
	if (!fatsz)
		fatsz = get_le32(b + 36);
	/* Something that calls itself FAT but has impossible numbers is corrupt, not foreign. */
	bool named = !memcmp(b + 54, "FAT", 3) || !memcmp(b + 82, "FAT32", 5);
	if (bps < 512 || bps > 4096 || !pow2(bps) || !pow2(spc) || !reserved || !nfats ||
	    nfats > 4 || !fatsz || !total) {
		if (!named)
			return -E_NOEXEC;
		snprintf(err_detail, sizeof(err_detail), "FAT on (%s): boot sector (BPB) is corrupt",
			 dev->name);
		return -E_IO;
	}
	uint32_t rootsecs = (rootents * 32 + bps - 1) / bps;
	uint64_t meta = reserved + (uint64_t)nfats * fatsz + rootsecs;
	if (meta >= total || (uint64_t)total * bps > dev->sectors * dev->sector_size) {
		snprintf(err_detail, sizeof(err_detail), "FAT on (%s): the volume is larger than the "
			 "device or has no data area", dev->name);
		return -E_IO;
	}
	if (!(f = malloc(sizeof(*f))))
		return -E_NOMEM;
	memset(f, 0, sizeof(*f));
	f->fs.ops = &fat_ops;
	f->fs.dev = dev;
	f->clusters = (uint32_t)((total - meta) / spc);
	f->bits = f->clusters < 4085 ? 12 : f->clusters < 65525 ? 16 : 32;
	f->cluster_bytes = bps * spc;
	f->fat_off = (uint64_t)reserved * bps;
	f->root_off = (reserved + (uint64_t)nfats * fatsz) * bps;
	f->root_entries = rootents;
	f->root_cluster = get_le32(b + 44);
	f->data_off = meta * bps;
	/* The FAT must hold an entry for every cluster. */
	if ((uint64_t)fatsz * bps * 8 / f->bits < f->clusters + 2 ||
	    (f->bits == 32 && !valid_cluster(f, f->root_cluster)) ||
	    (f->bits != 32 && !rootents) || f->cluster_bytes > 65536) {
		free(f);
		snprintf(err_detail, sizeof(err_detail), "FAT on (%s): boot sector (BPB) is corrupt",
			 dev->name);
		return -E_IO;
	}
	*out = &f->fs;
	return 0;
}

FS_TYPE(fat_fs_type) = { .name = "fat", .mount = fat_mount };
