#!/usr/bin/env bash
# scripts/run-tests.sh - boot Keel in QEMU once, read what it says on the
# serial port, and judge the boot.
#
#   scripts/run-tests.sh [options] KERNEL.elf
#     --cmdline WORDS   kernel command line (default: "ktest", plus $CMDLINE)
#     --name NAME       label for the output and the log files
#     --timeout SEC     give up after SEC seconds (default 180; 240 for UEFI:
#                       a hang is caught either way, and a busy 2-core host
#                       running several guests can take minutes)
#     --must-show TEXT  TEXT must appear on serial (may be repeated); a
#                       missing message makes the boot a failure
#     --must-not-show T T must not appear on serial (may be repeated)
#     --console C       where the kernel's output is read: serial (COM1,
#                       default) or debugcon (port 0xe9; the machine then has
#                       no UART at all)
#     --modules N       load N boot modules of 64 KiB, each filled with one
#                       byte its string names (tests/kernel/module_test.c)
#     --no-i8042        a machine without a PS/2 controller (QEMU's
#                       -machine i8042=off), as many UEFI PCs are
#     --gfxpayload MODE GRUB's gfxpayload after the multiboot2 line ("text":
#                       EGA text mode under BIOS; default: the kernel's tag)
#     --screen-at TEXT  give the machine a VGA (-vga std) and, when TEXT
#                       appears on serial, take a screenshot through the QEMU
#                       monitor (screendump, PPM) and read its text back
#                       (scripts/screen-text.py) into NAME.screen
#     --screen-shows T  T must appear in that text (may be repeated); with
#                       colours as "fg=white bg=red|T" for a line's start
#     --expect KIND     what the boot must do: pass (default), or a failure
#                       the runner must recognise: fail, panic, triple,
#                       text:STRING (STRING appears on serial; QEMU is then
#                       stopped), bench (a "bench" boot that ended well), or
#                       reset (the machine restarted: QEMU status 0 under
#                       -no-reboot, as a triple fault), poweroff (QEMU
#                       ended by itself after the guest switched it off:
#                       no reset, no triple fault) or reboot (the machine
#                       reset without a triple fault and GRUB booted Keel
#                       again); see "Poweroff, reset and triple fault"
#     --type BYTES      type BYTES (printf %b escapes: "help\r") on COM1
#                       when --type-after's text next appears on serial, even
#                       without a newline; repeated, each waits for the next
#                       appearance (the shell's prompt, after each command)
#     --key BYTES       like --type, but typed on the PS/2 keyboard through
#                       the QEMU monitor (sendkey, US layout): letters, digits,
#                       space, ASCII punctuation, \r (Enter), \t, \b; --type
#                       and --key texts are typed in the order given
#     --type-after TEXT what --type and --key wait for (default "keel> ", the
#                       prompt)
#     --no-exit-device  no isa-debug-exit device, as on a real PC
#     --no-programs     leave the user programs ($BUILD/user) off the image;
#                       by default each is a module (mkiso.sh --programs)
#
# Environment: FIRMWARE, BOOT, MEMORY, QEMUFLAGS (scripts/qemu-args.sh), BUILD.
#
# Only QEMU exit status 33 (the kernel wrote KTEST_EXIT_PASS to isa-debug-exit)
# with a complete KTAP report counts as a pass. Everything else, a timeout,
# status 0 (a triple fault under -no-reboot), a panic, a missing end marker, a
# plan that does not match the results, counts that differ from the
# kernel's own, is a failure explained in one line. The KTAP report is read
# by scripts/ktap.py. A passing boot prints one line per suite and
#   PASS  NAME: T tests in S suites: P passed, F failed, K skipped (timing)
# The last line of output is "N passed, N failed": the KTAP tests that
# passed (skipped ones are not counted) and failed, or 1 for the boot itself
# when it has no KTAP report.
set -uo pipefail
here=$(dirname "$0")
. "$here/qemu-args.sh"

cmdline="ktest${CMDLINE:+ $CMDLINE}"
name=""
timeout=""
expect=pass
console=serial
must_show=()
must_not_show=()
modules=0
with_programs=1
gfxpayload=""
screen_at=""
screen_shows=()
types=()
type_how=()	# per entry of types: serial or key
type_after="keel> "
i8042=present
while [ $# -gt 1 ]; do
	case $1 in
	--cmdline) cmdline=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--expect) expect=$2; shift 2 ;;
	--console) console=$2; shift 2 ;;
	--must-show) must_show+=("$2"); shift 2 ;;
	--must-not-show) must_not_show+=("$2"); shift 2 ;;
	--modules) modules=$2; shift 2 ;;
	--no-programs) with_programs=0; shift ;;
	--gfxpayload) gfxpayload=$2; shift 2 ;;
	--screen-at) screen_at=$2; shift 2 ;;
	--screen-shows) screen_shows+=("$2"); shift 2 ;;
	--type) types+=("$2"); type_how+=(serial); shift 2 ;;
	--key) types+=("$2"); type_how+=(key); shift 2 ;;
	--type-after) type_after=$2; shift 2 ;;
	--no-exit-device) export EXIT_DEVICE=no; shift ;;
	--no-i8042) i8042=absent; shift ;;
	*) echo "run-tests.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
kernel=$1
firmware=${FIRMWARE:-bios}
[ -n "$name" ] || name="$firmware-${BOOT:-cdrom}-${cmdline//[^A-Za-z0-9_.=-]/_}"
[ -n "$timeout" ] || { [ "$firmware" = uefi ] && timeout=240 || timeout=180; }
dir=${BUILD:-build}/test
mkdir -p "$dir"
serial=$dir/$name.serial
qemulog=$dir/$name.qemu.log
times=$dir/$name.times
pidfile=$dir/$name.pid
screenshot=$dir/$name.ppm
screen_text=$dir/$name.screen
font=${BUILD:-build}/font/console.psf

# Test modules: module k holds 64 KiB of the byte 0x10 + k (written under a
# name of its own and renamed, like the ISO below).
module_args=()
for ((k = 0; k < modules; k++)); do
	fill=$(printf '%02x' $((0x10 + k)))
	file=$dir/modules/$fill
	if [ ! -f "$file" ]; then
		mkdir -p "$dir/modules"
		head -c 65536 /dev/zero | tr '\0' "\\$(printf '%03o' $((0x$fill)))" >"$file.$$" &&
			mv -f "$file.$$" "$file"
	fi
	module_args+=(--module "$file:keel-test-module fill=0x$fill")
done

# The user programs (make user) go on every image, as make's ISO has them.
programs=${BUILD:-build}/user
program_args=()
if [ "$with_programs" = 1 ] && [ -d "$programs" ]; then
	program_args=(--programs "$programs")
fi

# One ISO per command line and module count, rebuilt when the kernel or a
# program changes.
# Built under a name of its own and renamed: boots running side by side
# (test-all.sh) may want the same ISO, and a boot must never read a
# half-written one.
iso=$dir/$(printf '%s %s %s %s' "$cmdline" "$modules" "$gfxpayload" "${program_args[*]:-}" |
	md5sum | cut -c1-12).iso
if [ ! -f "$iso" ] || [ "$kernel" -nt "$iso" ] || [ "$here/mkiso.sh" -nt "$iso" ] ||
	{ [ -d "$programs" ] && [ -n "$(find "$programs" -newer "$iso" -print -quit)" ]; }; then
	"$here/mkiso.sh" "$iso.$$.tmp.iso" "$kernel" --only "$cmdline" \
		${module_args[@]+"${module_args[@]}"} \
		${program_args[@]+"${program_args[@]}"} \
		${gfxpayload:+--gfxpayload "$gfxpayload"} &&
		mv -f "$iso.$$.tmp.iso" "$iso" || { rm -f "$iso.$$.tmp.iso"; exit 1; }
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
	-fw_cfg "name=opt/keel/firmware,string=$firmware")
# (QEMU refuses an empty string; a boot without a command line runs no test.)
[ -n "$cmdline" ] && QEMU_ARGS+=(-fw_cfg "name=opt/keel/cmdline,string=${cmdline//,/,,}")
[ "$modules" -gt 0 ] && QEMU_ARGS+=(-fw_cfg "name=opt/keel/modules,string=$modules")
# The programs on the image and their sizes, "NAME:BYTES ..."
# (tests/kernel/elf_test.c).
if [ ${#program_args[@]} -gt 0 ]; then
	program_list=$(for f in "$programs"/*; do
		[ -f "$f" ] && printf '%s:%s ' "$(basename "$f")" "$(stat -c %s "$f")"
	done)
	[ -n "$program_list" ] &&
		QEMU_ARGS+=(-fw_cfg "name=opt/keel/programs,string=${program_list% }")
fi
# The PS/2 keyboard: whether there is a controller, and a monitor socket
# through which the runner types when the kernel asks
# (tests/kernel/kbd_test.c). QEMU's option parser takes neither '=' nor ','
# in the path, and a socket path must fit in 108 bytes.
monitor=$dir/${name//[^A-Za-z0-9_.-]/_}.monitor
[ ${#monitor} -le 100 ] || monitor=$dir/$(printf '%s' "$name" | md5sum | cut -c1-12).monitor
rm -f "$monitor"
QEMU_ARGS+=(-monitor "unix:$monitor,server,nowait"
	-fw_cfg "name=opt/keel/i8042,string=$i8042")
if [ "$i8042" = absent ]; then
	QEMU_ARGS+=(-machine i8042=off)
else
	QEMU_ARGS+=(-fw_cfg "name=opt/keel/keyboard-input,string=sendkey")
fi
# A screen to photograph: QEMU's standard VGA (VBE under SeaBIOS, GOP under
# OVMF); the screenshot goes through the monitor socket above.
if [ -n "$screen_at" ]; then
	rm -f "$screenshot" "$screen_text"
	QEMU_ARGS+=(-vga std)
fi
# The machine QEMU builds, for the ACPI tests (tests/kernel/acpi_test.c):
# its CPU count (-smp N or cpus=N, default 1), its type (-machine TYPE or
# type=TYPE, default pc) and whether it has an HPET (pc and q35 do unless
# a -machine option says hpet=off), read from the arguments so far, which
# hold MACHINE and QEMUFLAGS alike. "-machine i8042=off" names no type.
qemu_cpus=1 qemu_machine=pc qemu_hpet=present
for ((k = 0; k + 1 < ${#QEMU_ARGS[@]}; k++)); do
	v=${QEMU_ARGS[k + 1]}
	case ${QEMU_ARGS[k]} in
	-smp) v=${v#cpus=}; qemu_cpus=${v%%[!0-9]*} ;;
	-machine|-M)
		case ",$v," in
		*,hpet=off,*) qemu_hpet=absent ;;
		*,hpet=on,*) qemu_hpet=present ;;
		esac
		v=${v#type=}
		v=${v%%,*}
		[[ $v == *=* ]] || qemu_machine=$v ;;
	esac
done
QEMU_ARGS+=(-fw_cfg "name=opt/keel/cpus,string=$qemu_cpus"
	-fw_cfg "name=opt/keel/machine,string=$qemu_machine"
	-fw_cfg "name=opt/keel/hpet,string=$qemu_hpet")
# This runner answers the kernel's requests for the CPU (kernel/ktest_cpu.c).
QEMU_ARGS+=(-fw_cfg "name=opt/keel/cpu-lock,string=1")

# The CPU for a timing suite: under scripts/test-all.sh (KEEL_JOBS_DIR set),
# every running step has its process group in KEEL_JOBS_DIR/N.pgid. A claim
# takes the CPU lock (steps register under it, so none starts meanwhile),
# stops every other step's group, and the release continues them: the
# timing suite runs with the host to itself for its fraction of a second.
# Alone (make kernel-test), the CPU is the boot's already.
stopped=()
cpu_claim() {
	local f pg
	[ -n "${KEEL_JOBS_DIR:-}" ] || return 0
	exec 8>"$KEEL_JOBS_DIR/cpu.lock"
	flock -x 8
	for f in "$KEEL_JOBS_DIR"/*.pgid; do
		[ -e "$f" ] || continue
		pg=$(cat "$f")
		[ "$pg" = "${KEEL_JOB_PGID:-}" ] && continue
		kill -STOP -- "-$pg" 2>/dev/null && stopped+=("$pg")
	done
}
cpu_release() {
	local pg
	[ -n "${KEEL_JOBS_DIR:-}" ] || return 0
	for pg in "${stopped[@]}"; do
		kill -CONT -- "-$pg" 2>/dev/null
	done
	stopped=()
	flock -u 8 2>/dev/null
}

# The QEMU "sendkey" names (US layout) for typing byte @1; fails for a
# byte no key gives.
key_name() {
	local c=$1 shifted='~!@#$%^&*()_+{}|:"<>?' plain='`1234567890-=[]\;'"',./"
	local names=(grave_accent 1 2 3 4 5 6 7 8 9 0 minus equal bracket_left
		bracket_right backslash semicolon apostrophe comma dot slash)
	local i
	case $c in
	[a-z0-9]) printf '%s' "$c"; return 0 ;;
	[A-Z]) printf 'shift-%s' "${c,}"; return 0 ;;
	' ') printf spc; return 0 ;;
	$'\r' | $'\n') printf ret; return 0 ;;
	$'\t') printf tab; return 0 ;;
	$'\b' | $'\x7f') printf backspace; return 0 ;;
	esac
	for ((i = 0; i < ${#plain}; i++)); do
		[ "$c" = "${plain:i:1}" ] && { printf '%s' "${names[i]}"; return 0; }
		[ "$c" = "${shifted:i:1}" ] &&
			{ printf 'shift-%s' "${names[i]}"; return 0; }
	done
	return 1
}

# The sendkey names for typing @1 (printf %b escapes) into $keys; exits with
# a message naming a byte no key gives.
keys_for() {
	local text i name
	printf -v text '%b' "$1"
	keys=""
	for ((i = 0; i < ${#text}; i++)); do
		if ! name=$(key_name "${text:i:1}"); then
			printf 'run-tests.sh: --key %q: no key types byte %q\n' \
				"$1" "${text:i:1}" >&2
			exit 2
		fi
		keys+="${keys:+ }$name"
	done
}

# Type the keys named in $1 (QEMU "sendkey" names, space-separated) on the
# PS/2 keyboard through the monitor, each held 20 ms, one after the other.
send_keys() {
	local key commands=()
	for key in $1; do
		commands+=("sendkey $key 20")
	done
	python3 "$here/qemu-monitor.py" "$monitor" "${commands[@]}" \
		>>"$dir/$name.monitor.log" 2>&1
}

want_text=""
case $expect in text:*) want_text=${expect#text:} ;; esac

# Poweroff, reset and triple fault. Under -no-reboot QEMU exits with
# status 0 on all three: a guest reset (reset register, keyboard
# controller) and a triple fault both become a shutdown, as does ACPI
# soft-off. So for --expect poweroff and reboot, resets are let through
# (QEMU 7.2's "-action reboot=reset", after -no-reboot, overrides it): a
# reset then runs the firmware and GRUB again, and the runner sees a second
# "Keel ... booting" banner and stops QEMU. A triple fault is told apart by
# QEMU's own log (-d cpu_reset writes "Triple fault" before the reset it
# causes; see first_kernel_reset). QEMU exiting by
# itself with status 0, one banner and no triple fault is a poweroff.
reboots_allowed=""
case $expect in poweroff|reboot)
	reboots_allowed=1
	QEMU_ARGS+=(-action reboot=reset) ;;
esac

# Type the next of --type's texts when @1 (serial output, maybe a line not
# yet finished) holds --type-after's text; sets typed_here when it did.
typed=0
type_if_asked() {
	typed_here=0
	[ "$typed" -lt "${#types[@]}" ] && [[ $1 == *"$type_after"* ]] || return 0
	screenshot_if_due "$1"	# the screen before the key changes it
	if [ "${type_how[typed]}" = key ]; then
		keys_for "${types[typed]}"
		send_keys "$keys"
	else
		printf '%b' "${types[typed]}" >&3
	fi
	echo "typed $EPOCHREALTIME" >>"$times"
	typed=$((typed + 1))
	typed_here=1
}

# The next line of serial output into $line. While there is something to
# type, a line the kernel leaves unfinished (the prompt) is looked at too,
# after a pause in the output: the text may be waiting for input.
pending="" pending_typed=0
read_serial_line() {
	local chunk status
	while :; do
		if [ "$typed" -ge "${#types[@]}" ]; then
			IFS= read -r chunk
			status=$?
		else
			IFS= read -r -t 0.2 chunk
			status=$?
		fi
		if [ "$status" -gt 128 ]; then	# a pause: look at what came
			pending+=$chunk
			[ "$pending_typed" = 1 ] && continue
			type_if_asked "$pending"
			pending_typed=$typed_here
			continue
		fi
		line=$pending$chunk
		pending=""
		[ "$status" = 0 ] || [ -n "$line" ] || return 1
		[ "$pending_typed" = 1 ] || type_if_asked "$line"
		pending_typed=0
		return 0
	done
}

# Take the screenshot through the monitor (PPM: QEMU 7.2's PNG output has
# red and blue swapped) and read the text back. HMP answers a command with
# its next prompt, after the file is written.
take_screenshot() {
	python3 "$here/qemu-monitor.py" "$monitor" "screendump $PWD/$screenshot" \
		2>>"$dir/$name.stderr"
	python3 "$here/screen-text.py" --colors "$font" "$screenshot" >"$screen_text" \
		2>>"$dir/$name.stderr"
}

# Take the one screenshot when @1 (serial output) shows --screen-at's text.
screenshot_if_due() {
	[ -n "$screen_at" ] && [ ! -e "$screenshot" ] &&
		[[ $1 == *"$screen_at"* ]] || return 0
	take_screenshot
	echo "screen $EPOCHREALTIME" >>"$times"
}

# Copy serial output to the log, noting when the kernel's first line and its
# end marker arrive; stop QEMU once an expected text has been seen.
watch_serial() {
	local line
	while read_serial_line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$serial"
		case $line in
		"Keel "[0-9]*" booting"*)
			if [ -n "$reboots_allowed" ] && grep -q '^banner' "$times"; then
				echo "rebooted $EPOCHREALTIME" >>"$times"
				kill "$(cat "$pidfile")" 2>/dev/null
			fi
			echo "banner $EPOCHREALTIME" >>"$times" ;;
		"# ktest end:"*) echo "end $EPOCHREALTIME" >>"$times" ;;
		"# ktest: waiting for serial input"*) printf '%s' "$serial_input" >&3 ;;
		"# ktest: waiting for keyboard input: "*)
			send_keys "${line#*keyboard input: }" & ;;
		"# ktest: suite "*" needs the CPU alone"*)
			cpu_claim
			echo "claim $EPOCHREALTIME" >>"$times"
			printf '!' >&3 ;;
		"# ktest: suite "*" is done with the CPU"*) cpu_release ;;
		esac
		screenshot_if_due "$line"
		if [ -n "$want_text" ] && [[ $line == *"$want_text"* ]]; then
			echo "text $EPOCHREALTIME" >>"$times"
			kill "$(cat "$pidfile")" 2>/dev/null
		fi
	done
	cpu_release	# QEMU may have ended inside a timing suite
}

# A --key text no key can type is refused before the boot.
for ((k = 0; k < ${#types[@]}; k++)); do
	[ "${type_how[k]}" = key ] && keys_for "${types[k]}"
done
: >"$serial"
: >"$times"
fifo=$dir/$name.stdin
rm -f "$fifo"
mkfifo "$fifo"
exec 3<>"$fifo"			# held open: QEMU never sees end of input
start=$EPOCHREALTIME
# --foreground: QEMU stays in this step's process group, so that a timing
# suite elsewhere (cpu_claim) stops it with the rest of the step.
timeout --foreground "$timeout" "${QEMU_ARGS[@]}" <"$fifo" 2>"$dir/$name.stderr" | watch_serial
status=${PIPESTATUS[0]}
exec 3>&-
rm -f "$fifo" "$monitor"

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

# Read the KTAP report with scripts/ktap.py: suites, results, and whether
# it is complete (every plan met, every suite closed, the counts equal to
# the kernel's "# ktest end:" line). Sets ktap_lines (its summary), passed,
# failed, skipped, total and ktap_problem.
read_ktap() {
	local last
	ktap_lines=$(python3 "$here/ktap.py" "$serial" 2>&1)
	last=$(printf '%s\n' "$ktap_lines" | tail -n1)
	passed=0 failed=0 skipped=0
	ktap_problem=""
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
		passed=${BASH_REMATCH[1]}
		failed=${BASH_REMATCH[2]}
		skipped=${BASH_REMATCH[3]}
	else
		# A reader that crashed or is missing must not pass for a
		# report with nothing in it.
		ktap_problem="scripts/ktap.py gave no summary: ${last:-no output}"
	fi
	total=$((passed + failed + skipped))
	suites=$(printf '%s\n' "$ktap_lines" | grep -cE '^[^ ]+: [0-9]+ passed, ')
	[ -n "$ktap_problem" ] ||
		ktap_problem=$(printf '%s\n' "$ktap_lines" | sed -n 's/^problem: //p' | head -n1)
	if ! grep -q '^KTAP version 1$' "$serial"; then
		ktap_problem="no KTAP report (no 'KTAP version 1' line)"
	elif [ -z "$ktap_problem" ] && ! grep -q '^# ktest end:' "$serial"; then
		ktap_problem="no end marker ('# ktest end:'): the kernel stopped early"
	fi
}

# With resets let through (--expect poweroff, reboot): what ended QEMU.
# The first reset QEMU logged once Keel ran (an interrupt taken in the
# kernel's higher half), and whether a triple fault caused it: firmware may
# triple-fault on purpose while it restarts (SeaBIOS does, after a reset by
# the keyboard controller), which is not Keel's.
first_kernel_reset() {
	awk '/IP=0008:ffffffff8/ { k = 1 }
	     k && /^Triple fault/ { print "triple"; exit }
	     k && /^CPU Reset/ { print "reset"; exit }' "$qemulog" 2>/dev/null
}

judge_power() {
	if [ "$(first_kernel_reset)" = triple ]; then
		outcome=triple
		reason="a triple fault (QEMU's log: \"Triple fault\")"
	elif grep -q '^rebooted' "$times"; then
		outcome=reboot
		reason="the machine reset without a triple fault and booted Keel again"
	elif [ "$status" = 0 ]; then
		outcome=poweroff
		reason="QEMU ended by itself with status 0: one boot, no reset, no triple fault"
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
			reason="$total tests in $suites suites: $passed passed, $failed failed, $skipped skipped"
		fi ;;
	35) outcome=fail; reason="$failed of $total tests failed: $(printf '%s\n' "$ktap_lines" | sed -n 's/^FAILED //p' | head -n3 | paste -sd ';' -)" ;;
	37) outcome=panic; reason="kernel panic: $(kernel_output | grep -m1 '^PANIC:')" ;;
	124) outcome=timeout; reason="timed out after ${timeout}s; last line: $(tail -n1 "$serial")" ;;
	0) outcome=triple; reason="QEMU exited with status 0: the machine reset (a triple fault under -no-reboot)"
		[ "$expect" = reset ] && { outcome=reset
			reason="QEMU exited with status 0: the machine restarted (under -no-reboot)"; } ;;
	*) reason="QEMU exited with status $status; $(tail -n2 "$dir/$name.stderr" | paste -sd ' ' -)" ;;
	esac
	[ -n "$reboots_allowed" ] && judge_power
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
for text in ${must_not_show[@]+"${must_not_show[@]}"}; do
	[ "$outcome" = missing ] && break
	if grep -qF -- "$text" "$serial"; then
		outcome=missing
		reason="serial shows \"$text\", which it must not: $(grep -m1 -F -- "$text" "$serial")"
	fi
done
if [ -n "$screen_at" ] && [ "$outcome" != missing ]; then
	if [ ! -s "$screen_text" ]; then
		outcome=missing
		reason="no screenshot was read (serial never showed \"$screen_at\", or screendump failed; see $dir/$name.stderr)"
	fi
	for text in ${screen_shows[@]+"${screen_shows[@]}"}; do
		[ "$outcome" = missing ] && break
		if ! grep -qF -- "$text" "$screen_text"; then
			outcome=missing
			reason="the screen does not show \"$text\" ($screen_text)"
		fi
	done
	[ "$outcome" != missing ] && reason="$reason; the screen shows all ${#screen_shows[@]} expected texts"
fi
kernel_ready=$(sed -n 's/^boot: kernel ready \([0-9]*\) us after kmain.*/\1/p' "$serial" | head -n1)
timing="banner at $(since banner), end at $(since end)${kernel_ready:+; kernel init ${kernel_ready} us}"
label="$name"
if [ "$expect" = pass ]; then
	# Per suite, and every test that did not pass, with its reason.
	printf '%s\n' "$ktap_lines" | sed '$d; s/^/    /'
	if [ "$outcome" = pass ]; then
		echo "PASS  $label: $reason ($timing)"
		echo "$passed passed, 0 failed"
		exit 0
	fi
	echo "FAIL  $label: $reason ($timing)"
	[ "$outcome" = triple ] && { echo "    last exceptions (QEMU -d int,cpu_reset):"; last_exceptions; }
	echo "    last serial lines ($serial):"
	tail -n 15 "$serial" | sed 's/^/      /'
	echo "$passed passed, $((failed > 0 ? failed : 1)) failed"
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
