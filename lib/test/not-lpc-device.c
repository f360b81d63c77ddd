// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Real ioctls on a file that is not /dev/lpc: the kernel's -ENOTTY comes
 * back as the return value, errno is untouched, and output structures are
 * not half-written.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "liblpc.h"
#include "helpers.h"

int main(void)
{
	struct lpc_version v;
	struct lpc_xfer x = { .flags = LPC_XFER_RECV };
	struct lpc_msg_info info;
	char buf[16];
	int fd;

	fd = lpc_open_path("/dev/null", 0);
	if (fd < 0)
		return T_EXIT_SKIP;

	memset(&v, 0xa5, sizeof(v));
	errno = EXDEV;
	T_EQ(lpc_version(fd, &v), -ENOTTY);
	T_EQ(v.api_version, 0xa5a5a5a5);
	T_EQ(lpc_port_create(fd, "x", NULL), -ENOTTY);
	T_EQ(lpc_connect_name(fd, "x", NULL, 0, -1), -ENOTTY);
	T_EQ(lpc_xfer(fd, &x), -ENOTTY);
	T_EQ(lpc_receive(fd, buf, sizeof(buf), &info, 0), -ENOTTY);
	T_EQ(lpc_cancel(fd, 1), -ENOTTY);
	T_EQ(lpc_disconnect(fd), -ENOTTY);
	T_EQ(errno, EXDEV);
	close(fd);

	T_EQ(lpc_version(-1, &v), -EBADF);
	T_EQ(lpc_disconnect(-1), -EBADF);
	T_EQ(lpc_version(fd, NULL), -EINVAL);
	T_EQ(errno, EXDEV);
	return t_result();
}
