// SPDX-License-Identifier: GPL-2.0
/*
 * The message ioctls: LPC_IOC_XFER (send, reply, receive, and the two
 * combined), LPC_IOC_CANCEL and LPC_IOC_SENDER_CHECK.
 *
 * A message is queued on its *inbox*: the connection port for everything a
 * client sends, the client's port for everything the server sends. A
 * request also sits in its *origin*'s pending tree (the port its reply
 * returns to) until it is answered or withdrawn. When received, a request
 * moves from the inbox queue to the inbox service tree, where the reply
 * finds it by id. Every such move is request.c's.
 *
 * The reply reuses the request's buffer, which the request reserved at the
 * requester's receive capacity, so replying never allocates and never
 * fails for lack of memory. A synchronous requester sleeps until its
 * request is done; whoever finishes the request, under the origin lock,
 * wakes that thread directly.
 */
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/uaccess.h>

#include "msg.h"
#include "trace.h"

/**
 * lpc_service_port() - the port that keeps a port's requests
 * @port: the port a reply, a direct access, a sender check, a cancel or
 *	a view is made on.
 * @only: out: the connection they must belong to, or NULL for any.
 *
 * A server communication port has no trees of its own: the requests it
 * answers are in its connection port's service tree, those it sent in
 * that port's pending tree, its views on that port's list, each for its
 * own connection only. Every other port keeps its own.
 *
 * Return: the port whose trees (or views) to look in.
 */
struct lpc_port *lpc_service_port(struct lpc_port *port,
				  struct lpc_conn **only)
{
	if (port->kind == LPC_PORT_SERVER) {
		*only = port->conn;
		return port->conn->cport;
	}
	*only = NULL;
	return port;
}

/* The inbox, origin and connection a port sends on. */
int lpc_route(struct lpc_port *port, struct lpc_port **inbox,
	      struct lpc_port **origin)
{
	struct lpc_conn *conn = port->conn;

	switch (port->kind) {
	case LPC_PORT_CLIENT:
		*inbox = conn->cport;
		*origin = port;
		return 0;
	case LPC_PORT_SERVER:
		*inbox = conn->client;
		*origin = conn->cport;
		return 0;
	default:
		/* A connection port only replies. */
		return -EINVAL;
	}
}

/* @to: the port receiving; only the server side sees the port context. */
void lpc_fill_info(struct lpc_msg_info *info, const struct lpc_msg *msg,
		   const struct lpc_port *to)
{
	memset(info, 0, sizeof(*info));
	info->type = msg->type;
	info->id = msg->id;
	info->ref_id = msg->ref_id;
	if (msg->conn && to->kind == LPC_PORT_CONNECTION)
		info->context = msg->conn->context;
	info->pid = msg->pid;
	info->tid = msg->tid;
	info->uid = msg->uid;
	info->gid = msg->gid;
	info->data_len = msg->len;
}

static void lpc_count_out(struct lpc_port *cport, u32 len)
{
	lpc_stat_add(&cport->srv->stats->msgs_out, 1);
	lpc_stat_add(&cport->srv->stats->bytes_out, len);
}

/*
 * Attributes, the per-port credential rule, and who sent a request when it
 * is not the process that opened the connection (for lpc_ioc_sender_check()).
 */
static int lpc_send_extras(struct lpc_port *port, struct lpc_msg *msg,
			   const struct lpc_xfer *x)
{
	struct lpc_conn *conn = port->conn;
	struct pid *self = task_tgid(current);
	int ret;

	if (x->send_attr) {
		ret = lpc_attr_attach(port, msg, x->send_attr);
		if (ret)
			return ret;
	}
	if (port->kind == LPC_PORT_CLIENT && msg->type == LPC_MSG_REQUEST &&
	    (conn->cport->srv->flags & LPC_PORT_REQUIRE_CREDS) &&
	    !(msg->ext && msg->ext->cred))
		return -EACCES;
	if (msg->type == LPC_MSG_REQUEST &&
	    self != (port->kind == LPC_PORT_CLIENT ? conn->client_pid :
						     conn->server_pid))
		msg->sender = get_pid(self);
	return 0;
}

/*
 * @sync: where a synchronous request is returned, or NULL in a batch,
 * whose messages are queued quietly (see lpc_batch_wake()).
 */
int lpc_send(struct lpc_port *port, struct lpc_xfer *x,
	     const ktime_t *deadline, struct lpc_msg **sync)
{
	bool request = x->send_type == LPC_MSG_REQUEST;
	struct lpc_port *inbox, *origin;
	bool sync_wait;
	struct lpc_conn *conn = port->conn;
	struct lpc_msg *msg;
	u32 max, cap;
	int ret;

	ret = lpc_route(port, &inbox, &origin);
	if (ret)
		return ret;
	max = conn->cport->srv->max_msg_len;
	if (x->send_len > max)
		return -EMSGSIZE;
	cap = x->send_len;
	if (request)
		cap = max(cap, min(x->recv_cap, max));

	if (port != origin)
		msg = lpc_msg_alloc(cap, GFP_KERNEL_ACCOUNT);
	else if (request && (x->flags & LPC_XFER_RECV))
		msg = lpc_msg_alloc_cached(port, cap);
	else
		msg = lpc_msg_alloc_small(port, cap);
	if (!msg)
		return -ENOMEM;
	if (port == origin) {
		msg->kflags |= LPC_MSGK_RECYCLE;
		msg->origin = origin;
	}
	if (!sync)
		msg->kflags |= LPC_MSGK_QUIET;
	msg->inbox = inbox;
	if (lpc_data_from_user(msg, x->send_buf, x->send_len)) {
		lpc_msg_put(msg);
		return -EFAULT;
	}
	msg->len = x->send_len;
	msg->type = x->send_type;
	msg->id = lpc_next_id();
	refcount_inc(&conn->ref);
	msg->conn = conn;
	lpc_msg_stamp(msg, inbox);
	ret = lpc_send_extras(port, msg, x);
	if (ret)
		goto out_put;

	if (request) {
		msg->reply_cap = min(x->recv_cap, max);
		if (x->flags & LPC_XFER_RECV) {
			msg->kflags |= LPC_MSGK_SYNC;
			msg->waiter = current;
		}
		refcount_inc(&msg->ref);
		ret = lpc_msg_add_pending(origin, msg);
		if (ret) {
			refcount_dec(&msg->ref);
			goto out_put;
		}
	}
	/*
	 * Once queued, the message may be answered at once, and a reply
	 * takes an id of its own: read ours before.
	 */
	x->send_id = msg->id;
	sync_wait = msg->kflags & LPC_MSGK_SYNC;
	ret = lpc_msg_enqueue(msg, deadline);
	if (ret) {
		/* Sends that get queued are traced by lpc_msg_enqueue(). */
		trace_lpc_send(x->send_id, x->send_type, x->send_len,
			       conn->serial, ret);
		if (request)
			lpc_msg_unsent(msg, &ret);
		goto out_put;
	}
	if (port->kind == LPC_PORT_SERVER)
		lpc_count_out(conn->cport, x->send_len);
	/* Our requester reference keeps a synchronous request alive. */
	if (sync_wait)
		*sync = msg;
	return 0;

out_put:
	lpc_msg_put(msg);
	return ret;
}

/* The connection port a port's traffic is counted on. */
static struct lpc_port *lpc_stats_port(struct lpc_port *port)
{
	return port->srv ? port : port->conn->cport;
}

static void lpc_count_lost(struct lpc_port *inbox)
{
	lpc_stat_add(&lpc_stats_port(inbox)->srv->stats->lost_replies, 1);
}

int lpc_reply(struct lpc_port *port, struct lpc_xfer *x)
{
	struct lpc_msg_ext *ext = NULL;
	struct lpc_port *inbox;
	struct lpc_conn *only;
	struct lpc_msg *msg;
	int ret;

	inbox = lpc_service_port(port, &only);
	msg = lpc_msg_take_service(inbox, x->send_id, only, LPC_MSG_REQUEST);
	if (IS_ERR(msg)) {
		/* The requester gave up: its views leave the replier anyway. */
		if (PTR_ERR(msg) == -ECANCELED) {
			trace_lpc_reply(x->send_id, x->send_len, -ECANCELED);
			lpc_count_lost(inbox);
			lpc_view_unmap_request(inbox, x->send_id);
		}
		return PTR_ERR(msg);
	}
	/*
	 * REPLYING: the request is ours alone. Its attributes stay as they
	 * are until nothing can fail, so a failed reply returns it to
	 * service exactly as it was received.
	 */
	ret = -EMSGSIZE;
	if (x->send_len > msg->reply_cap)
		goto err_return;
	if (x->send_attr) {
		ext = lpc_attr_build(port, msg->conn, false, x->send_attr);
		ret = PTR_ERR_OR_ZERO(ext);
		if (ret)
			goto err_return;
	}
	if (lpc_data_from_user(msg, x->send_buf, x->send_len)) {
		lpc_ext_put(ext);
		ret = -EFAULT;
		goto err_return;
	}
	/* The request ends here, and the views that came with it. */
	lpc_view_unmap_request(inbox, msg->id);
	if (ext || msg->ext)
		lpc_attr_set(msg, ext);
	msg->len = x->send_len;
	msg->type = LPC_MSG_REPLY;
	lpc_msg_stamp(msg, msg->origin);
	/*
	 * Traced before the requester can wake (see lpc_ioc_accept()); a
	 * requester giving up from here on loses the reply (counted lost).
	 */
	trace_lpc_reply(x->send_id, x->send_len, 0);
	ret = lpc_msg_complete(msg, 0);
	if (ret)
		lpc_count_lost(inbox);
	else if (inbox->kind == LPC_PORT_CONNECTION)
		lpc_count_out(inbox, x->send_len);
	return ret;

err_return:
	lpc_msg_return_service(msg);
	return ret;
}

/* @freed: NULL, or in a batch where the wake-ups for room are counted. */
int lpc_receive(struct lpc_port *port, struct lpc_xfer *x,
		const ktime_t *deadline, u32 *freed)
{
	struct lpc_msg *msg;
	int ret;

	if (port->kind == LPC_PORT_SERVER)
		return -EINVAL;

	spin_lock(&port->lock);
	ret = lpc_wait_message_locked(port, deadline);
	msg = list_first_entry_or_null(&port->queue, struct lpc_msg, entry);
	if (!ret && !msg)
		ret = -ENOTCONN;
	if (!ret && msg->len > x->recv_cap) {
		lpc_fill_info(&x->info, msg, port);
		ret = -EMSGSIZE;
	}
	if (ret) {
		/* Pass on the wake-up this receiver will not use. */
		if (msg)
			lpc_wake_receivers_locked(port, 1, EPOLLIN | EPOLLRDNORM);
		spin_unlock(&port->lock);
		return ret;
	}
	lpc_msg_take_locked(port, msg, freed);
	spin_unlock(&port->lock);

	/* RECEIVING, or DONE: ours alone until lpc_msg_received(). */
	lpc_fill_info(&x->info, msg, port);
	trace_lpc_receive(msg->id, msg->type, msg->len,
			  msg->conn ? msg->conn->serial : 0);
	if (lpc_data_to_user(x->recv_buf, msg))
		ret = -EFAULT;
	if (!ret)
		ret = lpc_attr_deliver(port, msg, x->recv_attr, &x->info);
	lpc_msg_received(port, msg, ret);
	return ret;
}

/* The synchronous request's answer: copy it out and drop the request. */
static int lpc_take_reply(struct lpc_port *port, struct lpc_msg *msg,
			  struct lpc_xfer *x)
{
	int ret = msg->status;

	if (!ret) {
		lpc_fill_info(&x->info, msg, msg->origin);
		if (lpc_data_to_user(x->recv_buf, msg))
			ret = -EFAULT;
	}
	if (!ret)
		ret = lpc_attr_deliver(port, msg, x->recv_attr, &x->info);
	lpc_msg_put(msg);
	return ret;
}

int lpc_xfer_check(const struct lpc_xfer *x)
{
	if (x->flags & ~LPC_XFER_FLAGS)
		return -EINVAL;
	if (!(x->flags & (LPC_XFER_SEND | LPC_XFER_RECV)))
		return -EINVAL;
	if ((x->flags & LPC_XFER_NONBLOCK) && (x->flags & LPC_XFER_TIMEOUT))
		return -EINVAL;
	/* send_id is also an output: a reused struct may carry one. */
	if (!(x->flags & LPC_XFER_SEND) &&
	    (x->send_type || x->send_buf || x->send_len))
		return -EINVAL;
	if (x->flags & LPC_XFER_SEND) {
		switch (x->send_type) {
		case LPC_MSG_REQUEST:
		case LPC_MSG_DATAGRAM:
		case LPC_MSG_REPLY:
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Like lpc_copy_in(), but copying only the input fields: a round trip
 * makes two of these calls, so every byte not copied counts.
 */
int lpc_xfer_copy_in(struct lpc_xfer *x, void __user *uarg, u32 usize)
{
	int ret;

	ret = lpc_check_usize(uarg, usize, sizeof(*x), LPC_XFER_SIZE_VER0);
	if (ret)
		return ret;
	if (lpc_copy_from_user(x, uarg, LPC_XFER_IN_SIZE))
		return -EFAULT;
	/* lpc_fill_info() sets a type: no message has type 0. */
	x->info.type = 0;
	return 0;
}

/*
 * Write back what the call produced: the flags, the id of what was sent,
 * and the header of what was received (or was too big to be).
 */
static int lpc_xfer_copy_out(struct lpc_xfer __user *uarg,
			     const struct lpc_xfer *x)
{
	/* One user access window for the three: every call ends here. */
	if (!user_write_access_begin(uarg, sizeof(*uarg)))
		return -EFAULT;
	unsafe_put_user(x->flags, &uarg->flags, efault);
	if (x->flags & LPC_XFER_SENT)
		unsafe_put_user(x->send_id, &uarg->send_id, efault);
	if (x->info.type)
		unsafe_copy_to_user((char __user *)&uarg->info,
				    (const char *)&x->info, sizeof(x->info),
				    efault);
	user_write_access_end();
	return 0;

efault:
	user_write_access_end();
	return -EFAULT;
}

/**
 * lpc_ioc_xfer() - %LPC_IOC_XFER
 * @port: the port the call is made on.
 * @uarg: user &struct lpc_xfer.
 * @usize: its size.
 *
 * Return: 0 or -errno; see &struct lpc_xfer.
 */
int lpc_ioc_xfer(struct lpc_port *port, void __user *uarg, u32 usize)
{
	struct lpc_msg *sync = NULL;
	struct lpc_xfer x;
	ktime_t buf, *deadline;
	int ret;

	ret = lpc_xfer_copy_in(&x, uarg, usize);
	if (ret)
		return ret;
	x.flags &= ~LPC_XFER_SENT;
	ret = lpc_xfer_check(&x);
	if (ret)
		return ret;
	deadline = lpc_deadline(&buf, x.flags & LPC_XFER_TIMEOUT,
				x.flags & LPC_XFER_NONBLOCK, x.timeout_ns);

	if (x.flags & LPC_XFER_SEND) {
		if (x.send_type == LPC_MSG_REPLY)
			ret = lpc_reply(port, &x);
		else
			ret = lpc_send(port, &x, deadline, &sync);
		if (ret) {
			/* A reused struct may carry a stale SENT: clear it. */
			if (put_user(x.flags, (u32 __user *)uarg))
				return -EFAULT;
			return ret;
		}
		x.flags |= LPC_XFER_SENT;
	}
	if (sync) {
		ret = lpc_msg_wait_reply(sync, deadline);
		if (ret)
			lpc_msg_put(sync);
		else
			ret = lpc_take_reply(port, sync, &x);
	} else if (x.flags & LPC_XFER_RECV) {
		ret = lpc_receive(port, &x, deadline, NULL);
	}

	if (lpc_xfer_copy_out(uarg, &x))
		return -EFAULT;
	return ret;
}

/**
 * lpc_ioc_cancel() - %LPC_IOC_CANCEL
 * @port: the port the request was sent from.
 * @uarg: user &struct lpc_cancel.
 * @usize: its size.
 *
 * Return: 0, -ENOENT if no request with that id awaits a reply here,
 * -EINVAL, -EFAULT.
 */
int lpc_ioc_cancel(struct lpc_port *port, void __user *uarg, u32 usize)
{
	struct lpc_port *origin;
	struct lpc_conn *only;
	struct lpc_cancel c;
	int ret;

	ret = lpc_copy_in(&c, sizeof(c), uarg, usize, LPC_CANCEL_SIZE_VER0);
	if (ret)
		return ret;
	if (c.flags || c.__pad)
		return -EINVAL;
	origin = lpc_service_port(port, &only);
	return lpc_msg_cancel(origin, c.id, only);
}

/* Which process sent @msg: the connection's own, unless recorded. */
static struct pid *lpc_msg_sender(struct lpc_msg *msg)
{
	if (msg->sender)
		return msg->sender;
	return msg->origin->kind == LPC_PORT_CLIENT ? msg->conn->client_pid :
						      msg->conn->server_pid;
}

/**
 * lpc_ioc_sender_check() - %LPC_IOC_SENDER_CHECK
 * @port: the port the request was received through.
 * @uarg: user &struct lpc_sender.
 * @usize: its size.
 *
 * Return: 0 if the sender is alive, -ESRCH if it exited, -ENOENT, -EINVAL.
 */
int lpc_ioc_sender_check(struct lpc_port *port, void __user *uarg, u32 usize)
{
	struct lpc_msg *msg = NULL;
	struct lpc_port *inbox;
	struct lpc_conn *only;
	struct lpc_sender s;
	struct pid *pid;
	int ret;

	ret = lpc_copy_in(&s, sizeof(s), uarg, usize, LPC_SENDER_SIZE_VER0);
	if (ret)
		return ret;
	if (s.flags)
		return -EINVAL;
	inbox = lpc_service_port(port, &only);
	if (!s.id) {
		if (port->kind != LPC_PORT_SERVER)
			return -EINVAL;
		pid = port->conn->client_pid;
	} else {
		/* A requester that gave up may still be asked about. */
		msg = lpc_msg_get_service(inbox, s.id, only);
		if (IS_ERR(msg))
			return PTR_ERR(msg);
		pid = lpc_msg_sender(msg);
	}
	s.pid = pid_nr_ns(pid, task_active_pid_ns(current));
	ret = pid_has_task(pid, PIDTYPE_TGID) ? 0 : -ESRCH;
	if (msg)
		lpc_msg_put(msg);
	return lpc_copy_out(uarg, usize, &s, sizeof(s)) ?: ret;
}
