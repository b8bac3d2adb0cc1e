/* idle.c: halting the CPU while waiting for a key, instead of spinning. */
#include "arch/bios.h"
#include "arch/cpu.h"
#include "arch/serial.h"

void cpu_idle(void)
{
	/* Protected mode runs with interrupts off, so the halt happens in real mode, where the
	 * BIOS timer tick (18.2 Hz) and keyboard wake it, and the serial port's IRQ when free. */
	bios_idle(serial_wake_irq(), serial_current.port);
}
