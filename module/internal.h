/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lpc internals: objects, locks and lifetimes.
 *
 * Objects
 * -------
 * struct lpc_ns      the port names of one IPC namespace.
 * struct lpc_port    a connection port (named, the server's inbox) or a
 *                    communication port (one per side of a connection).
 *                    Every port is backed by one struct file.
 * struct lpc_conn    one connection: the connection port, the client port and,
 *                    once accepted, the server communication port.
 * struct lpc_msg     one message, on its way or waiting for a reply.
 *
 * Locks, in the order they may nest (outer first):
 *   lpc_ns_mutex          namespaces and the names in them.
 *   port->lock            a port's queue, trees and state. Never two
 *                         port locks at once: paths that touch two ports
 *                         (reply, teardown) drop one before taking the
 *                         other.
 *   wait queue locks      taken inside port->lock by the wake-ups; so
 *                         are the scheduler's, by wake_up_process() of a
 *                         receiver or a synchronous requester.
 * A receiver's mmap_lock may be held around a port->lock (view.c,
 * reusing a kept view), never inside one.
 *
 * Lifetimes
 * ---------
 * - A port's memory is kref-counted (port->ref). Its file holds one
 *   reference; each connection holds one on each of its ports. Closing the
 *   file (lpc_port_release) shuts the port down at once: it is marked dead
 *   under its lock, its name is removed and its connections are shut down,
 *   so nothing new reaches it, then the file's reference is dropped.
 * - A connection is refcount-counted (conn->ref): each of its ports holds
 *   one, and so does every message travelling on it.
 * - A message has one owner at every moment, holding its inbox
 *   reference: its sender, its inbox's queue, one receiver, the service
 *   tree, one replier (request.c). A request also has a requester
 *   reference: the pending tree's for an asynchronous one, the sending
 *   thread's for a synchronous one (requester.c). The last put frees it;
 *   Documentation/lpc-internals.rst has the table.
 * - The namespace object pins its IPC namespace through an nsfs file, so
 *   its address cannot be reused by a new namespace while names live in it.
 */
#ifndef _LPC_INTERNAL_H
#define _LPC_INTERNAL_H

#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "uapi/linux/lpc.h"
#include "acl.h"

/* LPC_VERSION_* come from ../VERSION, through Kbuild. */
#define LPC_MODULE_VERSION	(LPC_VERSION_MAJOR << 16 | \
				 LPC_VERSION_MINOR << 8 | LPC_VERSION_PATCH)

/* The features LPC_IOC_VERSION reports come from the ioctl tables (ioctl.c). */

struct lpc_ns;
struct lpc_conn;

/*
 * Counters of a connection port, per CPU so that counting messages does
 * not share a cache line between every client. Summed by queries.
 */
struct lpc_stats {
	u64 connects;
	u64 accepted;
	u64 refused;
	u64 denied;
	u64 msgs_in;
	u64 bytes_in;
	u64 msgs_out;
	u64 bytes_out;
	u64 lost_replies;
};

/* Count into one counter, e.g. lpc_stat_add(&srv->stats->denied, 1). */
static inline void lpc_stat_add(u64 __percpu *stat, u64 n)
{
	this_cpu_add(*stat, n);
}

enum lpc_port_kind {
	LPC_PORT_CONNECTION,	/* named connection port */
	LPC_PORT_CLIENT,	/* client end of a connection */
	LPC_PORT_SERVER,	/* server end of a connection */
};

/**
 * struct lpc_server - what only a connection port has
 * @port: the port this belongs to (invariant).
 * @ns: namespace the name lives in, from publish to unpublish (protected
 *	by lpc_ns_mutex).
 * @name: the name, NUL-terminated for printing (invariant).
 * @name_len: bytes of @name without the NUL (invariant).
 * @hnode: in @ns's name table (protected by lpc_ns_mutex).
 * @owner: creator's credentials, for the ACL owner and queries (invariant).
 * @acl: the access control list; readers use RCU, writers port->lock, and
 *	a list is replaced whole, never edited in place.
 * @max_msg_len: limits (invariant after creation).
 * @max_conn_data_len: see &struct lpc_port_attr.
 * @max_conns: see &struct lpc_port_attr.
 * @max_conn_queued: each connection's share of slots (invariant).
 * @max_conn_bytes: each connection's share of bytes (invariant).
 * @conns: connections, connecting or connected (protected by port->lock).
 * @nr_conns: entries on @conns (protected by port->lock).
 * @serial: unique, increasing; the query cursor (invariant).
 * @created_ns: creation time, CLOCK_REALTIME (invariant).
 * @creator: the creating process's tgid (invariant, holds a pid ref).
 * @flags: LPC_PORT_* flags (invariant).
 * @ns_entry: on the namespace's list of ports in @serial order
 *	(protected by lpc_ns_mutex).
 * @stats: per-CPU counters.
 */
struct lpc_server {
	struct lpc_port *port;
	struct lpc_ns *ns;
	char *name;
	u32 name_len;
	struct hlist_node hnode;
	const struct cred *owner;
	struct lpc_acl __rcu *acl;
	u32 max_msg_len;
	u32 max_conn_data_len;
	u32 max_conns;
	u32 max_conn_queued;
	u32 max_conn_bytes;
	struct list_head conns;
	u32 nr_conns;
	u64 serial;
	u64 created_ns;
	struct pid *creator;
	u32 flags;
	struct list_head ns_entry;
	struct lpc_stats __percpu *stats;
};

/**
 * struct lpc_port - a port; see the comment at the top for lifetimes
 * @ref: memory lifetime.
 * @kind: what the port is, an enum lpc_port_kind (invariant).
 * @dead: set once, when the port closed or its connection shut down; no
 *	message is queued on a dead port (protected by @lock).
 * @lock: protects the fields below it, up to @wait.
 * @nr_held: counted messages on @queue and in @service, bound by
 *	@max_queued. Replies and close notices are not counted: their room
 *	was reserved when the request or connection was made.
 * @queue: messages waiting to be received.
 * @held_bytes: data bytes of the counted messages.
 * @service: requests received from @queue and not yet answered, by id.
 * @pending: requests sent from this port, awaiting their reply, by id.
 * @idle: receivers asleep until @queue or @dead changes, newest first
 *	(&struct lpc_rx_waiter; wait.c).
 * @wait: poll and epoll wait here for @queue or @dead.
 * @room: senders wait here for @nr_held to drop.
 * @views: views mapped into receivers through this port (view.c;
 *	protected by @lock).
 * @nr_kept: entries of @views kept past their reply, bound by the module
 *	parameter max_kept_views (protected by @lock).
 * @views_closed: the port's release took @views; no view joins them any
 *	more (protected by @lock).
 * @max_queued: bound of @nr_held (invariant).
 * @nr_async: asynchronous requests sent from this port that are pending,
 *	or whose reply or lost-reply notice waits on @queue; bound by the
 *	connection's share (protected by @lock; requester.c).
 * @msg_cache: one freed synchronous request kept for the next one, so a
 *	round trip does not allocate (swapped with xchg()).
 * @free: freed small messages sent from this port (datagrams, requests
 *	that do not wait), kept for its next sends, linked through
 *	entry.next (protected by @lock).
 * @nr_free: entries on @free, at most %LPC_FREE_MAX and the connection
 *	port's @max_queued (protected by @lock).
 * @conn: the connection of a communication port (invariant; holds a ref).
 * @srv: the connection port part (invariant; NULL on other ports).
 * @pid_ns: pid namespace senders' ids are shown in (invariant, ref).
 * @user_ns: user namespace senders' ids are shown in (invariant, ref).
 */
/*
 * Ordered without holes: 192 bytes without lock debugging (kmalloc-192);
 * a connection costs two of them.
 */
struct lpc_port {
	struct kref ref;
	u8 kind;
	bool dead;
	u16 nr_free;

	spinlock_t lock;	/* see the field list above */
	u32 nr_held;
	struct list_head queue;
	u64 held_bytes;
	struct rb_root service;
	struct rb_root pending;

	struct list_head idle;
	wait_queue_head_t wait;
	wait_queue_head_t room;
	struct list_head views;
	u32 nr_kept;
	bool views_closed;

	u32 max_queued;
	u32 nr_async;
	struct lpc_msg *msg_cache;
	struct lpc_msg *free;
	struct lpc_conn *conn;
	struct lpc_server *srv;
	struct pid_namespace *pid_ns;
	struct user_namespace *user_ns;
};

enum lpc_conn_state {
	LPC_CONN_CONNECTING,
	LPC_CONN_CONNECTED,
	LPC_CONN_CLOSED,
};

/**
 * struct lpc_conn - one connection
 * @ref: lifetime; see the top comment.
 * @cport: the connection port (invariant, holds a port ref).
 * @client: the client's port (invariant, holds a port ref).
 * @server: the server communication port; set at accept under
 *	@cport's lock, then invariant (holds a port ref).
 * @state: protected by @cport's lock.
 * @entry: on @cport's srv->conns (protected by @cport's lock).
 * @context: the port context bound at accept (invariant once connected).
 * @cred: the client's credentials at connect (invariant).
 * @shut: bit 0 set by the first lpc_conn_shutdown().
 * @notice: the close notice, reserved at connect: for the server when the
 *	client goes, for the client when the server does; only one side is
 *	ever told, so one message serves both.
 * @serial: unique, increasing; the query cursor (invariant).
 * @connected_ns: connect time, CLOCK_REALTIME (invariant).
 * @client_pid: the connecting process's tgid (invariant, pid ref).
 * @server_pid: the accepting process's tgid (set with @server, pid ref).
 * @server_cred: the accepting process's credentials (set with @server).
 * @held_bytes: what this client's counted messages held by the connection
 *	port charge, lpc_msg_charge() each (protected by @cport's lock).
 * @nr_held: those messages, bound by the port's max_conn_queued
 *	(protected by @cport's lock).
 * @nr_queued: this connection's messages on @cport's queue, counted or
 *	not (protected by @cport's lock).
 * @room: this client's senders wait here while @held_bytes is at the
 *	per-connection limit.
 * @lock: protects @sections and @nr_sections.
 * @sections: sections created on this connection (section.c).
 * @nr_sections: entries on @sections.
 * @nr_client_views: views of this connection mapped into the client and
 *	not unmapped yet, bound by the module parameter max_conn_views
 *	(protected by @client's lock, with the list they are on; view.c).
 * @nr_server_views: the same for the server (protected by @cport's
 *	lock, where the server's views are listed).
 */
/* Ordered to fit kmalloc-192, with no holes; see struct lpc_port. */
struct lpc_conn {
	refcount_t ref;
	enum lpc_conn_state state;
	struct lpc_port *cport;
	struct lpc_port *client;
	struct lpc_port *server;
	struct list_head entry;
	u64 context;
	const struct cred *cred;
	unsigned long shut;
	struct lpc_msg *notice;
	u64 serial;
	u64 connected_ns;
	struct pid *client_pid;
	struct pid *server_pid;
	const struct cred *server_cred;
	u64 held_bytes;
	wait_queue_head_t room;
	struct list_head sections;
	spinlock_t lock;	/* sections only */
	u32 nr_sections;
	u32 nr_queued;
	u32 nr_held;
	u32 nr_client_views;
	u32 nr_server_views;
};

/**
 * struct lpc_msg_ext - the optional parts of a message (attr.c)
 * @ref: the message holds one; direct access holds one while it copies.
 * @cred: LPC_ATTR_CREDS: the sender's credentials at send time (ref).
 * @cred_changed: they differ from those captured at connect or accept.
 * @nr_fds: LPC_ATTR_FDS: files in @fds.
 * @fds: the passed files (refs).
 * @view_file: LPC_ATTR_VIEW: the section's shmem file (ref; view.c).
 * @view_offset: see &struct lpc_view.
 * @view_length: see &struct lpc_view.
 * @view_flags: see &struct lpc_view.
 * @nr_ranges: LPC_ATTR_DIRECT: ranges in @ranges.
 * @ranges: the requester's declared memory (direct.c).
 * @requester_mm: the address space @ranges are in, as of the send
 *	(mmgrab()ed; direct.c reaches it only through mmget_not_zero(), so
 *	neither an exit nor an execve() of the requester lets it through).
 *
 * Written by the sender before the message is queued, then invariant
 * until the last reference goes; fds and the view are handed to the
 * receiver by moving them out of here, by the receiver, while it alone
 * owns the message (RECEIVING, or a reply's requester).
 */
struct lpc_msg_ext {
	refcount_t ref;
	const struct cred *cred;
	bool cred_changed;
	u32 nr_fds;
	struct file *fds[LPC_MAX_FDS];
	struct file *view_file;
	u64 view_offset;
	u64 view_length;
	u32 view_flags;
	u32 nr_ranges;
	struct lpc_range ranges[LPC_MAX_RANGES];
	struct mm_struct *requester_mm;
};

/*
 * Where a message stands on its inbox side; protected by the inbox lock.
 * request.c owns every change; Documentation/lpc-internals.rst has the
 * table of who owns the message in each state.
 */
enum lpc_msg_state {
	LPC_MS_NEW,		/* being built and sent; its sender's */
	LPC_MS_QUEUED,		/* on inbox->queue */
	LPC_MS_RECEIVING,	/* a receiver's, being copied out */
	LPC_MS_SERVICE,		/* a received request in inbox->service */
	LPC_MS_REPLYING,	/* a replier's, being answered */
	LPC_MS_DONE,		/* off the queue and trees for good */
};

#define LPC_MSGK_SYNC		BIT(0)	/* a thread waits for the reply */
#define LPC_MSGK_UNCOUNTED	BIT(1)	/* not counted in nr_held */
#define LPC_MSGK_RECYCLE	BIT(2)	/* back to its origin when freed */
#define LPC_MSGK_QUIET		BIT(3)	/* queued unannounced, by a batch */
#define LPC_MSGK_ASYNC_REPLY	BIT(4)	/* counted in its origin's nr_async */

/**
 * struct lpc_msg - one message
 * @entry: on a port queue (protected by that port's lock).
 * @snode: in the inbox's service tree (protected by the inbox lock).
 * @pnode: in the origin's pending tree (protected by the origin lock).
 * @ref: see the top comment.
 * @state: &enum lpc_msg_state, protected by @inbox's lock.
 * @done: requester side finished; written under the origin lock with
 *	release semantics, read by the waiter with acquire.
 * @abandoned: the requester side gave up while the inbox side was live
 *	(protected by @inbox's lock; request.c).
 * @kflags: LPC_MSGK_* (invariant after queueing).
 * @status: result for a synchronous requester, valid once @done.
 * @type: LPC_MSG_* type.
 * @id: unique id, never 0.
 * @ref_id: the request's id, for replies and lost-reply notices.
 * @conn: connection the message travels on (holds a conn ref).
 * @inbox: port the message is queued on (kept alive by @conn); set before
 *	the message can be seen by anyone but its sender, changed only when
 *	an answered request is queued on its origin as its own reply.
 * @origin: port a request came from, whose pending tree holds it.
 * @ext: optional parts, or NULL. Invariant while anyone but the message's
 *	owner can see it; a reply replaces a request's only once the request
 *	is out of service, and readers outside the owner hold a reference
 *	of their own (&struct lpc_msg_ext).
 * @sender: the sending process's tgid for requests (pid ref), or NULL
 *	when it is the connection's own client or server process.
 * @waiter: the thread that sent a synchronous request and sleeps until
 *	@done (invariant; no reference: see lpc_msg_answer_locked()).
 * @pid: sender ids, as seen from the receiving port's namespaces.
 * @tid: see @pid.
 * @uid: see @pid.
 * @gid: see @pid.
 * @len: bytes of data.
 * @cap: bytes the buffer holds; a request reserves room for its reply.
 * @reply_cap: largest reply the requester accepts (at most @cap).
 * @data: the payload.
 */
struct lpc_msg {
	struct list_head entry;
	struct rb_node snode;
	struct rb_node pnode;
	refcount_t ref;
	atomic_t nr_copying;	/* direct-access chunks in flight */
	u8 state;
	u8 done;
	u8 kflags;
	bool abandoned;
	int status;
	u32 type;
	u64 id;
	u64 ref_id;
	struct lpc_conn *conn;
	struct lpc_port *inbox;
	struct lpc_port *origin;
	struct lpc_msg_ext *ext;
	struct pid *sender;
	struct task_struct *waiter;
	pid_t pid;
	pid_t tid;
	uid_t uid;
	gid_t gid;
	u32 len;
	u32 cap;
	u32 reply_cap;
	u8 data[];
};

/*
 * The ioctl handlers, lpc_ioc_*(), are called by the dispatchers of
 * ioctl.c only, once the size in the ioctl number passed the VER0 rule
 * and, on a port, its kind is one the ioctl accepts.
 */
/* ioctl.c */
long lpc_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
long lpc_port_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
void lpc_ioc_check_tables(void);

/* ns.c */
int lpc_ns_publish(struct lpc_port *port);
void lpc_ns_unpublish(struct lpc_port *port);
struct lpc_port *lpc_ns_lookup(const char *name, u32 len);
unsigned int lpc_ns_ports_after(u64 after, struct lpc_port **ports,
				unsigned int max, bool *more);
void lpc_ns_exit(void);

/* port.c */
struct lpc_port *lpc_port_alloc(enum lpc_port_kind kind, u32 max_queued);
void lpc_port_put(struct lpc_port *port);
static inline void lpc_port_get(struct lpc_port *port)
{
	kref_get(&port->ref);
}

int lpc_port_install(struct lpc_port *port, u32 flags, struct file **filep);
bool lpc_is_lpc_file(struct file *file);
bool lpc_is_dev_file(struct file *file);
int lpc_ioc_create_port(void __user *uarg, u32 usize);
u64 lpc_next_serial(void);
struct lpc_port *lpc_port_lookup_user(u64 uname, u32 len);

/* conn.c */
int lpc_ioc_connect(void __user *uarg, u32 usize);
int lpc_ioc_accept(struct lpc_port *port, void __user *uarg, u32 usize);
int lpc_port_disconnect(struct lpc_port *port);
void lpc_conn_put(struct lpc_conn *conn);
void lpc_conn_shutdown(struct lpc_conn *conn, bool by_server);
void lpc_cport_shutdown(struct lpc_port *port);

/* msgbuf.c */
struct lpc_msg *lpc_msg_alloc(u32 cap, gfp_t gfp);
struct lpc_msg *lpc_msg_alloc_cached(struct lpc_port *port, u32 cap);
void lpc_msg_cache_free(struct lpc_port *port);
void lpc_msg_put(struct lpc_msg *msg);
void lpc_msg_stamp(struct lpc_msg *msg, struct lpc_port *inbox);
void lpc_msg_stamp_as(struct lpc_msg *msg, struct lpc_port *to,
		      struct pid *pid, const struct cred *cred);
u64 lpc_next_id(void);

/* request.c: the request state machine */
int lpc_msg_enqueue(struct lpc_msg *msg, const ktime_t *deadline);
void lpc_msg_enqueue_notice(struct lpc_port *inbox, struct lpc_msg *msg);
int lpc_msg_add_pending(struct lpc_port *origin, struct lpc_msg *msg);
bool lpc_msg_unpend(struct lpc_msg *msg);
void lpc_msg_unsent(struct lpc_msg *msg, int *ret);
int lpc_msg_wait_reply(struct lpc_msg *msg, const ktime_t *deadline);
struct lpc_msg *lpc_msg_take_service(struct lpc_port *inbox, u64 id,
				     struct lpc_conn *only, u32 type);
void lpc_msg_return_service(struct lpc_msg *msg);
int lpc_msg_complete(struct lpc_msg *msg, int status);
void lpc_msg_abandon(struct lpc_msg *msg);
int lpc_msg_cancel(struct lpc_port *origin, u64 id, struct lpc_conn *only);
struct lpc_msg *lpc_msg_get_service(struct lpc_port *inbox, u64 id,
				    struct lpc_conn *only);
struct lpc_msg_ext *lpc_msg_get_ext(struct lpc_port *inbox, u64 id,
				    struct lpc_conn *only);
struct lpc_msg *lpc_msg_copy_begin(struct lpc_port *inbox, u64 id,
				   struct lpc_conn *only,
				   const struct lpc_msg_ext *ext);
void lpc_msg_copy_end(struct lpc_msg *msg);
void lpc_port_drain(struct lpc_port *port, struct lpc_conn *only,
		    bool service);
void lpc_port_fail_pending(struct lpc_port *port, struct lpc_conn *only);

/* wait.c */
ktime_t *lpc_deadline(ktime_t *buf, bool has_timeout, bool nonblock,
		      u64 timeout_ns);

/* port.c */
void lpc_port_set_dead(struct lpc_port *port);

/* xfer.c: the message ioctls */
int lpc_ioc_xfer(struct lpc_port *port, void __user *uarg, u32 usize);
int lpc_ioc_cancel(struct lpc_port *port, void __user *uarg, u32 usize);
int lpc_ioc_sender_check(struct lpc_port *port, void __user *uarg,
			 u32 usize);
struct lpc_port *lpc_service_port(struct lpc_port *port,
				  struct lpc_conn **only);

/* batch.c */
int lpc_ioc_send_batch(struct lpc_port *port, void __user *uarg, u32 usize);
int lpc_ioc_recv_batch(struct lpc_port *port, void __user *uarg, u32 usize);

/* attr.c */
struct lpc_msg_ext *lpc_attr_build(struct lpc_port *port,
				   struct lpc_conn *conn, bool request,
				   u64 uptr);
int lpc_attr_attach(struct lpc_port *port, struct lpc_msg *msg, u64 uptr);
int __lpc_attr_deliver(struct lpc_port *port, struct lpc_msg *msg, u64 uptr,
		       struct lpc_msg_info *info);
void lpc_ext_put(struct lpc_msg_ext *ext);
void lpc_attr_free(struct lpc_msg *msg);
void lpc_attr_set(struct lpc_msg *msg, struct lpc_msg_ext *ext);

/*
 * Most messages carry no attributes and most receivers ask for none:
 * then there is nothing to do, and a round trip spares the calls.
 */
static inline int lpc_attr_deliver(struct lpc_port *port, struct lpc_msg *msg,
				   u64 uptr, struct lpc_msg_info *info)
{
	if (!uptr && !msg->ext)
		return 0;
	return __lpc_attr_deliver(port, msg, uptr, info);
}

/* section.c: sections, and a message's view of one */
int lpc_ioc_section_create(struct lpc_port *port, void __user *uarg,
			   u32 usize);
void lpc_sections_conn_end(struct lpc_conn *conn);
int lpc_view_attach(struct lpc_conn *conn, struct lpc_msg_ext *ext,
		    const struct lpc_view *view);
void lpc_view_drop(struct lpc_msg_ext *ext);

/* view.c: views mapped into receivers */
int lpc_view_deliver(struct lpc_port *port, struct lpc_msg *msg,
		     struct lpc_view *out, u32 want, bool *fresh);
void lpc_view_undeliver(struct lpc_port *port, const struct lpc_view *out,
			bool fresh);
void lpc_view_unmap_request(struct lpc_port *port, u64 id);
int lpc_ioc_view_release(struct lpc_port *port, void __user *uarg,
			 u32 usize);
void lpc_views_port_release(struct lpc_port *port);

/* direct.c */
int lpc_direct(struct lpc_port *port, void __user *uarg, u32 usize,
	       bool write);

/* query.c */
int lpc_ioc_port_list(void __user *uarg, u32 usize);
int lpc_ioc_port_info(void __user *uarg, u32 usize);
int lpc_ioc_conn_list(void __user *uarg, u32 usize);

/* limits.c */
u32 lpc_conn_queued_default(u32 max_queued);
u32 lpc_conn_bytes_default(void);
u64 lpc_section_size_max(void);
u32 lpc_conn_sections_max(void);
u64 lpc_conn_section_bytes_max(void);
u32 lpc_kept_views_max(void);
u32 lpc_conn_views_max(void);
/*
 * Charges go to current's credentials, at its user namespace and every
 * one above; the object keeps that cred and gives it back to the uncharge.
 */
int lpc_user_charge_port(void);
void lpc_user_uncharge_port(const struct cred *cred);
int lpc_user_charge_conn(void);
void lpc_user_uncharge_conn(const struct cred *cred);
int lpc_user_charge_sections(u64 bytes);
void lpc_user_uncharge_sections(const struct cred *cred, u64 bytes);
int lpc_user_charge_views(const struct cred *cred);
void lpc_user_uncharge_views(const struct cred *cred);

/* uaccess.c: size rules and user copies */
int lpc_usize_check(size_t usize, size_t ver0);
int lpc_check_usize(const void __user *src, size_t usize, size_t ksize,
		    size_t ver0);
int lpc_copy_in(void *dst, size_t ksize, const void __user *src,
		size_t usize, size_t ver0);
int lpc_copy_out(void __user *dst, size_t usize, const void *src,
		 size_t ksize);
int lpc_copy_out_zeroed(void __user *dst, size_t usize, const void *src,
			size_t ksize);
int lpc_name_check(u32 len);
char *lpc_name_from_user(u64 uptr, u32 len);

#endif /* _LPC_INTERNAL_H */
