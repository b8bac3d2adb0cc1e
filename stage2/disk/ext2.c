/* ext2.c: read-only ext2, ext3 and ext4: block groups (32- and 64-byte descriptors, flex_bg),
 * extent trees and classic block maps, linear directories (htree directories read linearly),
 * symbolic links. An INCOMPAT feature outside the supported set is refused by name. Every
 * number from the disk is checked against the superblock before use. Facts from the kernel's
 * Documentation/filesystems/ext4 (ext4 Data Structures and Algorithms). */
#include "disk/disk.h"
#include "disk/fs.h"
#include "lib/errors.h"
#include "services/heap.h"

#define EXT_MAGIC 0xef53
#define EXTENT_MAGIC 0xf30a
#define ROOT_INO 2
#define S_IFMT 0xf000
#define S_IFDIR 0x4000
#define S_IFREG 0x8000
#define S_IFLNK 0xa000
#define FL_EXTENTS 0x80000
#define FL_INLINE 0x10000000
#define INC_FILETYPE 0x2
#define INC_64BIT 0x80
#define MAX_DEPTH 5
#define MAX_LINKS 8

/* INCOMPAT features: the ones osprey reads (or that do not change how files are found), and the
 * names of the others for the refusal message. */
#define INC_SUPPORTED (0x2 | 0x4 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x2000 | 0x4000)
static const struct {
	uint32_t bit;
	const char *name;
} incompat_names[] = {
	{ 0x1, "compression" }, { 0x8, "journal_dev" }, { 0x10, "meta_bg" },
	{ 0x1000, "dirdata" }, { 0x8000, "inline_data" }, { 0x10000, "encrypt" },
	{ 0x20000, "casefold" },
};

struct ext_fs {
	struct fs fs;
	uint32_t block_size;
	uint64_t blocks;             /* s_blocks_count: valid block numbers are below it */
	uint32_t inodes, inodes_per_group, groups;
	uint32_t inode_size, desc_size;
	uint64_t gdt_block;          /* first block of the group descriptor table */
	bool filetype;               /* directory entries carry a type byte (name_len is 8 bits) */
};

struct inode {
	uint32_t ino;
	uint16_t mode;
	uint32_t flags;
	uint64_t size;
	uint8_t block[60];           /* i_block: block map, extent root or a short link's target */
};

/* Per open file: the inode and caches for sequential reads. */
struct ext_file {
	struct ext_fs *ext;
	struct inode ino;
	uint8_t *node;               /* one block: an extent node or an indirect block */
	uint64_t node_block;         /* which block node holds (0: none) */
	uint32_t run_lblk, run_len;  /* the last extent found: lblk..lblk+len-1 ... */
	uint64_t run_pblk;           /* ... at pblk (0: a hole or uninitialized: zeros) */
	bool run_valid;
};

static int corrupt(struct ext_fs *e, const char *what)
{
	snprintf(err_detail, sizeof(err_detail), "ext2/3/4 on (%s): %s", e->fs.dev->name, what);
	return -E_IO;
}

static int read_block_part(struct ext_fs *e, uint64_t block, uint32_t off, void *buf, size_t len)
{
	if (block == 0 || block >= e->blocks)
		return corrupt(e, "a block number points past the end of the filesystem");
	return blockdev_read_bytes(e->fs.dev, block * e->block_size + off, buf, len);
}

static int read_inode(struct ext_fs *e, uint32_t ino, struct inode *out)
{
	uint8_t d[64], raw[160];
	uint32_t group, index;
	uint64_t table;
	int rc;

	if (ino == 0 || ino > e->inodes)
		return corrupt(e, "an inode number is out of range");
	group = (ino - 1) / e->inodes_per_group;
	index = (ino - 1) % e->inodes_per_group;
	uint64_t doff = e->gdt_block * e->block_size + (uint64_t)group * e->desc_size;
	if ((rc = blockdev_read_bytes(e->fs.dev, doff, d, e->desc_size)) < 0)
		return rc;
	table = get_le32(d + 8);
	if (e->desc_size >= 64)
		table |= (uint64_t)get_le32(d + 0x28) << 32;
	uint64_t ioff = (uint64_t)index * e->inode_size;
	if (table == 0 || table >= e->blocks ||
	    (ioff + 128) / e->block_size >= e->blocks - table)
		return corrupt(e, "a group's inode table lies past the end of the filesystem");
	if ((rc = blockdev_read_bytes(e->fs.dev, table * e->block_size + ioff, raw, 128)) < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	out->ino = ino;
	out->mode = get_le16(raw);
	out->flags = get_le32(raw + 0x20);
	out->size = get_le32(raw + 4) | (uint64_t)get_le32(raw + 0x6c) << 32;
	memcpy(out->block, raw + 0x28, 60);
	if (out->flags & FL_INLINE) {
		snprintf(err_detail, sizeof(err_detail), "ext4 feature 'inline_data' not supported "
			 "(inode %u)", ino);
		return -E_NOTSUP;
	}
	return 0;
}

/* Read the block node into ef->node (cached). */
static int load_node(struct ext_file *ef, uint64_t block)
{
	struct ext_fs *e = ef->ext;
	int rc;

	if (ef->node_block == block)
		return 0;
	ef->node_block = 0;
	if ((rc = read_block_part(e, block, 0, ef->node, e->block_size)) < 0)
		return rc;
	ef->node_block = block;
	return 0;
}

/* Find logical block lblk in the extent tree: fill the run cache (a hole gives pblk 0). */
static int extent_map(struct ext_file *ef, uint32_t lblk)
{
	struct ext_fs *e = ef->ext;
	const uint8_t *n = ef->ino.block;
	uint32_t size = 60;
	int rc, want_depth = -1;

	for (int level = 0; level <= MAX_DEPTH; level++) {
		uint32_t entries = get_le16(n + 2), max = get_le16(n + 4), depth = get_le16(n + 6);

		if (get_le16(n) != EXTENT_MAGIC || entries > max || 12 + max * 12 > size ||
		    depth > MAX_DEPTH || (want_depth >= 0 && depth != (uint32_t)want_depth))
			return corrupt(e, "extent tree is corrupt");
		/* The last entry starting at or before lblk. */
		int pick = -1;
		for (uint32_t i = 0; i < entries; i++) {
			if (get_le32(n + 12 + i * 12) > lblk)
				break;
			pick = (int)i;
		}
		const uint8_t *x = n + 12 + (pick < 0 ? 0 : pick) * 12;
		if (depth == 0) {
			uint32_t start = get_le32(x), len = get_le16(x + 4);
			bool uninit = len > 32768;

			if (uninit)
				len -= 32768;
			ef->run_valid = true;
			if (pick < 0 || lblk - start >= len) {
				/* A hole: up to the next extent (or to the end of the file). */
				uint32_t next = 0;
				for (uint32_t i = 0; i < entries; i++)
					if (get_le32(n + 12 + i * 12) > lblk) {
						next = get_le32(n + 12 + i * 12);
						break;
					}
				ef->run_lblk = lblk;
				ef->run_len = next > lblk ? next - lblk : 0x80000000u;
				ef->run_pblk = 0;
				return 0;
			}
			uint64_t p = get_le32(x + 8) | (uint64_t)get_le16(x + 6) << 32;
			if (p == 0 || p >= e->blocks || len > e->blocks - p)
				return corrupt(e, "an extent points past the end of the filesystem");
			ef->run_lblk = start;
			ef->run_len = len;
			ef->run_pblk = uninit ? 0 : p;
			return 0;
		}
		if (pick < 0) {
			ef->run_valid = true;
			ef->run_lblk = lblk;
			ef->run_len = 1;
			ef->run_pblk = 0;
			return 0;
		}
		uint64_t child = get_le32(x + 4) | (uint64_t)get_le16(x + 8) << 32;
		if ((rc = load_node(ef, child)) < 0)
			return rc;
		n = ef->node;
		size = e->block_size;
		want_depth = (int)depth - 1;
	}
	return corrupt(e, "extent tree is too deep");
}

/* One pointer of the block map: index i of the indirect block blk. */
static int indirect(struct ext_file *ef, uint64_t blk, uint32_t i, uint32_t *out)
{
	int rc = load_node(ef, blk);

	if (rc < 0)
		return rc;
	*out = get_le32(ef->node + i * 4);
	return 0;
}

/* Classic block map: direct, single, double and triple indirect blocks. */
static int blockmap_map(struct ext_file *ef, uint32_t lblk)
{
	uint32_t per = ef->ext->block_size / 4, b;
	uint64_t span = 1;
	int rc, level;

	ef->run_valid = true;
	ef->run_lblk = lblk;
	ef->run_len = 1;
	if (lblk < 12) {
		b = get_le32(ef->ino.block + lblk * 4);
	} else {
		uint64_t rel = lblk - 12;

		for (level = 1, span = per; level <= 3 && rel >= span; level++) {
			rel -= span;
			span *= per;
		}
		if (level > 3)
			return corrupt(ef->ext, "block map offset too large");
		b = get_le32(ef->ino.block + (11 + level) * 4);
		for (; level > 0 && b; level--) {
			span /= per;
			if ((rc = indirect(ef, b, (uint32_t)(rel / span), &b)) < 0)
				return rc;
			rel %= span;
		}
	}
	if (b && b >= ef->ext->blocks)
		return corrupt(ef->ext, "a block number points past the end of the filesystem");
	ef->run_pblk = b;
	return 0;
}

/* Read up to len bytes at pos of the inode's data; returns bytes read. */
static int data_read(struct ext_file *ef, uint64_t pos, void *buf, size_t len)
{
	struct ext_fs *e = ef->ext;
	uint64_t lb = pos / e->block_size;
	uint32_t in = (uint32_t)(pos % e->block_size);
	int rc;

	if (lb > 0xffffffffu)
		return -E_RANGE;
	uint32_t lblk = (uint32_t)lb;
	if (!ef->run_valid || lblk < ef->run_lblk || lblk - ef->run_lblk >= ef->run_len) {
		rc = (ef->ino.flags & FL_EXTENTS) ? extent_map(ef, lblk) : blockmap_map(ef, lblk);
		if (rc < 0)
			return rc;
	}
	uint64_t left = (uint64_t)(ef->run_len - (lblk - ef->run_lblk)) * e->block_size - in;
	len = (size_t)MIN((uint64_t)len, left);
	if (!ef->run_pblk) {
		memset(buf, 0, len);
		return (int)len;
	}
	uint64_t p = ef->run_pblk + (lblk - ef->run_lblk);
	if ((rc = read_block_part(e, p, in, buf, len)) < 0)
		return rc;
	return (int)len;
}

static int file_init(struct ext_fs *e, const struct inode *ino, struct ext_file *ef)
{
	memset(ef, 0, sizeof(*ef));
	ef->ext = e;
	ef->ino = *ino;
	if (!(ef->node = malloc(e->block_size)))
		return -E_NOMEM;
	return 0;
}

/* Read exactly len bytes at pos (short data is corruption). */
static int data_read_all(struct ext_file *ef, uint64_t pos, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		int rc = data_read(ef, pos, p, len);

		if (rc < 0)
			return rc;
		if (rc == 0)
			return corrupt(ef->ext, "short read");
		p += rc;
		pos += (unsigned)rc;
		len -= (unsigned)rc;
	}
	return 0;
}

/* ----- directories */

typedef int (*dirent_cb)(void *ctx, uint32_t ino, const char *name, uint8_t type);

/* Call cb for each used entry of directory dir, a block at a time. */
static int dir_walk(struct ext_fs *e, const struct inode *dir, dirent_cb cb, void *ctx)
{
	struct ext_file ef;
	uint8_t *blk = NULL;
	char name[256];
	int rc;

	if ((dir->mode & S_IFMT) != S_IFDIR)
		return -E_NOTSUP;
	if ((rc = file_init(e, dir, &ef)) < 0)
		return rc;
	if (!(blk = malloc(e->block_size))) {
		rc = -E_NOMEM;
		goto out;
	}
	for (uint64_t pos = 0; pos < dir->size; pos += e->block_size) {
		if ((rc = data_read_all(&ef, pos, blk, e->block_size)) < 0)
			goto out;
		for (uint32_t o = 0; o + 8 <= e->block_size;) {
			uint32_t ino = get_le32(blk + o), rec = get_le16(blk + o + 4);
			uint32_t nlen = e->filetype ? blk[o + 6] : get_le16(blk + o + 6);

			if (rec < 8 || rec % 4 || rec > e->block_size - o || nlen + 8 > rec) {
				rc = corrupt(e, "a directory entry is corrupt");
				goto out;
			}
			if (ino && nlen) {
				memcpy(name, blk + o + 8, nlen);
				name[nlen] = '\0';
				if ((rc = cb(ctx, ino, name, e->filetype ? blk[o + 7] : 0)) != 0)
					goto out;
			}
			o += rec;
		}
	}
	rc = 0;
out:
	free(blk);
	free(ef.node);
	return rc;
}

struct lookup {
	const char *name;
	uint32_t ino;
};

static int lookup_cb(void *ctx, uint32_t ino, const char *name, uint8_t type)
{
	struct lookup *l = ctx;

	(void)type;
	if (strcmp(name, l->name))
		return 0;
	l->ino = ino;
	return 1;
}

/* Read a symbolic link's target into out (size max). */
static int read_link(struct ext_fs *e, const struct inode *ino, char *out, size_t max)
{
	struct ext_file ef;
	int rc;

	if (ino->size >= max)
		return corrupt(e, "a symbolic link is too long");
	if (ino->size < 60 && !(ino->flags & FL_EXTENTS)) {
		/* A fast link: the target sits in i_block. */
		memcpy(out, ino->block, (size_t)ino->size);
		out[ino->size] = '\0';
		return 0;
	}
	if ((rc = file_init(e, ino, &ef)) < 0)
		return rc;
	rc = data_read_all(&ef, 0, out, (size_t)ino->size);
	free(ef.node);
	out[ino->size] = '\0';
	return rc;
}

/* Resolve path to its inode, following symbolic links (the last one too). */
static int resolve(struct ext_fs *e, const char *path, struct inode *out)
{
	char comp[FS_NAME_MAX];
	char *buf = malloc(2 * 1024), *link = buf + 1024;
	struct lookup l = { .name = comp };
	struct inode dir;
	int rc, links = 0, steps = 0;

	if (!buf)
		return -E_NOMEM;
	if (strlcpy(buf, path, 1024) >= 1024) {
		rc = -E_TOOBIG;
		goto out;
	}
	if ((rc = read_inode(e, ROOT_INO, out)) < 0)
		goto out;
	const char *p = buf;
	while (fs_next_component(&p, comp, &rc)) {
		if ((out->mode & S_IFMT) != S_IFDIR) {
			rc = -E_NOENT;
			goto out;
		}
		if (++steps > 256) {
			rc = corrupt(e, "path too deep");
			goto out;
		}
		dir = *out;
		if ((rc = dir_walk(e, &dir, lookup_cb, &l)) < 0)
			goto out;
		if (rc == 0) {
			rc = -E_NOENT;
			goto out;
		}
		if (l.ino == dir.ino && strcmp(comp, ".")) {
			rc = corrupt(e, "a directory contains itself under another name");
			goto out;
		}
		if ((rc = read_inode(e, l.ino, out)) < 0)
			goto out;
		if ((out->mode & S_IFMT) == S_IFLNK) {
			if (++links > MAX_LINKS) {
				rc = corrupt(e, "too many levels of symbolic links");
				goto out;
			}
			if ((rc = read_link(e, out, link, 512)) < 0)
				goto out;
			/* Continue with target + rest, from the root or from this directory. */
			size_t ll = strlen(link), pl = strlen(p);
			if (ll + pl + 2 > 1024) {
				rc = -E_TOOBIG;
				goto out;
			}
			link[ll] = '/';
			memcpy(link + ll + 1, p, pl + 1);
			memmove(buf, link, ll + pl + 2);
			p = buf;
			if (buf[0] == '/') {
				if ((rc = read_inode(e, ROOT_INO, out)) < 0)
					goto out;
			} else {
				*out = dir;
			}
		}
	}
out:
	free(buf);
	return rc;
}

/* ----- fs ops */

static int ext_file_read(struct file *file, void *buf, size_t len)
{
	struct ext_file *ef = file->priv;

	if (file->pos >= file->size)
		return 0;
	len = (size_t)MIN((uint64_t)len, file->size - file->pos);
	return data_read(ef, file->pos, buf, MIN(len, (size_t)0x40000000));
}

static void ext_file_close(struct file *file)
{
	struct ext_file *ef = file->priv;

	free(ef->node);
	fs_file_close(file, &ef->ext->fs);
}

static const struct file_ops ext_file_ops = {
	.read = ext_file_read, .seek = fs_file_seek, .close = ext_file_close
};

static int ext_open(struct fs *fs, const char *path, struct file *file)
{
	struct ext_fs *e = (struct ext_fs *)fs;
	struct inode ino;
	struct ext_file *ef;
	int rc = resolve(e, path, &ino);

	if (rc < 0)
		return rc;
	if ((ino.mode & S_IFMT) == S_IFDIR) {
		snprintf(err_detail, sizeof(err_detail), "%s is a directory (ls lists it)", path);
		return -E_INVAL;
	}
	if ((ino.mode & S_IFMT) != S_IFREG) {
		snprintf(err_detail, sizeof(err_detail), "%s is not a regular file", path);
		return -E_INVAL;
	}
	if (!(ef = malloc(sizeof(*ef))))
		return -E_NOMEM;
	if ((rc = file_init(e, &ino, ef)) < 0) {
		free(ef);
		return rc;
	}
	file->size = ino.size;
	file->size_known = true;
	file->ops = &ext_file_ops;
	file->priv = ef;
	return 0;
}

struct list_ctx {
	struct ext_fs *e;
	fs_list_cb cb;
	void *ctx;
	struct fs_dirent d;
};

static int list_cb(void *ctx, uint32_t ino, const char *name, uint8_t type)
{
	struct list_ctx *l = ctx;
	struct inode in;
	int rc;

	(void)type;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	if ((rc = read_inode(l->e, ino, &in)) < 0 && rc != -E_NOTSUP)
		return rc;
	memset(&l->d, 0, sizeof(l->d));
	strlcpy(l->d.name, name, sizeof(l->d.name));
	l->d.dir = (in.mode & S_IFMT) == S_IFDIR;
	l->d.size = l->d.dir ? 0 : in.size;
	return l->cb(l->ctx, &l->d);
}

static int ext_list(struct fs *fs, const char *path, fs_list_cb cb, void *ctx)
{
	struct ext_fs *e = (struct ext_fs *)fs;
	struct inode ino;
	struct list_ctx *l;
	int rc = resolve(e, path, &ino);

	if (rc < 0)
		return rc;
	if ((ino.mode & S_IFMT) != S_IFDIR)
		return -E_NOTSUP;
	if (!(l = malloc(sizeof(*l))))
		return -E_NOMEM;
	l->e = e;
	l->cb = cb;
	l->ctx = ctx;
	rc = dir_walk(e, &ino, list_cb, l);
	free(l);
	return rc;
}

static void ext_unmount(struct fs *fs)
{
	free(fs);
}

static const struct fs_ops ext_ops = { .open = ext_open, .list = ext_list, .unmount = ext_unmount };

static int bad_super(struct blockdev *dev, const char *what)
{
	snprintf(err_detail, sizeof(err_detail), "ext2/3/4 on (%s): superblock is corrupt (%s)",
		 dev->name, what);
	return -E_IO;
}

static int ext_mount(struct blockdev *dev, struct fs **out)
{
	uint8_t s[512];
	struct ext_fs *e;
	int rc;

	if ((rc = blockdev_read_bytes(dev, 1024, s, sizeof(s))) < 0)
		return rc == -E_RANGE ? -E_NOEXEC : rc;
	if (get_le16(s + 0x38) != EXT_MAGIC)
		return -E_NOEXEC;
	uint32_t log = get_le32(s + 0x18), incompat = get_le32(s + 0x60);
	uint32_t rev = get_le32(s + 0x4c);
	for (size_t i = 0; i < sizeof(incompat_names) / sizeof(incompat_names[0]); i++)
		if (incompat & incompat_names[i].bit) {
			snprintf(err_detail, sizeof(err_detail), "ext4 feature '%s' not supported "
				 "on (%s)", incompat_names[i].name, dev->name);
			return -E_NOTSUP;
		}
	if (incompat & ~INC_SUPPORTED) {
		snprintf(err_detail, sizeof(err_detail), "ext4 feature 0x%x (INCOMPAT) not supported "
			 "on (%s)", incompat & ~INC_SUPPORTED, dev->name);
		return -E_NOTSUP;
	}
	if (log > 6)
		return bad_super(dev, "block size");
	uint32_t bs = 1024u << log;
	uint64_t blocks = get_le32(s + 4);
	if (incompat & INC_64BIT)
		blocks |= (uint64_t)get_le32(s + 0x150) << 32;
	uint32_t first = get_le32(s + 0x14), bpg = get_le32(s + 0x20), ipg = get_le32(s + 0x28);
	uint32_t inodes = get_le32(s), isize = rev ? get_le16(s + 0x58) : 128;
	uint32_t dsize = (incompat & INC_64BIT) ? get_le16(s + 0xfe) : 32;
	if (!blocks || first >= blocks || first != (bs == 1024 ? 1u : 0u))
		return bad_super(dev, "block count");
	if (!bpg || bpg > bs * 8 || !ipg || ipg > bs * 8 || !inodes)
		return bad_super(dev, "blocks or inodes per group");
	uint64_t groups = (blocks - first + bpg - 1) / bpg;
	if (groups * ipg < inodes || (uint64_t)(groups - 1) * ipg >= inodes)
		return bad_super(dev, "inode count does not match the groups");
	if (isize < 128 || isize > bs || (isize & (isize - 1)))
		return bad_super(dev, "inode size");
	if (dsize < 32 || dsize > 1024 || (dsize & (dsize - 1)) || ((incompat & INC_64BIT) && dsize < 64))
		return bad_super(dev, "group descriptor size");
	if (blocks > dev->sectors * dev->sector_size / bs) {
		snprintf(err_detail, sizeof(err_detail), "ext2/3/4 on (%s): the filesystem is larger "
			 "than the device (%llu blocks of %u bytes)", dev->name,
			 (unsigned long long)blocks, bs);
		return -E_IO;
	}
	uint64_t gdt = first + 1;
	if ((groups * dsize + bs - 1) / bs >= blocks - gdt)
		return bad_super(dev, "group descriptors past the end");
	if (!(e = malloc(sizeof(*e))))
		return -E_NOMEM;
	memset(e, 0, sizeof(*e));
	e->fs.ops = &ext_ops;
	e->fs.dev = dev;
	e->block_size = bs;
	e->blocks = blocks;
	e->inodes = inodes;
	e->inodes_per_group = ipg;
	e->groups = (uint32_t)groups;
	e->inode_size = isize;
	e->desc_size = dsize;
	e->gdt_block = gdt;
	e->filetype = (incompat & INC_FILETYPE) != 0;
	memcpy(e->fs.label, s + 0x78, 16);
	e->fs.label[16] = '\0';
	*out = &e->fs;
	return 0;
}

FS_TYPE(ext_fs_type) = { .name = "ext2", .mount = ext_mount };
