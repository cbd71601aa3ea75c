/*
 * arch/x86_64/lapic_timer.c - the local APIC timer as the tick (SDM Vol. 3A
 * §11.5.4): TSC-deadline mode where CPUID offers it (§11.5.4.1), else
 * periodic mode at a count rate measured against the TSC.
 *
 * The count rate is the APIC's bus or crystal clock over a divider, which
 * no architectural register names, so it is measured: the TSC has already
 * been checked against the PIT (arch/x86_64/tsc.c), and a count over a
 * known number of TSC cycles gives the rate in about a millisecond. In
 * TSC-deadline mode nothing needs measuring: the deadline is in TSC cycles.
 */
#include "arch/x86_64/lapic.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/trap.h"
#include "kernel/percpu.h"
#include "kernel/thread.h"
#include "kernel/timer.h"

#define DIVIDE_BY_16		0x3	/* divide configuration (figure 11-10) */
#define COUNT_START		0xffffffffu
#define MEASURE_WARMUP_US	100
#define MEASURE_WINDOW_US	500
#define MEASURE_MAX_WINDOWS	5
#define MEASURE_AGREE_PPM	5000	/* two windows this close: done */
#define PS_PER_S		1000000000000ULL

static bool use_deadline;
static uint64_t count_hz;	/* periodic mode: counts per second */
static uint32_t initial_count;	/* periodic mode: counts per tick */
static uint64_t deadline_period;	/* deadline mode: TSC cycles per tick */
static uint64_t next_deadline[MAX_CPUS];
static uint64_t setup_cycles;

/* @n periods of a @hz clock in picoseconds, without 128-bit division:
 * n * (10^12 / hz) plus the remainder's share, which fits in 64 bits
 * whenever n * hz does (a tick's worth of counts times their rate). */
static uint64_t periods_to_ps(uint64_t n, uint64_t hz)
{
	return n * (PS_PER_S / hz) + n * (PS_PER_S % hz) / hz;
}

static bool within_ppm(uint64_t a, uint64_t b, uint64_t ppm)
{
	uint64_t diff = a > b ? a - b : b - a;

	return diff * 1000000 <= b * ppm;
}

/* Counts per second over @us of TSC time, 0 if the counter stood still. */
static uint64_t measure_window(uint64_t tsc_hz, uint32_t us)
{
	uint64_t cycles = tsc_hz * us / 1000000;
	uint64_t t0, t1;
	uint32_t c0, c1;

	lapic_write(LAPIC_REG_TIMER_INIT, COUNT_START);
	t0 = rdtsc();
	c0 = lapic_read(LAPIC_REG_TIMER_COUNT);
	while (rdtsc() - t0 < cycles)
		pause();
	c1 = lapic_read(LAPIC_REG_TIMER_COUNT);
	t1 = rdtsc();
	lapic_write(LAPIC_REG_TIMER_INIT, 0);	/* stops the count */
	if (c1 >= c0 || t1 <= t0)
		return 0;
	return (uint64_t)(c0 - c1) * tsc_hz / (t1 - t0);
}

uint64_t lapic_timer_measure_hz(uint64_t tsc_hz)
{
	uint64_t hz = 0, prev = 0;

	if (!tsc_hz)
		return 0;
	lapic_write(LAPIC_REG_LVT_TIMER,
		    LAPIC_LVT_MASKED | LAPIC_LVT_ONE_SHOT | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_REG_TIMER_DIVIDE, DIVIDE_BY_16);
	/* The first window runs cold (an emulator translates the loop then),
	 * as in tsc.c; it also tells whether the counter moves at all. */
	if (!measure_window(tsc_hz, MEASURE_WARMUP_US))
		return 0;
	for (int i = 0; i < MEASURE_MAX_WINDOWS; i++) {
		hz = measure_window(tsc_hz, MEASURE_WINDOW_US);
		if (!hz)
			return 0;
		if (prev && within_ppm(hz, prev, MEASURE_AGREE_PPM))
			break;
		prev = hz;
	}
	return hz;
}

/* The next deadline a tick after the last one, so that the rate does not
 * drift by the handler's latency; a deadline already past (the host
 * stalled the emulator) starts afresh, dropping ticks as the PIT would. */
static void rearm_deadline(void)
{
	uint64_t *next = &next_deadline[this_cpu()->index];
	uint64_t now = rdtsc();

	*next += deadline_period;
	if (*next <= now)
		*next = now + deadline_period;
	wrmsr(MSR_IA32_TSC_DEADLINE, *next);
}

/* The boot CPU keeps time (and its tick schedules it too); every other
 * CPU's tick only schedules that CPU, so that time is counted once. */
static void on_tick(struct trap_frame *frame)
{
	(void)frame;
	if (use_deadline)
		rearm_deadline();
	if (this_cpu()->index == 0)
		timer_tick();
	else
		sched_tick();
	lapic_eoi();
}

void lapic_timer_start_cpu(void)
{
	if (use_deadline) {
		lapic_write(LAPIC_REG_LVT_TIMER,
			    LAPIC_LVT_TSC_DEADLINE | VEC_LAPIC_TIMER);
		/* The LVT write must land before the deadline is armed
		 * (SDM Vol. 3A §11.5.4.1): MFENCE between them. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		next_deadline[this_cpu()->index] = rdtsc();
		rearm_deadline();
		return;
	}
	if (!initial_count)
		return;
	lapic_write(LAPIC_REG_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LAPIC_REG_LVT_TIMER, LAPIC_LVT_PERIODIC | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_REG_TIMER_INIT, initial_count);
}

static uint64_t setup_periodic(uint32_t hz, uint64_t tsc_hz)
{
	uint64_t n;

	count_hz = lapic_timer_measure_hz(tsc_hz);
	if (!count_hz)
		return 0;
	n = (count_hz + hz / 2) / hz;
	if (n > COUNT_START)
		n = COUNT_START;
	if (n == 0)
		n = 1;
	initial_count = (uint32_t)n;
	return periods_to_ps(n, count_hz);
}

uint64_t lapic_timer_setup(uint32_t hz, uint64_t tsc_hz)
{
	uint64_t start = rdtsc();
	uint64_t period_ps;

	if (!apic_in_use() || !tsc_hz || !hz)
		return 0;
	trap_set_handler(VEC_LAPIC_TIMER, on_tick);
	use_deadline = cpu_features()->tsc_deadline;
	if (use_deadline) {
		deadline_period = (tsc_hz + hz / 2) / hz;
		period_ps = periods_to_ps(deadline_period, tsc_hz);
	} else {
		period_ps = setup_periodic(hz, tsc_hz);
	}
	setup_cycles = rdtsc() - start;
	return period_ps;
}

uint64_t lapic_timer_count_hz(void)
{
	return count_hz;
}

bool lapic_timer_uses_deadline(void)
{
	return use_deadline;
}

uint64_t lapic_timer_setup_cycles(void)
{
	return setup_cycles;
}
