// SPDX-License-Identifier: GPL-2.0
/*
 * Kill storm: SIGKILL at random moments, then prove nothing is left.
 *
 * A server tree (NSERVERS supervisor processes, each owning a named
 * connection port and NWORKERS worker processes that inherited it and
 * serve it: accepting, answering requests through views and direct
 * access, receiving datagrams, batches and fds) and NCLIENTS client
 * processes that connect to a random server and run random operations:
 * synchronous and asynchronous requests, datagrams, send batches, views of
 * sections, direct access to their buffers, datagrams carrying an fd,
 * disconnects. Every reply and every datagram carries a digest, checked
 * at the other end.
 *
 * Meanwhile the test sends up to KILLS SIGKILLs (or runs for at most
 * BUDGET seconds; fewer kills, over a longer budget, on a debug kernel,
 * and the log says so) at random moments, each to a random client, worker
 * or supervisor, and starts a new one in its place. The choices and
 * delays come from a seeded PRNG whose seed is printed (LPC_SEED=n picks
 * one; the timing of the kernel's side is not reproducible, of course).
 *
 * Then everything exits, and the test checks that nothing remains:
 * every process is reaped (the test is their subreaper), no connection
 * port is listed, and the per-user charges (ports, connections, section
 * bytes) are back to zero. The harness then unloads the module (which
 * fails if anything still holds it) and, on the debug kernel, scans
 * kmemleak. A corrupted or misrouted reply, a bad datagram, or an error
 * that a kill cannot explain also fails the test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_wait.h"
#include "lpc_charges.h"

#define NSERVERS	2
#define NWORKERS	2
#define NCLIENTS	8
#define MAXHELD		16	/* server ports a worker keeps */

#define KILLS		1000
#define BUDGET		60	/* seconds of kill storm */
#define KILLS_SLOW	500	/* on a debug kernel */
#define BUDGET_SLOW	150

#define OP_NS		(2ULL * LPC_NSEC_PER_SEC)
#define MSG_MAX		16384
#define PLAIN_MAX	8192
#define DGRAM_MAX	4096
#define SECTION		65536
#define DIRECT_MAX	16384
#define PAGE		4096

#define KS_MAGIC	0x4b53544dU	/* "KSTM" */
#define REP_MAGIC	0x4b535250U

enum { OP_PLAIN, OP_VIEW, OP_DIRECT, OP_ASYNC, OP_DGRAM, OP_BATCH,
       OP_FDS, OP_DISCONNECT, NOPS };

static const char *const op_names[NOPS] = {
	"request", "view request", "direct request", "async request",
	"datagram", "batch", "datagram+fd", "disconnect",
};

struct ks_hdr {
	__u32 magic;
	__u32 op;
	__u64 seq;
	__u64 digest;	/* of what follows, of the view or of range 0 */
	__u32 len;	/* bytes it covers */
	__u32 pad;
};

struct ks_rep {
	__u32 magic;
	__u32 op;
	__u64 seq;
	__u64 digest;	/* computed by the server */
	__u64 req_id;	/* the request's id as the server saw it */
};

struct ks_shared {
	int stop;
	unsigned long ops[NOPS];	/* completed, all clients */
	unsigned long lost;		/* operations cut short by a kill */
	unsigned long connects, accepts;
	unsigned long served, dgrams;	/* what the workers did */
	unsigned long sigbus;		/* a client's own ended section */
	unsigned long view_einval;	/* view of an ended connection */
	unsigned long bad;		/* corruption, unexplained errors */
	int why_set;
	char why[256];
};

static struct ks_shared *sh;

static void ks_bad(const char *fmt, ...)
{
	va_list ap;

	__atomic_fetch_add(&sh->bad, 1, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&sh->why_set, 1, __ATOMIC_ACQ_REL))
		return;
	va_start(ap, fmt);
	vsnprintf(sh->why, sizeof(sh->why), fmt, ap);
	va_end(ap);
}

static void ks_count(unsigned long *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static bool ks_stopping(void)
{
	return __atomic_load_n(&sh->stop, __ATOMIC_ACQUIRE);
}

/* ---- digests and patterns ---- */

/* FNV-1a 64, eight bytes a step (then the tail a byte a step). */
static __u64 digest(const void *p, size_t len)
{
	const unsigned char *c = p;
	__u64 h = 0xcbf29ce484222325ULL, w;

	for (; len >= 8; len -= 8, c += 8) {
		memcpy(&w, c, 8);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	while (len--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}

static __u64 xorshift(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill(void *p, size_t len, __u64 seed)
{
	unsigned char *c = p;
	__u64 s = seed | 1, w;

	for (; len >= 8; len -= 8, c += 8) {
		w = xorshift(&s);
		memcpy(c, &w, 8);
	}
	w = xorshift(&s);
	memcpy(c, &w, len);
}

static unsigned int rnd(__u64 *s, unsigned int n)
{
	return (unsigned int)(xorshift(s) >> 11) % n;
}

/* ---- names ---- */

static char port_names[NSERVERS][64];

static void ks_names(void)
{
	int i;

	for (i = 0; i < NSERVERS; i++)
		snprintf(port_names[i], sizeof(port_names[i]),
			 "lpc-selftest/%d/killstorm/%d", getpid(), i);
}

/* Errors a kill, a restart or a full queue explain. */
static bool kill_error(int e)
{
	switch (e) {
	case ECONNRESET:
	case ENOTCONN:
	case ETIMEDOUT:
	case ECANCELED:
	case EAGAIN:
	case ENOENT:
	case EUSERS:
		return true;
	}
	return false;
}

static void attr_init(struct lpc_msg_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->view.section_fd = -1;
}

/* ======== workers ======== */

struct held {
	int fd;
	__u64 ctx;
};

struct worker {
	int cport;
	__u64 next_ctx;
	struct held held[MAXHELD];
	int nheld;
	unsigned char *buf[4];		/* receive buffers */
	struct lpc_msg_attr attr[4];
	unsigned char *scratch;		/* direct access */
	struct ks_rep rep[4];
	struct lpc_xfer rx[4];
	int nrep;
	__u64 vaddr[4];		/* views of the requests being answered */
	int nview;
};

static sigjmp_buf view_jmp;
static volatile sig_atomic_t in_view;

static void on_sigbus(int sig)
{
	if (in_view)
		siglongjmp(view_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void held_close(struct worker *w, int i)
{
	close(w->held[i].fd);
	w->held[i] = w->held[--w->nheld];
}

/* Let go of server ports whose connection ended. */
static void held_reap(struct worker *w)
{
	int i;

	for (i = 0; i < w->nheld; i++) {
		if (lpc_poll(w->held[i].fd, POLLIN, 0) & POLLHUP)
			held_close(w, i--);
	}
}

static void w_accept(struct worker *w, const struct lpc_msg_info *info)
{
	__u64 ctx = w->next_ctx++;
	int fd;

	/* Refuse one in sixteen, with data. */
	if ((ctx & 15) == 7) {
		fd = lpc_accept_id(w->cport, info->id, 0, "no", 2,
				   LPC_ACCEPT_REJECT);
		if (fd && !kill_error(-fd))
			ks_bad("worker: reject: %s", strerror(-fd));
		return;
	}
	fd = lpc_accept_id(w->cport, info->id, ctx, "ok", 2, 0);
	if (fd < 0) {
		if (!kill_error(-fd))
			ks_bad("worker: accept: %s", strerror(-fd));
		return;
	}
	ks_count(&sh->accepts);
	if (w->nheld == MAXHELD)
		held_close(w, 0);	/* the oldest client is disconnected */
	w->held[w->nheld].fd = fd;
	w->held[w->nheld].ctx = ctx;
	w->nheld++;
}

static void w_gone(struct worker *w, __u64 ctx)
{
	int i;

	for (i = 0; i < w->nheld; i++)
		if (w->held[i].ctx == ctx) {
			held_close(w, i);
			return;
		}
}

/* Digest @len bytes of a view; false if its client's memory went. */
static bool view_digest(__u64 addr, __u32 len, __u64 *d)
{
	bool ok = false;

	in_view = 1;
	if (!sigsetjmp(view_jmp, 1)) {
		*d = digest((const void *)(uintptr_t)addr, len);
		ok = true;
	}
	in_view = 0;
	return ok;
}

static int w_direct(struct worker *w, __u64 id, const struct ks_hdr *h,
		    __u64 *d)
{
	struct lpc_direct dr;
	int r;

	memset(&dr, 0, sizeof(dr));
	dr.id = id;
	dr.buf = lpc_ptr(w->scratch);
	dr.len = h->len;
	r = lpc_ioctl(w->cport, LPC_IOC_DIRECT_READ, &dr);
	if (r != (int)h->len)
		return r < 0 ? r : -ESRCH;
	*d = digest(w->scratch, h->len);
	fill(w->scratch, h->len, h->seq * 3 + 1);
	dr.range = 1;
	r = lpc_ioctl(w->cport, LPC_IOC_DIRECT_WRITE, &dr);
	if (r != (int)h->len)
		return r < 0 ? r : -ESRCH;
	return 0;
}

/*
 * A request: check it, and prepare its reply in w->rep[w->nrep]. Returns
 * false when there is nothing to reply (its client is gone).
 */
static bool w_request(struct worker *w, const struct lpc_msg_info *info,
		      const unsigned char *buf, struct lpc_msg_attr *a)
{
	struct ks_rep *rep = &w->rep[w->nrep];
	struct ks_hdr h;
	__u64 d = 0;
	int r;

	if (info->data_len < sizeof(h)) {
		ks_bad("worker: request of %u bytes", info->data_len);
		return false;
	}
	memcpy(&h, buf, sizeof(h));
	if (h.magic != KS_MAGIC) {
		ks_bad("worker: request %llu: bad magic",
		       (unsigned long long)info->id);
		return false;
	}
	switch (h.op) {
	case OP_PLAIN:
	case OP_ASYNC:
		if (h.len != info->data_len - sizeof(h) ||
		    digest(buf + sizeof(h), h.len) != h.digest) {
			ks_bad("worker: request %llu (op %u) corrupted",
			       (unsigned long long)info->id, h.op);
			return false;
		}
		d = h.digest;
		break;
	case OP_VIEW:
		if (!(a->flags & LPC_ATTR_VIEW) || !a->view.addr ||
		    a->view.length < h.len) {
			ks_bad("worker: view request %llu without its view (flags %#x)",
			       (unsigned long long)info->id, a->flags);
			return false;
		}
		if (!view_digest(a->view.addr, h.len, &d)) {
			/*
			 * A mapped view keeps its section's pages even
			 * after its client died: it never faults.
			 */
			ks_bad("worker: view of request %llu faulted",
			       (unsigned long long)info->id);
			return false;
		}
		if (d != h.digest) {
			ks_bad("worker: view of request %llu corrupted",
			       (unsigned long long)info->id);
			return false;
		}
		break;
	case OP_DIRECT:
		if (!(a->flags & LPC_ATTR_DIRECT) || a->nr_ranges != 2) {
			ks_bad("worker: direct request %llu without ranges",
			       (unsigned long long)info->id);
			return false;
		}
		r = w_direct(w, info->id, &h, &d);
		if (r) {
			if (!kill_error(-r) && r != -ESRCH)
				ks_bad("worker: direct access: %s",
				       strerror(-r));
			return false;
		}
		if (d != h.digest) {
			ks_bad("worker: direct read of request %llu corrupted",
			       (unsigned long long)info->id);
			return false;
		}
		break;
	default:
		ks_bad("worker: request op %u", h.op);
		return false;
	}
	rep->magic = REP_MAGIC;
	rep->op = h.op;
	rep->seq = h.seq;
	rep->digest = d;
	rep->req_id = info->id;
	w->nrep++;
	return true;
}

static void w_datagram(const struct lpc_msg_info *info,
		       const unsigned char *buf, struct lpc_msg_attr *a)
{
	struct ks_hdr h;
	__u32 i;

	for (i = 0; (a->flags & LPC_ATTR_FDS) && i < a->nr_fds; i++)
		close(a->fds[i]);
	if (!info->data_len)
		return;		/* batches send empty ones too */
	if (info->data_len < sizeof(h)) {
		ks_bad("worker: datagram of %u bytes", info->data_len);
		return;
	}
	memcpy(&h, buf, sizeof(h));
	if (h.magic != KS_MAGIC || h.len != info->data_len - sizeof(h) ||
	    digest(buf + sizeof(h), h.len) != h.digest)
		ks_bad("worker: datagram %llu corrupted",
		       (unsigned long long)info->id);
	ks_count(&sh->dgrams);
}

static void w_message(struct worker *w, const struct lpc_msg_info *info,
		      const unsigned char *buf, struct lpc_msg_attr *a)
{
	switch (info->type) {
	case LPC_MSG_CONNECTION_REQUEST:
		w_accept(w, info);
		break;
	case LPC_MSG_REQUEST:
		/*
		 * A reply unmaps the request's view; one that fails (the
		 * connection ended) may leave it: released after replying.
		 */
		if ((a->flags & LPC_ATTR_VIEW) && a->view.addr)
			w->vaddr[w->nview++] = a->view.addr;
		w_request(w, info, buf, a);
		break;
	case LPC_MSG_DATAGRAM:
		w_datagram(info, buf, a);
		break;
	case LPC_MSG_PORT_CLOSED:
	case LPC_MSG_CLIENT_DIED:
		w_gone(w, info->context);
		break;
	default:
		ks_bad("worker: message type %u", info->type);
	}
}

static void w_reply_one(struct worker *w, int i)
{
	int r;

	r = lpc_reply(w->cport, w->rep[i].req_id, &w->rep[i],
		      sizeof(w->rep[i]));
	if (!r)
		ks_count(&sh->served);
	else if (!kill_error(-r))
		ks_bad("worker: reply: %s", strerror(-r));
}

/* Send the prepared replies, in one batch when there are several. */
static void w_replies(struct worker *w)
{
	struct lpc_xfer x[4];
	struct lpc_batch b;
	int i = 0, r, k;

	if (w->nrep == 1) {
		w_reply_one(w, 0);
		w->nrep = 0;
		return;
	}
	while (i < w->nrep) {
		for (k = i; k < w->nrep; k++) {
			memset(&x[k], 0, sizeof(x[k]));
			x[k].flags = LPC_XFER_SEND;
			x[k].send_type = LPC_MSG_REPLY;
			x[k].send_id = w->rep[k].req_id;
			x[k].send_buf = lpc_ptr(&w->rep[k]);
			x[k].send_len = sizeof(w->rep[k]);
		}
		memset(&b, 0, sizeof(b));
		b.xfers = lpc_ptr(&x[i]);
		b.count = (__u32)(w->nrep - i);
		r = lpc_ioctl(w->cport, LPC_IOC_SEND_BATCH, &b);
		if (r > 0) {
			for (k = 0; k < r; k++)
				ks_count(&sh->served);
			i += r;
			if (i < w->nrep) {
				/* That entry ended the batch: learn why. */
				w_reply_one(w, i);
				i++;
			}
		} else {
			if (!kill_error(-r))
				ks_bad("worker: reply batch: %s",
				       strerror(-r));
			i++;
		}
	}
	w->nrep = 0;
}

static int worker_main(int cport, __u64 seed)
{
	struct worker *w;
	struct lpc_batch b;
	__u64 rs = seed;
	int i, n, r;

	signal(SIGBUS, on_sigbus);
	w = calloc(1, sizeof(*w));
	if (!w)
		return 10;
	w->cport = cport;
	w->next_ctx = (__u64)getpid() << 32;
	for (i = 0; i < 4; i++)
		w->buf[i] = malloc(MSG_MAX);
	w->scratch = malloc(DIRECT_MAX);
	if (!w->buf[3] || !w->scratch)
		return 11;
	for (;;) {
		held_reap(w);
		n = rnd(&rs, 2) ? 4 : 1;
		for (i = 0; i < n; i++) {
			attr_init(&w->attr[i]);
			memset(&w->rx[i], 0, sizeof(w->rx[i]));
			w->rx[i].flags = LPC_XFER_RECV;
			w->rx[i].recv_buf = lpc_ptr(w->buf[i]);
			w->rx[i].recv_cap = MSG_MAX;
			w->rx[i].recv_attr = lpc_ptr(&w->attr[i]);
		}
		if (n == 1) {
			w->rx[0].flags |= LPC_XFER_TIMEOUT;
			w->rx[0].timeout_ns = 300 * LPC_NSEC_PER_MSEC;
			r = sys_lpc_xfer(cport, &w->rx[0]);
			r = r ? r : 1;
		} else {
			memset(&b, 0, sizeof(b));
			b.xfers = lpc_ptr(w->rx);
			b.count = 4;
			b.flags = LPC_XFER_TIMEOUT;
			b.timeout_ns = 300 * LPC_NSEC_PER_MSEC;
			r = lpc_ioctl(cport, LPC_IOC_RECV_BATCH, &b);
		}
		if (r == -ETIMEDOUT)
			continue;
		if (r < 0) {
			ks_bad("worker: receive: %s", strerror(-r));
			return 12;
		}
		for (i = 0; i < r; i++)
			w_message(w, &w->rx[i].info, w->buf[i], &w->attr[i]);
		if (w->nrep)
			w_replies(w);
		for (i = 0; i < w->nview; i++) {
			struct lpc_view_release vr = { .addr = w->vaddr[i] };

			r = lpc_ioctl(cport, LPC_IOC_VIEW_RELEASE, &vr);
			if (r && r != -ENOENT)
				ks_bad("worker: view release: %s",
				       strerror(-r));
		}
		w->nview = 0;
	}
}

/* ======== supervisors ======== */

static pid_t spawn_worker(int cport, __u64 seed)
{
	pid_t ppid = getpid(), pid = fork();

	if (pid)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != ppid)
		_exit(0);
	_exit(worker_main(cport, seed));
}

static int create_server_port(const char *name)
{
	struct lpc_port_attr a;
	int dev, fd;

	dev = lpc_open_dev();
	if (dev < 0)
		return dev;
	lpc_port_attr_init(&a, name);
	a.flags = LPC_PORT_ALLOW_FDS;
	a.max_msg_len = MSG_MAX;
	a.max_queued = 64;
	a.max_conns = 64;
	/* The last incarnation's workers may still hold the name. */
	LPC_WAIT_UNTIL((fd = sys_lpc_create_port(dev, &a)) != -EEXIST,
		       10 * 1000);
	close(dev);
	return fd;
}

static int supervisor_main(int s, int cmd, __u64 seed)
{
	pid_t workers[NWORKERS];
	unsigned char c[2];
	int cport, i, status;
	__u64 rs = seed;

	cport = create_server_port(port_names[s]);
	if (cport < 0) {
		ks_bad("supervisor %d: create: %s", s, strerror(-cport));
		return 10;
	}
	for (i = 0; i < NWORKERS; i++)
		workers[i] = spawn_worker(cport, xorshift(&rs));
	for (;;) {
		if (read(cmd, c, 2) != 2 || c[0] == 'q')
			break;
		i = c[1] % NWORKERS;
		kill(workers[i], SIGKILL);
		if (waitpid(workers[i], &status, 0) == workers[i] &&
		    !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
			ks_bad("supervisor %d: worker ended with status %#x",
			       s, status);
		workers[i] = spawn_worker(cport, xorshift(&rs));
	}
	for (i = 0; i < NWORKERS; i++)
		kill(workers[i], SIGKILL);
	for (i = 0; i < NWORKERS; i++) {
		if (waitpid(workers[i], &status, 0) == workers[i] &&
		    !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
			ks_bad("supervisor %d: worker ended with status %#x",
			       s, status);
	}
	close(cport);
	return 0;
}

/* ======== clients ======== */

struct client {
	int dev, port, efd;
	int sec;
	unsigned char *map;		/* the section, mapped */
	unsigned char *buf, *rbuf;
	unsigned char *range0, *range1;
	__u64 seq;
	__u64 rs;
};

/* An error of an operation: a kill explains it, or it is a bug. */
static int c_error(const char *what, int r)
{
	if (kill_error(-r)) {
		ks_count(&sh->lost);
		return r;
	}
	ks_bad("client %d: %s: %s", getpid(), what, strerror(-r));
	return r;
}

static __u32 c_header(struct client *c, __u32 op, __u32 len, __u64 d)
{
	struct ks_hdr h = {
		.magic = KS_MAGIC, .op = op, .seq = ++c->seq, .digest = d,
		.len = len,
	};

	memcpy(c->buf, &h, sizeof(h));
	return sizeof(h);
}

/* A reply to request @x: is it the one, and intact? */
static int c_check_reply(struct client *c, const struct lpc_xfer *x,
			 __u32 op, __u64 d)
{
	struct ks_rep rep;

	if (x->info.type != LPC_MSG_REPLY || x->info.ref_id != x->send_id ||
	    x->info.data_len != sizeof(rep)) {
		ks_bad("client %d: reply type %u ref %llu len %u to request %llu",
		       getpid(), x->info.type,
		       (unsigned long long)x->info.ref_id, x->info.data_len,
		       (unsigned long long)x->send_id);
		return -EPROTO;
	}
	memcpy(&rep, c->rbuf, sizeof(rep));
	if (rep.magic != REP_MAGIC || rep.op != op || rep.seq != c->seq ||
	    rep.digest != d || rep.req_id != x->send_id) {
		ks_bad("client %d: reply to request %llu (op %u seq %llu) corrupted or misrouted",
		       getpid(), (unsigned long long)x->send_id, op,
		       (unsigned long long)c->seq);
		return -EPROTO;
	}
	return 0;
}

static int c_sync(struct client *c, __u32 len, __u32 op,
		  struct lpc_msg_attr *a, __u64 d)
{
	struct lpc_xfer x;
	int r;

	lpc_request_init(&x, c->buf, len, c->rbuf, 64, OP_NS);
	x.send_attr = lpc_ptr(a);
	r = sys_lpc_xfer(c->port, &x);
	/*
	 * The server ended the connection, and with it the section, just
	 * before: the view is no section of the connection any more, an
	 * attribute error, which the uapi checks before -ENOTCONN.
	 */
	if (r == -EINVAL && op == OP_VIEW && !(x.flags & LPC_XFER_SENT) &&
	    (lpc_poll(c->port, POLLIN, 0) & POLLHUP)) {
		ks_count(&sh->view_einval);
		ks_count(&sh->lost);
		return r;
	}
	if (r)
		return c_error(op_names[op], r);
	return c_check_reply(c, &x, op, d);
}

static int c_plain(struct client *c)
{
	__u32 len = rnd(&c->rs, PLAIN_MAX + 1), hl;
	__u64 d;

	fill(c->buf + sizeof(struct ks_hdr), len, c->seq * 7 + 5);
	d = digest(c->buf + sizeof(struct ks_hdr), len);
	hl = c_header(c, OP_PLAIN, len, d);
	return c_sync(c, hl + len, OP_PLAIN, NULL, d);
}

static int c_view(struct client *c)
{
	__u32 len = 1 + rnd(&c->rs, SECTION), hl;
	struct lpc_msg_attr a;
	struct lpc_section_attr sa;
	__u64 d;

	if (c->sec < 0) {
		memset(&sa, 0, sizeof(sa));
		sa.size = SECTION;
		c->sec = lpc_ioctl(c->port, LPC_IOC_SECTION_CREATE, &sa);
		if (c->sec < 0)
			return c_error("section create", c->sec);
		c->map = mmap(NULL, SECTION, PROT_READ | PROT_WRITE,
			      MAP_SHARED, c->sec, 0);
		if (c->map == MAP_FAILED) {
			c->map = NULL;
			ks_bad("client: mmap section: %s", strerror(errno));
			return -EIO;
		}
	}
	/* Its connection may have ended: the section is emptied then. */
	in_view = 1;
	if (sigsetjmp(view_jmp, 1)) {
		in_view = 0;
		ks_count(&sh->sigbus);
		ks_count(&sh->lost);
		return -ECONNRESET;
	}
	fill(c->map, len, c->seq * 11 + 3);
	d = digest(c->map, len);
	in_view = 0;
	hl = c_header(c, OP_VIEW, len, d);
	attr_init(&a);
	a.flags = LPC_ATTR_VIEW;
	a.view.section_fd = c->sec;
	a.view.flags = LPC_VIEW_READONLY;
	a.view.length = (len + PAGE - 1) / PAGE * PAGE;
	return c_sync(c, hl, OP_VIEW, &a, d);
}

static int c_direct(struct client *c)
{
	__u32 len = 1 + rnd(&c->rs, DIRECT_MAX), hl;
	struct lpc_msg_attr a;
	unsigned char *want;
	__u64 d;
	int r;

	fill(c->range0, len, c->seq * 13 + 9);
	memset(c->range1, 0, len);
	d = digest(c->range0, len);
	hl = c_header(c, OP_DIRECT, len, d);
	attr_init(&a);
	a.flags = LPC_ATTR_DIRECT;
	a.nr_ranges = 2;
	a.ranges[0].addr = lpc_ptr(c->range0);
	a.ranges[0].length = len;
	a.ranges[0].access = LPC_ACCESS_READ;
	a.ranges[1].addr = lpc_ptr(c->range1);
	a.ranges[1].length = len;
	a.ranges[1].access = LPC_ACCESS_WRITE;
	r = c_sync(c, hl, OP_DIRECT, &a, d);
	if (r)
		return r;
	/* What the server wrote into range 1 arrived whole. */
	want = c->rbuf + 64;
	fill(want, len, c->seq * 3 + 1);
	if (memcmp(want, c->range1, len)) {
		ks_bad("client %d: direct write of request seq %llu corrupted",
		       getpid(), (unsigned long long)c->seq);
		return -EPROTO;
	}
	return 0;
}

static int c_async(struct client *c)
{
	__u32 len = rnd(&c->rs, 512), hl;
	struct lpc_xfer x;
	__u64 d, id;
	int r;

	fill(c->buf + sizeof(struct ks_hdr), len, c->seq * 17 + 1);
	d = digest(c->buf + sizeof(struct ks_hdr), len);
	hl = c_header(c, OP_ASYNC, len, d);
	r = lpc_request_async(c->port, c->buf, hl + len, 64, &id);
	if (r)
		return c_error("async request", r);
	/* A LOST_REPLY is the request itself: room for all of it. */
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x.timeout_ns = OP_NS;
	x.recv_buf = lpc_ptr(c->rbuf);
	x.recv_cap = 64 + DIRECT_MAX;
	r = sys_lpc_xfer(c->port, &x);
	if (r)
		return c_error("async reply", r);
	if (x.info.type == LPC_MSG_PORT_CLOSED ||
	    x.info.type == LPC_MSG_LOST_REPLY) {
		ks_count(&sh->lost);
		return -ECONNRESET;
	}
	x.send_id = id;
	return c_check_reply(c, &x, OP_ASYNC, d);
}

static int c_dgram(struct client *c, struct lpc_msg_attr *a, __u32 op)
{
	__u32 len = rnd(&c->rs, DGRAM_MAX), hl;
	struct lpc_xfer x;
	__u64 d;
	int r;

	fill(c->buf + sizeof(struct ks_hdr), len, c->seq * 19 + 7);
	d = digest(c->buf + sizeof(struct ks_hdr), len);
	hl = c_header(c, op, len, d);
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_TIMEOUT;
	x.timeout_ns = OP_NS;
	x.send_type = LPC_MSG_DATAGRAM;
	x.send_buf = lpc_ptr(c->buf);
	x.send_len = hl + len;
	x.send_attr = lpc_ptr(a);
	r = sys_lpc_xfer(c->port, &x);
	return r ? c_error(op_names[op], r) : 0;
}

static int c_fds(struct client *c)
{
	struct lpc_msg_attr a;

	attr_init(&a);
	a.flags = LPC_ATTR_FDS;
	a.nr_fds = 1;
	a.fds[0] = c->efd;
	return c_dgram(c, &a, OP_FDS);
}

static int c_batch(struct client *c)
{
	struct lpc_xfer x[16];
	struct lpc_batch b;
	__u32 n = 1 + rnd(&c->rs, 16), i, len, off = 0;
	unsigned char *p;
	int r;

	for (i = 0; i < n; i++) {
		p = c->range0 + off;
		len = rnd(&c->rs, 4) ? 0 : rnd(&c->rs, 200);
		memset(&x[i], 0, sizeof(x[i]));
		x[i].flags = LPC_XFER_SEND;
		x[i].send_type = LPC_MSG_DATAGRAM;
		x[i].send_buf = lpc_ptr(p);
		if (len) {
			struct ks_hdr h = {
				.magic = KS_MAGIC, .op = OP_BATCH,
				.seq = ++c->seq, .len = len,
			};

			fill(p + sizeof(h), len, c->seq);
			h.digest = digest(p + sizeof(h), len);
			memcpy(p, &h, sizeof(h));
			len += sizeof(h);
		}
		x[i].send_len = len;
		off += 256;
	}
	memset(&b, 0, sizeof(b));
	b.xfers = lpc_ptr(x);
	b.count = n;
	b.flags = LPC_XFER_TIMEOUT;
	b.timeout_ns = OP_NS;
	r = lpc_ioctl(c->port, LPC_IOC_SEND_BATCH, &b);
	return r < 0 ? c_error("batch", r) : 0;
}

static void c_disconnect_close(struct client *c)
{
	if (c->map)
		munmap(c->map, SECTION);
	c->map = NULL;
	lpc_close(&c->sec);
	lpc_close(&c->port);
}

static int client_main(int idx, __u64 seed)
{
	struct lpc_connect conn;
	struct client *c;
	char reply[16];
	int k, nops, op, r;

	signal(SIGBUS, on_sigbus);
	c = calloc(1, sizeof(*c));
	if (!c)
		return 10;
	c->rs = seed | 1;
	c->sec = c->port = -1;
	c->dev = lpc_open_dev();
	c->efd = eventfd(0, EFD_CLOEXEC);
	c->buf = malloc(MSG_MAX);
	c->rbuf = malloc(64 + DIRECT_MAX);
	c->range0 = malloc(DIRECT_MAX);
	c->range1 = malloc(DIRECT_MAX);
	if (c->dev < 0 || c->efd < 0 || !c->buf || !c->rbuf || !c->range0 ||
	    !c->range1)
		return 11;
	while (!ks_stopping()) {
		lpc_connect_init(&conn, port_names[rnd(&c->rs, NSERVERS)],
				 OP_NS);
		conn.reply = lpc_ptr(reply);
		conn.reply_cap = sizeof(reply);
		c->port = sys_lpc_connect(c->dev, &conn);
		if (c->port < 0) {
			r = c->port;
			c->port = -1;
			if (r == -ENOENT)
				lpc_poll_pause();	/* its server is restarting */
			else if (r != -ECONNREFUSED)
				c_error("connect", r);
			continue;
		}
		ks_count(&sh->connects);
		nops = 1 + (int)rnd(&c->rs, 40);
		for (k = 0; k < nops && !ks_stopping(); k++) {
			op = (int)rnd(&c->rs, NOPS);
			switch (op) {
			case OP_PLAIN:
				r = c_plain(c);
				break;
			case OP_VIEW:
				r = c_view(c);
				break;
			case OP_DIRECT:
				r = c_direct(c);
				break;
			case OP_ASYNC:
				r = c_async(c);
				break;
			case OP_DGRAM:
				r = c_dgram(c, NULL, OP_DGRAM);
				break;
			case OP_BATCH:
				r = c_batch(c);
				break;
			case OP_FDS:
				r = c_fds(c);
				break;
			default:
				r = sys_lpc_disconnect(c->port);
				if (r)
					c_error("disconnect", r);
				else
					ks_count(&sh->ops[op]);
				r = -ENOTCONN;
				break;
			}
			if (!r)
				ks_count(&sh->ops[op]);
			if (r)
				break;
		}
		c_disconnect_close(c);
	}
	return 0;
}

/* ======== the storm ======== */

struct proc {
	pid_t pid;
	int cmd;	/* supervisors: the write end of their command pipe */
	bool alive;
	int status;
};

FIXTURE(storm) {
	int dev;
	struct proc clients[NCLIENTS];
	struct proc servers[NSERVERS];
	unsigned long orphans;
	__u64 rs;
};

FIXTURE_SETUP(storm)
{
	self->dev = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_SECTIONS | LPC_FEAT_DIRECT |
				       LPC_FEAT_BATCH | LPC_FEAT_FDS);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	ks_names();
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	signal(SIGPIPE, SIG_IGN);
}

FIXTURE_TEARDOWN(storm)
{
	int i;

	/* Only after a failed assertion is anything still running. */
	for (i = 0; i < NCLIENTS; i++)
		if (self->clients[i].alive)
			kill(self->clients[i].pid, SIGKILL);
	for (i = 0; i < NSERVERS; i++)
		if (self->servers[i].alive)
			kill(self->servers[i].pid, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
	lpc_close(&self->dev);
}

/* Reap whatever exited; record it if it is one of ours. */
static bool reap_some(FIXTURE_DATA(storm) *self)
{
	bool any = false;
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		any = true;
		for (i = 0; i < NCLIENTS; i++)
			if (self->clients[i].alive &&
			    self->clients[i].pid == pid)
				goto found_c;
		for (i = 0; i < NSERVERS; i++)
			if (self->servers[i].alive &&
			    self->servers[i].pid == pid)
				goto found_s;
		self->orphans++;	/* a dead supervisor's worker */
		continue;
found_c:
		self->clients[i].alive = false;
		self->clients[i].status = status;
		continue;
found_s:
		self->servers[i].alive = false;
		self->servers[i].status = status;
	}
	return any;
}

/* Wait, at most @ms, for @p to have been reaped. */
static bool reap_wait(FIXTURE_DATA(storm) *self, struct proc *p, int ms)
{
	return LPC_WAIT_UNTIL((reap_some(self), !p->alive), ms);
}

/* Reap what exited of the storm's orphans: -ECHILD once none is left. */
static int reap_orphans(FIXTURE_DATA(storm) *self)
{
	pid_t ret;

	while ((ret = waitpid(-1, NULL, WNOHANG)) > 0)
		self->orphans++;
	return ret < 0 ? -errno : 0;
}

static void spawn_client(FIXTURE_DATA(storm) *self, int i)
{
	__u64 seed = xorshift(&self->rs);
	pid_t pid = fork();

	if (pid == 0) {
		lpc_child_init();
		_exit(client_main(i, seed));
	}
	self->clients[i].pid = pid;
	self->clients[i].alive = pid > 0;
}

static void spawn_server(FIXTURE_DATA(storm) *self, int s)
{
	__u64 seed = xorshift(&self->rs);
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		self->servers[s].alive = false;
		return;
	}
	pid = fork();
	if (pid == 0) {
		lpc_child_init();
		close(p[1]);
		_exit(supervisor_main(s, p[0], seed));
	}
	close(p[0]);
	self->servers[s].pid = pid;
	self->servers[s].cmd = p[1];
	self->servers[s].alive = pid > 0;
}

static bool killed_or_ok(int status)
{
	return (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
	       (WIFEXITED(status) && !WEXITSTATUS(status));
}

TEST_F_TIMEOUT(storm, sigkill_storm_leaves_nothing, BUDGET_SLOW + 200)
{
	unsigned long kills[3] = { 0, 0, 0 }, total = 0, target, budget;
	char why[256], first[LPC_NAME_MAX + 1];
	const char *env = getenv("LPC_SEED");
	bool slow = !access("/sys/kernel/debug/kmemleak", F_OK);
	__u64 seed, start, end, avg_us;
	unsigned char cmd[2];
	int i, k, ret;

	seed = env ? strtoull(env, NULL, 0) :
		     (lpc_now_ns() ^ ((__u64)getpid() << 32));
	seed |= 1;
	self->rs = seed;
	target = slow ? KILLS_SLOW : KILLS;
	budget = slow ? BUDGET_SLOW : BUDGET;
	ksft_print_msg("seed %llu (LPC_SEED=%llu repeats the choices)\n",
		       (unsigned long long)seed, (unsigned long long)seed);
	if (slow)
		ksft_print_msg("debug kernel: %lu kills in at most %lu s (not %d in %d s)\n",
			       target, budget, KILLS, BUDGET);

	for (i = 0; i < NSERVERS; i++)
		spawn_server(self, i);
	for (i = 0; i < NCLIENTS; i++)
		spawn_client(self, i);

	/* The storm: random victims at random moments. */
	/* A kill and its restart take time too: pause 2/3 of the share. */
	avg_us = budget * 1000000ULL / target * 2 / 3;
	start = lpc_now_ns();
	end = start + budget * LPC_NSEC_PER_SEC;
	while (total < target && lpc_now_ns() < end) {
		/* Not ordering: a random moment is what the storm tests. */
		usleep((useconds_t)rnd(&self->rs, (unsigned int)(2 * avg_us)));
		reap_some(self);
		k = (int)rnd(&self->rs, 100);
		if (k < 50) {
			i = (int)rnd(&self->rs, NCLIENTS);
			if (self->clients[i].alive) {
				kill(self->clients[i].pid, SIGKILL);
				ASSERT_TRUE(reap_wait(self, &self->clients[i],
						      LPC_WAIT_MS));
			}
			ASSERT_TRUE(killed_or_ok(self->clients[i].status)) {
				TH_LOG("client %d: status %#x (%s)", i,
				       self->clients[i].status, sh->why);
			}
			spawn_client(self, i);
			kills[0]++;
		} else if (k < 85) {
			i = (int)rnd(&self->rs, NSERVERS);
			cmd[0] = 'k';
			cmd[1] = (unsigned char)rnd(&self->rs, NWORKERS);
			if (write(self->servers[i].cmd, cmd, 2) == 2)
				kills[1]++;
		} else {
			i = (int)rnd(&self->rs, NSERVERS);
			if (self->servers[i].alive) {
				kill(self->servers[i].pid, SIGKILL);
				ASSERT_TRUE(reap_wait(self, &self->servers[i],
						      LPC_WAIT_MS));
			}
			ASSERT_TRUE(killed_or_ok(self->servers[i].status)) {
				TH_LOG("supervisor %d: status %#x (%s)", i,
				       self->servers[i].status, sh->why);
			}
			close(self->servers[i].cmd);
			spawn_server(self, i);
			kills[2]++;
		}
		total = kills[0] + kills[1] + kills[2];
	}
	ksft_print_msg("%lu kills in %.1f s: %lu clients, %lu workers, %lu supervisors (%lu orphaned workers reaped)\n",
		       total, (lpc_now_ns() - start) / 1e9, kills[0], kills[1],
		       kills[2], self->orphans);
	if (total < target)
		ksft_print_msg("the %lu s budget ran out before %lu kills\n",
			       budget, target);

	/* Everything exits: clients on their own, servers when told. */
	__atomic_store_n(&sh->stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < NCLIENTS; i++) {
		if (!reap_wait(self, &self->clients[i], 4 * LPC_WAIT_MS)) {
			TH_LOG("client %d did not stop: killed", i);
			kill(self->clients[i].pid, SIGKILL);
			ASSERT_TRUE(reap_wait(self, &self->clients[i],
					      LPC_WAIT_MS));
		}
		EXPECT_TRUE(killed_or_ok(self->clients[i].status));
	}
	for (i = 0; i < NSERVERS; i++) {
		cmd[0] = 'q';
		cmd[1] = 0;
		if (write(self->servers[i].cmd, cmd, 2) != 2)
			kill(self->servers[i].pid, SIGKILL);
		close(self->servers[i].cmd);
		ASSERT_TRUE(reap_wait(self, &self->servers[i], 4 * LPC_WAIT_MS));
		EXPECT_TRUE(killed_or_ok(self->servers[i].status));
	}
	/* Every process of the storm is gone, orphans included. */
	LPC_WAIT_UNTIL((ret = reap_orphans(self)) < 0, LPC_WAIT_MS);
	ASSERT_EQ(-ECHILD, ret) {
		TH_LOG("processes of the storm are still running");
	}

	ksft_print_msg("clients: %lu connects, %lu operations cut short (%lu view sends -EINVAL on an ended connection); workers: %lu accepts, %lu replies, %lu datagrams; %lu SIGBUS in clients on their own sections of ended connections\n",
		       sh->connects, sh->lost, sh->view_einval, sh->accepts,
		       sh->served, sh->dgrams, sh->sigbus);
	for (i = 0; i < NOPS; i++)
		ksft_print_msg("  %-16s %lu done\n", op_names[i], sh->ops[i]);
	EXPECT_EQ(0UL, sh->bad) {
		TH_LOG("%lu errors, first: %s", sh->bad, sh->why);
	}
	EXPECT_LT(0UL, sh->ops[OP_PLAIN]);

	/* Nothing remains: no port, no charge. */
	ret = lpc_count_ports(self->dev, first, sizeof(first));
	EXPECT_EQ(0, ret) {
		TH_LOG("ports still listed (first: \"%s\")", first);
	}
	ret = lpc_charges_zero(why, sizeof(why));
	if (ret == -ENOENT) {
		TH_LOG("charges not checked: %s", why);
	} else {
		EXPECT_EQ(0, ret) {
			TH_LOG("%s", why);
		}
	}
}

TEST_HARNESS_MAIN
