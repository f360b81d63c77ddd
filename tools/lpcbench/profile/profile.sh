#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Instruction-count profile of one lpc round trip, without touching the
# module's sources: the bench VM under -icount shift=0 runs lpcbench under
# ftrace's function graph tracer (trace-rtt.sh), and breakdown.py turns the
# trace into the table of Documentation/performance.rst.
#
#   tools/lpcbench/profile/profile.sh [lpcbench arguments]
#
# Default arguments: one 64-byte round-trip cell (-R -p lpc -s 64 -n 2000
# -r 1). The run uses the bench harness as is (selftests/qemu/vm.sh bench,
# icount boot only) with its own build directory, build/profile, whose
# bin/lpcbench is trace-rtt.sh and bin/lpcbench.real the real lpcbench.
# Output: the breakdown on stdout; the VM log in build/profile/6.1/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
work=$top/build/profile

rm -rf "${work:?}/bin"
mkdir -p "$work/bin"
make -C "$top" tools >"$work/build.log" 2>&1 ||
	{ tail -20 "$work/build.log"; exit 1; }
cp "$top/build/bin/lpcbench" "$work/bin/lpcbench.real"
install -m 0755 "$here/trace-rtt.sh" "$work/bin/lpcbench"

args=${*:--R -p lpc -s 64 -n 2000 -r 1}
BUILD=$work KVER=6.1 BENCH_RUNS=icount BENCH_ARGS="$args" \
	"$top/selftests/qemu/vm.sh" bench >"$work/bench.out" 2>&1 ||
	{ tail -20 "$work/bench.out"; exit 1; }
python3 "$here/breakdown.py" "$work/6.1/bench-icount.log"
