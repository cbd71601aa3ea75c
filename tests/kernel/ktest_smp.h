/*
 * tests/kernel/ktest_smp.h - starting a test's work on the other CPUs, for
 * the tests and benchmarks that run something on every CPU at once.
 */
#pragma once

#include <stdint.h>

#include "kernel/percpu.h"
#include "kernel/smp.h"

/*
 * Start @fn(NULL) on every other ready CPU, without waiting (each runs it
 * from its call IPI, with interrupts off); returns how many took it, and
 * in *@mask (when not NULL) which ones, this CPU's bit included, so that a
 * CPU missing from the ready mask leaves no hole in what the caller
 * counts.
 */
static inline unsigned int ktest_start_on_others(void (*fn)(void *),
						 uint64_t *mask)
{
	unsigned int n = 0;
	uint64_t ran = 1ULL << this_cpu_index();

	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		if (i == this_cpu_index() || !(smp_ready_mask() & (1ULL << i)))
			continue;
		if (smp_call_async(i, fn, NULL) == 0) {
			ran |= 1ULL << i;
			n++;
		}
	}
	if (mask)
		*mask = ran;
	return n;
}
