// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * The only two places that make system calls. Errors come back as -errno
 * and errno is restored, so callers can use the library between other
 * calls whose errno they still care about.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include "lpc-internal.h"

int __lpc_ioctl(int fd, unsigned long req, void *arg)
{
	int saved = errno;
	int ret;

	ret = ioctl(fd, req, arg);
	if (ret < 0)
		ret = -errno;
	errno = saved;
	return ret;
}

int __lpc_open(const char *path, int oflags)
{
	int saved = errno;
	int ret;

	ret = open(path, oflags);
	if (ret < 0)
		ret = -errno;
	errno = saved;
	return ret;
}
