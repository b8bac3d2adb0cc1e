/* pxe.h: the PXE ROM's API (PXE 2.1 spec): finding it, calling it, releasing and unloading it,
 * its parameter blocks. */
#ifndef OSPREY_PXE_H
#define OSPREY_PXE_H

#include "lib/lib.h"

/* API opcodes (PXE 2.1, chapters 3 and 4). */
#define PXENV_UNDI_CLEANUP 0x0002
#define PXENV_UNDI_SHUTDOWN 0x0005
#define PXENV_UNDI_GET_NIC_TYPE 0x0012
#define PXENV_UNDI_CLOSE 0x0007
#define PXENV_UNDI_INITIALIZE 0x0003
#define PXENV_UNDI_OPEN 0x0006
#define PXENV_STOP_UNDI 0x0015
#define PXENV_UNDI_TRANSMIT 0x0008
#define PXENV_UNDI_GET_INFORMATION 0x000c
#define PXENV_UNDI_ISR 0x0014
#define PXENV_UDP_OPEN 0x0030
#define PXENV_UDP_CLOSE 0x0031
#define PXENV_UDP_READ 0x0032
#define PXENV_UDP_WRITE 0x0033
#define PXENV_TFTP_OPEN 0x0020
#define PXENV_TFTP_CLOSE 0x0021
#define PXENV_TFTP_READ 0x0022
#define PXENV_TFTP_GET_FSIZE 0x0025
#define PXENV_UNLOAD_STACK 0x0070
#define PXENV_GET_CACHED_INFO 0x0071
#define PXENV_STOP_BASE 0x0076

#define PXENV_PACKET_TYPE_DHCP_DISCOVER 1
#define PXENV_PACKET_TYPE_DHCP_ACK 2
#define PXENV_PACKET_TYPE_CACHED_REPLY 3

/* What every API call returns in AX; the status word at the start of the parameter block says
 * why. A call succeeded only when both say so. */
#define PXENV_EXIT_SUCCESS 0x0000
#define PXENV_EXIT_FAILURE 0x0001

/* Status codes (PXE 2.1, PXENV_STATUS_xxx) we tell apart; pxe_status_text() names more. */
#define PXENV_STATUS_SUCCESS 0x00
#define PXENV_STATUS_FAILURE 0x01
#define PXENV_STATUS_BAD_FUNC 0x02
#define PXENV_STATUS_UNSUPPORTED 0x03
#define PXENV_STATUS_KEEP_UNDI 0x04
#define PXENV_STATUS_KEEP_ALL 0x05
#define PXENV_STATUS_OUT_OF_RESOURCES 0x06
#define PXENV_STATUS_ARP_TIMEOUT 0x11
#define PXENV_STATUS_TFTP_OPEN_TIMEOUT 0x32
#define PXENV_STATUS_TFTP_READ_TIMEOUT 0x35
#define PXENV_STATUS_TFTP_FILE_NOT_FOUND 0x3b
#define PXENV_STATUS_TFTP_ACCESS_VIOLATION 0x3c
#define PXENV_STATUS_TFTP_NO_FILESIZE 0x3e
#define PXENV_STATUS_DHCP_TIMEOUT 0x51
#define PXENV_STATUS_UNDI_INVALID_STATE 0x6a

struct pxenv_get_cached_info {
	uint16_t status, packet_type, buffer_size;
	uint32_t buffer;        /* segment:offset */
	uint16_t buffer_limit;
} __attribute__((packed));

/* PXENV_UNDI_GET_NIC_TYPE: for a PCI or CardBus NIC the info is the PCI IDs and location. */
#define PXE_NIC_TYPE_PCI 2
#define PXE_NIC_TYPE_CARDBUS 4
struct pxenv_undi_get_nic_type {
	uint16_t status;
	uint8_t nic_type;
	uint16_t vendor, device;
	uint8_t base_class, sub_class, prog_if, revision;
	uint16_t bus_dev_fn;    /* bus << 8 | device << 3 | function */
	uint16_t sub_vendor, sub_device;
	uint8_t spare[4];       /* slack past the 16-byte PCI info, in case a ROM writes more */
} __attribute__((packed));

/* The UNDI calls the undi driver makes (PXE 2.1 chapter 4). MAC_ADDR fields are 16 bytes. */
struct pxenv_undi_get_information {
	uint16_t status, base_io, int_number, max_tran_unit, hw_type, hw_addr_len;
	uint8_t current_node_address[16], perm_node_address[16];
	uint16_t rom_address, rx_buf_ct, tx_buf_ct;
} __attribute__((packed));

#define PXE_FLTR_DIRECTED 0x0001
#define PXE_FLTR_BRDCST 0x0002
struct pxenv_undi_open {
	uint16_t status, open_flag, pkt_filter, mcast_count;
	uint8_t mcast[8][16];
} __attribute__((packed));

/* Transmit buffer descriptor: the whole frame as the immediate block (no data blocks). */
struct pxenv_undi_tbd {
	uint16_t immed_length;
	uint32_t xmit;          /* segment:offset */
	uint16_t data_blk_count;
	struct {
		uint8_t ptr_type, rsvd;
		uint16_t len;
		uint32_t ptr;
	} __attribute__((packed)) blk[8];
} __attribute__((packed));

#define PXE_P_UNKNOWN 0         /* the frame carries its own media header */
struct pxenv_undi_transmit {
	uint16_t status;
	uint8_t protocol, xmit_flag;
	uint32_t dest_addr, tbd;  /* segment:offset */
	uint32_t reserved[2];
} __attribute__((packed));

/* PXENV_UNDI_ISR: func_flag in (START, PROCESS, GET_NEXT) and out (what was found). */
#define PXENV_UNDI_ISR_IN_START 1
#define PXENV_UNDI_ISR_IN_PROCESS 2
#define PXENV_UNDI_ISR_IN_GET_NEXT 3
#define PXENV_UNDI_ISR_OUT_OURS 0
#define PXENV_UNDI_ISR_OUT_NOT_OURS 1
#define PXENV_UNDI_ISR_OUT_DONE 0
#define PXENV_UNDI_ISR_OUT_TRANSMIT 2
#define PXENV_UNDI_ISR_OUT_RECEIVE 3
#define PXENV_UNDI_ISR_OUT_BUSY 4
struct pxenv_undi_isr {
	uint16_t status, func_flag, buffer_length, frame_length, frame_header_length;
	uint32_t frame;         /* segment:offset of this piece of the received frame */
	uint8_t prot_type, pkt_type;
} __attribute__((packed));

/* The UDP API (PXE 2.1, 3.4): addresses and ports in network byte order. */
struct pxenv_udp_open {
	uint16_t status;
	uint8_t src_ip[4];
} __attribute__((packed));

struct pxenv_udp_write {
	uint16_t status;
	uint8_t ip[4], gw[4];
	uint16_t src_port, dst_port, buffer_size;
	uint32_t buffer;        /* segment:offset */
} __attribute__((packed));

/* Non-blocking: no datagram waiting is a failure with PXENV_STATUS_FAILURE. dest_ip and d_port
 * filter when non-zero; the ROM fills in all four on success. */
struct pxenv_udp_read {
	uint16_t status;
	uint8_t src_ip[4], dest_ip[4];
	uint16_t s_port, d_port, buffer_size;
	uint32_t buffer;        /* segment:offset */
} __attribute__((packed));

struct pxenv_tftp_open {
	uint16_t status;
	uint8_t server_ip[4], gateway_ip[4];
	char filename[128];
	uint16_t port;          /* network byte order */
	uint16_t packet_size;
} __attribute__((packed));

struct pxenv_tftp_read {
	uint16_t status, packet_number, buffer_size;
	uint32_t buffer;
} __attribute__((packed));

struct pxenv_tftp_get_fsize {
	uint16_t status;
	uint8_t server_ip[4], gateway_ip[4];
	char filename[128];
	uint32_t file_size;
} __attribute__((packed));

/* Locate the PXE API: from the pointers the ROM gave the NBP, else INT 1Ah AX=5650h (a stack a
 * previous loader kept, e.g. PXELINUX with keeppxe). Validates !PXE / PXENV+ (signature, length,
 * checksum, entry point) and registers pxe_unload as a shutdown hook. Returns 0 or -E_NODEV. */
int pxe_find(void);
/* True while the API can be used for TFTP and cached info (found, NIC not released). */
bool pxe_present(void);
/* True while the stack is in memory and callable (also after pxe_release_nic): UNDI can use it. */
bool pxe_loaded(void);
/* Call the API with a parameter block in low memory (the status word first). Returns 0 when AX
 * is PXENV_EXIT_SUCCESS and the status is 0, else an -E_* code: from the status, or -E_IO when
 * AX says failure with a zero status; -E_NODEV with no API. The block keeps the status. */
int pxe_call(uint16_t opcode, void *params);
/* Map a PXE status to an -E_* code (0 for success). */
int pxe_status_rc(int status);
/* The spec's meaning of a status word, e.g. "TFTP file not found". Never NULL. */
const char *pxe_status_text(int status);
/* The opcode's name without PXENV_, e.g. "UNLOAD_STACK", or "?" . */
const char *pxe_opcode_name(uint16_t opcode);

/* Stop the ROM driving the NIC so a native driver can reset it: PXENV_UNDI_SHUTDOWN (see
 * pxe_api.c for why that call alone). The stack's memory stays loaded (a later chained NBP may
 * want it). Idempotent; 0 also when there is no PXE stack; else -E_* (and prints what failed). */
int pxe_release_nic(void);
/* Give the NIC back to the ROM for a chained NBP after our UNDI_SHUTDOWN: UNDI_INITIALIZE,
 * UNDI_OPEN (directed and broadcast frames) and UNDI_CLOSE (see pxe_api.c for why). A native
 * driver must be quiet first. 0 (also when it was never released), -E_NODEV with no stack left,
 * else the failing call's -E_* (printed). */
int pxe_reopen_nic(void);
/* Have the ROM's own stack (its TFTP API) drive the NIC again after osprey closed its UNDI:
 * PXENV_UDP_OPEN (from ip, host order; 0 keeps the ROM's) then PXENV_UDP_CLOSE (see pxe_api.c).
 * Returns 0 or -E_* (-E_NODEV when the stack is not active). */
int pxe_restart_stack(uint32_t ip);
/* segment:offset of PXENV+ and of !PXE as validated (0 when that one is not known). */
uint32_t pxe_pxenv_segoff(void);
uint32_t pxe_bang_segoff(void);

/* The full unload in the spec's order (UNDI shutdown, unload stack, stop UNDI), each status
 * checked, then 40:13 (base memory) grown back over the stack's segments when they are one block
 * at its top. Idempotent (a failed unload is not retried); 0 or -E_* (and prints what failed). */
int pxe_unload(void);

/* osprey's UDP (and so its TFTP client) over the ROM's UDP API, for machines whose NIC osprey
 * does not drive: the first get opens the ROM's UDP (PXENV_UDP_OPEN from ip, host order) and
 * makes it the UDP carrier, the last put closes it. 0, or -E_* when the ROM has no UDP API. */
int pxe_udp_get(uint32_t ip);
void pxe_udp_put(void);

/* Read files through the ROM's TFTP API even when it has a UDP API (ifconfig --driver=pxe-tftp). */
extern bool pxe_tftp_api_chosen;

/* Open path on server through the ROM's TFTP API into f (tftp_file.c picks it for (nd) when no
 * native driver runs the NIC). One file at a time: -E_BUSY while another is open. */
struct file;
int pxe_tftp_open(struct file *f, uint32_t server, const char *path);
/* The PCI location of the NIC the ROM drives (PXENV_UNDI_GET_NIC_TYPE; touches no chip).
 * Returns 0, -E_NODEV without a ROM, or -E_NOTSUP for a ROM that does not say or a non-PCI NIC. */
int pxe_nic_location(uint8_t *bus, uint8_t *dev, uint8_t *fn);
/* Ask the ROM for cached packet type (PXENV_PACKET_TYPE_*) and copy it to dst (dstlen >=
 * PXE_CACHED_MAX) after checking the size and address the ROM gave. Returns the length or -E_*. */
int pxe_cached_packet(uint16_t type, uint8_t *dst, size_t dstlen);
/* Fill netconf from the cached DHCP replies (buffer pointer and size checked first). */
int pxe_read_cached_info(void);

#endif
