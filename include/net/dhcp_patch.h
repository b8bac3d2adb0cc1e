/* dhcp_patch.h: rewriting a DHCP packet's options (a chained NBP's cached DHCP reply gets the
 * options `chainloader --option=CODE:TEXT` sets, as PXELINUX's pxechn.c32 does). */
#ifndef OSPREY_DHCP_PATCH_H
#define OSPREY_DHCP_PATCH_H

#include "lib/lib.h"

#define DHCP_PATCH_MAX_OPTS 8      /* --option= given at most this often */
#define DHCP_PATCH_MIN_LEN 300     /* a BOOTP packet is at least this long (RFC 951's 64-byte vend) */

struct dhcp_opt {
	uint8_t code, len;
	uint8_t data[255];
};

/* Parse "CODE:TEXT" (CODE decimal 1..254, TEXT up to 255 bytes, may be empty) into o.
 * Returns 0 or -E_INVAL (bad form or code) / -E_TOOBIG (text too long). */
int dhcp_opt_arg_parse(const char *arg, struct dhcp_opt *o);

/* Copy the BOOTP/DHCP packet pkt (len bytes, untrusted: the magic cookie required, the option
 * list walked within len) to out with every option in opts[0..n) set: an option of the same code
 * in the packet's main option area is dropped, pads are dropped, the new options are appended,
 * then END, then zeros up to DHCP_PATCH_MIN_LEN. (Options in an overloaded file/sname field, 52,
 * stay as they are: clients read the main area first.) Returns the new length, -E_PROTO for a
 * malformed packet, or -E_TOOBIG when it does not fit outmax. */
int dhcp_opts_patch(const uint8_t *pkt, size_t len, const struct dhcp_opt *opts, int n,
		    uint8_t *out, size_t outmax);

#endif
