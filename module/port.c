// SPDX-License-Identifier: GPL-2.0
/*
 * Ports: their memory, their files, and the creation of named connection
 * ports.
 */
#include <linux/anon_inodes.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "msg.h"

static const struct file_operations lpc_port_fops;

/* Serial numbers of ports and connections: unique, never reused. */
static atomic64_t lpc_serials = ATOMIC64_INIT(0);

u64 lpc_next_serial(void)
{
	return atomic64_inc_return(&lpc_serials);
}

struct lpc_port *lpc_port_alloc(enum lpc_port_kind kind, u32 max_queued)
{
	struct lpc_port *port;

	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return NULL;
	kref_init(&port->ref);
	port->kind = kind;
	spin_lock_init(&port->lock);
	INIT_LIST_HEAD(&port->queue);
	port->service = RB_ROOT;
	port->pending = RB_ROOT;
	INIT_LIST_HEAD(&port->idle);
	init_waitqueue_head(&port->wait);
	init_waitqueue_head(&port->room);
	INIT_LIST_HEAD(&port->views);
	port->max_queued = max_queued;
	port->pid_ns = get_pid_ns(task_active_pid_ns(current));
	port->user_ns = get_user_ns(current_user_ns());
	return port;
}

static void lpc_server_free(struct lpc_server *srv)
{
	lpc_acl_free(rcu_dereference_protected(srv->acl, true));
	free_percpu(srv->stats);
	put_pid(srv->creator);
	if (srv->owner) {
		lpc_user_uncharge_port(srv->owner);
		put_cred(srv->owner);
	}
	kfree(srv->name);
	kfree(srv);
}

static void lpc_port_free(struct kref *ref)
{
	struct lpc_port *port = container_of(ref, struct lpc_port, ref);

	/* Release drained the port; a message left here would be a leak. */
	WARN_ON_ONCE(!list_empty(&port->queue));
	WARN_ON_ONCE(!RB_EMPTY_ROOT(&port->service));
	WARN_ON_ONCE(!RB_EMPTY_ROOT(&port->pending));
	if (port->srv)
		lpc_server_free(port->srv);
	lpc_msg_cache_free(port);
	put_pid_ns(port->pid_ns);
	put_user_ns(port->user_ns);
	kfree(port);
}

void lpc_port_put(struct lpc_port *port)
{
	kref_put(&port->ref, lpc_port_free);
}

/**
 * lpc_port_set_dead() - take no more messages on @port
 * @port: the port.
 *
 * Every receiver and sender waiting on it wakes and sees it dead. A
 * message that a receiver or replier holds meanwhile is dropped when they
 * are done with it (request.c), so a drain after this one is the last.
 */
void lpc_port_set_dead(struct lpc_port *port)
{
	spin_lock(&port->lock);
	port->dead = true;
	lpc_wake_receivers_locked(port, 0, EPOLLHUP);
	spin_unlock(&port->lock);
	wake_up_all(&port->room);
}

/**
 * lpc_port_drain() - empty a port's queue, and maybe its service tree
 * @port: the port.
 * @only: only messages of this connection, or NULL for all.
 * @service: also drop received requests awaiting a reply.
 *
 * Requesters of dropped requests get -ECONNRESET. Messages that a
 * receiver or replier holds are theirs: they find the port dead, or put
 * them back where this drain, or the next, finds them.
 */
void lpc_port_drain(struct lpc_port *port, struct lpc_conn *only,
		    bool service)
{
	struct lpc_msg *msg, *tmp;
	struct rb_node *node;
	LIST_HEAD(list);

	spin_lock(&port->lock);
	list_for_each_entry_safe(msg, tmp, &port->queue, entry) {
		/* The connection's count says when there are no more. */
		if (only && port->srv && !only->nr_queued)
			break;
		if (only && msg->conn != only)
			continue;
		lpc_queue_del_locked(port, msg, &list);
		lpc_unhold_locked(port, msg);
		lpc_msg_move_locked(msg, LPC_MSB(QUEUED), LPC_MS_DONE);
	}
	node = service ? rb_first(&port->service) : NULL;
	while (node) {
		msg = rb_entry(node, struct lpc_msg, snode);
		node = rb_next(node);
		if (only && msg->conn != only)
			continue;
		lpc_tree_erase(&port->service, msg, false);
		lpc_unhold_locked(port, msg);
		lpc_msg_move_locked(msg, LPC_MSB(SERVICE), LPC_MS_DONE);
		list_add_tail(&msg->entry, &list);
	}
	wake_up_all(&port->room);
	spin_unlock(&port->lock);

	list_for_each_entry_safe(msg, tmp, &list, entry) {
		list_del_init(&msg->entry);
		lpc_msg_wait_copies(msg);
		lpc_msg_dispose(msg);
	}
}

/**
 * lpc_port_fail_pending() - fail the requests a port is waiting on
 * @port: the origin port, dead (nothing joins its pending tree any more).
 * @only: only requests on this connection, or NULL for all.
 *
 * Synchronous requesters wake with -ECONNRESET and withdraw the inbox side
 * themselves. Asynchronous requests are withdrawn here.
 */
void lpc_port_fail_pending(struct lpc_port *port, struct lpc_conn *only)
{
	struct rb_node *node;
	struct lpc_msg *msg;

	for (;;) {
		spin_lock(&port->lock);
		for (node = rb_first(&port->pending); node;
		     node = rb_next(node)) {
			msg = rb_entry(node, struct lpc_msg, pnode);
			if (!only || msg->conn == only)
				break;
		}
		if (!node) {
			spin_unlock(&port->lock);
			return;
		}
		lpc_pending_erase_locked(port, msg);
		if (msg->kflags & LPC_MSGK_SYNC) {
			lpc_msg_answer_locked(msg, -ECONNRESET);
			spin_unlock(&port->lock);
			continue;
		}
		spin_unlock(&port->lock);
		lpc_msg_abandon(msg);
		lpc_msg_put(msg);
	}
}

/**
 * lpc_port_install() - give a port its file and reserve an fd for it
 * @port: the port; on success its file owns the caller's reference.
 * @flags: %LPC_NO_CLOEXEC or 0.
 * @filep: out: the file.
 *
 * The caller publishes the fd with fd_install() once nothing can fail any
 * more, or gives it back with put_unused_fd() and fput().
 *
 * Return: the reserved fd, or -errno (the port reference is then still
 * the caller's).
 */
int lpc_port_install(struct lpc_port *port, u32 flags, struct file **filep)
{
	struct file *file;
	int fd;

	fd = get_unused_fd_flags(flags & LPC_NO_CLOEXEC ? 0 : O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = anon_inode_getfile("[lpc]", &lpc_port_fops, port, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	*filep = file;
	return fd;
}

/* A port or /dev/lpc itself: never passed inside a message. */
bool lpc_is_lpc_file(struct file *file)
{
	return file->f_op == &lpc_port_fops || lpc_is_dev_file(file);
}

static int lpc_port_release(struct inode *inode, struct file *file)
{
	struct lpc_port *port = file->private_data;
	struct lpc_conn *conn = port->conn;

	switch (port->kind) {
	case LPC_PORT_CONNECTION:
		lpc_cport_shutdown(port);
		lpc_views_port_release(port);
		break;
	case LPC_PORT_CLIENT:
	case LPC_PORT_SERVER:
		lpc_conn_shutdown(conn, port->kind == LPC_PORT_SERVER);
		/* The peer may have shut the connection first: empty ours. */
		lpc_port_drain(port, NULL, true);
		lpc_port_fail_pending(port, NULL);
		lpc_views_port_release(port);
		lpc_conn_put(conn);
		break;
	}
	lpc_port_put(port);
	return 0;
}

static __poll_t lpc_port_poll(struct file *file, poll_table *wait)
{
	struct lpc_port *port = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &port->wait, wait);
	/*
	 * Read the queue only after being on the wait queue: pairs with
	 * wq_has_sleeper() in lpc_wake_receivers_locked(), which the wakers call
	 * after changing the queue or @dead.
	 */
	smp_mb();
	if (!list_empty_careful(&port->queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(port->dead))
		mask |= EPOLLHUP;
	return mask;
}

static const char *const lpc_kind_names[] = {
	[LPC_PORT_CONNECTION] = "connection",
	[LPC_PORT_CLIENT] = "client",
	[LPC_PORT_SERVER] = "server",
};

/*
 * A communication port's connection: what its client holds of the
 * connection port against its share, and @nr_async, this port's own
 * asynchronous requests against the same share.
 */
static void lpc_conn_show_share(struct seq_file *m, struct lpc_conn *conn,
				u32 nr_async)
{
	struct lpc_port *cport = conn->cport;
	u64 bytes;
	u32 held;

	spin_lock(&cport->lock);
	held = conn->nr_held;
	bytes = conn->held_bytes;
	spin_unlock(&cport->lock);
	seq_printf(m, "lpc-conn-held:\t%u/%u\n", held,
		   cport->srv->max_conn_queued);
	seq_printf(m, "lpc-conn-held-bytes:\t%llu/%u\n", bytes,
		   cport->srv->max_conn_bytes);
	seq_printf(m, "lpc-async:\t%u/%u\n", nr_async,
		   cport->srv->max_conn_queued);
}

static void lpc_port_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct lpc_port *port = file->private_data;
	u32 held, nr_free, nr_async, conns = 0;
	bool dead;

	spin_lock(&port->lock);
	held = port->nr_held;
	nr_free = port->nr_free;
	nr_async = port->nr_async;
	dead = port->dead;
	if (port->srv)
		conns = port->srv->nr_conns;
	spin_unlock(&port->lock);

	seq_printf(m, "lpc-kind:\t%s\n", lpc_kind_names[port->kind]);
	if (port->srv) {
		seq_printf(m, "lpc-name:\t%s\n", port->srv->name);
		seq_printf(m, "lpc-conns:\t%u\n", conns);
		seq_printf(m, "lpc-max-conns:\t%u\n", port->srv->max_conns);
		seq_printf(m, "lpc-max-msg:\t%u\n", port->srv->max_msg_len);
		seq_printf(m, "lpc-max-conn-queued:\t%u\n",
			   port->srv->max_conn_queued);
		seq_printf(m, "lpc-max-conn-bytes:\t%u\n",
			   port->srv->max_conn_bytes);
	}
	seq_printf(m, "lpc-held:\t%u\n", held);
	seq_printf(m, "lpc-max-queued:\t%u\n", port->max_queued);
	if (port->conn)
		lpc_conn_show_share(m, port->conn, nr_async);
	if (port->kind == LPC_PORT_CLIENT)
		seq_printf(m, "lpc-free-buffers:\t%u\n", nr_free);
	seq_printf(m, "lpc-state:\t%s\n", dead ? "closed" : "open");
}

static const struct file_operations lpc_port_fops = {
	.owner = THIS_MODULE,
	.release = lpc_port_release,
	.poll = lpc_port_poll,
	.unlocked_ioctl = lpc_port_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.show_fdinfo = lpc_port_show_fdinfo,
	.llseek = noop_llseek,
};

/* Resolve 0 to the default and reject what is out of range. */
static int lpc_limit(u32 *val, u32 def, u32 max)
{
	if (!*val)
		*val = def;
	return *val > max ? -EINVAL : 0;
}

static int lpc_port_attr_check(struct lpc_port_attr *attr)
{
	int ret = lpc_name_check(attr->name_len);

	if (ret)
		return ret;
	if ((attr->flags & ~LPC_PORT_FLAGS) || attr->__pad)
		return -EINVAL;
	if (lpc_limit(&attr->max_msg_len, LPC_DEFAULT_MSG_LEN, LPC_MSG_MAX) ||
	    lpc_limit(&attr->max_conn_data_len, LPC_DEFAULT_CONN_DATA,
		      LPC_MSG_MAX) ||
	    lpc_limit(&attr->max_queued, LPC_DEFAULT_QUEUE, LPC_QUEUE_MAX) ||
	    lpc_limit(&attr->max_conns, LPC_DEFAULT_CONNS, LPC_CONNS_MAX) ||
	    lpc_limit(&attr->max_conn_queued,
		      lpc_conn_queued_default(attr->max_queued),
		      attr->max_queued) ||
	    lpc_limit(&attr->max_conn_bytes, lpc_conn_bytes_default(),
		      U32_MAX))
		return -EINVAL;
	return 0;
}

/**
 * lpc_port_lookup_user() - a connection port by a name in user memory
 * @uname: user pointer to the name.
 * @len: its length, already accepted by lpc_name_check().
 *
 * Whether the caller may see the port is for the caller to decide (see
 * lpc_port_find_visible()).
 *
 * Return: the port with a reference, or ERR_PTR(-ENOENT) and the errors
 * of lpc_name_from_user().
 */
struct lpc_port *lpc_port_lookup_user(u64 uname, u32 len)
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

static struct lpc_port *lpc_cport_alloc(struct lpc_port_attr *attr)
{
	struct lpc_server *srv;
	struct lpc_port *port;
	struct lpc_acl *acl;
	char *name;
	int ret;

	port = lpc_port_alloc(LPC_PORT_CONNECTION, attr->max_queued);
	srv = kzalloc(sizeof(*srv), GFP_KERNEL_ACCOUNT);
	if (!port || !srv)
		goto err_nomem;
	srv->stats = alloc_percpu_gfp(struct lpc_stats, GFP_KERNEL_ACCOUNT);
	if (!srv->stats)
		goto err_nomem;
	port->srv = srv;
	srv->port = port;
	INIT_HLIST_NODE(&srv->hnode);
	INIT_LIST_HEAD(&srv->conns);
	INIT_LIST_HEAD(&srv->ns_entry);
	srv->max_msg_len = attr->max_msg_len;
	srv->max_conn_data_len = attr->max_conn_data_len;
	srv->max_conns = attr->max_conns;
	srv->max_conn_queued = attr->max_conn_queued;
	srv->max_conn_bytes = attr->max_conn_bytes;
	srv->flags = attr->flags & ~LPC_NO_CLOEXEC;
	srv->serial = lpc_next_serial();
	srv->created_ns = ktime_get_real_ns();
	srv->creator = get_pid(task_tgid(current));
	/* The per-user port count is charged last; the free uncharges. */

	name = lpc_name_from_user(attr->name, attr->name_len);
	if (IS_ERR(name)) {
		lpc_port_put(port);
		return ERR_CAST(name);
	}
	srv->name = name;
	srv->name_len = attr->name_len;

	acl = lpc_acl_from_user(attr->acl, attr->acl_count);
	if (IS_ERR(acl)) {
		lpc_port_put(port);
		return ERR_CAST(acl);
	}
	RCU_INIT_POINTER(srv->acl, acl);

	ret = lpc_user_charge_port();
	if (ret) {
		lpc_port_put(port);
		return ERR_PTR(ret);
	}
	srv->owner = get_current_cred();
	return port;

err_nomem:
	/* port->srv is set only past the last failure point above. */
	if (srv)
		free_percpu(srv->stats);
	kfree(srv);
	if (port)
		lpc_port_put(port);
	return ERR_PTR(-ENOMEM);
}

/**
 * lpc_ioc_create_port() - %LPC_IOC_CREATE_PORT
 * @uarg: user &struct lpc_port_attr.
 * @usize: its size.
 *
 * Return: the new connection port's fd, or -errno.
 */
int lpc_ioc_create_port(void __user *uarg, u32 usize)
{
	struct lpc_port_attr attr;
	struct lpc_port *port;
	struct file *file;
	int fd, ret;

	ret = lpc_copy_in(&attr, sizeof(attr), uarg, usize,
			  LPC_PORT_ATTR_SIZE_VER0);
	if (ret)
		return ret;
	ret = lpc_port_attr_check(&attr);
	if (ret)
		return ret;

	port = lpc_cport_alloc(&attr);
	if (IS_ERR(port))
		return PTR_ERR(port);
	fd = lpc_port_install(port, attr.flags, &file);
	if (fd < 0) {
		lpc_port_put(port);
		return fd;
	}
	/*
	 * Clients may connect from the moment the name is published: the
	 * port has its file by then, and nothing fails after it but the
	 * publishing itself, whose failure the file's release cleans up.
	 */
	ret = lpc_ns_publish(port);
	if (ret) {
		put_unused_fd(fd);
		fput(file);
		return ret;
	}
	fd_install(fd, file);
	return fd;
}
