/* smbios.h: the system UUID from the SMBIOS tables (for DHCP option 97). */
#ifndef OSPREY_SMBIOS_H
#define OSPREY_SMBIOS_H

#include "lib/lib.h"

#define SMBIOS_SCAN_START 0xf0000u     /* entry points sit on 16-byte boundaries in here */
#define SMBIOS_SCAN_END 0x100000u

/* Gives a pointer to len bytes of physical memory at phys, or NULL when they cannot be read. */
typedef const uint8_t *(*smbios_read_fn)(uint32_t phys, size_t len);

/* Finds an SMBIOS entry point (_SM3_ or _SM_/_DMI_, checksums checked) in 0xF0000-0xFFFFF, walks
 * the structure table (untrusted bytes: every length is bounds-checked) and copies the type 1
 * (System Information) UUID into uuid in RFC 4122 (network) byte order: SMBIOS 2.6 and later
 * store the first three fields little-endian. 0; -E_NOENT with no entry point, no type 1
 * structure or a UUID of all 00 or all FF bytes ("not set"); -E_PROTO for a table that cannot
 * be read. */
int smbios_find_uuid(smbios_read_fn read, uint8_t uuid[16]);

#endif
