// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Data that does not travel inline: shared sections, the views they are
 * sent as, and direct access to a requester's memory.
 */
#include <limits.h>
#include "lpc-internal.h"

int lpc_section_create(int port, size_t size, unsigned int flags)
{
	struct lpc_section_attr a = {
		.size = size,
		.flags = flags,
	};

	return __lpc_ioctl(port, LPC_IOC_SECTION_CREATE, &a);
}

int lpc_view_release(int port, const void *addr)
{
	struct lpc_view_release r = { .addr = lpc_ptr(addr) };

	return __lpc_ioctl(port, LPC_IOC_VIEW_RELEASE, &r);
}

static int direct(int port, unsigned long req, __u64 id, unsigned int range,
		  __u64 offset, const void *buf, size_t len)
{
	struct lpc_direct d = {
		.id = id,
		.range = range,
		.offset = offset,
		.buf = lpc_ptr(buf),
		.len = len,
	};

	/* The byte count comes back as an int. */
	if (len > INT_MAX)
		return -EINVAL;
	return __lpc_ioctl(port, req, &d);
}

int lpc_direct_read(int port, __u64 id, unsigned int range, __u64 offset,
		    void *buf, size_t len)
{
	return direct(port, LPC_IOC_DIRECT_READ, id, range, offset, buf, len);
}

int lpc_direct_write(int port, __u64 id, unsigned int range, __u64 offset,
		     const void *buf, size_t len)
{
	return direct(port, LPC_IOC_DIRECT_WRITE, id, range, offset, buf, len);
}
