#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# coverage.sh: merge the coverage of lpc.ko that debug-kernel runs saved
# (build/debug/coverage-*.info: 'make check-debug', 'make fuzz KVER=debug')
# into build/coverage/lpc.info, render it as HTML in build/coverage/, and
# print one summary line of line and branch coverage of module/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

BUILD=${BUILD:-$top/build}
dest=$BUILD/coverage
need_pkgs lcov

infos=()
for f in "$BUILD"/debug/coverage-*.info; do
	[ -s "$f" ] && infos+=(-a "$f")
done
[ ${#infos[@]} -gt 0 ] ||
	die "no coverage yet: run 'make check-debug' (and 'make fuzz KVER=debug') first"
rm -rf "$dest"
mkdir -p "$dest"
lcov -q --rc lcov_branch_coverage=1 "${infos[@]}" -o "$dest/all.info" >/dev/null
# Only module/: the kernel headers' inline functions are not ours to cover.
lcov -q --rc lcov_branch_coverage=1 --extract "$dest/all.info" '*/module/*' \
	-o "$dest/lpc.info" >/dev/null
genhtml -q --branch-coverage --prefix "$BUILD/debug/src" -o "$dest" \
	"$dest/lpc.info" >/dev/null
summary=$(lcov --rc lcov_branch_coverage=1 --summary "$dest/lpc.info" 2>&1)
lines=$(printf '%s\n' "$summary" | sed -n 's/^ *lines\.*: *\([0-9.]*%\).*/\1/p')
branches=$(printf '%s\n' "$summary" | sed -n 's/^ *branches\.*: *\([0-9.]*%\).*/\1/p')
echo "coverage of module/: lines $lines, branches $branches (from $(( ${#infos[@]} / 2 )) run(s); HTML in $dest/index.html)"
