#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install into a scratch DESTDIR: every file where it belongs, a
# program built with pkg-config against it, and make uninstall leaving
# nothing behind. Ends with "N passed, N failed". Needs kernel headers to
# build lpc.ko (the 6.1 ones 'make check' installs are used if present).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
pass=0 fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "not ok - $*"; fail=$((fail + 1)); }

kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | head -1)
[ -n "$kdir" ] || { echo "no kernel headers in /usr/src"; exit 1; }
krel=${kdir#/usr/src/linux-headers-}
command -v pkg-config >/dev/null ||
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pkg-config >/dev/null
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

if make -C "$top" install DESTDIR="$dest" KDIR="$kdir" \
	KERNELRELEASE="$krel" >"$dest.log" 2>&1; then
	ok "make install"
else
	bad "make install (log: $dest.log)"
fi

for f in "lib/modules/$krel/extra/lpc.ko" usr/local/lib/liblpc.a \
	 usr/local/lib/liblpc.so.1 usr/local/lib/liblpc.so \
	 usr/local/include/liblpc.h usr/local/include/linux/lpc.h \
	 usr/local/lib/pkgconfig/lpc.pc usr/local/sbin/portctl \
	 usr/local/share/man/man3/lpc_xfer.3 usr/local/share/man/man7/liblpc.7 \
	 usr/local/share/man/man8/portctl.8 \
	 usr/local/share/bash-completion/completions/portctl; do
	if [ -e "$dest/$f" ]; then ok "installed /$f"; else bad "missing /$f"; fi
done

export PKG_CONFIG_PATH=$dest/usr/local/lib/pkgconfig
export PKG_CONFIG_SYSROOT_DIR=$dest
cat >"$dest/probe.c" <<'C'
#include <liblpc.h>
int main(void) { return lpc_open(0) < 0 ? 0 : 0; }
C
# shellcheck disable=SC2046
if cc -o "$dest/probe" "$dest/probe.c" $(pkg-config --cflags --libs lpc) \
	-Wl,-rpath,"$dest/usr/local/lib" && "$dest/probe"; then
	ok "pkg-config --cflags --libs lpc builds and links a program"
else
	bad "pkg-config build against the installed library"
fi
rm -f "$dest/probe" "$dest/probe.c"

make -C "$top" uninstall DESTDIR="$dest" KERNELRELEASE="$krel" \
	>>"$dest.log" 2>&1 || bad "make uninstall"
left=$(find "$dest" -type f | wc -l)
if [ "$left" -eq 0 ]; then ok "make uninstall removes everything"; else
	bad "make uninstall left $left files"; find "$dest" -type f; fi
rm -f "$dest.log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
