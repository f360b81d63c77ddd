#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-dkms.sh: Debian's dkms adds, builds and installs lpc for the test
# VM's kernels, then the VM boots each kernel with the lpc.ko DKMS built
# (vm.sh's LPC_MODULE) and runs a smoke test. Ends with "N passed, N failed".
#
# Everything DKMS writes goes to build/dkms/ (--sourcetree, --dkmstree,
# --installtree, and a signing key of its own), never to /usr/src,
# /var/lib/dkms or /lib/modules: the host is left as it was.
#
# Environment: DKMS_KVERS (default "6.1 6.12"), DKMS_TESTS (default
# "version msg": one boot per T=), BUILD, LPC_CACHE.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
qemu=$top/selftests/qemu
. "$qemu/lib.sh"

BUILD=${BUILD:-$top/build}
kvers=${DKMS_KVERS:-6.1 6.12}
tests=${DKMS_TESTS:-version msg}
work=$BUILD/dkms
version=$(cat "$top/VERSION")
pass=0 fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "not ok - $*"; fail=$((fail + 1)); }

need_pkgs dkms kmod xz-utils openssl
[ -d "$BUILD/selftests" ] || die "no $BUILD/selftests: run 'make check-dkms', not this script"

# A fresh scratch tree every run: what a previous run left cannot make
# this one pass.
rm -rf "$work"
mkdir -p "$work/src" "$work/tree" "$work/install"
"$here/dkms-src.sh" "$work/src/lpc-$version" || die "dkms-src.sh failed"

# The signing key DKMS makes when it has none goes here, not to
# /var/lib/dkms (dkms reads these from its environment).
export mok_signing_key=$work/mok.key mok_certificate=$work/mok.pub

trees=(--sourcetree "$work/src" --dkmstree "$work/tree"
       --installtree "$work/install")

# dkms_run LOG ARGS...: dkms with the scratch trees, output in LOG.
dkms_run()
{
	local log=$1
	shift
	dkms "$@" "${trees[@]}" >>"$log" 2>&1
}

if dkms_run "$work/dkms.log" add -m lpc -v "$version"; then
	ok "dkms add lpc/$version"
else
	bad "dkms add lpc/$version (log: $work/dkms.log)"
fi

for kver in $kvers; do
	# The kernel release, image and headers the harness uses for KVER.
	kenv=$(KVER=$kver "$qemu/kernel.sh" "$kver") || { bad "$kver: no kernel"; continue; }
	eval "$kenv"
	log=$work/dkms-$KREL.log
	if dkms_run "$log" build -m lpc -v "$version" -k "$KREL" \
		--kernelsourcedir "$KDIR"; then
		ok "dkms build lpc/$version for $KREL"
	else
		bad "dkms build lpc/$version for $KREL (log: $log, $work/tree/lpc/$version/build/make.log)"
		continue
	fi
	# dkms installs only into kernels it sees: a directory per release.
	mkdir -p "$work/install/$KREL"
	if dkms_run "$log" install -m lpc -v "$version" -k "$KREL" \
		--kernelsourcedir "$KDIR" --no-depmod &&
	   dkms status -m lpc -v "$version" -k "$KREL" "${trees[@]}" |
		grep -q ': installed'; then
		ok "dkms install lpc/$version for $KREL"
	else
		bad "dkms install lpc/$version for $KREL (log: $log)"
		continue
	fi

	# Where DKMS put it, compressed as the kernel's own modules are.
	ko=$(find "$work/install/$KREL" -name 'lpc.ko*' | head -1)
	case $ko in
	*.xz) xz -dc "$ko" >"$work/lpc-$KREL.ko" ;;
	*.gz) gzip -dc "$ko" >"$work/lpc-$KREL.ko" ;;
	*.zst) zstd -qdc "$ko" >"$work/lpc-$KREL.ko" ;;
	?*) cp "$ko" "$work/lpc-$KREL.ko" ;;
	esac
	if [ -n "$ko" ] &&
	   [ "$(modinfo -F version "$work/lpc-$KREL.ko")" = "$version" ]; then
		ok "$KREL: ${ko#"$work/install/"}, version $version"
	else
		bad "$KREL: no lpc.ko of version $version under $work/install/$KREL"
		continue
	fi

	for t in $tests; do
		vlog=$work/vm-$KREL-$t.log
		if LPC_MODULE=$work/lpc-$KREL.ko KVER=$kver T=$t CHECK_M32=0 \
			BUILD=$BUILD "$qemu/vm.sh" check >"$vlog" 2>&1; then
			ok "$KREL: DKMS's lpc.ko passes T=$t ($(tail -n 1 "$vlog" | tr -d '\r'))"
		else
			tail -n 20 "$vlog"
			bad "$KREL: DKMS's lpc.ko fails T=$t (log: $vlog)"
		fi
	done
done

# Removal must leave the scratch install tree without lpc.ko.
if dkms_run "$work/dkms.log" remove -m lpc -v "$version" --all --no-depmod &&
   [ -z "$(find "$work/install" -name 'lpc.ko*')" ]; then
	ok "dkms remove lpc/$version --all"
else
	bad "dkms remove lpc/$version --all (log: $work/dkms.log)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
