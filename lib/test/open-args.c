// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * lpc_open() takes only LPC_NO_CLOEXEC; anything else is -EINVAL, like the
 * kernel's own rule for unknown flags, and nothing is opened.
 */
#include <errno.h>
#include <fcntl.h>
#include "liblpc.h"
#include "helpers.h"

int main(void)
{
	errno = EXDEV;
	T_EQ(lpc_open(1), -EINVAL);
	T_EQ(lpc_open(O_NONBLOCK), -EINVAL);
	T_EQ(lpc_open(LPC_NO_CLOEXEC | 1), -EINVAL);
	T_EQ(lpc_open_path(NULL, 0), -EINVAL);
	T_EQ(lpc_open_path("/dev/null", 2), -EINVAL);
	T_EQ(errno, EXDEV);
	return t_result();
}
