/* tcp.h: a TCP client (RFC 9293) on osprey's poll loop: connect, send a little, read a lot, close. */
#ifndef OSPREY_TCP_H
#define OSPREY_TCP_H

#include "lib/lib.h"

#define IP_PROTO_TCP 6
#define TCP_MSS 1460                     /* what we advertise: 1500 - 20 - 20 */
#define TCP_WINDOW_DEFAULT (512 * 1024)  /* receive buffer: keeps a LAN server streaming */
#define TCP_WINDOW_MIN (4 * 1024)
#define TCP_WINDOW_MAX (1024 * 1024)
#define TCP_TXBUF 4096                   /* what one connection can have unacknowledged */
#define TCP_IDLE_MS 20000                /* a reader waits this long for a silent peer */

/* The receive buffer (= largest window offered) of connections opened from now on; a power
 * of two between TCP_WINDOW_MIN and TCP_WINDOW_MAX (tcp_set_window rounds down). Smaller
 * windows lose less on lossy paths, larger ones keep fast servers busy. */
extern uint32_t tcp_window;
int tcp_set_window(uint32_t bytes);
/* In-order full segments per ACK of connections opened from now on (0: a quarter of the
 * window offered, 2 to 32; an ACK still goes out within half a millisecond). */
extern unsigned tcp_ack_every;
#define TCP_ACK_EVERY_MAX 64

struct tcp_conn;

/* Open a connection from a fresh ephemeral port. -E_TIMEOUT (no answer), -E_IO with
 * err_detail "connection refused" (RST), -E_CANCELED (ESC/Ctrl-C), -E_NOMEM. */
int tcp_connect(struct tcp_conn **out, uint32_t ip, uint16_t port);
/* Queue len bytes (<= free room of TCP_TXBUF) and send what the peer's window allows; the
 * bytes are retransmitted until acknowledged. Returns 0 or -E_*. */
int tcp_send(struct tcp_conn *c, const void *buf, size_t len);
/* Read up to len bytes, waiting until at least min(len, want) are there or the stream ends.
 * Returns bytes (0: the peer closed and everything was read) or -E_* (-E_IO reset,
 * -E_TIMEOUT silence for TCP_IDLE_MS, -E_CANCELED). */
int tcp_recv(struct tcp_conn *c, void *buf, size_t len, size_t want);
/* True when the peer has closed its side and every byte has been read. */
bool tcp_eof(const struct tcp_conn *c);
/* True while the connection can still carry a request and its answer. */
bool tcp_usable(const struct tcp_conn *c);
/* Close: FIN after a clean end (lingering at most about a second for the peer), RST when data
 * was left unread or something failed; frees c. */
void tcp_close(struct tcp_conn *c);

/* Called by ipv4_receive with a segment addressed to us (untrusted). */
void tcp_receive(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len);

/* Counters for diagnostics and tests. */
struct tcp_stats {
	uint32_t segs_in, segs_out, retransmits, fast_retransmits, ooo_kept, dup_dropped,
		 window_probes_answered, resets_sent;
};
extern struct tcp_stats tcp_stats;

#endif
