/*
 * kernel/timer.c - count ticks and turn them into time.
 */
#include "kernel/timer.h"

#include "kernel/arch.h"

static volatile uint64_t ticks;
static uint64_t tick_period_ps;	/* picoseconds per tick */
static uint64_t rate_millihz;
static uint64_t cycles_hz;
static uint64_t calibration_cycles;
static const char *source = "none";

/* The cycle counter first: the local APIC's tick is measured against it. */
void timer_init(uint32_t hz)
{
	uint64_t start = arch_cycles();
	struct arch_timer t;

	cycles_hz = arch_cycles_calibrate();
	calibration_cycles = arch_cycles() - start;
	t = arch_timer_start(hz);
	tick_period_ps = t.period_ps;
	source = t.source;
	rate_millihz = 1000000000000000ULL / t.period_ps;
}

void timer_tick(void)
{
	ticks++;
}

uint64_t timer_ticks(void)
{
	return ticks;
}

const char *timer_source(void)
{
	return source;
}

uint64_t timer_rate_millihz(void)
{
	return rate_millihz;
}

uint64_t timer_uptime_ns(void)
{
	uint64_t t = ticks;

	/* Split so that nothing overflows for 500 years of ticks. */
	return t * (tick_period_ps / 1000) + t * (tick_period_ps % 1000) / 1000;
}

uint64_t timer_cycles_hz(void)
{
	return cycles_hz;
}

uint64_t timer_calibration_us(void)
{
	return cycles_hz ? calibration_cycles * 1000000 / cycles_hz : 0;
}

static uint64_t sleep_until;

static bool sleep_over(void)
{
	return timer_uptime_ns() >= sleep_until;
}

/* Not reentrant (one sleeper at a time): there are no threads yet. */
void sleep_ms(uint32_t ms)
{
	sleep_until = timer_uptime_ns() + (uint64_t)ms * 1000000 +
		      tick_period_ps / 1000;	/* a partial tick counts 0 */
	while (!sleep_over())
		arch_idle_unless(sleep_over);
}
