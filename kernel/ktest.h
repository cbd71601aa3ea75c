/*
 * kernel/ktest.h - Keel's in-kernel tests.
 *
 * A test is a function defined with KTEST(name) { ... } anywhere in the
 * kernel (by convention in tests/kernel/). Each one leaves a record in the
 * .ktests section, which linker.ld collects between __ktests_start and
 * __ktests_end, so there is no list to keep up to date.
 *
 * A test belongs to the suite named by the part of its name before the first
 * '_' (boot_*, trap_*, heap_*, ...); KTEST_LAST tests form the suite "final",
 * which runs after all the others. Suites run in the order their first test
 * appears in the sources, and the tests of a suite in source order.
 *
 * The command line word "ktest" runs them all; "ktest=PATTERN" runs the tests
 * whose name, or whose suite, matches PATTERN ('*' and '?' wildcards), so
 * "ktest=heap" is the heap suite. The name prefix counts as a suite too:
 * "ktest=heap" also brings the heap's final check. Results are printed as
 * KTAP version 1 (Linux Documentation/dev-tools/ktap.rst), one subtest per
 * suite, the way Linux's KUnit prints them, so that its parser
 * (tools/testing/kunit/kunit.py parse) reads them. At the end the kernel
 * tells QEMU's isa-debug-exit device how it went (KTEST_EXIT_*).
 *
 * Tests flagged KTEST_EXPLICIT fail, panic or reset the machine on purpose
 * (they test the test runner); they run only when named exactly.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Codes written to isa-debug-exit; QEMU exits with status code * 2 + 1. */
#define KTEST_EXIT_PASS 0x10	/* status 33 */
#define KTEST_EXIT_FAIL 0x11	/* status 35 */
#define KTEST_EXIT_PANIC 0x12	/* status 37 */

#define KTEST_EXPLICIT 0x1
#define KTEST_BENCH 0x2		/* a benchmark: run by "bench", not "ktest" */
#define KTEST_LAST 0x4		/* runs after the others: a final check */
/* Times the machine against real time (the tick, sleeping): its suite asks
 * the test runner for the host's CPU to itself first (kernel/ktest_cpu.c). */
#define KTEST_TIMING 0x8

struct ktest_ctx;

/*
 * One record per test. The compiler may emit a file's records in any order
 * (GCC at -O2 emits them last first), so the file and line are kept to run
 * the tests in source order.
 */
struct ktest {
	const char *name;
	void (*fn)(struct ktest_ctx *t);
	uint32_t flags;
	uint32_t line;
	const char *file;
};

#define KTEST_FLAGS(name_, flags_)                                          \
	static void ktest_fn_##name_(struct ktest_ctx *t);                  \
	static const struct ktest ktest_rec_##name_                         \
		__attribute__((used, section(".ktests"), aligned(8))) = {   \
			#name_, ktest_fn_##name_, (flags_), __LINE__,       \
			__FILE__                                            \
		};                                                          \
	static void ktest_fn_##name_(__attribute__((unused)) struct ktest_ctx *t)

#define KTEST(name_) KTEST_FLAGS(name_, 0)

/*
 * KBENCH(name) { ... } defines a benchmark: it runs when the command line
 * says "bench" (make bench) and prints its figures with kbench_report().
 */
#define KBENCH(name_) KTEST_FLAGS(name_, KTEST_BENCH)

/* Print one figure: "bench: <name> <value> <unit>". */
void kbench_report(const char *name, uint64_t value, const char *unit);

/* Run every benchmark, then end the emulator as ktest_run() does. */
int kbench_run(void);

/* Record a failure with its place and message; the test goes on. */
__attribute__((format(printf, 4, 5)))
void ktest_fail_at(struct ktest_ctx *t, const char *file, int line,
		   const char *fmt, ...);

/* True once the test has recorded a failure (to stop a loop early). */
bool ktest_has_failed(const struct ktest_ctx *t);

/* Mark the test skipped, with a reason (the test should return after). */
__attribute__((format(printf, 2, 3)))
void ktest_skip(struct ktest_ctx *t, const char *fmt, ...);

/* Fail and return from the test when @cond is false. */
#define KT_ASSERT(cond)                                                     \
	do {                                                                \
		if (!(cond)) {                                              \
			ktest_fail_at(t, __FILE__, __LINE__, "%s", #cond);  \
			return;                                             \
		}                                                           \
	} while (0)

/* Fail and return when @a != @b, printing both as unsigned 64-bit. */
#define KT_ASSERT_EQ(a, b)                                                  \
	do {                                                                \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);            \
		if (a_ != b_) {                                             \
			ktest_fail_at(t, __FILE__, __LINE__,                \
				      "%s == %s: 0x%llx != 0x%llx", #a, #b, \
				      (unsigned long long)a_,               \
				      (unsigned long long)b_);              \
			return;                                             \
		}                                                           \
	} while (0)

/* Fail (and go on) when the strings differ. */
#define KT_EXPECT_STREQ(a, b)                                               \
	ktest_expect_streq(t, __FILE__, __LINE__, #a, (a), (b))
void ktest_expect_streq(struct ktest_ctx *t, const char *file, int line,
			const char *expr, const char *a, const char *b);

/*
 * Run the tests whose name matches @pattern (NULL: all) and print KTAP and
 * the "# ktest end:" line; the machine goes on (the shell's "ktest"). Returns
 * 0 when every test passed, -1 when one failed or none matched. Called from
 * inside a test, the report is printed as diagnostics ("# ") of that test
 * and leaves out the test's own suite.
 */
int ktest_run_tests(const char *pattern);

/*
 * ktest_run_tests(), then end the emulator with the result: the self-test.
 * Returns only on a machine without the exit device, with the same value.
 */
int ktest_run(const char *pattern);

/* Print the last run's result large, in green or red (ANSI SGR), with its
 * counts: the self-test's closing lines where it cannot end the emulator,
 * as on a real PC with a screen and no serial port. */
void ktest_print_banner(void);

/*
 * Called by panic(): print "not ok ... # ERROR kernel panic" for the test
 * that was running and for its suite, so the KTAP report says which test
 * took the kernel down. Prints at most once, even if printing panics again.
 */
void ktest_report_panic(void);

/* True once the command line asked for the self-test (or benchmarks), even
 * before they start: a panic during boot then ends the emulator too. */
bool ktest_running(void);
void ktest_set_requested(void);

/* The expected-RAM figure and other facts tests need come from the boot. */
struct boot_info;
void ktest_set_boot_info(const struct boot_info *info);
const struct boot_info *ktest_boot_info(void);
