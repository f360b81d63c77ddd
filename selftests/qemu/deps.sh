#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deps.sh [PKG...]: install missing Debian packages with apt-get (quiet when
# all are present). Without arguments: what building user space and
# booting the VM need on the host.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

if [ $# -eq 0 ]; then
	need_pkgs "${HOST_PKGS[@]}"
else
	need_pkgs "$@"
fi
