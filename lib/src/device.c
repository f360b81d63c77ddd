// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * /dev/lpc itself: opening it and asking the module what it supports.
 */
#include <fcntl.h>
#include <string.h>
#include "lpc-internal.h"

unsigned int lpc_lib_version(void)
{
	/* The code this library was built with, not the caller's header. */
	return LIBLPC_VERSION_CODE;
}

int lpc_open_path(const char *path, unsigned int flags)
{
	int oflags = O_RDWR | O_CLOEXEC;

	if (!path || (flags & ~LPC_NO_CLOEXEC))
		return -EINVAL;
	if (flags & LPC_NO_CLOEXEC)
		oflags &= ~O_CLOEXEC;
	return __lpc_open(path, oflags);
}

int lpc_open(unsigned int flags)
{
	return lpc_open_path(LPC_DEVICE_PATH, flags);
}

int lpc_version(int dev, struct lpc_version *v)
{
	struct lpc_version out = { 0 };
	int ret;

	if (!v)
		return -EINVAL;
	/* Fill a local copy: on failure *v is left as the caller had it. */
	ret = __lpc_ioctl(dev, LPC_IOC_VERSION, &out);
	if (ret < 0)
		return ret;
	memcpy(v, &out, sizeof(out));
	return 0;
}
