/* timer.h: monotonic time from the TSC, calibrated against the PIT at start. */
#ifndef OSPREY_TIMER_H
#define OSPREY_TIMER_H

#include "lib/lib.h"

void timer_init(void);
/* True when the PIT calibration failed and timer_init() assumed a rate: *mhz is that rate.
 * main() reports it once the consoles are up. */
bool timer_calibration_failed(unsigned *mhz);

/* Plausible TSC rates, in ticks per millisecond (kHz): 16 MHz to 16 GHz. */
#define TSC_MIN_KHZ 16000u
#define TSC_MAX_KHZ 16000000u
/* Rate assumed when calibration fails. */
#define TSC_FALLBACK_MHZ 1000u
/* TSC ticks per ms from a calibration over ms milliseconds that read the TSC at t0 and t1;
 * pit_done: the PIT did count down. 0 when the run failed or the rate is implausible. */
uint64_t tsc_calibration_rate(uint64_t t0, uint64_t t1, bool pit_done, unsigned ms);
uint64_t timer_ms(void);   /* milliseconds since timer_init() */
uint64_t timer_us(void);
void mdelay(unsigned ms);
void udelay(unsigned us);

#endif
