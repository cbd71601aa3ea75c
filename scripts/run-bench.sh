#!/usr/bin/env bash
# scripts/run-bench.sh - boot Keel with "bench" and print the figures its
# benchmarks report (KBENCH in tests/kernel/*_bench.c).
#
#   scripts/run-bench.sh KERNEL.elf
#
# Uses FIRMWARE, BOOT, MEMORY and QEMUFLAGS like the tests; QEMUFLAGS is
# "-smp 4" unless set, so that the SMP figures (tests/kernel/smp_bench.c)
# have CPUs to measure (the other figures run on the boot CPU while the
# rest idle). Figures are TSC
# cycles of the emulated CPU: under TCG they show relative costs, not what
# real hardware takes.
set -uo pipefail
here=$(dirname "$0")
kernel=$1
export QEMUFLAGS=${QEMUFLAGS:--smp 4}
out=$("$here/run-tests.sh" --cmdline "bench${CMDLINE:+ $CMDLINE}" \
	--expect bench --name "bench-${FIRMWARE:-bios}" "$kernel")
status=$?
serial=${BUILD:-build}/test/bench-${FIRMWARE:-bios}.serial
echo "Kernel benchmarks (${FIRMWARE:-bios}, ${MEMORY:-256M}, ${QEMUFLAGS:-default CPU}):"
grep '^bench: ' "$serial" | sed 's/^bench: /  /'
# user/callbench's own lines (tests/kernel/user_bench.c runs it).
grep -a '^callbench: ' "$serial" | tr -d '\r' | sed 's/^/  /'
grep '^# bench .* failed:' "$serial"
if [ $status -ne 0 ]; then
	printf '%s\n' "$out" | tail -n 5
	exit 1
fi
