/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Tiny check helpers for the liblpc host tests. A test keeps going after a
 * failed check so one run shows every broken expectation.
 */
#ifndef LPC_TEST_HELPERS_H
#define LPC_TEST_HELPERS_H

enum t_exit {
	T_EXIT_PASS = 0,
	T_EXIT_FAIL = 1,
	T_EXIT_SKIP = 77,
};

void t_check(int ok, const char *what, const char *file, int line);
void t_check_eq(long long got, long long want, const char *got_expr,
		const char *want_expr, const char *file, int line);
/* T_EXIT_PASS, or T_EXIT_FAIL if any check failed. */
int t_result(void);

#define T_CHECK(cond) t_check(!!(cond), #cond, __FILE__, __LINE__)
#define T_EQ(got, want) \
	t_check_eq((long long)(got), (long long)(want), #got, #want, \
		   __FILE__, __LINE__)

#endif /* LPC_TEST_HELPERS_H */
