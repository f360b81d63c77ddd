#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kselftest-tree.sh: prove that selftests/lpc is a kselftest. Copy it to
# tools/testing/selftests/lpc of the linux-source-6.1 tree the debug kernel
# is built from (debug-kernel.sh; cached, built once) and build it there
# the way every kselftest is built:
#
#   make -C tools/testing/selftests TARGETS=lpc
#
# with that tree's lib.mk and kselftest_harness.h, not the ones lpc's own
# build uses. lpc's uapi header is not in that tree: LPC_UAPI points at
# uapi/. Build only: the VM runs the tests ('make check').
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

tree=$("$here/debug-kernel.sh" debug)
ksft=$tree/tools/testing/selftests

build()
{
	rm -rf "$ksft/lpc"
	cp -r "$top/selftests/lpc" "$ksft/lpc"
	make -C "$ksft" TARGETS=lpc LPC_UAPI="$top/uapi"
}

# Another check-kselftest may copy into the same place at the same time.
with_lock "$ksft/lpc.lock" build
n=$(find "$ksft/lpc" -maxdepth 1 -name '*_test' -type f -perm -u+x | wc -l)
want=$(ls "$top"/selftests/lpc/*_test.c | wc -l)
[ "$n" -eq "$want" ] || die "built $n of $want test programs in $ksft/lpc"
echo "kselftest: $n lpc test programs built in $ksft/lpc"
