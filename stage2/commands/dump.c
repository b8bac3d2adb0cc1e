/* dump.c: `dump ADDR [LEN]` prints memory as hex and ASCII (a diagnostic, like GRUB's dump). */
#include "ui/command.h"
#include "services/console.h"
#include "lib/errors.h"

#define DUMP_DEFAULT 64
#define DUMP_MAX 0x10000

/* One line: address, up to 16 bytes in hex, the same bytes as ASCII ('.' if not printable). */
static void dump_line(uint32_t addr, const volatile uint8_t *p, unsigned n)
{
	char ascii[17];

	printf("%08x ", (unsigned)addr);
	for (unsigned i = 0; i < 16; i++) {
		if (i < n) {
			uint8_t b = p[i];

			printf(" %02x", b);
			ascii[i] = b >= 0x20 && b < 0x7f ? (char)b : '.';
		} else {
			printf("   ");
			ascii[i] = 0;
		}
	}
	ascii[n] = 0;
	printf("  |%s|\n", ascii);
}

static int cmd_dump(int argc, char **argv)
{
	uint32_t addr, len = DUMP_DEFAULT;
	int rc;

	if (argc < 2 || argc > 3)
		return cmd_error(-E_INVAL, "usage: dump ADDR [LEN]");
	rc = parse_u32(argv[1], &addr);
	if (rc < 0)
		return cmd_fail(rc, argv[1]);
	if (argc == 3) {
		rc = parse_u32(argv[2], &len);
		if (rc < 0)
			return cmd_fail(rc, argv[2]);
		if (len > DUMP_MAX)
			return cmd_error(-E_RANGE, "dump: LEN is at most %u bytes", DUMP_MAX);
	}
	if ((uint64_t)addr + len > 0x100000000ull)
		return cmd_error(-E_RANGE, "dump: 0x%x + %u runs past 4 GiB", (unsigned)addr, (unsigned)len);
	/* Flat protected mode without paging: every address reads something (0xff where nothing
	 * answers), nothing faults. */
	for (uint32_t off = 0; off < len; off += 16) {
		dump_line(addr + off, (const volatile uint8_t *)(uintptr_t)(addr + off),
			  MIN(16u, len - off));
		if (console_abort_requested())
			return cmd_fail(-E_CANCELED, "dump");
	}
	return 0;
}
COMMAND(dump, CMD_MENU, "dump ADDR [LEN]",
	"Print LEN bytes (default 64, at most 65536) of memory from ADDR in hex and ASCII.", cmd_dump);
