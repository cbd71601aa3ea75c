#!/usr/bin/env bash
# scripts/gen-constants.sh - turn the "->NAME VALUE" lines that
# boot/constants.c leaves in its assembly into NASM or linker script form.
#
#   scripts/gen-constants.sh nasm CONSTANTS.s > OUT
#   scripts/gen-constants.sh ld CONSTANTS.s NAME... > OUT
#
# The linker script form takes only the NAMEs given: each assignment there
# becomes a symbol of the kernel image, so only what linker.ld uses goes in.
#
# Values arrive as signed 64-bit decimals, $-prefixed (GCC prints an "n"
# operand so in AT&T syntax);
# they are written back in hexadecimal, as the headers spell them.
set -euo pipefail
form=$1
src=$2
shift 2
wanted=" $* "

echo "; generated from boot/constants.c by scripts/gen-constants.sh; do not edit" |
	if [ "$form" = ld ]; then sed 's|^; \(.*\)|/* \1 */|'; else cat; fi
found=0
while read -r name value; do
	hex=$(printf '0x%x' "$value")
	case $form in
	nasm) printf '%%define %-24s %s\n' "$name" "$hex" ;;
	ld) [[ $wanted == *" $name "* ]] || continue
	    printf '%s = %s;\n' "$name" "$hex" ;;
	*) echo "gen-constants.sh: form must be nasm or ld" >&2; exit 2 ;;
	esac
	found=$((found + 1))
done < <(sed -n 's/.*"->\([A-Za-z0-9_]*\) \$\{0,1\}\(-\{0,1\}[0-9]*\)".*/\1 \2/p' "$src")
[ "$found" -gt 0 ] || { echo "gen-constants.sh: no constants in $src" >&2; exit 1; }
