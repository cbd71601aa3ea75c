/*
 * kernel/timer.c - count ticks and turn them into time.
 */
#include "kernel/timer.h"

#include "kernel/arch.h"
#include "kernel/sched.h"
#include "kernel/thread.h"

static volatile uint64_t ticks;
static uint64_t tick_period_ps;	/* picoseconds per tick */
static uint64_t rate_millihz;
static uint64_t cycles_hz;
static uint64_t calibration_cycles;

void timer_init(uint32_t hz)
{
	struct arch_timer t = arch_timer_start(hz);
	uint64_t start = arch_cycles();

	tick_period_ps = t.period_ps;
	rate_millihz = 1000000000000000ULL / t.period_ps;
	cycles_hz = arch_cycles_calibrate();
	calibration_cycles = arch_cycles() - start;
}

void timer_tick(void)
{
	ticks++;
	sched_tick();		/* CPU time, sleepers, the time slice */
}

uint64_t timer_ticks(void)
{
	return ticks;
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

/*
 * Threads sleep through the scheduler, and the CPU runs others meanwhile.
 * Before sched_init(), or where the caller may not block, the CPU idles
 * instead; that path is not reentrant (one flow of control uses it).
 */
void sleep_ms(uint32_t ms)
{
	uint64_t until = timer_uptime_ns() + (uint64_t)ms * 1000000 +
			 tick_period_ps / 1000;	/* a partial tick counts 0 */

	if (sched_may_block()) {
		sched_sleep_until(until);
		return;
	}
	sleep_until = until;
	while (!sleep_over())
		arch_idle_unless(sleep_over);
}
