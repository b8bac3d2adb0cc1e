/* timer.h: monotonic time from the TSC, calibrated against the PIT at start. */
#ifndef OSPREY_TIMER_H
#define OSPREY_TIMER_H

#include "lib/lib.h"

void timer_init(void);
uint64_t timer_ms(void);   /* milliseconds since timer_init() */
uint64_t timer_us(void);
void mdelay(unsigned ms);
void udelay(unsigned us);

#endif
