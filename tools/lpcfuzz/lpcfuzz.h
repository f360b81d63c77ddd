/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * lpcfuzz: a seed-reproducible concurrency fuzzer for /dev/lpc.
 *
 * main.c     options, the supervisor, worker processes and their threads
 * stats.c    shared statistics, inconsistencies, the table
 * pool.c     the objects a worker owns: fds of every kind, views, received
 *            requests, sent requests, recent ids
 * mem.c      the generator, a thread's buffers, odd pointers, touching
 *            memory that may fault
 * call.c     fz_ioctl(): every ioctl goes through it; shared helpers
 * ops_dev.c  /dev/lpc ioctls, accept, unknown numbers
 * ops_msg.c  attributes and messages: receive, requests, datagrams,
 *            replies, cancel, sender check, disconnect
 * ops_mem.c  sections, views, direct access, batches
 * chaos.c    what a chaos worker's threads do, fork, fds over SCM_RIGHTS
 * check.c    payloads with a checksum header, received-message handling,
 *            the consistency checks
 * race.c     thread roles that work on one request of one connection
 * slow.c     memory whose first touch waits (userfaultfd), to hold a
 *            kernel copy in the middle of an ioctl
 */
#ifndef LPCFUZZ_H
#define LPCFUZZ_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/lpc.h>

typedef __u64 u64;
typedef __u32 u32;
typedef __s32 s32;

#define PAGE		4096UL
#define MAX_PROCS	64
#define MAX_THREADS	32
#define NR_NAMES	12	/* port names "fz0".."fz11", shared by all */

/* ---- the PRNG: xoshiro256**, seeded by splitmix64 ---- */

struct rng {
	u64 s[4];
};

void rng_seed(struct rng *r, u64 seed);
u64 rnd(struct rng *r);

static inline u32 rn(struct rng *r, u32 n)
{
	return n ? (u32)(((rnd(r) >> 32) * (u64)n) >> 32) : 0;
}

/* true with probability 1/n */
static inline bool one_in(struct rng *r, u32 n)
{
	return rn(r, n) == 0;
}

/* true with probability pct % */
static inline bool pct(struct rng *r, u32 p)
{
	return rn(r, 100) < p;
}

u64 mix64(u64 x);

/* ---- statistics, in memory shared by every process ---- */

enum op {
	OP_VERSION,
	OP_CREATE_PORT,
	OP_CONNECT,
	OP_PORT_LIST,
	OP_PORT_INFO,
	OP_CONN_LIST,
	OP_ACL_GET,
	OP_ACL_SET,
	OP_ACCEPT,
	OP_XFER_SYNC,		/* SEND|RECV request */
	OP_XFER_ASYNC,		/* SEND request */
	OP_XFER_DGRAM,		/* SEND datagram (or SEND|RECV) */
	OP_XFER_REPLY,		/* SEND reply */
	OP_XFER_REPLY_RECV,	/* SEND reply | RECV: the server loop */
	OP_XFER_RECV,		/* RECV */
	OP_XFER_ODD,		/* flags or types no valid call has */
	OP_CANCEL,
	OP_DISCONNECT,
	OP_SENDER_CHECK,
	OP_SECTION_CREATE,
	OP_VIEW_RELEASE,
	OP_DIRECT_READ,
	OP_DIRECT_WRITE,
	OP_SEND_BATCH,
	OP_RECV_BATCH,
	OP_BOGUS,		/* unknown numbers, wrong directions */
	NR_OPS
};

enum ev {
	EV_CONNECTED,		/* LPC_IOC_CONNECT returned a port */
	EV_ACCEPTED,
	EV_REJECTED,
	EV_REPLIED,		/* a reply was sent (send half done) */
	EV_SYNC_REPLIES,	/* a synchronous requester got its reply */
	EV_ASYNC_REPLIES,	/* an asynchronous reply was received */
	EV_LOST_REPLIES,
	EV_REQUESTS_RX,		/* requests received by a server */
	EV_DGRAMS_RX,		/* datagrams received */
	EV_NOTICES_RX,		/* PORT_CLOSED, CLIENT_DIED */
	EV_VIEWS_MAPPED,	/* views received mapped */
	EV_VIEW_FDS,		/* views received as an fd */
	EV_FDS_RX,		/* fds received in messages */
	EV_DIRECT_BYTES,	/* bytes moved by direct read/write */
	EV_PAYLOADS_OK,		/* payloads whose checksum was verified */
	EV_PAGES_OK,		/* view pages whose content was verified */
	EV_VIEW_FD_REUSED,	/* views of a section other than the one picked */
	EV_FORKS,
	EV_KILLS,		/* SIGKILLs of sibling workers */
	EV_RESTARTS,		/* workers started again */
	EV_EXITS,		/* workers that exited on purpose */
	EV_LEFTOVERS,		/* descendants killed at the end (reap.c) */
	EV_SCM_SENT,		/* fds passed between workers */
	EV_SCM_RX,
	EV_FAULTS,		/* fail-nth injections */
	EV_SIGBUS,		/* touches of views that faulted */
	EV_RACE_REBUILDS,	/* race connections made */
	EV_STALLS,		/* faults of slow memory answered late */
	EV_INCONSISTENT,
	NR_EVS
};

#define NR_ERRNO	136	/* index 0: success; the last: any other */
#define MAX_INCONS	16

struct th;

struct shared {
	volatile int stop;
	u64 seed;
	u64 res[NR_OPS][NR_ERRNO];
	u64 clean[NR_OPS][2];	/* unmutated calls: [0] all, [1] successful */
	u64 name_seen[NR_NAMES];	/* when a name was last created or
					   connected to (ns) */
	u32 name_max[NR_NAMES];		/* its max_msg_len, as created last */
	u64 ev[NR_EVS];
	u64 idring[256];	/* message ids seen by any worker */
	u32 idpos;
	u32 nincons;
	pid_t worker[MAX_PROCS];
	int orphan_made;	/* fork.c's orphan exists (or is on its way) */
	char incons[MAX_INCONS][256];
};

extern struct shared *g_sh;

static inline void ev_add(enum ev e, u64 n)
{
	__atomic_fetch_add(&g_sh->ev[e], n, __ATOMIC_RELAXED);
}

void stat_op(enum op op, int err);
void stat_clean(enum op op, int err);
int name_pick(struct th *t);
void name_live(int name);
void inconsistent(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *op_name(enum op op);
void print_table(u64 secs);
void progress(u64 start);

/* ---- options ---- */

struct opts {
	u64 seed;
	int procs, threads;
	int seconds;
	int mutate;		/* % of calls that get mutated */
	int kill;		/* SIGKILL a sibling now and then */
	int fork;		/* short-lived children */
	int race;		/* race-role processes */
	int faults;		/* fail-nth, when the kernel has it */
	int slow;		/* userfaultfd slow memory, when available */
	int verbose;
};

extern struct opts g_opt;

/* ---- a worker's objects ---- */

enum kind {
	K_DEV,			/* /dev/lpc */
	K_LISTENER,		/* connection port we created */
	K_CLIENT,		/* client communication port */
	K_SERVER,		/* server communication port */
	K_SECTION,
	K_RECVFD,		/* an fd that came in a message */
	K_PIPE,
	K_MEMFD,
	K_EVENTFD,
	K_SOCK,
	K_URING,
	K_EPOLL,
	NR_KINDS
};

#define KM(k)		(1U << (k))
#define KM_PORTS	(KM(K_LISTENER) | KM(K_CLIENT) | KM(K_SERVER))
#define KM_COMM		(KM(K_CLIENT) | KM(K_SERVER))
#define KM_ANY		((1U << NR_KINDS) - 1)

struct obj {
	int fd;
	int kind;
	int name;		/* listener, client: index of the name; else -1 */
	int port;		/* section: the port it was created on */
	u64 size;		/* section: its size; listener: max_msg_len */
	void *map;		/* section: our own mapping, or NULL */
	u64 nonce;		/* section: what its pages were filled with */
	bool sealed;		/* section: F_SEAL_WRITE */
};

struct view {
	u64 addr, len;
	u32 flags;		/* LPC_VIEW_* as received */
	u64 offset;
	bool kept;
	int port;		/* the port it was received on */
	u64 req;		/* the request it came with, or 0 */
	u64 expect;		/* the section nonce its pages must show, or 0 */
};

/* A request received and not yet answered, as this worker knows it. */
struct inreq {
	u64 id;
	int fd;			/* the port it came on */
	int srv;		/* that connection's server port, if known, or -1 */
	u64 nonce;		/* from its payload, 0 if unknown */
	u32 nr_ranges;
	struct lpc_range ranges[LPC_MAX_RANGES];
	u64 context;
	bool conn;		/* a connection request: accept, not reply */
	u32 reply_cap;		/* the largest reply it takes, if cap_known */
	bool cap_known;
};

/* An asynchronous request this worker sent. */
struct sent {
	u64 id;
	u64 nonce;
	int fd;
};

#define MAX_OBJS	160
#define MAX_VIEWS	64
#define MAX_INREQS	64
#define MAX_SENT	64
#define MAX_IDS		64

struct proc {
	int idx, gen;
	pid_t pid;
	struct rng r;		/* for set-up only; threads have their own */
	pthread_mutex_t lk;
	/*
	 * Held for reading from choosing a sealed section to the end of the
	 * send that names it in a checked view, for writing around the
	 * close of a section: the fd cannot name another section meanwhile.
	 */
	pthread_rwlock_t sec_rw;
	struct obj obj[MAX_OBJS];
	int nobj;
	struct view view[MAX_VIEWS];
	int nview;
	struct inreq inreq[MAX_INREQS];
	int ninreq;
	struct sent sent[MAX_SENT];
	int nsent;
	u64 ids[MAX_IDS];
	u32 idpos;
	u64 next_context;
	/* odd memory, shared by the threads */
	char *none;		/* PROT_NONE, 4 pages */
	char *ropage;		/* PROT_READ page of plausible data */
	int bus_in;		/* SCM_RIGHTS from the other workers */
	int nthreads;
	pid_t tids[MAX_THREADS];
	struct race *race;	/* race-role state, NULL in chaos processes */
	int uffd;		/* userfaultfd of the slow region, or -1 */
	char *slow;		/* slow memory (slow.c), or NULL */
};

extern struct proc *g_p;
extern int *g_bus;		/* g_bus[i]: send end of worker i's bus */

/* Per-thread state. */
struct th {
	struct rng r;
	struct proc *p;
	int idx;
	pid_t tid;
	char *sbuf;		/* send buffer, LPC_MSG_MAX + a page, then none */
	char *rbuf;		/* receive buffer, likewise */
	char *dbuf;		/* direct ranges: 64 KiB rw, a ro page, none */
	char *arg;		/* ioctl argument copies: 4 pages, then none */
	char *rw;		/* a page toggled read-only around a call */
	struct lpc_msg_attr *ra;	/* receive attributes (in abuf) */
	struct lpc_msg_attr *sa;	/* send attributes (in abuf) */
	char *abuf;		/* 4 pages, then none */
	struct lpc_msg_attr *battr;	/* one per batch entry */
	struct lpc_xfer *bx;	/* LPC_BATCH_MAX + 1 entries, then none */
	char *bbuf;		/* 16 receive buffers of 4 KiB for batches */
	/* the last request handle_rx() saw, for the race roles */
	bool got_req;
	struct inreq last;
	u64 last_send_id;	/* of the last do_request() */
	sigjmp_buf jb;
	volatile sig_atomic_t in_touch;
	int fail_fd;		/* /proc/thread-self/fail-nth, or -1 */
	bool armed;		/* a fault is set up for the next call */
	sigset_t fault_sigmask;	/* the signal mask before arming */
	u32 ops;
	bool out_ok;		/* the last fz_ioctl() wrote its outputs back */
	bool slow;		/* buffers of the next operation in slow memory */
};

#define DBUF_RW		65536UL

/* ---- pool.c ---- */

void pool_init(struct proc *p);
void pool_add(struct proc *p, int fd, int kind, int name);
void pool_add_section(struct proc *p, int fd, int port, u64 size, void *map,
		      u64 nonce, bool sealed);
int pool_pick(struct th *t, u32 mask, int *kind);
int pool_pick_obj(struct th *t, u32 mask, struct obj *out);
void pool_forget(struct proc *p, int fd);
void pool_close(struct th *t, int fd);
int pool_count(struct proc *p, int kind);
bool pool_lookup(struct proc *p, int fd, struct obj *out);
void pool_set_size(struct proc *p, int fd, u64 size);
void pool_unrelated(struct th *t);
int pool_fd_for_op(struct th *t, u32 mask);
int pool_pick_section(struct th *t, int port, struct obj *out);

void view_add(struct proc *p, const struct view *v);
bool view_pick(struct th *t, struct view *out, bool remove);
bool view_pick_free(struct th *t, struct view *out);
void view_forget_addr(struct proc *p, u64 addr);
void view_forget_req(struct proc *p, u64 req);

void inreq_add(struct proc *p, const struct inreq *q);
bool inreq_pick(struct th *t, struct inreq *out, bool remove, int conn);
void inreq_forget(struct proc *p, u64 id);
void inreq_forget_fd(struct proc *p, int fd);

void sent_add(struct proc *p, u64 id, u64 nonce, int fd);
bool sent_find(struct proc *p, u64 id, struct sent *out, bool remove);
bool sent_pick(struct th *t, struct sent *out);

void id_seen(struct proc *p, u64 id);
u64 id_pick(struct th *t);

int th_init(struct th *t, struct proc *p, int idx);
u64 odd_ptr(struct th *t, u64 good, u64 len);
u64 odd_wptr(struct th *t, u64 good, u64 len);
void touch(struct th *t, void *addr, u64 len, bool write);
void touch_init(struct th *t);

/* ---- call.c, ops_dev.c, ops_msg.c, ops_mem.c ---- */

struct ioc {
	unsigned long cmd;	/* LPC_IOC_* */
	u32 size;		/* sizeof the structure */
};

long fz_ioctl(struct th *t, enum op op, int fd, unsigned long cmd, void *arg,
	      u32 size, bool mutate);
void chaos_step(struct th *t);
void server_step(struct th *t);
int do_create_port(struct th *t, int name, bool mutate);
int do_connect(struct th *t, int name, u64 timeout_ns, bool mutate);
int do_accept(struct th *t, int lst, u64 id, bool reject, bool mutate);
int do_receive(struct th *t, int fd, u64 timeout_ns, bool mutate);
int do_reply(struct th *t, int fd, const struct inreq *q, bool recv,
	     bool mutate);
int do_request(struct th *t, int fd, bool sync, u64 timeout_ns, bool mutate,
	       u32 ranges);
int do_datagram(struct th *t, int fd, bool mutate);
int do_recv_batch(struct th *t, int fd, bool mutate);
int do_send_batch(struct th *t, int fd, bool mutate);
int do_direct(struct th *t, int fd, u64 id, const struct inreq *q, bool write,
	      bool mutate);
int do_sender_check(struct th *t, int fd, u64 id, bool mutate);
int do_cancel(struct th *t, int fd, u64 id, bool mutate);
int do_section(struct th *t, int fd, bool mutate);
int do_version(struct th *t, bool mutate);
int do_query(struct th *t, bool mutate);
int do_acl(struct th *t, bool mutate);
int do_bogus(struct th *t);
int do_odd_xfer(struct th *t, bool mutate);
int do_disconnect(struct th *t, int fd);
int do_view_release(struct th *t, bool mutate);
void do_fork(struct th *t);	/* fork.c */
void do_scm_send(struct th *t);
void do_scm_recv(struct th *t);
void fault_arm(struct th *t);
void fault_disarm(struct th *t);

/* ---- check.c ---- */

#define PAY_MAGIC	0x317a7566636c706cULL	/* "lpcfuz1" */
enum { P_REQ = 1, P_DGRAM, P_REPLY, P_CONN, P_ACCEPT, P_REJECT, P_PAGE };

struct phdr {
	u64 magic;
	u32 kind;
	u32 len;
	u64 ref;		/* reply: the request answered */
	u64 nonce;		/* request: its own; reply: the request's;
				 * section page: the section's inode */
	s32 pid, tid;
	u32 rcap;		/* request: 1 + the reply it takes (recv_cap) */
	u32 pad;
	u64 sum;
};

u32 pay_len(struct th *t, u32 max);
void pay_fill(struct th *t, void *buf, u32 len, u32 kind, u64 ref,
	      u64 nonce);
void pay_fit(struct th *t, void *buf, u32 cap, u64 ubuf, u32 len, u32 kind,
	     u64 ref, u64 nonce);
void pay_set_rcap(void *buf, u32 len, u32 rcap);
u32 pay_rcap(const void *buf, u32 len);
/* 1: verified, 0: no header (not ours), -1: inconsistent (reported) */
int pay_check(const void *buf, u32 len, const struct lpc_msg_info *info,
	      const char *what);
u64 pay_nonce(const void *buf, u32 len);
void section_fill(void *map, u64 size, u64 nonce, u64 ino);
void view_check(struct th *t, const struct view *v);

/*
 * After a successful receive: verify, record, and act on the message
 * (accept a connection request, keep a request for a reply).
 */
struct rx {
	int fd;
	const struct lpc_msg_info *info;
	const void *data;	/* NULL if the buffer was not ours */
	u32 cap;
	const struct lpc_msg_attr *attr; /* NULL unless ours and valid */
};
void handle_rx(struct th *t, const struct rx *rx);
void take_attr(struct th *t, const struct rx *rx, u64 expect);
void check_sync_reply(struct th *t, const struct lpc_xfer *x, u64 nonce,
		      bool verify);
bool ctx_ok(u64 ctx);
u64 ctx_new(struct proc *p);

/* ---- slow.c ---- */

void slow_init(struct proc *p);
u64 slow_ptr(struct th *t, u64 len);

/* ---- race.c ---- */

#define NR_ROLES	8
struct race;
struct race *race_new(struct proc *p);
void race_step(struct th *t, u32 roles);
bool race_on_connreq(struct th *t, int fd, u64 id);

/* ---- reap.c ---- */

void reap_descendants(void);

/* ---- misc ---- */

u64 now_ns(void);
pid_t gettid_(void);

#endif /* LPCFUZZ_H */
