#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-files.sh BUILD_DIR: extract the few files lpc borrows from Debian's
# linux-source tarball, once, into BUILD_DIR:
#
#   BUILD_DIR/kselftest/   kselftest.h, kselftest_harness.h
#   BUILD_DIR/checkpatch/  checkpatch.pl, spelling.txt, const_structs.checkpatch
#
# They are build products: never commit them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

out=${1:?usage: kernel-files.sh BUILD_DIR}
SRC_PKG=${LPC_DEBUG_SRC_PKG:-linux-source-6.1}

need_pkgs "$SRC_PKG" xz-utils perl
srcver=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
stamp=$out/.kernel-files
[ -e "$stamp" ] && [ "$(cat "$stamp")" = "$SRC_PKG $srcver" ] && exit 0

tarball=$(dpkg -L "$SRC_PKG" | grep -m1 '/usr/src/linux-source-.*\.tar\.xz$') ||
	die "no source tarball in $SRC_PKG"
top=$(basename "$tarball" .tar.xz)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xf "$tarball" -C "$tmp" --wildcards \
	"$top/tools/testing/selftests/kselftest.h" \
	"$top/tools/testing/selftests/kselftest_harness.h" \
	"$top/scripts/checkpatch.pl" \
	"$top/scripts/spelling.txt" \
	"$top/scripts/const_structs.checkpatch"
rm -rf "$out/kselftest" "$out/checkpatch"
mkdir -p "$out/kselftest" "$out/checkpatch"
mv "$tmp/$top"/tools/testing/selftests/kselftest*.h "$out/kselftest/"
mv "$tmp/$top"/scripts/{checkpatch.pl,spelling.txt,const_structs.checkpatch} "$out/checkpatch/"
echo "$SRC_PKG $srcver" > "$stamp"
