#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh: static checks of the module and the uapi header.
#
#   1. checkpatch.pl --strict --no-tree -f on module/ and uapi/linux/lpc.h
#   2. sparse: a C=2 build against Debian 12's kernel headers
#   3. a W=1 build against the same headers
#
# Any report fails. checkpatch comes from linux-source-6.1 (kernel-files.sh);
# builds run on a copy of module/ in build/lint/, leaving module/ alone.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

BUILD=${BUILD:-$top/build}

# checkpatch message types that do not apply to an out-of-tree module:
#  FILE_PATH_CHANGES  "added, moved or deleted file(s), does MAINTAINERS need
#                     updating?": there is no MAINTAINERS file out of tree.
#  LINUX_VERSION_CODE lpc builds against several kernels (6.1 and 6.12 in
#                     CI); version checks are expected, confined to compat
#                     headers by review rather than banned.
IGNORE=FILE_PATH_CHANGES,LINUX_VERSION_CODE
# and, for the uapi header only:
#  BIT_MACRO          BIT() is not part of the uapi, and _BITUL() would turn
#                     the flags into unsigned long; uapi headers use (1U << n).
IGNORE_UAPI=$IGNORE,BIT_MACRO

need_pkgs sparse perl make gcc libc6-dev kmod || exit 1
"$here/kernel-files.sh" "$BUILD" || exit 1
kenv=$("$here/kernel.sh" 6.1) || exit 1
eval "$kenv"

problems=0
section() { echo "== $* =="; }

# ---- checkpatch ----
# checkpatch FILES...: run it, with IGNORE_TYPES, from the top directory.
checkpatch()
{
	(cd "$top" && perl "$BUILD/checkpatch/checkpatch.pl" --strict --no-tree \
		--show-types --color=never --ignore "$IGNORE_TYPES" \
		--summary-file -f "$@") || problems=$((problems + 1))
}
section "checkpatch --strict: module/"
mapfile -t files < <(cd "$top" && find module -name '*.[ch]' ! -name '*.mod.c' \
	! -name section_fops.c | sort)
IGNORE_TYPES=$IGNORE checkpatch "${files[@]}"
# section_fops.c copies shmem's file operations at load (shmem does not
# export them) and changes two of them: its copies cannot be const.
IGNORE_TYPES=$IGNORE,CONST_STRUCT checkpatch module/section_fops.c
section "checkpatch --strict: uapi/linux/lpc.h"
IGNORE_TYPES=$IGNORE_UAPI checkpatch uapi/linux/lpc.h

# ---- builds on a copy ----
src=$BUILD/lint
rm -rf "$src"
copy_module_src "$top" "$src"

# build_check KEY TITLE MAKE-ARGS...: build, print the output, count reports.
build_check()
{
	local log=$src/$1.log title=$2 rc
	shift 2

	section "$title"
	make -s -C "$src/module" KDIR="$KDIR" clean >/dev/null 2>&1
	make -C "$src/module" KDIR="$KDIR" "$@" >"$log" 2>&1
	rc=$?
	# Kbuild's own chatter is not a report; compiler and sparse output is.
	# Reports name module/... rather than the copy.
	grep -v -E '^make(\[[0-9]+\])?: (Entering|Leaving)|^make -C |^  [A-Z0-9]+( \[M\])? +[^ ]+$|^Skipping BTF' "$log" |
		sed "s|$src/||g"
	if [ $rc -ne 0 ]; then
		echo "lint: $title: the build failed"
		problems=$((problems + 1))
	elif grep -q -E 'warning:|error:' "$log"; then
		echo "lint: $title: $(grep -c -E 'warning:|error:' "$log") reports"
		problems=$((problems + 1))
	fi
}
build_check sparse "sparse (C=2, $KREL headers)" C=2
build_check w1 "W=1 build ($KREL headers)" W=1

if [ $problems -ne 0 ]; then
	echo "lint: $problems of 4 checks failed"
	exit 1
fi
echo "lint: clean (checkpatch, sparse, W=1)"
