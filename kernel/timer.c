/*
 * kernel/timer.c - count ticks and turn them into time.
 */
#include "kernel/timer.h"

#include "kernel/arch.h"

static volatile uint64_t ticks;
static uint64_t tick_period_ps;	/* picoseconds per tick */
static uint64_t rate_mhz;
static uint64_t cycles_hz;

void timer_init(uint32_t hz)
{
	struct arch_timer t = arch_timer_start(hz);

	tick_period_ps = t.period_ps;
	rate_mhz = 1000000000000000ULL / t.period_ps;
	cycles_hz = arch_cycles_calibrate();
}

void timer_tick(void)
{
	ticks++;
}

uint64_t timer_ticks(void)
{
	return ticks;
}

uint64_t timer_rate_mhz(void)
{
	return rate_mhz;
}

uint64_t timer_uptime_ns(void)
{
	return ticks * tick_period_ps / 1000;
}

uint64_t timer_cycles_hz(void)
{
	return cycles_hz;
}

void sleep_ms(uint32_t ms)
{
	uint64_t until = timer_uptime_ns() + (uint64_t)ms * 1000000 +
			 tick_period_ps / 1000;	/* a partial tick counts 0 */

	while (timer_uptime_ns() < until)
		arch_idle();
}
