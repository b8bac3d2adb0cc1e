/* misc.c: small commands: echo, pause, cat, displaymem, reboot, halt. */
#include "ui/command.h"
#include "services/console.h"
#include "lib/errors.h"
#include "files/file.h"
#include "services/memmap.h"
#include "arch/power.h"

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf(i > 1 ? " %s" : "%s", argv[i]);
	printf("\n");
	return 0;
}
COMMAND(echo, CMD_MENU, "echo [TEXT...]", "Print the text.", cmd_echo);

static int cmd_pause(int argc, char **argv)
{
	cmd_echo(argc, argv);
	printf("Press any key to continue...");
	int k = console_getkey();
	printf("\n");
	return (k == 0x03) ? -E_CANCELED : 0;
}
COMMAND(pause, CMD_MENU, "pause [MESSAGE...]",
	"Print the message and wait for a key.", cmd_pause);

static int cmd_cat(int argc, char **argv)
{
	struct file f;
	char buf[512];
	int rc, n;

	if (argc != 2)
		return cmd_error(-E_INVAL, "usage: cat FILE");
	rc = file_open(&f, argv[1]);
	if (rc < 0)
		return cmd_fail(rc, argv[1]);
	while ((n = file_read(&f, buf, sizeof(buf))) > 0) {
		for (int i = 0; i < n; i++)
			console_putc(buf[i]);
		if (console_abort_requested()) {
			n = -E_CANCELED;
			break;
		}
	}
	file_close(&f);
	if (n < 0)
		return cmd_fail(n, argv[1]);
	return 0;
}
COMMAND(cat, CMD_MENU, "cat FILE", "Print the contents of FILE.", cmd_cat);

static int cmd_displaymem(int argc, char **argv)
{
	uint64_t ram = 0;

	printf("BIOS memory map (E820):\n");
	for (int i = 0; i < memmap.n; i++) {
		const struct memmap_entry *e = &memmap.e[i];
		printf("  0x%016llx - 0x%016llx  %-9s (%llu KiB)\n",
		       (unsigned long long)e->base, (unsigned long long)(e->base + e->length - 1),
		       memmap_type_name(e->type), (unsigned long long)(e->length >> 10));
		if (e->type == E820_RAM)
			ram += e->length;
	}
	printf("Usable RAM: %llu MiB, upper memory ends at 0x%llx\n",
	       (unsigned long long)(ram >> 20), (unsigned long long)memmap_upper_end(&memmap));
	return 0;
}
COMMAND(displaymem, CMD_MENU, "displaymem", "Show the BIOS memory map.", cmd_displaymem);

static int cmd_reboot(int argc, char **argv)
{
	machine_reboot();
	return cmd_error(-E_NOTSUP, "the machine did not reset");
}
COMMAND(reboot, CMD_MENU, "reboot", "Restart the machine.", cmd_reboot);

static int cmd_halt(int argc, char **argv)
{
	machine_poweroff();
	printf("Power-off is not supported here; the machine is halted.\n");
	machine_stop();
}
COMMAND(halt, CMD_MENU, "halt",
	"Power the machine off (APM), or stop it where power-off is not available.", cmd_halt);
