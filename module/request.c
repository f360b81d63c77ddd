// SPDX-License-Identifier: GPL-2.0
/*
 * The inbox side of the request state machine: every change of a
 * message's state happens here (and in lpc_msg_take_locked(), msg.h);
 * requester.c has the requester side.
 *
 * A message has two sides. Its *inbox side* (msg->state, under the inbox
 * lock) says where it stands on the port it was sent to; a request also
 * has a *requester side* (msg->pnode in the origin's pending tree, under
 * the origin lock) while its requester waits for the answer. The table of
 * states, owners and transitions is in Documentation/lpc-internals.rst; in
 * short:
 *
 *   NEW       built by its sender, which owns it (a request may already be
 *             pending on its origin, so a cancel can mark it abandoned).
 *   QUEUED    on inbox->queue, which owns the inbox reference.
 *   RECEIVING taken off the queue by one receiver, copying it out; that
 *             receiver owns it and nobody else can find it. A request ends
 *             in SERVICE, back in QUEUED, or DONE (lpc_msg_received()).
 *   SERVICE   a request in inbox->service, which owns the inbox reference;
 *             a replier takes it from there by id.
 *   REPLYING  taken out of service by one replier; nobody else can find
 *             it. It ends back in SERVICE (the reply failed) or with
 *             lpc_msg_complete(), which hands it to the requester side.
 *   DONE      off the queue and the trees for good; whoever made it DONE
 *             holds the inbox reference and drops it, or (a non-request
 *             whose copy-out failed) queues it again.
 *
 * msg->abandoned, under the inbox lock, records that the requester side
 * gave up while the message was NEW, RECEIVING, SERVICE or REPLYING: the
 * owner of the inbox side finds it when it is done, and nobody else acts
 * on it.
 *
 * Whoever takes a request out of its origin's pending tree owns the
 * requester side: either the inbox side's owner finishing (a reply, or a
 * failure: it settles the request) or the requester giving up (a cancel,
 * a timeout, its port closing: it abandons the inbox side). The tree is
 * the arbiter, so exactly one of them does.
 */
#include <linux/poll.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "msg.h"
#include "trace.h"

/* ---- trees, ordered by message id ---- */

void lpc_tree_insert(struct rb_root *root, struct lpc_msg *msg, bool pending)
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

struct lpc_msg *lpc_tree_find(struct rb_root *root, u64 id, bool pending)
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

void lpc_tree_erase(struct rb_root *root, struct lpc_msg *msg, bool pending)
{
	struct rb_node *node = pending ? &msg->pnode : &msg->snode;

	rb_erase(node, root);
	RB_CLEAR_NODE(node);
}

/* ---- sending: NEW -> QUEUED ---- */

/**
 * lpc_msg_enqueue() - queue a message on its inbox
 * @msg: the message, NEW, with msg->inbox set; the queue takes over the
 *	caller's inbox reference.
 * @deadline: how long to wait for room (see lpc_deadline()).
 *
 * Return: 0, -ENOTCONN if the inbox or connection is closed, -ECONNRESET
 * if it closed while a synchronous request waited for room, or the
 * request's requester side was settled meanwhile (the caller reads why in
 * msg->status), -EAGAIN, -ETIMEDOUT, -EINTR. On error the caller keeps its
 * reference and the message stays NEW.
 */
int lpc_msg_enqueue(struct lpc_msg *msg, const ktime_t *deadline)
{
	struct lpc_port *inbox = msg->inbox;
	int ret;

	spin_lock(&inbox->lock);
	ret = lpc_inbox_open(inbox, msg);
	/* One freed slot wakes one sender, not a herd. */
	if (!ret && !lpc_has_room(inbox, msg)) {
		ret = lpc_wait_room(inbox, msg, deadline);
		/* The lock was dropped while waiting. */
		if (!ret)
			ret = lpc_inbox_open(inbox, msg);
		/* It was open when this request began to wait. */
		if (ret == -ENOTCONN && (msg->kflags & LPC_MSGK_SYNC))
			ret = -ECONNRESET;
	}
	if (!ret && lpc_msg_given_up(msg))
		ret = -ECONNRESET;
	if (ret || !lpc_msg_move_locked(msg, LPC_MSB(NEW), LPC_MS_QUEUED)) {
		/* A wake-up this sender will not use goes to the next. */
		lpc_pass_room_locked(inbox);
		spin_unlock(&inbox->lock);
		return ret ?: -EINVAL;
	}
	/* Counted before anyone can receive it, so queries never lag. */
	if (inbox->srv) {
		lpc_stat_add(&inbox->srv->stats->msgs_in, 1);
		lpc_stat_add(&inbox->srv->stats->bytes_in, msg->len);
	}
	lpc_hold_locked(inbox, msg);
	lpc_queue_add_locked(inbox, msg, false);
	/*
	 * Traced under the lock a receiver needs to take the message, so the
	 * send comes before its receive in the trace (conn.c traces connects
	 * on their own).
	 */
	if (msg->type != LPC_MSG_CONNECTION_REQUEST)
		trace_lpc_send(msg->id, msg->type, msg->len, msg->conn->serial,
			       0);
	if (!(msg->kflags & LPC_MSGK_QUIET)) {
		lpc_wake_receivers_locked(inbox, 1, EPOLLIN | EPOLLRDNORM);
		lpc_pass_room_locked(inbox);
	}
	spin_unlock(&inbox->lock);
	return 0;
}

/**
 * lpc_msg_enqueue_notice() - queue a reserved notice, or drop it
 * @inbox: where to queue.
 * @msg: the notice, NEW; uncounted, so it never waits for room.
 *
 * A notice for a port that is already closed is freed.
 */
void lpc_msg_enqueue_notice(struct lpc_port *inbox, struct lpc_msg *msg)
{
	msg->kflags |= LPC_MSGK_UNCOUNTED;
	msg->inbox = inbox;
	spin_lock(&inbox->lock);
	if (inbox->dead || !lpc_msg_move_locked(msg, LPC_MSB(NEW), LPC_MS_QUEUED)) {
		spin_unlock(&inbox->lock);
		lpc_msg_put(msg);
		return;
	}
	lpc_queue_add_locked(inbox, msg, false);
	lpc_wake_receivers_locked(inbox, 1, EPOLLIN | EPOLLRDNORM);
	spin_unlock(&inbox->lock);
}

/* ---- direct access: copies that the end of a request waits for ---- */

/* A request in service on @inbox, with the checks every lookup makes. */
static struct lpc_msg *lpc_service_find_locked(struct lpc_port *inbox, u64 id,
					       struct lpc_conn *only,
					       bool abandoned_too)
{
	struct lpc_msg *msg;

	lockdep_assert_held(&inbox->lock);
	msg = lpc_tree_find(&inbox->service, id, false);
	if (!msg || msg->type != LPC_MSG_REQUEST ||
	    (only && msg->conn != only))
		return ERR_PTR(-ENOENT);
	if (msg->abandoned && !abandoned_too)
		return ERR_PTR(-ECANCELED);
	return msg;
}

/**
 * lpc_msg_copy_begin() - a direct-access chunk starts on a request
 * @inbox: the port whose service tree holds the request.
 * @id: its id.
 * @only: the connection it must belong to, or NULL.
 * @ext: the attributes the copy began with.
 *
 * Until lpc_msg_copy_end(), the request's end waits for the chunk: a
 * reply (lpc_msg_take_service()), the requester giving up
 * (lpc_msg_abandon()) and a drain all wait in lpc_msg_wait_copies()
 * before the requester can learn that its request is over, so no chunk
 * touches its memory after that. A chunk starts only in SERVICE, not
 * abandoned, under the inbox lock that every end of service takes.
 *
 * Return: the request, with a reference lpc_msg_copy_end() drops;
 * ERR_PTR(-ENOENT) if it is not in service with @ext any more,
 * -ECANCELED if its requester gave up.
 */
struct lpc_msg *lpc_msg_copy_begin(struct lpc_port *inbox, u64 id,
				   struct lpc_conn *only,
				   const struct lpc_msg_ext *ext)
{
	struct lpc_msg *msg;

	spin_lock(&inbox->lock);
	msg = lpc_service_find_locked(inbox, id, only, false);
	if (!IS_ERR(msg) && msg->ext != ext)
		msg = ERR_PTR(-ENOENT);
	if (!IS_ERR(msg)) {
		atomic_inc(&msg->nr_copying);
		refcount_inc(&msg->ref);
	}
	spin_unlock(&inbox->lock);
	return msg;
}

/**
 * lpc_msg_copy_end() - the chunk lpc_msg_copy_begin() started is done
 * @msg: what lpc_msg_copy_begin() returned.
 */
void lpc_msg_copy_end(struct lpc_msg *msg)
{
	/* Fully ordered: the waiter sees the count or is woken. */
	if (atomic_dec_and_test(&msg->nr_copying))
		wake_up_var(&msg->nr_copying);
	lpc_msg_put(msg);
}

/* ---- the requester gives up ---- */

/**
 * lpc_msg_abandon() - the requester gave up: withdraw the inbox side
 * @msg: a request the caller took out of its origin's pending tree.
 *
 * A request still queued is removed and its inbox reference dropped. In
 * any other live state it is only marked: its owner (sender, receiver,
 * service tree, replier) finds the mark. A request already received stays
 * in service, so that the server's reply fails with -ECANCELED rather than
 * -ENOENT.
 */
void lpc_msg_abandon(struct lpc_msg *msg)
{
	struct lpc_port *inbox = msg->inbox;
	bool put = false;

	spin_lock(&inbox->lock);
	switch (msg->state) {
	case LPC_MS_QUEUED:
		lpc_queue_del_locked(inbox, msg, NULL);
		lpc_unhold_locked(inbox, msg);
		lpc_msg_move_locked(msg, LPC_MSB(QUEUED), LPC_MS_DONE);
		put = true;
		lpc_wake_room_locked(inbox);
		break;
	case LPC_MS_NEW:
		/* Its sender may wait for room: let it see (lpc_wait_room()). */
		msg->abandoned = true;
		wake_up_all(&inbox->room);
		wake_up_all(&msg->conn->room);
		break;
	case LPC_MS_RECEIVING:
	case LPC_MS_SERVICE:
	case LPC_MS_REPLYING:
		msg->abandoned = true;
		break;
	}
	spin_unlock(&inbox->lock);
	/* The requester is about to learn it is over: no chunk may be left. */
	lpc_msg_wait_copies(msg);
	if (put)
		lpc_msg_put(msg);
}

/* ---- receiving: QUEUED -> RECEIVING -> SERVICE ---- */

/**
 * lpc_msg_received() - a receiver is done with what it took
 * @port: the inbox.
 * @msg: what lpc_msg_take_locked() gave the caller.
 * @ret: 0 if it reached user space, or the error that stopped it.
 *
 * A delivered request enters service, where its reply finds it. One that
 * could not be delivered goes back to the head of the queue for another
 * receiver, unless its requester gave up. On a port that closed meanwhile
 * (it was drained without it) it is dropped and its requester told.
 */
void lpc_msg_received(struct lpc_port *port, struct lpc_msg *msg, int ret)
{
	bool request = lpc_is_request(msg), drop = false;

	if (!ret && !request) {
		lpc_msg_put(msg);
		return;
	}
	spin_lock(&port->lock);
	if (request && (port->dead || (ret && msg->abandoned))) {
		lpc_unhold_locked(port, msg);
		drop = lpc_msg_move_locked(msg, LPC_MSB(RECEIVING), LPC_MS_DONE);
		lpc_wake_room_locked(port);
	} else if (request && !ret) {
		if (lpc_msg_move_locked(msg, LPC_MSB(RECEIVING), LPC_MS_SERVICE))
			lpc_tree_insert(&port->service, msg, false);
	} else if (port->dead) {
		drop = true;
	} else if (lpc_msg_move_locked(msg, LPC_MSB(RECEIVING) | LPC_MSB(DONE),
				LPC_MS_QUEUED)) {
		/* A non-request takes its slot again. */
		if (!request)
			lpc_hold_locked(port, msg);
		lpc_queue_add_locked(port, msg, true);
		/* Another receiver may take what this one could not. */
		lpc_wake_receivers_locked(port, 1, EPOLLIN | EPOLLRDNORM);
	}
	spin_unlock(&port->lock);
	if (drop)
		lpc_msg_dispose(msg);
}

/* ---- replying: SERVICE -> REPLYING -> requester ---- */

/**
 * lpc_msg_take_service() - take a received request out of service
 * @inbox: the port whose service tree holds it.
 * @id: the request id.
 * @only: the connection it must belong to, or NULL.
 * @type: the message type it must have.
 *
 * Return: the request in state REPLYING with its inbox reference now the
 * caller's, or ERR_PTR(-ENOENT) if there is none, -ECANCELED if its
 * requester gave up (the request is then dropped).
 */
struct lpc_msg *lpc_msg_take_service(struct lpc_port *inbox, u64 id,
				     struct lpc_conn *only, u32 type)
{
	struct lpc_msg *msg;
	bool abandoned;

	spin_lock(&inbox->lock);
	msg = lpc_tree_find(&inbox->service, id, false);
	if (!msg || msg->type != type || (only && msg->conn != only) ||
	    WARN_ON_ONCE(msg->state != LPC_MS_SERVICE)) {
		spin_unlock(&inbox->lock);
		return ERR_PTR(-ENOENT);
	}
	lpc_tree_erase(&inbox->service, msg, false);
	lpc_unhold_locked(inbox, msg);
	abandoned = msg->abandoned;
	lpc_msg_move_locked(msg, LPC_MSB(SERVICE),
			    abandoned ? LPC_MS_DONE : LPC_MS_REPLYING);
	lpc_wake_room_locked(inbox);
	spin_unlock(&inbox->lock);

	if (abandoned) {
		lpc_msg_put(msg);
		return ERR_PTR(-ECANCELED);
	}
	lpc_msg_wait_copies(msg);
	return msg;
}

/**
 * lpc_msg_return_service() - undo lpc_msg_take_service() after a fault
 * @msg: the request, REPLYING, untouched by the failed reply; the caller's
 *	inbox reference goes back to the service tree, or, if the port
 *	closed meanwhile, the request is dropped and its requester told.
 */
void lpc_msg_return_service(struct lpc_msg *msg)
{
	struct lpc_port *inbox = msg->inbox;
	bool drop = false;

	spin_lock(&inbox->lock);
	if (inbox->dead) {
		drop = lpc_msg_move_locked(msg, LPC_MSB(REPLYING), LPC_MS_DONE);
	} else if (lpc_msg_move_locked(msg, LPC_MSB(REPLYING), LPC_MS_SERVICE)) {
		lpc_hold_locked(inbox, msg);
		lpc_tree_insert(&inbox->service, msg, false);
	}
	spin_unlock(&inbox->lock);
	if (drop)
		lpc_msg_dispose(msg);
}

/* ---- ends of the inbox side ---- */

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
	bool settled, put;

	put = lpc_msg_settle_pending(msg, status, &settled);
	if (put)
		lpc_msg_put(msg);
	lpc_msg_put(msg);
	return settled && !put ? 0 : -ECANCELED;
}

/*
 * The inbox side of @msg ended without an answer (its port closed, it
 * was drained, its delivery failed on a dead port): the caller owns it,
 * DONE, with its inbox reference. A requester still waiting learns
 * -ECONNRESET.
 */
void lpc_msg_dispose(struct lpc_msg *msg)
{
	bool settled;

	if (lpc_is_request(msg) &&
	    lpc_msg_settle_pending(msg, -ECONNRESET, &settled))
		lpc_msg_put(msg);
	lpc_msg_put(msg);
}

/* ---- looking without taking: direct access, sender check ---- */

/**
 * lpc_msg_get_service() - a received request still awaiting a reply
 * @inbox: the port whose service tree holds it.
 * @id: its id.
 * @only: the connection it must belong to, or NULL.
 *
 * For lookups that read only what never changes in a request (its
 * connection, origin and sender); abandoned requests are found too.
 *
 * Return: the request with a reference the caller puts, ERR_PTR(-ENOENT)
 * if there is none.
 */
struct lpc_msg *lpc_msg_get_service(struct lpc_port *inbox, u64 id,
				    struct lpc_conn *only)
{
	struct lpc_msg *msg;

	spin_lock(&inbox->lock);
	msg = lpc_service_find_locked(inbox, id, only, true);
	if (!IS_ERR(msg))
		refcount_inc(&msg->ref);
	spin_unlock(&inbox->lock);
	return msg;
}

/**
 * lpc_msg_get_ext() - the attributes of a request in service
 * @inbox: the port whose service tree holds it.
 * @id: its id.
 * @only: the connection it must belong to, or NULL.
 *
 * The attributes of a request in service never change; a reply replaces
 * them only once the request is out of service, and the reference keeps
 * the old ones alive for whoever still reads them (direct.c).
 *
 * Return: the attributes with a new reference, ERR_PTR(-ENOENT) if the
 * request is not (or no longer) in service, -ECANCELED if its requester
 * gave up, -EINVAL if it has no attributes.
 */
struct lpc_msg_ext *lpc_msg_get_ext(struct lpc_port *inbox, u64 id,
				    struct lpc_conn *only)
{
	struct lpc_msg_ext *ext;
	struct lpc_msg *msg;

	spin_lock(&inbox->lock);
	msg = lpc_service_find_locked(inbox, id, only, false);
	if (IS_ERR(msg)) {
		ext = ERR_CAST(msg);
	} else if (msg->ext) {
		ext = msg->ext;
		refcount_inc(&ext->ref);
	} else {
		ext = ERR_PTR(-EINVAL);
	}
	spin_unlock(&inbox->lock);
	return ext;
}

/* ---- draining: QUEUED, SERVICE -> DONE ---- */

