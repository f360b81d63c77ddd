#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# plot.sh CSVDIR: draw lpcbench's CSV files as PNG files beside them.
#
#   *rtt*.csv   -> <same name>.png: round-trip median (ns) against message
#                  size, log-log, one line per peer
#   rtt.png     -> every rtt CSV of the directory, one panel each (the
#                  harness writes icount-rtt.csv and smp2-rtt.csv)
#   *tput*.csv  -> <same name>.png: datagrams per second against senders,
#                  one line per peer and size (lpc, lpc-batch, seqpacket,
#                  seqpacket-mmsg, pipe)
#   *scale*.csv -> <same name>.png: kernel memory per connection (bars,
#                  with the 2 KiB lpc target) and connect+accept and close
#                  rates, one group per peer (lpc, stream)
#
# Cells that are n/a are left out. Size 0 is drawn at x = 1 (log scale).
# Needs gnuplot; installs gnuplot-nox with apt-get when it is missing and
# we are root.
set -eu

dir=${1:?usage: plot.sh CSVDIR}
[ -d "$dir" ] || { echo "plot.sh: no directory $dir" >&2; exit 1; }

if ! command -v gnuplot >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "plot.sh: installing gnuplot-nox" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 ||
			{ apt-get update -qq >/dev/null 2>&1 &&
			  apt-get install -y -qq gnuplot-nox >/dev/null; } ||
			{ echo "plot.sh: could not install gnuplot-nox" >&2; exit 1; }
	else
		echo "plot.sh: gnuplot is missing (apt-get install gnuplot-nox)" >&2
		exit 1
	fi
fi

if gnuplot -e 'set terminal pngcairo' >/dev/null 2>&1; then
	term='pngcairo size 900,600 noenhanced font ",10"'
	wide='pngcairo size 1600,600 noenhanced font ",10"'
else
	term='png size 900,600 noenhanced'
	wide='png size 1600,600 noenhanced'
fi

# rtt_panel CSV NAME TITLE: gnuplot commands for one latency panel; the
# data go into datablock $NAME, one block per peer.
rtt_panel()
{
	awk -F, -v name="$2" -v title="$3" '
	function label(s) {
		if (s == 0) return "0"
		if (s % 1048576 == 0) return (s / 1048576) "M"
		if (s % 1024 == 0) return (s / 1024) "K"
		return s
	}
	NR == 1 { next }
	$3 ~ /^[0-9.]+$/ {
		if (!($2 in seen)) { seen[$2] = ++np; peer[np] = $2 }
		x = ($1 == 0) ? 1 : $1
		row[$2] = row[$2] x " " $3 " " $4 "\n"
		if (!(x in tic)) { tic[x] = label($1); ntic++ }
	}
	END {
		if (!np) {
			print "set title \"" title " (no data)\""
			print "unset logscale"
			print "set xrange [0:1]; set yrange [0:1]"
			print "plot 2 notitle"
			exit
		}
		print "$" name " << EOD"
		for (i = 1; i <= np; i++) printf "%s\n\n", row[peer[i]]
		print "EOD"
		print "set title \"" title "\""
		print "set logscale xy"
		print "set xlabel \"message size, bytes (0 drawn at 1)\""
		print "set ylabel \"round trip, median ns\""
		print "set grid"
		print "set key top left"
		printf "set xtics ("
		sep = ""
		for (x in tic) { printf "%s\"%s\" %s", sep, tic[x], x; sep = ", " }
		print ")"
		printf "plot "
		for (i = 1; i <= np; i++)
			printf "%s$%s index %d using 1:2 with linespoints lw 2 title \"%s\"",
			       (i > 1 ? ", " : ""), name, i - 1, peer[i]
		print ""
	}' "$1"
}

tput_plot()
{
	awk -F, -v title="$2" '
	NR == 1 { next }
	$4 ~ /^[0-9.]+$/ {
		key = $2 " " $1 "B"
		if (!(key in seen)) { seen[key] = ++n; keys[n] = key }
		row[key] = row[key] $3 " " $4 "\n"
	}
	END {
		if (!n) {
			print "set title \"" title " (no data)\""
			print "set xrange [0:1]; set yrange [0:1]"
			print "plot 2 notitle"
			exit
		}
		print "$T << EOD"
		for (i = 1; i <= n; i++) printf "%s\n\n", row[keys[i]]
		print "EOD"
		print "set title \"" title "\""
		print "set logscale x 2"
		print "set logscale y"
		print "set xlabel \"sender processes\""
		print "set ylabel \"datagrams per second\""
		print "set grid"
		print "set key top left"
		printf "plot "
		for (i = 1; i <= n; i++)
			printf "%s$T index %d using 1:2 with linespoints lw 2 title \"%s\"",
			       (i > 1 ? ", " : ""), i - 1, keys[i]
		print ""
	}' "$1"
}

# scale_plot CSV TITLE: memory per connection and rates, side by side.
scale_plot()
{
	cat <<EOF
set datafile separator ","
set multiplot layout 1,2 title "$2"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.6 border -1
set boxwidth 0.9
set grid ytics
set key top left
set yrange [0:*]
set title "kernel memory per connection, both ends"
set ylabel "bytes (Slab+KernelStack+PageTables+Percpu)"
plot '$1' every ::1 using 3:xtic(1) title "bytes per connection", \\
     2048 with lines dt 2 lw 2 title "2 KiB lpc target"
set title "connections per second"
set ylabel "per second"
set logscale y
set yrange [1:*]
plot '$1' every ::1 using 8:xtic(1) title "connect+accept", \\
     '' every ::1 using 9 title "close (both ends)"
unset multiplot
EOF
}

status=0
rtts=
nrtt=0
for csv in "$dir"/*rtt*.csv; do
	[ -f "$csv" ] || continue
	base=$(basename "$csv" .csv)
	rtts="$rtts $csv"
	nrtt=$((nrtt + 1))
	{
		echo "set terminal $term"
		echo "set output '$dir/$base.png'"
		rtt_panel "$csv" D "lpcbench $base"
	} | gnuplot || { echo "plot.sh: gnuplot failed on $csv" >&2; status=1; }
done

# rtt.png: all latency files side by side (rtt.csv alone already made it).
if [ "$nrtt" -gt 0 ] && [ ! -f "$dir/rtt.csv" ]; then
	{
		echo "set terminal $wide"
		echo "set output '$dir/rtt.png'"
		echo "set multiplot layout 1,$nrtt"
		i=0
		for csv in $rtts; do
			i=$((i + 1))
			rtt_panel "$csv" "D$i" "lpcbench $(basename "$csv" .csv)"
		done
		echo "unset multiplot"
	} | gnuplot || { echo "plot.sh: gnuplot failed on rtt.png" >&2; status=1; }
fi

for csv in "$dir"/*tput*.csv; do
	[ -f "$csv" ] || continue
	base=$(basename "$csv" .csv)
	{
		echo "set terminal $term"
		echo "set output '$dir/$base.png'"
		tput_plot "$csv" "lpcbench $base"
	} | gnuplot || { echo "plot.sh: gnuplot failed on $csv" >&2; status=1; }
done

for csv in "$dir"/*scale*.csv; do
	[ -f "$csv" ] || continue
	base=$(basename "$csv" .csv)
	grep -q '^[^,]*,[0-9]*,[0-9]' "$csv" || {
		echo "plot.sh: $csv has no data" >&2
		continue
	}
	{
		echo "set terminal $wide"
		echo "set output '$dir/$base.png'"
		scale_plot "$csv" "lpcbench $base"
	} | gnuplot || { echo "plot.sh: gnuplot failed on $csv" >&2; status=1; }
done

ls "$dir"/*.png 2>/dev/null | sed 's/^/plot.sh: wrote /' >&2 || true
exit $status
