// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ordinary Linux IPC peers: eventfd pair, futex ping-pong, POSIX
 * message queue pair, pipe pair, AF_UNIX SOCK_STREAM and SOCK_SEQPACKET
 * socketpairs.
 *
 * eventfd and futex can only signal, so the payload goes through a
 * MAP_SHARED anonymous buffer: the sender memcpy()s it in, the receiver
 * memcpy()s it out into its private buffer, each way, so the same bytes
 * move as with the peers that copy through the kernel.
 *
 * Rows above INLINE_MAX (the lpc view rows): eventfd, futex, pipe and
 * stream move the request's SIZE bytes the same way (the server copies or
 * reads every byte into its private buffer) and reply with the 8-byte
 * stamp only (rtt_reply_len()); mq and seqpacket cannot carry one message
 * that large with default limits and say why.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lpcbench.h"

static unsigned g_seq;	/* makes names unique within the process */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Streams cannot carry an empty message: size 0 moves a 1-byte token. */
static size_t wire_len(size_t size)
{
	return size ? size : 1;
}

int size_ok_any(size_t size, char *why)
{
	(void)size;
	(void)why;
	return 0;
}

/* ------------------------------------------------------------------ */
/* eventfd pair + shared buffer                                       */

struct shm_state {
	int efd[2];		/* [0] client->server, [1] server->client */
	unsigned char *shm;	/* futex words (futex peer) then payload */
	size_t shmsz;
};

#define SHM_HDR	64	/* the futex words live in the first cache line */

struct futex_words {
	uint32_t req;	/* last request number posted by the client */
	uint32_t rep;	/* last request number answered by the server */
};

static int shm_prepare(struct rtt_ctx *c, bool with_eventfd)
{
	struct shm_state *s = calloc(1, sizeof(*s));
	long page = sysconf(_SC_PAGESIZE);

	if (!s)
		return fail_errno(c->err, "calloc");
	s->efd[0] = s->efd[1] = -1;
	c->priv = s;
	s->shmsz = (SHM_HDR + c->bufsz + (size_t)page - 1) & ~((size_t)page - 1);
	s->shm = mmap(NULL, s->shmsz, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->shm == MAP_FAILED) {
		s->shm = NULL;
		c->fatal = true;
		return fail_errno(c->err, "mmap MAP_SHARED");
	}
	memset(s->shm, 0, s->shmsz);
	if (with_eventfd) {
		s->efd[0] = eventfd(0, EFD_CLOEXEC);
		s->efd[1] = eventfd(0, EFD_CLOEXEC);
		if (s->efd[0] < 0 || s->efd[1] < 0) {
			c->fatal = true;
			return fail_errno(c->err, "eventfd");
		}
	}
	return 0;
}

static void shm_cleanup(struct rtt_ctx *c)
{
	struct shm_state *s = c->priv;

	if (!s)
		return;
	close_fd(&s->efd[0]);
	close_fd(&s->efd[1]);
	if (s->shm)
		munmap(s->shm, s->shmsz);
	free(s);
	c->priv = NULL;
}

static int ev_post(int fd, char *err)
{
	uint64_t one = 1;

	if (write_full(fd, &one, sizeof(one)) < 0)
		return fail_errno(err, "eventfd write");
	return 0;
}

static int ev_wait(int fd, char *err)
{
	uint64_t v;
	int r = read_full(fd, &v, sizeof(v));

	if (r != 0) {
		if (r > 0)
			errno = EPIPE;
		return fail_errno(err, "eventfd read");
	}
	if (v != 1)
		return fail_msg(err, "eventfd: counter %llu, expected 1",
				(unsigned long long)v);
	return 0;
}

/* Server side of the shared buffer: copy the request out (every byte),
 * check it, put the reply in. */
static int shm_take_request(struct rtt_ctx *c, unsigned char *data,
			    uint64_t n)
{
	size_t rl = rtt_reply_len(c->size);

	memcpy(c->rbuf, data, c->size);
	if (!stamp_request_ok(c->rbuf, c->size))
		return fail_msg(c->err, "request %llu: head and tail stamps "
				"differ", (unsigned long long)n);
	stamp_reply(c->sbuf, c->rbuf, rl);
	memcpy(data, c->sbuf, rl);
	return 0;
}

/* Client side: the request in, then (after the wait) the reply out. */
static void shm_put_request(struct rtt_ctx *c, unsigned char *data,
			    uint64_t seq)
{
	stamp_request(c->sbuf, c->size, seq);
	memcpy(data, c->sbuf, c->size);
}

static bool shm_get_reply(struct rtt_ctx *c, unsigned char *data,
			  uint64_t seq)
{
	size_t rl = rtt_reply_len(c->size);

	memcpy(c->rbuf, data, rl);
	return stamp_ok(c->rbuf, rl, seq);
}

static int eventfd_prepare(struct rtt_ctx *c)
{
	return shm_prepare(c, true);
}

static int eventfd_serve(struct rtt_ctx *c)
{
	struct shm_state *s = c->priv;
	unsigned char *data = s->shm + SHM_HDR;
	uint64_t i;

	if (child_ready(c->sock) < 0)
		return fail_errno(c->err, "ready");
	for (i = 1; i <= c->total; i++) {
		if (ev_wait(s->efd[0], c->err) < 0)
			return -1;
		if (shm_take_request(c, data, i) < 0)
			return -1;
		if (ev_post(s->efd[1], c->err) < 0)
			return -1;
	}
	return 0;
}

static int eventfd_roundtrip(struct rtt_ctx *c, uint64_t seq)
{
	struct shm_state *s = c->priv;
	unsigned char *data = s->shm + SHM_HDR;

	shm_put_request(c, data, seq);
	if (ev_post(s->efd[0], c->err) < 0 || ev_wait(s->efd[1], c->err) < 0)
		return -1;
	if (!shm_get_reply(c, data, seq))
		return fail_msg(c->err, "eventfd: wrong reply to #%llu",
				(unsigned long long)seq);
	return 0;
}

const struct rtt_peer rtt_eventfd = {
	.name = "eventfd",
	.how = "two eventfds signal; payload memcpy'd in and out of a "
	       "MAP_SHARED buffer each way (* rows: SIZE bytes in and out "
	       "for the request, 8 for the reply)",
	.size_ok = size_ok_any,
	.prepare = eventfd_prepare,
	.serve = eventfd_serve,
	.roundtrip = eventfd_roundtrip,
	.cleanup = shm_cleanup,
};

/* ------------------------------------------------------------------ */
/* futex ping-pong on shared memory                                   */

static long futex(uint32_t *uaddr, int op, uint32_t val)
{
	/* Shared (not FUTEX_PRIVATE_FLAG): the waiters are two processes. */
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/* Wait until *word == want. 0, or -1 with errno. */
static int futex_wait_for(uint32_t *word, uint32_t want)
{
	for (;;) {
		uint32_t v = __atomic_load_n(word, __ATOMIC_ACQUIRE);

		if (v == want)
			return 0;
		if (futex(word, FUTEX_WAIT, v) < 0 && errno != EAGAIN) {
			if (retry_eintr(errno))
				continue;
			if (errno == EINTR)
				errno = ETIMEDOUT;
			return -1;
		}
	}
}

static int futex_post(uint32_t *word, uint32_t v, char *err)
{
	__atomic_store_n(word, v, __ATOMIC_RELEASE);
	if (futex(word, FUTEX_WAKE, 1) < 0)
		return fail_errno(err, "FUTEX_WAKE");
	return 0;
}

static int futex_prepare(struct rtt_ctx *c)
{
	return shm_prepare(c, false);
}

static int futex_serve(struct rtt_ctx *c)
{
	struct shm_state *s = c->priv;
	struct futex_words *w = (struct futex_words *)s->shm;
	unsigned char *data = s->shm + SHM_HDR;
	uint64_t i;

	if (child_ready(c->sock) < 0)
		return fail_errno(c->err, "ready");
	for (i = 1; i <= c->total; i++) {
		if (futex_wait_for(&w->req, (uint32_t)i) < 0)
			return fail_errno(c->err, "FUTEX_WAIT");
		if (shm_take_request(c, data, i) < 0)
			return -1;
		if (futex_post(&w->rep, (uint32_t)i, c->err) < 0)
			return -1;
	}
	return 0;
}

static int futex_roundtrip(struct rtt_ctx *c, uint64_t seq)
{
	struct shm_state *s = c->priv;
	struct futex_words *w = (struct futex_words *)s->shm;
	unsigned char *data = s->shm + SHM_HDR;

	shm_put_request(c, data, seq);
	if (futex_post(&w->req, (uint32_t)seq, c->err) < 0)
		return -1;
	if (futex_wait_for(&w->rep, (uint32_t)seq) < 0)
		return fail_errno(c->err, "FUTEX_WAIT");
	if (!shm_get_reply(c, data, seq))
		return fail_msg(c->err, "futex: wrong reply to #%llu",
				(unsigned long long)seq);
	return 0;
}

const struct rtt_peer rtt_futex = {
	.name = "futex",
	.how = "FUTEX_WAIT/WAKE on two shared words; payload memcpy'd in and "
	       "out of a MAP_SHARED buffer each way (* rows: SIZE bytes in "
	       "and out for the request, 8 for the reply)",
	.size_ok = size_ok_any,
	.prepare = futex_prepare,
	.serve = futex_serve,
	.roundtrip = futex_roundtrip,
	.cleanup = shm_cleanup,
};

/* ------------------------------------------------------------------ */
/* POSIX message queue pair                                           */

#define MSGSIZE_MAX_PATH "/proc/sys/fs/mqueue/msgsize_max"

static long g_mq_msgsize_max = -1;	/* in force now */
static long g_mq_msgsize_saved = -1;	/* to restore at exit */

static int mq_probe(char *why)
{
	size_t need = 0;
	unsigned i;

	g_mq_msgsize_max = read_long(MSGSIZE_MAX_PATH);
	for (i = 0; i < g_opt.nsizes; i++)
		if (g_opt.sizes[i] <= INLINE_MAX && g_opt.sizes[i] > need)
			need = g_opt.sizes[i];
	if (g_mq_msgsize_max >= 0 && (long)need > g_mq_msgsize_max) {
		/* Raise the limit for the run if we may; undone at exit. */
		long old = g_mq_msgsize_max;

		if (write_long(MSGSIZE_MAX_PATH, (long)need) == 0) {
			g_mq_msgsize_saved = old;
			g_mq_msgsize_max = (long)need;
			note("mq: raised %s from %ld to %zu for this run",
			     MSGSIZE_MAX_PATH, old, need);
		}
	}
	(void)why;
	return 0;
}

static int mq_size_ok(size_t size, char *why)
{
	if (size > INLINE_MAX)
		return fail_msg(why, "one POSIX message per request must fit "
				"msgsize_max and RLIMIT_MSGQUEUE (800 KiB by "
				"default); not run above 64 KiB");
	if (g_mq_msgsize_max >= 0 && (long)size > g_mq_msgsize_max &&
	    geteuid() != 0)
		return fail_msg(why, "msgsize_max is %ld", g_mq_msgsize_max);
	return 0;
}

struct mq_state {
	mqd_t q[2];	/* [0] client->server, [1] server->client */
};

static int mq_prepare(struct rtt_ctx *c)
{
	struct mq_state *s = calloc(1, sizeof(*s));
	struct mq_attr attr;
	char name[2][64];
	int i;

	if (!s)
		return fail_errno(c->err, "calloc");
	s->q[0] = s->q[1] = (mqd_t)-1;
	c->priv = s;
	memset(&attr, 0, sizeof(attr));
	attr.mq_maxmsg = 1;
	attr.mq_msgsize = (long)wire_len(c->size);
	g_seq++;
	for (i = 0; i < 2; i++) {
		snprintf(name[i], sizeof(name[i]), "/lpcbench.%d.%u.%d",
			 (int)getpid(), g_seq, i);
		s->q[i] = mq_open(name[i], O_RDWR | O_CREAT | O_EXCL, 0600,
				  &attr);
		if (s->q[i] == (mqd_t)-1) {
			c->fatal = errno == ENOSYS || errno == ENOENT;
			return fail_errno(c->err, "mq_open(msgsize %ld)",
					  attr.mq_msgsize);
		}
		/* Descriptors survive the unlink and the fork. */
		mq_unlink(name[i]);
	}
	return 0;
}

static void mq_cleanup(struct rtt_ctx *c)
{
	struct mq_state *s = c->priv;
	int i;

	if (!s)
		return;
	for (i = 0; i < 2; i++)
		if (s->q[i] != (mqd_t)-1)
			mq_close(s->q[i]);
	free(s);
	c->priv = NULL;
}

static int mq_recv_exact(mqd_t q, struct rtt_ctx *c, size_t want)
{
	for (;;) {
		ssize_t r = mq_receive(q, (char *)c->rbuf, c->bufsz, NULL);

		if (r >= 0) {
			if ((size_t)r != want)
				return fail_msg(c->err, "mq_receive: %zd bytes, "
						"expected %zu", r, want);
			return 0;
		}
		if (retry_eintr(errno))
			continue;
		if (errno == EINTR)
			errno = ETIMEDOUT;
		return fail_errno(c->err, "mq_receive");
	}
}

static int mq_send_all(mqd_t q, struct rtt_ctx *c)
{
	for (;;) {
		if (mq_send(q, (const char *)c->sbuf, c->size, 0) == 0)
			return 0;
		if (retry_eintr(errno))
			continue;
		if (errno == EINTR)
			errno = ETIMEDOUT;
		return fail_errno(c->err, "mq_send");
	}
}

static int mq_serve(struct rtt_ctx *c)
{
	struct mq_state *s = c->priv;
	uint64_t i;

	if (child_ready(c->sock) < 0)
		return fail_errno(c->err, "ready");
	for (i = 1; i <= c->total; i++) {
		if (mq_recv_exact(s->q[0], c, c->size) < 0)
			return -1;
		stamp_reply(c->sbuf, c->rbuf, c->size);
		if (mq_send_all(s->q[1], c) < 0)
			return -1;
	}
	return 0;
}

static int mq_roundtrip(struct rtt_ctx *c, uint64_t seq)
{
	struct mq_state *s = c->priv;

	stamp_put(c->sbuf, c->size, seq);
	if (mq_send_all(s->q[0], c) < 0 || mq_recv_exact(s->q[1], c, c->size) < 0)
		return -1;
	if (!stamp_ok(c->rbuf, c->size, seq))
		return fail_msg(c->err, "mq: wrong reply to #%llu",
				(unsigned long long)seq);
	return 0;
}

const struct rtt_peer rtt_mq = {
	.name = "mq",
	.how = "two POSIX message queues (mq_maxmsg 1), one message each way",
	.probe = mq_probe,
	.size_ok = mq_size_ok,
	.prepare = mq_prepare,
	.serve = mq_serve,
	.roundtrip = mq_roundtrip,
	.cleanup = mq_cleanup,
};

/* ------------------------------------------------------------------ */
/* pipe pair, SOCK_STREAM and SOCK_SEQPACKET socketpairs              */

struct fd_pair_state {
	int cli[2];	/* client's ends: [0] read, [1] write */
	int srv[2];	/* server's ends: [0] read, [1] write */
};

static struct fd_pair_state *fdp_new(struct rtt_ctx *c)
{
	struct fd_pair_state *s = calloc(1, sizeof(*s));

	if (!s) {
		fail_errno(c->err, "calloc");
		return NULL;
	}
	s->cli[0] = s->cli[1] = s->srv[0] = s->srv[1] = -1;
	c->priv = s;
	return s;
}

static void fdp_cleanup(struct rtt_ctx *c)
{
	struct fd_pair_state *s = c->priv;

	if (!s)
		return;
	close_fd(&s->cli[0]);
	close_fd(&s->cli[1]);
	close_fd(&s->srv[0]);
	close_fd(&s->srv[1]);
	free(s);
	c->priv = NULL;
}

/* Each side drops the other's ends, so a dead peer reads as EOF. */
static void fdp_keep_server(struct rtt_ctx *c)
{
	struct fd_pair_state *s = c->priv;

	close_fd(&s->cli[0]);
	close_fd(&s->cli[1]);
}

static int fdp_client_open(struct rtt_ctx *c)
{
	struct fd_pair_state *s = c->priv;

	close_fd(&s->srv[0]);
	close_fd(&s->srv[1]);
	return 0;
}

static int pipe_prepare(struct rtt_ctx *c)
{
	struct fd_pair_state *s = fdp_new(c);
	int a[2], b[2];

	if (!s)
		return -1;
	if (pipe2(a, O_CLOEXEC) < 0) {
		c->fatal = true;
		return fail_errno(c->err, "pipe2");
	}
	if (pipe2(b, O_CLOEXEC) < 0) {
		close(a[0]);
		close(a[1]);
		c->fatal = true;
		return fail_errno(c->err, "pipe2");
	}
	/* a: client -> server, b: server -> client */
	s->cli[1] = a[1];
	s->srv[0] = a[0];
	s->srv[1] = b[1];
	s->cli[0] = b[0];
	return 0;
}

/*
 * Byte streams (pipe, stream): the request is wire_len(size) bytes, the
 * reply wire_len(rtt_reply_len(size)); both are read whole. A pipe pair
 * has a read and a write end per side, a socketpair one fd per side
 * (cli[1] and srv[1] are then -1 and [0] does both).
 */
static int wfd_of(const int *fds)
{
	return fds[1] >= 0 ? fds[1] : fds[0];
}

static int stream_read(int fd, unsigned char *buf, size_t n, char *err)
{
	int r = read_full(fd, buf, n);

	if (r != 0) {
		if (r > 0)
			errno = EPIPE;
		return fail_errno(err, "read");
	}
	return 0;
}

static int bytes_serve(struct rtt_ctx *c)
{
	struct fd_pair_state *s = c->priv;
	size_t rl = rtt_reply_len(c->size);
	uint64_t i;

	fdp_keep_server(c);
	if (child_ready(c->sock) < 0)
		return fail_errno(c->err, "ready");
	for (i = 1; i <= c->total; i++) {
		if (stream_read(s->srv[0], c->rbuf, wire_len(c->size),
				c->err) < 0)
			return -1;
		if (!stamp_request_ok(c->rbuf, c->size))
			return fail_msg(c->err, "request %llu: head and tail "
					"stamps differ", (unsigned long long)i);
		stamp_reply(c->sbuf, c->rbuf, rl);
		if (write_full(wfd_of(s->srv), c->sbuf, wire_len(rl)) < 0)
			return fail_errno(c->err, "write");
	}
	return 0;
}

static int bytes_roundtrip(struct rtt_ctx *c, uint64_t seq)
{
	struct fd_pair_state *s = c->priv;
	size_t rl = rtt_reply_len(c->size);

	stamp_request(c->sbuf, c->size, seq);
	if (write_full(wfd_of(s->cli), c->sbuf, wire_len(c->size)) < 0)
		return fail_errno(c->err, "write");
	if (stream_read(s->cli[0], c->rbuf, wire_len(rl), c->err) < 0)
		return -1;
	if (!stamp_ok(c->rbuf, rl, seq))
		return fail_msg(c->err, "wrong reply to #%llu",
				(unsigned long long)seq);
	return 0;
}

const struct rtt_peer rtt_pipe = {
	.name = "pipe",
	.how = "two pipes, read/write of the whole payload (size 0 sends a "
	       "1-byte token; * rows: SIZE bytes for the request, 8 for the "
	       "reply)",
	.size_ok = size_ok_any,
	.prepare = pipe_prepare,
	.serve = bytes_serve,
	.client_open = fdp_client_open,
	.roundtrip = bytes_roundtrip,
	.cleanup = fdp_cleanup,
};

static int stream_prepare(struct rtt_ctx *c)
{
	struct fd_pair_state *s = fdp_new(c);
	int sv[2];

	if (!s)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		c->fatal = true;
		return fail_errno(c->err, "socketpair(SOCK_STREAM)");
	}
	s->cli[0] = sv[0];
	s->srv[0] = sv[1];
	return 0;
}

const struct rtt_peer rtt_stream = {
	.name = "stream",
	.how = "AF_UNIX SOCK_STREAM socketpair, write/read of the whole "
	       "payload (size 0 sends a 1-byte token; * rows: SIZE bytes for "
	       "the request, 8 for the reply)",
	.size_ok = size_ok_any,
	.prepare = stream_prepare,
	.serve = bytes_serve,
	.client_open = fdp_client_open,
	.roundtrip = bytes_roundtrip,
	.cleanup = fdp_cleanup,
};

static int seqpacket_size_ok(size_t size, char *why)
{
	if (size > INLINE_MAX)
		return fail_msg(why, "one record per request must fit the "
				"socket send buffer (wmem_default, 208 KiB); "
				"not run above 64 KiB");
	return 0;
}

static int seqpacket_prepare(struct rtt_ctx *c)
{
	struct fd_pair_state *s = fdp_new(c);
	int sv[2];

	if (!s)
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		c->fatal = true;
		return fail_errno(c->err, "socketpair(SOCK_SEQPACKET)");
	}
	s->cli[0] = sv[0];
	s->srv[0] = sv[1];
	return 0;
}

static int sp_send(int fd, struct rtt_ctx *c)
{
	for (;;) {
		ssize_t r = send(fd, c->sbuf, c->size, 0);

		if (r >= 0) {
			if ((size_t)r != c->size)
				return fail_msg(c->err, "send: %zd of %zu bytes",
						r, c->size);
			return 0;
		}
		if (retry_eintr(errno))
			continue;
		if (errno == EINTR)
			errno = ETIMEDOUT;
		return fail_errno(c->err, "send");
	}
}

static int sp_recv(int fd, struct rtt_ctx *c)
{
	for (;;) {
		ssize_t r = recv(fd, c->rbuf, c->bufsz, MSG_TRUNC);

		if (r >= 0) {
			/* 0 is also end of file, but then the counts do not
			 * add up and the stamps catch it for size >= 8. */
			if ((size_t)r != c->size)
				return fail_msg(c->err, "recv: %zd bytes, "
						"expected %zu", r, c->size);
			return 0;
		}
		if (retry_eintr(errno))
			continue;
		if (errno == EINTR)
			errno = ETIMEDOUT;
		return fail_errno(c->err, "recv");
	}
}

static int seqpacket_serve(struct rtt_ctx *c)
{
	struct fd_pair_state *s = c->priv;
	uint64_t i;

	fdp_keep_server(c);
	if (child_ready(c->sock) < 0)
		return fail_errno(c->err, "ready");
	for (i = 1; i <= c->total; i++) {
		if (sp_recv(s->srv[0], c) < 0)
			return -1;
		stamp_reply(c->sbuf, c->rbuf, c->size);
		if (sp_send(s->srv[0], c) < 0)
			return -1;
	}
	return 0;
}

static int seqpacket_roundtrip(struct rtt_ctx *c, uint64_t seq)
{
	struct fd_pair_state *s = c->priv;

	stamp_put(c->sbuf, c->size, seq);
	if (sp_send(s->cli[0], c) < 0 || sp_recv(s->cli[0], c) < 0)
		return -1;
	if (!stamp_ok(c->rbuf, c->size, seq))
		return fail_msg(c->err, "seqpacket: wrong reply to #%llu",
				(unsigned long long)seq);
	return 0;
}

const struct rtt_peer rtt_seqpacket = {
	.name = "seqpacket",
	.how = "AF_UNIX SOCK_SEQPACKET socketpair, one send/recv each way",
	.size_ok = seqpacket_size_ok,
	.prepare = seqpacket_prepare,
	.serve = seqpacket_serve,
	.client_open = fdp_client_open,
	.roundtrip = seqpacket_roundtrip,
	.cleanup = fdp_cleanup,
};

/* ------------------------------------------------------------------ */
/* datagram throughput: one shared pipe or socketpair, many senders     */

struct mmsg_vec;

struct tput_fds {
	int rfd, wfd;
	struct mmsg_vec *vec;	/* seqpacket-mmsg: this process's vectors, */
	size_t vec_len;		/* filled for this length */
};

static int tput_fds_prepare(struct tput_ctx *c, bool seqpacket)
{
	struct tput_fds *s = calloc(1, sizeof(*s));
	int fds[2];

	if (!s)
		return fail_errno(c->err, "calloc");
	s->rfd = s->wfd = -1;
	c->priv = s;
	if (seqpacket) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
			       fds) < 0) {
			c->fatal = true;
			return fail_errno(c->err, "socketpair(SOCK_SEQPACKET)");
		}
	} else if (pipe2(fds, O_CLOEXEC) < 0) {
		c->fatal = true;
		return fail_errno(c->err, "pipe2");
	}
	s->rfd = fds[0];
	s->wfd = fds[1];
	return 0;
}

static int tput_pipe_prepare(struct tput_ctx *c)
{
	return tput_fds_prepare(c, false);
}

static int tput_sp_prepare(struct tput_ctx *c)
{
	return tput_fds_prepare(c, true);
}

static int tput_fds_sender_open(struct tput_ctx *c)
{
	struct tput_fds *s = c->priv;

	close_fd(&s->rfd);
	return 0;
}

static int tput_fds_accept(struct tput_ctx *c)
{
	struct tput_fds *s = c->priv;

	/* The senders hold the write end now; once they all exit the
	 * receiver sees end of file instead of blocking forever. */
	close_fd(&s->wfd);
	return 0;
}

static void tput_fds_cleanup(struct tput_ctx *c)
{
	struct tput_fds *s = c->priv;

	if (!s)
		return;
	close_fd(&s->rfd);
	close_fd(&s->wfd);
	free(s->vec);
	free(s);
	c->priv = NULL;
}

static int tput_pipe_size_ok(size_t size, unsigned nsenders, char *why)
{
	if (size > INLINE_MAX)
		return fail_msg(why, "inline sizes only");
	/* Only writes up to PIPE_BUF are atomic among several writers. */
	if (nsenders > 1 && wire_len(size) > 4096)
		return fail_msg(why, "writes over PIPE_BUF interleave");
	return 0;
}

static int tput_pipe_send(struct tput_ctx *c)
{
	struct tput_fds *s = c->priv;

	if (write_full(s->wfd, c->buf, wire_len(c->size)) < 0)
		return fail_errno(c->err, "pipe write");
	return 0;
}

static int tput_pipe_recv(struct tput_ctx *c)
{
	struct tput_fds *s = c->priv;
	int r = read_full(s->rfd, c->buf, wire_len(c->size));

	if (r != 0) {
		if (r > 0)
			errno = EPIPE;
		return fail_errno(c->err, "pipe read");
	}
	return 0;
}

const struct tput_peer tput_pipe = {
	.name = "pipe",
	.how = "one pipe shared by the senders (size 0 sends a 1-byte token)",
	.size_ok = tput_pipe_size_ok,
	.prepare = tput_pipe_prepare,
	.sender_open = tput_fds_sender_open,
	.send_one = tput_pipe_send,
	.accept = tput_fds_accept,
	.recv_one = tput_pipe_recv,
	.cleanup = tput_fds_cleanup,
};

static int tput_sp_size_ok(size_t size, unsigned nsenders, char *why)
{
	(void)nsenders;
	if (size > INLINE_MAX)
		return fail_msg(why, "inline sizes only");
	return 0;
}

static int tput_sp_send(struct tput_ctx *c)
{
	struct tput_fds *s = c->priv;

	for (;;) {
		ssize_t r = send(s->wfd, c->buf, c->size, 0);

		if (r >= 0) {
			if ((size_t)r != c->size)
				return fail_msg(c->err, "send: %zd of %zu bytes",
						r, c->size);
			return 0;
		}
		if (retry_eintr(errno))
			continue;
		return fail_errno(c->err, "send");
	}
}

static int tput_sp_recv(struct tput_ctx *c)
{
	struct tput_fds *s = c->priv;

	for (;;) {
		ssize_t r = recv(s->rfd, c->buf, c->bufsz, MSG_TRUNC);

		if (r >= 0) {
			if ((size_t)r != c->size)
				return fail_msg(c->err, "recv: %zd bytes, "
						"expected %zu", r, c->size);
			return 0;
		}
		if (retry_eintr(errno))
			continue;
		if (errno == EINTR)
			errno = ETIMEDOUT;
		return fail_errno(c->err, "recv");
	}
}

const struct tput_peer tput_seqpacket = {
	.name = "seqpacket",
	.how = "one AF_UNIX SOCK_SEQPACKET socketpair; the senders share "
	       "one end",
	.size_ok = tput_sp_size_ok,
	.prepare = tput_sp_prepare,
	.sender_open = tput_fds_sender_open,
	.send_one = tput_sp_send,
	.accept = tput_fds_accept,
	.recv_one = tput_sp_recv,
	.cleanup = tput_fds_cleanup,
};

/* seqpacket-mmsg: the same socketpair, up to TPUT_BATCH datagrams per
 * sendmmsg() on each sender and per recvmmsg(MSG_WAITFORONE). */
struct mmsg_vec {
	struct mmsghdr m[TPUT_BATCH];
	struct iovec iov[TPUT_BATCH];
};

static void mmsg_fill(struct mmsg_vec *v, struct tput_ctx *c, unsigned n,
		      size_t len)
{
	unsigned i;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < n; i++) {
		v->iov[i].iov_base = TPUT_BUF(c, i);
		v->iov[i].iov_len = len;
		v->m[i].msg_hdr.msg_iov = &v->iov[i];
		v->m[i].msg_hdr.msg_iovlen = 1;
	}
}

/*
 * The vectors are filled once per process and reused, as a program that
 * batches keeps them: the kernel only writes their outputs (msg_len). The
 * lpc-batch peer keeps its entries the same way.
 */
static struct mmsg_vec *mmsg_vec(struct tput_ctx *c, size_t len)
{
	struct tput_fds *s = c->priv;

	if (!s->vec) {
		s->vec = malloc(sizeof(*s->vec));
		if (!s->vec)
			return NULL;
		s->vec_len = SIZE_MAX;	/* not filled yet: 0 is a length */
	}
	if (s->vec_len != len) {
		mmsg_fill(s->vec, c, TPUT_BATCH, len);
		s->vec_len = len;
	}
	return s->vec;
}

static int tput_mmsg_send(struct tput_ctx *c, unsigned batch)
{
	struct tput_fds *s = c->priv;
	struct mmsg_vec *v = mmsg_vec(c, c->size);
	unsigned i;
	int r;

	if (!v)
		return fail_errno(c->err, "malloc");
	for (;;) {
		r = sendmmsg(s->wfd, v->m, batch, 0);
		if (r > 0)
			break;
		if (r < 0 && retry_eintr(errno))
			continue;
		if (r == 0)
			return fail_msg(c->err, "sendmmsg sent nothing");
		return fail_errno(c->err, "sendmmsg");
	}
	for (i = 0; i < (unsigned)r; i++)
		if (v->m[i].msg_len != c->size)
			return fail_msg(c->err, "sendmmsg: %u of %zu bytes",
					v->m[i].msg_len, c->size);
	return r;
}

static int tput_mmsg_recv(struct tput_ctx *c, unsigned batch)
{
	struct tput_fds *s = c->priv;
	struct mmsg_vec *v = mmsg_vec(c, c->bufsz);
	unsigned i;
	int r;

	if (!v)
		return fail_errno(c->err, "malloc");
	for (;;) {
		r = recvmmsg(s->rfd, v->m, batch, MSG_WAITFORONE, NULL);
		if (r > 0)
			break;
		if (r < 0 && retry_eintr(errno))
			continue;
		if (r == 0)
			return fail_msg(c->err, "recvmmsg: end of file");
		if (errno == EINTR)
			errno = ETIMEDOUT;
		return fail_errno(c->err, "recvmmsg");
	}
	for (i = 0; i < (unsigned)r; i++)
		if (v->m[i].msg_len != c->size ||
		    (v->m[i].msg_hdr.msg_flags & MSG_TRUNC))
			return fail_msg(c->err, "recvmmsg: entry %u: %u bytes, "
					"flags 0x%x, expected %zu", i,
					v->m[i].msg_len,
					v->m[i].msg_hdr.msg_flags, c->size);
	return r;
}

const struct tput_peer tput_seqpacket_mmsg = {
	.name = "seqpacket-mmsg",
	.how = "the same socketpair, up to 64 datagrams per sendmmsg() on "
	       "each sender and per recvmmsg(MSG_WAITFORONE) on the receiver",
	.size_ok = tput_sp_size_ok,
	.prepare = tput_sp_prepare,
	.sender_open = tput_fds_sender_open,
	.accept = tput_fds_accept,
	.send_batch = tput_mmsg_send,
	.recv_batch = tput_mmsg_recv,
	.cleanup = tput_fds_cleanup,
};

void restore_mq_limit(void)
{
	if (g_mq_msgsize_saved >= 0) {
		if (write_long(MSGSIZE_MAX_PATH, g_mq_msgsize_saved) < 0)
			fprintf(stderr, "lpcbench: could not restore %s to %ld\n",
				MSGSIZE_MAX_PATH, g_mq_msgsize_saved);
		g_mq_msgsize_saved = -1;
	}
}
