// SPDX-License-Identifier: GPL-2.0
/*
 * Batches: LPC_IOC_SEND_BATCH and LPC_IOC_RECV_BATCH, up to LPC_BATCH_MAX
 * messages sent or received in one call.
 */
#include <linux/uaccess.h>

#include "msg.h"

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

/*
 * A send batch queues its messages without waking anyone, so that the
 * first message does not hand the CPU to a receiver that would then take
 * them one by one; a receive batch likewise frees queue slots without
 * waking the senders waiting for them. Both wake at the end: a send batch
 * up to one receiver per message, and the next sender if it left room; a
 * receive batch one sender, which passes the wake-up on if it leaves room
 * (lpc_pass_room()).
 */
static void lpc_batch_wake(struct lpc_port *port, u32 sent, u32 freed)
{
	struct lpc_port *inbox, *origin;

	if (sent && !lpc_route(port, &inbox, &origin)) {
		spin_lock(&inbox->lock);
		lpc_wake_receivers(inbox, sent, EPOLLIN | EPOLLRDNORM);
		lpc_pass_room(inbox);
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
	/* A few stores in one user access window, no copy routine call. */
	if (!user_write_access_begin(&ux->info, sizeof(ux->info)))
		return -EFAULT;
	unsafe_copy_to_user((char __user *)&ux->info, (const char *)&x->info,
			    sizeof(x->info), efault);
	user_write_access_end();
	return 0;

efault:
	user_write_access_end();
	return -EFAULT;
}

static int lpc_batch(struct lpc_port *port, void __user *uarg, u32 usize,
		     u32 want)
{
	struct lpc_xfer __user *ux;
	ktime_t buf, now = 0, *deadline;
	struct lpc_batch b;
	struct lpc_xfer x;
	u32 i, quiet = 0, freed = 0;
	int ret;

	ret = lpc_batch_copy_in(&b, uarg, usize);
	if (ret)
		return ret;
	deadline = lpc_deadline(&buf, b.flags & LPC_XFER_TIMEOUT,
				b.flags & LPC_XFER_NONBLOCK, b.timeout_ns);
	ux = u64_to_user_ptr(b.xfers);
	for (i = 0; i < b.count; i++) {
		ret = lpc_batch_entry(port, &x, &ux[i], want,
				      i ? &now : deadline, &freed);
		if (!ret && want == LPC_XFER_SEND &&
		    x.send_type != LPC_MSG_REPLY)
			quiet++;
		if (ret && ret != -EMSGSIZE)
			break;
		/* Only the outputs: the id of a send, a receive's header. */
		if (lpc_batch_out(&ux[i], &x, want)) {
			ret = -EFAULT;
			break;
		}
		if (ret)
			break;
	}
	lpc_batch_wake(port, quiet, freed);
	return i ? i : ret;
}

/**
 * lpc_send_batch() - %LPC_IOC_SEND_BATCH
 * @port: the sending port.
 * @uarg: user &struct lpc_batch.
 * @usize: its size.
 *
 * Return: entries sent, or the first entry's error.
 */
int lpc_send_batch(struct lpc_port *port, void __user *uarg, u32 usize)
{
	return lpc_batch(port, uarg, usize, LPC_XFER_SEND);
}

/**
 * lpc_recv_batch() - %LPC_IOC_RECV_BATCH
 * @port: the receiving port.
 * @uarg: user &struct lpc_batch.
 * @usize: its size.
 *
 * Return: entries received, or the first entry's error.
 */
int lpc_recv_batch(struct lpc_port *port, void __user *uarg, u32 usize)
{
	return lpc_batch(port, uarg, usize, LPC_XFER_RECV);
}
