// SPDX-License-Identifier: GPL-2.0
/*
 * LPC_IOC_SEND_BATCH and LPC_IOC_RECV_BATCH: several sends or receives in
 * one call. Each entry behaves as the LPC_IOC_XFER it stands for; only the
 * first may wait; the result is the number of entries done, or the first
 * entry's error.
 *
 * The fixture is one accepted connection: self->cport (the server's
 * connection port), self->server and self->client, on a port whose
 * max_queued a test may choose (LPC_OPEN_PAIR).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"

#define CTX_A		0xba7c000000000001ULL

#define SMALL_QUEUE	4

FIXTURE(batch) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info info;
	struct lpc_xfer xs[LPC_BATCH_MAX + 1];
	__u32 data[LPC_BATCH_MAX + 1];		/* what entry i sends */
	__u32 rdata[LPC_BATCH_MAX + 1][16];	/* where entry i receives */
};

FIXTURE_SETUP(batch)
{
	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_BATCH);
}

FIXTURE_TEARDOWN(batch)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* A connection port queuing at most @max_queued messages, one client. */

/* ---- helpers ---- */

static int sys_batch(int port, unsigned long cmd, struct lpc_xfer *xs,
		     __u32 count, __u32 flags, __u64 timeout_ns)
{
	struct lpc_batch b;

	memset(&b, 0, sizeof(b));
	b.xfers = lpc_ptr(xs);
	b.count = count;
	b.flags = flags;
	b.timeout_ns = timeout_ns;
	return lpc_ioctl(port, cmd, &b);
}

static int send_batch(int port, struct lpc_xfer *xs, __u32 count,
		      __u32 flags, __u64 timeout_ns)
{
	return sys_batch(port, LPC_IOC_SEND_BATCH, xs, count, flags,
			 timeout_ns);
}

static int recv_batch(int port, struct lpc_xfer *xs, __u32 count,
		      __u32 flags, __u64 timeout_ns)
{
	return sys_batch(port, LPC_IOC_RECV_BATCH, xs, count, flags,
			 timeout_ns);
}

static void send_entry(struct lpc_xfer *x, __u32 type, const void *buf,
		       __u32 len)
{
	memset(x, 0, sizeof(*x));
	x->flags = LPC_XFER_SEND;
	x->send_type = type;
	x->send_buf = lpc_ptr(buf);
	x->send_len = len;
	if (type == LPC_MSG_REQUEST)
		x->recv_cap = 64;
}

static void recv_entry(struct lpc_xfer *x, void *buf, __u32 cap)
{
	memset(x, 0, sizeof(*x));
	x->flags = LPC_XFER_RECV;
	x->recv_buf = lpc_ptr(buf);
	x->recv_cap = cap;
}

/* @n datagram entries; entry i sends the __u32 i (self->data[i]). */
#define FILL_DATAGRAMS(n) do {						\
		__u32 __i;						\
		for (__i = 0; __i < (n); __i++) {			\
			self->data[__i] = __i;				\
			send_entry(&self->xs[__i], LPC_MSG_DATAGRAM,	\
				   &self->data[__i], sizeof(__u32));	\
		}							\
	} while (0)

/* @n receive entries into self->rdata. */
#define FILL_RECVS(n) do {						\
		__u32 __i;						\
		memset(self->rdata, 0, sizeof(self->rdata));		\
		for (__i = 0; __i < (n); __i++)				\
			recv_entry(&self->xs[__i], self->rdata[__i],	\
				   sizeof(self->rdata[__i]));		\
	} while (0)

/* Queue @n datagrams carrying first, first + 1, ... on the client side. */
static int queue_datagrams(int port, __u32 first, __u32 n)
{
	__u32 i, v;
	int ret;

	for (i = 0; i < n; i++) {
		v = first + i;
		ret = lpc_datagram(port, &v, sizeof(v));
		if (ret)
			return ret;
	}
	return 0;
}

#define SERVER_RECV_NB_EMPTY() do {					\
		EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->cport, &self->info, \
					       self->buf,		\
					       sizeof(self->buf))) {	\
			TH_LOG("left on the queue: type %u",		\
			       self->info.type);			\
		}							\
	} while (0)

/* ================= send ================= */

TEST_F(batch, send_64_datagrams_in_order)
{
	__u32 i, v;

	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_DATAGRAMS(LPC_BATCH_MAX);
	ASSERT_EQ(LPC_BATCH_MAX, send_batch(self->client, self->xs,
					    LPC_BATCH_MAX, LPC_XFER_NONBLOCK,
					    0));
	for (i = 0; i < LPC_BATCH_MAX; i++) {
		ASSERT_EQ(0, lpc_recv(self->cport, &self->info, self->buf,
				      sizeof(self->buf), LPC_WAIT_NS));
		EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
		ASSERT_EQ((__u32)sizeof(v), self->info.data_len);
		memcpy(&v, self->buf, sizeof(v));
		EXPECT_EQ(i, v);
		EXPECT_EQ(self->xs[i].send_id, self->info.id);
	}
	SERVER_RECV_NB_EMPTY();
}

/* Every entry gets its own id back, as LPC_IOC_XFER would. */
TEST_F(batch, send_id_written_back_per_entry)
{
	__u32 i, j;

	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_DATAGRAMS(8);
	for (i = 0; i < 8; i++)
		self->xs[i].send_id = 0xdeadULL;
	ASSERT_EQ(8, send_batch(self->client, self->xs, 8, 0, 0));
	for (i = 0; i < 8; i++) {
		EXPECT_NE(0ULL, self->xs[i].send_id);
		EXPECT_NE(0xdeadULL, self->xs[i].send_id);
		for (j = 0; j < i; j++)
			EXPECT_NE(self->xs[j].send_id, self->xs[i].send_id);
	}
}

/* Datagrams and requests mix; they arrive in entry order. */
TEST_F(batch, send_mixed_types_in_order)
{
	static const __u32 types[] = { LPC_MSG_DATAGRAM, LPC_MSG_REQUEST,
				       LPC_MSG_DATAGRAM, LPC_MSG_REQUEST };
	__u32 i;

	LPC_OPEN_PAIR(.context = CTX_A);
	for (i = 0; i < 4; i++) {
		self->data[i] = i;
		send_entry(&self->xs[i], types[i], &self->data[i], 4);
	}
	ASSERT_EQ(4, send_batch(self->client, self->xs, 4, 0, 0));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, lpc_recv(self->cport, &self->info, self->buf,
				      sizeof(self->buf), LPC_WAIT_NS));
		EXPECT_EQ(types[i], self->info.type);
		EXPECT_EQ(self->xs[i].send_id, self->info.id);
	}
}

/*
 * A payload that faults part way through a batch: the entries before it
 * are sent, it and those after are not, and the call says how many went.
 */
TEST_F(batch, send_fault_part_way_sends_those_before)
{
	__u32 i;

	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_DATAGRAMS(8);
	self->xs[5].send_buf = lpc_ptr(lpc_bad_ptr());
	ASSERT_EQ(5, send_batch(self->client, self->xs, 8, 0, 0));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
					 sizeof(self->buf)));
		EXPECT_EQ(self->xs[i].send_id, self->info.id);
		EXPECT_EQ(i, *(__u32 *)self->buf);
	}
	SERVER_RECV_NB_EMPTY();
}

/* Async requests in a batch: their replies come back as LPC_MSG_REPLY. */
TEST_F(batch, send_async_requests_replies_queued)
{
	struct lpc_xfer replies[3];
	__u64 ids[3];
	char ans[3][8];
	__u32 i;

	LPC_OPEN_PAIR(.context = CTX_A);
	for (i = 0; i < 3; i++) {
		self->data[i] = 100 + i;
		send_entry(&self->xs[i], LPC_MSG_REQUEST, &self->data[i], 4);
	}
	ASSERT_EQ(3, send_batch(self->client, self->xs, 3, 0, 0));
	for (i = 0; i < 3; i++)
		ids[i] = self->xs[i].send_id;

	/* The server takes all three in one call and answers in another. */
	FILL_RECVS(3);
	ASSERT_EQ(3, recv_batch(self->cport, self->xs, 3, LPC_XFER_TIMEOUT,
				LPC_WAIT_NS));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->xs[i].info.type);
		EXPECT_EQ(ids[i], self->xs[i].info.id);
		EXPECT_EQ(100 + i, self->rdata[i][0]);
		snprintf(ans[i], sizeof(ans[i]), "ans%u", i);
		send_entry(&replies[i], LPC_MSG_REPLY, ans[i], 5);
		replies[i].send_id = ids[i];
	}
	ASSERT_EQ(3, send_batch(self->cport, replies, 3, 0, 0));

	FILL_RECVS(3);
	ASSERT_EQ(3, recv_batch(self->client, self->xs, 3, LPC_XFER_TIMEOUT,
				LPC_WAIT_NS));
	for (i = 0; i < 3; i++) {
		EXPECT_EQ((__u32)LPC_MSG_REPLY, self->xs[i].info.type);
		EXPECT_EQ(ids[i], self->xs[i].info.ref_id);
		EXPECT_EQ(5U, self->xs[i].info.data_len);
		EXPECT_EQ(0, memcmp(self->rdata[i], ans[i], 5));
	}
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->client, NULL, self->buf,
				       sizeof(self->buf)));
}

/* A queue with room for 4: a batch of 10 sends 4 and says so. */
TEST_F(batch, send_queue_bound_nonblock_sends_what_fits)
{
	__u32 i, v;

	LPC_OPEN_PAIR(.max_queued = SMALL_QUEUE, .context = CTX_A);
	FILL_DATAGRAMS(10);
	ASSERT_EQ(SMALL_QUEUE, send_batch(self->client, self->xs, 10,
					  LPC_XFER_NONBLOCK, 0));
	for (i = 0; i < SMALL_QUEUE; i++)
		EXPECT_NE(0ULL, self->xs[i].send_id);
	for (; i < 10; i++)
		EXPECT_EQ(0ULL, self->xs[i].send_id);
	for (i = 0; i < SMALL_QUEUE; i++) {
		ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
					 sizeof(self->buf)));
		memcpy(&v, self->buf, sizeof(v));
		EXPECT_EQ(i, v);
	}
	SERVER_RECV_NB_EMPTY();
}

/* Without NONBLOCK the same: entries after the first never wait. */
TEST_F(batch, send_queue_bound_later_entries_never_wait)
{
	__u64 t0;

	LPC_OPEN_PAIR(.max_queued = SMALL_QUEUE, .context = CTX_A);
	FILL_DATAGRAMS(10);
	t0 = lpc_now_ns();
	ASSERT_EQ(SMALL_QUEUE, send_batch(self->client, self->xs, 10,
					  LPC_XFER_TIMEOUT, LPC_WAIT_NS));
	EXPECT_GT(LPC_WAIT_NS / 2, lpc_now_ns() - t0);
}

TEST_F(batch, send_full_queue_nonblock_eagain)
{
	LPC_OPEN_PAIR(.max_queued = SMALL_QUEUE, .context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 0, SMALL_QUEUE));
	FILL_DATAGRAMS(2);
	EXPECT_EQ(-EAGAIN, send_batch(self->client, self->xs, 2,
				      LPC_XFER_NONBLOCK, 0));
}

TEST_F(batch, send_full_queue_timeout_etimedout)
{
	__u64 t0;

	LPC_OPEN_PAIR(.max_queued = SMALL_QUEUE, .context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 0, SMALL_QUEUE));
	FILL_DATAGRAMS(2);
	t0 = lpc_now_ns();
	EXPECT_EQ(-ETIMEDOUT, send_batch(self->client, self->xs, 2,
					 LPC_XFER_TIMEOUT, LPC_SHORT_NS));
	EXPECT_LE(LPC_SHORT_NS, lpc_now_ns() - t0);
}

/* The first entry waits for room; once it is sent, the rest follow. */
TEST_F(batch, send_first_entry_waits_for_room)
{
	struct lpc_batch b;
	struct lpc_call call;
	__u32 v;
	int ret;

	LPC_OPEN_PAIR(.max_queued = SMALL_QUEUE, .context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 100, SMALL_QUEUE));
	FILL_DATAGRAMS(2);
	memset(&b, 0, sizeof(b));
	b.xfers = lpc_ptr(self->xs);
	b.count = 2;
	b.flags = LPC_XFER_TIMEOUT;
	b.timeout_ns = LPC_WAIT_NS;
	ASSERT_EQ(0, lpc_call_start(&call, self->client, LPC_IOC_SEND_BATCH,
				    &b));
	LPC_ASSERT_BLOCKED(&call);
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf)));
	ret = lpc_call_join(&call);
	/* One slot freed: the first entry went, the second found no room. */
	EXPECT_EQ(1, ret);
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf)));
	memcpy(&v, self->buf, sizeof(v));
	EXPECT_EQ(101U, v);
}

/* A bad entry after the first ends the batch: the count so far. */
TEST_F(batch, send_later_bad_entry_ends_batch)
{
	__u32 v;

	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_DATAGRAMS(3);
	self->xs[1].send_type = 99;
	ASSERT_EQ(1, send_batch(self->client, self->xs, 3, 0, 0));
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf)));
	memcpy(&v, self->buf, sizeof(v));
	EXPECT_EQ(0U, v);
	SERVER_RECV_NB_EMPTY();
}

/* The first entry's error is the batch's. */
TEST_F(batch, send_first_entry_error_returned)
{
	static char big[LPC_DEFAULT_MSG_LEN + 1];

	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_DATAGRAMS(2);
	self->xs[0].send_type = 99;
	EXPECT_EQ(-EINVAL, send_batch(self->client, self->xs, 2, 0, 0));
	send_entry(&self->xs[0], LPC_MSG_DATAGRAM, big, sizeof(big));
	EXPECT_EQ(-EMSGSIZE, send_batch(self->client, self->xs, 2, 0, 0));
	send_entry(&self->xs[0], LPC_MSG_REPLY, "r", 1);
	self->xs[0].send_id = 12345;
	EXPECT_EQ(-ENOENT, send_batch(self->cport, self->xs, 2, 0, 0));
	SERVER_RECV_NB_EMPTY();
}

TEST_F(batch, send_entry_flags_not_exactly_send_einval)
{
	static const __u32 bad[] = {
		0, LPC_XFER_RECV, LPC_XFER_SEND | LPC_XFER_RECV,
		LPC_XFER_SEND | LPC_XFER_NONBLOCK,
		LPC_XFER_SEND | LPC_XFER_TIMEOUT, LPC_XFER_SEND | (1U << 20),
	};
	__u32 i;

	LPC_OPEN_PAIR(.context = CTX_A);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILL_DATAGRAMS(1);
		self->xs[0].flags = bad[i];
		self->xs[0].timeout_ns = LPC_SHORT_NS;
		EXPECT_EQ(-EINVAL, send_batch(self->client, self->xs, 1, 0, 0)) {
			TH_LOG("entry flags 0x%x", bad[i]);
		}
	}
	SERVER_RECV_NB_EMPTY();
}

TEST_F(batch, send_disconnected_enotconn)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	lpc_close(&self->server);
	FILL_DATAGRAMS(2);
	EXPECT_EQ(-ENOTCONN, send_batch(self->client, self->xs, 2, 0, 0));
}

/* ================= receive ================= */

TEST_F(batch, recv_64_in_order)
{
	__u32 i;

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 0, LPC_BATCH_MAX));
	FILL_RECVS(LPC_BATCH_MAX);
	ASSERT_EQ(LPC_BATCH_MAX, recv_batch(self->cport, self->xs,
					    LPC_BATCH_MAX, LPC_XFER_NONBLOCK,
					    0));
	for (i = 0; i < LPC_BATCH_MAX; i++) {
		EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, self->xs[i].info.type);
		EXPECT_EQ(4U, self->xs[i].info.data_len);
		EXPECT_EQ(CTX_A, self->xs[i].info.context);
		EXPECT_EQ(getpid(), self->xs[i].info.pid);
		EXPECT_EQ(i, self->rdata[i][0]);
	}
	SERVER_RECV_NB_EMPTY();
}

TEST_F(batch, recv_at_most_count)
{
	__u32 i;

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 0, 10));
	FILL_RECVS(4);
	ASSERT_EQ(4, recv_batch(self->cport, self->xs, 4, LPC_XFER_NONBLOCK,
				0));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(i, self->rdata[i][0]);
	/* The other six wait for the next call, in order. */
	FILL_RECVS(LPC_BATCH_MAX);
	ASSERT_EQ(6, recv_batch(self->cport, self->xs, LPC_BATCH_MAX,
				LPC_XFER_NONBLOCK, 0));
	for (i = 0; i < 6; i++)
		EXPECT_EQ(4 + i, self->rdata[i][0]);
}

/* Fewer queued than asked for: those, at once, even with a timeout. */
TEST_F(batch, recv_fewer_queued_returns_fewer_without_waiting)
{
	__u64 t0;

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 0, 3));
	FILL_RECVS(8);
	t0 = lpc_now_ns();
	ASSERT_EQ(3, recv_batch(self->cport, self->xs, 8, LPC_XFER_TIMEOUT,
				LPC_WAIT_NS));
	EXPECT_GT(LPC_WAIT_NS / 2, lpc_now_ns() - t0);
	EXPECT_EQ(2U, self->rdata[2][0]);
}

TEST_F(batch, recv_empty_nonblock_eagain)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_RECVS(4);
	EXPECT_EQ(-EAGAIN, recv_batch(self->cport, self->xs, 4,
				      LPC_XFER_NONBLOCK, 0));
}

TEST_F(batch, recv_empty_timeout_etimedout)
{
	__u64 t0;

	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_RECVS(4);
	t0 = lpc_now_ns();
	EXPECT_EQ(-ETIMEDOUT, recv_batch(self->cport, self->xs, 4,
					 LPC_XFER_TIMEOUT, LPC_SHORT_NS));
	EXPECT_LE(LPC_SHORT_NS, lpc_now_ns() - t0);
}

/* The batch waits for the first message, not for the rest. */
TEST_F(batch, recv_waits_for_first_only)
{
	struct lpc_batch b;
	struct lpc_call call;

	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_RECVS(8);
	memset(&b, 0, sizeof(b));
	b.xfers = lpc_ptr(self->xs);
	b.count = 8;
	b.flags = LPC_XFER_TIMEOUT;
	b.timeout_ns = LPC_WAIT_NS;
	ASSERT_EQ(0, lpc_call_start(&call, self->cport, LPC_IOC_RECV_BATCH,
				    &b));
	LPC_ASSERT_BLOCKED(&call);
	ASSERT_EQ(0, queue_datagrams(self->client, 7, 1));
	EXPECT_EQ(1, lpc_call_join(&call));
	EXPECT_EQ(7U, self->rdata[0][0]);
}

/*
 * An entry whose buffer is too small ends the batch before it: the count
 * so far; that message stays queued, its size reported in the entry.
 */
TEST_F(batch, recv_small_buffer_stops_batch_message_kept)
{
	char big[100];

	LPC_OPEN_PAIR(.context = CTX_A);
	memset(big, 'b', sizeof(big));
	ASSERT_EQ(0, queue_datagrams(self->client, 1, 1));
	ASSERT_EQ(0, lpc_datagram(self->client, big, sizeof(big)));
	ASSERT_EQ(0, queue_datagrams(self->client, 3, 1));
	FILL_RECVS(3);
	ASSERT_EQ(1, recv_batch(self->cport, self->xs, 3, LPC_XFER_NONBLOCK,
				0));
	EXPECT_EQ(1U, self->rdata[0][0]);
	EXPECT_EQ((__u32)sizeof(big), self->xs[1].info.data_len);
	/* Still first in line, then the one after it. */
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ((__u32)sizeof(big), self->info.data_len);
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ(4U, self->info.data_len);
	SERVER_RECV_NB_EMPTY();
}

/*
 * A receive buffer that faults part way through a batch: the entries
 * before it receive, and its message stays first in line for the next.
 */
TEST_F(batch, recv_fault_part_way_keeps_the_message)
{
	__u32 i;

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 0, 8));
	FILL_RECVS(8);
	self->xs[5].recv_buf = lpc_ptr(lpc_bad_ptr());
	ASSERT_EQ(5, recv_batch(self->cport, self->xs, 8, LPC_XFER_NONBLOCK,
				0));
	for (i = 0; i < 5; i++)
		EXPECT_EQ(i, self->rdata[i][0]);
	for (i = 5; i < 8; i++) {
		ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
					 sizeof(self->buf)));
		EXPECT_EQ(i, *(__u32 *)self->buf);
	}
	SERVER_RECV_NB_EMPTY();
}

/*
 * Requests among datagrams: a receive batch takes all of them in order,
 * and a request received in a batch is answered as any other.
 */
TEST_F(batch, recv_requests_among_datagrams_in_order)
{
	__u32 v = 7, i;
	__u64 id;
	char r[8];

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 0, 20));
	ASSERT_EQ(0, lpc_request_async(self->client, &v, sizeof(v), 8, &id));
	ASSERT_EQ(0, queue_datagrams(self->client, 21, 20));
	FILL_RECVS(41);
	ASSERT_EQ(41, recv_batch(self->cport, self->xs, 41, LPC_XFER_NONBLOCK,
				 0));
	for (i = 0; i < 41; i++) {
		EXPECT_EQ(i == 20 ? (__u32)LPC_MSG_REQUEST :
				    (__u32)LPC_MSG_DATAGRAM,
			  self->xs[i].info.type);
		EXPECT_EQ(i == 20 ? v : i, self->rdata[i][0]);
	}
	EXPECT_EQ(id, self->xs[20].info.id);
	ASSERT_EQ(0, lpc_reply(self->cport, id, "ok", 2));
	ASSERT_EQ(0, lpc_recv(self->client, &self->info, r, sizeof(r),
			      LPC_WAIT_NS));
	EXPECT_EQ((__u32)LPC_MSG_REPLY, self->info.type);
	EXPECT_EQ(id, self->info.ref_id);
}

TEST_F(batch, recv_small_buffer_first_entry_emsgsize)
{
	char big[100];

	LPC_OPEN_PAIR(.context = CTX_A);
	memset(big, 'b', sizeof(big));
	ASSERT_EQ(0, lpc_datagram(self->client, big, sizeof(big)));
	FILL_RECVS(2);
	EXPECT_EQ(-EMSGSIZE, recv_batch(self->cport, self->xs, 2,
					LPC_XFER_NONBLOCK, 0));
	EXPECT_EQ((__u32)sizeof(big), self->xs[0].info.data_len);
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ((__u32)sizeof(big), self->info.data_len);
}

TEST_F(batch, recv_entry_flags_not_exactly_recv_einval)
{
	static const __u32 bad[] = {
		0, LPC_XFER_SEND, LPC_XFER_SEND | LPC_XFER_RECV,
		LPC_XFER_RECV | LPC_XFER_NONBLOCK,
		LPC_XFER_RECV | LPC_XFER_TIMEOUT, LPC_XFER_RECV | (1U << 20),
	};
	__u32 i;

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 0, 1));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILL_RECVS(1);
		self->xs[0].flags = bad[i];
		self->xs[0].timeout_ns = LPC_SHORT_NS;
		EXPECT_EQ(-EINVAL, recv_batch(self->cport, self->xs, 1, 0, 0)) {
			TH_LOG("entry flags 0x%x", bad[i]);
		}
	}
	/* Nothing was taken. */
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf)));
}

/* As for LPC_IOC_XFER: the connection port receives for its clients. */
TEST_F(batch, recv_server_comm_port_einval)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_RECVS(2);
	EXPECT_EQ(-EINVAL, recv_batch(self->server, self->xs, 2,
				      LPC_XFER_NONBLOCK, 0));
}

/* The client receives the server's datagrams in batches too. */
TEST_F(batch, recv_on_client_port)
{
	__u32 i;

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->server, 50, 5));
	FILL_RECVS(5);
	ASSERT_EQ(5, recv_batch(self->client, self->xs, 5, LPC_XFER_NONBLOCK,
				0));
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(50 + i, self->rdata[i][0]);
		EXPECT_EQ(0ULL, self->xs[i].info.context);
	}
}

/* ================= entries are xfers: attributes and port rules ===== */


/* Each entry carries and receives its own attributes. */
TEST_F(batch, entries_carry_attributes)
{
	struct lpc_msg_attr sa[3], ra[3];
	struct stat st_sent, st_got;
	int p[2];
	__u32 i;

	if (!(lpc_features(self->dev) & LPC_FEAT_CREDS) ||
	    !(lpc_features(self->dev) & LPC_FEAT_FDS))
		SKIP(return, "module lacks LPC_FEAT_CREDS or LPC_FEAT_FDS");
	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	FILL_DATAGRAMS(3);
	for (i = 0; i < 3; i++) {
		memset(&sa[i], 0, sizeof(sa[i]));
		sa[i].size = sizeof(sa[i]);
	}
	sa[0].flags = LPC_ATTR_CREDS;
	sa[2].flags = LPC_ATTR_FDS;
	sa[2].nr_fds = 1;
	sa[2].fds[0] = p[0];
	self->xs[0].send_attr = lpc_ptr(&sa[0]);
	self->xs[2].send_attr = lpc_ptr(&sa[2]);
	ASSERT_EQ(3, send_batch(self->client, self->xs, 3, 0, 0));

	FILL_RECVS(3);
	for (i = 0; i < 3; i++) {
		memset(&ra[i], 0, sizeof(ra[i]));
		ra[i].size = sizeof(ra[i]);
		self->xs[i].recv_attr = lpc_ptr(&ra[i]);
	}
	ASSERT_EQ(3, recv_batch(self->cport, self->xs, 3, LPC_XFER_NONBLOCK,
				0));
	EXPECT_EQ(LPC_MSGF_ATTR, self->xs[0].info.flags);
	EXPECT_EQ(LPC_ATTR_CREDS, ra[0].flags);
	EXPECT_EQ((__u32)geteuid(), ra[0].creds.euid);
	EXPECT_EQ(0U, self->xs[1].info.flags);
	EXPECT_EQ(0U, ra[1].flags);
	EXPECT_EQ(LPC_MSGF_ATTR, self->xs[2].info.flags);
	ASSERT_EQ(1U, ra[2].nr_fds);
	ASSERT_EQ(0, fstat(p[0], &st_sent));
	ASSERT_EQ(0, fstat(ra[2].fds[0], &st_got));
	EXPECT_EQ(st_sent.st_ino, st_got.st_ino);
	close(ra[2].fds[0]);
	close(p[0]);
	close(p[1]);
}

/* A port that requires creds on requests refuses a batch's bare ones. */
TEST_F(batch, require_creds_applies_to_entries)
{
	struct lpc_msg_attr sa;
	__u32 i;

	if (!(lpc_features(self->dev) & LPC_FEAT_CREDS))
		SKIP(return, "module lacks LPC_FEAT_CREDS");
	LPC_OPEN_PAIR(.port_flags = LPC_PORT_REQUIRE_CREDS, .context = CTX_A);
	memset(&sa, 0, sizeof(sa));
	sa.size = sizeof(sa);
	sa.flags = LPC_ATTR_CREDS;
	for (i = 0; i < 3; i++) {
		self->data[i] = i;
		send_entry(&self->xs[i], LPC_MSG_REQUEST, &self->data[i], 4);
	}
	EXPECT_EQ(-EACCES, send_batch(self->client, self->xs, 3, 0, 0));
	SERVER_RECV_NB_EMPTY();
	/* With creds on the first only: one request, then the refusal. */
	self->xs[0].send_attr = lpc_ptr(&sa);
	EXPECT_EQ(1, send_batch(self->client, self->xs, 3, 0, 0));
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	EXPECT_EQ(self->xs[0].send_id, self->info.id);
	SERVER_RECV_NB_EMPTY();
}

/* ================= the batch itself ================= */

/* ================= recycled buffers ================= */

/*
 * A port reuses the buffers of the small messages it sent. What a reused
 * buffer carries must be exactly the new message: the bytes of the one
 * before never reach a receiver, whatever their sizes.
 */
#define BIG_LEN		80	/* still a small message: reused */

/* Send @n datagrams of @len bytes, byte 0 the index, the rest @fill. */
static int send_sized(int port, __u32 n, __u32 len, unsigned char fill)
{
	unsigned char b[BIG_LEN];
	__u32 i;
	int ret;

	for (i = 0; i < n; i++) {
		memset(b, fill, sizeof(b));
		b[0] = (unsigned char)i;
		ret = lpc_datagram(port, b, len);
		if (ret)
			return ret;
	}
	return 0;
}

TEST_F(batch, recycled_datagram_buffers_carry_only_new_bytes)
{
	unsigned char r[BIG_LEN];
	__u32 round, i, j, len;

	LPC_OPEN_PAIR(.context = CTX_A);
	/* Fill the client port's cache with long datagrams, then short. */
	for (round = 0; round < 3; round++) {
		len = round == 0 ? BIG_LEN : round == 1 ? 1 : 0;
		ASSERT_EQ(0, send_sized(self->client, LPC_BATCH_MAX + 8, len,
					0x5a));
		for (i = 0; i < LPC_BATCH_MAX + 8; i++) {
			memset(r, 0xee, sizeof(r));
			ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, r,
						 sizeof(r)));
			ASSERT_EQ(len, self->info.data_len);
			if (len)
				EXPECT_EQ((unsigned char)i, r[0]);
			for (j = 1; j < len; j++)
				EXPECT_EQ(0x5a, r[j]);
			/* Nothing beyond the message's own bytes. */
			for (j = len; j < sizeof(r); j++)
				ASSERT_EQ(0xee, r[j]) {
					TH_LOG("round %u message %u byte %u",
					       round, i, j);
				}
		}
	}
	SERVER_RECV_NB_EMPTY();
}

TEST_F(batch, recycled_request_buffers_reply_exact)
{
	unsigned char req[BIG_LEN], rep[BIG_LEN], r[BIG_LEN];
	__u32 round, i, j, len;
	__u64 id;

	LPC_OPEN_PAIR(.context = CTX_A);
	memset(req, 0x5a, sizeof(req));
	for (round = 0; round < 2; round++) {
		len = round ? 3 : BIG_LEN;
		for (i = 0; i < 8; i++) {
			ASSERT_EQ(0, lpc_request_async(self->client, req,
						       len, BIG_LEN, &id));
			ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info,
						 self->buf,
						 sizeof(self->buf)));
			ASSERT_EQ(len, self->info.data_len);
			memset(rep, 0x40 + i, sizeof(rep));
			ASSERT_EQ(0, lpc_reply(self->cport, self->info.id,
					       rep, len - 1));
			memset(r, 0xee, sizeof(r));
			ASSERT_EQ(0, lpc_recv_nb(self->client, &self->info, r,
						 sizeof(r)));
			ASSERT_EQ((__u32)LPC_MSG_REPLY, self->info.type);
			ASSERT_EQ(id, self->info.ref_id);
			ASSERT_EQ(len - 1, self->info.data_len);
			for (j = 0; j < len - 1; j++)
				EXPECT_EQ(0x40 + i, r[j]);
			for (j = len - 1; j < sizeof(r); j++)
				ASSERT_EQ(0xee, r[j]);
		}
	}
}

/* Closing a port with buffers cached frees them (kmemleak would say). */
TEST_F(batch, close_with_recycled_buffers)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, send_sized(self->client, LPC_BATCH_MAX + 8, 8, 0x5a));
	FILL_RECVS(LPC_BATCH_MAX);
	ASSERT_EQ(LPC_BATCH_MAX, recv_batch(self->cport, self->xs,
					    LPC_BATCH_MAX, LPC_XFER_NONBLOCK,
					    0));
	/* Closed with 8 still queued and the rest cached. */
	lpc_close(&self->client);
	lpc_close(&self->server);
}

TEST_F(batch, count_zero_einval)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_DATAGRAMS(1);
	EXPECT_EQ(-EINVAL, send_batch(self->client, self->xs, 0, 0, 0));
	FILL_RECVS(1);
	EXPECT_EQ(-EINVAL, recv_batch(self->cport, self->xs, 0,
				      LPC_XFER_NONBLOCK, 0));
	SERVER_RECV_NB_EMPTY();
}

TEST_F(batch, count_over_max_einval)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_DATAGRAMS(LPC_BATCH_MAX + 1);
	EXPECT_EQ(-EINVAL, send_batch(self->client, self->xs,
				      LPC_BATCH_MAX + 1, 0, 0));
	SERVER_RECV_NB_EMPTY();
	ASSERT_EQ(0, queue_datagrams(self->client, 0, 1));
	FILL_RECVS(LPC_BATCH_MAX + 1);
	EXPECT_EQ(-EINVAL, recv_batch(self->cport, self->xs,
				      LPC_BATCH_MAX + 1, LPC_XFER_NONBLOCK, 0));
	/* Nothing was taken. */
	EXPECT_EQ(0, lpc_recv_nb(self->cport, NULL, self->buf,
				 sizeof(self->buf)));
}

TEST_F(batch, nonblock_and_timeout_einval)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	FILL_DATAGRAMS(1);
	EXPECT_EQ(-EINVAL, send_batch(self->client, self->xs, 1,
				      LPC_XFER_NONBLOCK | LPC_XFER_TIMEOUT,
				      LPC_SHORT_NS));
	SERVER_RECV_NB_EMPTY();
	FILL_RECVS(1);
	EXPECT_EQ(-EINVAL, recv_batch(self->cport, self->xs, 1,
				      LPC_XFER_NONBLOCK | LPC_XFER_TIMEOUT,
				      LPC_SHORT_NS));
}

TEST_F(batch, other_batch_flags_einval)
{
	static const __u32 bad[] = { LPC_XFER_SEND, LPC_XFER_RECV, 1U << 7,
				     1U << 31 };
	__u32 i;

	LPC_OPEN_PAIR(.context = CTX_A);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILL_DATAGRAMS(1);
		EXPECT_EQ(-EINVAL, send_batch(self->client, self->xs, 1,
					      bad[i], 0)) {
			TH_LOG("batch flags 0x%x", bad[i]);
		}
		FILL_RECVS(1);
		EXPECT_EQ(-EINVAL, recv_batch(self->cport, self->xs, 1,
					      bad[i], 0)) {
			TH_LOG("batch flags 0x%x", bad[i]);
		}
	}
	SERVER_RECV_NB_EMPTY();
}

TEST_F(batch, bad_xfers_pointer_efault)
{
	struct lpc_batch b;

	LPC_OPEN_PAIR(.context = CTX_A);
	memset(&b, 0, sizeof(b));
	b.xfers = lpc_ptr(lpc_bad_ptr());
	b.count = 2;
	b.flags = LPC_XFER_NONBLOCK;
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->client, LPC_IOC_SEND_BATCH, &b));
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->cport, LPC_IOC_RECV_BATCH, &b));
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->cport, LPC_IOC_RECV_BATCH,
				     lpc_bad_ptr()));
}

/* ================= wake-ups ================= */

#define WAITERS		4
/* Woken, not rescued by their own timeout (LPC_WAIT_NS) much later. */
#define WOKEN_NS	(2ULL * LPC_NSEC_PER_SEC)

/*
 * A send batch wakes its receivers at its end, but every one of them:
 * four threads blocked in a receive each get one of four datagrams.
 */
TEST_F(batch, send_batch_wakes_every_waiting_receiver)
{
	struct lpc_call calls[WAITERS];
	struct lpc_xfer rx[WAITERS];
	__u32 rbuf[WAITERS][4], seen = 0;
	__u64 t0;
	int i;

	LPC_OPEN_PAIR(.context = CTX_A);
	for (i = 0; i < WAITERS; i++) {
		recv_entry(&rx[i], rbuf[i], sizeof(rbuf[i]));
		rx[i].flags |= LPC_XFER_TIMEOUT;
		rx[i].timeout_ns = LPC_WAIT_NS;
		ASSERT_EQ(0, lpc_call_start(&calls[i], self->cport,
					    LPC_IOC_XFER, &rx[i]));
	}
	for (i = 0; i < WAITERS; i++)
		LPC_ASSERT_BLOCKED(&calls[i]);
	FILL_DATAGRAMS(WAITERS);
	t0 = lpc_now_ns();
	ASSERT_EQ(WAITERS, send_batch(self->client, self->xs, WAITERS, 0, 0));
	for (i = 0; i < WAITERS; i++)
		EXPECT_EQ(0, lpc_call_join(&calls[i]));
	EXPECT_GT(WOKEN_NS, lpc_now_ns() - t0);
	for (i = 0; i < WAITERS; i++) {
		EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, rx[i].info.type);
		if (rbuf[i][0] < WAITERS)
			seen |= 1U << rbuf[i][0];
	}
	EXPECT_EQ((1U << WAITERS) - 1, seen);
}

/*
 * A receive batch frees its slots at its end, for every waiting sender:
 * four threads blocked on a full queue all get their datagram in.
 */
TEST_F(batch, recv_batch_wakes_every_waiting_sender)
{
	struct lpc_call calls[WAITERS];
	struct lpc_xfer tx[WAITERS];
	__u32 v[WAITERS];
	__u64 t0;
	int i, n;

	LPC_OPEN_PAIR(.max_queued = WAITERS, .context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 100, WAITERS));
	for (i = 0; i < WAITERS; i++) {
		v[i] = 200 + i;
		send_entry(&tx[i], LPC_MSG_DATAGRAM, &v[i], sizeof(v[i]));
		tx[i].flags |= LPC_XFER_TIMEOUT;
		tx[i].timeout_ns = LPC_WAIT_NS;
		ASSERT_EQ(0, lpc_call_start(&calls[i], self->client,
					    LPC_IOC_XFER, &tx[i]));
	}
	for (i = 0; i < WAITERS; i++)
		LPC_ASSERT_BLOCKED(&calls[i]);
	FILL_RECVS(WAITERS);
	t0 = lpc_now_ns();
	ASSERT_EQ(WAITERS, recv_batch(self->cport, self->xs, WAITERS, 0, 0));
	for (i = 0; i < WAITERS; i++)
		EXPECT_EQ(0, lpc_call_join(&calls[i]));
	EXPECT_GT(WOKEN_NS, lpc_now_ns() - t0);
	/* The four late datagrams are all queued now. */
	FILL_RECVS(WAITERS);
	n = recv_batch(self->cport, self->xs, WAITERS, LPC_XFER_NONBLOCK, 0);
	EXPECT_EQ(WAITERS, n);
	for (i = 0; i < n; i++)
		EXPECT_LE(200U, self->rdata[i][0]);
}

/* The sends of a batch on a helper thread. */
struct batch_call {
	struct lpc_call call;
	struct lpc_batch b;
};

static int batch_call_start(struct batch_call *bc, int port,
			    struct lpc_xfer *xs, __u32 count)
{
	memset(&bc->b, 0, sizeof(bc->b));
	bc->b.xfers = lpc_ptr(xs);
	bc->b.count = count;
	bc->b.flags = LPC_XFER_TIMEOUT;
	bc->b.timeout_ns = LPC_WAIT_NS;
	return lpc_call_start(&bc->call, port, LPC_IOC_SEND_BATCH, &bc->b);
}

/* A blocked datagram send on a helper thread. */
static int datagram_call_start(struct lpc_call *call, struct lpc_xfer *x,
			       int port, __u32 *v)
{
	send_entry(x, LPC_MSG_DATAGRAM, v, sizeof(*v));
	x->flags |= LPC_XFER_TIMEOUT;
	x->timeout_ns = LPC_WAIT_NS;
	return lpc_call_start(call, port, LPC_IOC_XFER, x);
}

/* How often thread @tid of this process has gone to sleep, or -1. */
static long voluntary_switches(pid_t tid)
{
	char path[64], line[128];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * A receive batch wakes one waiting sender; a sender that leaves room
 * passes the wake-up on. A batch sender and then two single senders, all
 * blocked on a full queue: one receive batch frees four slots and all four
 * datagrams get in.
 */
TEST_F(batch, recv_batch_room_passes_from_sender_to_sender)
{
	struct lpc_xfer bx[2], sx[2];
	struct lpc_call singles[2];
	struct batch_call bc;
	__u32 bv[2] = { 300, 301 }, sv[2] = { 200, 201 }, seen = 0;
	__u64 t0;
	int i, n;

	LPC_OPEN_PAIR(.max_queued = SMALL_QUEUE, .context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 100, SMALL_QUEUE));
	for (i = 0; i < 2; i++)
		send_entry(&bx[i], LPC_MSG_DATAGRAM, &bv[i], sizeof(bv[i]));
	ASSERT_EQ(0, batch_call_start(&bc, self->client, bx, 2));
	/* The batch sender waits first, so it is woken first. */
	LPC_ASSERT_BLOCKED(&bc.call);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, datagram_call_start(&singles[i], &sx[i],
						 self->client, &sv[i]));
		LPC_ASSERT_BLOCKED(&singles[i]);
	}
	FILL_RECVS(SMALL_QUEUE);
	t0 = lpc_now_ns();
	ASSERT_EQ(SMALL_QUEUE, recv_batch(self->cport, self->xs, SMALL_QUEUE,
					  0, 0));
	EXPECT_EQ(2, lpc_call_join(&bc.call));
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, lpc_call_join(&singles[i]));
	EXPECT_GT(WOKEN_NS, lpc_now_ns() - t0);
	FILL_RECVS(SMALL_QUEUE);
	n = recv_batch(self->cport, self->xs, SMALL_QUEUE, LPC_XFER_NONBLOCK,
		       0);
	ASSERT_EQ(SMALL_QUEUE, n);
	for (i = 0; i < n; i++) {
		__u32 v = self->rdata[i][0];

		if (v == 200 || v == 201)
			seen |= 1U << (v - 200);
		else if (v == 300 || v == 301)
			seen |= 4U << (v - 300);
	}
	EXPECT_EQ(0xfU, seen);
}

/*
 * ...and only one: when the sender it wakes fills the room again, the
 * next sender is left asleep rather than woken to find the queue full.
 */
TEST_F(batch, recv_batch_wakes_no_sender_for_nothing)
{
	struct lpc_xfer sx, rx[SMALL_QUEUE];
	__u32 rbuf[SMALL_QUEUE][4], sv = 200;
	struct lpc_call single;
	struct batch_call bc;
	long before;
	int i;

	LPC_OPEN_PAIR(.max_queued = SMALL_QUEUE, .context = CTX_A);
	ASSERT_EQ(0, queue_datagrams(self->client, 100, SMALL_QUEUE));
	FILL_DATAGRAMS(SMALL_QUEUE);
	ASSERT_EQ(0, batch_call_start(&bc, self->client, self->xs,
				      SMALL_QUEUE));
	LPC_ASSERT_BLOCKED(&bc.call);
	ASSERT_EQ(0, datagram_call_start(&single, &sx, self->client, &sv));
	LPC_ASSERT_BLOCKED(&single);
	before = voluntary_switches(single.tid);
	ASSERT_LE(0, before);

	/* Four slots freed: the batch sender, woken first, fills them. */
	for (i = 0; i < SMALL_QUEUE; i++)
		recv_entry(&rx[i], rbuf[i], sizeof(rbuf[i]));
	ASSERT_EQ(SMALL_QUEUE, recv_batch(self->cport, rx, SMALL_QUEUE, 0, 0));
	EXPECT_EQ(SMALL_QUEUE, lpc_call_join(&bc.call));
	/*
	 * Not woken. A wake-up, if any, was given before the batch sender
	 * returned; the woken thread would now be runnable (not asleep) or
	 * asleep again after one more switch: no wait is needed to see it.
	 */
	EXPECT_TRUE(lpc_task_blocked(getpid(), single.tid, SYS_ioctl));
	EXPECT_EQ(before, voluntary_switches(single.tid));
	EXPECT_FALSE(lpc_call_done(&single));

	/* One slot freed: now it gets in. */
	recv_entry(&rx[0], rbuf[0], sizeof(rbuf[0]));
	ASSERT_EQ(1, recv_batch(self->cport, rx, 1, 0, 0));
	EXPECT_EQ(0, lpc_call_join(&single));
}

TEST_HARNESS_MAIN
