#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# portctl tests that need no module: help and usage errors, the error for
# a missing device in text and JSON, replayed output against recorded
# expectations, the column engine, and that help, man page and bash
# completion list the same objects. Where /dev/lpc exists (the test VM)
# it also checks the live 'version'.
#
# Replayed output comes from portctl-replay, portctl built with an ioctl()
# that answers from a recorded file named by PORTCTL_REPLAY
# (replay_ioctl.c); the installed portctl cannot replay.
#
#   PORTCTL=path/to/portctl PORTCTL_REPLAY_BIN=path/to/portctl-replay \
#	TABLE_TEST=path/to/table_test sh tests/run.sh

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
PORTCTL=${PORTCTL:-$src/build/portctl}
PORTCTL_REPLAY_BIN=${PORTCTL_REPLAY_BIN:-$src/build/.portctl/portctl-replay}
TABLE_TEST=${TABLE_TEST:-$src/build/.portctl/table_test}
MONITOR_LINES=${MONITOR_LINES:-$src/build/.portctl/monitor_lines}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Recorded times print the same everywhere.
TZ=UTC
export TZ
pass=0 fail=0 skip=0

ok() { pass=$((pass + 1)); echo "ok   $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL $*"; }
skipped() { skip=$((skip + 1)); echo "skip $*"; }

# run [ENV=VAL...] -- ARGS: portctl's stdout, stderr and exit status
# into $tmp/out, $tmp/err and $rc.
run()
{
	env_args=
	while [ "$1" != -- ]; do env_args="$env_args $1"; shift; done
	shift
	# shellcheck disable=SC2086
	env $env_args "${bin:-$PORTCTL}" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# replay FILE ARGS: run ARGS with the module's answers read from FILE.
replay()
{
	file=$1
	shift
	bin=$PORTCTL_REPLAY_BIN
	run PORTCTL_REPLAY="$file" LPC_DEVICE=/dev/null -- "$@"
	bin=
}

# check NAME CONDITION...: one test, passes when the command succeeds.
check()
{
	name=$1
	shift
	if "$@"; then
		ok "$name"
	else
		not_ok "$name"
		sed 's/^/     stdout: /' "$tmp/out"
		sed 's/^/     stderr: /' "$tmp/err"
		echo "     exit: $rc"
	fi
}

has_python=false
command -v python3 >/dev/null 2>&1 && has_python=true

# json_ok FILE: FILE is one valid JSON document.
json_ok() { python3 -m json.tool "$1" >/dev/null 2>&1; }

# json_eq FILE EXPECTED: same JSON value, whatever the layout.
json_eq()
{
	python3 - "$1" "$2" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
sys.exit(0 if a == b else 1)
PY
}

# json_error FILE TEXT: FILE is {"error": TEXT}.
json_error()
{
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d == {"error": sys.argv[2]} else 1)
PY
}

[ -x "$PORTCTL" ] || { echo "no portctl at $PORTCTL"; exit 1; }
[ -x "$PORTCTL_REPLAY_BIN" ] ||
	{ echo "no portctl-replay at $PORTCTL_REPLAY_BIN"; exit 1; }

# Fill in the version placeholders of the recorded expectations.
"$PORTCTL" -V > "$tmp/V"
version=$(sed -n 's/^portctl \([0-9.]*\) .*/\1/p' "$tmp/V")
api=$(sed -n 's/.*, api \([0-9]*\))$/\1/p' "$tmp/V")
expect()
{
	sed -e "s/@VERSION@/$version/g" -e "s/@API@/$api/g" "$here/$1" \
		> "$tmp/expect"
}

# --- help and usage -------------------------------------------------
run -- help
check "help prints the usage" \
	test $rc -eq 0 -a ! -s "$tmp/err" -a -n "$(grep '^Usage: portctl' "$tmp/out")"
run -- -h
check "-h prints the usage" grep -q '^Usage: portctl' "$tmp/out"
run -- -j help
check "help in JSON mode prints null" test "$(cat "$tmp/out")" = null
run --
check "no object: usage on stderr, exit 2" \
	test $rc -eq 2 -a ! -s "$tmp/out" -a -n "$(grep '^Usage:' "$tmp/err")"
run -- bogus
check "unknown object: exit 2 and an error" \
	test $rc -eq 2 -a "$(cat "$tmp/err")" = \
	"Error: unknown command 'bogus'; try 'portctl help'"
run -- --bogus
check "unknown option: exit 2" test $rc -eq 2
run -- version extra
check "unexpected argument: exit 2" test $rc -eq 2
run -- --replay "$here/version.dump" version
check "the installed portctl cannot replay: exit 2" test $rc -eq 2
run -- version help
check "'version help' prints its usage" \
	test $rc -eq 0 -a "$(head -n 1 "$tmp/out")" = "Usage: portctl version"
run -- -V
check "-V names portctl and liblpc" \
	grep -q "^portctl $version (liblpc $version, api $api)\$" "$tmp/out"

# --- a missing or wrong device --------------------------------------
missing=/nonexistent-lpc-test/lpc
run LPC_DEVICE=$missing -- version
check "missing device: clear error, exit 1" \
	test $rc -eq 1 -a ! -s "$tmp/out" -a "$(cat "$tmp/err")" = \
	"Error: lpc module not loaded ($missing: No such file or directory)"
run LPC_DEVICE=/dev/null -- version
check "not an lpc device: error, exit 1" \
	test $rc -eq 1 -a -n "$(grep 'is not an lpc device' "$tmp/err")"

# --- replayed output ------------------------------------------------
replay "$here/version.dump" version
expect version.txt
check "replayed version (text)" cmp -s "$tmp/out" "$tmp/expect"
replay "$here/version-future.dump" version
expect version-future.txt
check "newer module: api 2, unknown bit, odd size" \
	cmp -s "$tmp/out" "$tmp/expect"
replay "$here/version.dump" v
expect version.txt
check "prefix 'v' runs version" cmp -s "$tmp/out" "$tmp/expect"
printf 'version.api_version 1\nversion.bogus 2\n' > "$tmp/bad.dump"
replay "$tmp/bad.dump" version
check "replay with an unknown key fails" \
	test $rc -eq 1 -a -n "$(grep 'bad.dump:2: unknown key' "$tmp/err")"
printf 'version.api_version 1\n' > "$tmp/short.dump"
replay "$tmp/short.dump" version
check "replay without every version field fails" \
	test $rc -eq 1 -a -n "$(grep 'no version.max_name_len' "$tmp/err")"

# --- ports and connections, replayed --------------------------------
dump=$here/ports.dump
demo='\RPC Control\lpc-demo'
replay "$dump" port list
check "port list (text)" cmp -s "$tmp/out" "$here/port-list.txt"
replay "$dump" port
check "plain 'port' lists" cmp -s "$tmp/out" "$here/port-list.txt"
replay "$dump" -H p l
check "port list -H, by prefixes" \
	cmp -s "$tmp/out" "$here/port-list-noheader.txt"
replay "$dump" port show "$demo"
check "port show (text)" cmp -s "$tmp/out" "$here/port-show.txt"
replay "$dump" conn list "$demo"
check "conn list (text)" cmp -s "$tmp/out" "$here/conn-list.txt"
replay "$dump" port show nope
check "port show of a missing port: exit 1" \
	test $rc -eq 1 -a "$(cat "$tmp/err")" = \
	"Error: no port 'nope' (or not visible to you)"
replay "$dump" port show
check "port show without NAME: exit 2" test $rc -eq 2
replay "$dump" conn list
check "conn list without PORT: exit 2" test $rc -eq 2
replay "$here/version.dump" port list
check "a module without 'query': clear error, exit 1" \
	test $rc -eq 1 -a "$(cat "$tmp/err")" = \
	"Error: this lpc module cannot list ports (no 'query' feature)"
run LPC_DEVICE=$missing -- port list
check "port list without the module: the same error as version" \
	test $rc -eq 1 -a -n "$(grep 'lpc module not loaded' "$tmp/err")"

# --- ACLs and counters, replayed ------------------------------------
replay "$dump" acl show "$demo"
check "acl show (text)" cmp -s "$tmp/out" "$here/acl-show.txt"
replay "$dump" acl show nope
check "acl show of a missing port: exit 1" \
	test $rc -eq 1 -a "$(cat "$tmp/err")" = \
	"Error: no port 'nope' (or not visible to you)"
replay "$dump" acl show
check "acl show without NAME: exit 2" test $rc -eq 2
replay "$dump" acl set "$demo" allow owner all
check "acl set on a replay file: exit 1" \
	test $rc -eq 1 -a -n "$(grep 'cannot be changed' "$tmp/err")"
replay "$here/version.dump" acl show "$demo"
check "a module without ACL get/set: clear error, exit 1" \
	test $rc -eq 1 -a -n "$(grep "no 'acl_getset' feature" "$tmp/err")"
replay "$dump" stats
check "stats of every port (text)" cmp -s "$tmp/out" "$here/stats.txt"
replay "$dump" stats "$demo"
check "stats of one port (text)" cmp -s "$tmp/out" "$here/stats-port.txt"
replay "$dump" stats nope
check "stats of a missing port: exit 1" test $rc -eq 1
replay "$dump" stats a b
check "stats with two names: exit 2" test $rc -eq 2
# acl set --dry-run parses the rules and prints them, device untouched.
set -- allow uid 1000 connect,query deny gid 50 connect \
	allow cap cap_net_admin admin allow cap sys_admin query,admin \
	allow cap 45 query allow everyone query allow owner all \
	allow user 0 connect,query,admin
run LPC_DEVICE=$missing -- --dry-run acl set x "$@"
check "acl set --dry-run (text)" test $rc -eq 0 -a "$(cat "$tmp/out")" = \
"allow uid 1000 connect,query
deny group 50 connect
allow cap cap_net_admin admin
allow cap cap_sys_admin query,admin
allow cap 45 query
allow everyone query
allow owner connect,query,admin
allow uid 0 connect,query,admin"
run -- -n acl set x allow uid
check "rule without an id: exit 2" \
	test $rc -eq 2 -a "$(cat "$tmp/err")" = "Error: rule 1: uid needs an id"
run -- -n acl set x allow uid 1 connect deny
check "second rule without whom: exit 2" \
	test $rc -eq 2 -a -n "$(grep '^Error: rule 2: allow or deny whom' "$tmp/err")"
run -- -n acl set x permit owner all
check "bad action: exit 2" test $rc -eq 2
run -- -n acl set x allow owner frob
check "bad right: exit 2" \
	test $rc -eq 2 -a -n "$(grep "unknown right 'frob'" "$tmp/err")"
run -- -n acl set x allow cap cap_bogus all
check "unknown capability: exit 2" test $rc -eq 2
run -- -n acl set x allow uid -1 all
check "negative id: exit 2" test $rc -eq 2
run -- -n acl set x allow uid no-such-user-lpc all
check "unknown user: exit 2" \
	test $rc -eq 2 -a -n "$(grep "no user 'no-such-user-lpc'" "$tmp/err")"
run -- -n acl set x
check "acl set without rules: exit 2" test $rc -eq 2

# --- JSON -----------------------------------------------------------
if $has_python; then
	run LPC_DEVICE=$missing -- -j version
	check "missing device in JSON: {\"error\": ...} on stdout" \
		test $rc -eq 1 -a ! -s "$tmp/err"
	check "  and it is the same message" json_error "$tmp/out" \
		"lpc module not loaded ($missing: No such file or directory)"
	run LPC_DEVICE=$missing -- -p version
	check "missing device with -p parses" json_ok "$tmp/out"
	run -- -j bogus
	check "usage error in JSON parses" json_ok "$tmp/out"
	run -- -j
	check "no object in JSON parses" json_ok "$tmp/out"
	replay "$here/version.dump" -j version
	expect version.json
	check "replayed version (JSON)" json_eq "$tmp/out" "$tmp/expect"
	check "  -j is one line" test "$(wc -l < "$tmp/out")" -eq 1
	replay "$here/version.dump" -p version
	check "replayed version (pretty JSON)" json_eq "$tmp/out" "$tmp/expect"
	check "  -p is indented" grep -q '^    "liblpc": {$' "$tmp/out"
	run -- -jV
	check "-jV parses" json_ok "$tmp/out"
	replay "$dump" -j port list
	check "port list (JSON)" json_eq "$tmp/out" "$here/port-list.json"
	replay "$dump" -j port show "$demo"
	check "port show (JSON)" json_eq "$tmp/out" "$here/port-show.json"
	replay "$dump" -j conn list "$demo"
	check "conn list (JSON)" json_eq "$tmp/out" "$here/conn-list.json"
	replay "$dump" -j acl show "$demo"
	check "acl show (JSON)" json_eq "$tmp/out" "$here/acl-show.json"
	replay "$dump" -j stats
	check "stats of every port (JSON)" json_eq "$tmp/out" "$here/stats.json"
	replay "$dump" -j stats "$demo"
	check "stats of one port (JSON)" \
		json_eq "$tmp/out" "$here/stats-port.json"
	set -- allow uid 1000 connect,query deny gid 50 connect \
		allow cap cap_net_admin admin allow cap sys_admin query,admin \
		allow cap 45 query allow everyone query allow owner all \
		allow user 0 connect,query,admin
	run LPC_DEVICE=$missing -- -j --dry-run acl set x "$@"
	check "acl set --dry-run (JSON)" json_eq "$tmp/out" "$here/acl-set.json"
	run -- -j -n acl set x allow owner frob
	check "rule error in JSON" json_error "$tmp/out" \
		"unknown right 'frob' in 'frob' (connect, query, admin or all)"
	replay "$dump" -j port show nope
	check "missing port in JSON parses" json_ok "$tmp/out"
else
	skipped "JSON checks: python3 not installed"
fi

# --- the column engine ----------------------------------------------
if [ -x "$TABLE_TEST" ]; then
	"$TABLE_TEST" text > "$tmp/out" 2>"$tmp/err"; rc=$?
	check "table: aligned text" cmp -s "$tmp/out" "$here/table.txt"
	"$TABLE_TEST" noheader > "$tmp/out" 2>"$tmp/err"; rc=$?
	check "table: -H leaves out the header" \
		cmp -s "$tmp/out" "$here/table-noheader.txt"
	if $has_python; then
		"$TABLE_TEST" json > "$tmp/out" 2>"$tmp/err"; rc=$?
		check "table: JSON has the same cells" \
			json_eq "$tmp/out" "$here/table.json"
	fi
else
	skipped "table: no table_test binary"
fi

# --- the monitor's printer, on recorded trace lines ------------------
if [ -x "$MONITOR_LINES" ]; then
	trace=$here/monitor.trace
	# mon MODE [PORT|-] [PID]: the printer's stdout, stderr and status.
	mon() { "$MONITOR_LINES" "$@" <"$trace" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
	mon text
	check "monitor: every event (text)" cmp -s "$tmp/out" "$here/monitor.txt"
	check "monitor: a line it cannot parse is reported, not fatal" \
		test $rc -eq 0 -a "$(grep -c 'cannot parse' "$tmp/err")" -eq 1
	mon json
	check "monitor: every event (JSON lines)" \
		cmp -s "$tmp/out" "$here/monitor.json"
	if $has_python; then
		check "monitor: each JSON line parses" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)' "$tmp/out"
	fi
	mon json '\RPC Control\lpc-demo'
	check "monitor: one port's events, messages by connection" \
		cmp -s "$tmp/out" "$here/monitor-port.json"
	mon text - 5000009
	check "monitor: one process's events" \
		cmp -s "$tmp/out" "$here/monitor-pid.txt"
else
	skipped "monitor: no monitor_lines binary"
fi

# --- help, man page and completion agree ----------------------------
"$PORTCTL" help | sed -n 's/^OBJECT := { \(.*\) }$/\1/p' | tr '|' ' ' |
	xargs -n 1 | sort > "$tmp/help.objs"
sed -n 's/^\.IR OBJECT " := { " \(.*\) " }"$/\1/p' "$src/portctl.8" |
	tr -d '"' | tr '|' ' ' | xargs -n 1 | sort > "$tmp/man.objs"
sed -n "s/^[[:space:]]*local objects='\(.*\)'$/\1/p" \
	"$src/bash-completion/portctl" | xargs -n 1 | grep -vx help |
	sort > "$tmp/comp.objs"
check "help and portctl.8 list the same objects" \
	cmp -s "$tmp/help.objs" "$tmp/man.objs"
check "help and the completion list the same objects" \
	cmp -s "$tmp/help.objs" "$tmp/comp.objs"
check "help lists some object" test -s "$tmp/help.objs"

if command -v bash >/dev/null 2>&1; then
	# Complete "portctl $1" with stand-ins for bash-completion helpers.
	complete_words()
	{
		bash -c '
			_init_completion() {
				words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
				cur=${words[cword]}; prev=${words[cword-1]}
			}
			_filedir() { :; }
			. "$1"; shift
			COMP_WORDS=(portctl "$@"); COMP_CWORD=$#
			_portctl; echo "${COMPREPLY[*]}"' \
			sh "$src/bash-completion/portctl" "$@"
	}
	check "completion: objects" \
		test "$(complete_words '')" = "version port conn acl stats monitor help"
	check "completion: prefix" test "$(complete_words ve)" = version
	check "completion: options" \
		test "$(complete_words -j --pr)" = --pretty
	check "completion: after an object" \
		test "$(complete_words -j version '')" = help
	check "completion: port commands" \
		test "$(complete_words port '')" = "list show help"
	check "completion: conn commands" \
		test "$(complete_words conn l)" = "list"
	check "completion: acl commands" \
		test "$(complete_words acl '')" = "show set help"
	check "completion: --dry-run" \
		test "$(complete_words --d)" = --dry-run
	check "completion: nothing after --pid" \
		test -z "$(complete_words --pid '')"
	check "completion: the object after --pid PID" \
		test "$(complete_words --pid 1 mon)" = monitor
else
	skipped "completion: bash not installed"
fi

# --- the real device, where there is one ----------------------------
if [ -c /dev/lpc ]; then
	run -- version
	check "live version" test $rc -eq 0 -a -n "$(grep '^module:' "$tmp/out")"
	if $has_python; then
		run -- -j version
		check "live version (JSON)" json_ok "$tmp/out"
	fi
	if "$PORTCTL" version | grep -q '^features:.* query'; then
		run -- port list
		check "live port list" test $rc -eq 0
	else
		skipped "live port list: the module has no 'query' feature"
	fi
else
	skipped "live version: no /dev/lpc"
fi

echo "portctl: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
