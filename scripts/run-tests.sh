#!/usr/bin/env bash
# scripts/run-tests.sh - boot Keel in QEMU once, read what it says on the
# serial port, and judge the boot.
#
#   scripts/run-tests.sh [options] KERNEL.elf
#     --cmdline WORDS   kernel command line (default: "ktest", plus $CMDLINE)
#     --name NAME       label for the output and the log files
#     --timeout SEC     give up after SEC seconds (default 60; 120 for UEFI)
#     --must-show TEXT  TEXT must appear on serial (may be repeated); a
#                       missing message makes the boot a failure
#     --console C       where the kernel's output is read: serial (COM1,
#                       default) or debugcon (port 0xe9; the machine then has
#                       no UART at all)
#     --modules N       load N boot modules of 64 KiB, each filled with one
#                       byte its string names (tests/kernel/module_test.c)
#     --expect KIND     what the boot must do: pass (default), or a failure
#                       the runner must recognise: fail, panic, triple,
#                       text:STRING (STRING appears on serial; QEMU is then
#                       stopped), or bench (a "bench" boot that ended well)
#
# Environment: FIRMWARE, BOOT, MEMORY, QEMUFLAGS (scripts/qemu-args.sh), BUILD.
#
# Only QEMU exit status 33 (the kernel wrote KTEST_EXIT_PASS to isa-debug-exit)
# with a complete KTAP report counts as a pass. Everything else, a timeout,
# status 0 (a triple fault under -no-reboot), a panic, a missing end marker, a
# plan that does not match the results, is a failure explained in one line.
# The last line of output is "N passed, N failed" (KTAP tests, or 1 for the
# boot itself when it has no KTAP report).
set -uo pipefail
here=$(dirname "$0")
. "$here/qemu-args.sh"

cmdline="ktest${CMDLINE:+ $CMDLINE}"
name=""
timeout=""
expect=pass
console=serial
must_show=()
modules=0
while [ $# -gt 1 ]; do
	case $1 in
	--cmdline) cmdline=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--expect) expect=$2; shift 2 ;;
	--console) console=$2; shift 2 ;;
	--must-show) must_show+=("$2"); shift 2 ;;
	--modules) modules=$2; shift 2 ;;
	*) echo "run-tests.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
kernel=$1
firmware=${FIRMWARE:-bios}
[ -n "$name" ] || name="$firmware-${BOOT:-cdrom}-${cmdline//[^A-Za-z0-9_.=-]/_}"
[ -n "$timeout" ] || { [ "$firmware" = uefi ] && timeout=120 || timeout=60; }
dir=${BUILD:-build}/test
mkdir -p "$dir"
serial=$dir/$name.serial
qemulog=$dir/$name.qemu.log
times=$dir/$name.times
pidfile=$dir/$name.pid

# Test modules: module k holds 64 KiB of the byte 0x10 + k.
module_args=()
for ((k = 0; k < modules; k++)); do
	fill=$(printf '%02x' $((0x10 + k)))
	file=$dir/modules/$fill
	if [ ! -f "$file" ]; then
		mkdir -p "$dir/modules"
		head -c 65536 /dev/zero | tr '\0' "\\$(printf '%03o' $((0x$fill)))" >"$file"
	fi
	module_args+=(--module "$file:keel-test-module fill=0x$fill")
done

# One ISO per command line and module count, rebuilt when the kernel changes.
iso=$dir/$(printf '%s %s' "$cmdline" "$modules" | md5sum | cut -c1-12).iso
if [ ! -f "$iso" ] || [ "$kernel" -nt "$iso" ] || [ "$here/mkiso.sh" -nt "$iso" ]; then
	"$here/mkiso.sh" "$iso" "$kernel" --only "$cmdline" ${module_args[@]+"${module_args[@]}"} || exit 1
fi

qemu_args "$iso" || exit 1
# fw_cfg tells the kernel what the runner expects, by a path that does not go
# through GRUB (tests/kernel/boot_test.c). QEMU option values double commas.
case $console in
serial) QEMU_ARGS+=(-serial stdio) ;;
debugcon) QEMU_ARGS+=(-debugcon stdio) ;;
*) echo "run-tests.sh: --console must be serial or debugcon" >&2; exit 2 ;;
esac
# Bytes the runner types on COM1 once the kernel asks for them
# (tests/kernel/uart_test.c), through a FIFO on QEMU's standard input.
serial_input="keel-serial-rx-0123456789"
QEMU_ARGS+=(-fw_cfg "name=opt/keel/serial-input,string=$serial_input")
QEMU_ARGS+=(-display none -pidfile "$pidfile"
	-d int,cpu_reset -D "$qemulog"
	-fw_cfg "name=opt/keel/cmdline,string=${cmdline//,/,,}"
	-fw_cfg "name=opt/keel/firmware,string=$firmware")
[ "$modules" -gt 0 ] && QEMU_ARGS+=(-fw_cfg "name=opt/keel/modules,string=$modules")

want_text=""
case $expect in text:*) want_text=${expect#text:} ;; esac

# Copy serial output to the log, noting when the kernel's first line and its
# end marker arrive; stop QEMU once an expected text has been seen.
watch_serial() {
	local line
	while IFS= read -r line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$serial"
		case $line in
		"Keel "[0-9]*" booting"*) echo "banner $EPOCHREALTIME" >>"$times" ;;
		"# ktest end:"*) echo "end $EPOCHREALTIME" >>"$times" ;;
		"# ktest: waiting for serial input"*) printf '%s' "$serial_input" >&3 ;;
		esac
		if [ -n "$want_text" ] && [[ $line == *"$want_text"* ]]; then
			echo "text $EPOCHREALTIME" >>"$times"
			kill "$(cat "$pidfile")" 2>/dev/null
		fi
	done
}

: >"$serial"
: >"$times"
fifo=$dir/$name.stdin
rm -f "$fifo"
mkfifo "$fifo"
exec 3<>"$fifo"			# held open: QEMU never sees end of input
start=$EPOCHREALTIME
timeout "$timeout" "${QEMU_ARGS[@]}" <"$fifo" 2>"$dir/$name.stderr" | watch_serial
status=${PIPESTATUS[0]}
exec 3>&-
rm -f "$fifo"

since() {	# seconds from QEMU start to event $1, or "-"
	local t
	t=$(awk -v e="$1" '$1 == e { print $2; exit }' "$times")
	[ -n "$t" ] && awk -v a="$start" -v b="$t" 'BEGIN { printf "%.2f s", b - a }' || echo "-"
}

kernel_output() {	# serial lines from the kernel banner on
	awk '/^Keel [0-9].* booting/ { on = 1 } on' "$serial"
}

# The last exceptions QEMU saw, from its -d int,cpu_reset log.
last_exceptions() {
	grep -E 'check_exception|^ *[0-9]+: v=|CPU Reset' "$qemulog" 2>/dev/null |
		tail -n 6 | sed 's/^ */      /'
}

# Check the KTAP report: a plan, as many results as planned, the end marker.
# Sets planned, passed, failed, skipped, ktap_problem.
read_ktap() {
	local out
	out=$(kernel_output)
	planned=$(printf '%s\n' "$out" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p' | head -n1)
	passed=$(printf '%s\n' "$out" | grep -cE '^ok [0-9]+ ')
	failed=$(printf '%s\n' "$out" | grep -cE '^not ok [0-9]+ ')
	skipped=$(printf '%s\n' "$out" | grep -cE '^ok [0-9]+ .*# SKIP')
	ktap_problem=""
	if ! printf '%s\n' "$out" | grep -q '^KTAP version 1$'; then
		ktap_problem="no KTAP report (no 'KTAP version 1' line)"
	elif [ -z "$planned" ]; then
		ktap_problem="KTAP report has no plan line"
	elif [ $((passed + failed)) -ne "$planned" ]; then
		ktap_problem="KTAP plan says $planned tests but $((passed + failed)) results were printed"
	elif ! printf '%s\n' "$out" | grep -q '^# ktest end:'; then
		ktap_problem="no end marker ('# ktest end:'): the kernel stopped early"
	fi
}

# Classify the boot: sets outcome and reason.
judge() {
	local first_line
	read_ktap
	first_line=$(kernel_output | head -n1)
	outcome=error
	case $status in
	33)
		if [ "$expect" = bench ]; then
			grep -q '^# bench end: 0 failed' "$serial" && outcome=bench
			reason="benchmarks ran"
		elif [ -n "$ktap_problem" ]; then
			reason="exit status 33 but $ktap_problem"
		elif [ "$failed" -gt 0 ]; then
			reason="exit status 33 but $failed tests printed 'not ok'"
		else
			outcome=pass
			reason="$planned tests, $skipped skipped"
		fi ;;
	35) outcome=fail; reason="$failed of ${planned:-?} tests failed: $(kernel_output | grep -E '^not ok' | head -n3 | sed 's/^not ok [0-9]* //' | paste -sd ';' -)" ;;
	37) outcome=panic; reason="kernel panic: $(kernel_output | grep -m1 '^PANIC:')" ;;
	124) outcome=timeout; reason="timed out after ${timeout}s; last line: $(tail -n1 "$serial")" ;;
	0) outcome=triple; reason="QEMU exited with status 0: the machine reset (a triple fault under -no-reboot)" ;;
	*) reason="QEMU exited with status $status; $(tail -n2 "$dir/$name.stderr" | paste -sd ' ' -)" ;;
	esac
	[ -z "$first_line" ] && [ "$outcome" != triple ] &&
		reason="$reason; the kernel printed nothing (no 'Keel ... booting' line)"
	if [ -n "$want_text" ] && grep -qF -- "$want_text" "$serial"; then
		outcome=text
		reason="serial shows \"$want_text\""
	fi
}

judge
for text in "${must_show[@]}"; do
	if ! grep -qF -- "$text" "$serial"; then
		outcome=missing
		reason="the expected message \"$text\" is not on serial ($reason)"
		break
	fi
done
kernel_ready=$(sed -n 's/^boot: kernel ready \([0-9]*\) us after kmain.*/\1/p' "$serial" | head -n1)
timing="banner at $(since banner), end at $(since end)${kernel_ready:+; kernel init ${kernel_ready} us}"
label="$name"
if [ "$expect" = pass ]; then
	kernel_output | grep -E '^(not )?ok [0-9]+ |^    # ' | sed 's/^/    /'
	if [ "$outcome" = pass ]; then
		echo "PASS  $label: $reason ($timing)"
		echo "$((passed - skipped)) passed, 0 failed"
		exit 0
	fi
	echo "FAIL  $label: $reason ($timing)"
	[ "$outcome" = triple ] && { echo "    last exceptions (QEMU -d int,cpu_reset):"; last_exceptions; }
	echo "    last serial lines ($serial):"
	tail -n 15 "$serial" | sed 's/^/      /'
	n=$((passed - skipped))
	echo "$n passed, $((failed > 0 ? failed : 1)) failed"
	exit 1
fi

# A boot that must go wrong in a given way: the runner passes when it told
# that failure apart correctly.
expected_kind=${expect%%:*}
if [ "$outcome" = "$expected_kind" ]; then
	echo "PASS  $label: runner reported it as expected: $reason"
	[ "$outcome" = triple ] && last_exceptions | tail -n 3
	echo "1 passed, 0 failed"
	exit 0
fi
echo "FAIL  $label: expected '$expect', got '$outcome': $reason"
tail -n 15 "$serial" | sed 's/^/      /'
echo "0 passed, 1 failed"
exit 1
