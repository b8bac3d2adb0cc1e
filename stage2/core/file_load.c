/* file_load.c: reads a whole file into the heap, placed by the caller's options, with a progress
 * line; ESC or Ctrl-C cancels between chunks. LOAD_GUNZIP unpacks a gzip file after loading. */
#include "files/file.h"
#include "lib/inflate.h"
#include "lib/errors.h"
#include "services/console.h"
#include "services/heap.h"
#include "services/progress.h"

#define READ_CHUNK (64 * 1024)
#define DEFAULT_ALIGN 4096

/* The last part of a file name ("(nd)/boot/initrd.img" -> "initrd.img"), for messages. */
static const char *base_name(const char *name)
{
	const char *b = name;

	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ')')
			b = p + 1;
	return *b ? b : name;
}

/* err_detail for a file that does not fit: its size when known (size_known: refused before
 * any data was read), and the largest block the load could have had. */
static void too_big_detail(const char *name, bool size_known, uint64_t size, uintptr_t below,
			   size_t align)
{
	char have[24], want[24], limit[32] = "";

	size_format(want, sizeof(want), size);
	size_format(have, sizeof(have), heap_largest_free_below(below, align));
	if (below != UINTPTR_MAX)
		snprintf(limit, sizeof(limit), " below 0x%lx", (unsigned long)below);
	if (size_known)
		snprintf(err_detail, sizeof(err_detail), "%s is %s; %s free%s", base_name(name), want,
			 have, limit);
	else
		snprintf(err_detail, sizeof(err_detail), "%s is larger than the %s free%s",
			 base_name(name), have, limit);
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

/* Load the file as it is. */
static int load_raw(const char *name, const struct load_opts *opts, void **data, size_t *len)
{
	uintptr_t below = opts && opts->below ? opts->below : UINTPTR_MAX;
	size_t align = opts && opts->align ? opts->align : DEFAULT_ALIGN;
	struct file f;
	uint8_t *buf;
	size_t room;
	int64_t got;
	int rc;

	rc = file_open(&f, name);
	if (rc < 0)
		return rc;
	if (f.size_known) {
		/* Checked before the first byte is read: a file that cannot fit is never transferred. */
		if (f.size >= SIZE_MAX) {
			too_big_detail(name, true, f.size, below, align);
			rc = -E_TOOBIG;
			goto err_close;
		}
		room = (size_t)f.size;
	} else {
		/* Unknown size: read into the largest block that fits, then move it where a load
		 * of that size would have gone. */
		room = heap_largest_free_below(below, align);
	}
	buf = room ? heap_alloc_below(room, align, below) : heap_alloc_below(1, align, below);
	if (!buf) {
		too_big_detail(name, f.size_known, f.size, below, align);
		rc = -E_TOOBIG;
		goto err_close;
	}
	got = read_all(&f, name, buf, room);
	if (got < 0) {
		rc = (int)got;
		if (rc == -E_TOOBIG && f.size_known) {
			rc = -E_IO;                 /* more data than the server announced */
		} else if (rc == -E_TOOBIG) {
			heap_free(buf);             /* so the detail counts the room it had */
			buf = NULL;
			too_big_detail(name, false, 0, below, align);
		}
		goto err_free;
	}
	if (f.size_known && (uint64_t)got != f.size) {
		rc = -E_IO;              /* the server announced another size than it sent */
		goto err_free;
	}
	if (!f.size_known)
		buf = heap_relocate(buf, got ? (size_t)got : 1, align, below);
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

/* Unpack a gzip file loaded whole at *data. The size comes from the trailer's ISIZE (the size
 * mod 2^32, exact below 4 GiB, which is all a 32-bit loader can hold): the output block gets
 * exactly that, and the decoder, bounded by it, can neither write past it nor end short
 * without failing the ISIZE and CRC checks. The packed copy is freed after. */
static int unpack(const char *name, const struct load_opts *opts, void **data, size_t *len)
{
	char label[80];
	struct progress pr;
	uintptr_t below = opts->below ? opts->below : UINTPTR_MAX;
	size_t align = opts->align ? opts->align : DEFAULT_ALIGN;
	uint32_t isize;
	size_t got;
	uint8_t *out;
	int rc;

	rc = gzip_isize(*data, *len, &isize);
	if (rc < 0)
		return rc;
	out = heap_alloc_below(isize ? isize : 1, align, below);
	if (!out) {
		snprintf(err_detail, sizeof(err_detail), "unpacked size %u bytes does not fit in memory",
			 (unsigned)isize);
		return -E_TOOBIG;
	}
	/* One line with the unpacked size and rate after the load's own line. */
	snprintf(label, sizeof(label), "gunzip %s", name);
	progress_start(&pr, label, isize);
	rc = gunzip(*data, *len, out, isize, &got);
	pr.done = rc < 0 ? 0 : got;
	progress_finish(&pr, rc);
	if (rc < 0) {
		heap_free(out);
		if (rc == -E_NOTSUP) {
			strlcpy(err_detail, "gzip file with more than one member", sizeof(err_detail));
		} else if (rc == -E_TOOBIG) {
			/* More output than the trailer announced: the stream or ISIZE is bad. */
			rc = -E_CORRUPT;
			snprintf(err_detail, sizeof(err_detail),
				 "gzip stream longer than the %u bytes its trailer says", (unsigned)isize);
		} else if (rc == -E_CORRUPT) {
			strlcpy(err_detail, "corrupt gzip stream", sizeof(err_detail));
		}
		return rc;
	}
	heap_free(*data);
	*data = out;
	*len = got;
	return 0;
}

int file_load(const char *name, const struct load_opts *opts, void **data, size_t *len)
{
	int rc = load_raw(name, opts, data, len);

	if (rc < 0 || !opts || !(opts->flags & LOAD_GUNZIP) || !gzip_is(*data, *len))
		return rc;
	rc = unpack(name, opts, data, len);
	if (rc < 0)
		heap_free(*data);
	return rc;
}
