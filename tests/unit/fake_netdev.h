/* fake_netdev.h: host test double for the hardware under the IP stack: a fake NIC, clock and abort key. */
#ifndef OSPREY_FAKE_NETDEV_H
#define OSPREY_FAKE_NETDEV_H

#include "lib/lib.h"

/* Addresses fake_net_reset() configures (host byte order). */
#define FAKE_OUR_IP 0x0a000002u      /* 10.0.0.2 */
#define FAKE_MASK 0xffffff00u        /* 255.255.255.0 */
#define FAKE_GATEWAY 0x0a000001u     /* 10.0.0.1 */
#define FAKE_SERVER 0x0a000001u      /* 10.0.0.1 */
#define FAKE_SENT_MAX 256            /* sent frames kept (the most recent ones) */
#define FAKE_RX_MAX 1024             /* injected frames waiting at once (room for a storm) */

extern const uint8_t fake_our_mac[6];    /* 02:00:00:00:00:02 */
extern const uint8_t fake_peer_mac[6];   /* 02:00:00:00:00:01: what auto-ARP answers with */

/* Clear both queues, the responder, auto-ARP, the abort flag and transmit error; set netconf to
 * 10.0.0.2/24, gateway and server 10.0.0.1, our MAC; flush the ARP cache and unbind every UDP
 * port. The fake clock keeps running (it never goes backwards). */
void fake_net_reset(void);

/* Queue a frame for netdev_rx() (FIFO). Frames beyond FAKE_RX_MAX waiting are dropped. */
void fake_net_inject(const void *frame, size_t len);
size_t fake_net_rx_pending(void);
/* Pace received frames: each injected frame is handed out no sooner than us after the one
 * before it (a server that spaces its blocks); 0 (after reset): at once. */
void fake_net_rx_pace(uint64_t us);

/* Sent frames: index 0 is the oldest kept. Returns NULL when i is out of range. */
size_t fake_net_sent_count(void);
const uint8_t *fake_net_sent(size_t i, size_t *len);
/* Every frame transmitted since the last reset/clear, including ones no longer kept. */
size_t fake_net_sent_total(void);
void fake_net_clear_sent(void);

/* Called synchronously from netdev_transmit() with each frame: a test acts as a server by
 * calling fake_net_inject() with its replies (never call into the stack from here). */
void fake_net_set_responder(void (*fn)(const uint8_t *frame, size_t len));
/* Called from netdev_rx() whenever nothing waits to be received: a test acts as a server that
 * sends on its own pace (a frame per call, say) by calling fake_net_inject() from it. */
void fake_net_set_idle(void (*fn)(void));
/* Answer every ARP request (for any IP) with fake_peer_mac. */
void fake_net_auto_arp(bool on);
/* Make netdev_transmit() return rc (0: succeed) without recording the frame. */
void fake_net_set_tx_error(int rc);
/* What console_abort_requested() returns. */
void fake_net_abort(bool on);

/* Fake clock: timer_ms() advances it by 1 ms on every call, timer_us() by 1 us. */
void fake_time_advance(uint64_t ms);
uint64_t fake_time_now_ms(void);

/* ---- frame builders (into out, at least ETH_RXBUF_SIZE bytes; return the frame length) ---- */
/* Ethernet header (dst = our MAC) + IPv4 header (valid checksum, TTL 64) + payload. */
size_t fake_build_ipv4(uint8_t *out, const uint8_t src_mac[6], uint32_t src_ip, uint32_t dst_ip,
		       uint8_t proto, const void *payload, size_t len);
/* A UDP datagram to us with valid IPv4 and UDP checksums. */
size_t fake_build_udp(uint8_t *out, const uint8_t src_mac[6], uint32_t src_ip, uint16_t sport,
		      uint32_t dst_ip, uint16_t dport, const void *payload, size_t len);
/* ARP reply "ip is at mac", addressed to our MAC/IP. */
size_t fake_build_arp_reply(uint8_t *out, const uint8_t mac[6], uint32_t ip);
/* ARP request from mac/ip asking who has target_ip (Ethernet broadcast). */
size_t fake_build_arp_request(uint8_t *out, const uint8_t mac[6], uint32_t ip, uint32_t target_ip);
/* RFC 1071 checksum, independent of the stack's ip_checksum. */
uint16_t fake_checksum(const void *data, size_t len, uint32_t sum);

/* ---- parsing what the stack sent ---- */
struct fake_udp {
	uint8_t dst_mac[6], src_mac[6];
	uint32_t src_ip, dst_ip;
	uint16_t sport, dport;
	const uint8_t *data;         /* points into the frame */
	size_t len;
	bool checksum_ok;            /* UDP checksum present and valid */
};
/* True when frame is Ethernet+IPv4+UDP and well formed (IP checksum valid); fills *u. */
bool fake_parse_udp(const uint8_t *frame, size_t len, struct fake_udp *u);
/* The most recently sent UDP frame (optionally only to dport, 0: any). */
bool fake_net_last_udp(uint16_t dport, struct fake_udp *u);
/* True when frame is an ARP request; *target_ip gets the address asked for. */
bool fake_is_arp_request(const uint8_t *frame, size_t len, uint32_t *target_ip);

#endif
