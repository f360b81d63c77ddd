#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-files.sh BUILD_DIR: extract the few files lpc borrows from Debian's
# linux-source tarballs, once, into BUILD_DIR:
#
#   BUILD_DIR/kselftest/   kselftest.h, kselftest_harness.h, lib.mk, from
#                          linux-source-6.12: its harness selects tests
#                          (-l, -t, ...) and ends a test at a SKIP() in
#                          FIXTURE_SETUP(), which 6.1's does not
#   BUILD_DIR/checkpatch/  checkpatch.pl, spelling.txt, const_structs.checkpatch,
#                          from linux-source-6.1
#
# They are build products, used as shipped: never edit or commit them.
# This script installs nothing: 'make deps' installs the packages.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

out=${1:?usage: kernel-files.sh BUILD_DIR}
SRC_PKG=${LPC_DEBUG_SRC_PKG:-linux-source-6.1}
KSFT_PKG=${LPC_KSFT_SRC_PKG:-linux-source-6.12}

# pkg_version PKG: its installed version, or die naming 'make deps'.
pkg_version()
{
	dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$1" 2>/dev/null |
		awk '$1 == "installed" { print $2; found = 1 } END { exit !found }' ||
		die "$1 is not installed: run 'make deps'"
}

# extract PKG DEST FILE...: FILE... (paths in the tarball's top directory)
# from PKG's source tarball, flat into DEST.
extract()
{
	local pkg=$1 dest=$2 tarball top tmp f
	shift 2

	tarball=$(dpkg -L "$pkg" | grep -m1 '/usr/src/linux-source-.*\.tar\.xz$') ||
		die "no source tarball in $pkg"
	top=$(basename "$tarball" .tar.xz)
	tmp=$(mktemp -d)
	tar -xf "$tarball" -C "$tmp" "${@/#/$top/}" || { rm -rf "$tmp"; die "tar $tarball"; }
	rm -rf "$dest"
	mkdir -p "$dest"
	for f in "$@"; do
		mv "$tmp/$top/$f" "$dest/"
	done
	rm -rf "$tmp"
}

command -v xz >/dev/null || die "xz is not installed: run 'make deps'"
want="$SRC_PKG $(pkg_version "$SRC_PKG") $KSFT_PKG $(pkg_version "$KSFT_PKG")"
stamp=$out/.kernel-files
[ -e "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0

extract "$KSFT_PKG" "$out/kselftest" \
	tools/testing/selftests/kselftest.h \
	tools/testing/selftests/kselftest_harness.h \
	tools/testing/selftests/lib.mk
extract "$SRC_PKG" "$out/checkpatch" \
	scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
echo "$want" > "$stamp"
