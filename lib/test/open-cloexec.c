// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * The device is opened read-write and close-on-exec unless the caller
 * passes LPC_NO_CLOEXEC (/dev/null stands in for /dev/lpc).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "liblpc.h"
#include "helpers.h"

static void check(unsigned int flags, int want_cloexec)
{
	int fd = lpc_open_path("/dev/null", flags);

	T_CHECK(fd >= 0);
	if (fd < 0)
		return;
	T_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	T_EQ(!!(fcntl(fd, F_GETFD) & FD_CLOEXEC), want_cloexec);
	close(fd);
}

int main(void)
{
	if (access("/dev/null", R_OK | W_OK) != 0)
		return T_EXIT_SKIP;
	check(0, 1);
	check(LPC_NO_CLOEXEC, 0);
	return t_result();
}
