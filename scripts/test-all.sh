#!/usr/bin/env bash
# scripts/test-all.sh - what "make test" runs: the host unit tests, the kernel
# self-test under BIOS and UEFI, and the runner's tests of itself.
#
#   scripts/test-all.sh KERNEL.elf [HOST_TEST_BINARY...]
#
# Each step prints a last line "N passed, N failed"; this script adds them up
# and ends with the same line for the whole run. Steps run two at a time
# (JOBS=1 runs them one by one); see run_steps below. Exit status 0 only when
# nothing failed. FIRMWARE, BOOT, MEMORY and QEMUFLAGS apply to the self-test
# boots (QEMUFLAGS not to the runner's own tests, which need a plain machine).
set -uo pipefail
here=$(dirname "$0")
kernel=$1
shift

total_pass=0
total_fail=0
failed_steps=()
run_start=$EPOCHREALTIME

# Steps run two at a time, the machine's two cores. The timer tests time
# tick periods against the host's clock, and beside another QEMU (even
# beside the host tests on a busy machine) the tick test saw every other
# tick lost; so a boot asks for the CPU before its timing suite, and its
# runner (run-tests.sh, cpu_claim) stops every other step until the suite is
# over. A boot that cannot ask, having no UART to hear the answer on, is a
# "timing" step: it runs alone.
# Every step's output is kept apart and printed whole, in list order.
JOBS=${JOBS:-2}
jobdir=$(mktemp -d "${TMPDIR:-/tmp}/keel-test.XXXXXX")

# Steps run in process groups of their own, which Ctrl-C at the terminal
# does not reach: end them (continuing any a timing suite stopped) before
# leaving.
end_steps() {
	local f pg
	for f in "$jobdir"/*.pgid; do
		[ -e "$f" ] || continue
		pg=$(cat "$f")
		kill -CONT -- "-$pg" 2>/dev/null
		kill -TERM -- "-$pg" 2>/dev/null
	done
}
trap 'end_steps; rm -rf "$jobdir"' EXIT
trap 'exit 130' INT TERM
titles=() kinds=() cmds=() state=()	# state: queued, running, done, shown

# step [--timing|--host] TITLE COMMAND...: queue a step: a boot that runs
# the timer tests without a UART, a host step, or (neither) any other boot.
step() {
	local kind=boot
	case $1 in --timing) kind=timing; shift ;; --host) kind=host; shift ;; esac
	titles+=("$1")
	kinds+=("$kind")
	shift
	cmds+=("$(printf '%q ' "$@")")
	state+=(queued)
}

start_job() {
	local i=$1
	state[i]=running
	# Monitor mode just for the fork: the step gets a process group of its
	# own, which a boot claiming the CPU can stop and continue whole.
	set -m
	(
		# Register under the CPU lock (run-tests.sh, cpu_claim), so a
		# step cannot start while a timing suite has the CPU.
		exec 8>"$jobdir/cpu.lock"
		flock -s 8
		echo "$BASHPID" >"$jobdir/$i.pgid"
		flock -u 8
		export KEEL_JOBS_DIR=$jobdir KEEL_JOB_PGID=$BASHPID
		t0=$EPOCHREALTIME
		eval "${cmds[i]}" >"$jobdir/$i.out" 2>&1
		awk -v a="$t0" -v b="$EPOCHREALTIME" \
			'BEGIN { printf "(%.1f s)\n", b - a }' >"$jobdir/$i.time"
		flock -s 8
		rm -f "$jobdir/$i.pgid"
		touch "$jobdir/$i.done"
	) &
	set +m
}

# Print a finished step's output and add up its last line.
show_job() {
	local i=$1 out last p f
	state[i]=shown
	printf '\n== %s\n' "${titles[i]}"
	out=$(cat "$jobdir/$i.out")
	printf '%s\n' "$out"
	last=$(printf '%s\n' "$out" | tail -n1)
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		p=${BASH_REMATCH[1]}
		f=${BASH_REMATCH[2]}
	else
		echo "(this step printed no 'N passed, N failed' line)"
		p=0
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	[ "$f" -gt 0 ] && failed_steps+=("${titles[i]}")
	cat "$jobdir/$i.time"
}

# May step @i start beside what runs now ($running steps, $timing set when
# one of them is a timing step)?
may_start() {
	[ "$timing" = 0 ] && { [ "${kinds[$1]}" != timing ] || [ "$running" = 0 ]; }
}

# Run the queued steps: start what may start, in list order (a step that
# must wait holds back the steps after it), and show, in list order, the
# steps that have ended.
run_steps() {
	local i running timing next_shown=0 n=${#titles[@]}
	while [ "$next_shown" -lt "$n" ]; do
		running=0 timing=0
		for ((i = 0; i < n; i++)); do
			if [ "${state[i]}" = running ] && [ -e "$jobdir/$i.done" ]; then
				state[i]=done
			fi
			[ "${state[i]}" = running ] || continue
			running=$((running + 1))
			[ "${kinds[i]}" = timing ] && timing=1
		done
		held=0
		for ((i = 0; i < n && running < JOBS; i++)); do
			[ "${state[i]}" = queued ] || continue
			may_start "$i" || break
			start_job "$i"
			running=$((running + 1))
			[ "${kinds[i]}" = timing ] && timing=1
		done
		while [ "$next_shown" -lt "$n" ] && [ "${state[next_shown]}" = done ]; do
			show_job "$next_shown"
			next_shown=$((next_shown + 1))
		done
		# Polled: a step may end between the check above and any wait.
		[ "$next_shown" -lt "$n" ] && sleep 0.1
	done
	wait
}

# The runner's own tests boot a plain machine whatever the user set.
plain() {
	FIRMWARE=bios BOOT=cdrom QEMUFLAGS= MEMORY= "$@"
}

step "self-test, BIOS" env FIRMWARE=bios "$here/run-tests.sh" --name self-test-bios "$kernel"
step "self-test, UEFI" env FIRMWARE=uefi "$here/run-tests.sh" --name self-test-uefi "$kernel"
step "self-test, BIOS, ISO as a USB stick" env FIRMWARE=bios BOOT=usb \
	"$here/run-tests.sh" --name self-test-bios-usb "$kernel"
step "self-test, UEFI, ISO as a hard disk" env FIRMWARE=uefi BOOT=disk \
	"$here/run-tests.sh" --name self-test-uefi-disk "$kernel"
step "self-test, BIOS, 32 MiB, CPU without NX" env FIRMWARE=bios MEMORY=32M \
	QEMUFLAGS="-cpu qemu64,-nx" "$here/run-tests.sh" --name self-test-32m-nonx \
	--must-show "this CPU has no NX" "$kernel"
step "self-test, BIOS, 8 GiB, -cpu max (SMEP, SMAP, UMIP, 1 GiB pages)" env \
	FIRMWARE=bios MEMORY=8G QEMUFLAGS="-cpu max" "$here/run-tests.sh" \
	--name self-test-8g-max --must-show "SMEP on, SMAP on, UMIP on" "$kernel"
step "self-test, BIOS, 20 boot modules (all reserved and intact)" plain \
	"$here/run-tests.sh" --modules 20 --name self-test-modules "$kernel"
step --timing "self-test, no UART (output on port 0xe9)" plain \
	"$here/run-tests.sh" --console debugcon --name self-test-no-uart "$kernel"
step "self-test, BIOS, no PS/2 controller (reported, harmless)" plain \
	"$here/run-tests.sh" --no-i8042 --name self-test-no-i8042 \
	--must-show "keyboard: none: no PS/2 controller (port 0x64 reads 0xff)" "$kernel"
# Interrupt controllers: the APICs on q35 (its MADT, its IOAPIC), and the
# 8259 with its reason when the CPU has no APIC or apic=off asks for it.
step "self-test, UEFI, q35 (IOAPIC and local APIC)" env FIRMWARE=uefi \
	MACHINE=q35 "$here/run-tests.sh" --name self-test-q35-uefi \
	--must-show "interrupts: 1 IOAPIC, 24 pins; xAPIC, id 0; 8259 masked; IRQ 0 on GSI 2" \
	--must-show "Hz tick (local APIC, periodic)" "$kernel"
step "self-test, BIOS, -cpu qemu64,-apic: the 8259, saying why" env \
	FIRMWARE=bios QEMUFLAGS="-cpu qemu64,-apic" "$here/run-tests.sh" \
	--name self-test-no-apic \
	--must-show "irq: staying on the 8259 PIC: this CPU has no local APIC (CPUID leaf 1 EDX bit 9)" \
	--must-show "Hz tick (PIT, IRQ 0)" "$kernel"
step "apic=off: the 8259, saying why" plain "$here/run-tests.sh" \
	--cmdline "ktest=apic apic=off" --name apic-off \
	--must-show "irq: staying on the 8259 PIC: apic=off on the command line" "$kernel"
# SMP: every CPU up and the whole self-test on several (tests/kernel/
# smp_test.c); the runner tells the kernel the count through fw_cfg. The
# machine goes in QEMUFLAGS, where run-tests.sh reads it for the tests.
step "SMP: UEFI, q35, 4 CPUs, the whole self-test" env FIRMWARE=uefi \
	QEMUFLAGS="-machine q35 -smp 4" "$here/run-tests.sh" \
	--timeout 420 --name smp-uefi-q35-4 --must-show "smp: 4 of 4 CPUs online" \
	--must-not-show "smp_tlb_shootdown_reaches_other_cpus # SKIP" "$kernel"
step "SMP: BIOS, pc, 2 CPUs, the whole self-test" env FIRMWARE=bios \
	QEMUFLAGS="-machine pc -smp 2" "$here/run-tests.sh" \
	--timeout 300 --name smp-bios-pc-2 --must-show "smp: 2 of 2 CPUs online" \
	"$kernel"
step "SMP: nosmp keeps one CPU of 4" env FIRMWARE=bios QEMUFLAGS="-smp 4" \
	"$here/run-tests.sh" --cmdline "ktest=smp nosmp" --name smp-nosmp \
	--must-show "smp: one CPU: nosmp on the command line" "$kernel"
step "SMP: smp=3 starts 3 CPUs of 4" env FIRMWARE=bios QEMUFLAGS="-smp 4" \
	"$here/run-tests.sh" --cmdline "ktest=smp smp=3" --name smp-cap-3 \
	--must-show "smp: 3 of 3 CPUs online" "$kernel"
# smp_ghost=ID adds an APIC id that no processor has: its INIT and STARTUP
# go nowhere, as with a CPU that is broken or held in reset.
step "SMP: a CPU that does not answer is named, and the boot goes on" env \
	FIRMWARE=bios QEMUFLAGS="-smp 2" "$here/run-tests.sh" \
	--cmdline "ktest=smp smp_ghost=100" --name smp-ghost \
	--must-show "smp: CPU 2 (APIC id 100) did not answer within 200 ms; going on without it" \
	--must-show "smp: 2 of 3 CPUs online" "$kernel"
step "SMP: a panic on CPU 1 stops the others, its message whole" env \
	FIRMWARE=bios QEMUFLAGS="-smp 4" "$here/run-tests.sh" \
	--cmdline ktest=smp_panic_on_another_cpu --expect panic \
	--must-show "PANIC: smp test: a panic on CPU 1 at tests/kernel/smp_test.c" \
	--name smp-panic "$kernel"
step "SMP: a block freed twice into a CPU's heap cache panics" env \
	FIRMWARE=bios QEMUFLAGS="-smp 2" "$here/run-tests.sh" \
	--cmdline ktest=smp_heap_cache_double_free_panics --expect panic \
	--must-show "PANIC: heap: double free at 0x" \
	--must-show "(called from ktest_fn_smp_heap_cache_double_free_panics" \
	--name smp-heap-double-free "$kernel"
# A second emulator: Bochs's Haswell has the x2APIC and TSC-deadline mode,
# which QEMU's TCG does not offer, so this is where those paths run: the
# whole self-test on 2 CPUs, IPIs through the x2APIC's ICR (scripts/
# run-bochs.sh). Its clock follows the instruction count: the host's load
# does not move its timing tests.
step "Bochs, Haswell, 2 CPUs: x2APIC and TSC-deadline, the whole self-test" \
	"$here/run-bochs.sh" --name haswell-2 --cpu corei7_haswell_4770 --cpus 2 \
	--timeout 400 \
	--must-show "interrupts: 1 IOAPIC, 24 pins; x2APIC, id 0; 8259 masked" \
	--must-show "Hz tick (local APIC, TSC deadline)" \
	--must-show "smp: 2 of 2 CPUs online" \
	--must-not-show "smp_tlb_shootdown_reaches_other_cpus # SKIP" "$kernel"
step "Bochs, Sandy Bridge, 1 CPU: xAPIC and TSC-deadline, the apic and timer suites" \
	"$here/run-bochs.sh" --name sandy-bridge-1 --cpu corei7_sandy_bridge_2600k \
	--cmdline "ktest=apic,timer" \
	--must-show "interrupts: 1 IOAPIC, 24 pins; xAPIC, id 0; 8259 masked" \
	--must-show "Hz tick (local APIC, TSC deadline)" "$kernel"
step --host "host unit tests" "$here/run-host-tests.sh" "$@"
step --host "KTAP parser (scripts/ktap.py) on crafted logs" python3 \
	"$here/../tests/host/ktap_test.py"
step "runner: a failing test is a failure" plain "$here/run-tests.sh" \
	--cmdline ktest=runner_must_fail --expect fail --name runner-fail "$kernel"
step "runner: a panic is a failure" plain "$here/run-tests.sh" \
	--cmdline ktest=runner_panic --expect panic --name runner-panic "$kernel"
step "runner: a triple fault is a failure" plain "$here/run-tests.sh" \
	--cmdline ktest=runner_triple_fault --expect triple --name runner-triple "$kernel"
step "an unhandled exception is explained" plain "$here/run-tests.sh" \
	--cmdline ktest=runner_unhandled_page_fault --expect panic \
	--must-show "EXCEPTION: page fault (#PF), vector 14, error code 0x2: page not present, write, kernel mode" \
	--must-show "in runner_fault_here+" \
	--must-show "PANIC: unhandled page fault (#PF) in runner_fault_here" \
	--name unhandled-page-fault "$kernel"
step "a kernel stack overflow is reported through the double-fault stack" \
	plain "$here/run-tests.sh" --cmdline ktest=memory_stack_overflow_is_reported \
	--expect panic --must-show "EXCEPTION: double fault (#DF)" \
	--must-show "PANIC: kernel stack overflow: the kernel stack ran into its guard page" \
	--name stack-overflow "$kernel"
step "a thread's stack overflow is reported through the double-fault stack" \
	plain "$here/run-tests.sh" --cmdline ktest=thread_stack_overflow_is_reported \
	--expect panic --must-show "EXCEPTION: double fault (#DF)" \
	--must-show 'PANIC: kernel stack overflow: the stack of thread ' \
	--must-show '("overflow") ran into its guard page at 0xffffc8' \
	--name thread-stack-overflow "$kernel"
step "a double free of a frame panics, naming it" plain "$here/run-tests.sh" \
	--cmdline ktest=memory_double_free_panics --expect panic \
	--must-show "PANIC: frame_free(0x" --name frame-double-free "$kernel"
for misuse in "double free" "foreign free:invalid free" "overflow"; do
	name=${misuse%%:*}
	text=${misuse#*:}
	step "heap misuse ($name) is detected, naming the address and caller" plain \
		"$here/run-tests.sh" --cmdline "ktest=heap_${name// /_}_panics" \
		--expect panic --must-show "PANIC: heap: $text at 0x" \
		--must-show "(called from ktest_fn_heap_${name// /_}_panics" \
		--name "heap-${name// /-}" "$kernel"
done
# The screen console, read back off a screenshot (scripts/screen-text.py):
# each boot runs no tests, only the boot and its summary, which must fit on
# 25 lines: no program modules, whose line and memory region add to it.
screen_boot() {	# screen_boot FIRMWARE NAME [run-tests.sh options...]
	local fw=$1 name=$2
	shift 2
	env FIRMWARE="$fw" BOOT=cdrom QEMUFLAGS= MEMORY= "$here/run-tests.sh" \
		--no-programs --cmdline "" --name "$name" --screen-at "Keel: boot complete" \
		--screen-shows "fg=grey bg=black|Keel: boot complete" \
		--expect "text:Keel: boot complete" "$@" "$kernel"
}
# 25 rows no longer hold the whole summary: its first lines (firmware:)
# scroll off in text mode, so that step looks for a line near its end.
step "screen: BIOS, EGA text mode, the boot summary on the screen" \
	screen_boot bios screen-bios-text --gfxpayload text \
	--screen-shows "screen: EGA text 80x25 at 0xb8000, Keel's PSF font" \
	--screen-shows "usable memory: "
step "screen: BIOS, VBE framebuffer, the boot summary on the screen" \
	screen_boot bios screen-bios-vbe \
	--screen-shows "screen: framebuffer 1024x768x32" --screen-shows "firmware: BIOS"
step "screen: UEFI, GOP framebuffer, the boot summary on the screen" \
	screen_boot uefi screen-uefi \
	--screen-shows "screen: framebuffer 1024x768x32" --screen-shows "firmware: UEFI"
step "screen: a panic in the middle of a line shows white on red, with its backtrace" \
	plain "$here/run-tests.sh" --cmdline ktest=screen_panic_mid_line \
	--no-exit-device --name screen-panic \
	--screen-at "# ktest: kernel panic, self-test aborted" \
	--screen-shows "fg=grey bg=black|half a line," \
	--screen-shows "fg=white bg=red|PANIC: deliberate panic in the middle of a line" \
	--screen-shows "fg=white bg=red|backtrace:" \
	--screen-shows "ktest_fn_screen_panic_mid_line+" \
	--expect "text:# ktest: kernel panic, self-test aborted" "$kernel"
step "too little memory stops the boot with the figures" env FIRMWARE=bios \
	BOOT=cdrom MEMORY=12M QEMUFLAGS= "$here/run-tests.sh" --expect panic \
	--must-show "PANIC: Keel needs at least 16 MiB of usable memory, found " \
	--name too-little-memory "$kernel"
step "unknown and malformed options are reported, not fatal" plain \
	"$here/run-tests.sh" --cmdline "ktest=boot_* bogus=1 bogus serial=com9 timer_hz=fast baud=1 path=\$HOME;x" \
	--must-show 'Keel: unknown option "bogus" ignored' \
	--must-show "Keel: serial=com9 is not a port" \
	--must-show "Keel: timer_hz=fast is not a number; using 1000" \
	--must-show "Keel: baud=1 needs a divisor above 65535, which does not fit the UART's 16-bit divisor latch" \
	--name bad-options "$kernel"
step "boot stub: a 32-bit CPU is refused with a message" env FIRMWARE=bios BOOT=cdrom \
	MEMORY= QEMUFLAGS="-cpu qemu32" "$here/run-tests.sh" --timeout 30 \
	--expect "text:does not support long mode" --name stub-no-long-mode "$kernel"
step "boot stub: a CPU without PAE is refused with a message" env FIRMWARE=bios \
	BOOT=cdrom MEMORY= QEMUFLAGS="-cpu qemu64,-pae" "$here/run-tests.sh" \
	--timeout 30 --expect "text:does not support PAE" --name stub-no-pae "$kernel"
step "serial=com2 says on COM1 where the console went" env FIRMWARE=bios BOOT=cdrom \
	MEMORY= QEMUFLAGS="-chardev null,id=com2 -device isa-serial,chardev=com2,iobase=0x2f8,irq=3" \
	"$here/run-tests.sh" --cmdline "ktest serial=com2" --name serial-com2 \
	--expect "text:console: serial console moves to the UART at 0x2f8, 115200 baud" "$kernel"
step "shell: commands typed over serial, ktest from the prompt comes back, twice" \
	plain "$here/run-tests.sh" --cmdline "" --name shell-serial \
	--type 'help\r' --type 'map kmain\r' --type 'frobnicate\r' \
	--type 'ktest printf\r' --type 'ktest heap\r' --type 'ktest heap\r' \
	--type 'irqs\r' --type 'version\r' \
	--must-show 'keel> help' \
	--must-show '  ktest    [PATTERN]  run the in-kernel tests' \
	--must-show ' (kmain+0x0): frame 0x' \
	--must-show 'unknown command "frobnicate"; "help" lists the commands' \
	--must-show '# ktest end: 3 passed, 0 failed, 0 skipped' \
	--must-show 'ktest: every test passed' --must-show 'keel> version' \
	--must-not-show 'not ok' --must-not-show 'not every test passed' \
	--must-show 'interrupts through the IOAPIC and local APIC; ' \
	--expect "text:), built with " "$kernel"
step "shell: run starts a user program with its arguments and prints how it ended" \
	plain "$here/run-tests.sh" --cmdline "" --name shell-run \
	--type 'run hello one two\r' --must-show 'keel> run hello one two' \
	--must-show 'hello, world from hello' --must-show 'argv[2] = "two"' \
	--expect "text:hello exited with status 0" "$kernel"
step "init=NAME runs a user program at boot, then the shell starts" \
	plain "$here/run-tests.sh" --cmdline "init=tls" --name init-program \
	--must-show 'tls: counter=1042' --must-show 'tls exited with status 0' \
	--expect "text:keel> " "$kernel"
step "shell: programs lists the user programs; a module that is not ELF is refused, with the reason" \
	plain "$here/run-tests.sh" --cmdline "" --modules 1 --name shell-programs \
	--type 'programs\r' --must-show 'keel> programs' \
	--must-show 'refused: not ELF (no \x7fELF magic)' \
	--must-show 'program: entry 0x4' --must-show 'test-args ' \
	--expect "text:, TLS" "$kernel"
step "shell: typing still works while a thread spins forever" plain \
	"$here/run-tests.sh" --cmdline "" --name shell-spin \
	--type 'spin\r' --type 'threads\r' --type 'uptime\r' --type 'version\r' \
	--must-show 'spin: thread 2 spins; the tick preempts it' \
	--must-show '   2  spin             ready' \
	--must-show 'keel> uptime' --expect "text:), built with " "$kernel"
step "make run without a display: the shell on this terminal; GUI values refused" \
	plain python3 "$here/../tests/host/run_qemu_test.py" "$kernel"
# Typed on the PS/2 keyboard through the QEMU monitor (sendkey): the echo
# and the output reach serial and the screen alike.
step "shell: commands typed on the PS/2 keyboard run, on the screen and on serial" \
	plain "$here/run-tests.sh" --cmdline "" --name shell-keyboard \
	--key 'map kmain\r' --key 'version\r' \
	--must-show 'keel> map kmain' --must-show ' (kmain+0x0): frame 0x' \
	--must-show 'keel> version' \
	--screen-at '(x86_64), built with ' \
	--screen-shows 'fg=grey bg=black|keel> map kmain' \
	--screen-shows ' (kmain+0x0): frame 0x' \
	--screen-shows 'fg=grey bg=black|keel> version' \
	--screen-shows '(x86_64), built with ' \
	--expect 'text:(x86_64), built with ' "$kernel"
# The banner must be on the screen too (a real PC has no serial port), large
# (the word's top row of letters) and coloured, with the machine still up,
# waiting: the screenshot is taken before the key is typed, over serial for
# one, on the PS/2 keyboard for the other.
for result in \
	"PASSED:printf:3 passed, 0 failed:brightgreen:--type:####   ###   ####  #### ##### ####" \
	"FAILED:runner_must_fail:0 passed, 1 failed:brightred:--key:#####  ###  ##### #     ##### ####"; do
	IFS=: read -r word tests counts colour how letters <<<"$result"
	step "self-test without isa-debug-exit (a real PC): $word banner on the screen, a key restarts" \
		plain "$here/run-tests.sh" --no-exit-device --cmdline "ktest=$tests" \
		--name "no-exit-device-${word,,}" --type-after "press a key" "$how" x \
		--must-show "Keel self-test $word: $counts, 0 skipped" \
		--must-show "Keel: press a key to restart the machine" \
		--must-show "Keel: key 0x78 pressed; restarting" \
		--screen-at "Keel: press a key to restart the machine" \
		--screen-shows "fg=$colour bg=black|    $letters" \
		--screen-shows "fg=$colour bg=black|    Keel self-test $word: $counts, 0 skipped" \
		--screen-shows "fg=grey bg=black|Keel: press a key to restart the machine" \
		--expect reset "$kernel"
done
# ACPI and power: one boot per firmware and machine runs the acpi tests
# from the shell (tests/kernel/acpi_test.c, CPU count and machine through
# fw_cfg), lists the tables, and powers off; QEMU must end by itself with
# no reset and no triple fault (run-tests.sh, "Poweroff, reset and triple
# fault"). Then a reboot must come back through the firmware and GRUB.
for cfg in "bios pc 2 0x604" "bios q35 1 0x604" "uefi pc 1 0xb004" "uefi q35 2 0x604"; do
	read -r fw machine cpus pm1a <<<"$cfg"
	step "ACPI: $fw, $machine, $cpus CPUs: tables agree, acpi lists them, poweroff ends QEMU" \
		env FIRMWARE="$fw" BOOT=cdrom MEMORY= QEMUFLAGS="-machine $machine -smp $cpus" \
		"$here/run-tests.sh" --cmdline "" --name "acpi-poweroff-$fw-$machine" \
		--type 'ktest acpi_*\r' --type 'acpi\r' --type 'poweroff\r' \
		--must-show '# ktest end: 6 passed, 0 failed, 0 skipped' \
		--must-show '  DSDT at 0x' --must-show "  PM1a control: I/O $pm1a, 16 bits" \
		--must-show "poweroff: \\_S5 sleep type 0/0 from DSDT 0 to PM1a control at $pm1a" \
		--expect poweroff "$kernel"
done
# Machines without an HPET (-machine ...,hpet=off; QEMU then leaves out
# the HPET table too): nothing in Keel uses the HPET (the tick and the TSC
# calibration use the PIT and the local APIC), so the whole self-test runs,
# and acpi_hpet_matches_machine checks the table's absence (opt/keel/hpet).
for cfg in "bios pc 1 0 (RSDT) from the loader, 4 tables: FACP APIC WAET DSDT" \
	"uefi q35 2 2 (XSDT) from the loader, 5 tables: FACP APIC MCFG WAET DSDT"; do
	read -r fw machine cpus acpi_line <<<"$cfg"
	step "no HPET: $fw, $machine, $cpus CPUs, hpet=off: the whole self-test" \
		env FIRMWARE="$fw" QEMUFLAGS="-machine $machine,hpet=off -smp $cpus" \
		"$here/run-tests.sh" --name "no-hpet-$fw-$machine" \
		--must-show "acpi: RSDP rev $acpi_line" "$kernel"
done
step "reboot: the FADT's reset register (UEFI, q35) brings back GRUB and Keel" \
	env FIRMWARE=uefi BOOT=cdrom MEMORY= QEMUFLAGS="-machine q35" \
	"$here/run-tests.sh" --cmdline "" --name acpi-reboot --type 'reboot\r' \
	--must-show "reboot: ACPI reset register, 0xf to 0xcf9 (space 1)" \
	--expect reboot "$kernel"
step "reboot: BIOS, pc (no reset register): the keyboard controller brings back GRUB and Keel" \
	plain "$here/run-tests.sh" --cmdline "" --name acpi-reboot-8042 \
	--type 'reboot\r' --must-show "Keel: restarting" --expect reboot "$kernel"

run_steps
echo
if [ ${#failed_steps[@]} -gt 0 ]; then
	echo "failed steps:"
	printf '  %s\n' "${failed_steps[@]}"
fi
awk -v a="$run_start" -v b="$EPOCHREALTIME" 'BEGIN { printf "make test took %.1f s\n", b - a }'
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
