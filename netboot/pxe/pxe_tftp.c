/* pxe_tftp.c: reading files through the PXE ROM's TFTP API when no osprey driver runs the NIC
 * and the user chose it (ifconfig --driver=pxe-tftp) or the ROM has no UDP API. The API has
 * one transfer at a time (PXE 2.1, TFTP API): a second open while one file is open is refused
 * with -E_BUSY, never by closing the first. */
#include "arch/bios.h"
#include "lib/errors.h"
#include "files/file.h"
#include "net/net.h"
#include "pxe/pxe_core.h"
#include "services/timer.h"

#define PACKET_SIZE 1432   /* fits a 1500-byte MTU with IP/UDP/TFTP headers */

static union {
	struct pxenv_tftp_open open;
	struct pxenv_tftp_read read;
	struct pxenv_tftp_get_fsize fsize;
	uint16_t status;
} pb;
static uint8_t packet[PACKET_SIZE];   /* low-memory bounce buffer the ROM writes into */

static struct {
	bool open, eof;
	uint16_t packet_size;
	uint16_t have, off;                /* bytes of packet[] not yet handed out */
	uint32_t server;
	uint64_t got;                      /* bytes the ROM has handed us */
} st;

static int set_name(char *dst, const char *path)
{
	if (!*path)
		return -E_INVAL;
	if (strlcpy(dst, path, 128) >= 128)
		return -E_TOOBIG;
	return 0;
}

/* A ROM call that failed with rc: say what the ROM said and, for a timeout, how long it waited
 * (the ROM's own timers: ESC cannot cut a ROM call short). File not found and access denied
 * need no more words. */
static int rom_failed(int rc, uint16_t opcode, uint16_t status, uint32_t server, uint64_t since)
{
	unsigned ms = (unsigned)(timer_ms() - since);
	char ip[16];

	if (rc == -E_NOENT || rc == -E_ACCESS)
		return rc;
	format_ipv4(server, ip);
	if (rc != -E_TIMEOUT)
		snprintf(err_detail, sizeof(err_detail), "the PXE ROM's %s failed: status 0x%02x (%s)",
			 pxe_opcode_name(opcode), status, pxe_status_text(status));
	else if (opcode == PXENV_TFTP_READ)
		snprintf(err_detail, sizeof(err_detail),
			 "TFTP server %s stopped sending after %llu bytes: the PXE ROM's TFTP API "
			 "gave up after %u.%u s (%s)", ip, (unsigned long long)st.got,
			 ms / 1000, ms % 1000 / 100, pxe_status_text(status));
	else
		snprintf(err_detail, sizeof(err_detail),
			 "TFTP server %s did not answer: the PXE ROM's TFTP API gave up after "
			 "%u.%u s (%s)", ip, ms / 1000, ms % 1000 / 100, pxe_status_text(status));
	return rc;
}

static const struct file_ops pxe_tftp_ops;

bool pxe_tftp_api_chosen;

int pxe_tftp_open(struct file *f, uint32_t server, const char *path)
{
	uint64_t t0 = timer_ms();
	int rc;

	if (!pxe_present() || !server)
		return -E_NONET;
	if (st.open) {
		snprintf(err_detail, sizeof(err_detail),
			 "the PXE ROM's TFTP API reads one file at a time and one is open");
		return -E_BUSY;
	}

	/* The size first (tsize): lets the loader allocate exactly and report a missing file early. */
	memset(&pb, 0, sizeof(pb));
	if ((rc = set_name(pb.fsize.filename, path)) < 0)
		return rc;
	put_be32(pb.fsize.server_ip, server);
	put_be32(pb.fsize.gateway_ip, pxe_gateway_for(server));
	rc = pxe_call(PXENV_TFTP_GET_FSIZE, &pb);
	if (rc == 0) {
		f->size = pb.fsize.file_size;
		f->size_known = true;
	} else if (rc == -E_NOENT || rc == -E_ACCESS) {
		return rc;
	} else if (rc == -E_TIMEOUT) {
		/* No answer at all: the open would wait the ROM's whole timeout again. */
		return rom_failed(rc, PXENV_TFTP_GET_FSIZE, pb.status, server, t0);
	}
	/* Any other failure (a server without tsize) leaves the size to the transfer. */

	memset(&pb, 0, sizeof(pb));
	set_name(pb.open.filename, path);
	put_be32(pb.open.server_ip, server);
	put_be32(pb.open.gateway_ip, pxe_gateway_for(server));
	pb.open.port = 69 << 8;   /* network byte order */
	pb.open.packet_size = PACKET_SIZE;
	if ((rc = pxe_call(PXENV_TFTP_OPEN, &pb)) < 0)
		return rom_failed(rc, PXENV_TFTP_OPEN, pb.status, server, t0);
	st.open = true;
	st.server = server;
	st.got = 0;
	f->ops = &pxe_tftp_ops;
	st.eof = false;
	st.have = st.off = 0;
	st.packet_size = pb.open.packet_size ? pb.open.packet_size : 512;
	if (st.packet_size > PACKET_SIZE)
		st.packet_size = PACKET_SIZE;
	return 0;
}

static int pxe_tftp_read(struct file *f, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		if (st.have == st.off) {
			uint64_t t0 = timer_ms();
			int rc;

			if (st.eof)
				break;
			memset(&pb, 0, sizeof(pb));
			pb.read.buffer = to_segoff(packet);
			pb.read.buffer_size = sizeof(packet);
			if ((rc = pxe_call(PXENV_TFTP_READ, &pb)) < 0)
				return rom_failed(rc, PXENV_TFTP_READ, pb.status, st.server, t0);
			st.have = pb.read.buffer_size > sizeof(packet) ? sizeof(packet) : pb.read.buffer_size;
			st.got += st.have;
			st.off = 0;
			if (st.have < st.packet_size)
				st.eof = true;
			/* Hand back what we have so the caller can show progress and check for ESC. */
			if (done)
				break;
		}
		size_t n = MIN((size_t)(st.have - st.off), len - done);
		memcpy((uint8_t *)buf + done, packet + st.off, n);
		st.off += n;
		done += n;
	}
	return (int)done;
}

static void pxe_tftp_close(struct file *f)
{
	if (!st.open)
		return;
	memset(&pb, 0, sizeof(pb));
	pxe_call(PXENV_TFTP_CLOSE, &pb);
	st.open = false;
}

static const struct file_ops pxe_tftp_ops = {
	.read = pxe_tftp_read,
	.close = pxe_tftp_close,
};
