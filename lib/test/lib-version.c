// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/* The library reports the version its header announces. */
#include "liblpc.h"
#include "helpers.h"

int main(void)
{
	T_EQ(lpc_lib_version(), LIBLPC_VERSION_CODE);
	T_EQ(lpc_lib_version() >> 16, LIBLPC_VERSION_MAJOR);
	T_EQ((lpc_lib_version() >> 8) & 0xff, LIBLPC_VERSION_MINOR);
	T_EQ(lpc_lib_version() & 0xff, LIBLPC_VERSION_PATCH);
	return t_result();
}
