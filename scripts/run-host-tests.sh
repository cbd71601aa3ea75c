#!/usr/bin/env bash
# scripts/run-host-tests.sh - run the host unit-test binaries (cmocka) and
# total their results.
#
# usage: scripts/run-host-tests.sh <test binary>...
# With no binaries it prints "0 passed, 0 failed": there may be no tests yet.
#
# Each binary runs with CMOCKA_MESSAGE_OUTPUT=tap, so cmocka 1.1 prints a
# "1..N" plan and one "ok N - name" or "not ok N - name" line per test;
# a skipped test is "not ok N # SKIP name" and counts as neither. Lines that
# start with '#' (messages, group summaries) are shown but not counted.
# A binary that dies or exits nonzero without reporting a failure, reports
# no test at all, or reports fewer tests than its plan, adds one failure and
# a line saying why.
# The last line is "N passed, N failed"; the exit status is 0 only when
# nothing failed. HOST_TEST_TIMEOUT (seconds, default 120) bounds each run.
set -u

timeout_s=${HOST_TEST_TIMEOUT:-120}
total_pass=0
total_fail=0

# Explains a nonzero exit status in a few words.
describe_status() {
	local rc=$1

	if [ "$rc" -eq 124 ]; then
		echo "timed out after ${timeout_s}s"
	elif [ "$rc" -gt 128 ]; then
		local sig=$((rc - 128))

		echo "killed by SIG$(kill -l "$sig" 2>/dev/null || echo "$sig")"
	elif [ "$rc" -eq 126 ] || [ "$rc" -eq 127 ]; then
		echo "could not be run (status $rc)"
	else
		echo "exited with status $rc"
	fi
}

# Runs one binary, shows its output and adds its results to the totals.
run_one() {
	local bin=$1
	local out rc line seen
	local pass=0 fail=0 skip=0 plan=0

	out=$(CMOCKA_MESSAGE_OUTPUT=tap timeout "$timeout_s" "$bin" 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out"

	while IFS= read -r line; do
		case $line in
		"not ok "[0-9]*" # SKIP"*)	skip=$((skip + 1)) ;;
		"not ok "[0-9]*)		fail=$((fail + 1)) ;;
		"ok "[0-9]*)			pass=$((pass + 1)) ;;
		1..[0-9]*)			plan=$((plan + ${line#1..})) ;;
		esac
	done <<<"$out"

	seen=$((pass + fail + skip))
	if [ "$seen" -eq 0 ] && [ "$plan" -eq 0 ]; then
		echo "FAIL $bin: $(describe_status "$rc") without reporting any test"
		fail=$((fail + 1))
	elif [ "$seen" -lt "$plan" ]; then
		echo "FAIL $bin: $(describe_status "$rc"), after $seen of $plan tests"
		fail=$((fail + 1))
	elif [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		echo "FAIL $bin: $(describe_status "$rc") with no failed test reported"
		fail=$((fail + 1))
	fi
	if [ "$skip" -gt 0 ]; then
		echo "# $bin: $skip skipped"
	fi
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
}

for bin in "$@"; do
	run_one "$bin"
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
