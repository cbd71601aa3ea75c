/*
 * tests/kernel/runner_test.c - tests that go wrong on purpose, so that the
 * test runner (scripts/run-tests.sh) can prove it reports each kind of
 * failure. KTEST_EXPLICIT: they run only when named exactly, for example
 * "ktest=runner_must_fail".
 */
#include <stdint.h>

#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/panic.h"

KTEST_FLAGS(runner_must_fail, KTEST_EXPLICIT)
{
	KT_ASSERT(1 + 1 == 3);
}

KTEST_FLAGS(runner_panic, KTEST_EXPLICIT)
{
	panic("deliberate panic for the runner's own test");
}

KTEST_FLAGS(runner_triple_fault, KTEST_EXPLICIT)
{
	arch_triple_fault();
}

static __attribute__((noinline)) void runner_fault_here(void)
{
	*(volatile uint64_t *)0x0000100000000000ULL = 1;
}

/* An exception nobody handles: the report must name the fault and the
 * function, then the kernel panics. */
KTEST_FLAGS(runner_unhandled_page_fault, KTEST_EXPLICIT)
{
	runner_fault_here();
}
