/*
 * tests/kernel/runner_test.c - tests that go wrong on purpose, so that the
 * test runner (scripts/run-tests.sh) can prove it reports each kind of
 * failure. KTEST_EXPLICIT: they run only when named exactly, for example
 * "ktest=runner_must_fail".
 */
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
