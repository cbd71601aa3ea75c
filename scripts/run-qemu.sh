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
#
# GUI (environment, the make variable): empty or 0, no display device (the
# serial console on this terminal is all); 1 or gtk, a QEMU window with a
# standard VGA (the screen console, typed at through the PS/2 keyboard) as
# well as the serial console here; sdl, the same through SDL.
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

# The display for $GUI; refuses, with the reason, a window that cannot open.
display_args() {
	local ui
	case ${GUI:-0} in
	0) QEMU_ARGS+=(-display none); return 0 ;;
	1 | gtk) ui=gtk ;;
	sdl) ui=sdl ;;
	*) echo "GUI must be 0, 1 (gtk) or sdl, not '$GUI'" >&2; return 1 ;;
	esac
	if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
		echo "GUI=$GUI needs a desktop: neither DISPLAY nor WAYLAND_DISPLAY" \
			"is set (without GUI, make run is serial only)" >&2
		return 1
	fi
	if ! "${QEMU_ARGS[0]}" -display help 2>/dev/null | grep -qx "$ui"; then
		echo "GUI=$GUI: this QEMU has no $ui display (Debian:" \
			"apt-get install qemu-system-gui)" >&2
		return 1
	fi
	QEMU_ARGS+=(-vga std -display "$ui")
}

qemu_args "$iso"
QEMU_ARGS+=(-serial mon:stdio)
display_args
if [ $debug = 1 ]; then
	QEMU_ARGS+=(-s -S)
	echo "QEMU waits for gdb on localhost:1234. In another terminal:"
	echo "    gdb -x scripts/gdbinit $kernel"
fi
echo "Booting $iso (FIRMWARE=${FIRMWARE:-bios} BOOT=${BOOT:-cdrom}${GUI:+ GUI=$GUI});" \
	"Ctrl-a x quits."
exec "${QEMU_ARGS[@]}"
