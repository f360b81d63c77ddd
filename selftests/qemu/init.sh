#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the lpc test VM (busybox sh, PID 1). mkinitramfs.sh installs it
# together with /etc/lpc.env, which says what to do:
#
#   LPC_MODE          check | run | shell | bench
#   LPC_FILTER        check: run only binaries or tests matching *FILTER*
#   LPC_TEST_TIMEOUT  check: seconds one test binary may take
#   LPC_KMEMLEAK      check: 1 = a kmemleak scan after rmmod must be clean
#   LPC_BENCH_ARGS    bench: arguments for /bin/lpcbench
#   LPC_GCOV          check: 1 = dump lpc.ko's gcov counters at the end
#   LPC_FUZZ_SECONDS  fuzz: how long /bin/lpcfuzz runs
#   LPC_FUZZ_SEED     fuzz: its seed
#   LPC_FUZZ_ARGS     fuzz: more lpcfuzz options
#   LPC_CHECK_FUZZ_SECONDS, LPC_CHECK_FUZZ_SEEDS
#                     check: after the selftests, lpcfuzz for that long
#                     with each seed (vm.sh sets them on the debug kernels)
#
# Everything the host parses is a line starting with "lpc-" or a TAP line
# inside a "lpc-test: begin NAME" ... "lpc-test: end NAME rc=N" block; see
# tap-summary.awk. The VM always ends with 'reboot -f' (QEMU runs with
# -no-reboot, so that powers it off); if this script dies, the kernel
# panics, reboots, and the host sees the missing "lpc-test: done" line.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root TERM=linux

# The initramfs has only /bin/busybox and /bin/sh: link the applets.
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s
mount -t devtmpfs devtmpfs /dev
exec 0<>/dev/console 1>&0 2>&0
# The host boots again, once, a kernel that died before this line: nothing
# of lpc had run yet (vm.sh's boot()).
echo "lpc-init: up"

mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm /dev/mqueue /tmp /run /root
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t mqueue mqueue /dev/mqueue
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
hostname lpc-vm
cd /tmp || exit 1

. /etc/lpc.env

# What a kernel log must never contain during a test.
BAD='BUG:|WARNING:|Oops|general protection|kernel BUG|KASAN:|UBSAN:'
BAD="$BAD|possible recursive locking|circular locking dependency"
BAD="$BAD|suspicious RCU usage|inconsistent lock state|refcount_t:"
BAD="$BAD|list_add corruption|list_del corruption|blocked for more than"

power_off()
{
	sync
	reboot -f
	sleep 5
	echo b > /proc/sysrq-trigger
}

# Read and clear the kernel log (the buffer is 4 MiB: log_buf_len=4M).
kernel_log()
{
	dmesg -c -s 4194304
}

# check_kernel_log NAME: after NAME ran, report what the kernel logged.
# without_foreign_races: KCSAN reports (between two lines of '=') whose
# stacks never enter lpc.ko are the rest of the kernel's business: drop
# them, and say how many there were. Every other line passes through.
without_foreign_races()
{
	awk '
	/====================/ {
		if (inrep) {
			if (lpc || !kcsan) printf "%s%s\n", rep, $0
			else foreign++
			inrep = 0; rep = ""; next
		}
		inrep = 1; lpc = 0; kcsan = 0; rep = $0 "\n"; next
	}
	inrep {
		rep = rep $0 "\n"
		if ($0 ~ /\[lpc\]/) lpc = 1
		if ($0 ~ /BUG: KCSAN:/) kcsan = 1
		next
	}
	{ print }
	END {
		if (inrep) printf "%s", rep
		if (foreign) printf "lpc-note: %d KCSAN report(s) outside lpc ignored\n", foreign
	}'
}

check_kernel_log()
{
	log=$(kernel_log | without_foreign_races)
	printf '%s\n' "$log" | sed -n 's/^lpc-note: /# /p'
	hit=$(printf '%s\n' "$log" | grep -E -m1 "$BAD") || return 0
	echo "# kernel log during $1 (up to 400 lines):"
	printf '%s\n' "$log" | head -n 400 | sed 's/^/# /'
	echo "not ok - $1: kernel reported: $(printf '%s' "$hit" | sed 's/^\[[^]]*\] *//' | cut -c1-120)"
}

load_lpc()
{
	if ! out=$(insmod /lib/modules/lpc.ko 2>&1); then
		echo "# insmod lpc.ko: $out"
		return 1
	fi
	i=0
	while [ ! -c /dev/lpc ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -c /dev/lpc ] || { echo "# lpc.ko loaded but /dev/lpc did not appear"; return 1; }
	echo "# lpc.ko loaded: $(cat /sys/module/lpc/version 2>/dev/null || echo no version)"
}

load_binder()
{
	[ -e /lib/modules/binder_linux.ko ] || return 0
	insmod /lib/modules/binder_linux.ko devices=binder ||
		echo "# binder_linux.ko did not load"
	if grep -qw binder /proc/filesystems; then
		mkdir -p /dev/binderfs
		mount -t binder binder /dev/binderfs ||
			echo "# binderfs did not mount"
	fi
}

# ---- check ----

# test_names BINARY: the names of its tests, from the harness's -l table
# ("FIXTURE VARIANT TEST" columns, 20 and 25 wide, blank when repeated).
test_names()
{
	"$1" -l 2>&1 | awk 'NR > 1 && !/^---/ {
		w = 20
		if ($0 !~ /^ /) { w = length($1); if (w < 20) w = 20 }
		r = substr($0, w + 2)
		if (r !~ /^ /) sub(/^[^ ]+/, "", r)
		gsub(/ /, "", r)
		if (r != "") print r
	}'
}

# select_tests: print "BINARY [-t TEST]..." for each test binary to run.
select_tests()
{
	for f in /tests/*_test; do
		[ -x "$f" ] || continue
		name=${f##*/}
		if [ -z "$LPC_FILTER" ]; then
			echo "$name"
			continue
		fi
		case $name in
		*$LPC_FILTER*) echo "$name"; continue ;;
		esac
		args=
		for t in $(test_names "$f"); do
			case $t in
			*$LPC_FILTER*) args="$args -t $t" ;;
			esac
		done
		[ -n "$args" ] && echo "$name$args"
	done
}

# run_test NAME [HARNESS ARGS...]
run_test()
{
	name=$1
	shift
	echo "lpc-test: begin $name"
	kernel_log >/dev/null
	echo "lpc-test: start $name" >/dev/kmsg
	LPC_EXPECT_DEVICE=1 \
		timeout -k 10 "$LPC_TEST_TIMEOUT" "/tests/$name" "$@" </dev/null
	rc=$?
	case $rc in
	124|137|143) echo "not ok - $name: killed after ${LPC_TEST_TIMEOUT}s (rc=$rc)" ;;
	esac
	check_kernel_log "$name"
	echo "lpc-test: end $name rc=$rc"
}

# kmemleak_block: the "kmemleak" result block, after rmmod: scan twice
# (objects freed by RCU need the second), and any unreferenced object
# fails. A scan saved in /tmp/kmemleak-loaded (made while lpc.ko was still
# loaded, so its backtraces name lpc's functions) is shown instead.
kmemleak_block()
{
	local kml=/sys/kernel/debug/kmemleak leaks

	echo "lpc-test: begin kmemleak"
	if [ ! -w $kml ]; then
		echo "not ok - kmemleak: $kml is not available"
	else
		echo scan >$kml
		sleep 5
		echo scan >$kml
		leaks=$(cat $kml)
		if [ -z "$leaks" ]; then
			echo "ok - kmemleak: no leaks"
		else
			if [ -s /tmp/kmemleak-loaded ]; then
				echo "# as scanned before rmmod, with lpc's symbols:"
				head -n 400 /tmp/kmemleak-loaded | sed 's/^/# /'
			else
				printf '%s\n' "$leaks" | head -n 400 | sed 's/^/# /'
			fi
			echo "not ok - kmemleak: $(printf '%s\n' "$leaks" | grep -c '^unreferenced object') unreferenced objects"
		fi
	fi
	echo "lpc-test: end kmemleak rc=0"
}

run_check()
{
	# Ignore what boot left in the kernel log and in kmemleak.
	kernel_log >/dev/null
	kml=/sys/kernel/debug/kmemleak
	if [ "$LPC_KMEMLEAK" = 1 ] && [ -w $kml ]; then
		echo scan >$kml
		echo clear >$kml
	fi

	selected=$(select_tests)
	if [ -z "$selected" ]; then
		echo "lpc-test: plan filter"
		echo "lpc-test: begin filter"
		if [ -n "$LPC_FILTER" ]; then
			echo "not ok - no test binary or test matches T='$LPC_FILTER'"
		else
			echo "not ok - no test binaries in /tests"
		fi
		echo "lpc-test: end filter rc=1"
		echo "lpc-test: done"
		return
	fi
	# A sanitizer that is built in but off would pass everything.
	[ -r /sys/kernel/debug/kcsan ] &&
		echo "# kcsan: $(head -n 1 /sys/kernel/debug/kcsan)"
	# On the debug kernels, with no T=: a bounded lpcfuzz run per fixed seed.
	fuzz_seeds=
	[ -z "$LPC_FILTER" ] && [ "${LPC_CHECK_FUZZ_SECONDS:-0}" -gt 0 ] &&
		[ -x /bin/lpcfuzz ] && fuzz_seeds=${LPC_CHECK_FUZZ_SEEDS:-}
	echo "lpc-test: plan insmod $(echo "$selected" | cut -d' ' -f1 | tr '\n' ' ')$(for s in $fuzz_seeds; do printf 'lpcfuzz-seed=%s ' "$s"; done)rmmod$( [ "$LPC_KMEMLEAK" = 1 ] && echo ' kmemleak')"

	echo "lpc-test: begin insmod"
	loaded=1
	if load_lpc; then
		echo "ok - insmod lpc.ko"
	else
		loaded=0
		echo "not ok - insmod lpc.ko"
	fi
	check_kernel_log insmod
	echo "lpc-test: end insmod rc=$((1 - loaded))"

	echo "$selected" | while read -r name filter; do
		if [ $loaded = 1 ]; then
			# shellcheck disable=SC2086 # "-t NAME" words
			run_test "$name" $filter
		else
			echo "lpc-test: begin $name"
			echo "not ok - $name: not run, lpc.ko did not load"
			echo "lpc-test: end $name rc=1"
		fi
	done
	for seed in $fuzz_seeds; do
		fuzz_once "$seed" "$LPC_CHECK_FUZZ_SECONDS" ""
	done

	if [ -n "$fuzz_seeds" ] && [ $loaded = 1 ]; then
		fuzz_rmmod
	else
		check_rmmod
	fi

	[ "$LPC_KMEMLEAK" = 1 ] && kmemleak_block
	dump_gcov
	echo "lpc-test: done"
}

# rmmod after the selftests: at once, or it fails.
check_rmmod()
{
	echo "lpc-test: begin rmmod"
	if [ $loaded = 1 ]; then
		if out=$(rmmod lpc 2>&1); then
			echo "ok - rmmod lpc"
		else
			echo "# rmmod lpc: $out"
			echo "# /sys/module/lpc/refcnt: $(cat /sys/module/lpc/refcnt 2>&1)"
			echo "not ok - rmmod lpc"
		fi
		check_kernel_log rmmod
	else
		echo "not ok - rmmod lpc: lpc.ko was not loaded"
	fi
	echo "lpc-test: end rmmod rc=0"
}

# dump_gcov: with LPC_GCOV=1, lpc.ko's coverage counters (kept by the
# kernel after rmmod, gcov_persist) go to the console as a base64 tar, for
# vm.sh to unpack next to the objects they count.
dump_gcov()
{
	local dir=/sys/kernel/debug/gcov

	[ "${LPC_GCOV:-0}" = 1 ] || return 0
	if [ ! -d $dir ]; then
		echo "# gcov: $dir is not available"
		return 0
	fi
	# busybox tar takes no file list: copy the counters out first.
	rm -rf /tmp/gcov
	(cd $dir && find . -name '*.gcda') | while read -r f; do
		mkdir -p "/tmp/gcov/${f%/*}"
		cat "$dir/$f" > "/tmp/gcov/$f"
	done
	echo "# gcov: $(find /tmp/gcov -name '*.gcda' 2>/dev/null | wc -l) counter files"
	echo "--- GCOV BEGIN ---"
	(cd /tmp/gcov 2>/dev/null && tar -c -z -f - .) | base64
	echo "--- GCOV END ---"
}

# ---- fuzz ----

# rmmod, retried for a while: the last fput of a port passed over
# SCM_RIGHTS or held by an exiting task may come a moment late.
fuzz_rmmod()
{
	echo "lpc-test: begin rmmod"
	# to read backtraces into the unloaded module (kmemleak's), with
	# addr2line -j .text on lpc.ko at the address minus this
	echo "# lpc.ko .text at $(cat /sys/module/lpc/sections/.text 2>&1)"
	i=0
	while ! out=$(rmmod lpc 2>&1) && [ $i -lt 20 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	if [ -d /sys/module/lpc ]; then
		echo "# rmmod lpc: $out"
		echo "# /sys/module/lpc/refcnt: $(cat /sys/module/lpc/refcnt 2>&1)"
		last=
		for f in /proc/[0-9]*/fd/*; do
			link=$(readlink "$f" 2>/dev/null)
			case $link in
			*lpc*) ;;
			*) continue ;;
			esac
			holder=${f%/fd/*}
			if [ "$holder" != "$last" ]; then
				# who it is and what it waits in
				echo "# $holder ($(cat "$holder/comm")): $(grep -E '^(State|PPid|Uid|SigBlk):' "$holder/status" | tr '\t\n' '  '), wchan $(cat "$holder/wchan" 2>&1)"
				last=$holder
			fi
			echo "# $holder holds $f: $link"
		done
		echo "not ok - rmmod lpc: something still holds the module after lpcfuzz"
	elif [ $i -gt 0 ]; then
		echo "ok - rmmod lpc (after $i retries)"
	else
		echo "ok - rmmod lpc"
	fi
	check_kernel_log rmmod
	echo "lpc-test: end rmmod rc=0"
}

# fuzz_once SEED SECONDS ARGS: one lpcfuzz run as one test, "lpcfuzz-seed=SEED"
# (lpc.ko loaded or not: $loaded).
fuzz_once()
{
	local name="lpcfuzz-seed=$1" limit=$(($2 + 60)) rc

	echo "lpc-test: begin $name"
	if [ "$loaded" = 1 ]; then
		echo "lpc-test: start $name" >/dev/kmsg
		# shellcheck disable=SC2086 # split ARGS on purpose
		timeout -k 10 "$limit" /bin/lpcfuzz -s "$1" -d "$2" $3 </dev/null
		rc=$?
		case $rc in
		0) echo "ok - $name: no inconsistency seen" ;;
		1) echo "not ok - $name: lpcfuzz saw inconsistencies" ;;
		124|137|143) echo "not ok - $name: killed after ${limit}s (rc=$rc)" ;;
		*) echo "not ok - $name: lpcfuzz exited with status $rc" ;;
		esac
		check_kernel_log "$name"
	else
		rc=1
		echo "not ok - $name: not run, lpc.ko did not load"
	fi
	echo "lpc-test: end $name rc=$rc"
}

run_fuzz()
{
	name="lpcfuzz-seed=$LPC_FUZZ_SEED"
	kml=/sys/kernel/debug/kmemleak
	kernel_log >/dev/null
	if [ "$LPC_KMEMLEAK" = 1 ] && [ -w $kml ]; then
		echo scan >$kml
		echo clear >$kml
	fi
	echo "lpc-test: plan insmod $name rmmod$( [ "$LPC_KMEMLEAK" = 1 ] && echo ' kmemleak')"

	echo "lpc-test: begin insmod"
	if load_lpc; then
		loaded=1
		echo "ok - insmod lpc.ko"
	else
		loaded=0
		echo "not ok - insmod lpc.ko"
	fi
	check_kernel_log insmod
	echo "lpc-test: end insmod rc=$((1 - loaded))"

	fuzz_once "$LPC_FUZZ_SEED" "$LPC_FUZZ_SECONDS" "$LPC_FUZZ_ARGS"

	# A first kmemleak scan while lpc.ko is loaded: after rmmod its
	# backtraces would name no lpc function. (Objects that only the
	# module's own data still points to show up after rmmod only.)
	if [ "$LPC_KMEMLEAK" = 1 ] && [ -w $kml ] && [ $loaded = 1 ]; then
		echo scan >$kml
		cat $kml >/tmp/kmemleak-loaded
	fi

	if [ $loaded = 1 ]; then
		fuzz_rmmod
	else
		echo "lpc-test: begin rmmod"
		echo "not ok - rmmod lpc: lpc.ko was not loaded"
		echo "lpc-test: end rmmod rc=0"
	fi

	[ "$LPC_KMEMLEAK" = 1 ] && kmemleak_block
	dump_gcov
	echo "lpc-test: done"
}

# ---- run, bench, shell ----

run_demo()
{
	load_lpc || { echo "lpc-run: end rc=1"; return; }
	load_binder
	echo "lpc-run: begin"
	if [ -f /demo/demo.sh ]; then
		sh /demo/demo.sh
	elif [ -x /bin/portctl ]; then
		portctl version
	else
		echo "lpc module version $(cat /sys/module/lpc/version)"
	fi
	rc=$?
	echo "lpc-run: end rc=$rc"
}

run_bench()
{
	load_lpc || { echo "lpc-bench: end rc=1"; return; }
	load_binder
	echo "lpc-bench: begin $(nproc) cpu(s), $(uname -r)"
	if [ -x /bin/lpcbench ]; then
		# Without BENCH_ARGS: round trips, throughput and connection
		# scale (lpcbench -a).
		# shellcheck disable=SC2086 # split BENCH_ARGS on purpose
		/bin/lpcbench ${LPC_BENCH_ARGS:--a}
		rc=$?
	else
		echo "# /bin/lpcbench is not built (tools/lpcbench)"
		rc=1
	fi
	echo "lpc-bench: end rc=$rc"
}

run_shell()
{
	load_lpc || echo "# continuing without lpc.ko"
	load_binder
	echo "lpc VM: $(uname -r), tests in /tests, tools in /bin; exit the shell to power off"
	setsid cttyhack sh -l
}

echo "lpc-vm: booted $(uname -r), mode $LPC_MODE"
case $LPC_MODE in
check) run_check ;;
run) run_demo ;;
bench) run_bench ;;
fuzz) run_fuzz ;;
shell) run_shell ;;
*) echo "lpc-vm: unknown mode '$LPC_MODE'" ;;
esac
power_off
