#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# trace-rtt.sh [lpcbench arguments]: run inside the bench VM as /bin/lpcbench
# (profile.sh puts it there and the real binary next to it as
# /bin/lpcbench.real). It runs lpcbench twice with the same arguments:
#
#   1. untraced, for the reference median (the harness's CSV comes from it);
#   2. under ftrace's function graph tracer, limited to lpc.ko's functions
#      and the few kernel functions a round trip is made of, with the trace
#      clock "mono": under -icount shift=0 it advances one nanosecond per
#      guest instruction, so every timestamp is an instruction count.
#
# The end of the trace is printed between "--- TRACE BEGIN ---" and
# "--- TRACE END ---" for breakdown.py on the host. Nothing in lpc.ko is
# changed: ftrace patches the __fentry__ calls every traceable function of
# a kernel and its modules already has.
T=/sys/kernel/tracing
real=/bin/lpcbench.real
lines=${LPC_TRACE_LINES:-6000}

"$real" "$@"
rc=$?
[ $rc -eq 0 ] || exit $rc

[ -d "$T/options" ] || mount -t tracefs tracefs "$T"
echo 0 > "$T/tracing_on"
echo nop > "$T/current_tracer"
echo mono > "$T/trace_clock"
# Overwrite: the buffer keeps the newest events, from the steady state.
echo 2048 > "$T/buffer_size_kb"
# Every function of the module, then the kernel functions whose calls
# mark a round trip's wake-ups and switches (a name this kernel does not
# have is skipped).
echo ':mod:lpc' > "$T/set_ftrace_filter"
for f in __x64_sys_ioctl wake_up_process try_to_wake_up schedule; do
	echo "$f" >> "$T/set_ftrace_filter" 2>/dev/null ||
		echo "# trace-rtt: $f is not traceable here"
done
echo function_graph > "$T/current_tracer"
for o in funcgraph-abstime funcgraph-proc funcgraph-tail; do
	echo 1 > "$T/options/$o"
done
for o in funcgraph-irqs funcgraph-overhead; do
	echo 0 > "$T/options/$o"
done
echo "# trace-rtt: $(wc -l < "$T/set_ftrace_filter") functions traced," \
	"clock $(sed 's/.*\[\(.*\)\].*/\1/' "$T/trace_clock")"

echo 1 > "$T/tracing_on"
"$real" "$@" > /tmp/traced.out
rc=$?
echo 0 > "$T/tracing_on"
echo "# trace-rtt: the traced run (tracer overhead included):"
grep -A3 '^size' /tmp/traced.out | head -n 4 | sed 's/^/# traced: /'

# lpcbench's last round trips, then its teardown: printed whole, the
# host keeps the complete round trips.
echo "--- TRACE BEGIN ---"
tail -n "$lines" "$T/trace"
echo "--- TRACE END ---"
echo nop > "$T/current_tracer"
exit $rc
