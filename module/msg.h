/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The message path's own primitives, shared by msg.c (single messages)
 * and batch.c (LPC_IOC_SEND_BATCH, LPC_IOC_RECV_BATCH). Everything here
 * that takes a port is called with that port's lock held unless it says
 * otherwise; see internal.h for the locks and lifetimes.
 */
#ifndef _LPC_MSG_H
#define _LPC_MSG_H

#include <linux/poll.h>
#include <linux/wait.h>
#include <linux/wait_bit.h>

#include "internal.h"

/*
 * Small messages that do not wait for an answer (datagrams above all)
 * are allocated at one size, LPC_SMALL_CAP bytes of data in a 256-byte
 * buffer, so that any freed one serves any later one: a client port keeps
 * those it sent and reuses them, sparing a stream of datagrams an
 * allocation (which init_on_alloc zeroes) and a free per message. It
 * keeps as many as it could have had queued at its server, its connection
 * port's max_queued, and never more than LPC_FREE_MAX (64 KiB): a sender
 * with more in flight than it keeps allocates and frees the difference
 * on every burst. The buffers are charged to the sender when first
 * allocated and go when the port does.
 */
#define LPC_SMALL_SIZE	256
#define LPC_SMALL_CAP	(LPC_SMALL_SIZE - sizeof(struct lpc_msg))
#define LPC_FREE_MAX	256

static inline bool lpc_is_request(const struct lpc_msg *msg)
{
	return msg->type == LPC_MSG_REQUEST ||
	       msg->type == LPC_MSG_CONNECTION_REQUEST;
}

/*
 * What a message held by a connection port costs its connection's share
 * of bytes: its data, and for a request the room its reply may take,
 * which the buffer keeps reserved until then.
 */
static inline u32 lpc_msg_charge(const struct lpc_msg *msg)
{
	return lpc_is_request(msg) ? max(msg->len, msg->reply_cap) : msg->len;
}

/* A set of states, for lpc_msg_move_locked(): LPC_MSB(QUEUED) | LPC_MSB(DONE). */
#define LPC_MSB(state)	BIT(LPC_MS_##state)

/**
 * lpc_msg_move_locked() - the one way a message changes state
 * @msg: the message; its inbox is locked.
 * @from: the states it may be in (LPC_MSB()), from the table in
 *	Documentation/lpc-internals.rst.
 * @to: the new state.
 *
 * A transition not in the table is a bug: it is refused, loudly.
 *
 * Return: whether the message moved.
 */
static inline bool lpc_msg_move_locked(struct lpc_msg *msg, u32 from,
				       enum lpc_msg_state to)
{
	lockdep_assert_held(&msg->inbox->lock);
	if (WARN_ON_ONCE(!(from & BIT(msg->state))))
		return false;
	msg->state = to;
	return true;
}

/*
 * A request still being sent whose requester side was settled already:
 * abandoned (its origin closed), or, synchronous, answered (cancelled, or
 * its server went away). Its sender stops waiting for room. Called with
 * the inbox lock held, which guards @abandoned; @done is the origin's.
 */
static inline bool lpc_msg_given_up(const struct lpc_msg *msg)
{
	/* Pairs with the release in lpc_msg_answer_locked(), as the waiter's does. */
	return msg->abandoned || smp_load_acquire(&msg->done);
}

/*
 * Senders add themselves to @room with the port lock held (see
 * lpc_wait_locked()), so under that lock an empty queue means nobody waits
 * and the wake-up, with its own lock, can be skipped.
 */
static inline void lpc_wake_room_locked(struct lpc_port *port)
{
	lockdep_assert_held(&port->lock);
	/* waitqueue_active() is exact here: waiters join under port->lock. */
	if (waitqueue_active(&port->room))
		wake_up(&port->room);
}

/*
 * A receive batch frees many slots but wakes one sender, which may send a
 * batch of its own and fill them all: waking every sender would have all
 * but one find the queue full again and go back to sleep. So a sender that
 * is done and leaves room behind passes the wake-up on to the next.
 */
static inline void lpc_pass_room_locked(struct lpc_port *port)
{
	lockdep_assert_held(&port->lock);
	if (port->nr_held < port->max_queued)
		lpc_wake_room_locked(port);
}

/*
 * A connection port's queue mixes every client's messages. Each
 * connection counts its own there, so that its end can stop walking the
 * queue once it has found them all, or not walk it at all: a server that
 * leaves close notices unread would otherwise make every later close walk
 * all of them.
 */
static inline void lpc_queue_add_locked(struct lpc_port *port, struct lpc_msg *msg,
					bool head)
{
	lockdep_assert_held(&port->lock);
	if (head)
		list_add(&msg->entry, &port->queue);
	else
		list_add_tail(&msg->entry, &port->queue);
	if (port->srv && msg->conn)
		msg->conn->nr_queued++;
	/* An asynchronous reply counts against its requester's bound. */
	if (msg->kflags & LPC_MSGK_ASYNC_REPLY)
		port->nr_async++;
}

static inline void lpc_queue_del_locked(struct lpc_port *port, struct lpc_msg *msg,
					struct list_head *to)
{
	lockdep_assert_held(&port->lock);
	if (to)
		list_move_tail(&msg->entry, to);
	else
		list_del_init(&msg->entry);
	if (port->srv && msg->conn)
		msg->conn->nr_queued--;
	if (msg->kflags & LPC_MSGK_ASYNC_REPLY)
		port->nr_async--;
}

static inline void lpc_hold_locked(struct lpc_port *port, struct lpc_msg *msg)
{
	lockdep_assert_held(&port->lock);
	if (msg->kflags & LPC_MSGK_UNCOUNTED)
		return;
	port->nr_held++;
	port->held_bytes += msg->len;
	if (port->srv) {
		msg->conn->nr_held++;
		msg->conn->held_bytes += lpc_msg_charge(msg);
	}
}

static inline void lpc_unhold_locked(struct lpc_port *port, struct lpc_msg *msg)
{
	lockdep_assert_held(&port->lock);
	if (msg->kflags & LPC_MSGK_UNCOUNTED)
		return;
	port->nr_held--;
	port->held_bytes -= msg->len;
	if (port->srv) {
		msg->conn->nr_held--;
		msg->conn->held_bytes -= lpc_msg_charge(msg);
		/* Exact under port->lock, as for lpc_wake_room_locked(). */
		if (waitqueue_active(&msg->conn->room))
			wake_up_all(&msg->conn->room);
	}
}

static inline bool lpc_has_slot(struct lpc_port *port, struct lpc_msg *msg)
{
	return port->dead || (msg->kflags & LPC_MSGK_UNCOUNTED) ||
	       port->nr_held < port->max_queued;
}

/*
 * A connection port also bounds each client's share of it, in slots and
 * in bytes (lpc_msg_charge()); a connection that holds nothing may always
 * queue one message, whatever its size.
 */
static inline bool lpc_conn_has_room(struct lpc_port *port, struct lpc_msg *msg)
{
	struct lpc_conn *conn = msg->conn;

	if (port->dead || !port->srv || (msg->kflags & LPC_MSGK_UNCOUNTED) ||
	    conn->state == LPC_CONN_CLOSED || !conn->nr_held)
		return true;
	return conn->nr_held < port->srv->max_conn_queued &&
	       conn->held_bytes + lpc_msg_charge(msg) <=
			port->srv->max_conn_bytes;
}

static inline bool lpc_has_room(struct lpc_port *port, struct lpc_msg *msg)
{
	return lpc_has_slot(port, msg) && lpc_conn_has_room(port, msg);
}

/* Can @msg still enter @inbox? Called with the inbox lock held. */
static inline int lpc_inbox_open(struct lpc_port *inbox, struct lpc_msg *msg)
{
	if (inbox->dead)
		return -ENOTCONN;
	if (inbox->kind == LPC_PORT_CONNECTION &&
	    msg->type != LPC_MSG_CONNECTION_REQUEST &&
	    msg->conn->state != LPC_CONN_CONNECTED)
		return -ENOTCONN;
	return 0;
}

/*
 * How many of @n counted messages of @conn, @len[i] bytes each, its
 * connection port @port takes now: lpc_inbox_open() and lpc_has_room()
 * for a run of one connection's messages, with what is the same for all of
 * them checked once.
 */
static inline u32 lpc_conn_port_room_locked(struct lpc_port *port,
					    struct lpc_conn *conn, const u32 *len,
					    u32 n)
{
	u32 share = port->srv->max_conn_queued, i;
	u64 held = conn->held_bytes;

	lockdep_assert_held(&port->lock);
	if (port->dead || conn->state != LPC_CONN_CONNECTED ||
	    port->nr_held >= port->max_queued)
		return 0;
	n = min(n, port->max_queued - port->nr_held);
	/* As lpc_conn_has_room(): an empty share takes one, whatever it is. */
	if (conn->nr_held) {
		if (conn->nr_held >= share)
			return 0;
		n = min(n, share - conn->nr_held);
	} else {
		n = min(n, share);
	}
	for (i = 0; i < n; i++) {
		if ((i || conn->nr_held) &&
		    held + len[i] > port->srv->max_conn_bytes)
			break;
		held += len[i];
	}
	return i;
}

/*
 * lpc_hold_locked() and lpc_queue_add_locked() at the tail for @n counted messages of
 * @conn, @bytes in all, on its connection port @port.
 */
static inline void lpc_conn_port_queue_locked(struct lpc_port *port,
					      struct lpc_conn *conn,
					      struct lpc_msg **msg, u32 n, u64 bytes)
{
	u32 i;

	lockdep_assert_held(&port->lock);
	for (i = 0; i < n; i++) {
		lpc_msg_move_locked(msg[i], LPC_MSB(NEW), LPC_MS_QUEUED);
		list_add_tail(&msg[i]->entry, &port->queue);
	}
	port->nr_held += n;
	port->held_bytes += bytes;
	conn->held_bytes += bytes;
	conn->nr_held += n;
	conn->nr_queued += n;
}

/**
 * lpc_msg_take_locked() - a receiver takes a message off @port's queue
 * @port: the inbox, locked.
 * @msg: a message on its queue.
 * @freed: NULL, or in a batch where the wake-ups for room are counted.
 *
 * A request becomes RECEIVING and keeps its slot; anything else is DONE
 * and frees its slot at once. Either way the inbox reference is now the
 * caller's, until lpc_msg_received().
 */
static inline void lpc_msg_take_locked(struct lpc_port *port,
				       struct lpc_msg *msg, u32 *freed)
{
	lockdep_assert_held(&port->lock);
	lpc_queue_del_locked(port, msg, NULL);
	if (lpc_is_request(msg)) {
		lpc_msg_move_locked(msg, LPC_MSB(QUEUED), LPC_MS_RECEIVING);
		return;
	}
	lpc_unhold_locked(port, msg);
	lpc_msg_move_locked(msg, LPC_MSB(QUEUED), LPC_MS_DONE);
	if (freed)
		(*freed)++;
	else
		lpc_wake_room_locked(port);
}

/* What user space fills in of struct lpc_xfer: @info is output only. */
#define LPC_XFER_IN_SIZE	offsetof(struct lpc_xfer, info)

/* msgbuf.c */
u32 lpc_msg_take_small(struct lpc_port *port, struct lpc_msg **msg, u32 n);
struct lpc_msg *lpc_msg_alloc_small(struct lpc_port *port, u32 cap);
void lpc_msg_recycle(struct lpc_port *origin, struct lpc_msg *msg);
void lpc_msg_put_many(struct lpc_msg **msg, u32 n);

/* wait.c */
int lpc_sleep(const ktime_t *deadline);
void lpc_wake_receivers_locked(struct lpc_port *port, u32 nr, __poll_t events);
int lpc_wait_message_locked(struct lpc_port *port, const ktime_t *deadline);
int lpc_wait_room(struct lpc_port *inbox, struct lpc_msg *msg,
		  const ktime_t *deadline);

/*
 * Wait for the chunks copied into or out of @msg's requester to finish.
 * The caller has taken @msg out of SERVICE or marked it abandoned, under
 * the inbox lock, so no new chunk starts. A chunk is one pin of at most
 * 16 pages (a requester's userfaultfd cannot hold it: remote pins do not
 * wait for user faults), so the wait is short. Inline: the reply path
 * calls it on every request.
 */
static inline void lpc_msg_wait_copies(struct lpc_msg *msg)
{
	wait_var_event(&msg->nr_copying, !atomic_read(&msg->nr_copying));
}

/* request.c */
void lpc_tree_insert(struct rb_root *root, struct lpc_msg *msg, bool pending);
struct lpc_msg *lpc_tree_find(struct rb_root *root, u64 id, bool pending);
void lpc_tree_erase(struct rb_root *root, struct lpc_msg *msg, bool pending);
void lpc_msg_dispose(struct lpc_msg *msg);
void lpc_pending_erase_locked(struct lpc_port *origin, struct lpc_msg *msg);
void lpc_msg_answer_locked(struct lpc_msg *msg, int status);

/* requester.c */
bool lpc_msg_settle_pending(struct lpc_msg *msg, int status, bool *settled);

/* request.c */
void lpc_msg_received(struct lpc_port *port, struct lpc_msg *msg, int ret);

/* uaccess.c */
int lpc_copy_from_user(void *to, const void __user *from, u32 len);
int lpc_data_from_user(struct lpc_msg *msg, u64 ubuf, u32 len);
int lpc_data_to_user(u64 ubuf, const struct lpc_msg *msg);

/* xfer.c */
void lpc_fill_info(struct lpc_msg_info *info, const struct lpc_msg *msg,
		   const struct lpc_port *to);
int lpc_route(struct lpc_port *port, struct lpc_port **inbox,
	      struct lpc_port **origin);
int lpc_xfer_copy_in(struct lpc_xfer *x, void __user *uarg, u32 usize);
int lpc_xfer_check(const struct lpc_xfer *x);
int lpc_send(struct lpc_port *port, struct lpc_xfer *x,
	     const ktime_t *deadline, struct lpc_msg **sync);
int lpc_reply(struct lpc_port *port, struct lpc_xfer *x);
int lpc_receive(struct lpc_port *port, struct lpc_xfer *x,
		const ktime_t *deadline, u32 *freed);

#endif /* _LPC_MSG_H */
