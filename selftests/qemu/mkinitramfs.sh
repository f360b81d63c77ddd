#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh OUT.cpio.gz MODE [KEY=VALUE...]: pack the VM's initramfs.
#
# Contents: static busybox, init.sh as /init, the
# KEY=VALUE pairs as /etc/lpc.env (LPC_MODE=MODE is added), and, from the
# environment:
#
#   LPC_KO      lpc.ko                      -> /lib/modules/lpc.ko (required)
#   LPC_BINDER  binder_linux.ko[.xz] or ''  -> /lib/modules/binder_linux.ko
#   LPC_TESTS   dir of *_test binaries      -> /tests/
#   LPC_TESTS32 dir of 32-bit *_test binaries, or '' -> /tests/*_m32_test
#   LPC_BIN     dir of tool binaries        -> /bin/
#   LPC_DEMO    dir with demo.sh, or ''     -> /demo/
#
# Every binary must be static: the VM has no C library.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

out=${1:?usage: mkinitramfs.sh OUT.cpio.gz MODE [KEY=VALUE...]}
mode=${2:?usage: mkinitramfs.sh OUT.cpio.gz MODE [KEY=VALUE...]}
shift 2

need_pkgs busybox-static cpio gzip xz-utils binutils
[ -f "${LPC_KO:-}" ] || die "LPC_KO: no lpc.ko at '${LPC_KO:-}'"

is_static()
{
	! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# A root filesystem as any other: mktemp's 0700 would keep a test that
# drops to another uid from opening /dev/lpc or running /tests by path.
chmod 0755 "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,lib/modules,tests,proc,sys,dev,tmp,run,root}
chmod 0700 "$root/root"

busybox=$(command -v busybox)
is_static "$busybox" || die "$busybox is not static (install busybox-static)"
cp "$busybox" "$root/bin/busybox"
# /init installs the other applet links at boot ('busybox --install -s').
ln -s busybox "$root/bin/sh"

install -m 0755 "$here/init.sh" "$root/init"
{
	echo "LPC_MODE='$mode'"
	for kv in "$@"; do
		# Single-quote each value for /etc/lpc.env.
		printf "%s='%s'\n" "${kv%%=*}" "$(printf '%s' "${kv#*=}" | sed "s/'/'\\\\''/g")"
	done
} > "$root/etc/lpc.env"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

cp "$LPC_KO" "$root/lib/modules/lpc.ko"
case ${LPC_BINDER:-} in
'') ;;
*.xz) xz -dc "$LPC_BINDER" > "$root/lib/modules/binder_linux.ko" ;;
*.zst) need_pkgs zstd; zstd -qdc "$LPC_BINDER" > "$root/lib/modules/binder_linux.ko" ;;
*) cp "$LPC_BINDER" "$root/lib/modules/binder_linux.ko" ;;
esac

# copy_bins SRC_DIR DEST_DIR: every executable file, which must be static.
copy_bins()
{
	local f

	[ -d "$1" ] || return 0
	for f in "$1"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		if head -c4 "$f" | grep -q ELF && ! is_static "$f"; then
			die "$f is dynamically linked; build it with -static"
		fi
		cp "$f" "$2/"
	done
}
copy_bins "${LPC_TESTS:-}" "$root/tests"
if [ -n "${LPC_TESTS32:-}" ]; then
	m32=$(mktemp -d)
	copy_bins "$LPC_TESTS32" "$m32"
	for f in "$m32"/*_test; do
		[ -e "$f" ] || continue
		b=${f##*/}
		mv "$f" "$root/tests/${b%_test}_m32_test"
	done
	rm -rf "$m32"
fi
copy_bins "${LPC_BIN:-}" "$root/bin"
if [ -n "${LPC_DEMO:-}" ] && [ -f "$LPC_DEMO/demo.sh" ]; then
	cp -r "$LPC_DEMO" "$root/demo"
fi

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
