#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh [FLAVOR]: build (once) and print the path of an lpc debug
# kernel tree: Debian's linux-source tarball, x86_64 allnoconfig + a fragment.
#
#   debug  debug.config: KASAN, lockdep, UBSAN, kmemleak, fault injection, gcov
#   kcsan  debug.config without its KASAN lines, then kcsan.config
#
# The tree is cached in $LPC_CACHE/kernel-<flavor>-<hash>, where the hash
# covers the fragment, the source package version and the compiler, so editing
# a fragment builds a new tree and an unchanged one reuses the old one.
# Out-of-tree modules build against it with 'make -C <tree> M=...'.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

SRC_PKG=${LPC_DEBUG_SRC_PKG:-linux-source-6.1}
flavor=${1:-debug}
fragment=$(mktemp)
trap 'rm -f "$fragment"' EXIT
case $flavor in
debug)	cat "$here/debug.config" > "$fragment" ;;
kcsan)	grep -v '^CONFIG_KASAN' "$here/debug.config" |
		cat - "$here/kcsan.config" > "$fragment" ;;
*)	die "unknown debug kernel flavor '$flavor' (debug or kcsan)" ;;
esac

need_pkgs "$SRC_PKG" make gcc libc6-dev flex bison bc libelf-dev libssl-dev \
	  xz-utils util-linux
tarball=$(dpkg -L "$SRC_PKG" | grep -m1 '/usr/src/linux-source-.*\.tar\.xz$') ||
	die "no source tarball in $SRC_PKG"
srcver=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
hash=$( { cat "$fragment"; echo "$SRC_PKG $srcver"; gcc --version | head -1; } |
	sha256sum | cut -c1-12)
dir=$LPC_CACHE/kernel-$flavor-$hash
tree=$dir/src

# verify_config: every option of the fragment must have survived olddefconfig.
verify_config()
{
	local line opt bad=0

	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$tree/.config" && continue
			opt=${line%%=*}
			echo "lpc: debug.config: wanted '$line', got '$(grep -E "^(# )?$opt[= ]" "$tree/.config" || echo "$opt absent")'" >&2
			bad=1 ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			# a later line of the fragment may set what an earlier one unset
			grep -q "^$opt=" "$fragment" && continue
			grep -q "^$opt=" "$tree/.config" || continue
			echo "lpc: debug.config: wanted $opt off, got '$(grep "^$opt=" "$tree/.config")'" >&2
			bad=1 ;;
		esac
	done < "$fragment"
	[ $bad -eq 0 ] || die "debug options did not survive olddefconfig (see above)"
}

build()
{
	local start end jobs

	[ -e "$dir/.built" ] && return 0
	rm -rf "$tree"
	mkdir -p "$tree"
	start=$(date +%s)
	note "extracting $tarball into $tree"
	tar -xf "$tarball" -C "$tree" --strip-components=1
	cp "$fragment" "$dir/debug.config"
	make -s -C "$tree" ARCH=x86_64 allnoconfig
	(cd "$tree" && ./scripts/kconfig/merge_config.sh -m -O . .config "$dir/debug.config") >/dev/null
	make -s -C "$tree" ARCH=x86_64 olddefconfig
	verify_config
	jobs=$(nproc)
	note "building the $flavor kernel in $tree with -j$jobs (cold build: tens of minutes; log in $dir/build.log)"
	if ! make -C "$tree" ARCH=x86_64 -j"$jobs" bzImage modules >"$dir/build.log" 2>&1; then
		tail -n 40 "$dir/build.log" >&2
		die "debug kernel build failed (full log: $dir/build.log)"
	fi
	end=$(date +%s)
	echo "$((end - start))" > "$dir/build-seconds"
	note "debug kernel built in $((end - start)) s"
	touch "$dir/.built"
}

with_lock "$dir" build
echo "$tree"
