/* disk_complete.c: tab completion of device and file names on disks at the prompt, as GRUB
 * legacy did: "(hd" offers the disks and partitions, "(hd0,0)/bo" the entries of (hd0,0)'s
 * root directory that start with "bo", through the filesystem's directory listing. */
#include "disk/complete.h"
#include "disk/disk.h"
#include "disk/fs.h"
#include "disk/partition.h"
#include "lib/errors.h"
#include "services/heap.h"

struct dir_match {
	const char *dir;          /* the word up to its last '/', as typed */
	size_t dirlen;
	const char *base;         /* what the name must start with (unescaped) */
	void (*add)(void *ctx, const char *name);
	void *ctx;
};

/* A name as it is typed on the prompt: blanks, quotes and backslashes escaped. */
static void escape_into(char *out, size_t size, size_t at, const char *s)
{
	for (; *s && at + 2 < size; s++) {
		if (*s == ' ' || *s == '\t' || *s == '"' || *s == '\\')
			out[at++] = '\\';
		out[at++] = *s;
	}
	out[at] = '\0';
}

static int offer_entry(void *ctx, const struct fs_dirent *e)
{
	static char cand[PATH_MAX_LEN * 2 + 2];
	struct dir_match *m = ctx;
	size_t n;

	if (strncmp(e->name, m->base, strlen(m->base)) || m->dirlen >= sizeof(cand))
		return 0;
	memcpy(cand, m->dir, m->dirlen);
	escape_into(cand, sizeof(cand) - 1, m->dirlen, e->name);
	n = strlen(cand);
	if (e->dir) {
		cand[n] = '/';
		cand[n + 1] = '\0';
	}
	m->add(m->ctx, cand);
	return 0;
}

/* "(hd0)", "(hd0,0)", ... for every disk and partition the table lists. */
static void offer_devices(void (*add)(void *ctx, const char *name), void *ctx)
{
	struct part_entry *list = malloc(PART_MAX * sizeof(*list));
	char name[BLOCKDEV_NAME_MAX + 16];

	if (!list)
		return;
	for (struct blockdev *d = blockdev_first(); d; d = d->next) {
		enum part_scheme scheme;
		unsigned n = 0;

		snprintf(name, sizeof(name), "(%s)", d->name);
		add(ctx, name);
		if (part_read_table(d, &scheme, list, PART_MAX, &n) < 0)
			continue;
		for (unsigned i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "(%s,%u)", d->name, list[i].index);
			add(ctx, name);
		}
	}
	free(list);
}

void disk_complete(const char *word, size_t len, void (*add)(void *ctx, const char *name),
		   void *ctx)
{
	static char plain[PATH_MAX_LEN], dir[PATH_MAX_LEN];
	struct file_name n;
	struct blockdev *d;
	struct dir_match m;
	size_t j = 0, slash = 0, wslash = 0;
	bool has_slash = false;

	/* Unescape; remember where the last '/' is, in the typed word and in the plain one. */
	for (size_t i = 0; i < len; i++) {
		if (word[i] == '\\' && i + 1 < len)
			i++;
		else if (word[i] == '/') {
			has_slash = true;
			wslash = i + 1;
			slash = j + 1;
		}
		if (j + 1 >= sizeof(plain))
			return;
		plain[j++] = word[i];
	}
	plain[j] = '\0';
	if (plain[0] == '(' && !strchr(plain, ')')) {
		offer_devices(add, ctx);
		goto out;
	}
	if (!has_slash)
		return;
	m.base = plain + slash;
	m.dir = word;
	m.dirlen = wslash;
	m.add = add;
	m.ctx = ctx;
	memcpy(dir, plain, slash);             /* the directory with its '/': "(hd0,0)/boot/" */
	dir[slash] = '\0';
	if (file_name_parse(dir, file_root_device, &n) < 0 || n.url || n.blocklist ||
	    (strcmp(n.source, "hd") && strcmp(n.source, "fd") && strcmp(n.source, "cd")))
		goto out;
	if (disk_get(n.device, &d) == 0)
		fs_list(d, n.path, offer_entry, &m);   /* takes d */
out:
	err_detail[0] = 0;   /* a disk that cannot be listed offers nothing, and says nothing */
}
