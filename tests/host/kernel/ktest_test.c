/*
 * tests/host/kernel/ktest_test.c - host tests of kernel/ktest.c: the KTAP
 * it prints (Linux Documentation/dev-tools/ktap.rst), its suites, order,
 * counts and panic report.
 *
 * The records below stand in for the kernel's .ktests section, in the
 * order GCC emits a file's records (last first); kprintf() collects the
 * output, which each test compares with the whole expected report.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "kernel/ktest.h"
#include "kernel/ktest_cpu.h"

static char out[8192];
static size_t out_len;
static uint32_t exit_code;
static jmp_buf panic_jump;

int vkprintf(const char *fmt, va_list ap)
{
	int n = vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);

	out_len += (size_t)n;
	assert_true(out_len < sizeof(out));
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}

void arch_exit_emulator(uint32_t code)
{
	exit_code = code;
}

/* The handshake with the runner leaves its marks in the output. */
bool ktest_cpu_claim(const char *suite, int len)
{
	kprintf("<claim %.*s>\n", len, suite);
	return true;
}

void ktest_cpu_release(const char *suite, int len)
{
	kprintf("<release %.*s>\n", len, suite);
}

static void passes(struct ktest_ctx *t)
{
	(void)t;
}

static void skips(struct ktest_ctx *t)
{
	ktest_skip(t, "no # SKIP here");
}

static void fails(struct ktest_ctx *t)
{
	ktest_fail_at(t, "a.c", 7, "SKIP this # SKIP");
	ktest_fail_at(t, "a.c", 8, "second");
}

/* What panic() does under the self-test, minus the halt. */
static void panics(struct ktest_ctx *t)
{
	(void)t;
	ktest_report_panic();
	ktest_report_panic();	/* a panic in the report prints nothing */
	longjmp(panic_jump, 1);
}

/* A test that runs tests, as the shell's "ktest" command does: its own
 * suite must not run again, and a run that matches nothing fails. */
static void runs_tests(struct ktest_ctx *t)
{
	if (ktest_run_tests("epsilon*") != -1)
		ktest_fail_at(t, "d.c", 1, "ran its own suite");
	if (ktest_run_tests("alpha_passes") != 0)
		ktest_fail_at(t, "d.c", 2, "alpha_passes failed");
}

#define REC(name, fn, flags, file, line) { name, fn, flags, line, file }

/* Two files, each with its records last first, as GCC emits them. */
__attribute__((used)) const struct ktest records[] = {
	REC("alpha_last_check", passes, KTEST_LAST, "a.c", 40),
	REC("beta_fails", fails, 0, "a.c", 30),
	REC("alpha_skips", skips, 0, "a.c", 20),
	REC("alpha_passes", passes, 0, "a.c", 10),
	REC("gamma_panics", panics, KTEST_EXPLICIT, "b.c", 9),
	REC("gamma_bench", fails, KTEST_BENCH, "b.c", 5),
	REC("alpha_in_b", passes, 0, "b.c", 1),
	REC("delta_times", passes, KTEST_TIMING, "c.c", 2),
	REC("delta_plain", passes, 0, "c.c", 1),
	REC("epsilon_runs_tests", runs_tests, 0, "d.c", 1),
};

/* kernel/ktest.c walks __ktests_start up to __ktests_end, which the
 * kernel's linker script defines; here they are set around records[]. */
#define N_RECORDS 10
#define REC_SIZE 32
_Static_assert(sizeof(records) == N_RECORDS * REC_SIZE, "N_RECORDS, REC_SIZE");
__asm__(".globl __ktests_start\n.set __ktests_start, records\n"
	".globl __ktests_end\n.set __ktests_end, records + 10 * 32\n");

static const char *run(const char *pattern)
{
	out_len = 0;
	out[0] = '\0';
	exit_code = 0;
	ktest_run(pattern);
	return out;
}

/* before: tests ran in .ktests order, one flat list, "N passed" counted
 * skips; after: suites in source order, the final checks last. */
static void ktest_test_suites_in_source_order(void **state)
{
	(void)state;
	assert_string_equal(run("alpha"),
		"KTAP version 1\n1..2\n"
		"  KTAP version 1\n  # Subtest: alpha\n  1..3\n"
		"  ok 1 alpha_passes\n"
		"  ok 2 alpha_skips # SKIP no \\# SKIP here\n"
		"  ok 3 alpha_in_b\n"
		"ok 1 alpha\n"
		"  KTAP version 1\n  # Subtest: final\n  1..1\n"
		"  ok 1 alpha_last_check\n"
		"ok 2 final\n"
		"# ktest end: 3 passed, 0 failed, 1 skipped\n");
	assert_int_equal(exit_code, KTEST_EXIT_PASS);
}

/* before: the reason went raw after " # ", so "SKIP this # SKIP" read as
 * a skip; after: the place leads the reason and '#' is escaped. */
static void ktest_test_failure_reason_cannot_read_as_skip(void **state)
{
	(void)state;
	assert_string_equal(run("beta_*"),
		"KTAP version 1\n1..1\n"
		"  KTAP version 1\n  # Subtest: beta\n  1..1\n"
		"  # a.c:7: SKIP this # SKIP\n"
		"  # a.c:8: second\n"
		"  not ok 1 beta_fails # a.c:7: SKIP this \\# SKIP\n"
		"not ok 1 beta\n"
		"# ktest end: 0 passed, 1 failed, 0 skipped\n");
	assert_int_equal(exit_code, KTEST_EXIT_FAIL);
}

/* A suite with a KTEST_TIMING test is bracketed by the CPU handshake, all
 * of it, and only that suite; selecting only its other test asks nothing. */
static void ktest_test_timing_suite_claims_the_cpu(void **state)
{
	(void)state;
	assert_string_equal(run("delta"),
		"KTAP version 1\n1..1\n"
		"<claim delta>\n"
		"  KTAP version 1\n  # Subtest: delta\n  1..2\n"
		"  ok 1 delta_plain\n"
		"  ok 2 delta_times\n"
		"ok 1 delta\n"
		"<release delta>\n"
		"# ktest end: 2 passed, 0 failed, 0 skipped\n");
	assert_null(strstr(run("delta_plain"), "<claim"));
	assert_null(strstr(run("alpha"), "<claim"));
}

/* before: only ktest_run(), which ends the emulator; after:
 * ktest_run_tests() returns, and inside a test its report is a diagnostic
 * ("# ") of that test, without the test's own suite. */
static void ktest_test_run_inside_a_test_is_nested(void **state)
{
	(void)state;
	assert_string_equal(run("epsilon"),
		"KTAP version 1\n1..1\n"
		"  KTAP version 1\n  # Subtest: epsilon\n  1..1\n"
		"# KTAP version 1\n# 1..0\n"
		"# # ktest end: 0 passed, 0 failed, 0 skipped\n"
		"# # ktest: no test matches \"epsilon*\"\n"
		"# KTAP version 1\n# 1..1\n"
		"#   KTAP version 1\n#   # Subtest: alpha\n#   1..1\n"
		"#   ok 1 alpha_passes\n"
		"# ok 1 alpha\n"
		"# # ktest end: 1 passed, 0 failed, 0 skipped\n"
		"  ok 1 epsilon_runs_tests\n"
		"ok 1 epsilon\n"
		"# ktest end: 1 passed, 0 failed, 0 skipped\n");
	assert_int_equal(exit_code, KTEST_EXIT_PASS);
	out_len = 0;
	exit_code = 0;
	assert_int_equal(ktest_run_tests("alpha_passes"), 0);
	assert_int_equal(ktest_run_tests("nothing"), -1);
	assert_int_equal(exit_code, 0);		/* the emulator goes on */
	assert_non_null(strstr(out, "\nok 1 alpha\n"));
}

static void ktest_test_explicit_and_bench_need_their_name(void **state)
{
	(void)state;
	run("gamma*");
	assert_non_null(strstr(out, "1..0\n"));
	assert_non_null(strstr(out, "# ktest: no test matches \"gamma*\"\n"));
	assert_int_equal(exit_code, KTEST_EXIT_FAIL);
}

/* before: a panic left the running test without a result line; after:
 * it and its suite end "not ok ... # ERROR kernel panic", once. */
static void ktest_test_panic_closes_test_and_suite(void **state)
{
	(void)state;
	out_len = 0;
	if (setjmp(panic_jump) == 0)
		ktest_run("gamma_panics");
	assert_string_equal(out,
		"KTAP version 1\n1..1\n"
		"  KTAP version 1\n  # Subtest: gamma\n  1..1\n"
		"  not ok 1 gamma_panics # ERROR kernel panic\n"
		"not ok 1 gamma # ERROR kernel panic\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ktest_test_suites_in_source_order),
		cmocka_unit_test(ktest_test_failure_reason_cannot_read_as_skip),
		cmocka_unit_test(ktest_test_timing_suite_claims_the_cpu),
		cmocka_unit_test(ktest_test_explicit_and_bench_need_their_name),
		cmocka_unit_test(ktest_test_run_inside_a_test_is_nested),
		/* Last: it leaves ktest.c as a panic does. */
		cmocka_unit_test(ktest_test_panic_closes_test_and_suite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
