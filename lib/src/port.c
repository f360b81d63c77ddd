// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Connection ports and connections: create, connect, accept, reject,
 * disconnect.
 */
#include <string.h>
#include "lpc-internal.h"

int __lpc_name_len(const char *name)
{
	size_t len;

	if (!name)
		return -EINVAL;
	/* strnlen: do not walk a huge unterminated buffer. */
	len = strnlen(name, LPC_NAME_MAX + 1);
	if (len == 0)
		return -EINVAL;
	if (len > LPC_NAME_MAX)
		return -ENAMETOOLONG;
	return (int)len;
}

int lpc_port_create(int dev, const char *name,
		    const struct lpc_port_attr *attr)
{
	struct lpc_port_attr a = { 0 };
	int len;

	len = __lpc_name_len(name);
	if (len < 0)
		return len;
	if (attr)
		a = *attr;
	a.name = lpc_ptr(name);
	a.name_len = (__u32)len;
	return __lpc_ioctl(dev, LPC_IOC_CREATE_PORT, &a);
}

int lpc_connect(int dev, struct lpc_connect *c)
{
	if (!c)
		return -EINVAL;
	return __lpc_ioctl(dev, LPC_IOC_CONNECT, c);
}

int lpc_connect_name(int dev, const char *name, const void *data,
		     size_t len, int64_t timeout_ns)
{
	struct lpc_connect c = {
		.name = lpc_ptr(name),
		.data = lpc_ptr(data),
	};
	int ret;

	ret = __lpc_name_len(name);
	if (ret < 0)
		return ret;
	c.name_len = (__u32)ret;
	ret = __lpc_len32(len, &c.data_len);
	if (ret < 0)
		return ret;
	if (timeout_ns >= 0) {
		c.flags |= LPC_CONNECT_TIMEOUT;
		c.timeout_ns = (__u64)timeout_ns;
	}
	return __lpc_ioctl(dev, LPC_IOC_CONNECT, &c);
}

int lpc_accept(int port, __u64 id, __u64 context, const void *data,
	       size_t len, unsigned int flags)
{
	struct lpc_accept a = {
		.id = id,
		.context = context,
		.data = lpc_ptr(data),
		.flags = flags,
	};
	int ret;

	ret = __lpc_len32(len, &a.data_len);
	if (ret < 0)
		return ret;
	return __lpc_ioctl(port, LPC_IOC_ACCEPT, &a);
}

int lpc_reject(int port, __u64 id, const void *data, size_t len)
{
	return lpc_accept(port, id, 0, data, len, LPC_ACCEPT_REJECT);
}

int lpc_disconnect(int port)
{
	return __lpc_ioctl(port, LPC_IOC_DISCONNECT, NULL);
}
