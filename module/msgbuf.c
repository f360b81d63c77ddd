// SPDX-License-Identifier: GPL-2.0
/*
 * Message buffers: ids, allocation, the per-port buffer caches, the last
 * put, and the sender's stamp.
 *
 * A message's memory has one rule: the last lpc_msg_put() frees it, or
 * gives it back to the port that sent it (msg.h, small buffers). Who holds
 * which reference, and when, is the request state machine's business
 * (request.c, Documentation/lpc-internals.rst).
 */
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include "msg.h"

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

struct lpc_msg *lpc_msg_alloc_small(struct lpc_port *port, u32 cap)
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
			   origin->conn->cport->max_queued);

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

/**
 * lpc_msg_stamp_as() - record a sender that is not the caller
 * @msg: the message.
 * @to: the port whose namespaces the ids are translated into.
 * @pid: the sending process (a tgid).
 * @cred: its credentials.
 *
 * For notices sent on behalf of one side of a connection, whichever task
 * happens to drop the last reference to its port.
 */
void lpc_msg_stamp_as(struct lpc_msg *msg, struct lpc_port *to,
		      struct pid *pid, const struct cred *cred)
{
	msg->pid = pid_nr_ns(pid, to->pid_ns);
	msg->tid = msg->pid;
	msg->uid = from_kuid_munged(to->user_ns, cred->euid);
	msg->gid = from_kgid_munged(to->user_ns, cred->egid);
}
