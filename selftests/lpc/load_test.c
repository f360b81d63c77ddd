// SPDX-License-Identifier: GPL-2.0
/*
 * Checksummed load: NCLIENTS client processes x N synchronous requests
 * against a server of NTHREADS threads looping on reply-and-receive on one
 * connection port.
 *
 * Requests are 0 to 64 KiB: a tenth too small for a header (0 to 23
 * bytes), most up to 512 bytes, some up to 4 KiB, 2% up to 64 KiB inline,
 * and 2% (up to 64 KiB) carried in a view of a section the client filled
 * (the request itself is then just a header). The server
 * replies to each with a digest of what it received (FNV-1a 64, eight
 * bytes a step, of the inline payload or of the view), the request's own
 * sequence number (from its header), the id the kernel gave it and the
 * connection's context. The client checks all four, so a reply that is
 * lost (the call times out), corrupted (digest), duplicated or misrouted
 * (id, sequence or context of another request or client) fails the test;
 * the server also marks (client, sequence) as seen and counts each
 * client's requests, so a request served twice or never shows there too.
 * The rate is printed, not asserted.
 *
 * N is 20,000 on Debian's kernel and 2,000 on a debug kernel (KASAN and
 * lockdep under TCG are an order of magnitude slower); LPC_LOAD_N=n
 * overrides it. The log says which.
 *
 * The second test adds a client that floods the port with 0-byte
 * datagrams in batches of 64 for as long as the others run (N/10
 * requests each): every request must still complete, none may wait
 * longer than a generous bound, and the flood's rate is printed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_wait.h"

#define NCLIENTS	32
#define NTHREADS	4
#define N_FAST		20000
#define N_SLOW		2000
#define MSG_MAX		LPC_MSG_MAX
#define SECTION		65536
#define PAGE		4096
#define CALL_NS		(60ULL * LPC_NSEC_PER_SEC)
#define RUN_SECS	250	/* the server gives up after this */
#define FLOOD_BOUND_NS	(20ULL * LPC_NSEC_PER_SEC)	/* per request */

#define REQ_MAGIC	0x4c4f4144U	/* "LOAD" */
#define REP_MAGIC	0x4c524550U
#define NO_SEQ		0xffffffffU

enum { KIND_INLINE, KIND_VIEW };

struct req_hdr {
	__u32 magic;
	__u32 kind;
	__u32 idx;	/* the client */
	__u32 seq;
	__u32 len;	/* the payload's (or the view's) length */
	__u32 pad;
};

struct rep {
	__u32 magic;
	__u32 seq;	/* the request's, NO_SEQ if it had no header */
	__u64 digest;	/* of the payload or of the view */
	__u64 req_id;	/* the request's id as the server received it */
	__u64 ctx;	/* the connection's context */
};

/* ---- digests and payloads ---- */

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

/*
 * The size of a client's next request, and whether it goes in a view:
 * 10% 0-23 bytes (no room for a header), 70% up to 512, 16% up to 4 KiB,
 * 2% up to 64 KiB inline, 2% in a view of up to 64 KiB.
 */
static __u32 pick_size(__u64 *rs, int *kind)
{
	unsigned int k = (unsigned int)(xorshift(rs) % 100);
	__u64 r = xorshift(rs);

	*kind = KIND_INLINE;
	if (k < 10)
		return (__u32)(r % sizeof(struct req_hdr));
	if (k < 80)
		return sizeof(struct req_hdr) +
		       (__u32)(r % (513 - sizeof(struct req_hdr)));
	if (k < 96)
		return 513 + (__u32)(r % (4096 - 512));
	if (k < 98)
		return 4097 + (__u32)(r % (MSG_MAX - 4096));
	*kind = KIND_VIEW;
	return 1 + (__u32)(r % SECTION);
}

/*
 * Payloads are slices of a random pool at random offsets (with the
 * request's header written over their start): every request differs,
 * and none costs a fill.
 */
#define POOL		(2 * MSG_MAX)

/* ---- shared results ---- */

struct cres {
	unsigned int done;
	int failed;		/* exit code */
	__u64 max_ns;		/* slowest request */
	__u64 bytes;
	char why[200];
};

struct shared {
	int stop_flood;
	__u64 flood_sent;
	struct cres c[NCLIENTS + 1];
};

static void cfail(struct cres *r, int code, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return;
	r->failed = code;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* ---- clients ---- */

static int client_main(const char *name, __u32 idx, unsigned int n,
		       struct cres *res, int go)
{
	struct lpc_msg_attr attr;
	struct lpc_section_attr sa;
	struct lpc_connect c;
	unsigned char *buf, *map = NULL;
	struct req_hdr h;
	struct lpc_xfer x;
	struct rep rep;
	__u64 rs = 0x9e3779b97f4a7c15ULL * (idx + 1), d, t;
	__u32 seq, len, sent;
	int dev, port, sec = -1, kind;
	unsigned char *pool;
	char byte;

	pool = malloc(POOL);
	dev = lpc_open_dev();
	if (!pool || dev < 0)
		return 10;
	fill(pool, POOL, rs);
	lpc_connect_init(&c, name, CALL_NS);
	c.data = lpc_ptr(&idx);
	c.data_len = sizeof(idx);
	port = sys_lpc_connect(dev, &c);
	if (port < 0) {
		cfail(res, 11, "connect: %s", strerror(-port));
		return 11;
	}
	/* Everyone starts together, once all are connected. */
	if (read(go, &byte, 1) != 0)
		return 12;
	for (seq = 0; seq < n; seq++) {
		len = pick_size(&rs, &kind);
		sent = len;
		memset(&attr, 0, sizeof(attr));
		buf = pool + xorshift(&rs) % (POOL - MSG_MAX);
		lpc_request_init(&x, buf, len, &rep, sizeof(rep) + 8, CALL_NS);
		if (kind == KIND_VIEW) {
			if (sec < 0) {
				memset(&sa, 0, sizeof(sa));
				sa.size = SECTION;
				sec = lpc_ioctl(port, LPC_IOC_SECTION_CREATE, &sa);
				if (sec < 0) {
					cfail(res, 13, "section: %s",
					      strerror(-sec));
					return 13;
				}
				map = mmap(NULL, SECTION, PROT_READ | PROT_WRITE,
					   MAP_SHARED, sec, 0);
				if (map == MAP_FAILED)
					return 14;
			}
			memcpy(map, buf, len);
			memcpy(map, &seq, sizeof(seq));
			d = digest(map, len);
			attr.size = sizeof(attr);
			attr.flags = LPC_ATTR_VIEW;
			attr.view.section_fd = sec;
			attr.view.flags = LPC_VIEW_READONLY;
			attr.view.length = (len + PAGE - 1) / PAGE * PAGE;
			x.send_attr = lpc_ptr(&attr);
			sent = sizeof(h);
		}
		if (sent >= sizeof(h)) {
			h.magic = REQ_MAGIC;
			h.kind = (__u32)kind;
			h.idx = idx;
			h.seq = seq;
			h.len = len;
			h.pad = 0;
			memcpy(buf, &h, sizeof(h));
		}
		if (kind == KIND_INLINE)
			d = digest(buf, len);
		x.send_len = sent;
		t = lpc_now_ns();
		if (sys_lpc_xfer(port, &x)) {
			cfail(res, 20, "request %u (%u bytes): %s", seq, len,
			      strerror(errno));
			return 20;
		}
		t = lpc_now_ns() - t;
		if (t > res->max_ns)
			res->max_ns = t;
		if (x.info.type != LPC_MSG_REPLY || !x.send_id ||
		    x.info.ref_id != x.send_id ||
		    x.info.data_len != sizeof(rep)) {
			cfail(res, 21, "request %u: reply type %u ref %llu (sent %llu) len %u",
			      seq, x.info.type,
			      (unsigned long long)x.info.ref_id,
			      (unsigned long long)x.send_id, x.info.data_len);
			return 21;
		}
		if (rep.magic != REP_MAGIC || rep.req_id != x.send_id ||
		    rep.ctx != idx + 1) {
			cfail(res, 22, "request %u: reply for request %llu of context %llu: misrouted",
			      seq, (unsigned long long)rep.req_id,
			      (unsigned long long)rep.ctx);
			return 22;
		}
		if (rep.seq != (sent >= sizeof(h) ? seq : NO_SEQ)) {
			cfail(res, 23, "request %u: reply names sequence %u",
			      seq, rep.seq);
			return 23;
		}
		if (rep.digest != d) {
			cfail(res, 24, "request %u (%u bytes, %s): digest %016llx, expected %016llx",
			      seq, len, kind == KIND_VIEW ? "view" : "inline",
			      (unsigned long long)rep.digest,
			      (unsigned long long)d);
			return 24;
		}
		res->done++;
		res->bytes += len;
	}
	free(pool);
	if (map)
		munmap(map, SECTION);
	if (sec >= 0)
		close(sec);
	close(port);
	close(dev);
	return 0;
}

/* The flooder: 0-byte datagrams, 64 a call, until told to stop. */
static int flood_main(const char *name, struct shared *sh, int go)
{
	struct lpc_xfer xs[LPC_BATCH_MAX];
	struct lpc_connect c;
	struct lpc_batch b;
	__u32 idx = NCLIENTS;
	int dev, port, r, i;
	char byte;

	dev = lpc_open_dev();
	if (dev < 0)
		return 10;
	lpc_connect_init(&c, name, CALL_NS);
	c.data = lpc_ptr(&idx);
	c.data_len = sizeof(idx);
	port = sys_lpc_connect(dev, &c);
	if (port < 0)
		return 11;
	if (read(go, &byte, 1) != 0)
		return 12;
	memset(xs, 0, sizeof(xs));
	for (i = 0; i < LPC_BATCH_MAX; i++) {
		xs[i].flags = LPC_XFER_SEND;
		xs[i].send_type = LPC_MSG_DATAGRAM;
	}
	while (!__atomic_load_n(&sh->stop_flood, __ATOMIC_ACQUIRE)) {
		memset(&b, 0, sizeof(b));
		b.xfers = lpc_ptr(xs);
		b.count = LPC_BATCH_MAX;
		b.flags = LPC_XFER_TIMEOUT;
		b.timeout_ns = 200 * LPC_NSEC_PER_MSEC;
		r = lpc_ioctl(port, LPC_IOC_SEND_BATCH, &b);
		if (r > 0)
			__atomic_fetch_add(&sh->flood_sent, (__u64)r,
					   __ATOMIC_RELAXED);
		else if (r != -ETIMEDOUT)
			return 13;
	}
	close(port);
	close(dev);
	return 0;
}

/* ---- the server ---- */

struct server {
	int cport;
	unsigned int n;			/* requests per client */
	int nclients;			/* connections expected */
	int sfd[NCLIENTS + 1];
	unsigned char *seen;		/* [NCLIENTS][n] */
	unsigned int count[NCLIENTS];
	__u64 dgrams;
	int accepted, closed, done;
	int errors;
	char first_error[256];
	__u64 deadline;
	pthread_mutex_t lock;
};

static void sfail(struct server *s, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&s->lock);
	if (!s->errors++) {
		va_start(ap, fmt);
		vsnprintf(s->first_error, sizeof(s->first_error), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&s->lock);
}

static void s_accept(struct server *s, const struct lpc_msg_info *info,
		     const unsigned char *buf)
{
	__u32 idx;
	int fd;

	if (info->data_len != sizeof(idx)) {
		sfail(s, "connection data of %u bytes", info->data_len);
		return;
	}
	memcpy(&idx, buf, sizeof(idx));
	if (idx > NCLIENTS) {
		sfail(s, "client index %u", idx);
		return;
	}
	fd = lpc_accept_id(s->cport, info->id, idx + 1, NULL, 0, 0);
	if (fd < 0) {
		sfail(s, "accept %u: %s", idx, strerror(-fd));
		return;
	}
	pthread_mutex_lock(&s->lock);
	if (s->sfd[idx] >= 0)
		close(s->sfd[idx]);
	s->sfd[idx] = fd;
	s->accepted++;
	pthread_mutex_unlock(&s->lock);
}

/* Check a request and fill in its reply; false on a bad one. */
static bool s_request(struct server *s, const struct lpc_msg_info *info,
		      const unsigned char *buf,
		      const struct lpc_msg_attr *attr, struct rep *r)
{
	__u64 ctx = info->context;
	struct req_hdr h;
	__u32 idx = (__u32)(ctx - 1);

	if (ctx < 1 || ctx > NCLIENTS) {
		sfail(s, "request with context %llu", (unsigned long long)ctx);
		return false;
	}
	r->magic = REP_MAGIC;
	r->req_id = info->id;
	r->ctx = ctx;
	r->seq = NO_SEQ;
	if (info->data_len < sizeof(h)) {
		r->digest = digest(buf, info->data_len);
		goto count;
	}
	memcpy(&h, buf, sizeof(h));
	if (h.magic != REQ_MAGIC || h.idx != idx || h.seq >= s->n) {
		sfail(s, "request %llu from client %u: header magic %x idx %u seq %u",
		      (unsigned long long)info->id, idx, h.magic, h.idx, h.seq);
		return false;
	}
	r->seq = h.seq;
	if (h.kind == KIND_VIEW) {
		if (!(attr->flags & LPC_ATTR_VIEW) || !attr->view.addr ||
		    attr->view.length < h.len || info->data_len != sizeof(h)) {
			sfail(s, "view request %u of client %u without its view",
			      h.seq, idx);
			return false;
		}
		r->digest = digest((const void *)(uintptr_t)attr->view.addr,
				   h.len);
	} else {
		if (h.len != info->data_len) {
			sfail(s, "request %u of client %u: %u bytes, header says %u",
			      h.seq, idx, info->data_len, h.len);
			return false;
		}
		r->digest = digest(buf, info->data_len);
	}
	if (__atomic_exchange_n(&s->seen[(size_t)idx * s->n + h.seq], 1,
				__ATOMIC_RELAXED))
		sfail(s, "client %u request %u served twice", idx, h.seq);
count:
	__atomic_fetch_add(&s->count[idx], 1, __ATOMIC_RELAXED);
	return true;
}

static void *server_main(void *arg)
{
	struct server *s = arg;
	struct lpc_msg_attr attr;
	unsigned char *buf = malloc(MSG_MAX);
	bool have_reply = false;
	struct lpc_xfer x;
	__u64 reply_id = 0;
	struct rep r;
	int ret;

	if (!buf) {
		sfail(s, "no memory");
		return NULL;
	}
	while (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE)) {
		if (lpc_now_ns() > s->deadline) {
			sfail(s, "server: out of time (%d s)", RUN_SECS);
			break;
		}
		memset(&x, 0, sizeof(x));
		memset(&attr, 0, sizeof(attr));
		attr.size = sizeof(attr);
		attr.view.section_fd = -1;
		x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
		x.timeout_ns = 200 * LPC_NSEC_PER_MSEC;
		x.recv_buf = lpc_ptr(buf);
		x.recv_cap = MSG_MAX;
		x.recv_attr = lpc_ptr(&attr);
		if (have_reply) {
			x.flags |= LPC_XFER_SEND;
			x.send_type = LPC_MSG_REPLY;
			x.send_id = reply_id;
			x.send_buf = lpc_ptr(&r);
			x.send_len = sizeof(r);
		}
		ret = sys_lpc_xfer(s->cport, &x);
		if (ret && have_reply && !(x.flags & LPC_XFER_SENT)) {
			sfail(s, "reply to %llu: %s",
			      (unsigned long long)reply_id, strerror(-ret));
			break;
		}
		have_reply = false;
		if (ret == -ETIMEDOUT)
			continue;
		if (ret) {
			sfail(s, "server receive: %s", strerror(-ret));
			break;
		}
		switch (x.info.type) {
		case LPC_MSG_CONNECTION_REQUEST:
			s_accept(s, &x.info, buf);
			break;
		case LPC_MSG_REQUEST:
			have_reply = s_request(s, &x.info, buf, &attr, &r);
			reply_id = x.info.id;
			break;
		case LPC_MSG_DATAGRAM:
			__atomic_fetch_add(&s->dgrams, 1, __ATOMIC_RELAXED);
			break;
		case LPC_MSG_PORT_CLOSED:
		case LPC_MSG_CLIENT_DIED:
			if (__atomic_add_fetch(&s->closed, 1,
					       __ATOMIC_ACQ_REL) ==
			    s->nclients)
				__atomic_store_n(&s->done, 1,
						 __ATOMIC_RELEASE);
			break;
		default:
			sfail(s, "server got message type %u", x.info.type);
		}
	}
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	free(buf);
	return NULL;
}

/* ---- the fixture ---- */

FIXTURE(load) {
	int dev;
	char name[LPC_NAME_MAX + 1];
	struct server *s;
	struct shared *sh;
	pid_t pids[NCLIENTS + 1];
	int npids;
	unsigned int n;
	bool slow;
};

FIXTURE_SETUP(load)
{
	struct lpc_port_attr a;
	const char *env = getenv("LPC_LOAD_N");
	int i;

	self->dev = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_SECTIONS);
	self->slow = !access("/sys/kernel/debug/kmemleak", F_OK);
	self->n = env ? (unsigned int)strtoul(env, NULL, 0) :
			self->slow ? N_SLOW : N_FAST;
	ASSERT_LT(0U, self->n);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
	memset(self->sh, 0, sizeof(*self->sh));
	self->s = calloc(1, sizeof(*self->s));
	ASSERT_NE(NULL, self->s);
	pthread_mutex_init(&self->s->lock, NULL);
	for (i = 0; i <= NCLIENTS; i++)
		self->s->sfd[i] = -1;
	lpc_port_attr_init(&a, self->name);
	a.max_msg_len = MSG_MAX;
	self->s->cport = sys_lpc_create_port(self->dev, &a);
	ASSERT_LE(0, self->s->cport);
}

FIXTURE_TEARDOWN(load)
{
	int i;

	for (i = 0; i < self->npids; i++)
		if (self->pids[i] > 0)
			kill(self->pids[i], SIGKILL);
	for (i = 0; i < self->npids; i++)
		if (self->pids[i] > 0)
			waitpid(self->pids[i], NULL, 0);
	if (self->s) {
		for (i = 0; i <= NCLIENTS; i++)
			lpc_close(&self->s->sfd[i]);
		lpc_close(&self->s->cport);
		free(self->s->seen);
		free(self->s);
	}
	lpc_close(&self->dev);
}

/*
 * Run @nreq requests from each of @nclients clients (and a flooder if
 * @flood); check everything; return the elapsed nanoseconds.
 */
static __u64 run_load(struct __test_metadata *_metadata,
		      FIXTURE_DATA(load) *self, int nclients,
		      unsigned int nreq, bool flood)
{
	struct server *s = self->s;
	pthread_t threads[NTHREADS];
	__u64 start, elapsed, total = 0, bytes = 0, slowest = 0;
	int go[2], i, seq, status, missing;

	s->n = nreq;
	s->nclients = nclients + flood;
	s->seen = calloc((size_t)NCLIENTS * nreq, 1);
	ASSERT_NE(NULL, s->seen);
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));

	/* Fork the clients first: no threads exist yet. */
	for (i = 0; i < nclients + flood; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (pid == 0) {
			lpc_child_init();
			close(go[1]);
			close(s->cport);
			if (i == nclients)
				_exit(flood_main(self->name, self->sh, go[0]));
			_exit(client_main(self->name, (__u32)i, nreq,
					  &self->sh->c[i], go[0]));
		}
		self->pids[self->npids++] = pid;
	}
	close(go[0]);
	s->deadline = lpc_now_ns() + RUN_SECS * LPC_NSEC_PER_SEC;
	for (i = 0; i < NTHREADS; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, server_main,
					    s));
	/* Start once everyone is connected. */
	LPC_WAIT_UNTIL(__atomic_load_n(&s->accepted, __ATOMIC_ACQUIRE) >=
		       nclients + flood ||
		       __atomic_load_n(&s->done, __ATOMIC_ACQUIRE),
		       RUN_SECS * 1000);
	start = lpc_now_ns();
	close(go[1]);

	/* The requesters end on their own; then the flood is stopped. */
	for (i = 0; i < nclients; i++) {
		status = lpc_wait_child(self->pids[i],
					(RUN_SECS + 30) * 1000);
		self->pids[i] = 0;
		EXPECT_EQ(0, status) {
			TH_LOG("client %d exited with %d: %s", i, status,
			       self->sh->c[i].why);
		}
	}
	elapsed = lpc_now_ns() - start;
	if (flood) {
		__atomic_store_n(&self->sh->stop_flood, 1, __ATOMIC_RELEASE);
		status = lpc_wait_child(self->pids[nclients], LPC_WAIT_MS);
		self->pids[nclients] = 0;
		EXPECT_EQ(0, status) {
			TH_LOG("the flooder exited with %d", status);
		}
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(threads[i], NULL);

	EXPECT_EQ(0, s->errors) {
		TH_LOG("%d server errors, first: %s", s->errors,
		       s->first_error);
	}
	EXPECT_EQ(nclients + flood, s->closed);
	for (i = 0; i < nclients; i++) {
		missing = 0;
		for (seq = 0; seq < (int)nreq; seq++)
			missing += !s->seen[(size_t)i * nreq + seq];
		/* Headerless requests count without a sequence number. */
		EXPECT_EQ(nreq, s->count[i]) {
			TH_LOG("client %d: %u requests served (%d of those with headers missing)",
			       i, s->count[i], missing);
		}
		EXPECT_EQ(nreq, self->sh->c[i].done);
		total += self->sh->c[i].done;
		bytes += self->sh->c[i].bytes;
		if (self->sh->c[i].max_ns > slowest)
			slowest = self->sh->c[i].max_ns;
	}
	ksft_print_msg("%llu requests (%d clients x %u), %.1f MiB, in %.2f s: %.0f requests/s, %.1f MiB/s; slowest request %.1f ms\n",
		       (unsigned long long)total, nclients, nreq,
		       bytes / 1048576.0, elapsed / 1e9,
		       total / (elapsed / 1e9), bytes / 1048576.0 /
		       (elapsed / 1e9), slowest / 1e6);
	if (flood)
		ksft_print_msg("flood: %llu datagrams sent, %llu received, %.0f/s\n",
			       (unsigned long long)self->sh->flood_sent,
			       (unsigned long long)s->dgrams,
			       self->sh->flood_sent / (elapsed / 1e9));
	if (flood) {
		EXPECT_GT(FLOOD_BOUND_NS, slowest) {
			TH_LOG("a request waited %.1f s behind the flood",
			       slowest / 1e9);
		}
		EXPECT_LT(0ULL, self->sh->flood_sent);
	}
	return elapsed;
}

TEST_F_TIMEOUT(load, clients_32_checksummed_requests, RUN_SECS + 40)
{
	if (self->slow || getenv("LPC_LOAD_N"))
		ksft_print_msg("%u requests per client (%s)\n", self->n,
			       getenv("LPC_LOAD_N") ? "LPC_LOAD_N" :
			       "debug kernel; 20000 on a production one");
	run_load(_metadata, self, NCLIENTS, self->n, false);
}

TEST_F_TIMEOUT(load, requests_progress_under_datagram_flood, RUN_SECS + 40)
{
	unsigned int n = self->n / 10 ? self->n / 10 : 1;

	ksft_print_msg("%d clients x %u requests, 1 client flooding 0-byte datagrams\n",
		       NCLIENTS - 1, n);
	run_load(_metadata, self, NCLIENTS - 1, n, true);
}

TEST_HARNESS_MAIN
