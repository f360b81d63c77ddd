#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh: build lpc's Debian packages (debian/) into build/deb/ and run
# lintian on them. The build happens in a copy of the tree, build/deb/src/,
# so the working tree gets no debian/build/, debian/tmp/ or stamp files.
# Exits non-zero if the build fails or lintian reports an error or warning.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$top/selftests/qemu/lib.sh"

BUILD=${BUILD:-$top/build}
out=$BUILD/deb
version=$(cat "$top/VERSION")
src=$out/src/lpc-$version

need_pkgs dpkg-dev debhelper dh-dkms fakeroot lintian libcap-dev make gcc

rm -rf "$out"
mkdir -p "$src"
# What git tracks (with uncommitted changes), or the whole tree outside git.
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 -I{} sh -c '[ -e "{}" ] && printf "%s\0" "{}"' |
		cpio -0 -pdmu --quiet "$src")
else
	(cd "$top" && tar --exclude=./build --exclude=./.git -cf - .) |
		tar -C "$src" -xf -
fi

note "building the packages in $src"
(cd "$src" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log"; die "dpkg-buildpackage failed; log: $out/build.log"; }
# dpkg-buildpackage writes next to the tree it built.
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out/"
rm -rf "$out/src"
ls "$out"/*.deb

# Tags the project has decided to keep are in debian/source/lintian-overrides
# (each with the reason); anything else fails the build.
note "lintian"
lintian --allow-root --fail-on error,warning --info "$out"/lpc_"${version}"_*.changes
