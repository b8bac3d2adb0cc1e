/* netstack.h: osprey's IPv4 stack over one NIC: Ethernet, ARP, IPv4, ICMP echo, UDP, and the
 * single poll loop every protocol is driven by. Addresses are host byte order. */
#ifndef OSPREY_NETSTACK_H
#define OSPREY_NETSTACK_H

#include "lib/lib.h"

#define ETH_HLEN 14
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP 0x0806
#define IP_PROTO_ICMP 1
#define IP_PROTO_UDP 17
#define IPV4_HLEN 20
#define UDP_HLEN 8
#define ETH_MTU 1500
/* Largest UDP payload in one unfragmented Ethernet frame: 1500 - 20 - 8. */
#define UDP_PAYLOAD_MAX 1472

/* ---- poll loop ------------------------------------------------------------------------ */
/* Receive and dispatch every frame the NIC has waiting. Returns frames handled, or -E_*. */
int net_poll(void);
/* Poll until done(ctx) is true, the deadline (timer_ms value) passes (-E_TIMEOUT), or the user
 * presses ESC/Ctrl-C (-E_CANCELED). Returns 0 when done. */
int net_wait(bool (*done)(void *ctx), void *ctx, uint64_t deadline_ms);

/* ---- Ethernet / ARP ------------------------------------------------------------------- */
extern const uint8_t eth_broadcast[6];
/* Send payload (len bytes) in an Ethernet frame of the given type to dst. */
int eth_send(const uint8_t dst[6], uint16_t type, const void *payload, size_t len);
/* Called by net_poll for each received frame (untrusted). */
void eth_receive(const uint8_t *frame, size_t len);

/* Resolve ip to a MAC (ARP cache, else request with retries: about 3 s in all). */
int arp_resolve(uint32_t ip, uint8_t mac[6]);
void arp_receive(const uint8_t *pkt, size_t len);
void arp_flush(void);

/* ---- IPv4 ----------------------------------------------------------------------------- */
/* Send one datagram: routes through netconf.gateway when dst is off our subnet;
 * 255.255.255.255 goes to the Ethernet broadcast address. */
int ipv4_send(uint32_t dst, uint8_t proto, const void *payload, size_t len);
void ipv4_receive(const uint8_t *pkt, size_t len);
/* Internet checksum (RFC 1071) of len bytes, starting from sum (for pseudo headers). */
uint16_t ip_checksum(const void *data, size_t len, uint32_t sum);

/* ---- ICMP ----------------------------------------------------------------------------- */
void icmp_receive(uint32_t src, const uint8_t *pkt, size_t len);
/* Send one echo request and wait for its reply up to timeout_ms; *rtt_us gets the round trip. */
int icmp_ping(uint32_t dst, uint16_t seq, unsigned timeout_ms, uint32_t *rtt_us);

/* ---- UDP ------------------------------------------------------------------------------ */
typedef void (*udp_rx_fn)(void *ctx, uint32_t src_ip, uint16_t src_port, uint32_t dst_ip,
			  const uint8_t *data, size_t len);
/* Deliver datagrams for local_port to fn (at most 8 ports bound at once). */
int udp_bind(uint16_t local_port, udp_rx_fn fn, void *ctx);
void udp_unbind(uint16_t local_port);
/* Send a datagram (len <= UDP_PAYLOAD_MAX); resolves the next hop by ARP first. */
int udp_send(uint32_t dst_ip, uint16_t src_port, uint16_t dst_port, const void *data, size_t len);
/* A fresh local port from the dynamic range (49152..65535). */
uint16_t udp_ephemeral_port(void);
void udp_receive(uint32_t src, uint32_t dst, const uint8_t *pkt, size_t len);
/* Hand one datagram's payload (already verified) to the binding of dst_port, if any. */
void udp_deliver(uint32_t src, uint16_t src_port, uint32_t dst, uint16_t dst_port,
		 const uint8_t *data, size_t len);

/* Another way to move datagrams than osprey's IPv4 over a NIC driver: the PXE ROM's UDP API
 * while no driver runs the NIC. While one is set, udp_send goes through its send and net_poll
 * through its poll (which hands what arrived to udp_deliver and returns how many, or -E_*). */
struct udp_carrier {
	int (*send)(uint32_t dst_ip, uint16_t src_port, uint16_t dst_port, const void *data,
		    size_t len);
	int (*poll)(void);
};
/* Set (or with NULL clear) the carrier; whoever sets it makes sure no NIC driver runs. */
void udp_set_carrier(const struct udp_carrier *c);
const struct udp_carrier *udp_get_carrier(void);

/* ---- DHCP ----------------------------------------------------------------------------- */
/* Configure netconf by DHCP (DISCOVER/OFFER/REQUEST/ACK), or plain BOOTP when bootp is true.
 * Retries after 4, 8, 16, 32 s (PXE spec); gives up after timeout_s seconds in all (0: the
 * full schedule, 60 s). The last reply is kept in dhcp_last_reply for options like 209/210. */
int dhcp_configure(bool bootp, unsigned timeout_s);
extern uint8_t dhcp_last_reply[UDP_PAYLOAD_MAX];   /* a whole reply: we advertise 1472 (option 57) */
extern size_t dhcp_last_reply_len;
/* The machine's UUID (SMBIOS, network byte order) that DHCP sends as option 97 when known. */
extern uint8_t dhcp_client_uuid[16];
extern bool dhcp_client_uuid_known;

#endif
