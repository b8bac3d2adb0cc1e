/* console_cmds.c: `serial` (set up a serial port) and `terminal` (choose the consoles), with
 * GRUB legacy's syntax and meaning. */
#include "ui/command.h"
#include "services/console.h"
#include "lib/errors.h"
#include "arch/serial.h"
#include "services/timer.h"

static int cmd_serial(int argc, char **argv)
{
	const char *unit = NULL, *port = NULL, *speed = NULL, *word = NULL, *parity = NULL, *stop = NULL;
	const struct option_spec opts[] = {
		{ "unit", true, &unit }, { "port", true, &port }, { "speed", true, &speed },
		{ "word", true, &word }, { "parity", true, &parity }, { "stop", true, &stop },
	};
	struct serial_params p = serial_current;
	uint32_t v;

	argc = parse_options(argc, argv, opts, ARRAY_SIZE(opts));
	if (argc < 0)
		return argc;
	if (argc > 1)
		return cmd_error(-E_INVAL, "serial takes only options (see help serial)");
	if (!p.port)
		p = (struct serial_params){ serial_unit_port(0), 9600, 8, 'n', 1 };
	if (unit) {
		if (parse_u32(unit, &v) < 0 || v > 3)
			return cmd_error(-E_INVAL, "--unit must be 0 to 3");
		p.port = serial_unit_port(v);
	}
	if (port) {
		if (parse_u32(port, &v) < 0 || v == 0 || v > 0xffff)
			return cmd_error(-E_INVAL, "--port must be an I/O port such as 0x3f8");
		p.port = (uint16_t)v;
	}
	if (speed) {
		if (parse_u32(speed, &v) < 0 || v == 0 || 115200 % v)
			return cmd_error(-E_INVAL, "--speed=%s: must divide 115200 (e.g. 9600, 38400, 115200)", speed);
		p.speed = v;
	}
	if (word) {
		if (parse_u32(word, &v) < 0 || v < 5 || v > 8)
			return cmd_error(-E_INVAL, "--word must be 5 to 8");
		p.word = (uint8_t)v;
	}
	if (parity) {
		if (!strcmp(parity, "no"))
			p.parity = 'n';
		else if (!strcmp(parity, "odd"))
			p.parity = 'o';
		else if (!strcmp(parity, "even"))
			p.parity = 'e';
		else
			return cmd_error(-E_INVAL, "--parity must be no, odd or even");
	}
	if (stop) {
		if (parse_u32(stop, &v) < 0 || (v != 1 && v != 2))
			return cmd_error(-E_INVAL, "--stop must be 1 or 2");
		p.stop = (uint8_t)v;
	}
	int rc = serial_configure(&p);
	if (rc < 0)
		return cmd_error(rc, "no serial port at 0x%x", p.port);
	return 0;
}
COMMAND(serial, CMD_MENU,
	"serial [--unit=N] [--port=PORT] [--speed=BAUD] [--word=5-8] [--parity=no|odd|even] [--stop=1|2]",
	"Set up a serial port (COM1 at 115200 8N1 by default); use `terminal serial` to use it.",
	cmd_serial);

/* With --timeout and several terminals, GRUB legacy asks for a key on each and keeps the one
 * that answered; on timeout the first one named stays. */
static int pick_terminal(const char *const *names, int n, uint32_t timeout_s)
{
	uint64_t end = timer_ms() + (uint64_t)timeout_s * 1000;
	struct terminal *from = NULL;

	console_select(names, n);
	printf("Press any key to continue.\n");
	if (console_wait_key(end, &from) >= 0 && from)
		return console_select((const char *const *)&from->name, 1);
	return console_select(names, 1);
}

static int cmd_terminal(int argc, char **argv)
{
	const char *timeout = NULL, *dumb = NULL, *silent = NULL;
	const struct option_spec opts[] = {
		{ "timeout", true, &timeout }, { "dumb", false, &dumb }, { "silent", false, &silent },
	};
	uint32_t t = 0;
	char buf[64];
	int rc;

	argc = parse_options(argc, argv, opts, ARRAY_SIZE(opts));
	if (argc < 0)
		return argc;
	if (timeout && parse_u32(timeout, &t) < 0)
		return cmd_error(-E_INVAL, "--timeout must be a number of seconds");
	if (dumb || argc > 1)
		console_dumb = dumb != NULL;
	if (argc == 1) {
		console_active_names(buf, sizeof(buf));
		printf("%s\n", buf);
		return 0;
	}
	for (int i = 1; i < argc; i++)
		if (!console_find(argv[i]))
			return cmd_fail(-E_NODEV, argv[i]);
	if (timeout && argc > 2)
		rc = pick_terminal((const char *const *)argv + 1, argc - 1, t);
	else
		rc = console_select((const char *const *)argv + 1, argc - 1);
	if (rc < 0)
		return cmd_fail(rc, "terminal");
	return 0;
}
COMMAND(terminal, CMD_MENU, "terminal [--timeout=SECS] [--dumb] [serial] [console]",
	"Choose the terminals osprey uses (both by default). With no terminal named, list the active ones. "
	"--dumb: the terminal cannot move the cursor, so the menu is a numbered list.",
	cmd_terminal);
