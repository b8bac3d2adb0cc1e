/* timer.c: time from the TSC, calibrated once against PIT channel 2 (BIOS ticks stop in
 * protected mode with interrupts off, so they cannot be used). */
#include "arch/io.h"
#include "services/timer.h"

#define PIT_HZ 1193182
#define CALIBRATE_MS 50
/* Bounds on waiting for the PIT: 2^32 TSC ticks (0.27 s at 16 GHz) or 20 million polls, so a
 * missing or stuck PIT costs seconds at worst, never a hang. */
#define WAIT_MAX_TSC (1ull << 32)
#define WAIT_MAX_POLLS 20000000u

static uint64_t tsc_start, tsc_per_ms = TSC_FALLBACK_MHZ * 1000ull;
static bool calibration_failed;

void timer_init(void)
{
	uint16_t latch = PIT_HZ / (1000 / CALIBRATE_MS);
	uint64_t t0, t1, rate;
	unsigned polls = 0;
	bool done;

	/* Channel 2 gate on, speaker off; mode 0 counts down once and raises OUT2 (port 0x61 bit 5). */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, latch & 0xff);
	outb(0x42, latch >> 8);
	t0 = rdtsc();
	while (!(done = inb(0x61) & 0x20) && ++polls < WAIT_MAX_POLLS && rdtsc() - t0 < WAIT_MAX_TSC)
		;
	t1 = rdtsc();
	rate = tsc_calibration_rate(t0, t1, done, CALIBRATE_MS);
	calibration_failed = !rate;
	if (rate)
		tsc_per_ms = rate;
	tsc_start = rdtsc();
}

bool timer_calibration_failed(unsigned *mhz)
{
	*mhz = (unsigned)(tsc_per_ms / 1000);
	return calibration_failed;
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
