/* disk_image.c: images made by real tools for the disk and filesystem tests (see disk_image.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "disk_image.h"
#include "lib/errors.h"

static int mem_read(struct blockdev *b, uint64_t lba, uint32_t count, void *buf)
{
	struct test_disk *d = b->priv;

	if (d->fail_after > 0 && d->reads >= d->fail_after)
		return -E_IO;
	d->reads++;
	memcpy(buf, d->data + lba * b->sector_size, (size_t)count * b->sector_size);
	return 0;
}

static int mem_write(struct blockdev *b, uint64_t lba, uint32_t count, const void *buf)
{
	struct test_disk *d = b->priv;

	memcpy(d->data + lba * b->sector_size, buf, (size_t)count * b->sector_size);
	return 0;
}

void test_disk_from(struct test_disk *d, const void *data, size_t len, uint32_t ss)
{
	memset(d, 0, sizeof(*d));
	d->size = len / ss * ss;
	d->data = malloc(d->size ? d->size : 1);
	memcpy(d->data, data, d->size);
	strcpy(d->bd.name, "hd9");
	d->bd.sector_size = ss;
	d->bd.sectors = d->size / ss;
	d->bd.read = mem_read;
	d->bd.write = mem_write;
	d->bd.priv = d;
}

int test_disk_make(struct test_disk *d, size_t size, uint32_t ss, const char *cmd)
{
	char path[] = "/tmp/osprey-disk-XXXXXX", script[] = "/tmp/osprey-tool-XXXXXX", line[256];
	int fd = mkstemp(path), sfd = mkstemp(script), rc = -1;
	uint8_t *buf = NULL;
	FILE *f;

	memset(d, 0, sizeof(*d));
	if (fd < 0 || sfd < 0 || ftruncate(fd, (off_t)size) < 0)
		goto out;
	/* The command runs as a script with the image as $1 (no quoting games). */
	if (!(f = fdopen(sfd, "w")))
		goto out;
	sfd = -1;
	fprintf(f, "set -e\nPATH=$PATH:/usr/sbin:/sbin\n%s\n", cmd);
	fclose(f);
	snprintf(line, sizeof(line), "sh %s %s >/tmp/osprey-disk-tool.log 2>&1", script, path);
	if (system(line) != 0) {
		printf("    tool failed: %s (see /tmp/osprey-disk-tool.log)\n", cmd);
		goto out;
	}
	if (!(f = fopen(path, "rb")))
		goto out;
	buf = malloc(size);
	if (fread(buf, 1, size, f) == size) {
		test_disk_from(d, buf, size, ss);
		rc = 0;
	}
	fclose(f);
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	if (sfd >= 0)
		close(sfd);
	unlink(path);
	unlink(script);
	return rc;
}

void test_disk_free(struct test_disk *d)
{
	free(d->data);
	memset(d, 0, sizeof(*d));
}

long test_disk_slurp(struct test_disk *d, const char *name, int chunk, char **out)
{
	struct file f = { 0 };
	int rc = fs_open_file(&f, &d->bd, name);
	long got = 0;

	*out = NULL;
	if (rc < 0)
		return rc;
	*out = malloc((size_t)f.size + 1);
	while ((rc = file_read(&f, *out + got, (size_t)chunk)) > 0)
		got += rc;
	(*out)[got] = '\0';
	file_close(&f);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		return rc;
	}
	return got;
}

int test_names_collect(void *ctx, const struct fs_dirent *e)
{
	struct test_names *n = ctx;
	char one[300];

	snprintf(one, sizeof(one), "%s%s:%llu;", e->name, e->dir ? "/" : "",
		 e->dir ? 0ull : (unsigned long long)e->size);
	strncat(n->all, one, sizeof(n->all) - strlen(n->all) - 1);
	n->n++;
	return 0;
}
