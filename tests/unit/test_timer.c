/* test_timer.c: unit tests of the TSC calibration arithmetic and its failure cases. */
#include "test.h"
#include "services/timer.h"

TEST(tsc_calibration_plausible)
{
	/* 2 GHz over 50 ms: 100 M ticks, 2 M ticks per ms. */
	CHECK(tsc_calibration_rate(1000, 1000 + 100000000ull, true, 50) == 2000000);
	/* A TSC that already counted for years: only the difference matters. */
	CHECK(tsc_calibration_rate(~0ull - 200000000ull, ~0ull - 100000000ull, true, 50) == 2000000);
	/* The bounds themselves are plausible. */
	CHECK(tsc_calibration_rate(0, 50ull * TSC_MIN_KHZ, true, 50) == TSC_MIN_KHZ);
	CHECK(tsc_calibration_rate(0, 50ull * TSC_MAX_KHZ, true, 50) == TSC_MAX_KHZ);
}

TEST(tsc_calibration_failures)
{
	/* The PIT never counted down: whatever the TSC did means nothing. */
	CHECK(tsc_calibration_rate(0, 100000000ull, false, 50) == 0);
	/* A TSC that stood still or went backwards (wrapped). */
	CHECK(tsc_calibration_rate(5000, 5000, true, 50) == 0);
	CHECK(tsc_calibration_rate(5000, 4000, true, 50) == 0);
	/* Too slow (under 16 MHz) or too fast (over 16 GHz) to be a real TSC. */
	CHECK(tsc_calibration_rate(0, 50ull * TSC_MIN_KHZ - 50, true, 50) == 0);
	CHECK(tsc_calibration_rate(0, 50ull * (TSC_MAX_KHZ + 1), true, 50) == 0);
	CHECK(tsc_calibration_rate(0, ~0ull, true, 50) == 0);
	/* No calibration time: no division by zero. */
	CHECK(tsc_calibration_rate(0, 100000000ull, true, 0) == 0);
}
