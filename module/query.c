// SPDX-License-Identifier: GPL-2.0
/*
 * Queries on /dev/lpc: list the connection ports of the caller's IPC
 * namespace, describe one, list its connections. (Reading and replacing
 * a port's ACL is acl.c's.)
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
		return lpc_name_check(q->name_len);
	return q->name || q->name_len ? -EINVAL : 0;
}

/* Write entry @index of q->entry_size bytes: the kernel's, then zeros. */
static int lpc_put_entry(const struct lpc_query *q, u32 index,
			 const void *src, size_t ksize)
{
	void __user *dst = u64_to_user_ptr(q->buf + (u64)index *
					   q->entry_size);

	return lpc_copy_out_zeroed(dst, q->entry_size, src, ksize);
}

/**
 * struct lpc_lister - one listing call, what both listings share
 * @q: the query.
 * @gather: take up to @max entries after @scanned into the listing's
 *	batch, each with a reference; set *@more if some were left out.
 *	Return how many.
 * @put_batch: write out those of the @n gathered the caller may see,
 *	through lpc_list_put(), and drop them all. Return 0 or -errno.
 * @batch: the most entries one gather takes.
 * @scanned: serial of the last entry looked at.
 * @last: serial of the last entry written.
 * @written: entries written.
 */
struct lpc_lister {
	struct lpc_query q;
	unsigned int (*gather)(struct lpc_lister *l, unsigned int max,
			       bool *more);
	int (*put_batch)(struct lpc_lister *l, unsigned int n);
	unsigned int batch;
	u64 scanned;
	u64 last;
	u32 written;
};

/* Write the next entry, that of serial @serial. */
static int lpc_list_put(struct lpc_lister *l, u64 serial, const void *src,
			size_t ksize)
{
	int ret = lpc_put_entry(&l->q, l->written, src, ksize);

	if (!ret) {
		l->written++;
		l->last = serial;
	}
	return ret;
}

/*
 * Fill the user's array after the cursor, one batch at a time. A batch
 * never holds more entries than there is room left, so every entry
 * gathered is either written or invisible. Then write back the count and
 * the cursor, which is 0 once the listing is complete.
 */
static int lpc_list(struct lpc_lister *l, void __user *uarg, u32 usize)
{
	unsigned int n, want;
	bool more;
	int ret;

	l->scanned = l->q.cursor;
	do {
		want = min_t(u32, l->batch, l->q.count - l->written);
		n = l->gather(l, want, &more);
		ret = l->put_batch(l, n);
	} while (!ret && more && l->written < l->q.count);
	if (ret)
		return ret;

	l->q.count = l->written;
	l->q.cursor = more ? l->last : 0;
	return lpc_copy_out(uarg, usize, &l->q, sizeof(l->q));
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
 * @l: the listing.
 * @info: the entry being written.
 * @ports: the current batch, each with a reference.
 */
struct lpc_port_lister {
	struct lpc_lister l;
	struct lpc_port_info info;
	struct lpc_port *ports[LPC_QUERY_BATCH];
};

static unsigned int lpc_ports_gather(struct lpc_lister *l, unsigned int max,
				     bool *more)
{
	struct lpc_port_lister *pl = container_of(l, struct lpc_port_lister, l);

	return lpc_ns_ports_after(l->scanned, pl->ports, max, more);
}

/* Write out the visible ports of a batch, and put them all. */
static int lpc_ports_put_batch(struct lpc_lister *l, unsigned int n)
{
	struct lpc_port_lister *pl = container_of(l, struct lpc_port_lister, l);
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		struct lpc_port *port = pl->ports[i];

		l->scanned = port->srv->serial;
		if (!ret && lpc_port_visible(port) &&
		    lpc_port_info_fill(port, &pl->info))
			ret = lpc_list_put(l, l->scanned, &pl->info,
					   sizeof(pl->info));
		lpc_port_put(port);
	}
	return ret;
}

/**
 * lpc_ioc_port_list() - %LPC_IOC_PORT_LIST
 * @uarg: user &struct lpc_query.
 * @usize: its size.
 *
 * Lists the ports after the cursor, in serial order, that the caller may
 * query.
 *
 * Return: 0 (the query's count and cursor updated), or -errno.
 */
int lpc_ioc_port_list(void __user *uarg, u32 usize)
{
	struct lpc_port_lister *pl;
	int ret;

	pl = kzalloc(sizeof(*pl), GFP_KERNEL_ACCOUNT);
	if (!pl)
		return -ENOMEM;
	pl->l.gather = lpc_ports_gather;
	pl->l.put_batch = lpc_ports_put_batch;
	pl->l.batch = LPC_QUERY_BATCH;
	ret = lpc_query_in(&pl->l.q, uarg, usize, LPC_PORT_INFO_SIZE_VER0,
			   false);
	if (!ret)
		ret = lpc_list(&pl->l, uarg, usize);
	kfree(pl);
	return ret;
}

/**
 * lpc_ioc_port_info() - %LPC_IOC_PORT_INFO
 * @uarg: user &struct lpc_query naming the port; the cursor must be 0.
 * @usize: its size.
 *
 * Return: 0 with one entry written, -ENOENT if there is no such port for
 * the caller, or another -errno.
 */
int lpc_ioc_port_info(void __user *uarg, u32 usize)
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
	port = lpc_port_find_visible(q.name, q.name_len);
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
		ret = lpc_copy_out(uarg, usize, &q, sizeof(q));
	}
out_put:
	lpc_port_put(port);
	return ret;
}

/**
 * struct lpc_conn_lister - one %LPC_IOC_CONN_LIST call
 * @l: the listing.
 * @port: the connection port (a reference).
 * @conns: the current batch, each with a reference, in serial order.
 * @info: their entries.
 */
struct lpc_conn_lister {
	struct lpc_lister l;
	struct lpc_port *port;
	struct lpc_conn *conns[LPC_CONN_BATCH];
	struct lpc_conn_info info[LPC_CONN_BATCH];
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
static void lpc_conn_info_fill_locked(struct lpc_conn *conn,
				      struct lpc_conn_info *info)
{
	const struct cred *cred = conn->cred;

	lockdep_assert_held(&conn->cport->lock);
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
static unsigned int lpc_conns_gather(struct lpc_lister *l, unsigned int max,
				     bool *more)
{
	struct lpc_conn_lister *cl = container_of(l, struct lpc_conn_lister, l);
	struct lpc_port *port = cl->port;
	struct lpc_conn *conn;
	unsigned int i, n = 0;

	*more = false;
	spin_lock(&port->lock);
	list_for_each_entry(conn, &port->srv->conns, entry)
		if (conn->serial > l->scanned)
			n = lpc_conn_pick(cl->conns, n, max, conn, more);
	for (i = 0; i < n; i++) {
		/*
		 * A connection leaves the list, under this lock, before
		 * its ports drop their references: it is alive here.
		 */
		refcount_inc(&cl->conns[i]->ref);
		lpc_conn_info_fill_locked(cl->conns[i], &cl->info[i]);
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
static int lpc_conns_put_batch(struct lpc_lister *l, unsigned int n)
{
	struct lpc_conn_lister *cl = container_of(l, struct lpc_conn_lister, l);
	unsigned int i;
	int ret = 0;

	for (i = 0; i < n; i++) {
		l->scanned = cl->info[i].serial;
		if (!ret) {
			lpc_conn_info_client(cl->conns[i], &cl->info[i]);
			ret = lpc_list_put(l, l->scanned, &cl->info[i],
					   sizeof(cl->info[i]));
		}
		lpc_conn_put(cl->conns[i]);
	}
	return ret;
}

/**
 * lpc_ioc_conn_list() - %LPC_IOC_CONN_LIST
 * @uarg: user &struct lpc_query naming the connection port.
 * @usize: its size.
 *
 * Lists the port's connections, connecting or connected, after the
 * cursor in serial order.
 *
 * Return: 0 (the query's count and cursor updated), -ENOENT if there is
 * no such port for the caller, or another -errno.
 */
int lpc_ioc_conn_list(void __user *uarg, u32 usize)
{
	struct lpc_conn_lister *cl;
	int ret;

	cl = kzalloc(sizeof(*cl), GFP_KERNEL_ACCOUNT);
	if (!cl)
		return -ENOMEM;
	cl->l.gather = lpc_conns_gather;
	cl->l.put_batch = lpc_conns_put_batch;
	cl->l.batch = LPC_CONN_BATCH;
	ret = lpc_query_in(&cl->l.q, uarg, usize, LPC_CONN_INFO_SIZE_VER0,
			   true);
	if (ret)
		goto out_free;
	cl->port = lpc_port_find_visible(cl->l.q.name, cl->l.q.name_len);
	if (IS_ERR(cl->port)) {
		ret = PTR_ERR(cl->port);
		goto out_free;
	}
	ret = lpc_list(&cl->l, uarg, usize);
	lpc_port_put(cl->port);
out_free:
	kfree(cl);
	return ret;
}
