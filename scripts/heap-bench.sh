#!/usr/bin/env bash
# scripts/heap-bench.sh - run tests/bench/heap_bench.c and print one table:
# Keel's heap against glibc malloc on the same seeded workloads.
#
# usage: scripts/heap-bench.sh build/bench/heap_bench
#
# instr/op  callgrind's count for the workload, minus the same driver with
#           no-op allocation calls, per allocator call (the same run as
#           timed; needs valgrind, else the columns show "-")
# ns/op     wall time, best of 7, minus the no-op driver's
# peak/live the most memory the allocator held at any time over the most
#           bytes requested and live at any time (the two peaks may fall at
#           different moments). keel: from its first block to the end of the
#           highest block handed out, i.e. what it touched, whatever it was
#           given; its control record before the first block (struct heap,
#           static in the kernel) is printed under the table, not counted.
#           glibc: its heap below the top chunk plus mmapped chunks
#           (mallinfo2), read after every call that can raise it.
set -euo pipefail

bench=${1:?usage: heap-bench.sh HEAP_BENCH_BINARY}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "name backend ops=N ns=N", split into one file per backend.
"$bench" time | awk -v dir="$tmp" '{ print $1, $3, $4 > (dir "/time-" $2) }'

for w in $("$bench" list); do
	for be in keel glibc; do
		"$bench" footprint "$be" "$w" >>"$tmp/foot-$be"
	done
done

if command -v valgrind >/dev/null; then
	for be in keel glibc none; do
		valgrind --tool=callgrind --instr-atstart=no \
			--callgrind-out-file="$tmp/cg-$be" "$bench" callgrind "$be" \
			>"$tmp/ops-$be" 2>"$tmp/valgrind-$be.log"
		# One dump per workload: "desc: Trigger: Client Request: NAME"
		# and "totals: N".
		for f in "$tmp/cg-$be".*; do
			awk '/^desc: Trigger: Client Request:/ { name = $5 }
			     /^totals:/ { print name, $2 }' "$f"
		done >"$tmp/instr-$be"
	done
else
	echo "valgrind not found (apt-get install valgrind): no instruction counts" >&2
	for be in keel glibc none; do : >"$tmp/instr-$be"; : >"$tmp/ops-$be"; done
fi

# Every input file is "name key=value ..." (instr-*: "name count"); the file
# a line comes from is told by FILENAME.
awk '
function field(line, key,    i, n, kv) {
	n = split(line, kv, " ")
	for (i = 2; i <= n; i++)
		if (index(kv[i], key "=") == 1)
			return substr(kv[i], length(key) + 2)
	return ""
}
{
	file = FILENAME
	sub(/.*\//, "", file)
	split(file, part, "-")
	kind = part[1]; be = part[2]
	name = $1
	if (!(name in seen)) { seen[name] = 1; order[++n] = name }
	if (kind == "time") { ops[name] = field($0, "ops"); ns[be, name] = field($0, "ns") }
	if (kind == "foot") { foot[be, name] = field($0, "foot"); live[be, name] = field($0, "live") }
	if (kind == "ops") cg_ops[name] = field($0, "ops")
	if (kind == "instr") instr[be, name] = $2
}
function per_op(be, name) {
	if (!((be, name) in instr) || !((("none"), name) in instr) || cg_ops[name] == 0)
		return "-"
	return sprintf("%.1f", (instr[be, name] - instr["none", name]) / cg_ops[name])
}
function ratio(a, b) {
	return (a == "-" || b == "-" || b + 0 <= 0) ? "-" : sprintf("%.2f", a / b)
}
END {
	printf "%-16s %9s | %8s %8s %6s | %7s %7s %6s | %9s %9s\n", "heap workload", "ops",
		"instr/op", "", "", "ns/op", "", "", "peak/live", ""
	printf "%-16s %9s | %8s %8s %6s | %7s %7s %6s | %9s %9s\n", "", "",
		"keel", "glibc", "ratio", "keel", "glibc", "ratio", "keel", "glibc"
	for (i = 1; i <= n; i++) {
		w = order[i]
		ik = per_op("keel", w); ig = per_op("glibc", w)
		tk = sprintf("%.1f", (ns["keel", w] - ns["none", w]) / ops[w])
		tg = sprintf("%.1f", (ns["glibc", w] - ns["none", w]) / ops[w])
		fk = live["keel", w] ? sprintf("%.3f", foot["keel", w] / live["keel", w]) : "-"
		fg = live["glibc", w] ? sprintf("%.3f", foot["glibc", w] / live["glibc", w]) : "-"
		printf "%-16s %9d | %8s %8s %6s | %7s %7s %6s | %9s %9s\n", w, ops[w],
			ik, ig, ratio(ik, ig), tk, tg, ratio(tk, tg), fk, fg
	}
}' "$tmp"/time-* "$tmp"/foot-* "$tmp"/ops-* "$tmp"/instr-*
echo "peak/live: memory touched at its peak over live bytes at their peak;" \
	"not counted: keel's control record, $("$bench" control) bytes"
