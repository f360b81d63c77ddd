// SPDX-License-Identifier: GPL-2.0
/*
 * 8 client processes x 1,000 synchronous requests against a server of two
 * threads that both loop on reply-and-wait-receive on one connection port.
 *
 * Payloads vary in size and carry a checksum. The server checks every
 * request's checksum and marks (context, sequence) as seen, so a lost or
 * duplicated request shows; each client checks that every reply answers
 * its own request and carries the checksum the server computed.
 *
 * The work is bounded (8,000 round trips of at most 2 KiB): a few seconds
 * natively, well inside the timeout under TCG.
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

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_wait.h"

#define NCLIENTS	8
#define NREQ		1000
#define NTHREADS	2
#define MAXPAY		2048
#define REQ_MAGIC	0x52455131U	/* "REQ1" */
#define REP_MAGIC	0x52455031U	/* "REP1" */
#define CALL_NS		(60ULL * LPC_NSEC_PER_SEC)
#define RUN_SECS	240

struct req_hdr {
	__u32 magic;
	__u32 idx;
	__u32 seq;
	__u32 len;
	__u32 csum;	/* FNV-1a of the whole payload with csum = 0 */
};

struct rep {
	__u32 magic;
	__u32 idx;
	__u32 seq;
	__u32 csum;	/* the checksum the server computed */
};

static __u32 fnv1a(const void *p, size_t n)
{
	const unsigned char *c = p;
	__u32 h = 2166136261U;

	while (n--)
		h = (h ^ *c++) * 16777619U;
	return h;
}

/* Build request @seq of client @idx into @buf; returns its length. */
static __u32 make_request(unsigned char *buf, __u32 idx, __u32 seq)
{
	struct req_hdr h = { .magic = REQ_MAGIC, .idx = idx, .seq = seq };
	__u32 len, x, i;

	len = sizeof(h) + (seq * 7919U + idx * 104729U) %
			  (MAXPAY - sizeof(h) + 1);
	x = (idx * 0x9e3779b9U) ^ (seq * 0x85ebca6bU) ^ 1U;
	for (i = sizeof(h); i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = (unsigned char)x;
	}
	h.len = len;
	memcpy(buf, &h, sizeof(h));
	h.csum = fnv1a(buf, len);
	memcpy(buf, &h, sizeof(h));
	return len;
}

/* ---- the clients (forked processes) ---- */

static int stress_client(const char *name, __u32 idx)
{
	unsigned char buf[MAXPAY];
	struct lpc_connect c;
	struct lpc_xfer x;
	struct req_hdr h;
	struct rep r;
	int dev, port;
	__u32 seq, len;

	dev = lpc_open_dev();
	if (dev < 0)
		return 10;
	lpc_connect_init(&c, name, CALL_NS);
	c.data = lpc_ptr(&idx);
	c.data_len = sizeof(idx);
	port = sys_lpc_connect(dev, &c);
	if (port < 0)
		return 11;
	for (seq = 0; seq < NREQ; seq++) {
		len = make_request(buf, idx, seq);
		memcpy(&h, buf, sizeof(h));
		memset(&r, 0, sizeof(r));
		lpc_request_init(&x, buf, len, &r, sizeof(r) + 16, CALL_NS);
		if (sys_lpc_xfer(port, &x))
			return 20;
		if (x.info.type != LPC_MSG_REPLY)
			return 21;
		if (x.info.ref_id != x.send_id || !x.send_id)
			return 22;
		if (x.info.data_len != sizeof(r))
			return 23;
		if (r.magic != REP_MAGIC || r.idx != idx || r.seq != seq ||
		    r.csum != h.csum)
			return 24;
	}
	close(port);
	close(dev);
	return 0;
}

/* ---- the server (two threads in the test process) ---- */

struct stress {
	int cport;
	int sfd[NCLIENTS];
	unsigned char seen[NCLIENTS][NREQ];
	unsigned int count[NCLIENTS];
	int closed;
	int done;
	int errors;
	char first_error[256];
	__u64 deadline;
	pthread_mutex_t lock;
};

static void stress_fail(struct stress *s, const char *fmt, ...)
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

static void stress_accept(struct stress *s, struct lpc_msg_info *info,
			  const unsigned char *buf)
{
	__u32 idx;
	int fd;

	if (info->data_len != sizeof(idx)) {
		stress_fail(s, "connection data of %u bytes", info->data_len);
		return;
	}
	memcpy(&idx, buf, sizeof(idx));
	if (idx >= NCLIENTS) {
		stress_fail(s, "client index %u", idx);
		return;
	}
	fd = lpc_accept_id(s->cport, info->id, idx + 1, NULL, 0, 0);
	if (fd < 0) {
		stress_fail(s, "accept client %u: %s", idx, strerror(-fd));
		return;
	}
	pthread_mutex_lock(&s->lock);
	if (s->sfd[idx] >= 0)
		stress_fail(s, "client %u connected twice", idx);
	else
		s->sfd[idx] = fd;
	pthread_mutex_unlock(&s->lock);
}

/* Check a request; on success fill @r with the reply and return true. */
static bool stress_request(struct stress *s, struct lpc_msg_info *info,
			   unsigned char *buf, struct rep *r)
{
	struct req_hdr h;
	__u64 ctx = info->context;
	__u32 csum;

	if (ctx < 1 || ctx > NCLIENTS) {
		stress_fail(s, "request with context %llu",
			    (unsigned long long)ctx);
		return false;
	}
	if (info->data_len < sizeof(h)) {
		stress_fail(s, "request of %u bytes", info->data_len);
		return false;
	}
	memcpy(&h, buf, sizeof(h));
	if (h.magic != REQ_MAGIC || h.len != info->data_len ||
	    h.idx != ctx - 1 || h.seq >= NREQ) {
		stress_fail(s, "bad header: magic %x len %u/%u idx %u ctx %llu seq %u",
			    h.magic, h.len, info->data_len, h.idx,
			    (unsigned long long)ctx, h.seq);
		return false;
	}
	csum = h.csum;
	h.csum = 0;
	memcpy(buf, &h, sizeof(h));
	if (fnv1a(buf, info->data_len) != csum) {
		stress_fail(s, "checksum of client %u request %u", h.idx,
			    h.seq);
		return false;
	}
	if (__atomic_exchange_n(&s->seen[h.idx][h.seq], 1, __ATOMIC_RELAXED))
		stress_fail(s, "client %u request %u seen twice", h.idx,
			    h.seq);
	__atomic_fetch_add(&s->count[h.idx], 1, __ATOMIC_RELAXED);
	r->magic = REP_MAGIC;
	r->idx = h.idx;
	r->seq = h.seq;
	r->csum = csum;
	return true;
}

static void *stress_server(void *arg)
{
	struct stress *s = arg;
	unsigned char buf[MAXPAY];
	bool have_reply = false;
	struct lpc_xfer x;
	__u64 reply_id = 0;
	struct rep r;
	int ret;

	while (!__atomic_load_n(&s->done, __ATOMIC_ACQUIRE)) {
		if (lpc_now_ns() > s->deadline) {
			stress_fail(s, "server: out of time");
			break;
		}
		memset(&x, 0, sizeof(x));
		x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
		x.timeout_ns = 200 * LPC_NSEC_PER_MSEC;
		x.recv_buf = lpc_ptr(buf);
		x.recv_cap = sizeof(buf);
		if (have_reply) {
			x.flags |= LPC_XFER_SEND;
			x.send_type = LPC_MSG_REPLY;
			x.send_id = reply_id;
			x.send_buf = lpc_ptr(&r);
			x.send_len = sizeof(r);
		}
		ret = sys_lpc_xfer(s->cport, &x);
		have_reply = false;
		if (ret == -ETIMEDOUT)
			continue;	/* the reply (if any) went out */
		if (ret) {
			stress_fail(s, "server xfer: %s", strerror(-ret));
			break;
		}
		switch (x.info.type) {
		case LPC_MSG_CONNECTION_REQUEST:
			stress_accept(s, &x.info, buf);
			break;
		case LPC_MSG_REQUEST:
			have_reply = stress_request(s, &x.info, buf, &r);
			reply_id = x.info.id;
			break;
		case LPC_MSG_PORT_CLOSED:
		case LPC_MSG_CLIENT_DIED:
			if (__atomic_add_fetch(&s->closed, 1,
					       __ATOMIC_ACQ_REL) == NCLIENTS)
				__atomic_store_n(&s->done, 1,
						 __ATOMIC_RELEASE);
			break;
		default:
			stress_fail(s, "server got message type %u",
				    x.info.type);
		}
	}
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

FIXTURE(stress) {
	int dev;
	char name[LPC_NAME_MAX + 1];
	struct stress *s;
	pid_t pids[NCLIENTS];
};

FIXTURE_SETUP(stress)
{
	int i;

	self->dev = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	self->s = calloc(1, sizeof(*self->s));
	ASSERT_NE(NULL, self->s);
	pthread_mutex_init(&self->s->lock, NULL);
	for (i = 0; i < NCLIENTS; i++)
		self->s->sfd[i] = -1;
	self->s->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->s->cport);
}

FIXTURE_TEARDOWN(stress)
{
	int i;

	if (self->s) {
		for (i = 0; i < NCLIENTS; i++)
			lpc_close(&self->s->sfd[i]);
		lpc_close(&self->s->cport);
		free(self->s);
	}
	lpc_close(&self->dev);
}

TEST_F_TIMEOUT(stress, clients_8x1000_requests_2_server_threads,
	       RUN_SECS + 60)
{
	struct stress *s = self->s;
	pthread_t threads[NTHREADS];
	int i, seq, status, missing;

	/* Fork the clients first: no threads exist yet. */
	for (i = 0; i < NCLIENTS; i++) {
		self->pids[i] = fork();
		ASSERT_LE(0, self->pids[i]);
		if (self->pids[i] == 0) {
			lpc_child_init();
			close(s->cport);
			_exit(stress_client(self->name, (__u32)i));
		}
	}
	s->deadline = lpc_now_ns() + RUN_SECS * LPC_NSEC_PER_SEC;
	for (i = 0; i < NTHREADS; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, stress_server,
					    s));
	for (i = 0; i < NTHREADS; i++)
		pthread_join(threads[i], NULL);

	/* Release any client still waiting, then reap them all. */
	lpc_close(&s->cport);
	for (i = 0; i < NCLIENTS; i++) {
		status = lpc_wait_child(self->pids[i], LPC_WAIT_MS);
		EXPECT_EQ(0, status) {
			TH_LOG("client %d exited with %d", i, status);
		}
	}
	EXPECT_EQ(0, s->errors) {
		TH_LOG("%d server errors, first: %s", s->errors,
		       s->first_error);
	}
	EXPECT_EQ(NCLIENTS, s->closed);
	for (i = 0; i < NCLIENTS; i++) {
		missing = 0;
		for (seq = 0; seq < NREQ; seq++)
			missing += !s->seen[i][seq];
		EXPECT_EQ((unsigned int)NREQ, s->count[i]) {
			TH_LOG("client %d: %u requests served, %d missing", i,
			       s->count[i], missing);
		}
	}
}

TEST_HARNESS_MAIN
