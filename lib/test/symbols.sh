#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
#
# The public API is listed four times: prototypes in liblpc.h, the version
# script, the symbols liblpc.so exports, and the man pages. They must be
# the same set, every export versioned LIBLPC_1.0, soname liblpc.so.1.

set -eu
: "${O:?} ${SRCDIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

command -v nm >/dev/null 2>&1 || { echo "nm (binutils) not installed"; exit 77; }

# Prototypes: "type lpc_name(" at the start of a line; lpc_ptr is inline.
sed -n 's/^[a-z].*[ *]\(lpc_[a-z_]*\)(.*/\1/p' "$SRCDIR/include/liblpc.h" |
	grep -vx lpc_ptr | sort > "$tmp/header"
sed -n '/global:/,/local:/s/^[[:space:]]*\(lpc_[a-z_]*\);.*/\1/p' \
	"$SRCDIR/src/liblpc.map" | sort > "$tmp/map"
nm -D --defined-only "$O/liblpc.so.1.0.0" |
	awk '$2 == "T" { print $3 }' > "$tmp/exports.raw"
sed 's/@.*//' "$tmp/exports.raw" | sort > "$tmp/exports"
ls "$SRCDIR/man" | sed -n 's/^\(lpc_[a-z_]*\)\.3$/\1/p' | sort > "$tmp/man"

for set in map exports man; do
	if ! diff -u "$tmp/header" "$tmp/$set" > "$tmp/diff"; then
		echo "liblpc.h and $set differ:"
		cat "$tmp/diff"
		status=1
	fi
done
if grep -v '@@LIBLPC_1\.0$' "$tmp/exports.raw"; then
	echo "exported without version LIBLPC_1.0 (above)"
	status=1
fi
if command -v readelf >/dev/null 2>&1; then
	readelf -d "$O/liblpc.so.1.0.0" | grep -q 'SONAME.*\[liblpc\.so\.1\]' ||
		{ echo "soname is not liblpc.so.1"; status=1; }
fi
[ $status -eq 0 ] && echo "$(wc -l < "$tmp/header") functions agree"
exit $status
