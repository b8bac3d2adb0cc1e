/* power.c: reboot (reset control register, keyboard controller, triple fault) and power off
 * (APM through the BIOS; QEMU's and Bochs' BIOSes implement it). */
#include "arch/bios.h"
#include "arch/io.h"
#include "arch/power.h"
#include "services/timer.h"

void machine_reboot(void)
{
	static const struct { uint16_t limit; uint32_t base; } __attribute__((packed)) no_idt = { 0, 0 };

	outb(0xcf9, 0x02);           /* PCI reset control register: hard reset */
	outb(0xcf9, 0x06);
	mdelay(50);
	for (int i = 0; i < 1000 && (inb(0x64) & 0x02); i++)
		udelay(10);
	outb(0x64, 0xfe);            /* keyboard controller: pulse reset */
	mdelay(50);
	__asm__ volatile("lidt %0; int3" : : "m"(no_idt));   /* triple fault */
}

/* APM 1.2 power off: connect the real-mode interface, announce version 1.2, set "off". */
static int apm_poweroff(void)
{
	struct bios_regs r = { 0 };

	r.eax = 0x5300;
	bios_int(0x15, &r);
	if ((r.eflags & EFLAGS_CF) || (r.ebx & 0xffff) != 0x504d)   /* "PM" */
		return -1;
	memset(&r, 0, sizeof(r));
	r.eax = 0x5301;
	bios_int(0x15, &r);          /* may fail with "already connected": fine */
	memset(&r, 0, sizeof(r));
	r.eax = 0x530e;
	r.ecx = 0x0102;
	bios_int(0x15, &r);
	memset(&r, 0, sizeof(r));
	r.eax = 0x5307;
	r.ebx = 0x0001;              /* all devices */
	r.ecx = 0x0003;              /* off */
	bios_int(0x15, &r);
	return -1;                   /* still running: it did not work */
}

void machine_poweroff(void)
{
	apm_poweroff();
}

void machine_stop(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
