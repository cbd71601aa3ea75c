/*
 * arch/x86_64/lapic_timer.c - the local APIC timer as the tick (SDM Vol. 3A
 * §11.5.4): TSC-deadline mode where CPUID offers it (§11.5.4.1), else
 * periodic mode at a count rate measured against the TSC.
 *
 * The count rate is the APIC's bus or crystal clock over a divider, which
 * no architectural register names, so it is measured: the TSC has already
 * been checked against the PIT (arch/x86_64/tsc.c), so one window of a
 * quarter millisecond gives the rate. Each read of the count is bracketed
 * by two TSC reads, so the moment it was taken is known within their
 * spread; when the reads are slow (device exits on a busy emulator host)
 * the window grows until they are a small enough share of it, so the
 * rate is within MEASURE_ERROR_PPM without warm-up windows or a second
 * window to agree with. At boot not even that is waited for: the count
 * starts when the local APIC does (lapic_timer_window_open() from
 * irq_controller_init()) and is read again at lapic_timer_setup(),
 * milliseconds of boot later. In TSC-deadline mode nothing needs
 * measuring: the deadline is in TSC cycles.
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
#define MEASURE_WINDOW_US	250
#define MEASURE_MAX_US		10000	/* a window longer is given up */
/* Half both reads' spreads, of the window: as close as the two windows
 * that had to agree before. */
#define MEASURE_ERROR_PPM	5000
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

/* The count, and the TSC half-way between two reads around it. */
struct count_read {
	uint32_t count;
	uint64_t tsc;
	uint64_t spread;	/* TSC cycles between the two reads */
};

/* LFENCE before each RDTSC: it then reads the TSC only once the loads
 * before it are done (SDM Vol. 2B, RDTSC), so the count's read lies
 * between the two. */
static struct count_read read_count(void)
{
	struct count_read r;
	uint64_t before;

	__asm__ volatile("lfence" ::: "memory");
	before = rdtsc();
	r.count = lapic_read(LAPIC_REG_TIMER_COUNT);
	__asm__ volatile("lfence" ::: "memory");
	r.tsc = rdtsc();
	r.spread = r.tsc - before;
	r.tsc = before + r.spread / 2;
	return r;
}

/* Whether the midpoints of @a and @b, each within half its spread of its
 * read, time the window between them within MEASURE_ERROR_PPM. */
static bool sharp_enough(const struct count_read *a, const struct count_read *b)
{
	return (a->spread + b->spread) / 2 * 1000000 <=
	       (b->tsc - a->tsc) * MEASURE_ERROR_PPM;
}

/*
 * Counts per second over at least @us of TSC time, 0 if the counter stood
 * still or no window up to MEASURE_MAX_US was timed sharply enough. Slow
 * reads (an emulator's device exits on a busy host) only make the window
 * longer: the end is read again until the two reads' spreads are a small
 * enough share of it.
 */
static uint64_t measure_window(uint64_t tsc_hz, uint32_t us)
{
	uint64_t cycles = tsc_hz / 1000000 * us;
	uint64_t max = tsc_hz / 1000000 * MEASURE_MAX_US;
	struct count_read a, b;

	lapic_write(LAPIC_REG_TIMER_INIT, COUNT_START);
	read_count();		/* cold: an emulator translates it now */
	a = read_count();
	while (rdtsc() - a.tsc < cycles)
		pause();
	do
		b = read_count();
	while (!sharp_enough(&a, &b) && b.tsc - a.tsc < max);
	lapic_write(LAPIC_REG_TIMER_INIT, 0);	/* stops the count */
	if (!sharp_enough(&a, &b) || b.count >= a.count || b.tsc <= a.tsc)
		return 0;
	return (uint64_t)(a.count - b.count) * tsc_hz / (b.tsc - a.tsc);
}

/* The boot's long window: counting since irq_controller_init(). */
static struct count_read window_start;
static bool window_started;

void lapic_timer_window_open(void)
{
	lapic_write(LAPIC_REG_LVT_TIMER,
		    LAPIC_LVT_MASKED | LAPIC_LVT_ONE_SHOT | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_REG_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LAPIC_REG_TIMER_INIT, COUNT_START);
	read_count();		/* cold: an emulator translates it now */
	window_start = read_count();
	window_started = true;
}

/*
 * The count rate over the window lapic_timer_window_open() opened, once;
 * 0 when it cannot be trusted: shorter than the short window, longer than
 * a second (the product below must fit 64 bits), run down to zero (a
 * one-shot count stops there), or a read too slow to time.
 */
static uint64_t window_hz(uint64_t tsc_hz)
{
	struct count_read end;
	uint64_t cycles;

	if (!window_started)
		return 0;
	window_started = false;
	end = read_count();
	lapic_write(LAPIC_REG_TIMER_INIT, 0);	/* stops the count */
	if (end.count == 0 || end.count >= window_start.count ||
	    end.tsc <= window_start.tsc)
		return 0;
	cycles = end.tsc - window_start.tsc;
	if (cycles < tsc_hz / 1000000 * MEASURE_WINDOW_US || cycles > tsc_hz ||
	    !sharp_enough(&window_start, &end))
		return 0;
	return (uint64_t)(window_start.count - end.count) * tsc_hz / cycles;
}

uint64_t lapic_timer_measure_hz(uint64_t tsc_hz)
{
	if (!tsc_hz)
		return 0;
	lapic_write(LAPIC_REG_LVT_TIMER,
		    LAPIC_LVT_MASKED | LAPIC_LVT_ONE_SHOT | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_REG_TIMER_DIVIDE, DIVIDE_BY_16);
	return measure_window(tsc_hz, MEASURE_WINDOW_US);
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

	count_hz = window_hz(tsc_hz);
	if (!count_hz)
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
