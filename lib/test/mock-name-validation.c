// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Bad port names are refused by the library itself: the kernel is never
 * called, so the answer does not depend on the module. A name of exactly
 * LPC_NAME_MAX bytes does reach the kernel.
 */
#include <errno.h>
#include <string.h>
#include "liblpc.h"
#include "helpers.h"
#include "mock.h"

static char max_name[LPC_NAME_MAX + 1];
static char long_name[LPC_NAME_MAX + 2];

static void check_refused(const char *name, int want)
{
	mock_reset();
	errno = EXDEV;
	T_EQ(lpc_port_create(3, name, NULL), want);
	T_EQ(lpc_connect_name(3, name, NULL, 0, -1), want);
	T_EQ(mock.calls, 0);
	T_EQ(errno, EXDEV);
}

int main(void)
{
	memset(max_name, 'n', LPC_NAME_MAX);
	memset(long_name, 'n', LPC_NAME_MAX + 1);

	check_refused(NULL, -EINVAL);
	check_refused("", -EINVAL);
	check_refused(long_name, -ENAMETOOLONG);

	mock_reset();
	mock.ret = 5;
	T_EQ(lpc_port_create(3, max_name, NULL), 5);
	T_EQ(mock.calls, 1);
	T_EQ(MOCK_ARG(struct lpc_port_attr)->name_len, LPC_NAME_MAX);

	mock_reset();
	mock.ret = 6;
	T_EQ(lpc_connect_name(3, max_name, NULL, 0, -1), 6);
	T_EQ(MOCK_ARG(struct lpc_connect)->name_len, LPC_NAME_MAX);

	/* NT-style names with backslashes and spaces are just bytes. */
	mock_reset();
	T_EQ(lpc_port_create(3, "\\RPC Control\\x y", NULL), 0);
	T_EQ(MOCK_ARG(struct lpc_port_attr)->name_len, 16);
	return t_result();
}
