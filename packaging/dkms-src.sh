#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-src.sh DIR: install the module's sources as DKMS wants them, in DIR
# (normally /usr/src/lpc-<version>): module/, uapi/linux/lpc.h, VERSION and
# dkms.conf with the version filled in. Only what the module build reads is
# copied, so the tree is the same from a git clone or a release tarball.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?usage: dkms-src.sh DIR}
version=$(cat "$top/VERSION")

[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
	{ echo "dkms-src.sh: VERSION holds '$version', not major.minor.patch" >&2; exit 1; }
rm -rf "$dest"
install -d "$dest/module" "$dest/uapi/linux"
install -m 644 "$top/VERSION" "$dest/"
install -m 644 "$top"/module/*.[ch] "$top/module/Kbuild" \
	"$top/module/Makefile" "$dest/module/"
# A module build in the source tree must not ship its objects.
rm -f "$dest"/module/*.mod.c
install -m 644 "$top/uapi/linux/lpc.h" "$dest/uapi/linux/"
sed "s/#MODULE_VERSION#/$version/" "$top/dkms.conf" >"$dest/dkms.conf"
chmod 644 "$dest/dkms.conf"
