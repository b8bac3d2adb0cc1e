/* tsc_calib.c: turns a PIT calibration run into TSC ticks per millisecond (host-tested). */
#include "services/timer.h"

uint64_t tsc_calibration_rate(uint64_t t0, uint64_t t1, bool pit_done, unsigned ms)
{
	uint64_t rate;

	/* The PIT never counted down (no PIT, gate stuck), or a TSC that did not move forward. */
	if (!pit_done || !ms || t1 <= t0)
		return 0;
	rate = (t1 - t0) / ms;
	if (rate < TSC_MIN_KHZ || rate > TSC_MAX_KHZ)
		return 0;
	return rate;
}
