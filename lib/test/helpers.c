// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
#include <stdio.h>
#include "helpers.h"

static int t_failures;

void t_check(int ok, const char *what, const char *file, int line)
{
	if (ok)
		return;
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	t_failures++;
}

void t_check_eq(long long got, long long want, const char *got_expr,
		const char *want_expr, const char *file, int line)
{
	if (got == want)
		return;
	fprintf(stderr, "%s:%d: %s is %lld, expected %s (%lld)\n",
		file, line, got_expr, got, want_expr, want);
	t_failures++;
}

int t_result(void)
{
	return t_failures ? T_EXIT_FAIL : T_EXIT_PASS;
}
