#!/usr/bin/env bash
# scripts/run-qemu.sh - boot a Keel ISO in QEMU with the serial console on
# this terminal. Ctrl-a x quits, Ctrl-a c switches to the QEMU monitor.
#
#   scripts/run-qemu.sh [--debug] ISO [KERNEL.elf]
#
# --debug: QEMU stops before the first instruction and waits for gdb on
# localhost:1234; scripts/gdbinit connects and stops at kmain. The command
# printed names KERNEL.elf (default build/keel.elf), the image gdb must read
# symbols from, whatever BUILD directory it came from.
set -euo pipefail
here=$(dirname "$0")
. "$here/qemu-args.sh"

debug=0
if [ "${1:-}" = --debug ]; then
	debug=1
	shift
fi
iso=$1
kernel=${2:-build/keel.elf}

qemu_args "$iso"
QEMU_ARGS+=(-serial mon:stdio -display none)
if [ $debug = 1 ]; then
	QEMU_ARGS+=(-s -S)
	echo "QEMU waits for gdb on localhost:1234. In another terminal:"
	echo "    gdb -x scripts/gdbinit $kernel"
fi
echo "Booting $iso (FIRMWARE=${FIRMWARE:-bios} BOOT=${BOOT:-cdrom}); Ctrl-a x quits."
exec "${QEMU_ARGS[@]}"
