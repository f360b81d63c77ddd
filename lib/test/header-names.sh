#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
#
# Every LPC_FEAT_* and LPC_MSG_* constant in the uapi header has a name in
# the library, and each name is the macro's suffix (lower case for
# features). The list comes from the header itself, so a constant added
# there without a name here fails this test.

set -eu
: "${O:?} ${SRCDIR:?}"
CC=${CC:-cc}
hdr=$SRCDIR/../uapi/linux/lpc.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

feats=$(sed -n 's/^#define \(LPC_FEAT_[A-Z0-9_]*\)[[:space:]].*/\1/p' "$hdr")
# Message types are small numbers; this leaves out LPC_MSG_MAX and sizes.
types=$(sed -n \
	's/^#define \(LPC_MSG_[A-Z_]*\)[[:space:]]\{1,\}[0-9]\{1,2\}[[:space:]].*/\1/p' \
	"$hdr")
if [ -z "$feats" ] || [ -z "$types" ]; then
	echo "nothing parsed from $hdr"
	exit 1
fi

{
	cat <<'C'
#include <stdio.h>
#include <string.h>
#include "liblpc.h"
static int bad;
static void want(const char *got, const char *name)
{
	if (!got || strcmp(got, name)) {
		printf("%s: library says %s\n", name, got ? got : "NULL");
		bad = 1;
	}
}
int main(void)
{
C
	for f in $feats; do
		lower=$(echo "${f#LPC_FEAT_}" | tr '[:upper:]' '[:lower:]')
		echo "	want(lpc_feature_name($f), \"$lower\");"
	done
	for t in $types; do
		echo "	want(lpc_msg_type_name($t), \"${t#LPC_MSG_}\");"
	done
	echo '	return bad;'
	echo '}'
} > "$tmp/names.c"

$CC -Wall -Werror -I"$SRCDIR/include" -I"$SRCDIR/../uapi" \
	-o "$tmp/names" "$tmp/names.c" "$O/liblpc.a"
"$tmp/names"
echo "$(echo "$feats" | wc -l) features, $(echo "$types" | wc -l) types named"
