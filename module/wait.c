// SPDX-License-Identifier: GPL-2.0
/*
 * Waits of the message path: receivers waiting for a message, senders
 * waiting for queue room, deadlines.
 *
 * Every wait here is entered and left with the port lock held, and every
 * change that ends a wait is made under that lock, so a waiter queued
 * before it drops the lock never misses its wake-up.
 */
#include <linux/hrtimer.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>

#include "msg.h"

/* Sleep until woken or @deadline (NULL: no deadline). */
int lpc_sleep(const ktime_t *deadline)
{
	ktime_t expires;

	if (!deadline) {
		schedule();
		return 0;
	}
	expires = *deadline;
	return schedule_hrtimeout_range(&expires, 0, HRTIMER_MODE_ABS) ?
	       0 : -ETIMEDOUT;
}

/*
 * A receiver with nothing to receive sleeps on its port's idle list, and
 * whoever queues a message takes the newest sleeper off the list and wakes
 * it directly: one receiver per message (none woken to find nothing), and
 * no wait queue walked on the way. The entry lives on the receiver's stack
 * and is only ever touched under the port lock, which the receiver takes
 * again before it returns.
 */
struct lpc_rx_waiter {
	struct list_head node;
	struct task_struct *task;
};

/**
 * lpc_wake_receivers_locked() - tell receivers and pollers that @port changed
 * @port: the port, locked.
 * @nr: receivers to wake, one per message queued; 0 wakes all of them.
 * @events: what pollers are told (EPOLLIN, or EPOLLHUP for a dead port).
 */
void lpc_wake_receivers_locked(struct lpc_port *port, u32 nr, __poll_t events)
{
	struct lpc_rx_waiter *w, *tmp;

	lockdep_assert_held(&port->lock);
	list_for_each_entry_safe(w, tmp, &port->idle, node) {
		list_del_init(&w->node);
		wake_up_process(w->task);
		if (nr && !--nr)
			break;
	}
	/* Pairs with the barrier in lpc_port_poll(). */
	if (wq_has_sleeper(&port->wait))
		__wake_up(&port->wait, TASK_INTERRUPTIBLE, 0,
			  poll_to_key(events));
}

/*
 * Wait, with @port->lock held on entry and exit, until @port has a message
 * or is dead. A receiver woken for a message that another took meanwhile
 * goes back to sleep.
 */
int lpc_wait_message_locked(struct lpc_port *port, const ktime_t *deadline)
	__must_hold(&port->lock)
{
	struct lpc_rx_waiter w = { .task = current };
	int ret;

	lockdep_assert_held(&port->lock);
	while (list_empty(&port->queue) && !port->dead) {
		if (deadline && !*deadline)
			return -EAGAIN;
		list_add(&w.node, &port->idle);
		set_current_state(TASK_INTERRUPTIBLE);
		spin_unlock(&port->lock);
		if (signal_pending(current))
			ret = -EINTR;
		else
			ret = lpc_sleep(deadline);
		__set_current_state(TASK_RUNNING);
		spin_lock(&port->lock);
		/* Still listed: no message came for us. */
		if (!list_empty(&w.node))
			list_del(&w.node);
		if (ret && list_empty(&port->queue) && !port->dead)
			return ret;
	}
	return 0;
}

/**
 * lpc_deadline() - turn xfer/connect wait flags into a deadline
 * @buf: storage for the deadline.
 * @has_timeout: the caller gave a timeout.
 * @nonblock: the caller must not wait.
 * @timeout_ns: the relative timeout.
 *
 * Return: NULL to wait forever, or @buf. A deadline of 0 means "do not
 * wait" and makes a wait fail with -EAGAIN rather than -ETIMEDOUT.
 */
ktime_t *lpc_deadline(ktime_t *buf, bool has_timeout, bool nonblock,
		      u64 timeout_ns)
{
	if (nonblock) {
		*buf = 0;
		return buf;
	}
	if (!has_timeout)
		return NULL;
	timeout_ns = min_t(u64, timeout_ns, KTIME_MAX);
	*buf = ktime_add_safe(ktime_get(), ns_to_ktime(timeout_ns));
	return buf;
}

/*
 * Wait on @wq, with @port->lock held on entry and exit, until @cond holds.
 * Every change that can make @cond true happens under that lock, and the
 * waiter is queued before the lock is dropped, so no wake-up is missed.
 * Exclusive waiters each take one message or slot; the callers pass on a
 * wake-up they end up not using. A request whose requester side was
 * settled meanwhile (lpc_msg_given_up()) stops waiting: whoever settled it
 * woke its sender.
 */
static int lpc_wait_locked(struct lpc_port *port, struct wait_queue_head *wq,
			   bool (*cond)(struct lpc_port *port,
					struct lpc_msg *msg),
			   struct lpc_msg *msg, const ktime_t *deadline)
	__must_hold(&port->lock)
{
	DEFINE_WAIT(w);
	int ret = 0;

	lockdep_assert_held(&port->lock);
	while (!cond(port, msg)) {
		if (lpc_msg_given_up(msg))
			return -ECONNRESET;
		if (deadline && !*deadline)
			return -EAGAIN;
		prepare_to_wait_exclusive(wq, &w, TASK_INTERRUPTIBLE);
		spin_unlock(&port->lock);
		if (signal_pending(current))
			ret = -EINTR;
		else
			ret = lpc_sleep(deadline);
		finish_wait(wq, &w);
		spin_lock(&port->lock);
		if (ret && !cond(port, msg))
			return ret;
		ret = 0;
	}
	return 0;
}

/*
 * Wait until both a slot on the port and room in the connection's share
 * are free, each on its own queue. A sender without a slot waits for one,
 * whatever its share: slots are handed out one wake-up at a time, so a
 * receive batch that frees many wakes one sender, not every sender of a
 * connection at its share. A sender whose share holds it back waits on
 * its connection's queue, and passes the slot it may have been woken for
 * on to the next sender.
 */
int lpc_wait_room(struct lpc_port *inbox, struct lpc_msg *msg,
		  const ktime_t *deadline)
	__must_hold(&inbox->lock)
{
	int ret = 0;

	while (!ret && !lpc_has_room(inbox, msg)) {
		if (!lpc_has_slot(inbox, msg)) {
			ret = lpc_wait_locked(inbox, &inbox->room,
					      lpc_has_slot, msg, deadline);
		} else {
			lpc_pass_room_locked(inbox);
			ret = lpc_wait_locked(inbox, &msg->conn->room,
					      lpc_conn_has_room, msg, deadline);
		}
	}
	return ret;
}
