#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
#
# tap-summary.awk -v vm_rc=N -v label=NAME CONSOLE_LOG
#
# Count the results of a 'check' VM run from its serial console log (see
# init.sh for the markers), print one summary line per test binary, the
# failures, and as the very last line "N passed, N failed[, N skipped]".
# Exits 1 on any failure, a missing result, a panic or a time-out.
#
# Inside a "lpc-test: begin NAME" ... "lpc-test: end NAME rc=RC" block:
#   ok N ... / not ok N ...   a kselftest result (counted against "1..N")
#   ok - ... / not ok - ...   a check added by init.sh (dmesg, rmmod, ...)
#   ok ... # SKIP ...         skipped
# A binary that exits non-zero without a failed result, prints fewer
# results than its plan, or prints none at all counts one more failure.

function fail_msg(msg)
{
	failures[nfail_msgs++] = msg
}

function finish(name, rc,	extra)
{
	if (nplan[name] > ntap[name]) {
		extra = nplan[name] - ntap[name]
		nf[name] += extra
		fail_msg(name ": " extra " of " nplan[name] " planned results missing")
	}
	if (rc != 0 && nf[name] == 0) {
		if (rc == 4 && np[name] == 0) {
			# KSFT_SKIP: the whole binary skipped itself
			if (ns[name] == 0)
				ns[name] = 1
		} else {
			nf[name]++
			fail_msg(name ": exited with status " rc " without a failed result")
		}
	}
	if (np[name] + nf[name] + ns[name] == 0) {
		nf[name]++
		fail_msg(name ": printed no results")
	}
}

BEGIN {
	cur = ""
	planned = 0
	done = 0
	nplanned = 0
	nfail_msgs = 0
}

{ sub(/\r+$/, "") }

/Kernel panic - not syncing/ && panic == "" { panic = $0 }

/^lpc-test: plan / {
	planned = 1
	for (i = 3; i <= NF; i++)
		plan_order[nplanned++] = $i
	next
}

/^lpc-test: begin / {
	cur = $3
	begun[cur] = 1
	np[cur] = nf[cur] = ns[cur] = nplan[cur] = ntap[cur] = 0
	next
}

/^lpc-test: end / {
	name = $3
	rc = $4
	sub(/^rc=/, "", rc)
	if (name == cur && !(name in ended)) {
		ended[name] = 1
		finish(name, rc + 0)
	}
	cur = ""
	next
}

/^lpc-test: done$/ { done = 1; next }

cur == "" { next }

/^1\.\.[0-9]+/ && nplan[cur] == 0 {
	n = $0
	sub(/^1\.\./, "", n)
	nplan[cur] = n + 0
	next
}

/^(not )?ok( |$)/ {
	harness = ($0 ~ /^(not )?ok [0-9]+/)
	if (harness)
		ntap[cur]++
	if ($0 ~ /^not ok/) {
		nf[cur]++
		fail_msg(cur ": " $0)
	} else if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) {
		ns[cur]++
	} else {
		np[cur]++
	}
}

END {
	if (label != "")
		printf("--- %s ---\n", label)
	if (!planned) {
		tf++
		fail_msg("the VM never started the tests (no 'lpc-test: plan' line)")
	}
	unfinished = 0
	for (i = 0; i < nplanned; i++) {
		name = plan_order[i]
		if (!(name in ended)) {
			unfinished++
			nf[name]++
			fail_msg(name ": did not finish" (name in begun ? "" : " (never started)"))
		}
		printf("%-28s %4d passed, %d failed, %d skipped\n",
		       name, np[name], nf[name], ns[name])
		tp += np[name]
		tf += nf[name]
		ts += ns[name]
	}
	if (planned && !done && !unfinished) {
		tf++
		fail_msg("the VM stopped before 'lpc-test: done'")
	}
	# These explain failures counted above; count one if nothing was.
	bad_vm = 0
	if (panic != "") {
		fail_msg("kernel panic: " panic)
		bad_vm = 1
	}
	if (vm_rc == 124) {
		fail_msg("QEMU was killed: the VM ran out of time")
		bad_vm = 1
	} else if (vm_rc != "" && vm_rc != 0) {
		fail_msg("QEMU exited with status " vm_rc)
		bad_vm = 1
	}
	if (bad_vm && tf == 0)
		tf++
	if (nfail_msgs > 0) {
		print "failures:"
		for (i = 0; i < nfail_msgs; i++)
			print "  " failures[i]
	}
	if (ts > 0)
		printf("%d passed, %d failed, %d skipped\n", tp, tf, ts)
	else
		printf("%d passed, %d failed\n", tp, tf)
	exit(tf > 0)
}
