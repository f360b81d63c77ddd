#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-deb-inside.sh VERSION: the part of 'make check-deb' that runs inside
# the throw-away Debian chroot (check-deb.sh copies it and the packages to
# /tmp/lpc-check/). Installs the packages with apt, checks what DKMS built
# and what each package put where, builds a program with pkg-config, purges
# the packages and checks that nothing of theirs is left.
# Prints "ok - ..." / "not ok - ..." lines; check-deb.sh counts them.
set -uo pipefail
version=${1:?usage: check-deb-inside.sh VERSION}
dir=/tmp/lpc-check
pkgs=(lpc-dkms liblpc1 liblpc-dev lpc-tools)
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; }
# check DESCRIPTION COMMAND...: one result for one command.
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }

cd "$dir" || exit 1
debs=()
for p in "${pkgs[@]}"; do
	debs+=("$dir/$(cd "$dir" && ls "${p}"_"${version}"_*.deb)")
done

# apt, not dpkg -i: the packages' dependencies (dkms, and through it the
# compiler) come from the mirror as they would on a user's machine. The
# cached base may hold old package lists; refresh them only when needed.
if ! apt-get install -y -q "${debs[@]}" >apt.log 2>&1; then
	apt-get update -q >>apt.log 2>&1
	apt-get install -y -q "${debs[@]}" >>apt.log 2>&1 ||
		{ tail -n 30 apt.log; bad "apt-get install of the packages"; exit 1; }
fi
ok "apt-get install ${pkgs[*]}"

# DKMS built lpc.ko, in lpc-dkms's postinst, for the chroot's headers.
krel=$(cd /usr/src && ls -d linux-headers-*-amd64 | sed 's/^linux-headers-//' | head -1)
[ -n "$krel" ] || { bad "no kernel headers in the chroot"; exit 1; }
check "dkms status: lpc/$version installed for $krel" \
	sh -c "dkms status lpc/$version -k $krel | grep -q ': installed'"
ko=$(find "/lib/modules/$krel/updates/dkms" -name 'lpc.ko*' 2>/dev/null | head -1)
check "lpc.ko for $krel in /lib/modules/$krel/updates/dkms" test -n "$ko"
[ -n "$ko" ] && check "lpc.ko says version $version and vermagic $krel" \
	sh -c "[ \"\$(modinfo -F version $ko)\" = $version ] &&
	       modinfo -F vermagic $ko | grep -q '^$krel '"

# Where each piece belongs.
check "udev rule gives /dev/lpc mode 0666" \
	grep -q 'KERNEL=="lpc".*MODE="0666"' /lib/udev/rules.d/60-lpc.rules
check "/etc/modules-load.d/lpc.conf does not load lpc until edited" \
	sh -c 'grep -qx "#lpc" /etc/modules-load.d/lpc.conf &&
	       ! grep -qx lpc /etc/modules-load.d/lpc.conf'
check "portctl runs and has its man page and completion" \
	sh -c 'portctl help >/dev/null &&
	       [ -e /usr/share/man/man8/portctl.8.gz ] &&
	       [ -e /usr/share/bash-completion/completions/portctl ]'
check "portctl uses the packaged liblpc.so.1" \
	sh -c 'ldd /usr/sbin/portctl | grep -q "liblpc.so.1 => /"'

# A program built the way the README says. No /dev/lpc in a chroot, so it
# can only show that it links, runs, and reports the missing device.
cat >probe.c <<'EOF'
#include <stdio.h>
#include <string.h>
#include <liblpc.h>

int main(void)
{
	unsigned int v = lpc_lib_version();
	int fd = lpc_open(0);

	printf("liblpc %u.%u.%u, lpc_open: %s\n", v >> 16, (v >> 8) & 0xff,
	       v & 0xff, fd < 0 ? strerror(-fd) : "opened");
	return fd < 0 ? 0 : 1;
}
EOF
# shellcheck disable=SC2046 # pkg-config prints a word list
if cc -Wall -Werror -o probe probe.c $(pkg-config --cflags --libs lpc) &&
   out=$(./probe); then
	ok "pkg-config --cflags --libs lpc builds a program: $out"
else
	bad "a program built with pkg-config lpc"
fi
check "the program links liblpc.so.1" sh -c 'ldd ./probe | grep -q liblpc.so.1'

# Everything the packages installed, to look for after the purge.
dpkg -L "${pkgs[@]}" 2>/dev/null | sort -u >files.list

if apt-get purge -y -q "${pkgs[@]}" >>apt.log 2>&1; then
	ok "apt-get purge ${pkgs[*]}"
else
	tail -n 30 apt.log
	bad "apt-get purge ${pkgs[*]}"
fi
left=$(while read -r f; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done <files.list)
check "no file of the packages is left" test -z "$left"
[ -n "$left" ] && echo "$left" | head -n 20
check "dpkg knows none of the packages (not even their conffiles)" \
	sh -c "! dpkg -l ${pkgs[*]} 2>/dev/null | grep -q '^[a-z][a-z] '"
check "DKMS forgot lpc and removed its lpc.ko" \
	sh -c '[ -z "$(dkms status lpc)" ] && [ ! -e /var/lib/dkms/lpc ] &&
	       [ ! -d /usr/src/lpc-'"$version"' ] &&
	       [ -z "$(find /lib/modules -name "lpc.ko*")" ]'
check "dpkg -S finds no owner of lpc files any more" \
	sh -c '! dpkg -S liblpc.so.1 lpc.ko portctl >/dev/null 2>&1'
exit 0
