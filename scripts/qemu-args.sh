# scripts/qemu-args.sh - sourced by run-qemu.sh and run-tests.sh: builds the
# QEMU command line in one place. Reads FIRMWARE (bios|uefi), BOOT
# (cdrom|disk|usb), MACHINE (pc|q35, QEMU's -machine; default pc), MEMORY
# and QEMUFLAGS from the environment; EXIT_DEVICE=no
# leaves out the isa-debug-exit device (a real PC has none).
#
# qemu_args ISO   fills the array QEMU_ARGS (without the serial setup).

OVMF_CANDIDATES=(/usr/share/ovmf/OVMF.fd /usr/share/OVMF/OVMF.fd /usr/share/qemu/OVMF.fd)

find_ovmf() {
	local f
	for f in "${OVMF:-}" "${OVMF_CANDIDATES[@]}"; do
		[ -n "$f" ] && [ -f "$f" ] && { echo "$f"; return 0; }
	done
	echo "no OVMF firmware found (looked for ${OVMF_CANDIDATES[*]});" \
		"install the ovmf package or set OVMF=/path/to/OVMF.fd" >&2
	return 1
}

# The ISO as a CD, as a hard disk, or as a USB stick on an xHCI controller,
# which is how a stick burnt from it looks to the firmware. snapshot=on keeps
# the image unchanged whatever the guest writes.
boot_device_args() {
	local iso=$1
	case ${BOOT:-cdrom} in
	cdrom) QEMU_ARGS+=(-drive "file=$iso,media=cdrom,format=raw,readonly=on") ;;
	disk) QEMU_ARGS+=(-drive "file=$iso,format=raw,snapshot=on") ;;
	usb) QEMU_ARGS+=(-device qemu-xhci,id=xhci
			-drive "if=none,id=stick,file=$iso,format=raw,snapshot=on"
			-device usb-storage,bus=xhci.0,drive=stick,bootindex=0) ;;
	*) echo "BOOT must be cdrom, disk or usb, not '${BOOT}'" >&2; return 1 ;;
	esac
}

qemu_args() {
	local iso=$1 ovmf
	# TCG on purpose: KVM can be slower than TCG on nested machines, so it is
	# used only when asked for (QEMUFLAGS="-accel kvm").
	QEMU_ARGS=(qemu-system-x86_64 -nodefaults -no-reboot -accel tcg
		-m "${MEMORY:-256M}")
	# QEMU merges -machine options, so run-tests.sh can add i8042=off.
	[ -n "${MACHINE:-}" ] && QEMU_ARGS+=(-machine "$MACHINE")
	[ "${EXIT_DEVICE:-yes}" = no ] ||
		QEMU_ARGS+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
	case ${FIRMWARE:-bios} in
	bios) ;;
	uefi) ovmf=$(find_ovmf) || return 1; QEMU_ARGS+=(-bios "$ovmf") ;;
	*) echo "FIRMWARE must be bios or uefi, not '${FIRMWARE}'" >&2; return 1 ;;
	esac
	boot_device_args "$iso" || return 1
	# Word splitting is wanted: QEMUFLAGS holds several arguments.
	# shellcheck disable=SC2206
	QEMU_ARGS+=(${QEMUFLAGS:-})
}
