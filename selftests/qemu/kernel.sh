#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh KVER: make a kernel for the VM available and print, as shell
# assignments, where its pieces are:
#
#   KREL=...     kernel release (uname -r in the VM)
#   KIMAGE=...   bzImage to boot
#   KDIR=...     kernel build dir to build lpc.ko against
#   KBINDER=...  binder_linux.ko for that kernel, or empty
#   KFLAVOR=...  short name used for build/<flavor>/
#
# KVER is 6.1 (Debian 12's kernel), another Debian series such as 6.12
# (bookworm-backports, '-unsigned' image), or 'debug' / 'kcsan'
# (debug-kernel.sh).
# Images are unpacked, never installed, under $LPC_CACHE/debian-<release>/.
# Headers are installed with apt when their package does not drag in a
# kernel image; otherwise (backports) they are unpacked next to the image.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

KVER=${1:-6.1}

if [ "$KVER" = debug ] || [ "$KVER" = kcsan ]; then
	tree=$("$here/debug-kernel.sh" "$KVER")
	echo "KREL=$(cat "$tree/include/config/kernel.release")"
	echo "KIMAGE=$tree/arch/x86/boot/bzImage"
	echo "KDIR=$tree"
	echo "KBINDER=$(find "$tree/drivers/android" -name 'binder*.ko' | head -1)"
	echo "KFLAVOR=$KVER"
	exit 0
fi

[[ $KVER =~ ^[0-9]+\.[0-9]+$ ]] || die "KVER must look like 6.1, 6.12 or be 'debug', not '$KVER'"
need_pkgs apt xz-utils

has_candidate()
{
	local c
	c=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')
	[ -n "$c" ] && [ "$c" != "(none)" ]
}

# Resolve the newest kernel release of series $KVER for which both an amd64
# image and its headers can be downloaded.
resolve_release()
{
	local dep rel pkg

	# Debian 12's own kernel: whatever the headers metapackage points at.
	dep=$(apt-cache depends linux-headers-amd64 2>/dev/null |
	      awk '/Depends: linux-headers-/ { print $2; exit }')
	rel=${dep#linux-headers-}
	if [[ $rel == "$KVER".* ]] && has_candidate "linux-headers-$rel"; then
		echo "$rel"
		return
	fi
	for pkg in $(apt-cache pkgnames "linux-image-$KVER." |
		     grep -E "^linux-image-${KVER//./\\.}\.[0-9]+\+deb[0-9]+-amd64-unsigned$" |
		     sort -rV); do
		rel=${pkg#linux-image-}
		rel=${rel%-unsigned}
		if has_candidate "$pkg" && has_candidate "linux-headers-$rel"; then
			echo "$rel"
			return
		fi
	done
	die "no Debian amd64 kernel image + headers of series $KVER in apt (apt-get update? backports in sources.list?)"
}

rel=$(resolve_release)
cache=$LPC_CACHE/debian-$rel

# apt-get download writes into the current directory.
download()
{
	(cd "$cache/debs" && apt-get download -qq -o APT::Sandbox::User=root "$@" >&2) ||
		die "apt-get download $* failed"
}

fetch_image()
{
	local pkg deb

	[ -e "$cache/.image" ] && return 0
	rm -rf "$cache/image" "$cache/debs"
	mkdir -p "$cache/image" "$cache/debs"
	pkg=linux-image-$rel-unsigned
	has_candidate "$pkg" || pkg=linux-image-$rel
	note "fetching $pkg into $cache"
	download "$pkg"
	for deb in "$cache"/debs/*.deb; do
		dpkg-deb -x "$deb" "$cache/image"
	done
	rm -rf "$cache/debs"
	[ -e "$cache/image/boot/vmlinuz-$rel" ] || die "$pkg has no boot/vmlinuz-$rel"
	touch "$cache/.image"
}

# Headers whose package does not depend on an image (Debian 12's own) are
# installed normally, so 'make' on this host finds them too. Backports
# headers depend on their image, so they are unpacked into the cache instead.
fetch_headers()
{
	local hdr=linux-headers-$rel deps deb mk

	deps=$(apt-cache depends "$hdr" | awk '/Depends:/ { print $2 }')
	if ! grep -q '^linux-image-' <<<"$deps"; then
		need_pkgs "$hdr"
		echo "/usr/src/$hdr"
		return 0
	fi
	if [ ! -e "$cache/.headers" ]; then
		rm -rf "$cache/headers" "$cache/debs"
		mkdir -p "$cache/headers" "$cache/debs"
		note "fetching $hdr into $cache"
		# Compiler and linux-base come from apt; the headers are unpacked.
		need_pkgs $(grep -E '^gcc-[0-9]+$' <<<"$deps") make libc6-dev
		# What the unpacked kbuild runs: pahole, for modules' BTF.
		need_pkgs $(apt-cache depends $(grep -E '^linux-kbuild-' <<<"$deps") |
			    awk '/Depends:/ { print $2 }' | grep -E '^(pahole|dwarves)$')
		download "$hdr" $(grep -E '^linux-(headers-.*-common|kbuild-)' <<<"$deps")
		for deb in "$cache"/debs/*.deb; do
			dpkg-deb -x "$deb" "$cache/headers"
		done
		rm -rf "$cache/debs"
		# The flavour Makefile includes the common one by absolute path.
		mk=$cache/headers/usr/src/$hdr/Makefile
		sed -i "s|^include /usr/src/|include $cache/headers/usr/src/|" "$mk"
		touch "$cache/.headers"
	fi
	echo "$cache/headers/usr/src/$hdr"
}

mkdir -p "$cache"
with_lock "$cache" fetch_image
kdir=$(with_lock "$cache" fetch_headers)

binder=$(find "$cache/image/lib/modules/$rel" -name 'binder_linux.ko*' 2>/dev/null | head -1)
echo "KREL=$rel"
echo "KIMAGE=$cache/image/boot/vmlinuz-$rel"
echo "KDIR=$kdir"
echo "KBINDER=$binder"
echo "KFLAVOR=$KVER"
