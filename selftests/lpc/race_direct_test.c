// SPDX-License-Identifier: GPL-2.0
/*
 * Races around direct access (LPC_IOC_DIRECT_READ) and the reply that
 * ends the request it reads from.
 *
 * lpc_direct() keeps the request's attributes (msg->ext) in its state
 * and reads ext->requester_mm again before every 64 KiB chunk, holding
 * only a message reference. A reply swaps the request's attributes for
 * its own before it copies its data (__lpc_attr_replace() frees the
 * request's); when that copy fails, the request goes back into service
 * with the *reply's* attributes, and a direct read parked between two
 * chunks goes on with freed memory.
 *
 * The uapi says: a reply that fails leaves the request in service, to be
 * answered again; its declared ranges stay readable until it is answered.
 * A DIRECT range is a request's attribute: a reply carrying one is
 * refused with -EINVAL.
 *
 * The fixture is one accepted connection; the requester is a helper
 * thread or a forked child, the test body is the server.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <sys/mman.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"
#include "lpc_race.h"
#include "lpc_uffd.h"

/* Two chunks of lpc_direct_copy() (16 pages each). */
#define CHUNK		(16 * LPC_PAGE)
#define RANGE		(2 * CHUNK)
#define SEED_CLIENT	0x11
#define SEED_SERVER	0x77
/* Requests of the server's own that try to take the freed memory. */
#define SPRAY		64

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 131 + seed + (i >> 12));
}

/* The first offset in [@from, @len) where @p differs from fill(@seed). */
static long mismatch_from(const unsigned char *p, size_t from, size_t len,
			  unsigned int seed)
{
	size_t i;

	for (i = from; i < len; i++)
		if (p[i] != (unsigned char)(i * 131 + seed + (i >> 12)))
			return (long)i;
	return -1;
}

static long mismatch(const unsigned char *p, size_t len, unsigned int seed)
{
	return mismatch_from(p, 0, len, seed);
}

/* A synchronous request declaring one range, made on a helper thread. */
struct dreq {
	struct lpc_call call;
	struct lpc_xfer x;
	struct lpc_msg_attr attr;
	char rbuf[64];
};

static int dreq_start(struct dreq *r, int port, const void *range,
		      __u64 len)
{
	lpc_attr_init(&r->attr);
	if (range)
		lpc_attr_range(&r->attr, range, len, LPC_ACCESS_READ);
	lpc_request_init(&r->x, "direct", 6, r->rbuf, sizeof(r->rbuf),
			 LPC_WAIT_NS);
	r->x.send_attr = range ? lpc_ptr(&r->attr) : 0;
	return lpc_call_start(&r->call, port, LPC_IOC_XFER, &r->x);
}

/* Reply to @id with bytes that cannot be read, carrying creds: -errno. */
static int reply_bad_buf(int port, __u64 id)
{
	struct lpc_msg_attr a;

	lpc_attr_init(&a);
	a.flags = LPC_ATTR_CREDS;
	return lpc_send_attr(port, LPC_MSG_REPLY, &id, lpc_bad_ptr(), 16, 0,
			     &a);
}

FIXTURE(direct) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info info;
	struct lpc_msg_attr attr;
	struct lpc_uffd uffd;
	unsigned char *in;		/* the requester's range */
	unsigned char *out;		/* the server's buffer */
	pid_t child;
};

FIXTURE_SETUP(direct)
{
	self->dev = self->cport = self->client = self->server = -1;
	self->uffd.fd = -1;
	self->child = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_DIRECT);
	LPC_OPEN_PAIR(.context = 1);
	self->in = lpc_uffd_map(RANGE / LPC_PAGE);
	self->out = lpc_uffd_map(RANGE / LPC_PAGE);
	ASSERT_NE(NULL, self->in);
	ASSERT_NE(NULL, self->out);
}

FIXTURE_TEARDOWN(direct)
{
	if (self->child > 0)
		lpc_wait_child(self->child, LPC_WAIT_MS);
	lpc_uffd_close(&self->uffd);
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* Server: receive the request, which must declare one range. */
#define SERVER_RECV_REQUEST() do {					\
		int __r = lpc_recv_attr(self->cport, &self->info,	\
					self->buf, sizeof(self->buf),	\
					&self->attr, 0);		\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("server receive: %s", strerror(-__r));	\
		}							\
		ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);	\
		ASSERT_EQ(1U, self->attr.nr_ranges);			\
	} while (0)

/*
 * A reply that fails (its data cannot be read) leaves the request in
 * service as it was: the range it declared is still readable, and it
 * can be answered. Today the failed reply has already freed the
 * request's attributes and left its own in their place: the range is
 * gone (-EINVAL).
 */
TEST_F(direct, failed_reply_keeps_ranges)
{
	struct dreq r;
	int ret;

	fill(self->in, RANGE, SEED_CLIENT);
	ASSERT_EQ(0, dreq_start(&r, self->client, self->in, RANGE));
	SERVER_RECV_REQUEST();

	EXPECT_EQ(-EFAULT, reply_bad_buf(self->cport, self->info.id));

	ret = lpc_direct_io(self->cport, false, self->info.id, 0, 0,
			    self->out, RANGE);
	EXPECT_EQ((int)RANGE, ret) {
		TH_LOG("direct read after a failed reply: %s",
		       ret < 0 ? strerror(-ret) : "short");
	}
	if (ret == (int)RANGE)
		EXPECT_EQ(-1, mismatch(self->out, RANGE, SEED_CLIENT));

	ret = lpc_reply(self->cport, self->info.id, "ok", 2);
	EXPECT_EQ(0, ret) {
		TH_LOG("second reply: %s", strerror(-ret));
	}
	if (ret)
		sys_lpc_disconnect(self->server);
	ret = lpc_call_join(&r.call);
	EXPECT_EQ(0, ret) {
		TH_LOG("requester: %s", strerror(-ret));
	}
}

/*
 * A direct read parked between its two chunks (the server's buffer
 * faults on its last page of the first chunk) while a reply to the same
 * request fails after swapping the request's attributes: the second
 * chunk must still come from the requester, or the read must stop
 * cleanly. The requester is a forked child; the server has its own
 * copy of the same addresses filled differently, and after the failed
 * reply sends requests of its own declaring that range, so that the
 * freed attributes are reused with the server's address space in them.
 * Today the second chunk is read through the freed attributes: from
 * the server's own memory when the reuse worked (or a KASAN report on
 * the debug kernel).
 */
TEST_F(direct, read_races_failed_reply)
{
	unsigned char *hole = self->out + CHUNK - LPC_PAGE;
	struct lpc_direct d;
	struct lpc_call a;
	int i, ret, spray_failed = 0;
	long bad;

	LPC_UFFD_OPEN_OR_SKIP(&self->uffd);
	/* The free and the allocations that should reuse it: one CPU. */
	if (lpc_pin_cpu(0))
		TH_LOG("could not pin to CPU 0: the reuse is less likely");

	fill(self->in, RANGE, SEED_SERVER);
	fflush(NULL);
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (!self->child) {
		struct lpc_xfer x;
		struct lpc_msg_attr att;
		char rbuf[64];

		lpc_child_init();
		fill(self->in, RANGE, SEED_CLIENT);
		lpc_attr_init(&att);
		lpc_attr_range(&att, self->in, RANGE, LPC_ACCESS_READ);
		lpc_request_init(&x, "direct", 6, rbuf, sizeof(rbuf),
				 LPC_WAIT_NS);
		x.send_attr = lpc_ptr(&att);
		ret = sys_lpc_xfer(self->client, &x);
		_exit(ret < 0 ? -ret : 0);
	}
	SERVER_RECV_REQUEST();

	ASSERT_EQ(0, lpc_uffd_register(&self->uffd, hole, LPC_PAGE));
	memset(&d, 0, sizeof(d));
	d.id = self->info.id;
	d.buf = lpc_ptr(self->out);
	d.len = RANGE;
	ASSERT_EQ(0, lpc_call_start(&a, self->cport, LPC_IOC_DIRECT_READ,
				    &d));
	ASSERT_EQ(0, lpc_uffd_wait_at(&self->uffd, hole, LPC_WAIT_MS));

	/* The reader sleeps after its first chunk: the reply fails now. */
	EXPECT_EQ(-EFAULT, reply_bad_buf(self->cport, self->info.id));
	for (i = 0; i < SPRAY; i++) {
		struct lpc_msg_attr sa;
		__u64 sid = 0;

		lpc_attr_init(&sa);
		lpc_attr_range(&sa, self->in, RANGE, LPC_ACCESS_READ);
		if (lpc_send_attr(self->server, LPC_MSG_REQUEST, &sid, "s", 1,
				  1024, &sa))
			spray_failed++;
	}
	EXPECT_EQ(0, spray_failed);
	ASSERT_EQ(0, lpc_uffd_copy(&self->uffd, hole, NULL));

	ret = lpc_call_join(&a);
	TH_LOG("parked direct read returned %d", ret);
	if (ret > 0) {
		bad = mismatch(self->out, ret, SEED_CLIENT);
		EXPECT_EQ(-1, bad) {
			TH_LOG("byte %ld of the direct read is not the "
			       "requester's (%s)", bad,
			       mismatch_from(self->out, bad, ret,
					     SEED_SERVER) < 0 ?
			       "it is the SERVER's own memory" : "garbage");
		}
		EXPECT_TRUE(ret == (int)RANGE || ret == (int)CHUNK);
	} else {
		/* Failing cleanly: the request changed or went. */
		EXPECT_TRUE(ret == -ENOENT || ret == -ECANCELED ||
			    ret == -ESRCH) {
			TH_LOG("direct read: %s", strerror(-ret));
		}
	}

	/* The request is still in service with its own range. */
	memset(self->out, 0, RANGE);
	ret = lpc_direct_io(self->cport, false, self->info.id, 0, 0,
			    self->out, RANGE);
	EXPECT_EQ((int)RANGE, ret) {
		TH_LOG("direct read after the failed reply: %s",
		       ret < 0 ? strerror(-ret) : "short");
	}
	if (ret == (int)RANGE)
		EXPECT_EQ(-1, mismatch(self->out, RANGE, SEED_CLIENT));

	ret = lpc_reply(self->cport, self->info.id, "ok", 2);
	EXPECT_EQ(0, ret) {
		TH_LOG("second reply: %s", strerror(-ret));
	}
	if (ret)
		sys_lpc_disconnect(self->server);
	ret = lpc_wait_child(self->child, LPC_WAIT_MS);
	self->child = -1;
	EXPECT_EQ(0, ret) {
		TH_LOG("requester: %s", ret > 0 ? strerror(ret) : "killed");
	}
}

/* A DIRECT range is a request's: a reply carrying one is refused. */
TEST_F(direct, reply_with_range_einval)
{
	struct lpc_msg_attr a;
	struct dreq r;
	__u64 id;
	int ret;

	ASSERT_EQ(0, dreq_start(&r, self->client, NULL, 0));
	ASSERT_EQ(0, lpc_recv(self->cport, &self->info, self->buf,
			      sizeof(self->buf), LPC_WAIT_NS));
	id = self->info.id;

	lpc_attr_init(&a);
	lpc_attr_range(&a, self->out, LPC_PAGE,
		       LPC_ACCESS_READ | LPC_ACCESS_WRITE);
	ret = lpc_send_attr(self->cport, LPC_MSG_REPLY, &id, "r", 1, 0, &a);
	EXPECT_EQ(-EINVAL, ret) {
		TH_LOG("a reply declaring a range: %s",
		       ret ? strerror(-ret) : "accepted");
	}
	if (ret)
		EXPECT_EQ(0, lpc_reply(self->cport, self->info.id, "ok", 2));
	EXPECT_EQ(0, lpc_call_join(&r.call));
}

/*
 * A direct write ends with the reply. lpc_direct() checks, before each
 * 64 KiB chunk, that the request is still in service, then copies the
 * chunk into the requester; a reply that comes between the check and
 * the end of the copy used to complete at once, and the chunk then
 * landed in memory the requester had got back (its stack, in the fuzzer:
 * SIGSEGV on return). The reply, and every other end of a request, must
 * wait for a chunk being copied.
 *
 * The requester is a forked child declaring one writable chunk; a second
 * thread of the child maps and unmaps a page in a loop, so the chunk's
 * mmap_read_lock() of the child's address space often waits there,
 * after its check. A writer thread of the server writes the chunk over
 * and over, a different byte each time, until the request is gone; the
 * server replies once the writer has written. On its return the child
 * takes a copy of the range, waits until the writer has stopped, and
 * compares: the range must not have changed after the reply. A bounded
 * number of rounds, no sleeps; before the fix about one round in N
 * caught a late chunk (the count is logged).
 */
#define LATE_ROUNDS	150

struct late_shared {
	int writer_done;	/* server: the last round whose writer stopped */
	int returned;		/* child: the last round it got a reply for */
	int late;		/* child: rounds whose range changed late */
	int first_late;
	int errors;		/* child: requests that failed */
	int stop;
};

static int late_load(int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void late_store(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Wait until *@p reaches @v: 0, or -ETIMEDOUT after LPC_WAIT_MS. */
static int late_wait(int *p, int v)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (late_load(p) < v) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 > LPC_WAIT_MS)
			return -ETIMEDOUT;
		sched_yield();
	}
	return 0;
}

static void *late_churn(void *p)
{
	struct late_shared *sh = p;

	while (!late_load(&sh->stop)) {
		void *m = mmap(NULL, LPC_PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m != MAP_FAILED)
			munmap(m, LPC_PAGE);
	}
	return NULL;
}

static int late_child(int port, struct late_shared *sh)
{
	unsigned char *range, *snap;
	struct lpc_msg_attr a;
	struct lpc_xfer x;
	pthread_t churn;
	char rbuf[64];
	int round;

	range = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	snap = malloc(CHUNK);
	if (range == MAP_FAILED || !snap)
		return ENOMEM;
	memset(range, 0, CHUNK);
	if (pthread_create(&churn, NULL, late_churn, sh))
		return EAGAIN;
	for (round = 1; round <= LATE_ROUNDS; round++) {
		lpc_attr_init(&a);
		lpc_attr_range(&a, range, CHUNK, LPC_ACCESS_WRITE);
		lpc_request_init(&x, "w", 1, rbuf, sizeof(rbuf), LPC_WAIT_NS);
		x.send_attr = lpc_ptr(&a);
		if (sys_lpc_xfer(port, &x)) {
			sh->errors++;
			break;
		}
		memcpy(snap, range, CHUNK);
		late_store(&sh->returned, round);
		if (late_wait(&sh->writer_done, round)) {
			sh->errors++;
			break;
		}
		if (memcmp(snap, range, CHUNK) && !sh->late++)
			sh->first_late = round;
	}
	late_store(&sh->stop, 1);
	pthread_join(churn, NULL);
	return 0;
}

struct late_writer {
	int port;
	__u64 id;
	unsigned char *buf;
	int writes;		/* calls that wrote the whole chunk */
	int ret;		/* the call that stopped it */
};

static void *late_write(void *p)
{
	struct late_writer *w = p;
	int ret;

	for (;;) {
		memset(w->buf, 1 + (w->writes & 0x7f), CHUNK);
		ret = lpc_direct_io(w->port, true, w->id, 0, 0, w->buf, CHUNK);
		if (ret != (int)CHUNK)
			break;
		__atomic_store_n(&w->writes, w->writes + 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&w->ret, ret, __ATOMIC_RELEASE);
	return NULL;
}

TEST_F(direct, write_ends_with_reply)
{
	struct late_shared *sh;
	struct late_writer w;
	pthread_t wt;
	int round, ret, odd = 0;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	fflush(NULL);
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (!self->child) {
		lpc_child_init();
		_exit(late_child(self->client, sh));
	}
	memset(&w, 0, sizeof(w));
	w.port = self->cport;
	w.buf = self->out;
	/* The fixture's buffer is for userfaultfd: fill it in first. */
	memset(w.buf, 0, CHUNK);
	for (round = 1; round <= LATE_ROUNDS; round++) {
		ret = lpc_recv_attr(self->cport, &self->info, self->buf,
				    sizeof(self->buf), &self->attr, 0);
		ASSERT_EQ(0, ret) {
			TH_LOG("round %d: receive: %s", round, strerror(-ret));
		}
		w.id = self->info.id;
		w.writes = 0;
		w.ret = 0;
		ASSERT_EQ(0, pthread_create(&wt, NULL, late_write, &w));
		while (!__atomic_load_n(&w.writes, __ATOMIC_ACQUIRE) &&
		       !__atomic_load_n(&w.ret, __ATOMIC_ACQUIRE))
			sched_yield();
		ret = lpc_reply(self->cport, w.id, "ok", 2);
		pthread_join(wt, NULL);
		ASSERT_EQ(0, ret);
		/* After the reply the request is gone for the writer. */
		if (w.ret != -ENOENT && !odd++)
			TH_LOG("round %d: the writer stopped with %d", round,
			       w.ret);
		late_store(&sh->writer_done, round);
	}
	ret = lpc_wait_child(self->child, LPC_WAIT_MS);
	self->child = -1;
	EXPECT_EQ(0, ret);
	EXPECT_EQ(0, sh->errors);
	EXPECT_EQ(0, odd);
	EXPECT_EQ(0, sh->late) {
		TH_LOG("%d of %d rounds: the requester's memory changed after "
		       "its reply (first in round %d)", sh->late,
		       LATE_ROUNDS, sh->first_late);
	}
	munmap(sh, sizeof(*sh));
}

TEST_HARNESS_MAIN
