#!/usr/bin/env bash
# scripts/mkiso.sh - make a hybrid ISO of Keel with grub-mkrescue.
#
#   scripts/mkiso.sh OUT.iso KERNEL.elf [--cmdline "extra words"] [--only "cmdline"]
#                    [--module FILE[:STRING]]... [--programs DIR]
#                    [--gfxpayload MODE]
#
# The image carries both the BIOS (i386-pc) and the UEFI (x86_64-efi) GRUB, so
# it boots either firmware from a CD, a hard disk or a USB stick (dd it raw).
# Default menu: "Keel" and "Keel self-test" (command line "ktest"), with
# --cmdline words appended to both. --only makes a one-entry menu with exactly
# that command line; the test runner uses it. Each --module is loaded with a
# module2 line in every entry, its string STRING (default: the file's name).
# --programs puts every file of DIR (the user programs, build/user) on the
# image as /boot/user/NAME, loaded in every entry as "module2
# /boot/user/NAME NAME": the kernel finds a program by that string.
# The kernel's framebuffer tag asks for 1024x768x32; --gfxpayload sets GRUB's
# gfxpayload after the multiboot2 line (which resets it from that tag), e.g.
# "text" for EGA text mode under BIOS.
set -euo pipefail

out=$1
kernel=$2
shift 2
extra=""
only=""
have_only=0
modules=()
programs=""
gfxpayload=""
while [ $# -gt 0 ]; do
	case $1 in
	--cmdline) extra=$2; shift 2 ;;
	--only) only=$2; have_only=1; shift 2 ;;
	--module) modules+=("$2"); shift 2 ;;
	--programs) programs=$2; shift 2 ;;
	--gfxpayload) gfxpayload=$2; shift 2 ;;
	*) echo "mkiso.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

for tool in grub-mkrescue xorriso mformat; do
	command -v "$tool" >/dev/null || {
		echo "mkiso.sh: $tool is missing; run scripts/install-deps.sh" >&2
		exit 1
	}
done
for platform in i386-pc x86_64-efi; do
	[ -d "/usr/lib/grub/$platform" ] || {
		echo "mkiso.sh: GRUB for $platform is missing (/usr/lib/grub/$platform);" \
			"run scripts/install-deps.sh" >&2
		exit 1
	}
done

# GRUB's script language expands $ and splits on ; and spaces, so each word
# goes to GRUB single-quoted. Quotes and backslashes cannot pass through
# unchanged (GRUB escapes them in the command line it builds): refuse them.
quote_words() {
	local w out="" words
	read -r -a words <<<"$1"	# split on blanks, no globbing
	for w in "${words[@]}"; do
		out+="'$w' "
	done
	printf '%s' "${out% }"
}
case "$extra$only${modules[*]:-}" in
*[\"\'\\]*) echo "mkiso.sh: the command line may not contain quotes or backslashes" >&2; exit 2 ;;
esac

root=$(mktemp -d "${TMPDIR:-/tmp}/keel-iso.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/boot/grub"
cp "$kernel" "$root/boot/keel.elf"

# module2 lines, one per --module, each file copied as boot/modules/N.
module_lines=""
case $gfxpayload in
*[!A-Za-z0-9,x]*) echo "mkiso.sh: --gfxpayload takes a GRUB mode like text or 1024x768x32" >&2; exit 2 ;;
?*) module_lines=$'\t'"set gfxpayload=$gfxpayload"$'\n' ;;
esac
for i in "${!modules[@]}"; do
	file=${modules[$i]%%:*}
	string=${modules[$i]#*:}
	[ "$string" = "${modules[$i]}" ] && string=$(basename "$file")
	mkdir -p "$root/boot/modules"
	cp "$file" "$root/boot/modules/$i"
	module_lines+=$'\t'"module2 /boot/modules/$i $(quote_words "$string")"$'\n'
done

# The user programs, one module each, named by their file name.
if [ -n "$programs" ]; then
	[ -d "$programs" ] || { echo "mkiso.sh: --programs $programs is not a directory" >&2; exit 2; }
	mkdir -p "$root/boot/user"
	for file in "$programs"/*; do
		[ -f "$file" ] || continue
		name=$(basename "$file")
		case $name in
		*[!A-Za-z0-9_.-]*) echo "mkiso.sh: program name \"$name\" is not one word of [A-Za-z0-9_.-]" >&2; exit 2 ;;
		esac
		cp "$file" "$root/boot/user/$name"
		module_lines+=$'\t'"module2 /boot/user/$name '$name'"$'\n'
	done
fi

# all_video: GRUB's VBE (BIOS) and GOP (UEFI) drivers, to set the mode the
# framebuffer tag asks for. Serial first: GRUB's own messages go to COM1 as well as to the screen, so a
# headless machine (and the test runner) sees them. No menu delay.
{
	cat <<-'CFG'
	set timeout=0
	set default=0
	insmod all_video
	serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1
	terminal_input serial console
	terminal_output serial console
	CFG
	if [ $have_only = 1 ]; then
		printf 'menuentry "Keel (%s)" {\n\tmultiboot2 /boot/keel.elf %s\n%s\tboot\n}\n' \
			"$only" "$(quote_words "$only")" "$module_lines"
	else
		printf 'menuentry "Keel" {\n\tmultiboot2 /boot/keel.elf %s\n%s\tboot\n}\n' \
			"$(quote_words "$extra")" "$module_lines"
		printf 'menuentry "Keel self-test" {\n\tmultiboot2 /boot/keel.elf ktest %s\n%s\tboot\n}\n' \
			"$(quote_words "$extra")" "$module_lines"
	fi
} > "$root/boot/grub/grub.cfg"

mkdir -p "$(dirname "$out")"
log=$(mktemp)
if ! grub-mkrescue -o "$out" "$root" >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
