// SPDX-License-Identifier: GPL-2.0
/*
 * Messages: sending, receiving, replying, cancelling.
 *
 * A message is queued on its *inbox*: the connection port for everything a
 * client sends, the client's port for everything the server sends. A
 * request also sits in its *origin*'s pending tree (the port its reply
 * returns to) until it is answered or withdrawn. When received, a request
 * moves from the inbox queue to the inbox service tree, where the reply
 * finds it by id.
 *
 * The reply reuses the request's buffer, which the request reserved at the
 * requester's receive capacity, so replying never allocates and never
 * fails for lack of memory. A synchronous requester sleeps until its
 * request is done; whoever finishes the request, under the origin lock,
 * wakes that thread directly (lpc_msg_answer()).
 *
 * No path holds two port locks at once: the inbox side of a message (its
 * state) is changed under the inbox lock, the requester side (pending tree,
 * done) under the origin lock, one after the other.
 */
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "msg.h"
#include "trace.h"

/*
 * Ids come from per-CPU batches, so that numbering messages does not bounce
 * one cache line between every CPU that sends.
 */
#define LPC_ID_BATCH	1024

struct lpc_id_cache {
	u64 next;
	u64 end;
};

static DEFINE_PER_CPU(struct lpc_id_cache, lpc_ids);
static atomic64_t lpc_id_base = ATOMIC64_INIT(0);

u64 lpc_next_id(void)
{
	struct lpc_id_cache *c = get_cpu_ptr(&lpc_ids);
	u64 id;

	if (c->next == c->end) {
		c->end = atomic64_add_return(LPC_ID_BATCH, &lpc_id_base) + 1;
		c->next = c->end - LPC_ID_BATCH;
	}
	id = c->next++;
	put_cpu_ptr(&lpc_ids);
	return id;
}

/* A message as fresh from the allocator, in a buffer of @cap bytes. */
static void lpc_msg_init(struct lpc_msg *msg, u32 cap)
{
	memset(msg, 0, sizeof(*msg));
	INIT_LIST_HEAD(&msg->entry);
	RB_CLEAR_NODE(&msg->snode);
	RB_CLEAR_NODE(&msg->pnode);
	refcount_set(&msg->ref, 1);
	msg->cap = cap;
}

struct lpc_msg *lpc_msg_alloc(u32 cap, gfp_t gfp)
{
	struct lpc_msg *msg;

	msg = kvmalloc(struct_size(msg, data, cap), gfp);
	if (!msg)
		return NULL;
	lpc_msg_init(msg, cap);
	return msg;
}

/**
 * lpc_msg_alloc_cached() - a message for a synchronous request
 * @port: the requesting port, whose cache is tried first.
 * @cap: bytes of buffer needed.
 *
 * A client doing request after request reuses one buffer instead of
 * allocating and freeing one per round trip.
 *
 * Return: a fresh message, or NULL.
 */
struct lpc_msg *lpc_msg_alloc_cached(struct lpc_port *port, u32 cap)
{
	struct lpc_msg *msg = xchg(&port->msg_cache, NULL);

	if (!msg)
		return lpc_msg_alloc(cap, GFP_KERNEL_ACCOUNT);
	if (msg->cap < cap) {
		kvfree(msg);
		return lpc_msg_alloc(cap, GFP_KERNEL_ACCOUNT);
	}
	lpc_msg_init(msg, msg->cap);
	return msg;
}

/**
 * lpc_msg_take_small() - small buffers off a port's free stack
 * @port: the sending port whose stack is used (msg.h).
 * @msg: where to put them.
 * @n: how many are wanted.
 *
 * One lock round trip for all of them; each comes back as fresh as from
 * the allocator.
 *
 * Return: how many were taken, at most @n (fewer when the stack runs out).
 */
u32 lpc_msg_take_small(struct lpc_port *port, struct lpc_msg **msg, u32 n)
{
	u32 i, k;

	BUILD_BUG_ON(sizeof(struct lpc_msg) + 64 > LPC_SMALL_SIZE);
	spin_lock(&port->lock);
	for (k = 0; k < n && port->free; k++) {
		msg[k] = port->free;
		port->free = (struct lpc_msg *)msg[k]->entry.next;
		port->nr_free--;
	}
	spin_unlock(&port->lock);
	for (i = 0; i < k; i++)
		lpc_msg_init(msg[i], LPC_SMALL_CAP);
	return k;
}

static struct lpc_msg *lpc_msg_alloc_small(struct lpc_port *port, u32 cap)
{
	struct lpc_msg *msg;

	if (cap <= LPC_SMALL_CAP && lpc_msg_take_small(port, &msg, 1))
		return msg;
	return lpc_msg_alloc(max_t(u32, cap, LPC_SMALL_CAP), GFP_KERNEL_ACCOUNT);
}

/*
 * Give a buffer back to the port that sent it, @origin: small ones to its
 * free stack, while there is room on it, a synchronous request's to its
 * one-message cache.
 */
static void lpc_msg_push_small(struct lpc_port *origin, struct lpc_msg **msg,
			       u32 n)
{
	/* Recycled messages come from client ports (msg.h). */
	u32 i, max = min_t(u32, LPC_FREE_MAX,
			   origin->conn->listener->max_queued);

	spin_lock(&origin->lock);
	for (i = 0; i < n && origin->nr_free < max; i++) {
		msg[i]->entry.next = (struct list_head *)origin->free;
		origin->free = msg[i];
		origin->nr_free++;
	}
	spin_unlock(&origin->lock);
	for (; i < n; i++)
		kvfree(msg[i]);
}

void lpc_msg_recycle(struct lpc_port *origin, struct lpc_msg *msg)
{
	if (msg->cap != LPC_SMALL_CAP) {
		msg = xchg(&origin->msg_cache, msg);
		if (msg)
			kvfree(msg);
		return;
	}
	lpc_msg_push_small(origin, &msg, 1);
}

/**
 * lpc_msg_put_many() - lpc_msg_put() @n messages
 * @msg: the messages; the array is the callee's to reorder.
 * @n: how many.
 *
 * A receive batch's messages mostly come from one sender: the small
 * buffers among them whose last reference goes here return to their
 * sending port's free stack a run at a time, one lock round trip for each
 * run of one port, before the connection references that keep that port
 * alive are dropped. Messages with anything else to release take
 * lpc_msg_put(). Not under a port lock.
 */
void lpc_msg_put_many(struct lpc_msg **msg, u32 n)
{
	struct lpc_conn *conn;
	u32 i, j, k = 0;

	for (i = 0; i < n; i++) {
		if (msg[i]->ext || msg[i]->sender || !msg[i]->conn ||
		    !(msg[i]->kflags & LPC_MSGK_RECYCLE) ||
		    msg[i]->cap != LPC_SMALL_CAP)
			lpc_msg_put(msg[i]);
		else if (refcount_dec_and_test(&msg[i]->ref))
			msg[k++] = msg[i];
	}
	for (i = 0; i < k; i = j) {
		conn = msg[i]->conn;
		for (j = i + 1; j < k && msg[j]->conn == conn &&
		     msg[j]->origin == msg[i]->origin; j++)
			;
		/* The buffers may be reused at once: conn was read before. */
		lpc_msg_push_small(msg[i]->origin, &msg[i], j - i);
		for (; i < j; i++)
			lpc_conn_put(conn);
	}
}

/* When the port goes: nothing can reach its cache any more. */
void lpc_msg_cache_free(struct lpc_port *port)
{
	struct lpc_msg *msg;

	kvfree(port->msg_cache);
	while ((msg = port->free)) {
		port->free = (struct lpc_msg *)msg->entry.next;
		kvfree(msg);
	}
}

/*
 * Never called under a port lock: the last put may free a connection, or
 * return the buffer to its origin under the origin's lock.
 */
void lpc_msg_put(struct lpc_msg *msg)
{
	struct lpc_conn *conn = msg->conn;

	if (!refcount_dec_and_test(&msg->ref))
		return;
	/* Most messages have neither: spare the calls. */
	if (msg->ext)
		lpc_attr_free(msg);
	if (msg->sender)
		put_pid(msg->sender);
	/* Our conn reference keeps the origin alive until the put. */
	if (msg->kflags & LPC_MSGK_RECYCLE)
		lpc_msg_recycle(msg->origin, msg);
	else
		kvfree(msg);
	if (conn)
		lpc_conn_put(conn);
}

/**
 * lpc_msg_stamp() - record who sends, as the receiving side sees it
 * @msg: the message.
 * @to: the port whose namespaces the ids are translated into.
 *
 * Ids are taken from the caller at the time of the call and never from
 * anything user space passed.
 */
void lpc_msg_stamp(struct lpc_msg *msg, struct lpc_port *to)
{
	/* The common case, no namespaces: the global ids are the answer. */
	if (to->pid_ns == &init_pid_ns && to->user_ns == &init_user_ns) {
		msg->pid = current->tgid;
		msg->tid = current->pid;
		msg->uid = __kuid_val(current_euid());
		msg->gid = __kgid_val(current_egid());
		return;
	}
	msg->pid = task_tgid_nr_ns(current, to->pid_ns);
	msg->tid = task_pid_nr_ns(current, to->pid_ns);
	msg->uid = from_kuid_munged(to->user_ns, current_euid());
	msg->gid = from_kgid_munged(to->user_ns, current_egid());
}

/* Service and pending trees, ordered by message id. */
static void lpc_tree_insert(struct rb_root *root, struct lpc_msg *msg,
			    bool pending)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;
	struct rb_node *node = pending ? &msg->pnode : &msg->snode;

	while (*link) {
		struct lpc_msg *m;

		parent = *link;
		m = pending ? rb_entry(parent, struct lpc_msg, pnode) :
			      rb_entry(parent, struct lpc_msg, snode);
		link = msg->id < m->id ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(node, parent, link);
	rb_insert_color(node, root);
}

static struct lpc_msg *lpc_tree_find(struct rb_root *root, u64 id,
				     bool pending)
{
	struct rb_node *n = root->rb_node;

	while (n) {
		struct lpc_msg *m = pending ? rb_entry(n, struct lpc_msg, pnode) :
					      rb_entry(n, struct lpc_msg, snode);

		if (id == m->id)
			return m;
		n = id < m->id ? n->rb_left : n->rb_right;
	}
	return NULL;
}

static void lpc_tree_erase(struct rb_root *root, struct lpc_msg *msg,
			   bool pending)
{
	struct rb_node *node = pending ? &msg->pnode : &msg->snode;

	rb_erase(node, root);
	RB_CLEAR_NODE(node);
}

/* Sleep until woken or @deadline (NULL: no deadline). */
static int lpc_sleep(const ktime_t *deadline)
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
 * lpc_wake_receivers() - tell receivers and pollers that @port changed
 * @port: the port, locked.
 * @nr: receivers to wake, one per message queued; 0 wakes all of them.
 * @events: what pollers are told (EPOLLIN, or EPOLLHUP for a dead port).
 */
void lpc_wake_receivers(struct lpc_port *port, u32 nr, __poll_t events)
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

/**
 * lpc_port_set_dead() - take no more messages on @port
 * @port: the port.
 *
 * Every receiver and sender waiting on it wakes and sees it dead.
 */
void lpc_port_set_dead(struct lpc_port *port)
{
	spin_lock(&port->lock);
	port->dead = true;
	lpc_wake_receivers(port, 0, EPOLLHUP);
	spin_unlock(&port->lock);
	wake_up_all(&port->room);
}

/*
 * Wait, with @port->lock held on entry and exit, until @port has a message
 * or is dead. A receiver woken for a message that another took meanwhile
 * goes back to sleep.
 */
static int lpc_wait_message(struct lpc_port *port, const ktime_t *deadline)
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
 * wake-up they end up not using.
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
 * are free: each on its own queue, so that a slot is never handed to a
 * sender that its own share still holds back.
 */
static int lpc_wait_room(struct lpc_port *inbox, struct lpc_msg *msg,
			 const ktime_t *deadline)
	__must_hold(&inbox->lock)
{
	int ret = 0;

	while (!ret && !lpc_has_room(inbox, msg)) {
		if (!lpc_conn_has_room(inbox, msg))
			ret = lpc_wait_locked(inbox, &msg->conn->room,
					      lpc_conn_has_room, msg, deadline);
		else
			ret = lpc_wait_locked(inbox, &inbox->room,
					      lpc_has_slot, msg, deadline);
	}
	return ret;
}

/**
 * lpc_msg_enqueue() - queue a message on its inbox
 * @inbox: the port to queue on; msg->inbox is set to it.
 * @msg: the message; the queue takes over the caller's inbox reference.
 * @deadline: how long to wait for room (see lpc_deadline()).
 *
 * Return: 0, -ENOTCONN if the inbox or connection is closed, -EAGAIN,
 * -ETIMEDOUT, -EINTR. On error the caller keeps its reference.
 */
int lpc_msg_enqueue(struct lpc_port *inbox, struct lpc_msg *msg,
		    const ktime_t *deadline)
{
	int ret;

	msg->inbox = inbox;
	spin_lock(&inbox->lock);
	ret = lpc_inbox_open(inbox, msg);
	/* One freed slot wakes one sender, not a herd. */
	if (!ret && !lpc_has_room(inbox, msg)) {
		ret = lpc_wait_room(inbox, msg, deadline);
		/* The lock was dropped while waiting. */
		if (!ret)
			ret = lpc_inbox_open(inbox, msg);
	}
	if (ret) {
		/* A wake-up this sender will not use goes to the next. */
		lpc_pass_room(inbox);
		spin_unlock(&inbox->lock);
		return ret;
	}
	/* Counted before anyone can receive it, so queries never lag. */
	if (inbox->srv) {
		lpc_stat_add(&inbox->srv->stats->msgs_in, 1);
		lpc_stat_add(&inbox->srv->stats->bytes_in, msg->len);
	}
	lpc_hold(inbox, msg);
	msg->state = LPC_MS_QUEUED;
	lpc_queue_add(inbox, msg, false);
	if (!(msg->kflags & LPC_MSGK_QUIET)) {
		lpc_wake_receivers(inbox, 1, EPOLLIN | EPOLLRDNORM);
		lpc_pass_room(inbox);
	}
	spin_unlock(&inbox->lock);
	return 0;
}

/**
 * lpc_msg_enqueue_notice() - queue a reserved notice, or drop it
 * @inbox: where to queue.
 * @msg: the notice; uncounted, so it never waits for room.
 *
 * A notice for a port that is already closed is freed.
 */
void lpc_msg_enqueue_notice(struct lpc_port *inbox, struct lpc_msg *msg)
{
	msg->kflags |= LPC_MSGK_UNCOUNTED;
	msg->inbox = inbox;
	spin_lock(&inbox->lock);
	if (inbox->dead) {
		spin_unlock(&inbox->lock);
		lpc_msg_put(msg);
		return;
	}
	msg->state = LPC_MS_QUEUED;
	lpc_queue_add(inbox, msg, false);
	lpc_wake_receivers(inbox, 1, EPOLLIN | EPOLLRDNORM);
	spin_unlock(&inbox->lock);
}

/**
 * lpc_msg_add_pending() - register a request with the port it came from
 * @origin: the port its reply returns to.
 * @msg: the request; the tree takes over a requester reference.
 *
 * Return: 0, or -ENOTCONN if @origin is closed.
 */
int lpc_msg_add_pending(struct lpc_port *origin, struct lpc_msg *msg)
{
	msg->origin = origin;
	spin_lock(&origin->lock);
	if (origin->dead) {
		spin_unlock(&origin->lock);
		return -ENOTCONN;
	}
	lpc_tree_insert(&origin->pending, msg, true);
	spin_unlock(&origin->lock);
	return 0;
}

/* Take a request back out of its origin's pending tree, if still there. */
bool lpc_msg_unpend(struct lpc_msg *msg)
{
	struct lpc_port *origin = msg->origin;
	bool was_pending;

	spin_lock(&origin->lock);
	was_pending = !RB_EMPTY_NODE(&msg->pnode);
	if (was_pending)
		lpc_tree_erase(&origin->pending, msg, true);
	spin_unlock(&origin->lock);
	return was_pending;
}

/**
 * lpc_msg_abandon() - the requester gives up: withdraw the inbox side
 * @msg: a request the caller holds a requester reference on.
 *
 * A request still queued is removed and its inbox reference dropped. One
 * already received stays in the service tree, marked, so that the
 * server's reply fails with -ECANCELED rather than -ENOENT.
 */
void lpc_msg_abandon(struct lpc_msg *msg)
{
	struct lpc_port *inbox = msg->inbox;
	bool put = false;

	spin_lock(&inbox->lock);
	switch (msg->state) {
	case LPC_MS_QUEUED:
		lpc_queue_del(inbox, msg, NULL);
		lpc_unhold(inbox, msg);
		msg->state = LPC_MS_DETACHED;
		put = true;
		lpc_wake_room(inbox);
		break;
	case LPC_MS_SERVICE:
	case LPC_MS_REPLYING:
		msg->state = LPC_MS_ABANDONED;
		break;
	}
	spin_unlock(&inbox->lock);
	if (put)
		lpc_msg_put(msg);
}

/*
 * Publish a synchronous request's result and wake the thread waiting for
 * it. Called under the origin lock with the request out of the pending
 * tree. Once done is set the waiter may return and free @msg: its task is
 * read before. The task needs no reference: it cannot leave
 * lpc_msg_wait_reply() before done is set (giving up takes the origin
 * lock, held here), and a task that exits after that stays valid until
 * rcu_read_unlock(). If it has moved on by the time we wake it, it sees a
 * spurious wake-up, which every sleeper in the kernel tolerates.
 */
static void lpc_msg_answer(struct lpc_msg *msg, int status)
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

/*
 * Hand the result of a request to its requester. Called with the origin
 * lock held and the request already out of the pending tree; the caller's
 * requester reference goes to the waiter or the queue.
 */
static void lpc_msg_deliver(struct lpc_port *origin, struct lpc_msg *msg,
			    int status)
{
	lockdep_assert_held(&origin->lock);
	/* Out of the pending tree, the id may change: a reply gets its own. */
	msg->ref_id = msg->id;
	msg->id = lpc_next_id();
	if (msg->kflags & LPC_MSGK_SYNC) {
		lpc_msg_answer(msg, status);
		return;
	}
	if (status)
		msg->type = LPC_MSG_LOST_REPLY;
	msg->kflags |= LPC_MSGK_UNCOUNTED;
	msg->inbox = origin;
	msg->state = LPC_MS_QUEUED;
	lpc_queue_add(origin, msg, false);
	lpc_wake_receivers(origin, 1, EPOLLIN | EPOLLRDNORM);
}

/**
 * lpc_msg_complete() - answer a request taken out of service
 * @msg: a request in state REPLYING; the caller holds its inbox reference,
 *	which this drops.
 * @status: 0 for a reply, or the error the requester gets.
 *
 * Return: 0, or -ECANCELED if the requester gave up meanwhile.
 */
int lpc_msg_complete(struct lpc_msg *msg, int status)
{
	struct lpc_port *origin = msg->origin;
	int ret = -ECANCELED;

	spin_lock(&origin->lock);
	if (!RB_EMPTY_NODE(&msg->pnode) && !origin->dead) {
		lpc_tree_erase(&origin->pending, msg, true);
		lpc_msg_deliver(origin, msg, status);
		ret = 0;
	}
	spin_unlock(&origin->lock);
	lpc_msg_put(msg);
	return ret;
}

/*
 * A request lost its inbox (the server side went away, or the request
 * was drained): tell the requester, if it is still waiting.
 */
static void lpc_msg_fail_requester(struct lpc_msg *msg, int status)
{
	struct lpc_port *origin = msg->origin;
	bool put = false;

	spin_lock(&origin->lock);
	if (!RB_EMPTY_NODE(&msg->pnode)) {
		lpc_tree_erase(&origin->pending, msg, true);
		/* The requester reference goes to the waiter or the queue. */
		if (origin->dead)
			put = true;
		else
			lpc_msg_deliver(origin, msg, status);
	}
	spin_unlock(&origin->lock);
	if (put)
		lpc_msg_put(msg);
}

/**
 * lpc_port_drain() - empty a port's queue, and maybe its service tree
 * @port: the port.
 * @only: only messages of this connection, or NULL for all.
 * @service: also drop received requests awaiting a reply.
 *
 * Requesters of dropped requests get -ECONNRESET.
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
		lpc_queue_del(port, msg, &list);
		lpc_unhold(port, msg);
		msg->state = LPC_MS_DETACHED;
	}
	node = service ? rb_first(&port->service) : NULL;
	while (node) {
		msg = rb_entry(node, struct lpc_msg, snode);
		node = rb_next(node);
		if (only && msg->conn != only)
			continue;
		lpc_tree_erase(&port->service, msg, false);
		lpc_unhold(port, msg);
		/* An abandoned request has no requester left to tell. */
		if (msg->state == LPC_MS_ABANDONED)
			msg->kflags |= LPC_MSGK_UNCOUNTED;
		msg->state = LPC_MS_DETACHED;
		list_add_tail(&msg->entry, &list);
	}
	wake_up_all(&port->room);
	spin_unlock(&port->lock);

	list_for_each_entry_safe(msg, tmp, &list, entry) {
		list_del_init(&msg->entry);
		if (lpc_is_request(msg) && msg->origin &&
		    msg->origin != port)
			lpc_msg_fail_requester(msg, -ECONNRESET);
		lpc_msg_put(msg);
	}
}

/**
 * lpc_port_fail_pending() - fail the requests a port is waiting on
 * @port: the origin port.
 * @only: only requests on this connection, or NULL for all.
 *
 * Synchronous requesters wake with -ECONNRESET. Asynchronous requests are
 * withdrawn from their inbox.
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
		lpc_tree_erase(&port->pending, msg, true);
		if (msg->kflags & LPC_MSGK_SYNC) {
			/* The waiter withdraws the inbox side itself. */
			lpc_msg_answer(msg, -ECONNRESET);
			spin_unlock(&port->lock);
			continue;
		}
		spin_unlock(&port->lock);
		lpc_msg_abandon(msg);
		lpc_msg_put(msg);
	}
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

	/* Only the sender waits: lpc_msg_answer() wakes msg->waiter. */
	WARN_ON_ONCE(msg->waiter != current);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		/*
		 * Pairs with lpc_msg_answer(): set_current_state() orders our
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
	 * answer's writes.
	 */
	if (msg->status)
		lpc_msg_abandon(msg);
	return 0;
}

/**
 * lpc_msg_take_service() - take a received request out of service
 * @inbox: the port whose service tree holds it.
 * @id: the request id.
 * @only: the connection it must belong to, or NULL.
 * @type: the message type it must have.
 *
 * Return: the request in state REPLYING with its inbox reference now the
 * caller's, or ERR_PTR(-ENOENT) if there is none, -ECANCELED if its
 * requester gave up (the request is then freed).
 */
struct lpc_msg *lpc_msg_take_service(struct lpc_port *inbox, u64 id,
				     struct lpc_conn *only, u32 type)
{
	struct lpc_msg *msg;
	bool abandoned;

	spin_lock(&inbox->lock);
	msg = lpc_tree_find(&inbox->service, id, false);
	if (!msg || msg->type != type || (only && msg->conn != only)) {
		spin_unlock(&inbox->lock);
		return ERR_PTR(-ENOENT);
	}
	lpc_tree_erase(&inbox->service, msg, false);
	lpc_unhold(inbox, msg);
	abandoned = msg->state == LPC_MS_ABANDONED;
	msg->state = abandoned ? LPC_MS_DETACHED : LPC_MS_REPLYING;
	lpc_wake_room(inbox);
	spin_unlock(&inbox->lock);

	if (abandoned) {
		lpc_msg_put(msg);
		return ERR_PTR(-ECANCELED);
	}
	return msg;
}

/**
 * lpc_msg_return_service() - undo lpc_msg_take_service() after a fault
 * @msg: the request, in state REPLYING or (if its requester gave up
 *	meanwhile) ABANDONED; the caller's inbox reference goes back.
 */
void lpc_msg_return_service(struct lpc_msg *msg)
{
	struct lpc_port *inbox = msg->inbox;
	bool put = false;

	spin_lock(&inbox->lock);
	if (inbox->dead) {
		msg->state = LPC_MS_DETACHED;
		put = true;
	} else {
		if (msg->state == LPC_MS_REPLYING)
			msg->state = LPC_MS_SERVICE;
		lpc_hold(inbox, msg);
		lpc_tree_insert(&inbox->service, msg, false);
	}
	spin_unlock(&inbox->lock);
	if (put) {
		lpc_msg_fail_requester(msg, -ECONNRESET);
		lpc_msg_put(msg);
	}
}

/* The inbox, origin and connection a port sends on. */
int lpc_route(struct lpc_port *port, struct lpc_port **inbox,
	      struct lpc_port **origin)
{
	struct lpc_conn *conn = port->conn;

	switch (port->kind) {
	case LPC_PORT_CLIENT:
		*inbox = conn->listener;
		*origin = port;
		return 0;
	case LPC_PORT_SERVER:
		*inbox = conn->client;
		*origin = conn->listener;
		return 0;
	default:
		/* A connection port only replies. */
		return -EINVAL;
	}
}

/*
 * A payload of up to LPC_WORD_COPY_MAX bytes is copied a word at a time
 * inside one user access window. For the few dozen bytes of a typical
 * request, copy_{from,to}_user() costs several times the copy itself:
 * an out-of-line call, the hardened-usercopy lookup of the slab object,
 * and a string instruction that is slow to start (measured in
 * Documentation/performance.rst). The bound hardened usercopy checks,
 * that the copy stays inside the message's buffer, is checked here
 * against the buffer's own capacity; KASAN still sees every store.
 */
#define LPC_WORD_COPY_MAX	256

static bool lpc_word_copy(u32 len)
{
	return IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) &&
	       len <= LPC_WORD_COPY_MAX;
}

/* Copy @len bytes, at most LPC_WORD_COPY_MAX, in one user access window. */
static int lpc_words_from_user(void *to, const void __user *from, u32 len)
{
	const u8 __user *src = from;
	u8 *dst = to;
	u64 v8;
	u8 v1;

	if (!user_read_access_begin(src, len))
		return -EFAULT;
	for (; len >= sizeof(v8); len -= sizeof(v8)) {
		unsafe_get_user(v8, (const u64 __user *)src, efault);
		memcpy(dst, &v8, sizeof(v8));
		src += sizeof(v8);
		dst += sizeof(v8);
	}
	for (; len; len--) {
		unsafe_get_user(v1, src++, efault);
		*dst++ = v1;
	}
	user_read_access_end();
	return 0;

efault:
	user_read_access_end();
	return -EFAULT;
}

/* copy_from_user() for any @len, a word at a time when it is small. */
static int lpc_copy_from_user(void *to, const void __user *from, u32 len)
{
	if (!lpc_word_copy(len))
		return copy_from_user(to, from, len) ? -EFAULT : 0;
	return lpc_words_from_user(to, from, len);
}

/* Copy @len bytes from @ubuf into @msg's buffer. */
int lpc_data_from_user(struct lpc_msg *msg, u64 ubuf, u32 len)
{
	if (WARN_ON_ONCE(len > msg->cap))
		return -EFAULT;
	return lpc_copy_from_user(msg->data, u64_to_user_ptr(ubuf), len);
}

/* Copy @msg's payload out to @ubuf. */
int lpc_data_to_user(u64 ubuf, const struct lpc_msg *msg)
{
	char __user *dst = u64_to_user_ptr(ubuf);
	u32 len = msg->len;

	if (WARN_ON_ONCE(len > msg->cap))
		return -EFAULT;
	if (!lpc_word_copy(len))
		return copy_to_user(dst, msg->data, len) ? -EFAULT : 0;
	if (!user_write_access_begin(dst, len))
		return -EFAULT;
	unsafe_copy_to_user(dst, (const char *)msg->data, len, efault);
	user_write_access_end();
	return 0;

efault:
	user_write_access_end();
	return -EFAULT;
}

/* @to: the port receiving; only the server side sees the port context. */
void lpc_fill_info(struct lpc_msg_info *info, const struct lpc_msg *msg,
		   const struct lpc_port *to)
{
	memset(info, 0, sizeof(*info));
	info->type = msg->type;
	info->id = msg->id;
	info->ref_id = msg->ref_id;
	if (msg->conn && to->kind == LPC_PORT_LISTENER)
		info->context = msg->conn->context;
	info->pid = msg->pid;
	info->tid = msg->tid;
	info->uid = msg->uid;
	info->gid = msg->gid;
	info->data_len = msg->len;
}

static void lpc_count_out(struct lpc_port *lst, u32 len)
{
	lpc_stat_add(&lst->srv->stats->msgs_out, 1);
	lpc_stat_add(&lst->srv->stats->bytes_out, len);
}

/*
 * Attributes, the per-port credential rule, and who sent a request when it
 * is not the process that opened the connection (for lpc_sender_check()).
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
	    (conn->listener->srv->flags & LPC_PORT_REQUIRE_CREDS) &&
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
	max = conn->listener->srv->max_msg_len;
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
	ret = lpc_msg_enqueue(inbox, msg, deadline);
	trace_lpc_send(x->send_id, x->send_type, x->send_len, conn->serial,
		       ret);
	if (ret) {
		if (request && lpc_msg_unpend(msg))
			lpc_msg_put(msg);
		goto out_put;
	}
	if (port->kind == LPC_PORT_SERVER)
		lpc_count_out(conn->listener, x->send_len);
	/* Our requester reference keeps a synchronous request alive. */
	if (sync_wait)
		*sync = msg;
	return 0;

out_put:
	lpc_msg_put(msg);
	return ret;
}

/* The connection port a port's traffic is counted on. */
static struct lpc_port *inbox_server(struct lpc_port *port)
{
	return port->srv ? port : port->conn->listener;
}

int lpc_reply(struct lpc_port *port, struct lpc_xfer *x)
{
	struct lpc_port *inbox = port;
	struct lpc_conn *only = NULL;
	struct lpc_msg *msg;
	int ret;

	if (port->kind == LPC_PORT_SERVER) {
		inbox = port->conn->listener;
		only = port->conn;
	}
	msg = lpc_msg_take_service(inbox, x->send_id, only, LPC_MSG_REQUEST);
	if (PTR_ERR_OR_ZERO(msg) == -ECANCELED)
		lpc_stat_add(&inbox_server(inbox)->srv->stats->lost_replies, 1);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	ret = -EMSGSIZE;
	if (x->send_len > msg->reply_cap)
		goto err_return;
	ret = lpc_attr_replace(port, msg, x->send_attr);
	if (ret)
		goto err_return;
	/* Views that came with the request leave the replier now. */
	lpc_view_unmap_request(inbox, msg->id);
	if (lpc_data_from_user(msg, x->send_buf, x->send_len)) {
		ret = -EFAULT;
		goto err_return;
	}
	msg->len = x->send_len;
	msg->type = LPC_MSG_REPLY;
	lpc_msg_stamp(msg, msg->origin);
	ret = lpc_msg_complete(msg, 0);
	trace_lpc_reply(x->send_id, x->send_len, ret);
	if (ret)
		lpc_stat_add(&inbox_server(inbox)->srv->stats->lost_replies, 1);
	else if (inbox->kind == LPC_PORT_LISTENER)
		lpc_count_out(inbox, x->send_len);
	return ret;

err_return:
	lpc_msg_return_service(msg);
	return ret;
}

/* Put a message back at the head of the queue after a failed copy. */
static void lpc_requeue(struct lpc_port *port, struct lpc_msg *msg)
{
	bool put = false;

	spin_lock(&port->lock);
	if (msg->state == LPC_MS_SERVICE) {
		lpc_tree_erase(&port->service, msg, false);
		msg->state = LPC_MS_QUEUED;
		lpc_queue_add(port, msg, true);
	} else if (msg->state == LPC_MS_ABANDONED) {
		lpc_tree_erase(&port->service, msg, false);
		lpc_unhold(port, msg);
		msg->state = LPC_MS_DETACHED;
		put = true;
	} else if (msg->state == LPC_MS_DETACHED && !port->dead) {
		lpc_hold(port, msg);
		msg->state = LPC_MS_QUEUED;
		lpc_queue_add(port, msg, true);
		refcount_inc(&msg->ref);
	}
	/* Another receiver may take what this one could not. */
	if (msg->state == LPC_MS_QUEUED)
		lpc_wake_receivers(port, 1, EPOLLIN | EPOLLRDNORM);
	spin_unlock(&port->lock);
	if (put)
		lpc_msg_put(msg);
}

/* @freed: NULL, or in a batch where the wake-ups for room are counted. */
int lpc_receive(struct lpc_port *port, struct lpc_xfer *x,
		const ktime_t *deadline, u32 *freed)
{
	struct lpc_msg *msg;
	bool request;
	int ret;

	if (port->kind == LPC_PORT_SERVER)
		return -EINVAL;

	spin_lock(&port->lock);
	ret = lpc_wait_message(port, deadline);
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
			lpc_wake_receivers(port, 1, EPOLLIN | EPOLLRDNORM);
		spin_unlock(&port->lock);
		return ret;
	}
	lpc_queue_del(port, msg, NULL);
	request = lpc_is_request(msg);
	if (request) {
		/* Stays held; a transient reference covers the copy. */
		msg->state = LPC_MS_SERVICE;
		lpc_tree_insert(&port->service, msg, false);
		refcount_inc(&msg->ref);
	} else {
		lpc_unhold(port, msg);
		msg->state = LPC_MS_DETACHED;
		if (freed)
			(*freed)++;
		else
			lpc_wake_room(port);
	}
	spin_unlock(&port->lock);

	lpc_fill_info(&x->info, msg, port);
	trace_lpc_receive(msg->id, msg->type, msg->len,
			  msg->conn ? msg->conn->serial : 0);
	if (lpc_data_to_user(x->recv_buf, msg))
		ret = -EFAULT;
	if (!ret)
		ret = lpc_attr_deliver(port, msg, x->recv_attr, &x->info);
	if (ret)
		lpc_requeue(port, msg);
	lpc_msg_put(msg);
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
 * lpc_xfer() - %LPC_IOC_XFER
 * @port: the port the call is made on.
 * @uarg: user &struct lpc_xfer.
 * @usize: its size.
 *
 * Return: 0 or -errno; see &struct lpc_xfer.
 */
int lpc_xfer(struct lpc_port *port, void __user *uarg, u32 usize)
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
 * lpc_cancel() - %LPC_IOC_CANCEL
 * @port: the port the request was sent from.
 * @uarg: user &struct lpc_cancel.
 * @usize: its size.
 *
 * Return: 0, -ENOENT if no request with that id awaits a reply here,
 * -EINVAL, -EFAULT.
 */
int lpc_cancel(struct lpc_port *port, void __user *uarg, u32 usize)
{
	struct lpc_port *origin = port;
	struct lpc_cancel c;
	struct lpc_msg *msg;
	int ret;

	ret = lpc_copy_in(&c, sizeof(c), uarg, usize, LPC_CANCEL_SIZE_VER0);
	if (ret)
		return ret;
	if (c.flags || c.__pad)
		return -EINVAL;
	if (port->kind == LPC_PORT_SERVER)
		origin = port->conn->listener;

	spin_lock(&origin->lock);
	msg = lpc_tree_find(&origin->pending, c.id, true);
	if (!msg || (port->kind == LPC_PORT_SERVER &&
		     msg->conn != port->conn)) {
		spin_unlock(&origin->lock);
		return -ENOENT;
	}
	lpc_tree_erase(&origin->pending, msg, true);
	if (msg->kflags & LPC_MSGK_SYNC) {
		/* Another thread waits for it: wake it with the news. */
		lpc_msg_answer(msg, -ECANCELED);
		spin_unlock(&origin->lock);
		return 0;
	}
	spin_unlock(&origin->lock);
	lpc_msg_abandon(msg);
	lpc_msg_put(msg);
	return 0;
}

static struct lpc_msg *lpc_service_find(struct lpc_port *inbox, u64 id,
					struct lpc_conn *only, bool abandoned)
{
	struct lpc_msg *msg;

	spin_lock(&inbox->lock);
	msg = lpc_tree_find(&inbox->service, id, false);
	if (!msg || msg->type != LPC_MSG_REQUEST ||
	    (only && msg->conn != only))
		msg = ERR_PTR(-ENOENT);
	else if (msg->state == LPC_MS_ABANDONED && !abandoned)
		msg = ERR_PTR(-ECANCELED);
	else
		refcount_inc(&msg->ref);
	spin_unlock(&inbox->lock);
	return msg;
}

/**
 * lpc_msg_get_service() - find a received request still awaiting a reply
 * @inbox: the port whose service tree holds it.
 * @id: its id.
 * @only: the connection it must belong to, or NULL.
 *
 * Return: the request with a reference the caller puts, ERR_PTR(-ENOENT)
 * if there is none, -ECANCELED if its requester gave up.
 */
struct lpc_msg *lpc_msg_get_service(struct lpc_port *inbox, u64 id,
				    struct lpc_conn *only)
{
	return lpc_service_find(inbox, id, only, false);
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
 * lpc_sender_check() - %LPC_IOC_SENDER_CHECK
 * @port: the port the request was received through.
 * @uarg: user &struct lpc_sender.
 * @usize: its size.
 *
 * Return: 0 if the sender is alive, -ESRCH if it exited, -ENOENT, -EINVAL.
 */
int lpc_sender_check(struct lpc_port *port, void __user *uarg, u32 usize)
{
	struct lpc_conn *only = NULL;
	struct lpc_port *inbox = port;
	struct lpc_msg *msg = NULL;
	struct lpc_sender s;
	struct pid *pid;
	int ret;

	ret = lpc_copy_in(&s, sizeof(s), uarg, usize, LPC_SENDER_SIZE_VER0);
	if (ret)
		return ret;
	if (s.flags)
		return -EINVAL;
	if (port->kind == LPC_PORT_SERVER) {
		inbox = port->conn->listener;
		only = port->conn;
	}
	if (!s.id) {
		if (port->kind != LPC_PORT_SERVER)
			return -EINVAL;
		pid = port->conn->client_pid;
	} else {
		/* A requester that gave up may still be asked about. */
		msg = lpc_service_find(inbox, s.id, only, true);
		if (IS_ERR(msg))
			return PTR_ERR(msg);
		pid = lpc_msg_sender(msg);
	}
	s.pid = pid_nr_ns(pid, task_active_pid_ns(current));
	ret = pid_has_task(pid, PIDTYPE_TGID) ? 0 : -ESRCH;
	if (msg)
		lpc_msg_put(msg);
	if (copy_to_user(uarg, &s, min_t(size_t, usize, sizeof(s))))
		return -EFAULT;
	return ret;
}
