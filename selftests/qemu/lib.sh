#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the lpc QEMU harness scripts. Source it, do not run it.

LPC_CACHE=${LPC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lpc}

die() { echo "lpc: error: $*" >&2; exit 1; }
note() { echo "lpc: $*" >&2; }

# Run as root, or through sudo when it is available.
as_root()
{
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		die "need root to run: $*"
	fi
}

# need_pkgs PKG...: install the Debian packages that are not installed yet.
# Quiet when everything is present; runs 'apt-get update' only when an
# install is actually needed.
need_pkgs()
{
	local missing=() p st log

	for p in "$@"; do
		# One line per installed architecture: a name without ':arch'
		# means the native one (or 'all').
		st=$(dpkg-query -W -f='${Architecture} ${db:Status-Status}\n' \
			"$p" 2>/dev/null |
		     awk -v q="${p#*:}" -v native="$(dpkg --print-architecture)" \
			 -v qualified="$([ "$p" != "${p#*:}" ] && echo 1)" '
			$2 == "installed" &&
			(qualified ? $1 == q : ($1 == native || $1 == "all")) {
				print "installed"; exit
			}') || st=
		[ "$st" = installed ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	command -v apt-get >/dev/null || die "missing packages and no apt-get: ${missing[*]}"
	note "installing ${missing[*]}"
	log=$(mktemp)
	if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 ||
	   ! as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "could not install: ${missing[*]}"
	fi
	rm -f "$log"
}

# Packages every harness target needs on the host.
HOST_PKGS=(make gcc libc6-dev libcap-dev cpio gzip xz-utils busybox-static
	   qemu-system-x86 coreutils)

# What building the 32-bit selftests needs: a multilib compiler and
# libcap for i386, which needs the i386 architecture in dpkg.
need_m32_pkgs()
{
	if ! dpkg --print-foreign-architectures | grep -qx i386; then
		note "adding the i386 architecture to dpkg (for libcap-dev:i386)"
		as_root dpkg --add-architecture i386
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
			die "apt-get update failed"
	fi
	need_pkgs gcc-multilib libcap-dev:i386
}

# copy_module_src TOP DEST: copy the module's sources (module/, uapi/) to
# DEST, keeping their times, so Kbuild rebuilds only what changed since the
# last copy. Builds happen there, never in module/, so a harness run and a
# developer's own 'make -C module' do not trample each other's objects.
copy_module_src()
{
	local top=$1 dest=$2

	# lint runs first on a fresh machine, before anything else needed cpio.
	need_pkgs cpio
	mkdir -p "$dest"
	if [ -d "$dest/module" ]; then
		find "$dest/module" "$dest/uapi" \( -name '*.[ch]' ! -name '*.mod.c' \) \
			-o -name Kbuild -o -name Makefile -o -name Kconfig |
			xargs -r rm -f
	fi
	# VERSION: module/Kbuild reads the version from there.
	(cd "$top" && { echo VERSION; find module uapi \( \( -name '*.[ch]' ! -name '*.mod.c' \) \
		-o -name Kbuild -o -name Makefile -o -name Kconfig \) \
		! -path '*/build/*'; } | cpio -pdmu --quiet "$dest")
}

# Serialise writers of one cache entry: with_lock DIR CMD...
with_lock()
{
	local dir=$1; shift
	mkdir -p "$dir"
	(
		flock 9 || exit 1
		"$@"
	) 9>"$dir/.lock"
}
