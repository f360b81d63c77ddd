#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-deb.sh: install the packages 'make deb' built (build/deb/) into a
# throw-away Debian bookworm chroot, check them there
# (check-deb-inside.sh), and remove the chroot. Needs root, no interaction.
# Ends with "N passed, N failed".
#
# The chroot comes from debootstrap, from the Debian mirror this machine's
# apt uses. The bootstrapped base (with a compiler and the kernel headers
# DKMS needs) is kept as a tarball under $LPC_CACHE/chroot/, and the .debs
# apt downloads into the chroot under $LPC_CACHE/chroot/archives/, so a
# second run downloads nothing. Everything else is made fresh every run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$top/selftests/qemu/lib.sh"

BUILD=${BUILD:-$top/build}
suite=bookworm
version=$(cat "$top/VERSION")
work=$BUILD/check-deb
root=$work/root
cache=$LPC_CACHE/chroot
# In the base: what DKMS needs to build, and pkg-config for the probe.
# dkms itself is not: lpc-dkms must pull it in.
base_pkgs=linux-headers-amd64,gcc,make,libc6-dev,pkgconf,kmod

# debootstrap, chroot and mount need root: through sudo when not root.
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "check-deb needs root (debootstrap, chroot)"
	exec sudo BUILD="$BUILD" LPC_CACHE="$LPC_CACHE" "$0" "$@"
fi
ls "$BUILD/deb/lpc-dkms_${version}_all.deb" >/dev/null 2>&1 ||
	die "no packages in $BUILD/deb: run 'make check-deb', not this script"
need_pkgs debootstrap util-linux

# mirror: the first "deb" source for $suite itself (not -updates or
# -security) in /etc/apt/sources.list*, one-line or deb822 format.
mirror()
{
	local f

	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		 /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v suite="$suite" '
			function has(list, w,	n, a, i) {
				n = split(list, a, /[ \t]+/)
				for (i = 1; i <= n; i++) if (a[i] == w) return 1
				return 0
			}
			# One-line: deb [options] URI SUITE COMPONENTS...
			/^deb[ \t]/ {
				sub(/\[[^]]*\][ \t]*/, "")
				if ($3 == suite) { print $2; exit }
			}
			# deb822: paragraphs of "Field: value" lines.
			/^Types:/ { types = $0 }
			/^URIs:/ { uris = $2 }
			/^Suites:/ { suites = $0 }
			/^[ \t]*$/ { flush() }
			END { flush() }
			function flush() {
				if (has(types, "deb") && has(suites, suite) && uris != "" && !done) {
					print uris; done = 1
				}
				types = uris = suites = ""
			}' "$f" | head -n 1
	done | head -n 1
}

url=$(mirror)
[ -n "$url" ] || die "no '$suite' source in /etc/apt/sources.list*"
key=$(echo "$suite $url $base_pkgs" | sha256sum | cut -c1-12)
base=$cache/$suite-$key.tar.gz

# make_base: debootstrap once, keep the result as a tarball.
make_base()
{
	local tmp=$cache/$suite-$key.tmp

	[ -f "$base" ] && return 0
	note "debootstrap $suite from $url into $base (once)"
	rm -rf --one-file-system "$tmp"
	debootstrap --variant=minbase --include="$base_pkgs" "$suite" "$tmp" \
		"$url" >"$cache/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$cache/debootstrap.log"; die "debootstrap failed; log: $cache/debootstrap.log"; }
	chroot "$tmp" apt-get clean
	tar -C "$tmp" -czf "$base.part" . && mv "$base.part" "$base"
	rm -rf --one-file-system "$tmp"
}
mkdir -p "$cache/archives/partial"
with_lock "$cache" make_base || exit 1

# A run that died may have left its chroot: no mount of it survives its
# namespace, so removing it is safe.
clean_root()
{
	if grep -q " ${root}[/ ]" /proc/self/mountinfo; then
		die "$root still has mounts; not removing it"
	fi
	rm -rf --one-file-system "$work"
}
clean_root
mkdir -p "$root"
trap clean_root EXIT
tar -C "$root" -xzf "$base" || die "could not unpack $base"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# Nothing in the chroot may start a service on the host.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/tmp/lpc-check"
cp "$BUILD"/deb/*_"$version"_*.deb "$here/check-deb-inside.sh" "$root/tmp/lpc-check/"
rm -f "$root"/tmp/lpc-check/*-dbgsym_*.deb

# The mounts live in a private mount namespace: they vanish with it, even
# if this script is killed, and never show up on the host.
note "installing, checking and purging the packages in $root"
unshare --mount --propagation private /bin/sh -ec '
	root=$1 archives=$2 version=$3
	mount -t proc proc "$root/proc"
	mount --rbind /dev "$root/dev"
	mount --bind "$archives" "$root/var/cache/apt/archives"
	exec chroot "$root" /tmp/lpc-check/check-deb-inside.sh "$version"
' check-deb "$root" "$cache/archives" "$version" | tee "$work.log"

pass=$(grep -c '^ok - ' "$work.log")
fail=$(grep -c '^not ok - ' "$work.log")
[ "$pass" -gt 0 ] || fail=$((fail + 1))
clean_root
trap - EXIT
if [ -e "$work" ]; then
	echo "not ok - the chroot $work is still there"
	fail=$((fail + 1))
else
	echo "ok - the chroot is gone"
	pass=$((pass + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
