/* file.c: the one file interface: names resolve to a backend by device, whole files load into
 * the heap with a progress line, ESC or Ctrl-C abort. */
#include "services/console.h"
#include "lib/errors.h"
#include "files/file.h"
#include "services/heap.h"
#include "services/progress.h"

#define MAX_BACKENDS 4
#define READ_CHUNK (64 * 1024)

static const struct file_backend *backends[MAX_BACKENDS];
static int nbackends;
char file_root_device[16];

void file_register_backend(const struct file_backend *be)
{
	if (nbackends < MAX_BACKENDS)
		backends[nbackends++] = be;
}

const struct file_backend *file_find_backend(const char *device)
{
	for (int i = 0; i < nbackends; i++)
		if (!strcmp(backends[i]->device, device))
			return backends[i];
	return NULL;
}

int file_open(struct file *f, const char *name)
{
	char dev[16], path[PATH_MAX_LEN];
	int rc;

	memset(f, 0, sizeof(*f));
	rc = path_parse(name, file_root_device, dev, path);
	if (rc < 0)
		return rc;
	f->be = file_find_backend(dev);
	if (!f->be)
		return -E_NODEV;
	rc = f->be->open(f, path);
	if (rc < 0)
		f->be = NULL;
	return rc;
}

int file_read(struct file *f, void *buf, size_t len)
{
	int n = f->be->read(f, buf, len);

	if (n > 0)
		f->pos += (unsigned)n;
	return n;
}

void file_close(struct file *f)
{
	if (f->be && f->be->close)
		f->be->close(f);
	f->be = NULL;
}

/* Read the rest of f into buf (room bytes) with progress; returns bytes read or -E_*. */
static int64_t read_all(struct file *f, const char *name, uint8_t *buf, size_t room)
{
	struct progress pr;
	size_t got = 0;
	int n;

	progress_start(&pr, name, f->size_known ? f->size : 0);
	for (;;) {
		if (console_abort_requested()) {
			n = -E_CANCELED;
			break;
		}
		if (got == room) {
			/* Full: one more byte means the file does not fit. */
			uint8_t probe;
			n = file_read(f, &probe, 1);
			if (n > 0)
				n = -E_TOOBIG;
			break;
		}
		/* Chunks, so the progress line moves and ESC is seen during one long read. */
		n = file_read(f, buf + got, MIN(room - got, (size_t)READ_CHUNK));
		if (n <= 0)
			break;
		got += (unsigned)n;
		progress_update(&pr, got);
	}
	progress_finish(&pr, n);
	return n < 0 ? n : (int64_t)got;
}

int file_load(const char *name, uintptr_t limit, void **data, size_t *len)
{
	struct file f;
	uint8_t *buf;
	size_t room;
	int64_t got;
	int rc;

	rc = file_open(&f, name);
	if (rc < 0)
		return rc;
	if (f.size_known) {
		if (f.size >= SIZE_MAX) {
			rc = -E_TOOBIG;
			goto err_close;
		}
		room = f.size;
		buf = limit ? heap_alloc_below(room ? room : 1, 4096, limit)
			    : heap_alloc(room ? room : 1, 4096);
	} else {
		/* Size unknown until the end: take the largest free block, give back the rest. */
		room = heap_largest_free() & ~(size_t)4095;
		buf = room ? heap_alloc_below(room, 4096, limit ? limit : UINTPTR_MAX) : NULL;
	}
	if (!buf) {
		rc = -E_TOOBIG;
		goto err_close;
	}
	got = read_all(&f, name, buf, room);
	if (got < 0) {
		rc = (int)got;
		goto err_free;
	}
	if (f.size_known && (uint64_t)got != f.size) {
		rc = -E_IO;
		goto err_free;
	}
	if (!f.size_known && got)
		heap_shrink(buf, (size_t)got);
	file_close(&f);
	*data = buf;
	*len = (size_t)got;
	return 0;

err_free:
	heap_free(buf);
err_close:
	file_close(&f);
	return rc;
}
