/* test_pxe.c: unit tests of the PXE layer over a fake PXE API and a fake first MiB: the unload
 * order, each step's failure reported and returned, AX and the status both checked, the 40:13
 * reclaim, hostile !PXE / PXENV+ structures and cached-info answers, the UDP API carrying
 * osprey's UDP, and the TFTP API for a ROM that refuses it. */
#include "test.h"
#include "lib/errors.h"
#include "drivers/netdev.h"
#include "files/file.h"
#include "services/timer.h"
#include "net/net.h"
#include "net/netstack.h"
#include "pxe/pxe_core.h"
#include "pxe/pxe_shim.h"
#include <stdlib.h>
#include <unistd.h>

#define MIB 0x100000u
#define BANG_AT 0x9cba0u       /* where QEMU's iPXE puts !PXE, with its segments below */
#define PXENV_AT 0x9cb40u
#define ENTRY 0x9c480160u      /* 9c48:0160 */
#define FBM_KIB 625            /* 40:13 with the stack loaded; the EBDA starts at 639 KiB */
#define PKT_AT 0x9d000u

static uint8_t *mem;           /* the fake first MiB */
static uint16_t calls[16];
static int ncalls;
static struct {
	uint16_t opcode, ax, status;
} fail;                        /* the one call the fake makes fail (opcode 0xffff: none) */
static struct pxenv_get_cached_info cached_answer;
static bool stop_undi_unhooks; /* STOP_UNDI moves INT 1Ah back to the BIOS */
static int tftp_silent_after = -1; /* TFTP API: full packets READ gives before the server is
                                    * silent (0: no answer to the size request or the open) */
static int tftp_reads;

/* The ROM's UDP API: its queue of received datagrams, and what the last UDP_WRITE said. */
static struct fake_dgram {
	uint32_t src, dst;
	uint16_t sport, dport, len, claimed;   /* claimed: the length UDP_READ reports */
	uint8_t data[64];
} udp_queue[4];
static int udp_queued, udp_read_at;
static bool udp_open;
static uint16_t udp_read_status;       /* non-zero: UDP_READ fails with it */
static struct pxenv_udp_write udp_sent;
static uint8_t udp_sent_data[UDP_PAYLOAD_MAX];
static uint32_t udp_open_ip;

static bool fake_udp(uint16_t opcode, void *params, uint16_t *ax)
{
	uint16_t status = PXENV_STATUS_SUCCESS;

	if (opcode == PXENV_UDP_OPEN) {
		udp_open = true;
		udp_open_ip = get_be32(((struct pxenv_udp_open *)params)->src_ip);
	} else if (opcode == PXENV_UDP_CLOSE) {
		udp_open = false;
	} else if (opcode == PXENV_UDP_WRITE) {
		udp_sent = *(struct pxenv_udp_write *)params;
		memcpy(udp_sent_data, pxe_udp_tx, MIN(udp_sent.buffer_size, UDP_PAYLOAD_MAX));
	} else if (opcode == PXENV_UDP_READ) {
		struct pxenv_udp_read *r = params;

		if (udp_read_status) {
			status = udp_read_status;
		} else if (udp_read_at == udp_queued) {
			status = PXENV_STATUS_FAILURE;      /* nothing waiting */
		} else {
			struct fake_dgram *d = &udp_queue[udp_read_at++];

			put_be32(r->src_ip, d->src);
			put_be32(r->dest_ip, d->dst);
			put_be16(&r->s_port, d->sport);
			put_be16(&r->d_port, d->dport);
			memcpy(pxe_udp_rx, d->data, MIN(d->len, r->buffer_size));
			r->buffer_size = d->claimed;
		}
	} else {
		return false;
	}
	put_le16(params, status);
	*ax = status ? PXENV_EXIT_FAILURE : PXENV_EXIT_SUCCESS;
	return true;
}

/* The ROM's TFTP API with a server that goes silent: each timeout costs the ROM 16 s. */
static bool fake_tftp(uint16_t opcode, void *params, uint16_t *ax)
{
	uint16_t status = PXENV_STATUS_SUCCESS;

	if (tftp_silent_after < 0)
		return false;
	if (opcode == PXENV_TFTP_GET_FSIZE || opcode == PXENV_TFTP_OPEN) {
		if (tftp_silent_after == 0) {
			mdelay(16000);
			status = PXENV_STATUS_TFTP_OPEN_TIMEOUT;
		} else if (opcode == PXENV_TFTP_OPEN) {
			((struct pxenv_tftp_open *)params)->packet_size = 512;
		} else {
			((struct pxenv_tftp_get_fsize *)params)->file_size = 1 << 20;
		}
	} else if (opcode == PXENV_TFTP_READ) {
		if (tftp_reads++ < tftp_silent_after) {
			((struct pxenv_tftp_read *)params)->buffer_size = 512;
		} else {
			mdelay(16000);
			status = PXENV_STATUS_TFTP_READ_TIMEOUT;
		}
	} else {
		return false;
	}
	put_le16(params, status);
	*ax = status ? PXENV_EXIT_FAILURE : PXENV_EXIT_SUCCESS;
	return true;
}

static uint16_t fake_call(const struct pxe_info *pi, uint16_t opcode, void *params)
{
	if (ncalls < (int)ARRAY_SIZE(calls))
		calls[ncalls++] = opcode;
	uint16_t ax;

	if (opcode == fail.opcode) {
		put_le16(params, fail.status);
		return fail.ax;
	}
	if (fake_tftp(opcode, params, &ax) || fake_udp(opcode, params, &ax))
		return ax;
	if (opcode == PXENV_GET_CACHED_INFO) {
		struct pxenv_get_cached_info *ci = params;
		uint16_t type = ci->packet_type;
		*ci = cached_answer;
		if (type != PXENV_PACKET_TYPE_DHCP_ACK) {
			ci->status = 1;        /* no proxy reply cached */
			return PXENV_EXIT_FAILURE;
		}
		return PXENV_EXIT_SUCCESS;
	}
	if (opcode == PXENV_STOP_UNDI && stop_undi_unhooks)
		put_le32(mem + IVT_INT1A, 0xf000fe6e);
	put_le16(params, PXENV_STATUS_SUCCESS);
	return PXENV_EXIT_SUCCESS;
}

static void *fake_lowmem(uint32_t phys, size_t len)
{
	if (phys >= MIB || len > MIB - phys)
		return NULL;
	return mem + phys;
}

static const struct pxe_platform fake = { fake_call, fake_lowmem };


/* A !PXE at phys with the layout QEMU's iPXE ROM uses (two blocks, each listed twice). */
static void put_bang(uint32_t phys)
{
	static const uint32_t segs[7][2] = {
		{ 0x9ccc0, 12048 }, { 0x9ccc0, 12048 }, { 0x9c480, 2066 }, { 0x9c480, 2066 },
		{ 0, 0 }, { 0, 0 }, { 0, 0 },
	};
	uint8_t *p = mem + phys;

	memset(p, 0, BANG_PXE_MIN_LEN);
	memcpy(p, "!PXE", 4);
	p[4] = BANG_PXE_MIN_LEN;
	put_le32(p + 0x10, ENTRY);
	p[0x1d] = 7;
	for (int i = 0; i < 7; i++) {
		put_le16(p + 0x20 + 8 * i, (uint16_t)(segs[i][0] >> 4));
		put_le32(p + 0x22 + 8 * i, segs[i][0]);
		put_le16(p + 0x26 + 8 * i, (uint16_t)segs[i][1]);
	}
	pxe_fix_checksum(p, BANG_PXE_MIN_LEN, 5);
}

/* A PXENV+ of the given version whose !PXE pointer (2.1+) is bang_so. */
static void put_pxenv(uint32_t phys, uint16_t version, uint32_t bang_so)
{
	uint8_t *p = mem + phys;

	memset(p, 0, PXENV_PXEPTR_LEN);
	memcpy(p, "PXENV+", 6);
	put_le16(p + 6, version);
	p[8] = PXENV_PXEPTR_LEN;
	put_le32(p + 0x0a, ENTRY);
	put_le16(p + 0x20, 0x9ccc);    /* UNDIData */
	put_le16(p + 0x22, 12048);
	put_le16(p + 0x24, 0x9c48);    /* UNDICode */
	put_le16(p + 0x26, 2066);
	put_le32(p + 0x28, bang_so);
	pxe_fix_checksum(p, PXENV_PXEPTR_LEN, 9);
}

static uint32_t so_of(uint32_t phys)
{
	return (phys >> 4) << 16 | (phys & 0xf);
}

static void setup(void)
{
	static uint8_t *buf;

	if (!buf)
		buf = malloc(MIB);
	mem = buf;
	memset(mem, 0, MIB);
	put_le16(mem + BDA_BASE_KIB, FBM_KIB);
	put_le16(mem + BDA_EBDA_SEG, 0x9fc0);
	put_le32(mem + IVT_INT1A, ENTRY);    /* the PXE stack hooked INT 1Ah */
	stop_undi_unhooks = true;
	tftp_silent_after = -1;
	tftp_reads = 0;
	udp_queued = udp_read_at = 0;
	udp_open = false;
	udp_read_status = 0;
	memset(&udp_sent, 0, sizeof(udp_sent));
	ncalls = 0;
	fail.opcode = 0xffff;
	memset(&cached_answer, 0, sizeof(cached_answer));
	pxe_reset();
	pxe_set_platform(&fake);
}

static uint16_t fbm(void)
{
	return get_le16(mem + BDA_BASE_KIB);
}

/* Run fn with stdout captured into out. */
static int capture(int (*fn)(void), char *out, size_t size)
{
	fflush(stdout);
	int saved = dup(1);
	FILE *tmp = tmpfile();
	dup2(fileno(tmp), 1);
	int rc = fn();
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(tmp);
	size_t n = fread(out, 1, size - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return rc;
}

TEST(pxe_unload_order_and_reclaim)
{
	char out[512];

	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	CHECK(pxe_present());
	CHECK_EQ(pxe_get_info()->entry, ENTRY);
	CHECK_EQ(pxe_get_info()->nsegs, 2);       /* the aliases are listed once */
	CHECK_EQ(capture(pxe_unload, out, sizeof(out)), 0);
	CHECK_EQ(ncalls, 3);
	CHECK_EQ(calls[0], PXENV_UNDI_SHUTDOWN);
	CHECK_EQ(calls[1], PXENV_UNLOAD_STACK);
	CHECK_EQ(calls[2], PXENV_STOP_UNDI);
	CHECK_EQ(fbm(), 639);                      /* 0x9fbcf rounded up to the EBDA at 639 KiB */
	CHECK(strstr(out, "base memory 625 KiB -> 639 KiB") != NULL);
	CHECK(!pxe_present());
	CHECK_EQ(pxe_get_state(), PXE_UNLOADED);
	/* Idempotent: nothing is called into the unloaded stack. */
	CHECK_EQ(capture(pxe_unload, out, sizeof(out)), 0);
	CHECK_EQ(capture(pxe_release_nic, out, sizeof(out)), 0);
	CHECK_EQ(ncalls, 3);
	uint16_t st = 0;
	CHECK_EQ(pxe_call(PXENV_TFTP_CLOSE, &st), -E_NODEV);
	CHECK_EQ(ncalls, 3);
}

TEST(pxe_release_then_unload)
{
	char out[512];

	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	CHECK_EQ(capture(pxe_release_nic, out, sizeof(out)), 0);
	CHECK_EQ(ncalls, 1);
	CHECK_EQ(calls[0], PXENV_UNDI_SHUTDOWN);
	CHECK_EQ(pxe_get_state(), PXE_NIC_RELEASED);
	CHECK(!pxe_present());                    /* the TFTP backend must not use it now */
	CHECK_EQ(fbm(), FBM_KIB);                  /* the stack's memory stays loaded */
	CHECK_EQ(capture(pxe_release_nic, out, sizeof(out)), 0);
	CHECK_EQ(ncalls, 1);
	/* The unload skips the shutdown already done. */
	CHECK_EQ(capture(pxe_unload, out, sizeof(out)), 0);
	CHECK_EQ(ncalls, 3);
	CHECK_EQ(calls[1], PXENV_UNLOAD_STACK);
	CHECK_EQ(calls[2], PXENV_STOP_UNDI);
	CHECK_EQ(fbm(), 639);
}

TEST(pxe_reopen_for_chained_nbp)
{
	char out[512];

	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	CHECK_EQ(pxe_bang_segoff(), so_of(BANG_AT));
	CHECK_EQ(capture(pxe_reopen_nic, out, sizeof(out)), 0);   /* never released: nothing */
	CHECK_EQ(ncalls, 0);
	CHECK_EQ(capture(pxe_release_nic, out, sizeof(out)), 0);
	CHECK_EQ(capture(pxe_reopen_nic, out, sizeof(out)), 0);
	CHECK_EQ(ncalls, 4);
	CHECK_EQ(calls[1], PXENV_UNDI_INITIALIZE);
	CHECK_EQ(calls[2], PXENV_UNDI_OPEN);
	CHECK_EQ(calls[3], PXENV_UNDI_CLOSE);   /* the ROM's UDP API must get frames again */
	CHECK(pxe_present());
	/* A failing UNDI_OPEN is reported and leaves the NIC released. */
	CHECK_EQ(capture(pxe_release_nic, out, sizeof(out)), 0);
	fail.opcode = PXENV_UNDI_OPEN;
	fail.ax = PXENV_EXIT_FAILURE;
	fail.status = PXENV_STATUS_UNDI_INVALID_STATE;
	CHECK(capture(pxe_reopen_nic, out, sizeof(out)) < 0);
	CHECK(strstr(out, "UNDI_OPEN failed") != NULL);
	CHECK_EQ(pxe_get_state(), PXE_NIC_RELEASED);
	fail.opcode = 0xffff;
	/* Once unloaded there is nothing to reopen. */
	CHECK_EQ(capture(pxe_unload, out, sizeof(out)), 0);
	CHECK_EQ(capture(pxe_reopen_nic, out, sizeof(out)), -E_NODEV);
}

TEST(pxe_release_failure_reported)
{
	char out[512];

	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	fail.opcode = PXENV_UNDI_SHUTDOWN;
	fail.ax = PXENV_EXIT_FAILURE;
	fail.status = PXENV_STATUS_UNDI_INVALID_STATE;
	CHECK_EQ(capture(pxe_release_nic, out, sizeof(out)), -E_IO);
	CHECK(strstr(out, "UNDI_SHUTDOWN failed") != NULL);
	CHECK(strstr(out, "status 0x6a (UNDI invalid state)") != NULL);
	CHECK_EQ(pxe_get_state(), PXE_ACTIVE);
}

/* Every step's failure stops the unload there, is printed (which call, which status) and
 * returned; base memory is left alone and a later call does not touch the stack again. */
TEST(pxe_unload_failure_at_each_step)
{
	static const uint16_t steps[] = { PXENV_UNDI_SHUTDOWN, PXENV_UNLOAD_STACK, PXENV_STOP_UNDI };
	char out[512], want[64];

	for (int i = 0; i < 3; i++) {
		setup();
		put_bang(BANG_AT);
		CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
		fail.opcode = steps[i];
		fail.ax = PXENV_EXIT_FAILURE;
		fail.status = PXENV_STATUS_KEEP_UNDI;
		CHECK_EQ(capture(pxe_unload, out, sizeof(out)), -E_IO);
		CHECK_EQ(ncalls, i + 1);
		CHECK_EQ(calls[i], steps[i]);
		snprintf(want, sizeof(want), "PXE: %s failed: AX=1, status 0x04", pxe_opcode_name(steps[i]));
		CHECK(strstr(out, want) != NULL);
		CHECK(strstr(out, "KEEP_UNDI") != NULL);
		snprintf(want, sizeof(want), "unload stopped at %s (step %d of 3)",
			 pxe_opcode_name(steps[i]), i + 1);
		CHECK(strstr(out, want) != NULL);
		CHECK_EQ(fbm(), FBM_KIB);
		CHECK_EQ(pxe_get_state(), PXE_UNLOAD_FAILED);
		CHECK(!pxe_present());
		CHECK_EQ(capture(pxe_unload, out, sizeof(out)), -E_IO);
		CHECK_STR(out, "");
		/* The NIC counts as released only when the shutdown step got through. */
		CHECK_EQ(capture(pxe_release_nic, out, sizeof(out)), i == 0 ? -E_IO : 0);
		CHECK_EQ(ncalls, i + 1);
	}
}

/* AX = failure with a zero status is a failure; so is AX = success with a non-zero status. */
TEST(pxe_call_checks_ax_and_status)
{
	char out[512];
	uint16_t block[8] = { 0 };

	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	fail.opcode = PXENV_UNLOAD_STACK;
	fail.ax = PXENV_EXIT_FAILURE;
	fail.status = 0;
	CHECK_EQ(capture(pxe_unload, out, sizeof(out)), -E_IO);
	CHECK(strstr(out, "UNLOAD_STACK failed: AX=1, status 0x00") != NULL);
	CHECK_EQ(fbm(), FBM_KIB);

	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	fail.opcode = PXENV_TFTP_OPEN;
	fail.ax = PXENV_EXIT_SUCCESS;
	fail.status = PXENV_STATUS_TFTP_FILE_NOT_FOUND;
	CHECK_EQ(pxe_call(PXENV_TFTP_OPEN, block), -E_NOENT);
	CHECK_EQ(block[0], PXENV_STATUS_TFTP_FILE_NOT_FOUND);
	fail.ax = PXENV_EXIT_FAILURE;
	fail.status = PXENV_STATUS_TFTP_ACCESS_VIOLATION;
	CHECK_EQ(pxe_call(PXENV_TFTP_OPEN, block), -E_ACCESS);
	fail.status = PXENV_STATUS_TFTP_READ_TIMEOUT;
	CHECK_EQ(pxe_call(PXENV_TFTP_OPEN, block), -E_TIMEOUT);
	CHECK_EQ(pxe_call(PXENV_TFTP_CLOSE, block), 0);
	CHECK_STR(pxe_status_text(PXENV_STATUS_TFTP_FILE_NOT_FOUND), "TFTP file not found");
	CHECK_STR(pxe_status_text(0x99), "unknown status");
	CHECK_STR(pxe_opcode_name(PXENV_STOP_UNDI), "STOP_UNDI");
}

TEST(pxe_pre21_unload_uses_cleanup)
{
	char out[512];

	setup();
	put_pxenv(PXENV_AT, 0x0200, 0);
	CHECK_EQ(pxe_attach(0, so_of(PXENV_AT)), 0);
	CHECK(!pxe_get_info()->bang_pxe);
	CHECK_EQ(capture(pxe_unload, out, sizeof(out)), 0);
	CHECK_EQ(ncalls, 3);
	CHECK_EQ(calls[0], PXENV_UNDI_SHUTDOWN);
	CHECK_EQ(calls[1], PXENV_UNLOAD_STACK);
	CHECK_EQ(calls[2], PXENV_UNDI_CLEANUP);
}

TEST(pxe_reclaim_only_when_contiguous)
{
	struct pxe_seg segs[3];
	uint16_t kib;
	const char *why;

	/* One block from 40:13 (starting inside its first KiB) to below the EBDA. */
	segs[0] = (struct pxe_seg){ 0x9c480, 2066 };
	segs[1] = (struct pxe_seg){ 0x9ccc0, 12048 };
	CHECK_EQ(pxe_reclaim_plan(625, segs, 2, 639, 0xfe6e0, &kib, &why), 0);
	CHECK_EQ(kib, 639);
	CHECK(why == NULL);
	/* Order does not matter. */
	segs[0] = (struct pxe_seg){ 0x9ccc0, 12048 };
	segs[1] = (struct pxe_seg){ 0x9c480, 2066 };
	CHECK_EQ(pxe_reclaim_plan(625, segs, 2, 639, 0, &kib, &why), 0);
	CHECK_EQ(kib, 639);
	/* A whole KiB between the blocks: someone else's allocation may sit there. */
	segs[0] = (struct pxe_seg){ 0x9c400, 0x400 };
	segs[1] = (struct pxe_seg){ 0x9cc00, 0x400 };
	CHECK_EQ(pxe_reclaim_plan(625, segs, 2, 639, 0, &kib, &why), -E_RANGE);
	CHECK_EQ(kib, 625);
	CHECK(why != NULL);
	/* The stack does not start at 40:13 (memory allocated after it lies in between). */
	segs[0] = (struct pxe_seg){ 0x9c800, 0x800 };
	CHECK_EQ(pxe_reclaim_plan(625, segs, 1, 639, 0, &kib, &why), -E_RANGE);
	CHECK_EQ(kib, 625);
	/* A segment below 40:13: the memory was already given back or is not the stack's. */
	segs[0] = (struct pxe_seg){ 0x9c400, 0x800 };
	segs[1] = (struct pxe_seg){ 0x90000, 0x100 };
	CHECK_EQ(pxe_reclaim_plan(625, segs, 2, 639, 0, &kib, &why), -E_RANGE);
	/* Past the EBDA. */
	segs[0] = (struct pxe_seg){ 0x9c400, 0x3c00 };
	CHECK_EQ(pxe_reclaim_plan(625, segs, 1, 639, 0, &kib, &why), -E_RANGE);
	CHECK_EQ(pxe_reclaim_plan(625, segs, 1, 640, 0, &kib, &why), 0);
	CHECK_EQ(kib, 640);
	/* INT 1Ah still pointing into the block. */
	segs[0] = (struct pxe_seg){ 0x9c400, 0x800 };
	CHECK_EQ(pxe_reclaim_plan(625, segs, 1, 639, 0x9c500, &kib, &why), -E_IO);
	CHECK_EQ(kib, 625);
	/* No segments. */
	CHECK_EQ(pxe_reclaim_plan(625, segs, 0, 639, 0, &kib, &why), -E_NOENT);
}

/* In the full unload: a stack not at the top, or still hooked into INT 1Ah, keeps its memory;
 * the unload itself succeeded, so rc is 0 and the reason is printed. */
TEST(pxe_unload_keeps_memory_when_not_contiguous)
{
	char out[512];

	setup();
	put_bang(BANG_AT);
	put_le16(mem + BDA_BASE_KIB, 620);       /* 5 KiB allocated below the stack since */
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	CHECK_EQ(capture(pxe_unload, out, sizeof(out)), 0);
	CHECK_EQ(fbm(), 620);
	CHECK(strstr(out, "base memory stays 620 KiB") != NULL);

	setup();
	put_bang(BANG_AT);
	stop_undi_unhooks = false;
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	CHECK_EQ(capture(pxe_unload, out, sizeof(out)), 0);
	CHECK_EQ(fbm(), FBM_KIB);
	CHECK(strstr(out, "INT 1Ah") != NULL);
}

TEST(pxe_hostile_structures)
{
	struct pxe_info pi;
	uint32_t bang_ptr;
	uint8_t *p;

	setup();
	put_bang(BANG_AT);
	p = mem + BANG_AT;
	CHECK_EQ(pxe_parse_bang(p, 255, &pi), 0);
	CHECK_EQ(pxe_parse_bang(p, BANG_PXE_MIN_LEN - 1, &pi), -E_PROTO);   /* truncated */
	p[0x30]++;                                                            /* bad checksum */
	CHECK_EQ(pxe_parse_bang(p, 255, &pi), -E_PROTO);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), -E_NODEV);
	put_bang(BANG_AT);
	p[4] = 0x50;                                                          /* short length */
	pxe_fix_checksum(p, 0x50, 5);
	CHECK_EQ(pxe_parse_bang(p, 255, &pi), -E_PROTO);
	put_bang(BANG_AT);
	p[4] = 0xf0;                                                          /* longer than readable */
	pxe_fix_checksum(p, 0xf0, 5);
	CHECK_EQ(pxe_parse_bang(p, 0x80, &pi), -E_PROTO);
	CHECK_EQ(pxe_parse_bang(p, 0xf0, &pi), 0);
	put_bang(BANG_AT);
	p[0] = '?';                                                           /* signature */
	pxe_fix_checksum(p, BANG_PXE_MIN_LEN, 5);
	CHECK_EQ(pxe_parse_bang(p, 255, &pi), -E_PROTO);
	/* Entry points: null, segment 0 (the IVT), past 1 MiB. */
	static const uint32_t bad_entries[] = { 0, 0x00000100, 0xffffffff, 0x00400010 };
	for (size_t i = 0; i < ARRAY_SIZE(bad_entries); i++) {
		put_bang(BANG_AT);
		put_le32(p + 0x10, bad_entries[i]);
		pxe_fix_checksum(p, BANG_PXE_MIN_LEN, 5);
		CHECK_EQ(pxe_parse_bang(p, 255, &pi), -E_PROTO);
	}
	/* Segment descriptors outside base memory are not kept. */
	put_bang(BANG_AT);
	put_le32(p + 0x22, 0xfff00000);
	put_le32(p + 0x2a, 0x000fff00);
	put_le16(p + 0x2e, 0x1000);
	pxe_fix_checksum(p, BANG_PXE_MIN_LEN, 5);
	CHECK_EQ(pxe_parse_bang(p, 255, &pi), 0);
	CHECK_EQ(pi.nsegs, 1);

	/* Structure pointers: null, into the BDA, past 1 MiB, too close to 1 MiB to hold it. */
	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(0, 0), -E_NODEV);
	CHECK_EQ(pxe_attach(so_of(0x400), 0), -E_NODEV);
	CHECK_EQ(pxe_attach(0xffff0010, 0), -E_NODEV);
	memcpy(mem + 0xfffc0, mem + BANG_AT, 0x40);
	CHECK_EQ(pxe_attach(so_of(0xfffc0), 0), -E_NODEV);
	CHECK_EQ(ncalls, 0);

	/* PXENV+: bad checksum, short, then a 2.1 one whose !PXE pointer is bad: PXENV+ is used. */
	setup();
	put_pxenv(PXENV_AT, 0x0201, so_of(0x400));
	p = mem + PXENV_AT;
	CHECK_EQ(pxe_parse_pxenv(p, 255, &pi, &bang_ptr), 0);
	CHECK_EQ(bang_ptr, so_of(0x400));
	CHECK_EQ(pxe_parse_pxenv(p, PXENV_MIN_LEN - 1, &pi, &bang_ptr), -E_PROTO);
	p[0x20]++;
	CHECK_EQ(pxe_parse_pxenv(p, 255, &pi, &bang_ptr), -E_PROTO);
	put_pxenv(PXENV_AT, 0x0201, so_of(0x400));
	p[8] = 0x20;
	pxe_fix_checksum(p, 0x20, 9);
	CHECK_EQ(pxe_parse_pxenv(p, 255, &pi, &bang_ptr), -E_PROTO);
	put_pxenv(PXENV_AT, 0x0201, so_of(0x400));
	CHECK_EQ(pxe_attach(0, so_of(PXENV_AT)), 0);
	CHECK(!pxe_get_info()->bang_pxe);
	CHECK_EQ(pxe_get_info()->nsegs, 2);

	/* A good PXENV+ 2.1 leads to its !PXE. */
	setup();
	put_bang(BANG_AT);
	put_pxenv(PXENV_AT, 0x0201, so_of(BANG_AT));
	CHECK_EQ(pxe_attach(0, so_of(PXENV_AT)), 0);
	CHECK(pxe_get_info()->bang_pxe);
	CHECK_EQ(pxe_get_info()->struct_phys, BANG_AT);
}

/* A BOOTREPLY for 10.0.2.15 at PKT_AT in the fake memory; the ROM's answer points at it. */
static void put_cached_ack(uint16_t size, uint16_t limit)
{
	uint8_t *pkt = mem + PKT_AT;

	memset(pkt, 0, 600);
	pkt[0] = 2;
	pkt[1] = 1;
	pkt[2] = 6;
	memcpy(pkt + 16, "\x0a\x00\x02\x0f", 4);
	memcpy(pkt + 20, "\x0a\x00\x02\x02", 4);
	memcpy(pkt + 236, "\x63\x82\x53\x63\x35\x01\x05\x01\x04\xff\xff\xff\x00\xff", 14);
	cached_answer.buffer_size = size;
	cached_answer.buffer = so_of(PKT_AT);
	cached_answer.buffer_limit = limit;
}

TEST(pxe_cached_info_checked)
{
	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	put_cached_ack(250, 1472);
	memset(&netconf, 0, sizeof(netconf));
	CHECK_EQ(pxe_read_cached_info(), 0);
	CHECK_EQ(netconf.ip, 0x0a00020f);
	CHECK_EQ(netconf.mask, 0xffffff00);
	CHECK_STR(netconf.source, "pxe");

	/* Hostile answers: too short, past the ROM's own limit, absurdly large, wrapping its
	 * segment, a null buffer, a buffer past 1 MiB. */
	struct { uint16_t size, limit; uint32_t so; } bad[] = {
		{ 100, 0, so_of(PKT_AT) },
		{ 600, 500, so_of(PKT_AT) },
		{ 4000, 0, so_of(PKT_AT) },
		{ 600, 0, 0x9d00ff00 },
		{ 600, 0, 0 },
		{ 600, 0, 0xffff0010 },
		{ 600, 0, 0x00000300 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		put_cached_ack(bad[i].size, bad[i].limit);
		cached_answer.buffer = bad[i].so;
		memset(&netconf, 0, sizeof(netconf));
		CHECK_EQ(pxe_read_cached_info(), -E_NONET);
		CHECK(!netconf.configured);
	}
	/* A failed call: AX failure. */
	put_cached_ack(250, 0);
	fail.opcode = PXENV_GET_CACHED_INFO;
	fail.ax = PXENV_EXIT_FAILURE;
	fail.status = 0;
	CHECK_EQ(pxe_read_cached_info(), -E_NONET);
}

/* A silent server through the ROM's TFTP API: the timeout names the server, what the ROM waited
 * for and how long (one ROM timeout: the size request's); the file was never opened (a second open is not refused as busy). A server
 * silent mid-file: the bytes received are named, and the close still reaches the ROM. */
TEST(pxe_tftp_timeouts_named)
{
	struct file f;
	static uint8_t buf[4096];

	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	tftp_silent_after = 0;
	memset(&f, 0, sizeof(f));
	err_detail[0] = '\0';
	ncalls = 0;
	CHECK_EQ(pxe_tftp_open(&f, 0x0a000203, "never"), -E_TIMEOUT);
	/* One ROM wait, not two: after the size request timed out the open is not tried. */
	CHECK(strstr(err_detail, "TFTP server 10.0.2.3 did not answer: the PXE ROM's TFTP API gave "
		     "up after 16.0 s (") != NULL);
	CHECK_EQ(ncalls, 1);
	CHECK_EQ(calls[0], PXENV_TFTP_GET_FSIZE);
	CHECK_EQ(pxe_tftp_open(&f, 0x0a000203, "never"), -E_TIMEOUT);   /* not -E_BUSY */

	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	tftp_silent_after = 3;
	memset(&f, 0, sizeof(f));
	CHECK_EQ(pxe_tftp_open(&f, 0x0a000203, "file"), 0);
	CHECK_EQ(f.size, 1u << 20);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(f.ops->read(&f, buf, 512), 512);
	CHECK_EQ(f.ops->read(&f, buf, 512), -E_TIMEOUT);
	CHECK(strstr(err_detail, "TFTP server 10.0.2.3 stopped sending after 1536 bytes: the PXE "
		     "ROM's TFTP API gave up after 16.0 s (") != NULL);
	ncalls = 0;
	f.ops->close(&f);
	CHECK_EQ(ncalls, 1);
	CHECK_EQ(calls[0], PXENV_TFTP_CLOSE);
	/* Any other failure: the ROM's call and status. */
	fail.opcode = PXENV_TFTP_OPEN;
	fail.ax = PXENV_EXIT_FAILURE;
	fail.status = PXENV_STATUS_OUT_OF_RESOURCES;
	CHECK_EQ(pxe_tftp_open(&f, 0x0a000203, "file"), -E_NOMEM);
	CHECK(strstr(err_detail, "the PXE ROM's TFTP_OPEN failed: status 0x") != NULL);
}

static struct {
	int n;
	uint32_t src, dst;
	uint16_t sport;
	size_t len;
	uint8_t first;
} got;

static void on_dgram(void *ctx, uint32_t src, uint16_t sport, uint32_t dst, const uint8_t *data,
		     size_t len)
{
	(void)ctx;
	got.n++;
	got.src = src;
	got.sport = sport;
	got.dst = dst;
	got.len = len;
	got.first = data[0];
}

static void queue_dgram(uint16_t dport, uint16_t len, uint16_t claimed, uint8_t first)
{
	struct fake_dgram *d = &udp_queue[udp_queued++];

	memset(d, 0, sizeof(*d));
	d->src = 0x0a000202;
	d->dst = 0x0a00020f;
	d->sport = 3333;
	d->dport = dport;
	d->len = len;
	d->claimed = claimed;
	d->data[0] = first;
}

/* osprey's UDP over the ROM's UDP API: UDP_OPEN from our address, sends with the ports in
 * network order and the gateway only off the subnet, datagrams read until the ROM has none and
 * handed to the bound port only, a length the ROM overstates cut to the buffer; the API held
 * until the last user lets go, then closed and the carrier gone. */
TEST(pxe_udp_carries_datagrams)
{
	static const uint8_t payload[] = { 0, 4, 0, 1 };

	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	memset(&netconf, 0, sizeof(netconf));
	netconf.ip = 0x0a00020f;
	netconf.mask = 0xffffff00;
	netconf.gateway = 0x0a000202;
	CHECK_EQ(pxe_udp_get(netconf.ip), 0);
	CHECK(udp_open);
	CHECK_EQ(udp_open_ip, 0x0a00020fu);
	CHECK(udp_get_carrier() != NULL);
	ncalls = 0;
	CHECK_EQ(pxe_udp_get(netconf.ip), 0);       /* a second user: no second open */
	CHECK_EQ(ncalls, 0);

	CHECK_EQ(udp_send(0xc0a80105, 50000, 69, payload, sizeof(payload)), 0);
	CHECK_EQ(get_be32(udp_sent.ip), 0xc0a80105u);
	CHECK_EQ(get_be32(udp_sent.gw), 0x0a000202u);   /* off the subnet: through the gateway */
	CHECK_EQ(get_be16(&udp_sent.src_port), 50000);
	CHECK_EQ(get_be16(&udp_sent.dst_port), 69);
	CHECK_EQ(udp_sent.buffer_size, sizeof(payload));
	CHECK(memcmp(udp_sent_data, payload, sizeof(payload)) == 0);
	CHECK_EQ(udp_send(0x0a000203, 50000, 69, payload, sizeof(payload)), 0);
	CHECK_EQ(get_be32(udp_sent.gw), 0u);           /* on it: the ROM routes */

	CHECK_EQ(udp_bind(50000, on_dgram, NULL), 0);
	memset(&got, 0, sizeof(got));
	queue_dgram(50000, 20, 20, 0x11);
	queue_dgram(50001, 20, 20, 0x22);           /* nobody's port */
	queue_dgram(50000, 64, 0xffff, 0x33);       /* the ROM claims more than the buffer holds */
	for (int i = 0; i < 3; i++)
		CHECK_EQ(net_poll(), 1);             /* one ROM call, one datagram, per poll */
	CHECK_EQ(got.n, 2);
	CHECK_EQ(got.src, 0x0a000202u);
	CHECK_EQ(got.sport, 3333);
	CHECK_EQ(got.dst, 0x0a00020fu);
	CHECK_EQ(got.len, (size_t)UDP_PAYLOAD_MAX);
	CHECK_EQ(got.first, 0x33);
	CHECK_EQ(net_poll(), 0);                    /* nothing waiting: no error */
	udp_read_status = PXENV_STATUS_UNDI_INVALID_STATE;
	CHECK(net_poll() < 0);                      /* a ROM that fails otherwise says so */
	udp_unbind(50000);

	pxe_udp_put();
	CHECK(udp_open);
	CHECK(udp_get_carrier() != NULL);
	pxe_udp_put();
	CHECK(!udp_open);
	CHECK(udp_get_carrier() == NULL);
	pxe_udp_put();                              /* one put too many changes nothing */
	CHECK(udp_get_carrier() == NULL);
}

/* A ROM that refuses UDP_OPEN (or no ROM): no carrier, an error for the caller to fall back on. */
TEST(pxe_udp_refused)
{
	setup();
	CHECK_EQ(pxe_udp_get(0x0a00020f), -E_NODEV);
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	fail.opcode = PXENV_UDP_OPEN;
	fail.ax = PXENV_EXIT_FAILURE;
	fail.status = PXENV_STATUS_UNSUPPORTED;
	CHECK(pxe_udp_get(0x0a00020f) < 0);
	CHECK(udp_get_carrier() == NULL);
	fail.opcode = 0xffff;
	CHECK_EQ(pxe_udp_get(0x0a00020f), 0);
	pxe_udp_put();
	CHECK(udp_get_carrier() == NULL);
}

/* (nd) with no osprey driver and a ROM that refuses PXENV_UDP_OPEN: the file still opens,
 * through the ROM's TFTP API (its size request, then its open), and closes there; and the
 * same when the user chose the TFTP API. */
TEST(pxe_nd_falls_back_to_tftp_api)
{
	struct netdev *saved = net_dev;
	struct file f;

	setup();
	put_bang(BANG_AT);
	CHECK_EQ(pxe_attach(so_of(BANG_AT), 0), 0);
	memset(&netconf, 0, sizeof(netconf));
	netconf.configured = true;
	netconf.ip = 0x0a00020f;
	netconf.mask = 0xffffff00;
	netconf.server = 0x0a000202;
	net_dev = NULL;
	fail.opcode = PXENV_UDP_OPEN;
	fail.ax = PXENV_EXIT_FAILURE;
	fail.status = PXENV_STATUS_UNSUPPORTED;
	tftp_silent_after = 3;
	ncalls = 0;
	CHECK_EQ(file_open(&f, "(nd)/file"), 0);
	CHECK_EQ(ncalls, 3);
	CHECK_EQ(calls[0], PXENV_UDP_OPEN);
	CHECK_EQ(calls[1], PXENV_TFTP_GET_FSIZE);
	CHECK_EQ(calls[2], PXENV_TFTP_OPEN);
	CHECK(f.size_known && f.size == 1u << 20);
	CHECK(udp_get_carrier() == NULL);
	ncalls = 0;
	file_close(&f);
	CHECK_EQ(ncalls, 1);
	CHECK_EQ(calls[0], PXENV_TFTP_CLOSE);
	/* ifconfig --driver=pxe-tftp: the TFTP API by choice, the UDP API not even opened. */
	fail.opcode = 0xffff;
	pxe_tftp_api_chosen = true;
	ncalls = 0;
	CHECK_EQ(file_open(&f, "(nd)/file"), 0);
	CHECK_EQ(ncalls, 2);
	CHECK_EQ(calls[0], PXENV_TFTP_GET_FSIZE);
	CHECK_EQ(calls[1], PXENV_TFTP_OPEN);
	file_close(&f);
	pxe_tftp_api_chosen = false;
	net_dev = saved;
}
