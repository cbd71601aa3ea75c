/*
 * arch/x86_64/tsc.c - how fast the TSC counts: what CPUID says, checked
 * against a short PIT measurement, or the measurement alone.
 *
 * The old way, five 2 ms PIT windows, cost 10 ms of every boot. Two 500 us
 * windows that agree within 0.5% (PIT_AGREE_PPM) are more than the tick and
 * sleep need (they are checked within 20%), in about 1.3 ms with the
 * warm-up; a CPU that reports its frequency gets the exact figure once the
 * measurement confirms it.
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
	return tsc_choose_hz(tsc_reported_hz(), tsc_measured_hz());
}
