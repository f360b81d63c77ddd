#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh MODE: build lpc.ko for the VM kernel, pack an initramfs and boot it.
#
#   check   run the selftests, print the summary, exit non-zero on failure
#   run     run the demo (tools/demo/demo.sh, else 'portctl version')
#   shell   an interactive busybox shell on the console (Ctrl-a x quits)
#   bench   run /bin/lpcbench under icount (-smp 1) and under -smp 2
#   fuzz    run /bin/lpcfuzz, then rmmod (and kmemleak on debug kernels);
#           prints the summary like check and the seed that reproduces a
#           failure
#
# The top-level Makefile builds user space into $BUILD first and calls this.
# Environment (all optional):
#   KVER          6.1 (default), 6.12, ..., debug (KASAN) or kcsan
#   T             check: run only test binaries or tests matching *T*
#   BUILD         build directory (default: <repo>/build)
#   VM_TIMEOUT    seconds before QEMU is killed
#   TEST_TIMEOUT  check: seconds one test binary may run
#   VM_MEM VM_SMP memory (default 2G) and CPUs (default 2) of the VM
#   BENCH_ARGS    bench: arguments for lpcbench
#   BENCH_RUNS    bench: which boots, "icount smp2" (default) or one of them
#   CHECK_M32     check: 1 = also run the 32-bit selftests (default on 6.1;
#                 the debug kernels lack COMPAT_32BIT_TIME, which 32-bit
#                 glibc's futex calls need)
#   LPC_CACHE     kernel cache (default ~/.cache/lpc)
#   LPC_MODULE    a lpc.ko to boot instead of building module/ (uncompressed)
#   FUZZ_SECONDS  fuzz: how long lpcfuzz runs (default 120)
#   FUZZ_SEED     fuzz: its seed (default: random, printed)
#   FUZZ_ARGS     fuzz: more lpcfuzz options (-p, -t, -m, -K, -F, -R, -N)
#   CHECK_FUZZ_SECONDS, CHECK_FUZZ_SEEDS
#                 check on the debug kernels (not with T=): lpcfuzz after
#                 the selftests, this long per seed (default 60, "1 2";
#                 0 turns it off; 0 elsewhere)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

mode=${1:?usage: vm.sh check|run|shell|bench}
KVER=${KVER:-6.1}
T=${T:-}
user_vm_timeout=${VM_TIMEOUT:-}
BUILD=${BUILD:-$top/build}
VM_MEM=${VM_MEM:-2G}
VM_SMP=${VM_SMP:-2}

need_pkgs "${HOST_PKGS[@]}"
start=$(date +%s)

kenv=$("$here/kernel.sh" "$KVER")
eval "$kenv"
out=$BUILD/$KFLAVOR
mkdir -p "$out"

# One VM per kernel flavour and build directory at a time: runs share the
# module build copy, the initramfs and the console log.
exec 8>"$out/.lock"
if ! flock -n 8; then
	note "another run uses $out; waiting for it"
	flock 8
fi

# Time limits: TCG is slow, the KASAN/KCSAN+lockdep kernels much more so.
if [ "$KFLAVOR" = debug ] || [ "$KFLAVOR" = kcsan ]; then
	slow=3
	kmemleak=1
else
	slow=1
	kmemleak=0
fi
# make check on the debug kernels ends with lpcfuzz, fixed seeds, bounded.
if [ "$slow" = 3 ]; then
	: "${CHECK_FUZZ_SECONDS:=60}" "${CHECK_FUZZ_SEEDS:=1 2}"
else
	: "${CHECK_FUZZ_SECONDS:=0}" "${CHECK_FUZZ_SEEDS:=}"
fi
[[ $CHECK_FUZZ_SECONDS =~ ^[0-9]+$ ]] || die "CHECK_FUZZ_SECONDS must be a number of seconds, not '$CHECK_FUZZ_SECONDS'"
# Coverage of lpc.ko is counted on the debug kernel (CONFIG_GCOV_KERNEL).
gcov=0
[ "$KFLAVOR" = debug ] && gcov=1
: "${TEST_TIMEOUT:=$((300 * slow))}"
case $mode in
check) VM_TIMEOUT=${user_vm_timeout:-$((1200 * slow))} ;;
run) VM_TIMEOUT=${user_vm_timeout:-$((300 * slow))} ;;
bench) VM_TIMEOUT=${user_vm_timeout:-$((1200 * slow))} ;;
fuzz) VM_TIMEOUT=${user_vm_timeout:-$((${FUZZ_SECONDS:-120} + 300 * slow))} ;;
esac

# ---- lpc.ko for this kernel ----
# Built in a copy, build/<flavor>/src/module, so that each kernel keeps its
# own objects and module/ stays the developer's.
build_module()
{
	local src=$out/src ko vermagic

	[ -f "$top/module/Makefile" ] || die "module/Makefile does not exist yet"
	copy_module_src "$top" "$src"
	ko=$src/module/lpc.ko
	rm -f "$ko"
	note "building lpc.ko for $KREL"
	make -s -C "$src/module" KDIR="$KDIR" LPC_GCOV="$gcov" ||
		die "lpc.ko does not build against $KDIR"
	[ -f "$ko" ] || die "the module build produced no lpc.ko"
	vermagic=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	[ "$vermagic" = "$KREL" ] || die "lpc.ko is for '$vermagic', the VM runs '$KREL'"
	cp "$ko" "$out/lpc.ko"
}
need_pkgs kmod
# LPC_MODULE=path boots a lpc.ko built elsewhere (make check-dkms: DKMS's).
if [ -n "${LPC_MODULE:-}" ]; then
	[ -f "$LPC_MODULE" ] || die "LPC_MODULE=$LPC_MODULE does not exist"
	[ "$(modinfo -F vermagic "$LPC_MODULE" | cut -d' ' -f1)" = "$KREL" ] ||
		die "LPC_MODULE=$LPC_MODULE is not built for $KREL"
	note "using $LPC_MODULE, not a build of module/"
	cp "$LPC_MODULE" "$out/lpc.ko"
else
	build_module
fi

# ---- QEMU ----
# TCG unless LPC_KVM=1 asks for KVM: a /dev/kvm inside a sandbox may exist
# and still fail to run a guest (seen: "KVM internal error ... emulation
# failure" on the kernel's first VEX instruction).
accel_args()
{
	if [ "${LPC_KVM:-0}" = 1 ] && [ -w /dev/kvm ] && [ "${1:-}" != tcg ]; then
		echo "-accel kvm -cpu host"
	else
		echo "-accel tcg -cpu max"
	fi
}

APPEND="console=ttyS0,115200 panic=-1 oops=panic hung_task_panic=1"
APPEND="$APPEND log_buf_len=4M printk.devkmsg=on quiet rdinit=/init"

case ${CHECK_M32:-} in
'') case $KFLAVOR in 6.1) CHECK_M32=1 ;; *) CHECK_M32=0 ;; esac ;;
esac
tests32=
[ "$CHECK_M32" = 1 ] && [ -d "$BUILD/selftests32" ] && tests32=$BUILD/selftests32

# initramfs MODE FILE: pack the initramfs for MODE.
initramfs()
{
	LPC_KO=$out/lpc.ko LPC_BINDER=$KBINDER LPC_TESTS=$BUILD/selftests \
	LPC_TESTS32=$tests32 \
	LPC_BIN=$BUILD/bin LPC_DEMO=$top/tools/demo \
		"$here/mkinitramfs.sh" "$2" "$1" \
		LPC_FILTER="$T" LPC_TEST_TIMEOUT="$TEST_TIMEOUT" \
		LPC_KMEMLEAK="$kmemleak" LPC_BENCH_ARGS="${BENCH_ARGS:-}" \
		LPC_GCOV="$gcov" LPC_CHECK_FUZZ_SECONDS="$CHECK_FUZZ_SECONDS" \
		LPC_CHECK_FUZZ_SEEDS="$CHECK_FUZZ_SEEDS" \
		LPC_KREL="$KREL"
}

# boot LOG [QEMU ARGS...]: boot with a bounded run time, console on stdout
# and in LOG; sets vm_rc. A kernel that dies before /init says "lpc-init:
# up" died before any lpc code ran (TCG has shown an int3 oops while the
# kernel patched its own text at boot): that boot says nothing about lpc,
# and is made again, once; its log is kept as LOG.first.
boot()
{
	local log=$1 try
	shift
	rm -f "$log" "$log.first"
	for try in 1 2; do
		set +e
		# shellcheck disable=SC2046 # accel_args is a word list
		timeout --foreground -k 10 "$VM_TIMEOUT" \
			qemu-system-x86_64 -nodefaults -display none -no-reboot \
			-m "$VM_MEM" -kernel "$KIMAGE" -initrd "$initrd" \
			-append "$APPEND" -monitor none \
			-chardev "stdio,id=con,logfile=$log" -serial chardev:con \
			"$@" </dev/null
		vm_rc=$?
		set -e
		[ -f "$log" ] || die "QEMU did not start (status $vm_rc)"
		if [ "$try" = 1 ] && ! grep -q 'lpc-init: up' "$log"; then
			mv "$log" "$log.first"
			note "the kernel died before /init started (no lpc code had run; log: $log.first): booting again, once"
			continue
		fi
		break
	done
}

elapsed() { echo "$(( $(date +%s) - start )) s"; }

# save_gcov LOG RUN: the gcov counters a debug-kernel run dumped (init.sh's
# dump_gcov) go next to the objects they count, and lcov turns them into
# $out/coverage-RUN.info, which 'make coverage' merges and renders.
save_gcov()
{
	local log=$1 run=$2 dir=$out/gcov-$2

	[ "$gcov" = 1 ] || return 0
	rm -rf "$dir" "$out/coverage-$run.info"
	mkdir -p "$dir"
	sed -n '/^--- GCOV BEGIN ---/,/^--- GCOV END ---/p' "$log" |
		tr -d '\r' | grep -v '^--- GCOV' | base64 -d 2>/dev/null |
		tar -xz -C "$dir" 2>/dev/null || true
	if ! find "$dir" -name '*.gcda' | grep -q .; then
		note "no gcov counters in $log"
		return 0
	fi
	need_pkgs lcov
	find "$dir" -name '*.gcda' -exec cp {} "$out/src/module/" \;
	lcov -q --capture --directory "$out/src/module" --rc lcov_branch_coverage=1 \
		--output-file "$out/coverage-$run.info" >/dev/null 2>&1 ||
		note "lcov could not read the counters of $run"
	rm -f "$out/src/module/"*.gcda
}

case $mode in
check)
	[ -d "$BUILD/selftests" ] || die "no $BUILD/selftests: run 'make check', not this script"
	initrd=$out/check.cpio.gz
	initramfs check "$initrd"
	note "booting $KREL ($(accel_args | cut -d' ' -f2)), timeout ${VM_TIMEOUT}s${T:+, T=$T}"
	boot "$out/check.log" -smp "$VM_SMP" $(accel_args)
	note "console log: $out/check.log; $(elapsed)"
	save_gcov "$out/check.log" check
	exec awk -v vm_rc="$vm_rc" -v label="$KREL${T:+ T=$T}" \
		-f "$here/tap-summary.awk" "$out/check.log"
	;;
run)
	initrd=$out/run.cpio.gz
	initramfs run "$initrd"
	boot "$out/run.log" -smp "$VM_SMP" $(accel_args)
	rc=$(sed -n 's/\r$//; s/^lpc-run: end rc=\([0-9]*\)$/\1/p' "$out/run.log")
	[ "$vm_rc" = 0 ] || die "the VM did not finish (QEMU status $vm_rc); log: $out/run.log"
	[ -n "$rc" ] || die "the demo did not finish; log: $out/run.log"
	[ "$rc" = 0 ] || die "the demo failed with status $rc; log: $out/run.log"
	note "demo done in $(elapsed)"
	;;
shell)
	initrd=$out/shell.cpio.gz
	initramfs shell "$initrd"
	note "interactive shell; Ctrl-a x kills the VM, 'exit' powers it off"
	# shellcheck disable=SC2046
	exec qemu-system-x86_64 -nodefaults -display none -no-reboot \
		-m "$VM_MEM" -smp "$VM_SMP" $(accel_args) -kernel "$KIMAGE" \
		-initrd "$initrd" -append "${APPEND/ quiet/}" -serial mon:stdio
	;;
bench)
	initrd=$out/bench.cpio.gz
	initramfs bench "$initrd"
	csvdir=$BUILD/bench
	rm -rf "$csvdir"
	mkdir -p "$csvdir"
	failed=0
	for run in ${BENCH_RUNS:-icount smp2}; do
		case $run in
		icount | smp2) ;;
		*) die "BENCH_RUNS: unknown run '$run' (icount, smp2)" ;;
		esac
		if [ $run = icount ]; then
			args=(-accel tcg,thread=single -cpu max -icount shift=0 -smp 1)
		else
			# shellcheck disable=SC2207
			args=($(accel_args tcg) -smp 2)
		fi
		note "bench run '$run': ${args[*]}"
		boot "$out/bench-$run.log" "${args[@]}"
		# Each "--- CSV BEGIN name ---" block becomes bench/<run>-<name>.csv.
		awk -v dir="$csvdir" -v run="$run" '
			{ sub(/\r+$/, "") }
			/^--- CSV BEGIN .* ---$/ {
				name = $4; gsub(/[^A-Za-z0-9_.-]/, "_", name)
				file = dir "/" run "-" name ".csv"; printf "" > file; next
			}
			/^--- CSV END ---$/ { close(file); file = ""; next }
			file != "" { print >> file }' "$out/bench-$run.log"
		rc=$(sed -n 's/\r$//; s/^lpc-bench: end rc=\([0-9]*\)$/\1/p' "$out/bench-$run.log")
		if [ "$vm_rc" != 0 ] || [ "$rc" != 0 ]; then
			note "bench run '$run' failed (QEMU status $vm_rc, lpcbench status ${rc:-missing}); log: $out/bench-$run.log"
			failed=1
		fi
	done
	note "CSV files in $csvdir: $(cd "$csvdir" && ls | tr '\n' ' ')"
	if [ -x "$top/tools/lpcbench/plot.sh" ] && ls "$csvdir"/*.csv >/dev/null 2>&1; then
		need_pkgs gnuplot-nox
		"$top/tools/lpcbench/plot.sh" "$csvdir" || failed=1
	fi
	note "bench done in $(elapsed)"
	exit $failed
	;;
fuzz)
	FUZZ_SECONDS=${FUZZ_SECONDS:-120}
	[[ $FUZZ_SECONDS =~ ^[1-9][0-9]*$ ]] || die "FUZZ_SECONDS must be a number of seconds, not '$FUZZ_SECONDS'"
	FUZZ_SEED=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
	[[ $FUZZ_SEED =~ ^[0-9]+$ ]] || die "FUZZ_SEED must be a number, not '$FUZZ_SEED'"
	[ -x "$BUILD/bin/lpcfuzz" ] || die "no $BUILD/bin/lpcfuzz: run 'make fuzz', not this script"
	initrd=$out/fuzz.cpio.gz
	LPC_KO=$out/lpc.ko LPC_BINDER= LPC_TESTS= LPC_BIN=$BUILD/bin LPC_DEMO= \
		"$here/mkinitramfs.sh" "$initrd" fuzz \
		LPC_KMEMLEAK="$kmemleak" LPC_KREL="$KREL" \
		LPC_FUZZ_SECONDS="$FUZZ_SECONDS" LPC_FUZZ_SEED="$FUZZ_SEED" \
		LPC_FUZZ_ARGS="${FUZZ_ARGS:-}" LPC_GCOV="$gcov"
	repro="make fuzz KVER=$KVER FUZZ_SEED=$FUZZ_SEED FUZZ_SECONDS=$FUZZ_SECONDS${FUZZ_ARGS:+ FUZZ_ARGS='$FUZZ_ARGS'}"
	# A CPU stuck in lpc ends the run with its backtrace, not at the
	# time limit.
	APPEND="$APPEND softlockup_panic=1"
	note "booting $KREL ($(accel_args | cut -d' ' -f2)), lpcfuzz seed $FUZZ_SEED for ${FUZZ_SECONDS}s, timeout ${VM_TIMEOUT}s"
	# shellcheck disable=SC2046
	boot "$out/fuzz.log" -smp "$VM_SMP" $(accel_args)
	note "console log: $out/fuzz.log; $(elapsed)"
	save_gcov "$out/fuzz.log" fuzz
	set +e
	summary=$(awk -v vm_rc="$vm_rc" -v label="$KREL lpcfuzz seed=$FUZZ_SEED" \
		-f "$here/tap-summary.awk" "$out/fuzz.log")
	rc=$?
	set -e
	if [ "$rc" != 0 ]; then
		# What the kernel said, even if the VM died before init.sh
		# could look: the first line of each distinct report.
		grep -a -v '^#' "$out/fuzz.log" |
			grep -a -o -E '(BUG:|WARNING:|Oops|general protection|kernel BUG|KASAN:|UBSAN:|refcount_t:|list_(add|del) corruption|possible recursive locking|circular locking dependency|suspicious RCU usage|inconsistent lock state|blocked for more than).*' |
			sed 's/\r$//' |
			awk '!seen[$0]++' | head -n 20 |
			while IFS= read -r line; do note "kernel: $line"; done
		note "failed; the same run again: $repro"
	fi
	printf '%s\n' "$summary"
	exit "$rc"
	;;
*)
	die "unknown mode '$mode'"
	;;
esac
