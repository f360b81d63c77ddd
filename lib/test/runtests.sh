#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
#
# Run liblpc tests: runtests.sh TEST...
# Each TEST is a program or a .sh script; exit 0 passes, 77 skips,
# anything else fails. Prints one line per test and a summary.

pass=0 fail=0 skip=0 failed=
timeout=${LPC_TEST_TIMEOUT:-60}

for t in "$@"; do
	name=${t##*/}
	log=$(mktemp)
	case $t in
	*.sh) set -- sh "$t" ;;
	*) set -- "$t" ;;
	esac
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 5 "$timeout" "$@" >"$log" 2>&1
	else
		"$@" >"$log" 2>&1
	fi
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name" ;;
	77) skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$log")" ;;
	*) fail=$((fail + 1)); failed="$failed $name"
	   echo "FAIL $name (exit $rc)"; sed 's/^/    /' "$log" ;;
	esac
	rm -f "$log"
done

echo "liblpc: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ] || { echo "failed:$failed"; exit 1; }
