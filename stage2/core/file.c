/* file.c: opens a name through the source that serves it and dispatches reads, seeks and closes
 * to the open file's own ops; no state lives here but the root device. */
#include "files/file.h"
#include "lib/errors.h"

#define SKIP_CHUNK 512

char file_root_device[16];

const struct file_source *file_find_source(const char *name, bool url)
{
	for_each_file_source(s)
		if (s->url == url && !strcmp(s->name, name))
			return s;
	return NULL;
}

int file_device_check(const struct file_name *n)
{
	const struct file_source *src = file_find_source(n->source, n->url);

	if (!src)
		return -E_NODEV;
	return src->check ? src->check(n) : 0;
}

int file_open_name(struct file *f, const struct file_name *n)
{
	const struct file_source *src = file_find_source(n->source, n->url);
	int rc;

	memset(f, 0, sizeof(*f));
	if (!src)
		return -E_NODEV;
	f->src = src;
	rc = src->open(f, n);
	if (rc == 0 && (!f->ops || !f->ops->read))
		rc = -E_IO;                  /* a source that opened nothing readable */
	if (rc < 0)
		memset(f, 0, sizeof(*f));
	return rc;
}

int file_open(struct file *f, const char *name)
{
	struct file_name n;
	int rc = file_name_parse(name, file_root_device, &n);

	if (rc < 0) {
		memset(f, 0, sizeof(*f));
		return rc;
	}
	return file_open_name(f, &n);
}

int file_read(struct file *f, void *buf, size_t len)
{
	int n;

	if (!f->ops)
		return -E_INVAL;
	if (len > INT32_MAX)
		len = INT32_MAX;
	n = f->ops->read(f, buf, len);
	if (n > 0)
		f->pos += (unsigned)n;
	return n;
}

int file_seek(struct file *f, uint64_t pos)
{
	uint8_t scratch[SKIP_CHUNK];
	int rc;

	if (!f->ops)
		return -E_INVAL;
	if (f->ops->seek) {
		rc = f->ops->seek(f, pos);
		if (rc == 0)
			f->pos = pos;
		return rc;
	}
	if (pos < f->pos)
		return -E_NOTSUP;            /* a stream cannot go back */
	while (f->pos < pos) {
		rc = file_read(f, scratch, (size_t)MIN(pos - f->pos, (uint64_t)sizeof(scratch)));
		if (rc < 0)
			return rc;
		if (rc == 0)
			return -E_RANGE;     /* past the end */
	}
	return 0;
}

void file_close(struct file *f)
{
	if (f->ops && f->ops->close)
		f->ops->close(f);
	memset(f, 0, sizeof(*f));
}
