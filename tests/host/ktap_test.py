#!/usr/bin/env python3
"""tests/host/ktap_test.py - tests of scripts/ktap.py on crafted KTAP logs.

Each log is written as KUnit and kernel/ktest.c print KTAP version 1
(Linux Documentation/dev-tools/ktap.rst), then damaged or bent the way a
real boot can: a panic, a cut, a reason that looks like a directive.
Prints "N passed, N failed" last, as every step of make test does.
"""
import contextlib
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..',
                                'scripts'))
import ktap  # noqa: E402


def parse(text):
    return ktap.parse(text.splitlines(True))


def summary(text):
    """(exit status, printed lines) of the summary of @text."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = ktap.summarize(parse(text))
    return status, buf.getvalue().splitlines()


TWO_SUITES = '''Keel 0.1 booting
KTAP version 1
1..2
  KTAP version 1
  # Subtest: boot
  1..2
  ok 1 boot_a
  ok 2 boot_b # SKIP no fw_cfg
ok 1 boot
  KTAP version 1
  # Subtest: heap
  1..1
  # tests/kernel/heap_test.c:9: p != NULL
  not ok 1 heap_c # tests/kernel/heap_test.c:9: p != NULL
not ok 2 heap
# ktest end: 1 passed, 1 failed, 1 skipped
'''


class KtapTest(unittest.TestCase):
    def test_suites_are_counted_by_their_tests(self):
        report = parse(TWO_SUITES)
        self.assertEqual(report.problems, [])
        self.assertEqual([t.name for t in report.root.subtests],
                         ['boot', 'heap'])
        self.assertEqual(ktap.count(report.root), (1, 1, 1))
        status, lines = summary(TWO_SUITES)
        self.assertEqual(status, 1)
        self.assertEqual(lines, [
            'boot: 1 passed, 0 failed, 1 skipped',
            'heap: 0 passed, 1 failed, 0 skipped',
            'SKIPPED boot.boot_b: SKIP no fw_cfg',
            'FAILED heap.heap_c: tests/kernel/heap_test.c:9: p != NULL',
            '1 passed, 1 failed, 1 skipped'])

    def test_nested_three_levels(self):
        log = '''KTAP version 1
1..2
  KTAP version 1
  1..2
    KTAP version 1
    1..2
    not ok 1 test_1
    ok 2 test_2
  not ok 1 test_3
  ok 2 test_4 # SKIP
not ok 1 example_test_1
ok 2 example_test_2
'''
        report = parse(log)
        self.assertEqual(report.problems, [])
        outer = report.root.subtests[0]
        self.assertEqual(outer.name, 'example_test_1')
        self.assertEqual(outer.subtests[0].name, 'test_3')
        self.assertEqual([t.name for t in outer.subtests[0].subtests],
                         ['test_1', 'test_2'])
        # Leaves: test_1 fails, test_2 passes, test_4 skipped, and
        # example_test_2 (no subtests) passes.
        self.assertEqual(ktap.count(report.root), (2, 1, 1))

    def test_skip_in_a_failure_reason_is_still_a_failure(self):
        for reason in (r'a.c:3: got \# SKIP', 'a.c:3: got # SKIP'):
            log = ('KTAP version 1\n1..1\n'
                   f'not ok 1 t # {reason}\n')
            report = parse(log)
            test = report.root.subtests[0]
            self.assertEqual(test.status(), 'failed', reason)
            self.assertEqual(test.reason, 'a.c:3: got # SKIP')

    def test_escaped_hash_in_a_skip_reason(self):
        report = parse('KTAP version 1\n1..1\n'
                       r'ok 1 t # SKIP needs \# of CPUs' '\n')
        test = report.root.subtests[0]
        self.assertEqual((test.status(), test.reason),
                         ('skipped', 'needs # of CPUs'))

    def test_missing_plan_is_a_problem(self):
        report = parse('KTAP version 1\n  KTAP version 1\n  # Subtest: s\n'
                       '  ok 1 s_a\nok 1 s\n')
        self.assertEqual(ktap.count(report.root), (1, 0, 0))
        self.assertEqual(len(report.problems), 2)
        self.assertIn('"s" has no plan', report.problems[0])
        self.assertIn('top-level report has no plan', report.problems[1])

    def test_truncated_log_is_a_problem(self):
        cut = TWO_SUITES[:TWO_SUITES.index('  ok 2 boot_b')]
        status, lines = summary(cut)
        self.assertEqual(status, 2)
        self.assertIn('problem: line 7: the log ends inside "boot": it was '
                      'cut short', lines)
        self.assertIn('problem: line 7: "boot" plans 2 tests but 1 results '
                      'follow', lines)
        self.assertEqual(lines[-1], '1 passed, 0 failed, 0 skipped')

    def test_panic_line_fails_the_test_and_suite(self):
        log = '''KTAP version 1
1..2
  KTAP version 1
  # Subtest: trap
  1..3
  ok 1 trap_a

PANIC: unhandled page fault at arch/x86_64/exception.c:236
  not ok 2 trap_b # ERROR kernel panic
not ok 1 trap # ERROR kernel panic
# ktest: kernel panic, self-test aborted
'''
        report = parse(log)
        trap = report.root.subtests[0]
        self.assertEqual(trap.subtests[1].directive, 'ERROR')
        self.assertEqual(trap.subtests[1].status(), 'failed')
        self.assertEqual(ktap.count(report.root), (1, 1, 0))
        self.assertEqual(len(report.problems), 2)
        self.assertIn('"trap" plans 3 tests but 2', report.problems[0])
        self.assertIn('top-level report plans 2 tests but 1',
                      report.problems[1])

    def test_counts_must_match_the_kernel(self):
        status, lines = summary(TWO_SUITES.replace(
            '1 passed, 1 failed, 1 skipped', '2 passed, 1 failed, 0 skipped'))
        self.assertEqual(status, 2)
        self.assertIn('problem: the kernel counted 2 passed, 1 failed, '
                      '0 skipped', lines)

    def test_suite_without_result_line(self):
        log = TWO_SUITES.replace('ok 1 boot\n', '')
        report = parse(log)
        self.assertEqual(len(report.problems), 1)
        self.assertIn('subtest "boot" has no result line', report.problems[0])
        self.assertEqual(ktap.count(report.root), (1, 1, 1))

    def test_wrong_number_is_a_problem(self):
        report = parse('KTAP version 1\n1..2\nok 1 a\nok 3 b\n')
        self.assertEqual(report.problems,
                         ['line 4: test "b" is number 3, expected 2'])

    def test_no_report(self):
        status, lines = summary('Keel 0.1 booting\nPANIC: early\n')
        self.assertEqual(status, 2)
        self.assertIn('no KTAP report', lines[0])

    def test_subtest_header_before_the_version_line(self):
        report = parse('TAP version 14\n1..1\n# Subtest: s\n  KTAP version 1'
                       '\n  1..1\n  ok 1 x\nok 1 s\n')
        self.assertEqual(report.problems, [])
        self.assertEqual(report.root.subtests[0].name, 's')



    def test_suite_result_must_agree_with_its_tests(self):
        ok_over_failure = TWO_SUITES.replace('not ok 2 heap', 'ok 2 heap')
        self.assertIn('"heap" is ok, but a test under it failed',
                      parse_problems(ok_over_failure))
        failed_over_passes = TWO_SUITES.replace('ok 1 boot\n',
                                                'not ok 1 boot\n')
        self.assertIn('"boot" is not ok, but no test under it failed',
                      parse_problems(failed_over_passes))
        self.assertEqual(parse_problems(TWO_SUITES), [])

    def test_empty_suite_counts_no_test(self):
        log = ('KTAP version 1\n1..1\n  KTAP version 1\n  # Subtest: e\n'
               '  1..0\nok 1 e # SKIP empty\n'
               '# ktest end: 0 passed, 0 failed, 0 skipped\n')
        self.assertEqual(ktap.count(parse(log).root), (0, 0, 0))
        self.assertEqual(summary(log)[0], 0)


def parse_problems(text):
    """The problems summarize() finds in @text."""
    report = parse(text)
    with contextlib.redirect_stdout(io.StringIO()):
        ktap.summarize(report)
    return report.problems


if __name__ == '__main__':
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(KtapTest)
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors)
    print(f'{result.testsRun - failed} passed, {failed} failed')
    sys.exit(1 if failed else 0)
