#!/usr/bin/env bash
# Build Keel's cross toolchain: binutils and a C-only GCC for x86_64-elf, from
# the sources Debian 12 ships in its binutils-source and gcc-12-source packages
# (nothing is fetched from anywhere else).
#
# Usage: scripts/build-toolchain.sh [options]
#   --prefix DIR   install here (default: $TOOLCHAIN_PREFIX, else
#                  ~/.local/keel-toolchain, where the Makefile looks first)
#   --jobs N       parallel make jobs (default: $JOBS, else nproc)
#   --force        rebuild even if the prefix already holds this toolchain
#   --keep-build   keep the build directory after a successful build
#   --no-apt       never call apt-get; fail if a needed package is missing
#   -h, --help     show this text
#
# The work happens in $KEEL_TOOLCHAIN_BUILD_DIR (default
# ${XDG_CACHE_HOME:-~/.cache}/keel-toolchain-build), which is wiped at the
# start and removed on success; on failure it is kept, with one log per step
# in its logs/ folder. On success the prefix gets a stamp file recording the
# versions and configure options, and a later run that would build the same
# thing says so and exits at once.
#
# Debian 12 packages it needs; missing ones are installed with apt-get
# (through sudo when not root):
#   apt-get install -y binutils-source gcc-12-source build-essential bison \
#       flex gawk texinfo libgmp-dev libmpfr-dev libmpc-dev xz-utils patch
#
# It takes about 20 minutes on two cores. On a shared machine run it with
# `nice -n 15 scripts/build-toolchain.sh`.

set -euo pipefail

readonly TARGET=x86_64-elf
readonly BINUTILS_PKG=binutils-source
readonly GCC_PKG=gcc-12-source
readonly BINUTILS_SRC_DIR=/usr/src/binutils
readonly GCC_SRC_DIR=/usr/src/gcc-12
readonly BUILD_PACKAGES=(
	"$BINUTILS_PKG" "$GCC_PKG"
	build-essential                     # host gcc, g++ (GCC 12 is C++), make
	bison flex                          # ld's script parser and lexer
	gawk                                # GCC's generator scripts
	texinfo                             # makeinfo for the binutils manuals
	libgmp-dev libmpfr-dev libmpc-dev   # GCC's arithmetic libraries
	xz-utils patch                      # unpack and patch the sources
)
readonly STAMP_NAME=keel-toolchain.stamp
readonly PROGRESS_EVERY=60              # seconds between progress lines

# --- Small helpers ----------------------------------------------------------

say() { printf '%s\n' "$*"; }
die() { printf 'build-toolchain: error: %s\n' "$*" >&2; exit 1; }

usage()
{
	sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"
}

# fmt_secs 75 -> "1m15s"
fmt_secs()
{
	local s=$1
	if ((s >= 60)); then
		printf '%dm%02ds' $((s / 60)) $((s % 60))
	else
		printf '%ds' "$s"
	fi
}

# The Debian version of an installed package, else the one apt would install,
# else nothing.
pkg_version()
{
	local status
	status=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null) || status=
	if [[ $status == installed\ * ]]; then
		printf '%s\n' "${status#installed }"
		return
	fi
	apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'
}

# "2.40-2" -> "2.40", "12.2.0-14+deb12u1" -> "12.2.0"
upstream_version()
{
	local v=${1#*:}
	printf '%s\n' "${v%-*}"
}

is_installed()
{
	[[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

# --- Options ----------------------------------------------------------------

prefix=${TOOLCHAIN_PREFIX:-$HOME/.local/keel-toolchain}
build_root=${KEEL_TOOLCHAIN_BUILD_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/keel-toolchain-build}
jobs=${JOBS:-$(nproc)}
force=0
keep_build=0
use_apt=1

while (($#)); do
	case $1 in
	--prefix) (($# >= 2)) || die "--prefix needs a directory"; prefix=$2; shift ;;
	--prefix=*) prefix=${1#*=} ;;
	--jobs|-j) (($# >= 2)) || die "$1 needs a number"; jobs=$2; shift ;;
	--jobs=*) jobs=${1#*=} ;;
	--force) force=1 ;;
	--keep-build) keep_build=1 ;;
	--no-apt) use_apt=0 ;;
	-h|--help) usage; exit 0 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
	shift
done

[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs wants a positive number, not '$jobs'"
[[ -n $prefix && -n $build_root ]] || die "empty --prefix or build directory"
prefix=$(realpath -m -- "$prefix")
build_root=$(realpath -m -- "$build_root")

# Both trees stay out of the checkout: the toolchain is per machine, and a
# build tree of a few GiB has no place in the repository.
repo_root=$(realpath -m -- "$(dirname -- "${BASH_SOURCE[0]}")/..")
for dir in "$prefix" "$build_root"; do
	if [[ $dir == "$repo_root" || $dir == "$repo_root"/* ]]; then
		die "$dir is inside the checkout $repo_root; pick a directory outside it"
	fi
done
# The build directory is wiped with rm -rf, so it must be a folder of its own.
case $build_root in
/ | "$HOME" | "$prefix" | "$prefix"/*) die "refusing to use $build_root as the build directory" ;;
esac

stamp=$prefix/$STAMP_NAME
src_dir=$build_root/src
log_dir=$build_root/logs

# --- What would be built ----------------------------------------------------

binutils_deb='' gcc_deb='' binutils_ver='' gcc_ver=''
binutils_conf=() gcc_conf=()

# Fill in the versions and the configure options from the source packages
# (installed, or the ones apt would install).
describe_build()
{
	binutils_deb=$(pkg_version "$BINUTILS_PKG")
	gcc_deb=$(pkg_version "$GCC_PKG")
	binutils_ver=$(upstream_version "$binutils_deb")
	gcc_ver=$(upstream_version "$gcc_deb")

	# The tools are stripped when installed, so building them with -g
	# (configure's default) would only make the build slower.
	local host_flags=(CFLAGS=-O2 CXXFLAGS=-O2)

	# No comma in --with-pkgversion: bfd's Makefile pastes it into a sed
	# s,,, command to make bfdver.h, which then comes out empty.
	binutils_conf=(
		--target="$TARGET" --prefix="$prefix"
		--with-pkgversion="Keel toolchain from Debian $BINUTILS_PKG $binutils_deb"
		--disable-nls --disable-werror
		# A kernel has no use for profilers or for gold.
		--disable-gprof --disable-gprofng --disable-gold
		"${host_flags[@]}"
	)
	gcc_conf=(
		--target="$TARGET" --prefix="$prefix"
		--with-pkgversion="Keel toolchain from Debian $GCC_PKG $gcc_deb"
		--enable-languages=c --without-headers
		--disable-nls --disable-multilib --disable-werror
		# Keel builds without -flto and loads no compiler plugins; leaving
		# them out skips lto1 and lto-dump and the plugin headers.
		--disable-lto --disable-plugin
		"${host_flags[@]}"
	)
}

# The stamp's contents for the build described above.
identity()
{
	printf 'target=%s\n' "$TARGET"
	printf 'binutils=%s (Debian %s %s)\n' "$binutils_ver" "$BINUTILS_PKG" "$binutils_deb"
	printf 'gcc=%s (Debian %s %s)\n' "$gcc_ver" "$GCC_PKG" "$gcc_deb"
	printf 'binutils_configure=%s\n' "${binutils_conf[*]}"
	printf 'gcc_configure=%s\n' "${gcc_conf[*]}"
}

# True if the prefix holds a finished toolchain built the way we would now.
toolchain_is_current()
{
	[[ -n $binutils_deb && -n $gcc_deb && -f $stamp ]] || return 1
	[[ -x $prefix/bin/$TARGET-gcc && -x $prefix/bin/$TARGET-ld ]] || return 1
	[[ $(grep -v '^built=' "$stamp") == "$(identity)" ]] || return 1
	"$prefix/bin/$TARGET-gcc" -dumpversion >/dev/null 2>&1
}

exit_if_current()
{
	((force)) && return 0
	toolchain_is_current || return 0
	say "build-toolchain: $prefix already holds $TARGET binutils $binutils_ver" \
	    "and GCC $gcc_ver ($(grep '^built=' "$stamp" || echo 'built=?'))."
	say "build-toolchain: nothing to do (use --force to rebuild)."
	exit 0
}

# --- Steps ------------------------------------------------------------------

# The build packages that are not installed yet, one a line.
missing_packages()
{
	local pkg

	for pkg in "${BUILD_PACKAGES[@]}"; do
		is_installed "$pkg" || printf '%s\n' "$pkg"
	done
}

# install_packages PACKAGE...: apt-get install them, through sudo when not root.
install_packages()
{
	local sudo=()

	if (($# == 0)); then
		echo "all build packages are installed: ${BUILD_PACKAGES[*]}"
		return 0
	fi
	if ((!use_apt)); then
		echo "--no-apt, and these packages are missing: $*"
		return 1
	fi
	if ((EUID != 0)); then
		command -v sudo >/dev/null ||
			{ echo "not root and no sudo: as root, run apt-get install -y $*"; return 1; }
		sudo=(sudo)
	fi
	# Update the package lists only when apt does not know a package yet,
	# or when the install fails because the lists are stale.
	if ! apt-cache show "$@" >/dev/null 2>&1; then
		"${sudo[@]}" apt-get update
	fi
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends "$@" || {
		"${sudo[@]}" apt-get update &&
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends "$@"
	}
}

# The tarball in binutils-source is Debian's source tree with its patches
# already applied (debian/rules packs the patched tree), so it is used as is.
unpack_binutils()
{
	local tarball=$BINUTILS_SRC_DIR/binutils-$binutils_ver.tar.xz

	[[ -f $tarball ]] || { echo "missing $tarball"; return 1; }
	mkdir -p "$src_dir"
	tar -xf "$tarball" -C "$src_dir"
}

configure_binutils()
{
	mkdir -p "$build_root/binutils"
	cd "$build_root/binutils"
	"$src_dir/binutils-$binutils_ver/configure" "${binutils_conf[@]}"
}

build_binutils()
{
	make -C "$build_root/binutils" -j"$jobs"
}

install_binutils()
{
	make -C "$build_root/binutils" install-strip
}

# gcc-12-source ships the upstream release as a DFSG tarball (the manuals,
# under the GFDL, are replaced by one-line stubs) plus Debian's patches, which
# debian/rules picks per target and applies with quilt. None of those patches
# is needed for a bare x86_64-elf compiler except the one below.
unpack_gcc()
{
	local tarball=$GCC_SRC_DIR/gcc-$gcc_ver-dfsg.tar.xz
	local gfdl_patch=$GCC_SRC_DIR/debian/patches/gcc-gfdl-build.diff

	[[ -f $tarball ]] || { echo "missing $tarball"; return 1; }
	mkdir -p "$src_dir"
	tar -xf "$tarball" -C "$src_dir"

	# In the DFSG tarball gcc/doc/tm.texi.in is a stub with no @hook lines.
	# With makeinfo installed (binutils needs it), all-gcc also makes the
	# info manuals; doc/gccint.info needs doc/tm.texi, which the s-tm-texi
	# rule regenerates by running genhooks on tm.texi.in, and genhooks
	# stops at the first target hook it finds no place for:
	#   genhooks: No place specified to document hook TARGET_ASM_OPEN_PAREN
	# Debian's packaging applies gcc-gfdl-build.diff in every build for
	# this; it makes s-tm-texi copy the stub instead. Only documentation
	# changes; the compiler is the same.
	patch -p2 --forward --batch -d "$src_dir/gcc-$gcc_ver" <"$gfdl_patch"
}

configure_gcc()
{
	mkdir -p "$build_root/gcc"
	cd "$build_root/gcc"
	"$src_dir/gcc-$gcc_ver/configure" "${gcc_conf[@]}"
}

# Only the compiler proper: libgcc is not built. Keel links with -nostdlib
# and needs none of it (no 128-bit division, no floating point in the
# kernel), and a libgcc built with the default options would be small-model,
# red-zone code that a higher-half kernel could not link or run safely.
# Building a usable one means a t-x86_64-elf multilib fragment with
# -mcmodel=kernel -mno-red-zone; add it here if the kernel ever needs libgcc.
build_gcc()
{
	make -C "$build_root/gcc" -j"$jobs" all-gcc
}

install_gcc()
{
	make -C "$build_root/gcc" install-strip-gcc
}

# Compile and link a small freestanding unit the way the kernel is built.
check_toolchain()
{
	local dir=$build_root/check

	mkdir -p "$dir"
	cat >"$dir/check.c" <<'EOF'
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static uint64_t counter;

static bool add_all(int n, ...)
{
	va_list ap;

	va_start(ap, n);
	while (n-- > 0)
		counter += va_arg(ap, uint64_t);
	va_end(ap);
	return counter != 0;
}

void kmain(void)
{
	if (add_all(2, (uint64_t)sizeof(size_t), (uint64_t)UINT32_MAX))
		__asm__ volatile("hlt");
}
EOF
	"$prefix/bin/$TARGET-gcc" --version
	"$prefix/bin/$TARGET-gcc" -std=gnu11 -O2 -Wall -Wextra -Werror \
		-ffreestanding -fno-pic -mcmodel=kernel -mno-red-zone \
		-mno-mmx -mno-sse -mno-sse2 -mno-80387 -c "$dir/check.c" -o "$dir/check.o"
	"$prefix/bin/$TARGET-ld" -nostdlib -static -e kmain \
		-Ttext=0xffffffff80100000 "$dir/check.o" -o "$dir/check.elf"
	"$prefix/bin/$TARGET-readelf" -h "$dir/check.elf" | grep -q 'Advanced Micro Devices X86-64'
	"$prefix/bin/$TARGET-nm" "$dir/check.elf" | grep -q '^ffffffff801.* T kmain$'
	echo "compiled and linked a freestanding -mcmodel=kernel unit"
}

write_stamp()
{
	{
		identity
		printf 'built=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	} >"$stamp.tmp"
	mv -f -- "$stamp.tmp" "$stamp"
}

# --- Running steps ----------------------------------------------------------

readonly TOTAL_STEPS=10
step_titles=()
step_times=()
current_log=

# What a step is busy with, from the end of its log: the last source file
# handed to a compiler, else the last line.
progress_hint()
{
	local file

	file=$(tail -n 30 "$1" 2>/dev/null |
		grep -oE '[A-Za-z0-9_+.-]+\.(c|cc|S)( |$)' | tail -n 1) || true
	if [[ -n $file ]]; then
		printf 'compiling %s (log: %s lines)\n' "${file% }" "$(wc -l <"$1")"
	else
		tail -n 1 "$1" 2>/dev/null | cut -c1-100
	fi
}

# run_step TITLE COMMAND...: run COMMAND with its output in a log file, print
# a progress line every PROGRESS_EVERY seconds and the time it took, and on
# failure the end of the log.
run_step()
{
	local title=$1
	shift
	local n=$((${#step_titles[@]} + 1))
	local start=$SECONDS next=$((SECONDS + PROGRESS_EVERY)) pid rc=0

	current_log=$log_dir/$(printf '%02d' "$n")-${title//[^A-Za-z0-9]/-}.log
	say "==> [$n/$TOTAL_STEPS] $title"
	("$@") >"$current_log" 2>&1 </dev/null &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		((SECONDS >= next)) || continue
		next=$((next + PROGRESS_EVERY))
		say "    ... $(fmt_secs $((SECONDS - start))): $(progress_hint "$current_log")"
	done
	wait "$pid" || rc=$?
	step_titles+=("$title")
	step_times+=($((SECONDS - start)))
	if ((rc != 0)); then
		say "!!  $title failed (exit $rc) after $(fmt_secs $((SECONDS - start)))."
		say "!!  First errors in $current_log:"
		grep -n -m 5 -E 'error:|Error [0-9]+|No rule to make' "$current_log" | sed 's/^/    /' || true
		say "!!  Last 40 lines:"
		tail -n 40 "$current_log" | sed 's/^/    /'
		say "!!  The build directory is kept: $build_root"
		exit 1
	fi
	say "    done in $(fmt_secs "${step_times[-1]}")"
}

print_times()
{
	local i

	say "Step times:"
	for i in "${!step_titles[@]}"; do
		printf '  %-28s %8s\n' "${step_titles[i]}" "$(fmt_secs "${step_times[i]}")"
	done
	printf '  %-28s %8s\n' "total" "$(fmt_secs "$SECONDS")"
}

# --- Main -------------------------------------------------------------------

SECONDS=0
describe_build
exit_if_current

say "build-toolchain: $TARGET binutils ${binutils_ver:-?} and GCC ${gcc_ver:-?} (C only)"
say "  prefix:    $prefix"
say "  build dir: $build_root"
say "  jobs:      $jobs"

# One build at a time per build directory: a second one would wipe the first.
mkdir -p -- "$(dirname -- "$build_root")"
exec 9>"$build_root.lock"
flock -n 9 || die "another build is using $build_root (lock: $build_root.lock)"
rm -rf -- "$build_root"
mkdir -p "$log_dir"

mapfile -t missing < <(missing_packages)
if ((${#missing[@]})); then
	say "Packages to install with apt-get: ${missing[*]}"
fi
run_step "build packages" install_packages "${missing[@]}"

# Now the source packages are installed: these are the versions we build.
describe_build
if ((!force)) && toolchain_is_current; then
	rm -rf -- "$build_root"
	exit_if_current
fi
[[ -n $binutils_deb && -n $gcc_deb ]] || die "$BINUTILS_PKG or $GCC_PKG is not installed"

# A toolchain of other versions, or half installed, stops counting as built
# from here on; its files are overwritten but not removed.
rm -f -- "$stamp"
mkdir -p "$prefix"
# GCC's configure and build look for x86_64-elf-as and -ld on PATH.
export PATH=$prefix/bin:$PATH

run_step "unpack binutils $binutils_ver" unpack_binutils
run_step "configure binutils" configure_binutils
run_step "build binutils" build_binutils
run_step "install binutils" install_binutils
run_step "unpack gcc $gcc_ver" unpack_gcc
run_step "configure gcc" configure_gcc
run_step "build gcc (all-gcc)" build_gcc
run_step "install gcc" install_gcc
run_step "check the compiler" check_toolchain
sed -n '1p' "$current_log" | sed 's/^/    /'

write_stamp
if ((keep_build)); then
	say "Build directory kept: $build_root"
else
	rm -rf -- "$build_root"
fi
rm -f -- "$build_root.lock"

print_times
say "Installed $TARGET-gcc $gcc_ver and binutils $binutils_ver in $prefix/bin"
say "(the Makefile finds them there when TOOLCHAIN_PREFIX=$prefix)."
