// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The device's answers for the commands (see source.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "main.h"
#include "source.h"

#define PAGE	16	/* entries fetched per query ioctl */

int source_open(struct source *src)
{
	int fd;

	src->fd = -1;
	src->path = opts.device;
	fd = lpc_open_path(opts.device, 0);
	if (fd == -ENOENT) {
		/* The one error a user hits first: say what it means. */
		p_err("lpc module not loaded (%s: %s)", opts.device,
		      strerror(ENOENT));
		return fd;
	}
	if (fd < 0) {
		p_err("cannot open %s: %s", opts.device, strerror(-fd));
		return fd;
	}
	src->fd = fd;
	return 0;
}

void source_close(struct source *src)
{
	if (src->fd >= 0)
		close(src->fd);
	src->fd = -1;
}

int source_version(struct source *src, struct lpc_version *v)
{
	int ret;

	ret = lpc_version(src->fd, v);
	if (ret == -ENOTTY)
		p_err("%s is not an lpc device (%s)", src->path,
		      strerror(ENOTTY));
	else if (ret < 0)
		p_err("cannot query %s: %s", src->path, strerror(-ret));
	return ret;
}

/*
 * Queries are a feature: say so plainly on a module without them.
 */
static int need_query(struct source *src)
{
	struct lpc_version v;
	int ret;

	ret = source_version(src, &v);
	if (ret < 0)
		return ret;
	if (!(v.features & LPC_FEAT_QUERY)) {
		p_err("this lpc module cannot list ports (no 'query' feature)");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int query_failed(const char *what, const char *name, int err)
{
	if (err == -ENOENT && name)
		p_err("no port '%s' (or not visible to you)", name);
	else
		p_err("%s: %s", what, strerror(-err));
	return err;
}

static int live_ports(struct source *src, port_fn fn, void *arg)
{
	struct lpc_port_info page[PAGE];
	__u64 cursor = 0;
	int n, i, ret;

	do {
		n = lpc_port_list(src->fd, &cursor, page, PAGE);
		if (n < 0)
			return query_failed("listing ports", NULL, n);
		for (i = 0; i < n; i++) {
			ret = fn(&page[i], arg);
			if (ret)
				return ret;
		}
	} while (cursor);
	return 0;
}

static int live_conns(struct source *src, const char *name, conn_fn fn,
		      void *arg)
{
	struct lpc_conn_info page[PAGE];
	__u64 cursor = 0;
	int n, i, ret;

	do {
		n = lpc_conn_list(src->fd, name, &cursor, page, PAGE);
		if (n < 0)
			return query_failed("listing connections", name, n);
		for (i = 0; i < n; i++) {
			ret = fn(&page[i], arg);
			if (ret)
				return ret;
		}
	} while (cursor);
	return 0;
}

int source_ports(struct source *src, port_fn fn, void *arg)
{
	int ret;

	ret = need_query(src);
	if (ret)
		return ret;
	return live_ports(src, fn, arg);
}

int source_port(struct source *src, const char *name,
		struct lpc_port_info *info)
{
	int ret;

	ret = need_query(src);
	if (ret)
		return ret;
	ret = lpc_port_info(src->fd, name, info);
	if (ret < 0)
		query_failed("describing the port", name, ret);
	return ret;
}

int source_conns(struct source *src, const char *name, conn_fn fn,
		 void *arg)
{
	int ret;

	ret = need_query(src);
	if (ret)
		return ret;
	return live_conns(src, name, fn, arg);
}

static int need_acl(struct source *src)
{
	struct lpc_version v;
	int ret;

	ret = source_version(src, &v);
	if (ret < 0)
		return ret;
	if (!(v.features & LPC_FEAT_ACL_GETSET)) {
		p_err("this lpc module cannot read or change ACLs (no 'acl_getset' feature)");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int acl_failed(bool set, const char *name, int err)
{
	if ((err == -EACCES || err == -EPERM) && set)
		p_err("permission denied (need the admin right or ownership of the port)");
	else if (err == -EACCES || err == -EPERM)
		p_err("permission denied (need the query right on the port)");
	else if (err == -EINVAL && set)
		p_err("the module rejected the ACL (%s)", strerror(EINVAL));
	else
		query_failed(set ? "changing the ACL" : "reading the ACL",
			     name, err);
	return err;
}

int source_acl_get(struct source *src, const char *name,
		   struct lpc_ace *aces, unsigned int *count)
{
	int ret;

	ret = need_acl(src);
	if (ret)
		return ret;
	ret = lpc_acl_get(src->fd, name, aces, count);
	if (ret < 0 && ret != -ENOSPC)
		acl_failed(false, name, ret);
	return ret;
}

int source_acl_set(struct source *src, const char *name,
		   const struct lpc_ace *aces, unsigned int count)
{
	int ret;

	ret = need_acl(src);
	if (ret)
		return ret;
	ret = lpc_acl_set(src->fd, name, aces, count);
	if (ret < 0)
		acl_failed(true, name, ret);
	return ret;
}
