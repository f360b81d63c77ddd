// SPDX-License-Identifier: GPL-2.0
/*
 * Batches: LPC_IOC_SEND_BATCH and LPC_IOC_RECV_BATCH, up to LPC_BATCH_MAX
 * messages sent or received in one call.
 *
 * The first entry of a batch takes the general path of a single message:
 * it alone may wait, and its error is the call's. The entries after it
 * that are plain datagrams (sent from a client port, no attributes, a
 * payload that fits a small buffer) and plain receives (no attributes, a
 * message that is not a request and carries none) go a chunk at a time:
 * the buffers of a chunk come off the free stack in one lock round trip,
 * its messages are queued, or taken off the queue, in another, and a
 * connection reference is taken for all of them at once. Any other entry,
 * or one the fast path stops at (a fault, a full queue, a message too big
 * for its entry), goes through the general path, which also gives the
 * batch its usual end and error. Only the way differs: what each entry
 * sends, receives and writes back is the same either way.
 */
#include <linux/uaccess.h>

#include "msg.h"
#include "trace.h"

/* Entries handled together by the fast paths (bounds their stack use). */
#define LPC_CHUNK	16

static int lpc_batch_copy_in(struct lpc_batch *b, void __user *uarg,
			     u32 usize)
{
	int ret;

	ret = lpc_copy_in(b, sizeof(*b), uarg, usize, LPC_BATCH_SIZE_VER0);
	if (ret)
		return ret;
	if (!b->count || b->count > LPC_BATCH_MAX)
		return -EINVAL;
	if (b->flags & ~(LPC_XFER_NONBLOCK | LPC_XFER_TIMEOUT) ||
	    b->flags == (LPC_XFER_NONBLOCK | LPC_XFER_TIMEOUT))
		return -EINVAL;
	return 0;
}

/* One batch entry: only the first may wait, the others never do. */
static int lpc_batch_entry(struct lpc_port *port, struct lpc_xfer *x,
			   void __user *ux, u32 want, const ktime_t *deadline,
			   u32 *freed)
{
	int ret;

	ret = lpc_xfer_copy_in(x, ux, sizeof(*x));
	if (ret)
		return ret;
	x->flags &= ~LPC_XFER_SENT;
	if (x->flags != want)
		return -EINVAL;
	ret = lpc_xfer_check(x);
	if (ret)
		return ret;
	if (want == LPC_XFER_RECV)
		return lpc_receive(port, x, deadline, freed);
	if (x->send_type == LPC_MSG_REPLY)
		return lpc_reply(port, x);
	return lpc_send(port, x, deadline, NULL);
}

/* A received message's header into entry @ux: a few stores, one window. */
static int lpc_info_to_user(struct lpc_xfer __user *ux,
			    const struct lpc_msg_info *info)
{
	if (!user_write_access_begin(&ux->info, sizeof(ux->info)))
		return -EFAULT;
	unsafe_copy_to_user((char __user *)&ux->info, (const char *)info,
			    sizeof(*info), efault);
	user_write_access_end();
	return 0;

efault:
	user_write_access_end();
	return -EFAULT;
}

/*
 * The input fields of entry @ux that decide whether a fast path takes it,
 * read in one user access window: every entry of a batch is read, and
 * these few loads cost a fraction of copying the entry's inputs whole.
 * The general path, which an entry not taken goes through, reads and
 * checks all of it.
 */
static int lpc_fast_read(struct lpc_xfer __user *ux, struct lpc_xfer *x)
{
	if (!user_read_access_begin(ux, LPC_XFER_IN_SIZE))
		return -EFAULT;
	unsafe_get_user(x->flags, &ux->flags, efault);
	unsafe_get_user(x->send_type, &ux->send_type, efault);
	unsafe_get_user(x->send_buf, &ux->send_buf, efault);
	unsafe_get_user(x->send_len, &ux->send_len, efault);
	unsafe_get_user(x->recv_cap, &ux->recv_cap, efault);
	unsafe_get_user(x->recv_buf, &ux->recv_buf, efault);
	unsafe_get_user(x->send_attr, &ux->send_attr, efault);
	unsafe_get_user(x->recv_attr, &ux->recv_attr, efault);
	user_read_access_end();
	x->flags &= ~LPC_XFER_SENT;
	return 0;

efault:
	user_read_access_end();
	return -EFAULT;
}

/*
 * Read entry @ux; true if it is a datagram the fast path sends, with at
 * most @max bytes of payload. Its buffer and length go to *@buf, *@len.
 */
static bool lpc_fast_send_entry(struct lpc_xfer __user *ux, u32 max, u64 *buf,
				u32 *len)
{
	struct lpc_xfer x;

	if (lpc_fast_read(ux, &x))
		return false;
	if (x.flags != LPC_XFER_SEND || x.send_type != LPC_MSG_DATAGRAM ||
	    x.send_attr || x.send_len > max)
		return false;
	*buf = x.send_buf;
	*len = x.send_len;
	return true;
}

/*
 * Fill in and stamp @n datagrams of @port's connection, all sent by the
 * caller now; they take one connection reference each.
 */
static void lpc_fast_send_fill(struct lpc_port *port, struct lpc_port *inbox,
			       struct lpc_msg **msg, u32 n)
{
	struct lpc_conn *conn = port->conn;
	u32 i;

	lpc_msg_stamp(msg[0], inbox);
	refcount_add(n, &conn->ref);
	for (i = 0; i < n; i++) {
		msg[i]->type = LPC_MSG_DATAGRAM;
		msg[i]->id = lpc_next_id();
		msg[i]->conn = conn;
		msg[i]->origin = port;
		msg[i]->inbox = inbox;
		msg[i]->kflags |= LPC_MSGK_RECYCLE | LPC_MSGK_QUIET;
		msg[i]->pid = msg[0]->pid;
		msg[i]->tid = msg[0]->tid;
		msg[i]->uid = msg[0]->uid;
		msg[i]->gid = msg[0]->gid;
	}
}

/*
 * Queue @n filled datagrams of one connection on its connection port
 * @inbox under one lock, as many as it takes without waiting. Their ids
 * and lengths are read first: once queued, a message may be received and
 * freed at once.
 *
 * Return: how many were queued; the caller puts the others.
 */
static u32 lpc_fast_send_queue(struct lpc_port *inbox, struct lpc_msg **msg,
			       u32 n, u64 *id, u32 *len)
{
	struct lpc_conn *conn = msg[0]->conn;
	u64 bytes = 0;
	u32 i;

	for (i = 0; i < n; i++) {
		id[i] = msg[i]->id;
		len[i] = msg[i]->len;
	}
	spin_lock(&inbox->lock);
	n = lpc_conn_port_room_locked(inbox, conn, len, n);
	for (i = 0; i < n; i++)
		bytes += len[i];
	lpc_conn_port_queue_locked(inbox, conn, msg, n, bytes);
	if (n) {
		lpc_stat_add(&inbox->srv->stats->msgs_in, n);
		lpc_stat_add(&inbox->srv->stats->bytes_in, bytes);
	}
	/* Under the lock, as lpc_msg_enqueue() does. */
	for (i = 0; i < n; i++)
		trace_lpc_send(id[i], LPC_MSG_DATAGRAM, len[i], conn->serial,
			       0);
	spin_unlock(&inbox->lock);
	return n;
}

/* Write back the ids of @n sent entries; false on a fault. */
static bool lpc_fast_send_ids(struct lpc_xfer __user *ux, const u64 *id,
			      u32 n)
{
	u32 i;

	if (!user_write_access_begin(ux, n * sizeof(*ux)))
		return false;
	for (i = 0; i < n; i++)
		unsafe_put_user(id[i], &ux[i].send_id, efault);
	user_write_access_end();
	return true;

efault:
	user_write_access_end();
	return false;
}

/**
 * lpc_send_chunk() - send up to @n plain datagrams of a send batch
 * @port: the sending port.
 * @ux: the first entry.
 * @n: entries, at most LPC_CHUNK.
 * @stop: set when the batch must end here: the queue is full or closed
 *	(later entries never wait), or an id could not be written back.
 *
 * Stops early at an entry the fast path does not take, a fault or a
 * failed allocation; the general path then deals with that entry.
 *
 * Return: how many entries were sent.
 */
static u32 lpc_send_chunk(struct lpc_port *port, struct lpc_xfer __user *ux,
			  u32 n, bool *stop)
{
	struct lpc_msg *msg[LPC_CHUNK];
	u64 buf[LPC_CHUNK], id[LPC_CHUNK];
	u32 len[LPC_CHUNK];
	struct lpc_port *inbox;
	u32 i, k, max, sent;

	/* Only a client port sends from, and recycles into, its own stack. */
	if (port->kind != LPC_PORT_CLIENT)
		return 0;
	inbox = port->conn->cport;
	max = min_t(u32, LPC_SMALL_CAP, inbox->srv->max_msg_len);
	for (i = 0; i < n; i++)
		if (!lpc_fast_send_entry(&ux[i], max, &buf[i], &len[i]))
			break;
	n = i;
	k = lpc_msg_take_small(port, msg, n);
	for (i = k; i < n; i++) {
		msg[i] = lpc_msg_alloc(LPC_SMALL_CAP, GFP_KERNEL_ACCOUNT);
		if (!msg[i])
			break;
	}
	n = i;
	for (i = 0; i < n; i++) {
		if (lpc_data_from_user(msg[i], buf[i], len[i]))
			break;
		msg[i]->len = len[i];
	}
	/* Buffers left over go back before the others hold a reference. */
	for (k = i; k < n; k++)
		lpc_msg_recycle(port, msg[k]);
	n = i;
	if (!n)
		return 0;

	lpc_fast_send_fill(port, inbox, msg, n);
	sent = lpc_fast_send_queue(inbox, msg, n, id, len);
	if (sent < n)
		*stop = true;
	for (i = sent; i < n; i++)
		lpc_msg_put(msg[i]);
	if (!lpc_fast_send_ids(ux, id, sent))
		*stop = true;
	return sent;
}

/*
 * Take up to @n plain messages off the head of @port's queue under one
 * lock: not requests, no attributes. The slots they free are counted in
 * *@freed (see lpc_batch_wake()).
 *
 * Return: how many were taken; *@empty says whether the queue ran dry.
 */
static u32 lpc_fast_recv_take(struct lpc_port *port, struct lpc_msg **msg,
			      u32 n, u32 *freed, bool *empty)
{
	struct lpc_msg *m;
	u32 i;

	spin_lock(&port->lock);
	for (i = 0; i < n; i++) {
		m = list_first_entry_or_null(&port->queue, struct lpc_msg,
					     entry);
		if (!m || lpc_is_request(m) || m->ext)
			break;
		lpc_msg_take_locked(port, m, freed);
		msg[i] = m;
	}
	*empty = list_empty(&port->queue);
	spin_unlock(&port->lock);
	return i;
}

/*
 * Put back, in order, at the head of the queue the @n messages taken and
 * not delivered (they take their slots again), or drop them if the port
 * died meanwhile.
 */
static void lpc_fast_recv_untake(struct lpc_port *port, struct lpc_msg **msg,
				 u32 n, u32 *freed)
{
	bool dead;
	u32 i;

	spin_lock(&port->lock);
	dead = port->dead;
	for (i = n; !dead && i--; ) {
		/* Only this receiver has them: DONE, not yet dropped. */
		if (!lpc_msg_move_locked(msg[i], LPC_MSB(DONE), LPC_MS_QUEUED))
			continue;
		lpc_hold_locked(port, msg[i]);
		lpc_queue_add_locked(port, msg[i], true);
	}
	if (!dead) {
		*freed -= n;
		lpc_wake_receivers_locked(port, n, EPOLLIN | EPOLLRDNORM);
	}
	spin_unlock(&port->lock);
	for (i = 0; dead && i < n; i++)
		lpc_msg_put(msg[i]);
}

/* Deliver @msg into entry @ux, if the entry takes it: 0, or -errno. */
static int lpc_fast_recv_one(struct lpc_port *port, struct lpc_xfer __user *ux,
			     const struct lpc_msg *msg)
{
	struct lpc_xfer x;

	if (lpc_fast_read(ux, &x))
		return -EFAULT;
	/* Anything else, even an error, is for the general path to tell. */
	if (x.flags != LPC_XFER_RECV || x.send_type || x.send_buf ||
	    x.send_len || x.recv_attr || msg->len > x.recv_cap)
		return -EAGAIN;
	if (lpc_data_to_user(x.recv_buf, msg))
		return -EFAULT;
	lpc_fill_info(&x.info, msg, port);
	if (lpc_info_to_user(ux, &x.info))
		return -EFAULT;
	trace_lpc_receive(msg->id, msg->type, msg->len,
			  msg->conn ? msg->conn->serial : 0);
	return 0;
}

/**
 * lpc_recv_chunk() - receive up to @n plain messages in a receive batch
 * @port: the receiving port.
 * @ux: the first entry.
 * @n: entries, at most LPC_CHUNK.
 * @freed: queue slots freed, see lpc_batch_wake().
 * @stop: set when the batch must end here (the queue is empty: later
 *	entries never wait; or an entry faulted).
 *
 * Return: how many entries received a message.
 */
static u32 lpc_recv_chunk(struct lpc_port *port, struct lpc_xfer __user *ux,
			  u32 n, u32 *freed, bool *stop)
{
	struct lpc_msg *msg[LPC_CHUNK];
	bool empty;
	u32 i, k;
	int ret = 0;

	if (port->kind == LPC_PORT_SERVER)
		return 0;
	k = lpc_fast_recv_take(port, msg, n, freed, &empty);
	for (i = 0; i < k; i++) {
		ret = lpc_fast_recv_one(port, &ux[i], msg[i]);
		if (ret)
			break;
	}
	if (i < k)
		lpc_fast_recv_untake(port, &msg[i], k - i, freed);
	/* A fault ends the batch as the general path would end it. */
	if ((i == k && empty) || ret == -EFAULT)
		*stop = true;
	lpc_msg_put_many(msg, i);
	return i;
}

/*
 * A send batch queues its messages without waking anyone, so that the
 * first message does not hand the CPU to a receiver that would then take
 * them one by one; a receive batch likewise frees queue slots without
 * waking the senders waiting for them. Both wake at the end: a send batch
 * up to one receiver per message, and the next sender if it left room; a
 * receive batch one sender, which passes the wake-up on if it leaves room
 * (lpc_pass_room_locked()).
 */
static void lpc_batch_wake(struct lpc_port *port, u32 sent, u32 freed)
{
	struct lpc_port *inbox, *origin;

	if (sent && !lpc_route(port, &inbox, &origin)) {
		spin_lock(&inbox->lock);
		lpc_wake_receivers_locked(inbox, sent, EPOLLIN | EPOLLRDNORM);
		lpc_pass_room_locked(inbox);
		spin_unlock(&inbox->lock);
	}
	if (freed)
		wake_up(&port->room);
}

static int lpc_batch_out(struct lpc_xfer __user *ux, const struct lpc_xfer *x,
			 u32 want)
{
	if (want == LPC_XFER_SEND)
		return put_user(x->send_id, &ux->send_id);
	return lpc_info_to_user(ux, &x->info);
}

/* One entry through the general path: 0, or the error that ends the batch. */
static int lpc_batch_one(struct lpc_port *port, struct lpc_xfer __user *ux,
			 u32 want, const ktime_t *deadline, u32 *quiet,
			 u32 *freed)
{
	struct lpc_xfer x;
	int ret;

	ret = lpc_batch_entry(port, &x, ux, want, deadline, freed);
	if (!ret && want == LPC_XFER_SEND && x.send_type != LPC_MSG_REPLY)
		(*quiet)++;
	if (ret && ret != -EMSGSIZE)
		return ret;
	/* Only the outputs: the id of a send, a receive's header. */
	if (lpc_batch_out(ux, &x, want))
		return -EFAULT;
	return ret;
}

static int lpc_batch(struct lpc_port *port, void __user *uarg, u32 usize,
		     u32 want)
{
	struct lpc_xfer __user *ux;
	ktime_t buf, now = 0, *deadline;
	u32 i = 0, k, n, quiet = 0, freed = 0;
	struct lpc_batch b;
	bool stop = false;
	int ret;

	ret = lpc_batch_copy_in(&b, uarg, usize);
	if (ret)
		return ret;
	deadline = lpc_deadline(&buf, b.flags & LPC_XFER_TIMEOUT,
				b.flags & LPC_XFER_NONBLOCK, b.timeout_ns);
	ux = u64_to_user_ptr(b.xfers);
	while (i < b.count) {
		if (i) {
			n = min_t(u32, b.count - i, LPC_CHUNK);
			if (want == LPC_XFER_SEND) {
				k = lpc_send_chunk(port, &ux[i], n, &stop);
				quiet += k;
			} else {
				k = lpc_recv_chunk(port, &ux[i], n, &freed,
						   &stop);
			}
			i += k;
			if (stop)
				break;
			if (k)
				continue;
		}
		ret = lpc_batch_one(port, &ux[i], want, i ? &now : deadline,
				    &quiet, &freed);
		if (ret)
			break;
		i++;
	}
	lpc_batch_wake(port, quiet, freed);
	return i ? i : ret;
}

/**
 * lpc_ioc_send_batch() - %LPC_IOC_SEND_BATCH
 * @port: the sending port.
 * @uarg: user &struct lpc_batch.
 * @usize: its size.
 *
 * Return: entries sent, or the first entry's error.
 */
int lpc_ioc_send_batch(struct lpc_port *port, void __user *uarg, u32 usize)
{
	return lpc_batch(port, uarg, usize, LPC_XFER_SEND);
}

/**
 * lpc_ioc_recv_batch() - %LPC_IOC_RECV_BATCH
 * @port: the receiving port.
 * @uarg: user &struct lpc_batch.
 * @usize: its size.
 *
 * Return: entries received, or the first entry's error.
 */
int lpc_ioc_recv_batch(struct lpc_port *port, void __user *uarg, u32 usize)
{
	return lpc_batch(port, uarg, usize, LPC_XFER_RECV);
}
