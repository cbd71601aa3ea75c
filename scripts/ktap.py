#!/usr/bin/env python3
"""scripts/ktap.py - read a KTAP version 1 report and count its results.

    scripts/ktap.py [--quiet] LOG

Follows Linux Documentation/dev-tools/ktap.rst: a report starts with a
version line ("KTAP version 1", or "TAP version 13/14"), may have a plan
("1..N"), and has one result line per test ("ok N NAME # DIRECTIVE REASON").
A test with subtests prints their report nested, indented two spaces per
level, and then its own result line; "# Subtest: NAME" names it (the line
KUnit prints). Lines before the first version line, and lines that are none
of these (kernel messages), are ignored; "#" lines are diagnostics.

Only tests without subtests are counted: passed ("ok"), failed ("not ok")
and skipped (the SKIP directive, whatever the result). A report is complete
when every plan matches its results and every nested report has a result
line; what is missing or wrong is listed as a problem, with its line number.
When the log has the kernel's "# ktest end: N passed, N failed, N skipped"
line, the counts must agree with it.

Prints one line per suite (a top-level test with subtests), the tests that
did not pass, the problems, and last "N passed, N failed, N skipped". Exit
status: 0 for a complete report without failures, 1 for failures, 2 for an
incomplete or inconsistent report (or none at all).
"""
import re
import sys

VERSION = re.compile(r'^(K?TAP) version ([0-9]+)$')
PLAN = re.compile(r'^1\.\.([0-9]+)$')
# "\#" is an escaped '#', not the start of the directive.
RESULT = re.compile(r'^(ok|not ok) ([0-9]+)(?: (?:- )?((?:[^#\\]|\\.)*?))?'
                    r'(?: +#(.*))?$')
SUBTEST = re.compile(r'^# Subtest: (.*)$')
KERNEL_END = re.compile(r'^# ktest end: ([0-9]+) passed, ([0-9]+) failed, '
                        r'([0-9]+) skipped$')
DIRECTIVES = ('SKIP', 'TODO', 'XFAIL', 'TIMEOUT', 'ERROR')
ACCEPTED_VERSIONS = {'KTAP': (1,), 'TAP': (13, 14)}


class Test:
    """One test: a leaf, or a report of subtests with a result of its own."""

    def __init__(self, indent, line_no, name=''):
        self.indent = indent
        self.line_no = line_no
        self.name = name
        self.plan = None
        self.subtests = []
        self.ok = None          # None: no result line seen
        self.directive = None
        self.reason = ''

    def status(self):
        if self.ok is None:
            return 'missing'
        if self.directive == 'SKIP':
            return 'skipped'
        return 'passed' if self.ok else 'failed'


class Report:
    def __init__(self):
        self.root = None
        self.problems = []
        self.kernel_end = None


def unescape(text):
    return re.sub(r'\\(.)', r'\1', text)


def split_directive(text):
    """' SKIP needs NX' -> ('SKIP', 'needs NX'); ' a reason' -> (None, ...)."""
    text = unescape(text.strip())
    word, _, rest = text.partition(' ')
    if word.upper() in DIRECTIVES:
        return word.upper(), rest.strip()
    return None, text


def indent_of(line):
    return len(line) - len(line.lstrip(' '))


class Parser:
    def __init__(self, report):
        self.report = report
        self.stack = []         # open reports, outermost first
        self.awaiting = None    # a nested report ended, awaiting its result
        self.header = None      # a "# Subtest:" name for the next report
        self.done = False

    def problem(self, line_no, text):
        self.report.problems.append(f'line {line_no}: {text}')

    def no_result(self, line_no):
        if self.awaiting is not None:
            self.problem(line_no, f'subtest "{self.awaiting.name}" has no '
                         'result line')
            self.awaiting = None

    def check_plan(self, test, line_no):
        where = f'"{test.name}"' if test.name else 'the top-level report'
        if test.plan is None:
            self.problem(test.line_no, f'{where} has no plan')
        elif test.plan != len(test.subtests):
            self.problem(line_no, f'{where} plans {test.plan} tests but '
                         f'{len(test.subtests)} results follow')

    def close_deeper(self, indent, line_no):
        """End the open reports indented deeper than @indent."""
        while len(self.stack) > 1 and self.stack[-1].indent > indent:
            test = self.stack.pop()
            self.check_plan(test, line_no)
            self.no_result(line_no)
            self.awaiting = test

    def version(self, m, indent, line_no):
        kind, number = m.group(1), int(m.group(2))
        if number not in ACCEPTED_VERSIONS[kind]:
            self.problem(line_no, f'unknown version {kind} {number}')
        if not self.stack:
            self.report.root = Test(indent, line_no)
            self.stack.append(self.report.root)
            return
        if indent <= self.stack[0].indent:
            self.problem(line_no, 'a second report starts; the rest of the '
                         'log is not read')
            self.done = True
            return
        self.close_deeper(indent - 1, line_no)
        self.no_result(line_no)
        test = Test(indent, line_no, self.header or '')
        self.header = None
        self.stack[-1].subtests.append(test)
        self.stack.append(test)

    def subtest_header(self, name, indent):
        """KUnit prints "# Subtest: NAME" after the nested version line;
        TAP 14 puts it before. Either way it names that nested report."""
        top = self.stack[-1]
        if (len(self.stack) > 1 and not top.name and not top.subtests and
                indent == top.indent):
            top.name = name
        else:
            self.header = name

    def plan(self, m, indent, line_no):
        self.close_deeper(indent, line_no)
        test = self.stack[-1]
        if test.plan is not None or test.subtests:
            self.problem(line_no, 'a plan after the first result')
        test.plan = int(m.group(1))

    def result(self, m, indent, line_no):
        self.close_deeper(indent, line_no)
        parent = self.stack[-1]
        name = unescape(m.group(3) or '').strip()
        test = self.awaiting
        self.awaiting = None
        if test is None:
            test = Test(indent, line_no, name)
            parent.subtests.append(test)
        elif test.name and name != test.name:
            self.problem(line_no, f'result "{name}" closes subtest '
                         f'"{test.name}"')
        test.name = name
        test.ok = m.group(1) == 'ok'
        if m.group(4) is not None:
            test.directive, test.reason = split_directive(m.group(4))
        expected = parent.subtests.index(test) + 1
        if int(m.group(2)) != expected:
            self.problem(line_no, f'test "{name}" is number {m.group(2)}, '
                         f'expected {expected}')

    def line(self, raw, line_no):
        text = raw.rstrip('\r\n')
        body = text.strip()
        indent = indent_of(text)
        m = VERSION.match(body)
        if m and not self.done:
            self.version(m, indent, line_no)
            return
        if not self.stack or self.done:
            return
        m = KERNEL_END.match(body)
        if m:
            self.report.kernel_end = tuple(int(g) for g in m.groups())
            return
        m = SUBTEST.match(body)
        if m:
            self.subtest_header(m.group(1).strip(), indent)
            return
        if body.startswith('#'):
            return
        for pattern, handle in ((PLAN, self.plan), (RESULT, self.result)):
            m = pattern.match(body)
            if m:
                handle(m, indent, line_no)
                return

    def finish(self, line_no):
        if not self.stack:
            self.problem(line_no, 'no KTAP report (no version line)')
            return
        if len(self.stack) > 1 or self.awaiting is not None:
            inner = self.stack[-1] if len(self.stack) > 1 else self.awaiting
            self.problem(line_no, f'the log ends inside "{inner.name}": it '
                         'was cut short')
        while len(self.stack) > 1:
            self.check_plan(self.stack.pop(), line_no)
        self.check_plan(self.stack[0], line_no)


def parse(lines):
    """Parse an iterable of lines; return a Report."""
    report = Report()
    parser = Parser(report)
    line_no = 0
    for line_no, raw in enumerate(lines, 1):
        parser.line(raw, line_no)
    parser.finish(line_no)
    return report


def count(test):
    """(passed, failed, skipped) over the leaves under @test. A report with
    a plan (even 1..0) is not a leaf: an empty suite counts no test."""
    if not test.subtests and test.plan is None:
        status = test.status()
        return (status == 'passed', status == 'failed', status == 'skipped')
    sums = [count(t) for t in test.subtests]
    return tuple(sum(s[i] for s in sums) for i in range(3))


def check_parents(test, problems, path=''):
    """A report's own result must agree with its tests': 'not ok' exactly
    when a test under it failed (ktap.rst, "Nested tests"), unless a
    directive (an ERROR from a panic) says why."""
    name = f'{path}.{test.name}' if path else test.name
    for t in test.subtests:
        check_parents(t, problems, name)
    if not test.subtests or test.ok is None or not name:
        return
    failed = count(test)[1] > 0
    if test.ok and failed:
        problems.append(f'"{name}" is ok, but a test under it failed')
    elif not test.ok and not failed and test.directive is None:
        problems.append(f'"{name}" is not ok, but no test under it failed')


def not_passed(test, path=''):
    """Lines for the leaves under @test that did not pass."""
    name = f'{path}.{test.name}' if path else test.name
    if test.subtests:
        return [line for t in test.subtests for line in not_passed(t, name)]
    status = test.status()
    if status == 'passed':
        return []
    why = ' '.join(w for w in (test.directive, test.reason) if w)
    return [f'{status.upper()} {name}' + (f': {why}' if why else '')]


def summarize(report, quiet=False):
    """Print the summary; return the exit status."""
    out = []
    totals = (0, 0, 0)
    if report.root is not None:
        for test in report.root.subtests:
            c = count(test)
            if test.subtests and not quiet:
                out.append(f'{test.name}: {c[0]} passed, {c[1]} failed, '
                           f'{c[2]} skipped')
        totals = count(report.root) if report.root.subtests else (0, 0, 0)
        check_parents(report.root, report.problems)
        out += not_passed(report.root) if report.root.subtests else []
    if report.kernel_end is not None and report.kernel_end != totals:
        report.problems.append(
            'the kernel counted %d passed, %d failed, %d skipped' %
            report.kernel_end)
    out += [f'problem: {p}' for p in report.problems]
    out.append(f'{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped')
    print('\n'.join(out))
    if report.problems:
        return 2
    return 1 if totals[1] else 0


def main(argv):
    args = [a for a in argv[1:] if a != '--quiet']
    if len(args) != 1:
        print('usage: ktap.py [--quiet] LOG', file=sys.stderr)
        return 2
    try:
        with open(args[0], errors='replace') as f:
            report = parse(f)
    except OSError as e:
        print(f'ktap.py: {e}', file=sys.stderr)
        return 2
    return summarize(report, '--quiet' in argv)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
