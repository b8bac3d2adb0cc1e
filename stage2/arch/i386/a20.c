/* a20.c: A20 from the protected-mode side: checks it, reports an entry that could not enable
 * it, and turns it back on when a BIOS or PXE call turned it off. */
#include "arch/bios.h"
#include "arch/cpu.h"
#include "a20_codes.h"

extern uint8_t a20_status;

static const char *a20_method(int status)
{
	switch (status) {
	case A20_ALREADY: return "it was on";
	case A20_BIOS: return "BIOS INT 15h AX=2401h";
	case A20_KBC: return "keyboard controller";
	case A20_FAST: return "port 0x92";
	default: return "?";
	}
}

bool a20_is_on(void)
{
	/* With A20 off, bit 20 of every address is 0: 0x100500 is 0x500. Both bytes restored. */
	volatile uint8_t *lo = (volatile uint8_t *)0x500, *hi = (volatile uint8_t *)0x100500;
	uint8_t save_lo = *lo, save_hi = *hi, seen;

	*lo = 0x5a;
	*hi = 0xa5;
	seen = *lo;
	*hi = save_hi;
	*lo = save_lo;
	return seen != 0xa5;
}

static void __attribute__((noreturn)) a20_stop(const char *when)
{
	printf("A20 could not be enabled %s: BIOS INT 15h AX=2401h, the keyboard controller and "
	       "port 0x92 all failed (%d tries). Nothing above 1 MiB would work: stopped.\n",
	       when, A20_TRIES);
	cpu_halt_forever();
}

void a20_check_at_start(void)
{
	if (a20_status == A20_FAILED)
		a20_stop("at start");
	if (!a20_is_on() && bios_a20_enable() == A20_FAILED)
		a20_stop("at start");
}

void a20_after_bios(void)
{
	static bool told;
	int rc;

	if (a20_is_on())
		return;
	rc = bios_a20_enable();
	if (rc == A20_FAILED || !a20_is_on())
		a20_stop("after a BIOS call turned it off");
	if (!told)
		printf("Note: a BIOS call turned A20 off; turned it back on (%s).\n", a20_method(rc));
	told = true;
}
