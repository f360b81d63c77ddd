#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# The lpc demo, run inside the test VM by 'make run' (busybox sh): an echo
# server and two clients talk through the port "\RPC Control\lpc-demo",
# then portctl shows what the module supports. Two 'portctl monitor's, one
# in text and one in JSON, watch the port all along and show what they saw
# at the end. Exits non-zero if any part fails, so the harness can tell.
#
# The programs come from $PATH (/bin in the VM), or from $LPC_BIN if set.

bin=${LPC_BIN:+$LPC_BIN/}
clients=2
status=0
port='\RPC Control\lpc-demo'

say() { printf '\n=== %s\n' "$*"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# monitor NAME ARGS: start 'portctl ARGS' in the background, its output
# in $tmp/NAME, and wait until it says its events are enabled (its first
# line on stderr, through a fifo kept open on fd 3 or 4).
monitors=
monitor()
{
	name=$1
	shift
	mkfifo "$tmp/$name.err"
	"${bin}portctl" "$@" >"$tmp/$name" 2>"$tmp/$name.err" &
	monitors="$monitors $!"
	if [ "$name" = text ]; then exec 3<"$tmp/$name.err"; read -r line <&3
	else exec 4<"$tmp/$name.err"; read -r line <&4; fi
	echo "$line"
	case $line in
	*monitoring*) ;;
	*) status=1 ;;
	esac
}

say "portctl monitor: watch the demo port (text, and JSON lines)"
monitor text monitor "$port"
monitor json -j monitor "$port"

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

# Ctrl-C for the monitors: they print what is left and remove their
# tracefs instances.
for m in $monitors; do
	kill -INT "$m"
	wait "$m" || status=1
done
exec 3<&- 4<&-
say "what portctl monitor saw (text)"
cat "$tmp/text"
say "what portctl -j monitor saw (first lines)"
head -n 6 "$tmp/json"

say "portctl version"
"${bin}portctl" version || status=1

say "lpc demo done: $([ $status -eq 0 ] && echo ok || echo FAILED)"
exit $status
