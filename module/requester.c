// SPDX-License-Identifier: GPL-2.0
/*
 * The requester side of the request state machine (request.c has the
 * inbox side, Documentation/lpc-internals.rst the table of both).
 *
 * A request waits in its origin's pending tree, under the origin's lock,
 * until its requester side is settled. Whoever takes it out of the tree
 * settles it, exactly once: the inbox side's owner when it is done
 * (lpc_msg_complete(), lpc_msg_dispose()), or the requester giving up (a
 * cancel, a timeout or signal, its port closing), which then withdraws
 * the inbox side with lpc_msg_abandon().
 *
 * A synchronous request's requester reference is always its sending
 * thread's, which sleeps until msg->done and drops it whatever happened.
 * An asynchronous request's is the pending tree's, handed to whoever
 * takes it out of there.
 */
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "msg.h"

/*
 * The pending tree, with the count of the asynchronous requests in it:
 * together with their replies still queued on the origin (lpc_queue_add_locked()
 * counts those), they are bound by the connection's share, since each
 * holds a buffer with room for its reply that nothing else accounts for.
 */
static void lpc_pending_insert_locked(struct lpc_port *origin, struct lpc_msg *msg)
{
	lockdep_assert_held(&origin->lock);
	lpc_tree_insert(&origin->pending, msg, true);
	if (!(msg->kflags & LPC_MSGK_SYNC))
		origin->nr_async++;
}

void lpc_pending_erase_locked(struct lpc_port *origin, struct lpc_msg *msg)
{
	lockdep_assert_held(&origin->lock);
	lpc_tree_erase(&origin->pending, msg, true);
	if (!(msg->kflags & LPC_MSGK_SYNC))
		origin->nr_async--;
}

/**
 * lpc_msg_add_pending() - register a request with the port it came from
 * @origin: the port its reply returns to.
 * @msg: the request, NEW, with msg->inbox already set (a cancel may reach
 *	the inbox side from now on). An asynchronous request's tree entry
 *	takes over a requester reference; a synchronous one's waiter keeps
 *	its own.
 *
 * An asynchronous request is refused, rather than made to wait, while the
 * connection's share of them is taken: only receiving their replies frees
 * it, which the thread that would wait may be the one to do.
 *
 * Return: 0, -ENOTCONN if @origin is closed, -ENOBUFS if @msg is
 * asynchronous and max_conn_queued asynchronous requests from @origin are
 * pending or hold a reply not yet received.
 */
int lpc_msg_add_pending(struct lpc_port *origin, struct lpc_msg *msg)
{
	int ret = 0;

	if (WARN_ON_ONCE(!msg->inbox))
		return -EINVAL;
	msg->origin = origin;
	spin_lock(&origin->lock);
	if (origin->dead)
		ret = -ENOTCONN;
	else if (!(msg->kflags & LPC_MSGK_SYNC) &&
		 origin->nr_async >= msg->conn->cport->srv->max_conn_queued)
		ret = -ENOBUFS;
	else
		lpc_pending_insert_locked(origin, msg);
	spin_unlock(&origin->lock);
	return ret;
}

/* Take a request back out of its origin's pending tree, if still there. */
bool lpc_msg_unpend(struct lpc_msg *msg)
{
	struct lpc_port *origin = msg->origin;
	bool was_pending;

	spin_lock(&origin->lock);
	was_pending = !RB_EMPTY_NODE(&msg->pnode);
	if (was_pending)
		lpc_pending_erase_locked(origin, msg);
	spin_unlock(&origin->lock);
	return was_pending;
}

/**
 * lpc_msg_unsent() - a request that never got queued: its requester side
 * @msg: the request, still NEW; the caller still holds its inbox reference.
 * @ret: the enqueue error; replaced by the settled status, if any.
 *
 * A synchronous request's requester reference is always its sender's; an
 * asynchronous one's is the pending tree's, and whoever takes it out of
 * there (us, or a cancel or a port closing) drops it.
 */
void lpc_msg_unsent(struct lpc_msg *msg, int *ret)
{
	bool pending = lpc_msg_unpend(msg);

	if (msg->kflags & LPC_MSGK_SYNC) {
		/* The origin lock of lpc_msg_unpend() orders this read. */
		if (!pending && msg->status)
			*ret = msg->status;
		lpc_msg_put(msg);
	} else if (pending) {
		lpc_msg_put(msg);
	}
}

/*
 * Publish a synchronous request's result and wake the thread waiting for
 * it. Called under the origin lock with the request out of the pending
 * tree. Once done is set the waiter may return and free @msg: its task is
 * read before. The task needs no reference: it cannot leave
 * lpc_msg_wait_reply() or lpc_msg_unsent() before done is set or the
 * request is out of the tree (both checked under the origin lock, held
 * here), and a task that exits after that stays valid until
 * rcu_read_unlock(). If it has moved on by the time we wake it, it sees a
 * spurious wake-up, which every sleeper in the kernel tolerates.
 */
void lpc_msg_answer_locked(struct lpc_msg *msg, int status)
	__must_hold(&msg->origin->lock)
{
	struct task_struct *task = msg->waiter;

	lockdep_assert_held(&msg->origin->lock);
	msg->status = status;
	rcu_read_lock();
	/* Publishes status and reply; see lpc_msg_wait_reply(). */
	smp_store_release(&msg->done, 1);
	wake_up_process(task);
	rcu_read_unlock();
}

/**
 * lpc_msg_settle_locked() - hand a request's result to its requester side
 * @origin: msg->origin, locked.
 * @msg: the request, just taken out of the pending tree by the caller,
 *	whose inbox side is over (REPLYING or DONE, owned by the caller).
 * @status: 0 for a reply, or the error the requester gets.
 *
 * A synchronous requester is woken and keeps its reference. An
 * asynchronous request becomes its own reply (or LOST_REPLY notice),
 * queued on @origin with the pending tree's reference, unless @origin is
 * closed.
 *
 * Return: true if the requester reference is now the caller's to drop.
 */
static bool lpc_msg_settle_locked(struct lpc_port *origin, struct lpc_msg *msg,
				  int status)
{
	lockdep_assert_held(&origin->lock);
	/* Out of the pending tree, the id may change: a reply gets its own. */
	msg->ref_id = msg->id;
	msg->id = lpc_next_id();
	if (msg->kflags & LPC_MSGK_SYNC) {
		lpc_msg_answer_locked(msg, status);
		return false;
	}
	if (origin->dead)
		return true;
	/*
	 * A new life on a new inbox, the origin, whose lock we hold: nothing
	 * of the old one applies, and nobody there can see it any more.
	 */
	msg->inbox = origin;
	if (!lpc_msg_move_locked(msg, LPC_MSB(REPLYING) | LPC_MSB(DONE),
				 LPC_MS_QUEUED))
		return true;
	if (status)
		msg->type = LPC_MSG_LOST_REPLY;
	msg->kflags |= LPC_MSGK_UNCOUNTED | LPC_MSGK_ASYNC_REPLY;
	msg->abandoned = false;
	lpc_queue_add_locked(origin, msg, false);
	lpc_wake_receivers_locked(origin, 1, EPOLLIN | EPOLLRDNORM);
	return false;
}

/* Settle @msg if it is still pending: whether the caller drops a ref. */
bool lpc_msg_settle_pending(struct lpc_msg *msg, int status, bool *settled)
{
	struct lpc_port *origin = msg->origin;
	bool put = false;

	spin_lock(&origin->lock);
	*settled = !RB_EMPTY_NODE(&msg->pnode);
	if (*settled) {
		lpc_pending_erase_locked(origin, msg);
		put = lpc_msg_settle_locked(origin, msg, status);
	}
	spin_unlock(&origin->lock);
	return put;
}

/**
 * lpc_msg_wait_reply() - wait for the answer to a synchronous request
 * @msg: the request; the caller holds its requester reference.
 * @deadline: see lpc_deadline().
 *
 * On -EINTR or -ETIMEDOUT the request is withdrawn, unless its answer came
 * in meanwhile, which then wins.
 *
 * Return: 0 once msg->status is valid, or -EINTR, -ETIMEDOUT, -EAGAIN.
 */
int lpc_msg_wait_reply(struct lpc_msg *msg, const ktime_t *deadline)
{
	int ret = 0;

	/* Only the sender waits: lpc_msg_answer_locked() wakes msg->waiter. */
	WARN_ON_ONCE(msg->waiter != current);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		/*
		 * Pairs with lpc_msg_answer_locked(): set_current_state() orders our
		 * state before this load, the answerer sets done before it
		 * wakes us, so the wake-up is not lost.
		 */
		if (smp_load_acquire(&msg->done))
			break;
		if (deadline && !*deadline) {
			ret = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		ret = lpc_sleep(deadline);
		if (ret)
			break;
	}
	__set_current_state(TASK_RUNNING);

	if (ret && lpc_msg_unpend(msg)) {
		lpc_msg_abandon(msg);
		return ret;
	}
	/*
	 * Answered, perhaps while we were giving up (then it stands). The
	 * origin lock taken by lpc_msg_unpend() orders our reads after the
	 * answer's writes. An error answer came from the requester side (a
	 * cancel, a port closing) or from an inbox side that is already
	 * over; either way the inbox side is ours to withdraw.
	 */
	if (msg->status)
		lpc_msg_abandon(msg);
	return 0;
}

/**
 * lpc_msg_cancel() - %LPC_IOC_CANCEL's transition
 * @origin: the port whose pending tree holds the request.
 * @id: the request.
 * @only: the connection it must belong to, or NULL.
 *
 * Return: 0, or -ENOENT if no such request awaits a reply.
 */
int lpc_msg_cancel(struct lpc_port *origin, u64 id, struct lpc_conn *only)
{
	struct lpc_msg *msg;

	spin_lock(&origin->lock);
	msg = lpc_tree_find(&origin->pending, id, true);
	if (!msg || (only && msg->conn != only)) {
		spin_unlock(&origin->lock);
		return -ENOENT;
	}
	lpc_pending_erase_locked(origin, msg);
	if (msg->kflags & LPC_MSGK_SYNC) {
		/* Another thread waits for it: wake it with the news. */
		lpc_msg_answer_locked(msg, -ECANCELED);
		spin_unlock(&origin->lock);
		return 0;
	}
	spin_unlock(&origin->lock);
	lpc_msg_abandon(msg);
	lpc_msg_put(msg);
	return 0;
}

