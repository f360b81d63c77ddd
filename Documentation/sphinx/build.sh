#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh OUT_DIR: build Documentation/ to HTML in OUT_DIR with Sphinx,
# warnings as errors ('make docs').
#
# '.. kernel-doc::' is the kernel's own: scripts/kernel-doc and
# Documentation/sphinx/kerneldoc.py (with kernellog.py) of linux-source-6.1,
# taken from the tree the debug kernel build unpacks
# ($LPC_CACHE/kernel-debug-*/src) or, without one, from the package's
# tarball, extracted once into OUT_DIR/../kernel-doc. kernel-doc's own
# warnings (a field without its @description, a misnamed member) are only
# printed by the extension, so the files the documents pull in are first
# checked with 'kernel-doc -none' and any warning fails the build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=selftests/qemu/lib.sh
. "$top/selftests/qemu/lib.sh"

out=${1:?usage: build.sh OUT_DIR}
SRC_PKG=${LPC_DEBUG_SRC_PKG:-linux-source-6.1}
need_pkgs python3-sphinx perl xz-utils "$SRC_PKG"

# kernel_files: set kdoc and ksphinx from an unpacked tree, else from the
# tarball.
kernel_files()
{
	local t tarball srcver base dir stamp

	for t in "$LPC_CACHE"/kernel-debug-*/src; do
		if [ -x "$t/scripts/kernel-doc" ] &&
		   [ -f "$t/Documentation/sphinx/kerneldoc.py" ]; then
			kdoc=$t/scripts/kernel-doc ksphinx=$t/Documentation/sphinx
			return
		fi
	done
	tarball=$(dpkg -L "$SRC_PKG" | grep -m1 '/usr/src/linux-source-.*\.tar\.xz$') ||
		die "no source tarball in $SRC_PKG"
	srcver=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
	base=$(basename "$tarball" .tar.xz)
	dir=$(dirname "$out")/kernel-doc
	stamp=$dir/.stamp
	if ! [ -e "$stamp" ] || [ "$(cat "$stamp")" != "$SRC_PKG $srcver" ]; then
		note "extracting kernel-doc from $tarball"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -xf "$tarball" -C "$dir" --strip-components=1 \
			"$base/scripts/kernel-doc" \
			"$base/Documentation/sphinx/kerneldoc.py" \
			"$base/Documentation/sphinx/kernellog.py"
		echo "$SRC_PKG $srcver" > "$stamp"
	fi
	kdoc=$dir/scripts/kernel-doc ksphinx=$dir/Documentation/sphinx
}
kernel_files

# Every file a '.. kernel-doc::' directive names, checked on its own.
mapfile -t sources < <(find "$top/Documentation" -name '*.rst' -print0 |
	xargs -0 sed -n 's/^\.\. kernel-doc:: *//p' | sort -u)
warnings=
if [ ${#sources[@]} -gt 0 ]; then
	warnings=$(cd "$top" && "$kdoc" -none "${sources[@]}" 2>&1) || true
fi
if [ -n "$warnings" ]; then
	echo "$warnings" >&2
	die "kernel-doc warnings in ${sources[*]}"
fi

LPC_KERNEL_DOC=$kdoc LPC_KERNEL_SPHINX=$ksphinx LPC_SRCTREE=$top \
	sphinx-build -q -W --keep-going -b html -d "$out/.doctrees" \
	"$top/Documentation" "$out"
note "documentation in $out/index.html"
