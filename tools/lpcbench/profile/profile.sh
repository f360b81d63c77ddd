#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Instruction-count profile of lpc.ko: copy the tree to build/profile,
# insert probes (apply.py), run lpcbench once under icount and print the
# last events: probe number, instructions since the previous event, name.
#
#   tools/lpcbench/profile/profile.sh [lpcbench arguments]
#
# Default arguments: one 64-byte round-trip cell (-R -p lpc -s 64).
# Read one round trip from the end of the list; subtract the probe cost
# (printed first) from every line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
work=$top/build/profile

rm -rf "$work"
mkdir -p "$work"
tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$work" -xf -
python3 "$here/apply.py" "$work" || echo "profile.sh: some probes are missing"
args=${*:--R -p lpc -s 64 -n 2000 -r 1}
make -C "$work" bench BENCH_RUNS=icount BENCH_ARGS="$args" >"$work/bench.out" 2>&1 ||
	{ tail -20 "$work/bench.out"; exit 1; }
sed -n 's/\r$//; s/.*lpcprof: //p' "$work"/build/*/bench-icount.log
