// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include "mock.h"

struct mock_ioctl mock;

void mock_reset(void)
{
	memset(&mock, 0, sizeof(mock));
	mock.fd = -1;
}

/* Same prototype as glibc's, so this definition replaces it. */
int ioctl(int fd, unsigned long req, ...)
{
	size_t size = _IOC_SIZE(req);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	mock.calls++;
	mock.fd = fd;
	mock.req = req;
	mock.argp = arg;
	memset(mock.arg, 0, sizeof(mock.arg));
	if (arg && size <= sizeof(mock.arg))
		memcpy(mock.arg, arg, size);
	if (mock.fill && arg)
		mock.fill(arg);
	if (mock.ret < 0) {
		errno = -mock.ret;
		return -1;
	}
	return mock.ret;
}
