/* iso9660.c: read-only ISO 9660 with Rock Ridge names (SUSP: SP, NM, CE, RE) or, without them,
 * Joliet names, else the plain ISO names (";1" dropped, matched without case). Every extent is
 * checked against the volume size. Facts from ECMA-119 (2nd ed.), IEEE P1282 (RRIP 1.12),
 * IEEE P1281 (SUSP 1.12) and Microsoft's Joliet specification. */
#include "disk/disk.h"
#include "disk/fs.h"
#include "lib/errors.h"
#include "services/heap.h"

#define ISO_SECTOR 2048
#define FLAG_DIR 0x02
#define FLAG_MULTI 0x80
#define MAX_CE 8

enum iso_names { NAMES_ISO, NAMES_JOLIET, NAMES_RR };

struct iso_fs {
	struct fs fs;
	uint32_t bs;                 /* logical block size */
	uint32_t volume_blocks;
	uint32_t root_extent, root_size;
	enum iso_names names;
	uint32_t susp_skip;          /* SP's skip: bytes before SUSP entries in each record */
};

struct iso_entry {
	char name[FS_NAME_MAX];
	uint32_t extent, size;
	bool dir, multi, hidden;
};

struct iso_file {
	struct iso_fs *iso;
	uint32_t extent;
};

static int corrupt(struct iso_fs *f, const char *what)
{
	snprintf(err_detail, sizeof(err_detail), "ISO 9660 on (%s): %s", f->fs.dev->name, what);
	return -E_IO;
}

static int read_at(struct iso_fs *f, uint64_t block, uint32_t off, void *buf, size_t len)
{
	return blockdev_read_bytes(f->fs.dev, block * f->bs + off, buf, len);
}

static bool extent_ok(struct iso_fs *f, uint32_t extent, uint32_t size)
{
	return extent < f->volume_blocks &&
	       (size + (uint64_t)f->bs - 1) / f->bs <= f->volume_blocks - extent;
}

/* Append the Rock Ridge NM name of the SUSP area su[0..len) to e->name, following CE areas. */
static int rr_parse(struct iso_fs *f, const uint8_t *su, uint32_t len, struct iso_entry *e,
		    bool *have_nm)
{
	uint8_t *ce = NULL;
	size_t nl = 0;
	int rc = 0;

	for (int hops = 0; hops <= MAX_CE; hops++) {
		uint32_t next_block = 0, next_off = 0, next_len = 0;

		for (uint32_t o = 0; o + 4 <= len;) {
			const uint8_t *x = su + o;
			uint32_t l = x[2];

			if (l < 4 || l > len - o)
				break;
			if (x[0] == 'N' && x[1] == 'M' && l >= 5) {
				if (!*have_nm)
					nl = 0;
				*have_nm = true;
				if (x[4] & 2)
					strlcpy(e->name, ".", sizeof(e->name)), nl = 1;
				else if (x[4] & 4)
					strlcpy(e->name, "..", sizeof(e->name)), nl = 2;
				for (uint32_t i = 5; i < l && nl + 1 < sizeof(e->name); i++)
					e->name[nl++] = (char)x[i];
				e->name[nl] = '\0';
			} else if (x[0] == 'C' && x[1] == 'E' && l >= 28) {
				next_block = get_le32(x + 4);
				next_off = get_le32(x + 12);
				next_len = get_le32(x + 20);
			} else if (x[0] == 'R' && x[1] == 'E') {
				e->hidden = true;   /* a relocated directory's real place */
			} else if (x[0] == 'S' && x[1] == 'T') {
				break;
			}
			o += l;
		}
		if (!next_len)
			break;
		if (next_off >= f->bs || next_len > f->bs - next_off || !extent_ok(f, next_block, 1)) {
			rc = corrupt(f, "a Rock Ridge continuation area lies outside the volume");
			break;
		}
		if (!ce && !(ce = malloc(f->bs))) {
			rc = -E_NOMEM;
			break;
		}
		if ((rc = read_at(f, next_block, next_off, ce, next_len)) < 0)
			break;
		su = ce;
		len = next_len;
	}
	free(ce);
	return rc;
}

/* Decode one directory record r (length checked by the caller) into e. */
static int parse_record(struct iso_fs *f, const uint8_t *r, struct iso_entry *e)
{
	uint32_t len = r[0], nlen = r[32], ear = r[1];
	const uint8_t *n = r + 33;
	size_t k = 0;

	memset(e, 0, sizeof(*e));
	e->extent = get_le32(r + 2) + ear;
	e->size = get_le32(r + 10);
	e->dir = (r[25] & FLAG_DIR) != 0;
	e->multi = (r[25] & FLAG_MULTI) != 0;
	if (nlen == 1 && (n[0] == 0 || n[0] == 1)) {
		strlcpy(e->name, n[0] ? ".." : ".", sizeof(e->name));
	} else if (f->names == NAMES_JOLIET) {
		for (uint32_t i = 0; i + 1 < nlen; i += 2) {
			uint16_t u = (uint16_t)(n[i] << 8 | n[i + 1]);

			if (u < 0x80 && k + 1 < sizeof(e->name)) {
				e->name[k++] = (char)u;
			} else if (u < 0x800 && k + 2 < sizeof(e->name)) {
				e->name[k++] = (char)(0xc0 | u >> 6);
				e->name[k++] = (char)(0x80 | (u & 0x3f));
			} else if (u >= 0x800 && k + 3 < sizeof(e->name)) {
				e->name[k++] = (char)(0xe0 | u >> 12);
				e->name[k++] = (char)(0x80 | (u >> 6 & 0x3f));
				e->name[k++] = (char)(0x80 | (u & 0x3f));
			}
		}
		e->name[k] = '\0';
	} else {
		for (uint32_t i = 0; i < nlen && k + 1 < sizeof(e->name); i++)
			e->name[k++] = (char)n[i];
		e->name[k] = '\0';
	}
	if (f->names != NAMES_RR) {
		/* Drop the ";1" version and the "." of a name without extension. */
		char *semi = strchr(e->name, ';');
		if (semi)
			*semi = '\0';
		k = strlen(e->name);
		if (k > 1 && e->name[k - 1] == '.' && strcmp(e->name, ".."))
			e->name[k - 1] = '\0';
		return 0;
	}
	uint32_t su = 33 + nlen + (nlen % 2 == 0) + f->susp_skip;
	bool have_nm = false;
	if (su >= len)
		return 0;
	return rr_parse(f, r + su, len - su, e, &have_nm);
}

typedef int (*entry_cb)(void *ctx, const struct iso_entry *e);

/* Call cb for each record of the directory at extent (size bytes). */
static int dir_walk(struct iso_fs *f, uint32_t extent, uint32_t size, entry_cb cb, void *ctx)
{
	uint8_t *blk;
	struct iso_entry *e;
	int rc = 0;

	if (!extent_ok(f, extent, size))
		return corrupt(f, "a directory lies past the end of the volume");
	if (!(blk = malloc(f->bs + sizeof(*e))))
		return -E_NOMEM;
	e = (struct iso_entry *)(void *)(blk + f->bs);
	for (uint32_t b = 0; b < (size + f->bs - 1) / f->bs && rc == 0; b++) {
		if ((rc = read_at(f, extent + b, 0, blk, f->bs)) < 0)
			break;
		for (uint32_t o = 0; o < f->bs && blk[o];) {
			uint32_t len = blk[o];

			if (len < 34 || len > f->bs - o || 33u + blk[o + 32] > len) {
				rc = corrupt(f, "a directory record is corrupt");
				break;
			}
			if ((rc = parse_record(f, blk + o, e)) < 0)
				break;
			if (!e->hidden && e->name[0] && (rc = cb(ctx, e)) != 0)
				break;
			o += len;
		}
	}
	free(blk);
	return rc;
}

static bool name_eq(struct iso_fs *f, const char *a, const char *b)
{
	if (f->names == NAMES_RR)
		return !strcmp(a, b);
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a, y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

struct lookup {
	struct iso_fs *f;
	const char *name;
	struct iso_entry found;
};

static int lookup_cb(void *ctx, const struct iso_entry *e)
{
	struct lookup *l = ctx;

	if (!name_eq(l->f, l->name, e->name))
		return 0;
	l->found = *e;
	return 1;
}

/* Resolve path. "." and ".." are handled here with a stack of the directories walked, not by
 * their records: libisofs writes Joliet ".." records that point at the directory itself. */
static int resolve(struct iso_fs *f, const char *path, struct iso_entry *out)
{
	char comp[FS_NAME_MAX];
	struct lookup *l = malloc(sizeof(*l) + 257 * sizeof(struct iso_entry));
	struct iso_entry *stack;
	int rc, depth = 0, steps = 0;

	if (!l)
		return -E_NOMEM;
	stack = (struct iso_entry *)(void *)(l + 1);
	l->f = f;
	l->name = comp;
	memset(out, 0, sizeof(*out));
	out->dir = true;
	out->extent = f->root_extent;
	out->size = f->root_size;
	while (fs_next_component(&path, comp, &rc)) {
		if (!out->dir) {
			rc = -E_NOENT;
			break;
		}
		if (++steps > 256) {
			rc = corrupt(f, "path too deep");
			break;
		}
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			if (depth > 0)
				*out = stack[--depth];
			continue;
		}
		if ((rc = dir_walk(f, out->extent, out->size, lookup_cb, l)) < 0)
			break;
		if (rc == 0) {
			rc = -E_NOENT;
			break;
		}
		rc = 0;
		if (l->found.dir && l->found.extent == out->extent) {
			rc = corrupt(f, "a directory contains itself under another name");
			break;
		}
		stack[depth++] = *out;
		*out = l->found;
	}
	free(l);
	return rc;
}

/* ----- fs ops */

static int iso_file_read(struct file *file, void *buf, size_t len)
{
	struct iso_file *fi = file->priv;
	int rc;

	if (file->pos >= file->size)
		return 0;
	len = (size_t)MIN((uint64_t)len, file->size - file->pos);
	len = MIN(len, (size_t)0x40000000);
	if ((rc = blockdev_read_bytes(fi->iso->fs.dev, (uint64_t)fi->extent * fi->iso->bs + file->pos,
				      buf, len)) < 0)
		return rc;
	return (int)len;
}

static void iso_file_close(struct file *file)
{
	struct iso_file *fi = file->priv;

	fs_file_close(file, &fi->iso->fs);
}

static const struct file_ops iso_file_ops = {
	.read = iso_file_read, .seek = fs_file_seek, .close = iso_file_close
};

static int iso_open(struct fs *fs, const char *path, struct file *file)
{
	struct iso_fs *f = (struct iso_fs *)fs;
	struct iso_entry e;
	struct iso_file *fi;
	int rc = resolve(f, path, &e);

	if (rc < 0)
		return rc;
	if (e.dir) {
		snprintf(err_detail, sizeof(err_detail), "%s is a directory (ls lists it)", path);
		return -E_INVAL;
	}
	if (e.multi) {
		snprintf(err_detail, sizeof(err_detail), "%s is stored in several extents (over "
			 "4 GiB), which osprey does not read", path);
		return -E_NOTSUP;
	}
	if (!extent_ok(f, e.extent, e.size))
		return corrupt(f, "a file lies past the end of the volume");
	if (!(fi = malloc(sizeof(*fi))))
		return -E_NOMEM;
	fi->iso = f;
	fi->extent = e.extent;
	file->size = e.size;
	file->size_known = true;
	file->ops = &iso_file_ops;
	file->priv = fi;
	return 0;
}

struct list_ctx {
	fs_list_cb cb;
	void *ctx;
	struct fs_dirent d;
};

static int list_cb(void *ctx, const struct iso_entry *e)
{
	struct list_ctx *l = ctx;

	if (!strcmp(e->name, ".") || !strcmp(e->name, ".."))
		return 0;
	memset(&l->d, 0, sizeof(l->d));
	strlcpy(l->d.name, e->name, sizeof(l->d.name));
	l->d.dir = e->dir;
	l->d.size = e->dir ? 0 : e->size;
	return l->cb(l->ctx, &l->d);
}

static int iso_list(struct fs *fs, const char *path, fs_list_cb cb, void *ctx)
{
	struct iso_fs *f = (struct iso_fs *)fs;
	struct iso_entry e;
	struct list_ctx *l;
	int rc = resolve(f, path, &e);

	if (rc < 0)
		return rc;
	if (!e.dir)
		return -E_NOTSUP;
	if (!(l = malloc(sizeof(*l))))
		return -E_NOMEM;
	l->cb = cb;
	l->ctx = ctx;
	rc = dir_walk(f, e.extent, e.size, list_cb, l);
	free(l);
	return rc;
}

static void iso_unmount(struct fs *fs)
{
	free(fs);
}

static const struct fs_ops iso_ops = { .open = iso_open, .list = iso_list, .unmount = iso_unmount };

/* Look for Rock Ridge: an SP entry at the start of the root's "." record's system use area. */
static int detect_rr(struct iso_fs *f)
{
	uint8_t r[255];
	int rc;

	if ((rc = read_at(f, f->root_extent, 0, r, sizeof(r))) < 0)
		return rc;
	uint32_t len = r[0], su = 34;   /* "." has a 1-byte name and a pad byte */

	if (len >= su + 7 && r[32] == 1 && r[su] == 'S' && r[su + 1] == 'P' && r[su + 2] >= 7 &&
	    r[su + 4] == 0xbe && r[su + 5] == 0xef) {
		f->names = NAMES_RR;
		f->susp_skip = r[su + 6];
	}
	return 0;
}

static int iso_mount(struct blockdev *dev, struct fs **out)
{
	uint8_t *vd = malloc(ISO_SECTOR), pvd_root[34] = { 0 }, jol_root[34] = { 0 };
	struct iso_fs *f = NULL;
	bool pvd = false, joliet = false;
	char label[33] = "";
	uint32_t bs = 0, blocks = 0;
	int rc = -E_NOEXEC;

	if (!vd)
		return -E_NOMEM;
	for (uint32_t s = 16; s < 16 + 32; s++) {
		if ((rc = blockdev_read_bytes(dev, (uint64_t)s * ISO_SECTOR, vd, ISO_SECTOR)) < 0) {
			rc = rc == -E_RANGE ? -E_NOEXEC : rc;
			break;
		}
		rc = 0;
		if (memcmp(vd + 1, "CD001", 5)) {
			rc = s == 16 ? -E_NOEXEC : 0;
			break;
		}
		if (vd[0] == 255)
			break;
		if (vd[0] == 1 && !pvd) {
			pvd = true;
			bs = get_le16(vd + 128);
			blocks = get_le32(vd + 80);
			memcpy(pvd_root, vd + 156, 34);
			memcpy(label, vd + 40, 32);
		} else if (vd[0] == 2 && !joliet && vd[88] == '%' && vd[89] == '/' &&
			   (vd[90] == '@' || vd[90] == 'C' || vd[90] == 'E')) {
			joliet = true;
			memcpy(jol_root, vd + 156, 34);
		}
	}
	if (rc < 0 || (!pvd && rc == 0 && !joliet)) {
		free(vd);
		return rc < 0 ? rc : -E_NOEXEC;
	}
	if (!pvd || bs < 512 || bs > ISO_SECTOR || (bs & (bs - 1)) || blocks < 17 ||
	    pvd_root[0] < 34) {
		free(vd);
		snprintf(err_detail, sizeof(err_detail), "ISO 9660 on (%s): the primary volume "
			 "descriptor is corrupt", dev->name);
		return -E_IO;
	}
	if (!(f = malloc(sizeof(*f)))) {
		free(vd);
		return -E_NOMEM;
	}
	memset(f, 0, sizeof(*f));
	f->fs.ops = &iso_ops;
	f->fs.dev = dev;
	f->bs = bs;
	f->volume_blocks = blocks;
	f->root_extent = get_le32(pvd_root + 2) + pvd_root[1];
	f->root_size = get_le32(pvd_root + 10);
	for (int i = 31; i >= 0 && (label[i] == ' ' || !label[i]); i--)
		label[i] = '\0';
	strlcpy(f->fs.label, label, sizeof(f->fs.label));
	free(vd);
	if (!extent_ok(f, f->root_extent, f->root_size) || !f->root_size) {
		free(f);
		snprintf(err_detail, sizeof(err_detail), "ISO 9660 on (%s): the root directory lies "
			 "outside the volume", dev->name);
		return -E_IO;
	}
	if ((rc = detect_rr(f)) < 0) {
		free(f);
		return rc;
	}
	if (f->names != NAMES_RR && joliet) {
		uint32_t ext = get_le32(jol_root + 2) + jol_root[1], size = get_le32(jol_root + 10);

		if (jol_root[0] >= 34 && size && extent_ok(f, ext, size)) {
			f->names = NAMES_JOLIET;
			f->root_extent = ext;
			f->root_size = size;
		}
	}
	*out = &f->fs;
	return 0;
}

FS_TYPE(iso_fs_type) = { .name = "iso9660", .mount = iso_mount };
