// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Questions about ports, asked on /dev/lpc: list ports, describe one,
 * list its connections, read or replace its ACL.
 */
#include "lpc-internal.h"

/* One LPC_IOC_PORT_LIST/CONN_LIST page; the cursor moves on. */
static int query_page(int dev, unsigned long req, const char *name,
		      __u64 *cursor, void *buf, unsigned int count,
		      __u32 entry_size)
{
	struct lpc_query q = {
		.buf = lpc_ptr(buf),
		.count = count,
		.entry_size = entry_size,
	};
	int ret;

	if (!cursor)
		return -EINVAL;
	if (name) {
		ret = __lpc_name_len(name);
		if (ret < 0)
			return ret;
		q.name = lpc_ptr(name);
		q.name_len = (__u32)ret;
	}
	q.cursor = *cursor;
	ret = __lpc_ioctl(dev, req, &q);
	if (ret < 0)
		return ret;
	*cursor = q.cursor;
	return (int)q.count;
}

int lpc_port_list(int dev, __u64 *cursor, struct lpc_port_info *ports,
		  unsigned int count)
{
	return query_page(dev, LPC_IOC_PORT_LIST, NULL, cursor, ports, count,
			  sizeof(*ports));
}

int lpc_conn_list(int dev, const char *name, __u64 *cursor,
		  struct lpc_conn_info *conns, unsigned int count)
{
	if (!name)
		return -EINVAL;
	return query_page(dev, LPC_IOC_CONN_LIST, name, cursor, conns, count,
			  sizeof(*conns));
}

int lpc_port_info(int dev, const char *name, struct lpc_port_info *info)
{
	struct lpc_query q = {
		.buf = lpc_ptr(info),
		.count = 1,
		.entry_size = sizeof(*info),
	};
	int ret;

	ret = __lpc_name_len(name);
	if (ret < 0)
		return ret;
	if (!info)
		return -EINVAL;
	q.name = lpc_ptr(name);
	q.name_len = (__u32)ret;
	ret = __lpc_ioctl(dev, LPC_IOC_PORT_INFO, &q);
	if (ret < 0)
		return ret;
	/* Success without an entry would leave *info stale: say so. */
	return q.count == 1 ? 0 : -ENOENT;
}

int lpc_acl_get(int dev, const char *name, struct lpc_ace *aces,
		unsigned int *count)
{
	struct lpc_acl_req r = { .aces = lpc_ptr(aces) };
	int ret;

	ret = __lpc_name_len(name);
	if (ret < 0)
		return ret;
	if (!count)
		return -EINVAL;
	r.name = lpc_ptr(name);
	r.name_len = (__u32)ret;
	r.count = *count;
	ret = __lpc_ioctl(dev, LPC_IOC_ACL_GET, &r);
	/* After -ENOSPC the count says how much room is needed. */
	if (ret == 0 || ret == -ENOSPC)
		*count = r.count;
	return ret < 0 ? ret : 0;
}

int lpc_acl_set(int dev, const char *name, const struct lpc_ace *aces,
		unsigned int count)
{
	struct lpc_acl_req r = {
		.aces = lpc_ptr(aces),
		.count = count,
	};
	int ret;

	ret = __lpc_name_len(name);
	if (ret < 0)
		return ret;
	r.name = lpc_ptr(name);
	r.name_len = (__u32)ret;
	return __lpc_ioctl(dev, LPC_IOC_ACL_SET, &r);
}
