#!/usr/bin/env bash
# scripts/install-deps.sh - make sure the tools Keel's build and tests need
# are installed.
#
#   scripts/install-deps.sh [--check] [--with-clang] [--with-fuzzer]
#
# Checks every tool; on Debian or Ubuntu it installs what is missing with
# apt-get (through sudo when not root) and says what it installs. Elsewhere,
# or with --check, it prints the exact list and fails.
set -euo pipefail

check_only=0
with_clang=0
with_fuzzer=0
for arg in "$@"; do
	case $arg in
	--check) check_only=1 ;;
	--with-clang) with_clang=1 ;;
	--with-fuzzer) with_fuzzer=1 ;;
	*) echo "install-deps.sh: unknown argument $arg" >&2; exit 2 ;;
	esac
done

# What must exist, and the Debian package that provides it.
needs=(
	"command:make make"
	"command:gcc gcc"
	"file:/usr/include/stdio.h libc6-dev"
	"command:ld binutils"
	"command:objcopy binutils"
	"command:nasm nasm"
	"command:qemu-system-x86_64 qemu-system-x86"
	"command:grub-mkrescue grub-common"
	"command:grub-file grub-common"
	"dir:/usr/lib/grub/i386-pc grub-pc-bin"
	"dir:/usr/lib/grub/x86_64-efi grub-efi-amd64-bin"
	"command:xorriso xorriso"
	"command:mformat mtools"
	"file:/usr/share/ovmf/OVMF.fd ovmf"
	"file:/usr/include/cmocka.h libcmocka-dev"
	"command:md5sum coreutils"
	"command:awk gawk"
	"command:python3 python3"
	"file:/usr/share/consolefonts/Lat15-VGA16.psf.gz console-setup-linux"
	"command:musl-gcc musl-tools"
	"command:iasl acpica-tools"
	"command:bochs bochs"
	"file:/usr/lib/x86_64-linux-gnu/bochs/plugins/libbx_term_gui.so bochs-term"
	"file:/usr/share/bochs/BIOS-bochs-latest bochsbios"
	"file:/usr/share/vgabios/vgabios.bin vgabios"
)
if [ $with_clang = 1 ]; then
	needs+=("command:clang clang" "command:ld.lld lld")
fi
if [ $with_fuzzer = 1 ]; then
	needs+=("command:clang clang"
		"file:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev")
fi

missing=()
for need in "${needs[@]}"; do
	what=${need%% *}
	pkg=${need##* }
	kind=${what%%:*}
	path=${what#*:}
	case $kind in
	command) command -v "$path" >/dev/null 2>&1 && continue ;;
	dir) [ -d "$path" ] && continue ;;
	file) [ -f "$path" ] && continue ;;
	esac
	case " ${missing[*]:-} " in *" $pkg "*) ;; *) missing+=("$pkg") ;; esac
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ $check_only = 1 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "Keel needs these packages (Debian names): ${missing[*]}" >&2
	echo "Install them with your system's package manager, then run make again." >&2
	exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "Keel needs: ${missing[*]}; run as root: apt-get install ${missing[*]}" >&2
		exit 1
	}
	sudo=sudo
fi
echo "Installing what Keel needs: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
