// SPDX-License-Identifier: GPL-2.0
/*
 * Queries on /dev/lpc: list the connection ports of the caller's IPC
 * namespace, describe one, list its connections, read and replace its ACL.
 *
 * A port the caller may not query does not exist for it: listings skip
 * it and lookups by name fail with -ENOENT, exactly as for a name nobody
 * created (acl.c has the rules for the ACL calls).
 *
 * Nothing is copied to user space under a lock. Ports are gathered with
 * a reference each under lpc_ns_mutex (ns.c), connections with a
 * reference and a snapshot of their fields under the connection port's
 * lock, one batch at a time; the batch is written out once the lock is
 * dropped. Every entry is zeroed before it is filled, and the part of a
 * user entry beyond the structure the kernel knows is cleared, so no
 * stale kernel bytes and no pointers reach user space.
 *
 * Ids are shown in the caller's namespaces: uids and gids in its user
 * namespace (the overflow id if unmapped), pids in its pid namespace (0
 * if not visible there).
 */
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "internal.h"
#include "query.h"

/*
 * Ports gathered per visit under lpc_ns_mutex, and connections per visit
 * under the connection port's lock. Each visit walks the whole list, so
 * connections, which can be many more, come in larger batches.
 */
#define LPC_QUERY_BATCH		16
#define LPC_CONN_BATCH		64

/* Values of &lpc_conn_info.state. */
#define LPC_CONN_INFO_CONNECTING	1
#define LPC_CONN_INFO_CONNECTED		2

static int lpc_query_name_check(u32 name_len)
{
	if (!name_len)
		return -EINVAL;
	return name_len > LPC_NAME_MAX ? -ENAMETOOLONG : 0;
}

/*
 * Copy in and check a query. @named: the call takes a port name (it is
 * unused, so must be 0, for the port list).
 */
static int lpc_query_in(struct lpc_query *q, void __user *uarg, u32 usize,
			u32 entry_ver0, bool named)
{
	int ret;

	ret = lpc_copy_in(q, sizeof(*q), uarg, usize, LPC_QUERY_SIZE_VER0);
	if (ret)
		return ret;
	/* No room at all is a mistake: it could not tell "done" apart. */
	if (q->flags || !q->count || q->entry_size < entry_ver0)
		return -EINVAL;
	if (q->entry_size > PAGE_SIZE)
		return -E2BIG;
	if (named)
		return lpc_query_name_check(q->name_len);
	return q->name || q->name_len ? -EINVAL : 0;
}

static int lpc_query_out(void __user *uarg, u32 usize,
			 const struct lpc_query *q)
{
	return lpc_copy_out(uarg, usize, q, sizeof(*q));
}

/* Write entry @index of q->entry_size bytes: the kernel's, then zeros. */
static int lpc_put_entry(const struct lpc_query *q, u32 index,
			 const void *src, size_t ksize)
{
	void __user *dst = u64_to_user_ptr(q->buf + (u64)index *
					   q->entry_size);
	size_t n = min_t(size_t, ksize, q->entry_size);

	if (copy_to_user(dst, src, n))
		return -EFAULT;
	if (q->entry_size > n && clear_user(dst + n, q->entry_size - n))
		return -EFAULT;
	return 0;
}

static bool lpc_may_query(struct lpc_port *port)
{
	return !lpc_acl_check(port, LPC_RIGHT_QUERY);
}

/* A connection port by name, whether or not the caller may see it. */
static struct lpc_port *lpc_query_lookup(u64 uname, u32 len)
{
	struct lpc_port *port;
	char *name;

	name = lpc_name_from_user(uname, len);
	if (IS_ERR(name))
		return ERR_CAST(name);
	port = lpc_ns_lookup(name, len);
	kfree(name);
	return port ?: ERR_PTR(-ENOENT);
}

/* A connection port by name, if the caller may query it. */
static struct lpc_port *lpc_query_find(u64 uname, u32 len)
{
	struct lpc_port *port = lpc_query_lookup(uname, len);

	if (!IS_ERR(port) && !lpc_may_query(port)) {
		lpc_port_put(port);
		return ERR_PTR(-ENOENT);
	}
	return port;
}

/*
 * The per-CPU counters are summed without stopping the writers: a query
 * sees each counter at some moment, not all of them at the same one.
 */
static void lpc_stats_sum(struct lpc_server *srv, struct lpc_port_info *info)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct lpc_stats *s = per_cpu_ptr(srv->stats, cpu);

		info->connects += s->connects;
		info->accepted += s->accepted;
		info->refused += s->refused;
		info->denied += s->denied;
		info->msgs_in += s->msgs_in;
		info->bytes_in += s->bytes_in;
		info->msgs_out += s->msgs_out;
		info->bytes_out += s->bytes_out;
		info->lost_replies += s->lost_replies;
	}
}

/* Describe a connection port; false once it is closing. */
static bool lpc_port_info_fill(struct lpc_port *port,
			       struct lpc_port_info *info)
{
	struct user_namespace *uns = current_user_ns();
	struct lpc_server *srv = port->srv;
	bool dead;

	memset(info, 0, sizeof(*info));
	info->serial = srv->serial;
	info->name_len = srv->name_len;
	info->flags = srv->flags;
	info->owner_uid = from_kuid_munged(uns, srv->owner->euid);
	info->owner_gid = from_kgid_munged(uns, srv->owner->egid);
	info->server_pid = pid_nr_ns(srv->creator,
				     task_active_pid_ns(current));
	info->created_ns = srv->created_ns;
	info->max_msg_len = srv->max_msg_len;
	info->max_conn_data_len = srv->max_conn_data_len;
	info->max_queued = port->max_queued;
	info->max_conns = srv->max_conns;
	info->max_conn_queued = srv->max_conn_queued;
	info->max_conn_bytes = srv->max_conn_bytes;

	spin_lock(&port->lock);
	dead = port->dead;
	info->nr_conns = srv->nr_conns;
	info->nr_queued = port->nr_held;
	info->queued_bytes = port->held_bytes;
	spin_unlock(&port->lock);

	lpc_stats_sum(srv, info);
	/* The NUL is already there: the name is at most LPC_NAME_MAX. */
	memcpy(info->name, srv->name, srv->name_len);
	return !dead;
}

/**
 * struct lpc_port_lister - one %LPC_IOC_PORT_LIST call
 * @q: the query.
 * @info: the entry being written.
 * @ports: the current batch, each with a reference.
 * @scanned: serial of the last port looked at.
 * @last: serial of the last port written.
 * @written: entries written.
 */
struct lpc_port_lister {
	struct lpc_query q;
	struct lpc_port_info info;
	struct lpc_port *ports[LPC_QUERY_BATCH];
	u64 scanned;
	u64 last;
	u32 written;
};

/* Write out the visible ports of a batch, and put them all. */
static int lpc_port_list_batch(struct lpc_port_lister *l, unsigned int n)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		struct lpc_port *port = l->ports[i];

		l->scanned = port->srv->serial;
		if (!ret && lpc_may_query(port) &&
		    lpc_port_info_fill(port, &l->info)) {
			ret = lpc_put_entry(&l->q, l->written, &l->info,
					    sizeof(l->info));
			if (!ret) {
				l->written++;
				l->last = l->scanned;
			}
		}
		lpc_port_put(port);
	}
	return ret;
}

/**
 * lpc_port_list() - %LPC_IOC_PORT_LIST
 * @uarg: user &struct lpc_query.
 * @usize: its size.
 *
 * Lists the ports after the cursor, in serial order, that the caller may
 * query. A batch never holds more ports than there is room left, so
 * every port gathered is either written or invisible.
 *
 * Return: 0 (the query's count and cursor updated), or -errno.
 */
int lpc_port_list(void __user *uarg, u32 usize)
{
	struct lpc_port_lister *l;
	unsigned int n, want;
	bool more;
	int ret;

	l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	if (!l)
		return -ENOMEM;
	ret = lpc_query_in(&l->q, uarg, usize, LPC_PORT_INFO_SIZE_VER0, false);
	if (ret)
		goto out;

	l->scanned = l->q.cursor;
	do {
		want = min_t(u32, LPC_QUERY_BATCH, l->q.count - l->written);
		n = lpc_ns_ports_after(l->scanned, l->ports, want, &more);
		ret = lpc_port_list_batch(l, n);
	} while (!ret && more && l->written < l->q.count);
	if (ret)
		goto out;

	l->q.count = l->written;
	l->q.cursor = more ? l->last : 0;
	ret = lpc_query_out(uarg, usize, &l->q);
out:
	kfree(l);
	return ret;
}

/**
 * lpc_port_info() - %LPC_IOC_PORT_INFO
 * @uarg: user &struct lpc_query naming the port; the cursor must be 0.
 * @usize: its size.
 *
 * Return: 0 with one entry written, -ENOENT if there is no such port for
 * the caller, or another -errno.
 */
int lpc_port_info(void __user *uarg, u32 usize)
{
	struct lpc_port_info *info;
	struct lpc_port *port;
	struct lpc_query q;
	int ret;

	ret = lpc_query_in(&q, uarg, usize, LPC_PORT_INFO_SIZE_VER0, true);
	if (ret)
		return ret;
	if (q.cursor)
		return -EINVAL;
	port = lpc_query_find(q.name, q.name_len);
	if (IS_ERR(port))
		return PTR_ERR(port);

	ret = -ENOMEM;
	info = kmalloc(sizeof(*info), GFP_KERNEL_ACCOUNT);
	if (!info)
		goto out_put;
	ret = -ENOENT;
	if (lpc_port_info_fill(port, info))
		ret = lpc_put_entry(&q, 0, info, sizeof(*info));
	kfree(info);
	if (!ret) {
		q.count = 1;
		ret = lpc_query_out(uarg, usize, &q);
	}
out_put:
	lpc_port_put(port);
	return ret;
}

/**
 * struct lpc_conn_lister - one %LPC_IOC_CONN_LIST call
 * @q: the query.
 * @port: the connection port (a reference).
 * @conns: the current batch, each with a reference, in serial order.
 * @info: their entries.
 * @scanned: serial of the last connection gathered.
 * @written: entries written.
 */
struct lpc_conn_lister {
	struct lpc_query q;
	struct lpc_port *port;
	struct lpc_conn *conns[LPC_CONN_BATCH];
	struct lpc_conn_info info[LPC_CONN_BATCH];
	u64 scanned;
	u32 written;
};

/*
 * Add @conn to @conns, which holds the @n smallest serials seen so far in
 * increasing order and has room for @max. Return the new count; *@more
 * tells that a connection was left out.
 */
static unsigned int lpc_conn_pick(struct lpc_conn **conns, unsigned int n,
				  unsigned int max, struct lpc_conn *conn,
				  bool *more)
{
	unsigned int i;

	if (n == max) {
		*more = true;
		if (conns[n - 1]->serial < conn->serial)
			return n;
		n--;	/* the largest one makes room */
	}
	for (i = n; i > 0 && conns[i - 1]->serial > conn->serial; i--)
		conns[i] = conns[i - 1];
	conns[i] = conn;
	return n + 1;
}

/* What the connection port's lock protects about a connection. */
static void lpc_conn_info_fill(struct lpc_conn *conn,
			       struct lpc_conn_info *info)
{
	const struct cred *cred = conn->cred;

	lockdep_assert_held(&conn->listener->lock);
	memset(info, 0, sizeof(*info));
	info->serial = conn->serial;
	info->client_pid = pid_nr_ns(conn->client_pid,
				     task_active_pid_ns(current));
	info->client_uid = from_kuid_munged(current_user_ns(), cred->euid);
	info->client_gid = from_kgid_munged(current_user_ns(), cred->egid);
	info->connected_ns = conn->connected_ns;
	info->held = conn->nr_held;
	info->held_bytes = conn->held_bytes;
	if (conn->state == LPC_CONN_CONNECTED) {
		info->state = LPC_CONN_INFO_CONNECTED;
		info->context = conn->context;
	} else {
		info->state = LPC_CONN_INFO_CONNECTING;
	}
}

/*
 * Gather up to @max connections after l->scanned, in serial order. The
 * list is walked whole, so its order does not matter.
 */
static unsigned int lpc_conns_gather(struct lpc_conn_lister *l,
				     unsigned int max, bool *more)
{
	struct lpc_port *port = l->port;
	struct lpc_conn *conn;
	unsigned int i, n = 0;

	*more = false;
	spin_lock(&port->lock);
	list_for_each_entry(conn, &port->srv->conns, entry)
		if (conn->serial > l->scanned)
			n = lpc_conn_pick(l->conns, n, max, conn, more);
	for (i = 0; i < n; i++) {
		/*
		 * A connection leaves the list, under this lock, before
		 * its ports drop their references: it is alive here.
		 */
		refcount_inc(&l->conns[i]->ref);
		lpc_conn_info_fill(l->conns[i], &l->info[i]);
	}
	spin_unlock(&port->lock);
	return n;
}

/* What the client port's lock protects: its pending requests and queue. */
static void lpc_conn_info_client(struct lpc_conn *conn,
				 struct lpc_conn_info *info)
{
	struct lpc_port *client = conn->client;
	struct list_head *pos;
	struct rb_node *node;

	spin_lock(&client->lock);
	for (node = rb_first(&client->pending); node; node = rb_next(node))
		info->pending++;
	list_for_each(pos, &client->queue)
		info->queued++;
	info->async = client->nr_async;
	spin_unlock(&client->lock);
}

/* Complete and write out a gathered batch, and put it. */
static int lpc_conn_list_batch(struct lpc_conn_lister *l, unsigned int n)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		l->scanned = l->info[i].serial;
		if (!ret) {
			lpc_conn_info_client(l->conns[i], &l->info[i]);
			ret = lpc_put_entry(&l->q, l->written, &l->info[i],
					    sizeof(l->info[i]));
		}
		if (!ret)
			l->written++;
		lpc_conn_put(l->conns[i]);
	}
	return ret;
}

/**
 * lpc_conn_list() - %LPC_IOC_CONN_LIST
 * @uarg: user &struct lpc_query naming the connection port.
 * @usize: its size.
 *
 * Lists the port's connections, connecting or connected, after the
 * cursor in serial order.
 *
 * Return: 0 (the query's count and cursor updated), -ENOENT if there is
 * no such port for the caller, or another -errno.
 */
int lpc_conn_list(void __user *uarg, u32 usize)
{
	struct lpc_conn_lister *l;
	unsigned int n, want;
	bool more;
	int ret;

	l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	if (!l)
		return -ENOMEM;
	ret = lpc_query_in(&l->q, uarg, usize, LPC_CONN_INFO_SIZE_VER0, true);
	if (ret)
		goto out_free;
	l->port = lpc_query_find(l->q.name, l->q.name_len);
	if (IS_ERR(l->port)) {
		ret = PTR_ERR(l->port);
		goto out_free;
	}

	l->scanned = l->q.cursor;
	do {
		want = min_t(u32, LPC_CONN_BATCH, l->q.count - l->written);
		n = lpc_conns_gather(l, want, &more);
		ret = lpc_conn_list_batch(l, n);
	} while (!ret && more && l->written < l->q.count);
	if (ret)
		goto out_put;

	l->q.count = l->written;
	l->q.cursor = more ? l->scanned : 0;
	ret = lpc_query_out(uarg, usize, &l->q);
out_put:
	lpc_port_put(l->port);
out_free:
	kfree(l);
	return ret;
}

static int lpc_acl_req_in(struct lpc_acl_req *req, void __user *uarg,
			  u32 usize)
{
	int ret;

	ret = lpc_copy_in(req, sizeof(*req), uarg, usize,
			  LPC_ACL_REQ_SIZE_VER0);
	if (ret)
		return ret;
	if (req->flags || req->__pad)
		return -EINVAL;
	return lpc_query_name_check(req->name_len);
}

/**
 * lpc_acl_get() - %LPC_IOC_ACL_GET
 * @uarg: user &struct lpc_acl_req.
 * @usize: its size.
 *
 * Needs the query right. The count is written back on success and on
 * -ENOSPC, so that a caller can size its array.
 *
 * Return: 0, -ENOENT, -ENOSPC, or another -errno.
 */
int lpc_acl_get(void __user *uarg, u32 usize)
{
	struct lpc_acl_req __user *ureq = uarg;
	struct lpc_acl_req req;
	struct lpc_port *port;
	int ret;

	ret = lpc_acl_req_in(&req, uarg, usize);
	if (ret)
		return ret;
	port = lpc_query_find(req.name, req.name_len);
	if (IS_ERR(port))
		return PTR_ERR(port);
	ret = lpc_acl_to_user(port, req.aces, &req.count);
	lpc_port_put(port);
	if ((!ret || ret == -ENOSPC) && put_user(req.count, &ureq->count))
		ret = -EFAULT;
	return ret;
}

/**
 * lpc_acl_set() - %LPC_IOC_ACL_SET
 * @uarg: user &struct lpc_acl_req.
 * @usize: its size.
 *
 * The new list is checked before the port is looked up, so errors come
 * in this order: the request and the entries (-EINVAL, -ENAMETOOLONG,
 * -EFAULT), then -ENOENT, then -EACCES. A count of 0 (with no entries
 * pointer) restores the default, owner-only list.
 *
 * Return: 0 or -errno.
 */
int lpc_acl_set(void __user *uarg, u32 usize)
{
	struct lpc_acl_req req;
	struct lpc_port *port;
	struct lpc_acl *acl;
	int ret;

	ret = lpc_acl_req_in(&req, uarg, usize);
	if (ret)
		return ret;
	acl = lpc_acl_from_user(req.aces, req.count);
	if (IS_ERR(acl))
		return PTR_ERR(acl);
	port = lpc_query_lookup(req.name, req.name_len);
	if (IS_ERR(port)) {
		ret = PTR_ERR(port);
		goto out_free;
	}
	ret = lpc_acl_may_set(port);
	if (!ret) {
		lpc_acl_replace(port, acl);
		acl = NULL;
	}
	lpc_port_put(port);
out_free:
	lpc_acl_free(acl);
	return ret;
}
