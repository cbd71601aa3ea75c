#!/usr/bin/env bash
# scripts/linux-bench.sh - run the user program callbench (user/callbench.c)
# as /init of Debian's Linux kernel under the QEMU that runs Keel's
# benchmarks, and print its figures ("callbench: ..." lines).
#
#   scripts/linux-bench.sh CALLBENCH_BINARY [KEEL_SERIAL_LOG]
#
# With KEEL_SERIAL_LOG (a "bench" boot's serial output, as
# scripts/run-bench.sh leaves it) the figures both printed are then shown
# side by side, Keel's first.
#
# The kernel is Debian's, fetched with apt-get download into
# $BUILD/linux/ once (LINUX_PACKAGE, default linux-image-cloud-amd64, a
# metapackage naming the image package) and never committed. The
# initramfs is written here as a newc cpio (the format of Linux's
# Documentation/driver-api/early-userspace/buffer-format.rst): /dev,
# /dev/console (so that init has its fds 0-2) and the static program as
# /init.
#
# The machine is scripts/qemu-args.sh's without a boot device: TCG, MEMORY
# (256M), MACHINE, QEMU's default CPU, and QEMUFLAGS, "-smp 4" unless set,
# as scripts/run-bench.sh boots Keel; the kernel comes by -kernel/-initrd.
# LINUX_APPEND adds words to the kernel command line (e.g.
# "mitigations=off"). Figures are TSC cycles of the emulated CPU.
set -euo pipefail
here=$(dirname "$0")
bench=${1:?usage: linux-bench.sh CALLBENCH_BINARY [KEEL_SERIAL_LOG]}
keel_log=${2:-}
dir=${BUILD:-build}/linux
package=${LINUX_PACKAGE:-linux-image-cloud-amd64}
timeout=${LINUX_TIMEOUT:-300}
mkdir -p "$dir"

# The image package the metapackage depends on, downloaded once.
fetch_deb() {
	local meta dep
	meta=$(ls "$dir/${package}"_*.deb 2>/dev/null | head -n 1)
	if [ -z "$meta" ]; then
		(cd "$dir" && apt-get download "$package") >&2 || {
			echo "linux-bench: apt-get download $package failed" \
				"(no reachable Debian mirror?)" >&2
			return 1
		}
		meta=$(ls "$dir/${package}"_*.deb | head -n 1)
	fi
	dep=$(dpkg-deb -f "$meta" Depends | sed -n 's/^\(linux-image-[^ ,]*\).*/\1/p')
	[ -n "$dep" ] || { echo "$meta"; return 0; }	# already an image
	if ! ls "$dir/${dep}"_*.deb >/dev/null 2>&1; then
		(cd "$dir" && apt-get download "$dep") >&2 || {
			echo "linux-bench: apt-get download $dep failed" >&2
			return 1
		}
	fi
	ls "$dir/${dep}"_*.deb | head -n 1
}

deb=$(fetch_deb)
vmlinuz=$dir/vmlinuz
if [ ! -s "$vmlinuz" ] || [ "$deb" -nt "$vmlinuz" ]; then
	rm -rf "$dir/extract"
	dpkg-deb -x "$deb" "$dir/extract"
	cp "$(ls "$dir"/extract/boot/vmlinuz-* | head -n 1)" "$vmlinuz"
	rm -rf "$dir/extract"
fi

# newc: "070701", thirteen 8-digit hex fields, the name with its NUL,
# padding to 4 bytes, the data, padding to 4 bytes; ends with TRAILER!!!.
initrd=$dir/callbench.cpio
python3 - "$bench" "$initrd" <<'EOF'
import os, sys
src, out = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
entries = [("dev", 0o040755, b"", 0, 0),
	   ("dev/console", 0o020600, b"", 5, 1),	# char 5:1
	   ("init", 0o100755, data, 0, 0),
	   ("TRAILER!!!", 0, b"", 0, 0)]
pad = lambda n: b"\0" * (-n % 4)
with open(out, "wb") as f:
	for ino, (name, mode, body, major, minor) in enumerate(entries, 1):
		n = name.encode() + b"\0"
		fields = [ino, mode, 0, 0, 1, 0, len(body), 0, 0, major, minor,
			  len(n), 0]
		head = b"070701" + b"".join(b"%08x" % v for v in fields)
		f.write(head + n + pad(len(head) + len(n)))
		f.write(body + pad(len(body)))
EOF

# The machine of scripts/qemu-args.sh (qemu_args) without its boot device.
export QEMUFLAGS=${QEMUFLAGS:--smp 4}
args=(qemu-system-x86_64 -nodefaults -no-reboot -accel tcg
	-m "${MEMORY:-256M}" -display none -serial stdio)
[ -n "${MACHINE:-}" ] && args+=(-machine "$MACHINE")
# shellcheck disable=SC2206
args+=(${QEMUFLAGS})
args+=(-kernel "$vmlinuz" -initrd "$initrd"
	-append "console=ttyS0 quiet panic=-1 ${LINUX_APPEND:-}")

serial=$dir/callbench.serial
echo "Linux ($(basename "$deb" .deb), ${MEMORY:-256M}," \
	"$QEMUFLAGS${LINUX_APPEND:+, $LINUX_APPEND}):"
timeout "$timeout" "${args[@]}" </dev/null >"$serial" 2>&1 || true
grep '^callbench: ' "$serial" | tr -d '\r' | sed 's/^callbench: /  /'
grep -q '^callbench: done' "$serial" || {
	echo "linux-bench: no figures; the boot's end ($serial):" >&2
	tail -n 15 "$serial" >&2
	exit 1
}

[ -n "$keel_log" ] || exit 0
# "callbench: NAME min N median N cycles" from each log; NAME may have
# spaces, so the numbers are counted from the line's end.
echo "callbench, TSC cycles per call (min / median of 101 batches):"
printf '  %-36s %19s %19s\n' "" "Keel" "Linux"
tr -d '\r' <"$keel_log" | grep -a '^callbench: .* min .* median .* cycles$' |
	while read -r line; do
		set -- $line
		shift
		n=$#
		name=${*:1:n-5}
		keel="${*:n-3:1} / ${*:n-1:1}"
		other=$(tr -d '\r' <"$serial" | grep -F "callbench: $name " |
			awk '{ print $(NF-3) " / " $(NF-1) }')
		printf '  %-36s %19s %19s\n' "$name" "$keel" "${other:--}"
	done
