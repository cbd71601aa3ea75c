/*
 * arch/x86_64/tsc.c - how fast the TSC counts: what CPUID says, checked
 * against a short PIT measurement, or the measurement alone.
 *
 * The old way, five 2 ms PIT windows, cost 10 ms of every boot. Two 500 us
 * windows that agree within 0.5% (PIT_AGREE_PPM) are more than the tick and
 * sleep need (they are checked within 20%), in about 1.3 ms with the
 * warm-up; a CPU that reports its frequency gets the exact figure once the
 * measurement confirms it.
 *
 * Better still, the boot waits for none of it: arch_init() starts channel
 * 2 counting, and timer_init() reads it again milliseconds of boot later.
 * Each read of the count is bracketed by two TSC reads, so over a window
 * of at least TSC_WINDOW_MIN_US the rate is within WINDOW_ERROR_PPM; a
 * window the counter cannot hold (mode 0's OUT2 tells) or a read too slow
 * falls back to the short windows.
 */
#include "arch/x86_64/tsc.h"

#include <stdbool.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/pit.h"
#include "kernel/arch.h"

#define PIT_WARMUP_US		100
#define PIT_WINDOW_US		500
#define PIT_MAX_WINDOWS		5
#define PIT_AGREE_PPM		5000	/* two windows this close: done */

static bool within_ppm(uint64_t a, uint64_t b, uint64_t ppm)
{
	uint64_t diff = a > b ? a - b : b - a;

	return diff * 1000000 <= b * ppm;
}

/* The hypervisor's figure first: it is the TSC's own rate, where leaf
 * 0x15 may name only the crystal and 0x16 is a nominal base frequency. */
uint64_t tsc_reported_hz(void)
{
	const struct cpu_features *f = cpu_features();

	if (f->tsc_hz_hypervisor)
		return f->tsc_hz_hypervisor;
	if (f->tsc_hz_crystal)
		return f->tsc_hz_crystal;
	return f->base_hz;
}

uint64_t tsc_measured_hz(void)
{
	uint64_t best = 0, prev = 0;

	/*
	 * The first window runs the polling loop cold (an emulator translates
	 * it then: under QEMU TCG that window comes out ~3% high every boot).
	 * A short one warms it up and tells whether there is a PIT at all.
	 */
	if (!pit_calibrate_tsc(PIT_WARMUP_US))
		return 0;
	for (int i = 0; i < PIT_MAX_WINDOWS; i++) {
		uint64_t hz = pit_calibrate_tsc(PIT_WINDOW_US);

		if (!hz)
			return 0;	/* channel 2 never finished: no PIT */
		if (!best || hz < best)
			best = hz;
		if (prev && within_ppm(hz, prev, PIT_AGREE_PPM))
			break;
		prev = hz;
	}
	return best;
}

#define PIT_COUNT_WRAP		65536	/* a count of 0 loads 65536 */
#define WINDOW_ERROR_PPM	2500	/* half both reads' spreads, of it */

static struct pit_read {
	uint32_t count;
	uint64_t tsc;		/* half-way between the reads around it */
	uint64_t spread;	/* TSC cycles between them */
} window_start;
static bool window_started;

/* LFENCE before each RDTSC: it then reads the TSC only once the port
 * reads before it are done (SDM Vol. 2B, RDTSC). */
static struct pit_read read_pit(void)
{
	struct pit_read r;
	uint64_t before;

	__asm__ volatile("lfence" ::: "memory");
	before = rdtsc();
	r.count = pit_count_read();
	__asm__ volatile("lfence" ::: "memory");
	r.tsc = rdtsc();
	r.spread = r.tsc - before;
	r.tsc = before + r.spread / 2;
	if (r.count == 0)
		r.count = PIT_COUNT_WRAP;	/* not yet decremented */
	return r;
}

void tsc_window_open(void)
{
	pit_count_start();
	/* The first read runs cold (an emulator translates it then), which
	 * widens its spread; the second is the one kept. */
	read_pit();
	window_start = read_pit();
	window_started = true;
}

uint64_t tsc_window_hz(void)
{
	struct pit_read end;
	uint64_t ticks, cycles;
	bool expired;

	if (!window_started)
		return 0;
	window_started = false;
	end = read_pit();
	expired = pit_count_expired();
	pit_count_stop();
	if (expired || end.count >= window_start.count ||
	    end.tsc <= window_start.tsc)
		return 0;
	ticks = window_start.count - end.count;
	if (ticks < (uint64_t)PIT_HZ * TSC_WINDOW_MIN_US / 1000000)
		return 0;
	cycles = end.tsc - window_start.tsc;
	/* Each midpoint is within half its spread of the latch. */
	if ((window_start.spread + end.spread) * 1000000 / 2 >
	    cycles * WINDOW_ERROR_PPM)
		return 0;
	return cycles * PIT_HZ / ticks;
}

uint64_t tsc_choose_hz(uint64_t reported, uint64_t measured)
{
	if (!measured)
		return reported;
	if (reported &&
	    within_ppm(reported, measured, TSC_AGREE_PERCENT * 10000))
		return reported;
	return measured;
}

uint64_t arch_cycles_calibrate(void)
{
	uint64_t measured = tsc_window_hz();

	if (!measured)
		measured = tsc_measured_hz();
	return tsc_choose_hz(tsc_reported_hz(), measured);
}
