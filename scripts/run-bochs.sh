#!/usr/bin/env bash
# scripts/run-bochs.sh - boot Keel's ISO under Bochs once and show what it
# printed on COM1. A second emulator with its own 16550 and 8254 models: code
# that only works because of how QEMU models a device shows up here.
#
#   scripts/run-bochs.sh [options] KERNEL.elf
#     --cmdline WORDS   kernel command line (default "ktest")
#     --timeout SEC     stop Bochs after SEC seconds (default 300)
#     --until TEXT      stop Bochs as soon as a line of COM1 starts with TEXT
#                       (default "# ktest end:", the self-test's end marker;
#                       the shell's tests print it indented, as "# # ktest end:")
#     --must-show TEXT  TEXT must appear on COM1 (may be repeated): the boot
#                       fails without it
#     --must-not-show T T must not appear on COM1 (may be repeated)
#     --ips N           emulated instructions per second (default 50000000);
#                       Bochs's TSC counts at about this rate
#     --cpu MODEL       Bochs's CPU model (default corei7_sandy_bridge_2600k:
#                       long mode, NX, TSC-deadline, no x2APIC;
#                       corei7_haswell_4770 adds the x2APIC)
#     --cpus N          processors (default 1)
#     --name NAME       keep this boot's files in $BUILD/bochs/NAME (default:
#                       $BUILD/bochs), so that boots can run side by side
#
# Bochs has no isa-debug-exit device, so the script watches COM1 (written to
# a file) and stops Bochs itself. The display is Bochs's VNC server (rfb),
# started without waiting for a viewer: no window, X server or terminal is
# needed. (Its terminal display, inside a pseudo-terminal, stopped the
# machine whenever the terminal stopped taking output.) Files go to
# $BUILD/bochs/ (or $BUILD/bochs/NAME): bochsrc, com1.txt, bochs.log. The last
# line is "N passed, N failed", as scripts/run-tests.sh prints it: the KTAP report's
# tests as scripts/ktap.py counts them (a boot without a report counts as one
# test, passed when the text was seen). Exit status: 0 when the text was seen,
# every --must-show text appeared and the report (if any) is complete and
# without failures; 1 otherwise.
set -uo pipefail
here=$(dirname "$0")

cmdline=ktest
timeout=300
until_text="# ktest end:"
must_show=()
must_not_show=()
ips=50000000
cpu=corei7_sandy_bridge_2600k
cpus=1
name=
while [ $# -gt 1 ]; do
	case $1 in
	--cmdline) cmdline=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--until) until_text=$2; shift 2 ;;
	--must-show) must_show+=("$2"); shift 2 ;;
	--must-not-show) must_not_show+=("$2"); shift 2 ;;
	--ips) ips=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	*) echo "run-bochs.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: run-bochs.sh [options] KERNEL.elf" >&2; exit 2; }
kernel=$1

for f in /usr/bin/bochs /usr/share/bochs/BIOS-bochs-latest /usr/share/vgabios/vgabios.bin; do
	[ -e "$f" ] || {
		echo "run-bochs.sh: $f is missing; install bochs, bochsbios and vgabios" >&2
		exit 1
	}
done

dir=${BUILD:-build}/bochs${name:+/$name}
mkdir -p "$dir"
iso=$dir/keel.iso
serial=$dir/com1.txt
# The user programs (make user) go on the image as modules, as make's ISO
# has them. GRUB's text mode: Bochs's VGA has no 32-bit-colour mode.
programs=${BUILD:-build}/user
program_args=()
[ -d "$programs" ] && program_args=(--programs "$programs")
"$here/mkiso.sh" "$iso" "$kernel" --only "$cmdline" --gfxpayload text \
	"${program_args[@]}" || exit 1

# Bochs 2.7 syntax (bochsrc(5)). The CPU model has long mode and NX; the
# clock follows the instruction count (sync=none), so the TSC and the PIT
# agree with each other whatever the host's load. The IDE CD-ROM is what the
# BIOS boots from (El Torito, GRUB's i386-pc image). Port 0xe9 is Bochs's
# debug port, as in QEMU.
cat >"$dir/bochsrc" <<EOF
megs: 256
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=$cpu, count=$cpus, ips=$ips, reset_on_triple_fault=0
clock: sync=none, time0=local
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path="$iso", status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev="$serial"
port_e9_hack: enabled=1
speaker: enabled=0
display_library: rfb, options="timeout=0"
log: $dir/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
EOF

: >"$serial"
start=$EPOCHREALTIME
# Debian's Bochs has the debugger built in and stops at its prompt first;
# the debugger script only says "continue".
printf 'c\n' >"$dir/debugger.rc"
# Bochs's VNC server listens on every interface (0.0.0.0:5900 and up); in a
# network namespace of its own it is reachable from nowhere. unshare -n needs
# root; -r first maps the caller to root in a new user namespace. Both exec
# the command, so $pid stays Bochs's.
isolate=()
if unshare -n true 2>/dev/null; then
	isolate=(unshare -n)
elif unshare -rn true 2>/dev/null; then
	isolate=(unshare -rn)
else
	echo "run-bochs.sh: no network namespace (unshare -n failed): Bochs's VNC display listens on port 5900 or up, on every interface, while it runs" >&2
fi
"${isolate[@]}" bochs -q -f "$dir/bochsrc" -rc "$dir/debugger.rc" </dev/null \
	>"$dir/bochs.out" 2>&1 &
pid=$!
seen=0
while kill -0 "$pid" 2>/dev/null; do
	# ENVIRON, not -v: awk would read backslashes in the text as escapes.
	if tr -d '\r' <"$serial" | UNTIL=$until_text awk \
		'index($0, ENVIRON["UNTIL"]) == 1 { seen = 1; exit } END { exit !seen }'; then
		seen=1
		break
	fi
	# A panic ends the boot: nothing more comes, so stop waiting.
	if tr -d '\r' <"$serial" | grep -qE '^PANIC: '; then
		break
	fi
	if awk -v a="$start" -v b="$EPOCHREALTIME" -v t="$timeout" \
		'BEGIN { exit !(b - a > t) }'; then
		break
	fi
	sleep 0.5
done
elapsed=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
# /usr/bin/bochs, Debian's wrapper, execs Bochs itself (as unshare execs
# the wrapper): $pid is Bochs.
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

out=$(tr -d '\r' <"$serial" | awk '/^Keel [0-9].* booting/ { on = 1 } on')
problems=()
panic=$(grep -m1 -E '^PANIC: ' <<<"$out")
[ -z "$panic" ] || problems+=("kernel panic: $panic")
[ $seen = 1 ] || [ -n "$panic" ] ||
	problems+=("no line starting \"$until_text\" within $timeout s ($dir/bochs.log)")
for text in "${must_show[@]}"; do
	grep -qF -- "$text" <<<"$out" || problems+=("\"$text\" never appeared")
done
for text in "${must_not_show[@]}"; do
	! grep -qF -- "$text" <<<"$out" || problems+=("\"$text\" appeared")
done
passed=$seen failed=0	# no report: the boot is the one test
if ! grep -qE '^K?TAP version' <<<"$out"; then
	printf '%s\n' "$out"
else
	printf '%s\n' "$out" >"$dir/ktap.txt"
	summary=$(python3 "$here/ktap.py" "$dir/ktap.txt" 2>&1)
	ktap=$?
	# The kernel's summary lines, then a line per suite and what failed.
	grep -E '^(timer|interrupts|smp|acpi|cpu): ' <<<"$out"
	printf '%s\n' "$summary" | sed '$d' | sed 's/^/    /'
	read -r passed failed < <(tail -n 1 <<<"$summary" |
		sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p')
	[ $ktap = 0 ] || problems+=("the KTAP report: $(tail -n 1 <<<"$summary")")
	passed=${passed:-0} failed=${failed:-0}
fi
if [ ${#problems[@]} = 0 ]; then
	echo "PASS  Bochs: \"$until_text\" after $elapsed s ($serial)"
	echo "$passed passed, $failed failed"
	exit 0
fi
for p in "${problems[@]}"; do
	echo "FAIL  Bochs: $p ($serial)"
done
# The tests that passed before the boot went wrong still count.
[ "$failed" -gt 0 ] || failed=1
echo "$passed passed, $failed failed"
exit 1
