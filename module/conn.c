// SPDX-License-Identifier: GPL-2.0
/*
 * Connections: connect, accept or reject, and teardown.
 *
 * A connect is a synchronous request of type CONNECTION_REQUEST from the
 * new client port to the connection port; accept and reject are its
 * reply. So a connect withdraws, times out and fails exactly like any
 * request, and an accept racing with a client that gives up is settled by
 * the same pending-tree rule (lpc_msg_complete()).
 *
 * Teardown (lpc_conn_shutdown) runs once per connection, from whichever
 * side goes first: a port's release, an explicit disconnect, or the
 * connection port closing. Each side's port is emptied under its own lock,
 * one after the other, and the notice reserved at connect time tells the
 * side that stays.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait_bit.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "internal.h"
#include "trace.h"

/* Bits of conn->shut. */
#define LPC_CONN_SHUT	0	/* teardown began */
#define LPC_CONN_BUSY	1	/* teardown is running */

static void lpc_conn_free(struct lpc_conn *conn)
{
	/* A reserved notice that was never queued holds no conn reference. */
	if (conn->notice)
		lpc_msg_put(conn->notice);
	lpc_user_uncharge_conn(conn->cred);
	put_cred(conn->cred);
	if (conn->server_cred)
		put_cred(conn->server_cred);
	put_pid(conn->server_pid);
	put_pid(conn->client_pid);
	if (conn->server)
		lpc_port_put(conn->server);
	lpc_port_put(conn->client);
	lpc_port_put(conn->cport);
	kfree(conn);
}

void lpc_conn_put(struct lpc_conn *conn)
{
	if (refcount_dec_and_test(&conn->ref))
		lpc_conn_free(conn);
}

/*
 * Queue a reserved notice, from now on holding a connection reference. It
 * is stamped as sent by the side that went away, @pid with @cred: not by
 * whoever happens to drop the last reference to that side's port (an
 * fdinfo reader, a process the fd was passed to).
 */
static void lpc_conn_notify(struct lpc_conn *conn, struct lpc_port *inbox,
			    u32 type, struct pid *pid, const struct cred *cred)
{
	struct lpc_msg *msg = conn->notice;

	conn->notice = NULL;
	msg->type = type;
	msg->id = lpc_next_id();
	refcount_inc(&conn->ref);
	msg->conn = conn;
	lpc_msg_stamp_as(msg, inbox, pid, cred);
	lpc_msg_enqueue_notice(inbox, msg);
}

/*
 * Did the client process die (CLIENT_DIED), rather than close its port
 * (PORT_CLOSED)? Asked of the process that connected, whatever task the
 * teardown runs in.
 */
static bool lpc_client_died(struct lpc_conn *conn)
{
	struct task_struct *task;
	bool died;

	rcu_read_lock();
	task = pid_task(conn->client_pid, PIDTYPE_TGID);
	died = !task || (READ_ONCE(task->signal->flags) & SIGNAL_GROUP_EXIT) ||
	       ((READ_ONCE(task->flags) & PF_EXITING) &&
		thread_group_empty(task));
	rcu_read_unlock();
	return died;
}

/**
 * lpc_conn_shutdown() - end a connection, once
 * @conn: the connection.
 * @by_server: the server side ends it (its port closed or disconnected,
 *	or the connection port closed); otherwise the client side does.
 *
 * Whatever the client queued for the server is dropped; the server gets
 * PORT_CLOSED, or CLIENT_DIED when the client process is exiting. A
 * client that stays gets PORT_CLOSED and wakes from its waits with
 * -ECONNRESET. Requests the server already received stay in service when
 * the client goes, so that replying to them fails with -ECANCELED.
 *
 * A second caller (the other side closing, a disconnect racing a close)
 * returns only once the first is done, so that a DISCONNECT that returns
 * has seen the connection torn down.
 */
void lpc_conn_shutdown(struct lpc_conn *conn, bool by_server)
{
	struct lpc_port *cport = conn->cport, *client = conn->client;
	bool connected;
	u32 notice;

	if (cmpxchg(&conn->shut, 0,
		    BIT(LPC_CONN_SHUT) | BIT(LPC_CONN_BUSY))) {
		wait_on_bit(&conn->shut, LPC_CONN_BUSY, TASK_UNINTERRUPTIBLE);
		return;
	}

	spin_lock(&cport->lock);
	connected = conn->state == LPC_CONN_CONNECTED;
	conn->state = LPC_CONN_CLOSED;
	if (!list_empty(&conn->entry)) {
		list_del_init(&conn->entry);
		cport->srv->nr_conns--;
	}
	spin_unlock(&cport->lock);
	wake_up_all(&conn->room);

	/*
	 * A client that goes away takes no more messages; one that stays
	 * first loses what the server had sent it, then learns the fate of
	 * its own requests (LOST_REPLY for asynchronous ones), then gets the
	 * close notice, in that order.
	 */
	if (!by_server)
		lpc_port_set_dead(client);
	lpc_port_drain(client, NULL, true);

	/* Server side: nothing of this client's is left for the server. */
	lpc_port_drain(cport, conn, by_server);
	lpc_port_fail_pending(cport, conn);
	notice = LPC_MSG_PORT_CLOSED;
	if (!by_server && lpc_client_died(conn))
		notice = LPC_MSG_CLIENT_DIED;
	/* Before the notice, which the other side may receive at once. */
	trace_lpc_close(conn->serial, notice, by_server);
	if (connected && !by_server)
		lpc_conn_notify(conn, cport, notice, conn->client_pid,
				conn->cred);

	if (connected && by_server)
		lpc_conn_notify(conn, client, LPC_MSG_PORT_CLOSED,
				conn->server_pid, conn->server_cred);
	lpc_port_set_dead(client);
	lpc_port_fail_pending(client, NULL);
	if (conn->server)
		lpc_port_set_dead(conn->server);
	lpc_sections_conn_end(conn);
	clear_and_wake_up_bit(LPC_CONN_BUSY, &conn->shut);
}

/**
 * lpc_cport_shutdown() - a connection port closes
 * @port: the connection port.
 *
 * The name goes first, so no new client finds the port; then every
 * connection, connecting or connected, is shut down from the server side.
 */
void lpc_cport_shutdown(struct lpc_port *port)
{
	struct lpc_server *srv = port->srv;
	struct lpc_conn *conn;

	lpc_ns_unpublish(port);
	lpc_port_set_dead(port);
	for (;;) {
		spin_lock(&port->lock);
		conn = list_first_entry_or_null(&srv->conns, struct lpc_conn,
						entry);
		if (conn)
			refcount_inc(&conn->ref);
		spin_unlock(&port->lock);
		if (!conn)
			break;
		lpc_conn_shutdown(conn, true);
		/* A connection shut down before still sits on the list. */
		spin_lock(&port->lock);
		if (!list_empty(&conn->entry)) {
			list_del_init(&conn->entry);
			srv->nr_conns--;
		}
		spin_unlock(&port->lock);
		lpc_conn_put(conn);
	}
	lpc_port_drain(port, NULL, true);
	lpc_port_fail_pending(port, NULL);
}

static struct lpc_conn *lpc_conn_alloc(struct lpc_port *cport, int *ret)
{
	struct lpc_conn *conn;

	*ret = -ENOMEM;
	conn = kzalloc(sizeof(*conn), GFP_KERNEL_ACCOUNT);
	if (!conn)
		return NULL;
	conn->notice = lpc_msg_alloc(0, GFP_KERNEL_ACCOUNT);
	conn->client = lpc_port_alloc(LPC_PORT_CLIENT, cport->max_queued);
	if (!conn->notice || !conn->client)
		goto err;
	*ret = lpc_user_charge_conn();
	if (*ret)
		goto err;
	refcount_set(&conn->ref, 1);
	INIT_LIST_HEAD(&conn->entry);
	spin_lock_init(&conn->lock);
	init_waitqueue_head(&conn->room);
	INIT_LIST_HEAD(&conn->sections);
	conn->state = LPC_CONN_CONNECTING;
	conn->cred = get_current_cred();
	conn->client_pid = get_pid(task_tgid(current));
	conn->serial = lpc_next_serial();
	conn->connected_ns = ktime_get_real_ns();
	conn->cport = cport;
	/* The client port's file will own one reference on each. */
	conn->client->conn = conn;
	lpc_port_get(conn->client);
	return conn;
err:
	if (conn->client)
		lpc_port_put(conn->client);
	kvfree(conn->notice);
	kfree(conn);
	return NULL;
}

static int lpc_connect_check(struct lpc_connect *c)
{
	/* reply_len is output only; whatever it holds is overwritten. */
	if ((c->flags & ~LPC_CONNECT_FLAGS) || c->__pad)
		return -EINVAL;
	return lpc_name_check(c->name_len);
}

/* Defence against a squatter: does the port's owner match? */
static int lpc_server_identity(struct lpc_port *cport, struct lpc_connect *c)
{
	const struct cred *owner = cport->srv->owner;
	struct user_namespace *ns = current_user_ns();

	if ((c->flags & LPC_CONNECT_SERVER_UID) &&
	    !uid_eq(make_kuid(ns, c->server_uid), owner->euid))
		return -EPERM;
	if ((c->flags & LPC_CONNECT_SERVER_GID) &&
	    !gid_eq(make_kgid(ns, c->server_gid), owner->egid))
		return -EPERM;
	return 0;
}

static struct lpc_port *lpc_connect_lookup(struct lpc_connect *c)
{
	struct lpc_port *cport;
	int ret;

	cport = lpc_port_lookup_user(c->name, c->name_len);
	if (IS_ERR(cport))
		return cport;

	/*
	 * A port the caller may not query does not exist for it, as for
	 * queries (acl.c): it learns nothing a wrong name would not tell.
	 */
	ret = lpc_acl_check(cport, LPC_RIGHT_CONNECT);
	if (ret && lpc_acl_check(cport, LPC_RIGHT_QUERY))
		ret = -ENOENT;
	if (!ret)
		ret = lpc_server_identity(cport, c);
	if (ret)
		lpc_stat_add(&cport->srv->stats->denied, 1);
	if (!ret && c->data_len > cport->srv->max_conn_data_len)
		ret = -EMSGSIZE;
	if (ret) {
		lpc_port_put(cport);
		return ERR_PTR(ret);
	}
	return cport;
}

static struct lpc_msg *lpc_connect_msg(struct lpc_conn *conn,
				       struct lpc_connect *c)
{
	u32 max = conn->cport->srv->max_conn_data_len;
	struct lpc_msg *msg;

	msg = lpc_msg_alloc(max, GFP_KERNEL_ACCOUNT);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(msg->data, u64_to_user_ptr(c->data), c->data_len)) {
		lpc_msg_put(msg);
		return ERR_PTR(-EFAULT);
	}
	msg->len = c->data_len;
	msg->reply_cap = max;
	msg->type = LPC_MSG_CONNECTION_REQUEST;
	/* The connecting thread waits for the answer; see lpc_msg_answer_locked(). */
	msg->kflags = LPC_MSGK_SYNC;
	msg->waiter = current;
	msg->id = lpc_next_id();
	refcount_inc(&conn->ref);
	msg->conn = conn;
	msg->inbox = conn->cport;
	lpc_msg_stamp(msg, conn->cport);
	return msg;
}

/* Join the connection port's list of connections, if it has room. */
static int lpc_conn_join(struct lpc_conn *conn)
{
	struct lpc_port *cport = conn->cport;
	int ret = 0;

	spin_lock(&cport->lock);
	if (cport->dead)
		ret = -ECONNRESET;
	else if (cport->srv->nr_conns >= cport->srv->max_conns)
		ret = -EUSERS;
	if (!ret) {
		list_add_tail(&conn->entry, &cport->srv->conns);
		cport->srv->nr_conns++;
	}
	spin_unlock(&cport->lock);
	return ret;
}

/* Send the connection request and wait for the verdict. */
static int lpc_connect_wait(struct lpc_conn *conn, struct lpc_msg *msg,
			    struct lpc_connect *c)
{
	ktime_t buf, *deadline;
	int ret;

	deadline = lpc_deadline(&buf, c->flags & LPC_CONNECT_TIMEOUT, false,
				c->timeout_ns);
	refcount_inc(&msg->ref);
	ret = lpc_msg_add_pending(conn->client, msg);
	if (ret) {
		refcount_dec(&msg->ref);
		goto out_put;
	}
	ret = lpc_msg_enqueue(msg, deadline);
	if (ret) {
		if (ret == -ENOTCONN)
			ret = -ECONNRESET;
		lpc_msg_unsent(msg, &ret);
		goto out_put;
	}
	lpc_stat_add(&conn->cport->srv->stats->connects, 1);
	ret = lpc_msg_wait_reply(msg, deadline);
	if (ret == -EAGAIN)
		ret = -ETIMEDOUT;
	if (!ret)
		ret = msg->status;
	if (!ret || ret == -ECONNREFUSED) {
		c->reply_len = msg->len;
		if (copy_to_user(u64_to_user_ptr(c->reply), msg->data,
				 min(msg->len, c->reply_cap)))
			ret = -EFAULT;
	}
out_put:
	lpc_msg_put(msg);
	return ret;
}

/**
 * lpc_ioc_connect() - %LPC_IOC_CONNECT
 * @uarg: user &struct lpc_connect.
 * @usize: its size.
 *
 * Return: the client port's fd, or -errno; see &struct lpc_connect.
 */
int lpc_ioc_connect(void __user *uarg, u32 usize)
{
	struct lpc_connect c;
	struct lpc_port *cport;
	struct lpc_conn *conn;
	struct lpc_msg *msg;
	struct file *file;
	int fd, ret;

	ret = lpc_copy_in(&c, sizeof(c), uarg, usize, LPC_CONNECT_SIZE_VER0);
	if (ret)
		return ret;
	ret = lpc_connect_check(&c);
	if (ret)
		return ret;
	cport = lpc_connect_lookup(&c);
	if (IS_ERR(cport))
		return PTR_ERR(cport);

	conn = lpc_conn_alloc(cport, &ret);
	if (!conn) {
		lpc_port_put(cport);
		return ret;
	}
	msg = lpc_connect_msg(conn, &c);
	if (IS_ERR(msg)) {
		ret = PTR_ERR(msg);
		goto err_conn;
	}
	fd = lpc_port_install(conn->client, c.flags, &file);
	if (fd < 0) {
		lpc_msg_put(msg);
		ret = fd;
		goto err_conn;
	}
	/* From here on the file owns the client port and our conn ref. */
	ret = lpc_conn_join(conn);
	if (ret)
		lpc_msg_put(msg);
	else
		ret = lpc_connect_wait(conn, msg, &c);
	trace_lpc_connect(cport->srv->name, task_tgid_nr(current),
			  from_kuid(&init_user_ns, current_euid()),
			  c.data_len, ret);
	if (!ret)
		ret = lpc_copy_out(uarg, usize, &c, sizeof(c));
	if (ret) {
		if (ret == -ECONNREFUSED)
			put_user(c.reply_len, (u32 __user *)(uarg +
				 offsetof(struct lpc_connect, reply_len)));
		put_unused_fd(fd);
		fput(file);
		return ret;
	}
	fd_install(fd, file);
	return fd;

err_conn:
	/* Not yet joined: nothing else can see the connection. */
	set_bit(LPC_CONN_SHUT, &conn->shut);
	lpc_port_put(conn->client);
	lpc_conn_put(conn);
	return ret;
}

/* The port's kind was checked by the ioctl table (ioctl.c). */
static int lpc_accept_check(struct lpc_port *port, struct lpc_accept *a)
{
	if (a->flags & ~LPC_ACCEPT_FLAGS)
		return -EINVAL;
	if (a->data_len > port->srv->max_conn_data_len)
		return -EMSGSIZE;
	return 0;
}

/* Bind the new server port to the connection, unless it ended meanwhile. */
static int lpc_conn_establish(struct lpc_conn *conn, struct lpc_port *sport,
			      u64 context)
{
	struct lpc_port *cport = conn->cport;
	int ret = -ECANCELED;

	spin_lock(&cport->lock);
	if (conn->state == LPC_CONN_CONNECTING) {
		conn->context = context;
		lpc_port_get(sport);
		conn->server_pid = get_pid(task_tgid(current));
		conn->server_cred = get_current_cred();
		conn->server = sport;
		conn->state = LPC_CONN_CONNECTED;
		ret = 0;
	}
	spin_unlock(&cport->lock);
	return ret;
}

/**
 * lpc_ioc_accept() - %LPC_IOC_ACCEPT
 * @port: the connection port.
 * @uarg: user &struct lpc_accept.
 * @usize: its size.
 *
 * Return: the server port's fd, 0 after a reject, or -errno.
 */
int lpc_ioc_accept(struct lpc_port *port, void __user *uarg, u32 usize)
{
	struct lpc_port *sport = NULL;
	struct file *file = NULL;
	struct lpc_accept a;
	struct lpc_msg *msg;
	bool reject;
	int fd = 0, ret;

	ret = lpc_copy_in(&a, sizeof(a), uarg, usize, LPC_ACCEPT_SIZE_VER0);
	if (ret)
		return ret;
	ret = lpc_accept_check(port, &a);
	if (ret)
		return ret;
	reject = a.flags & LPC_ACCEPT_REJECT;

	msg = lpc_msg_take_service(port, a.id, NULL,
				   LPC_MSG_CONNECTION_REQUEST);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (copy_from_user(msg->data, u64_to_user_ptr(a.data), a.data_len)) {
		ret = -EFAULT;
		goto err_return;
	}
	msg->len = a.data_len;

	if (!reject) {
		ret = -ENOMEM;
		sport = lpc_port_alloc(LPC_PORT_SERVER, 0);
		if (!sport)
			goto err_return;
		fd = lpc_port_install(sport, a.flags, &file);
		if (fd < 0) {
			lpc_port_put(sport);
			ret = fd;
			goto err_return;
		}
		refcount_inc(&msg->conn->ref);
		sport->conn = msg->conn;
		ret = lpc_conn_establish(msg->conn, sport, a.context);
		if (ret) {
			lpc_msg_put(msg);
			goto err_file;
		}
	}
	msg->type = LPC_MSG_REPLY;
	lpc_msg_stamp(msg, msg->origin);
	/*
	 * Traced before the client can wake, so that a monitor sees the
	 * answer before anything the client does with it.
	 */
	if (reject)
		trace_lpc_reject(port->srv->name, msg->conn->serial);
	else
		trace_lpc_accept(port->srv->name, msg->conn->serial,
				 a.context);
	/* Completing hands the message over: it may be gone after. */
	ret = lpc_msg_complete(msg, reject ? -ECONNREFUSED : 0);
	if (ret)
		goto err_file;
	lpc_stat_add(reject ? &port->srv->stats->refused :
		     &port->srv->stats->accepted, 1);
	if (file)
		fd_install(fd, file);
	return fd;

err_return:
	lpc_msg_return_service(msg);
	return ret;
err_file:
	/* The client gave up: its connection is shut down with our port. */
	if (file) {
		put_unused_fd(fd);
		fput(file);
	}
	return ret;
}

/**
 * lpc_port_disconnect() - %LPC_IOC_DISCONNECT
 * @port: a communication port.
 *
 * Ends the connection and keeps the fd, which then only reports the end.
 * The ioctl table (ioctl.c) lets only communication ports call it.
 *
 * Return: 0.
 */
int lpc_port_disconnect(struct lpc_port *port)
{
	lpc_conn_shutdown(port->conn, port->kind == LPC_PORT_SERVER);
	return 0;
}
