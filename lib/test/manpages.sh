#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
#
# Every man page formats without groff warnings, is titled after its file,
# names its function in NAME, and .so links point at existing pages.

set -eu
: "${SRCDIR:?}"
command -v groff >/dev/null 2>&1 || { echo "groff not installed"; exit 77; }

status=0
for page in "$SRCDIR"/man/*.[37]; do
	file=${page##*/}
	name=${file%.*}
	target=$(sed -n 's|^\.so man[0-9]/||p' "$page")
	if [ -n "$target" ]; then
		[ -f "$SRCDIR/man/$target" ] ||
			{ echo "$file: .so to missing $target"; status=1; }
		grep -q "$name" "$SRCDIR/man/$target" ||
			{ echo "$file: $target does not name $name"; status=1; }
		continue
	fi
	out=$(groff -man -ww -z "$page" 2>&1) ||
		{ echo "$file: groff failed"; status=1; }
	[ -z "$out" ] || { echo "$file: $out"; status=1; }
	grep -q "^\.TH $name " "$page" ||
		{ echo "$file: .TH is not '$name'"; status=1; }
	sed -n '/^\.SH NAME/,/^\.SH/p' "$page" | grep -q "$name" ||
		{ echo "$file: NAME does not mention $name"; status=1; }
done
exit $status
