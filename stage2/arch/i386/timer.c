/* timer.c: time from the TSC, calibrated once against PIT channel 2 (BIOS ticks stop in
 * protected mode with interrupts off, so they cannot be used). */
#include "arch/io.h"
#include "services/timer.h"

#define PIT_HZ 1193182
#define CALIBRATE_MS 50

static uint64_t tsc_start, tsc_per_ms = 1000000;

void timer_init(void)
{
	uint16_t latch = PIT_HZ / (1000 / CALIBRATE_MS);
	uint64_t t0, t1;
	unsigned spins = 0;

	/* Channel 2 gate on, speaker off; mode 0 counts down once and raises OUT2 (port 0x61 bit 5). */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, latch & 0xff);
	outb(0x42, latch >> 8);
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20) && ++spins < 100000000)
		;
	t1 = rdtsc();
	if (t1 > t0 && (t1 - t0) / CALIBRATE_MS > 1000)
		tsc_per_ms = (t1 - t0) / CALIBRATE_MS;
	tsc_start = rdtsc();
}

uint64_t timer_ms(void)
{
	return (rdtsc() - tsc_start) / tsc_per_ms;
}

uint64_t timer_us(void)
{
	return (rdtsc() - tsc_start) * 1000 / tsc_per_ms;
}

void mdelay(unsigned ms)
{
	uint64_t end = timer_ms() + ms;

	while (timer_ms() < end)
		cpu_relax();
}

void udelay(unsigned us)
{
	uint64_t end = timer_us() + us;

	while (timer_us() < end)
		cpu_relax();
}
