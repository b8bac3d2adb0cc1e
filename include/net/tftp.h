/* tftp.h: TFTP client (RFC 1350) with options (RFC 2347): blksize (2348), tsize and timeout
 * (2349), windowsize (7440). A stream: open, read in order, close. */
#ifndef OSPREY_TFTP_H
#define OSPREY_TFTP_H

#include "lib/lib.h"

#define TFTP_PORT 69
#define TFTP_DEFAULT_BLKSIZE 1468   /* largest that fits one Ethernet frame: 1500-20-8-4 */
#define TFTP_DEFAULT_WINDOW 16
#define TFTP_ROM_WINDOW 8           /* the default through the PXE ROM's UDP API */
#define TFTP_MAX_WINDOW 1024
#define TFTP_PATH_MAX 480           /* a longer name leaves no room for options in a request */

struct tftp_opts {
	uint16_t blksize;           /* 0: TFTP_DEFAULT_BLKSIZE; 512 disables the option */
	uint16_t windowsize;        /* 0: TFTP_DEFAULT_WINDOW; 1 disables the option */
	bool no_options;            /* send a plain RFC 1350 request */
	bool no_timeouts;           /* ask for no timeout/utimeout (set when a server refused them) */
};

struct tftp_conn;

/* What (nd) and tftp:// transfers ask for (the `tftpopts` command sets it). */
extern struct tftp_opts tftp_settings;

/* Send the read request and wait for the first answer (OACK or DATA 1). Fills *size with the
 * tsize the server announced (0 when unknown). -E_NOENT / -E_ACCESS / -E_IO with the server's
 * message in tftp_last_error, -E_TIMEOUT, -E_CANCELED. */
int tftp_open(struct tftp_conn **out, uint32_t server, const char *path,
	      const struct tftp_opts *opts, uint64_t *size);
/* Read up to len bytes of the file, in order; returns bytes (0 at the end) or -E_*. With buf
 * NULL the bytes are dropped (to read past what a reader already has). */
int tftp_read(struct tftp_conn *c, void *buf, size_t len);
/* Close (telling the server when the transfer stopped early) and free c. */
void tftp_close(struct tftp_conn *c);
/* Blocks received in order so far (how far a transfer got before it failed). */
uint64_t tftp_blocks(const struct tftp_conn *c);
/* The negotiated block and window sizes of an open connection (for ifconfig/bench output). */
void tftp_negotiated(const struct tftp_conn *c, uint16_t *blksize, uint16_t *windowsize);

/* How the last transfer through osprey's TFTP client went (`tftpopts --stats`): what was lost
 * shows as gap ACKs and silences, what the server did as duplicates. */
struct tftp_stats {
	uint64_t blocks;            /* in-order blocks taken */
	uint32_t gap_acks;          /* ACKs sent at once on a gap */
	uint32_t flight_end_acks;   /* ... repeated at the end of a server's flight */
	uint32_t silence_acks;      /* ACKs after silence in a flight (its tail was lost) */
	uint32_t timeouts;          /* retransmissions on the timer (request or ACK) */
	uint32_t kept;              /* blocks that came ahead of a hole, kept for when it fills */
	uint32_t dropped;           /* blocks already had, or with no room */
	uint32_t srtt_us, rto_ms;   /* the round trip measured and the timeout at the end */
	uint16_t blksize, window;   /* what the server granted (0 before the first block) */
	uint32_t requests;          /* read requests the file took (more than 1: asked again
				     * after the server fell silent mid-file; set by tftp_file.c) */
};
extern struct tftp_stats tftp_last_stats;

/* The text of the last TFTP ERROR packet a server sent ("" when none). */
/* Room for the message of any ERROR packet (a 516-byte TFTP packet less opcode and code). */
#define TFTP_ERRMSG_MAX 512
extern char tftp_last_error[TFTP_ERRMSG_MAX];

#endif
