#!/usr/bin/env bash
# scripts/term-bench.sh - run tests/bench/term_bench.c and print one table:
# what lib/term.c costs per character and per scrolled line at 128x48.
#
# usage: scripts/term-bench.sh build/bench/term_bench
#
# instr/op   callgrind's instruction count per operation (needs valgrind,
#            else "-"); lib/term.c is built as the kernel builds it
# ns/op      host wall time per operation, best of 7
# draws/op   cells drawn per operation
# per second operations per second at that speed (for "line": lines/s)
# The scroll row is one full-screen scroll on its own; "line" is a
# 128-character line plus the scroll it causes.
set -euo pipefail

bench=${1:?usage: term-bench.sh TERM_BENCH_BINARY}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bench" time >"$tmp/time"
if command -v valgrind >/dev/null; then
	valgrind --tool=callgrind --instr-atstart=no \
		--callgrind-out-file="$tmp/cg" "$bench" callgrind \
		>"$tmp/ops" 2>"$tmp/valgrind.log"
	# One dump per workload: "desc: Trigger: Client Request: NAME-BACKEND"
	# and "totals: N".
	for f in "$tmp/cg".*; do
		awk '/^desc: Trigger: Client Request:/ { name = $5 }
		     /^totals:/ { print name, $2 }' "$f"
	done >"$tmp/instr"
else
	echo "valgrind not found (apt-get install valgrind): no instruction counts" >&2
	: >"$tmp/instr"
	: >"$tmp/ops"
fi

awk '
function field(line, key,    i, n, kv) {
	n = split(line, kv, " ")
	for (i = 3; i <= n; i++)
		if (index(kv[i], key "=") == 1)
			return substr(kv[i], length(key) + 2)
	return ""
}
FILENAME ~ /time$/ {
	k = $1 "-" $2
	if (!(k in ops)) order[++n] = k
	ops[k] = field($0, "ops"); ns[k] = field($0, "ns"); dr[k] = field($0, "draws")
}
FILENAME ~ /ops$/ { cgops[$1 "-" $2] = field($0, "ops") }
FILENAME ~ /instr$/ { instr[$1] = $2 }
END {
	printf "%-14s %10s %10s %10s %12s\n", "term 128x48", "instr/op", "ns/op",
		"draws/op", "per second"
	for (i = 1; i <= n; i++) {
		k = order[i]
		ip = (k in instr && cgops[k] > 0) ? sprintf("%.1f", instr[k] / cgops[k]) : "-"
		t = ns[k] / ops[k]
		rate = t > 0 ? 1e9 / t : 0
		printf "%-14s %10s %10.1f %10.1f %12.0f\n", k, ip, t, dr[k] / ops[k], rate
	}
}' "$tmp/time" "$tmp/ops" "$tmp/instr"
