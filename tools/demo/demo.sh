#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# The lpc demo, run inside the test VM by 'make run' (busybox sh): an echo
# server and two clients talk through the port "\RPC Control\lpc-demo",
# then portctl shows what the module supports. Exits non-zero if any part
# fails, so the harness can tell.
#
# The programs come from $PATH (/bin in the VM), or from $LPC_BIN if set.

bin=${LPC_BIN:+$LPC_BIN/}
clients=2
status=0
port='\RPC Control\lpc-demo'

say() { printf '\n=== %s\n' "$*"; }

say "lpc demo: one echo server, $clients clients, one at a time"
# -t: never hang the VM if a client cannot reach the server.
"${bin}lpc-echo-server" -n "$clients" -t 20 &
server=$!

i=1
while [ "$i" -le "$clients" ]; do
	say "client $i of $clients"
	if ! "${bin}lpc-echo-client" -w 5; then
		status=1
		break
	fi
	# Between clients the server is still up: show its port.
	if [ "$i" -eq 1 ]; then
		say "portctl port list (the server waits for client 2)"
		if "${bin}portctl" version | grep -q '^features:.* query'; then
			"${bin}portctl" port list || status=1
			say "portctl port show (text, then JSON)"
			"${bin}portctl" port show "$port" || status=1
			"${bin}portctl" -j -p port show "$port" || status=1
			say "portctl conn list (text, then JSON)"
			"${bin}portctl" conn list "$port" || status=1
			"${bin}portctl" -j conn list "$port" || status=1
			say "portctl acl show and stats"
			"${bin}portctl" acl show "$port" || status=1
			"${bin}portctl" stats "$port" || status=1
		else
			echo "(this lpc module cannot list ports yet)"
		fi
	fi
	i=$((i + 1))
done

# A failed client leaves the server waiting for it: stop it now.
[ $status -eq 0 ] || kill "$server" 2>/dev/null
wait "$server" || status=1

say "portctl version"
"${bin}portctl" version || status=1

say "lpc demo done: $([ $status -eq 0 ] && echo ok || echo FAILED)"
exit $status
