#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh [PKG... | m32]: install missing Debian packages with apt-get
# (quiet when all are present). Without arguments: what building user space
# and booting the VM need on the host; m32: what the 32-bit selftests need.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

if [ $# -eq 0 ]; then
	need_pkgs "${HOST_PKGS[@]}"
elif [ "$1" = m32 ]; then
	need_m32_pkgs
else
	need_pkgs "$@"
fi
