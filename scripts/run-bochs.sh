#!/usr/bin/env bash
# scripts/run-bochs.sh - boot Keel's ISO under Bochs once and show what it
# printed on COM1. A second emulator with its own 16550 and 8254 models: code
# that only works because of how QEMU models a device shows up here.
#
#   scripts/run-bochs.sh [options] KERNEL.elf
#     --cmdline WORDS   kernel command line (default "ktest")
#     --timeout SEC     stop Bochs after SEC seconds (default 300)
#     --until TEXT      stop Bochs as soon as TEXT appears on COM1
#                       (default "# ktest end:", the self-test's end marker)
#     --ips N           emulated instructions per second (default 50000000);
#                       Bochs's TSC counts at about this rate
#
# Bochs has no isa-debug-exit device, so the script watches COM1 (written to
# a file) and stops Bochs itself. The display is the terminal library inside
# a pseudo-terminal from script(1), so no window or X server is needed. Files
# go to $BUILD/bochs/: bochsrc, com1.txt, bochs.log. The last line is
# "N passed, N failed", as scripts/run-tests.sh prints it. Exit status: 0
# when the text was seen and no "not ok" line was printed, 1 otherwise.
set -uo pipefail
here=$(dirname "$0")

cmdline=ktest
timeout=300
until_text="# ktest end:"
ips=50000000
while [ $# -gt 1 ]; do
	case $1 in
	--cmdline) cmdline=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--until) until_text=$2; shift 2 ;;
	--ips) ips=$2; shift 2 ;;
	*) echo "run-bochs.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: run-bochs.sh [options] KERNEL.elf" >&2; exit 2; }
kernel=$1

for f in /usr/bin/bochs /usr/share/bochs/BIOS-bochs-latest /usr/share/vgabios/vgabios.bin; do
	[ -e "$f" ] || {
		echo "run-bochs.sh: $f is missing; install bochs, bochs-term, bochsbios and vgabios" >&2
		exit 1
	}
done
command -v script >/dev/null || { echo "run-bochs.sh: script(1) (util-linux) is missing" >&2; exit 1; }

dir=${BUILD:-build}/bochs
mkdir -p "$dir"
iso=$dir/keel.iso
serial=$dir/com1.txt
"$here/mkiso.sh" "$iso" "$kernel" --only "$cmdline" || exit 1

# Bochs 2.7 syntax (bochsrc(5)). The CPU model has long mode and NX; the
# clock follows the instruction count (sync=none), so the TSC and the PIT
# agree with each other whatever the host's load. The IDE CD-ROM is what the
# BIOS boots from (El Torito, GRUB's i386-pc image). Port 0xe9 is Bochs's
# debug port, as in QEMU.
cat >"$dir/bochsrc" <<EOF
megs: 256
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model=corei7_sandy_bridge_2600k, count=1, ips=$ips, reset_on_triple_fault=0
clock: sync=none, time0=local
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=cdrom, path="$iso", status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev="$serial"
port_e9_hack: enabled=1
speaker: enabled=0
display_library: term
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
TERM=xterm script -qfec "exec bochs -q -f '$dir/bochsrc' -rc '$dir/debugger.rc'" /dev/null \
	</dev/null >"$dir/display.txt" 2>&1 &
pid=$!
seen=0
while kill -0 "$pid" 2>/dev/null; do
	if grep -qF -- "$until_text" "$serial"; then
		seen=1
		break
	fi
	if awk -v a="$start" -v b="$EPOCHREALTIME" -v t="$timeout" \
		'BEGIN { exit !(b - a > t) }'; then
		break
	fi
	sleep 0.5
done
elapsed=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
# script(1) is the child we started and Bochs its only child.
for child in $(ps -o pid= --ppid "$pid"); do
	kill "$child" 2>/dev/null
done
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

out=$(tr -d '\r' <"$serial" | awk '/^Keel [0-9].* booting/ { on = 1 } on')
printf '%s\n' "$out"
passed=$(printf '%s\n' "$out" | grep -cE '^ok [0-9]+ ' )
skipped=$(printf '%s\n' "$out" | grep -cE '^ok [0-9]+ .*# SKIP')
failed=$(printf '%s\n' "$out" | grep -cE '^not ok [0-9]+ ')
if [ $seen = 1 ] && [ "$failed" -eq 0 ]; then
	echo "PASS  Bochs: \"$until_text\" after $elapsed s ($serial)"
	echo "$((passed - skipped)) passed, 0 failed"
	exit 0
fi
[ $seen = 1 ] || echo "FAIL  Bochs: no \"$until_text\" within $timeout s ($serial, $dir/bochs.log)"
[ $seen = 1 ] && echo "FAIL  Bochs: $failed tests failed ($serial)"
echo "$((passed - skipped)) passed, $((failed > 0 ? failed : 1)) failed"
exit 1
