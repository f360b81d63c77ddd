#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
#
# 'make install DESTDIR=...' lays out library, headers, lpc.pc and man
# pages; pkg-config (through PKG_CONFIG_SYSROOT_DIR) gives flags with which
# a small program compiles against the installed headers only and links,
# shared and static; 'make uninstall' removes every file again.
# Needs O, SRCDIR (set by 'make test'), MAKE and CC optional.

set -eu
: "${O:?} ${SRCDIR:?}"
MAKE=${MAKE:-make}
CC=${CC:-cc}

fail() { echo "install: $*" >&2; exit 1; }

command -v pkg-config >/dev/null 2>&1 ||
	{ echo "pkg-config is not installed"; exit 77; }

dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
prefix=/usr/local
root=$dest$prefix

$MAKE -s -C "$SRCDIR" O="$O" install PREFIX=$prefix DESTDIR="$dest" \
	>/dev/null || fail "make install failed"

for f in lib/liblpc.a lib/liblpc.so.1.0.0 lib/liblpc.so.1 lib/liblpc.so \
	 lib/pkgconfig/lpc.pc include/liblpc.h include/linux/lpc.h \
	 share/man/man3/lpc_open.3 share/man/man3/lpc_xfer.3 \
	 share/man/man7/liblpc.7; do
	[ -e "$root/$f" ] || fail "missing $prefix/$f"
done
[ "$(readlink "$root/lib/liblpc.so")" = liblpc.so.1 ] ||
	fail "liblpc.so does not point to liblpc.so.1"
[ "$(readlink "$root/lib/liblpc.so.1")" = liblpc.so.1.0.0 ] ||
	fail "liblpc.so.1 does not point to liblpc.so.1.0.0"
cmp -s "$root/include/linux/lpc.h" "$SRCDIR/../uapi/linux/lpc.h" ||
	fail "installed linux/lpc.h differs from uapi/linux/lpc.h"
n3=$(ls "$SRCDIR"/man/*.3 | wc -l)
[ "$(ls "$root"/share/man/man3 | wc -l)" -eq "$n3" ] ||
	fail "not every man page was installed"

# Only the DESTDIR copy of lpc.pc may be found.
PKG_CONFIG_LIBDIR=$root/lib/pkgconfig
PKG_CONFIG_PATH=
PKG_CONFIG_SYSROOT_DIR=$dest
export PKG_CONFIG_LIBDIR PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

version=$(pkg-config --modversion lpc) || fail "pkg-config cannot find lpc"
[ "$version" = 1.0.0 ] || fail "lpc.pc version is '$version'"
cflags=$(pkg-config --cflags lpc)
libs=$(pkg-config --libs lpc)
case "$cflags" in *"-I$root/include"*) ;; *) fail "cflags: $cflags" ;; esac
case "$libs" in *"-L$root/lib"*-llpc*) ;; *) fail "libs: $libs" ;; esac

cat > "$dest/prog.c" <<'PROG'
#include <errno.h>
#include <stdio.h>
#include <liblpc.h>

int main(void)
{
	int fd = lpc_open_path("/nonexistent-lpc-dir/lpc", 0);

	if (lpc_lib_version() != LIBLPC_VERSION_CODE || fd != -ENOENT) {
		printf("version %#x, open %d\n", lpc_lib_version(), fd);
		return 1;
	}
	return LPC_API_VERSION > 0 ? 0 : 1;
}
PROG

# Shared: the program must run against the installed liblpc.so.1.
# (pkg-config output is split into words on purpose, here and below.)
# shellcheck disable=SC2086
$CC -Wall -Wextra -Werror $cflags -o "$dest/prog" "$dest/prog.c" $libs ||
	fail "cannot build against the installed library"
LD_LIBRARY_PATH=$root/lib "$dest/prog" || fail "shared program failed"
if command -v readelf >/dev/null 2>&1; then
	readelf -d "$dest/prog" | grep -q 'NEEDED.*\[liblpc\.so\.1\]' ||
		fail "program does not need liblpc.so.1"
fi

# Static, when the C library has a static archive.
if echo 'int main(void){return 0;}' |
   $CC -static -x c -o "$dest/probe" - 2>/dev/null; then
	# shellcheck disable=SC2086,SC2046
	$CC -static $cflags -o "$dest/prog-static" "$dest/prog.c" \
		$(pkg-config --static --libs lpc) ||
		fail "cannot link statically"
	"$dest/prog-static" || fail "static program failed"
else
	echo "no static libc: static link not tried"
fi

$MAKE -s -C "$SRCDIR" O="$O" uninstall PREFIX=$prefix DESTDIR="$dest" \
	>/dev/null || fail "make uninstall failed"
left=$(find "$root" \( -type f -o -type l \))
[ -z "$left" ] || fail "left after uninstall: $left"
echo "install layout, pkg-config, shared and static link: ok"
