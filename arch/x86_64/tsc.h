/*
 * arch/x86_64/tsc.h - the time-stamp counter's frequency (Intel SDM Vol. 3B
 * §18.17 "Time-Stamp Counter"; CPUID leaves 15h and 16h in Vol. 2A).
 */
#pragma once

#include <stdint.h>

/* How far a reported frequency may be from the PIT's measurement. */
#define TSC_AGREE_PERCENT 2

/*
 * The frequency the CPU or hypervisor reports, in Hz, or 0: the hypervisor
 * leaf 4000_0010h (TSC kHz, VMware's convention, also KVM's), CPUID 15h
 * (crystal Hz times the TSC/crystal ratio), CPUID 16h (base MHz).
 */
uint64_t tsc_reported_hz(void);

/*
 * The PIT's measurement: after a 100 us warm-up, 500 us windows on channel
 * 2 until two in a row agree within 0.5% or five are done, keeping the
 * smallest (a stalled CPU only makes a window too long). 0 without a PIT.
 */
uint64_t tsc_measured_hz(void);

/*
 * The boot's long window: tsc_window_open() starts channel 2 counting
 * from 65536 and notes the TSC; tsc_window_hz(), once, some milliseconds
 * later, reads both again and returns the TSC's rate over the whole span,
 * or 0 when it cannot be trusted (shorter than TSC_WINDOW_MIN_US, longer
 * than the 54.9 ms the counter holds, a read too slow to time, no PIT).
 * Channel 2 is stopped afterwards.
 */
#define TSC_WINDOW_MIN_US 2000
void tsc_window_open(void);
uint64_t tsc_window_hz(void);

/*
 * Which to believe: @reported when it is within TSC_AGREE_PERCENT of
 * @measured (it is exact, the measurement is not) or when nothing was
 * measured; else @measured (a reported figure can be stale or wrong, as
 * in a VM that migrated). 0 when both are 0.
 */
uint64_t tsc_choose_hz(uint64_t reported, uint64_t measured);
