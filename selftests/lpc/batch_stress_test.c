// SPDX-License-Identifier: GPL-2.0
/*
 * Batches under load: 4 client processes each send 4,000 datagrams, in
 * send batches of random sizes mixed with single sends, to one connection
 * port that queues at most 32 messages; 3 server threads receive at once,
 * two with receive batches of random sizes, one a message at a time.
 *
 * Payload sizes straddle the small-buffer size, so chunks of the batch
 * fast path mix with entries that take the general path; the small queue
 * makes chunks stop at a full queue, senders wait for room and pass the
 * wake-up on, and receivers race for the same messages. Every datagram
 * must arrive once, intact, and each receiving thread must see each
 * sender's datagrams in the order they were sent.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
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

#define NCLIENTS	4
#define NMSG		4000
#define NRECEIVERS	3
#define QUEUE		32
#define MAXPAY		200
#define CALL_NS		(60ULL * LPC_NSEC_PER_SEC)
#define RUN_SECS	240

struct dgram {
	__u32 client;
	__u32 seq;
	__u32 len;
	__u32 fill;	/* every byte after the header is (seq + client) */
};

/* Small pseudo-random numbers, one state per thread or process. */
static __u32 next_rand(__u32 *s)
{
	*s = *s * 1103515245U + 12345U;
	return *s >> 16;
}

static __u32 pay_len(__u32 client, __u32 seq)
{
	return sizeof(struct dgram) + (seq * 7 + client * 13) %
	       (MAXPAY - sizeof(struct dgram) + 1);
}

static void fill_dgram(unsigned char *buf, __u32 client, __u32 seq)
{
	struct dgram d = { client, seq, pay_len(client, seq), 0 };

	d.fill = (__u8)(seq + client);
	memcpy(buf, &d, sizeof(d));
	memset(buf + sizeof(d), (int)d.fill, d.len - sizeof(d));
}

static bool dgram_ok(const unsigned char *buf, __u32 len)
{
	struct dgram d;
	__u32 i;

	if (len < sizeof(d))
		return false;
	memcpy(&d, buf, sizeof(d));
	if (d.client >= NCLIENTS || d.seq >= NMSG || d.len != len ||
	    len != pay_len(d.client, d.seq) || d.fill != (__u8)(d.seq + d.client))
		return false;
	for (i = sizeof(d); i < len; i++)
		if (buf[i] != d.fill)
			return false;
	return true;
}

/*
 * Client process: connect, wait for @go to reach its end (all clients are
 * accepted), send NMSG datagrams; exit codes >= 10 fail.
 */
static int client_main(const char *name, __u32 idx, int go)
{
	static unsigned char bufs[LPC_BATCH_MAX][MAXPAY];
	static struct lpc_xfer xs[LPC_BATCH_MAX];
	__u32 seq = 0, rnd = idx * 7919 + 1, n, i;
	struct lpc_connect c;
	struct lpc_batch b;
	int dev, port, r;

	dev = lpc_open_dev();
	if (dev < 0)
		return 10;
	lpc_connect_init(&c, name, CALL_NS);
	port = sys_lpc_connect(dev, &c);
	if (port < 0)
		return 11;
	if (read(go, &n, 1) != 0)
		return 14;
	while (seq < NMSG) {
		n = 1 + next_rand(&rnd) % LPC_BATCH_MAX;
		if (n > NMSG - seq)
			n = NMSG - seq;
		for (i = 0; i < n; i++) {
			fill_dgram(bufs[i], idx, seq + i);
			memset(&xs[i], 0, sizeof(xs[i]));
			xs[i].flags = LPC_XFER_SEND;
			xs[i].send_type = LPC_MSG_DATAGRAM;
			xs[i].send_buf = lpc_ptr(bufs[i]);
			xs[i].send_len = pay_len(idx, seq + i);
		}
		if (n == 1 && next_rand(&rnd) % 2) {
			xs[0].flags |= LPC_XFER_TIMEOUT;
			xs[0].timeout_ns = CALL_NS;
			if (sys_lpc_xfer(port, &xs[0]))
				return 12;
			seq++;
			continue;
		}
		memset(&b, 0, sizeof(b));
		b.xfers = lpc_ptr(xs);
		b.count = n;
		b.flags = LPC_XFER_TIMEOUT;
		b.timeout_ns = CALL_NS;
		r = lpc_ioctl(port, LPC_IOC_SEND_BATCH, &b);
		if (r <= 0 || (__u32)r > n)
			return 13;
		/* A short batch stopped at a full queue: go on from there. */
		seq += (__u32)r;
	}
	/* Stay connected until the server has everything. */
	pause();
	return 0;
}

struct shared {
	int cport;
	__u8 seen[NCLIENTS][NMSG];	/* receptions of each datagram */
	unsigned int total;		/* datagrams received, all threads */
	unsigned int bad;		/* corrupt, duplicate or out of order */
	char why[256];
};

struct receiver {
	pthread_t thread;
	struct shared *sh;
	__u32 id;
	bool batches;
};

static void note_bad(struct shared *sh, const char *what, __u32 client,
		     __u32 seq)
{
	if (__atomic_fetch_add(&sh->bad, 1, __ATOMIC_RELAXED) == 0)
		snprintf(sh->why, sizeof(sh->why), "%s: client %u seq %u",
			 what, client, seq);
}

/* Record one received datagram; @last is this thread's last seq per client. */
static void take(struct shared *sh, const unsigned char *buf, __u32 len,
		 __s64 *last)
{
	struct dgram d;

	if (!dgram_ok(buf, len)) {
		note_bad(sh, "corrupt", 0, 0);
		return;
	}
	memcpy(&d, buf, sizeof(d));
	if ((__s64)d.seq <= last[d.client])
		note_bad(sh, "out of order", d.client, d.seq);
	last[d.client] = d.seq;
	if (__atomic_fetch_add(&sh->seen[d.client][d.seq], 1,
			       __ATOMIC_RELAXED))
		note_bad(sh, "duplicate", d.client, d.seq);
	__atomic_fetch_add(&sh->total, 1, __ATOMIC_RELEASE);
}

static bool all_in(struct shared *sh)
{
	return __atomic_load_n(&sh->total, __ATOMIC_ACQUIRE) >=
	       NCLIENTS * NMSG;
}

static void *receiver_main(void *p)
{
	static __thread unsigned char bufs[LPC_BATCH_MAX][MAXPAY];
	struct lpc_xfer xs[LPC_BATCH_MAX];
	struct receiver *rc = p;
	struct shared *sh = rc->sh;
	__u32 rnd = rc->id * 104729 + 3, n, i;
	__s64 last[NCLIENTS];
	struct lpc_batch b;
	int r;

	for (i = 0; i < NCLIENTS; i++)
		last[i] = -1;
	while (!all_in(sh)) {
		n = rc->batches ? 1 + next_rand(&rnd) % LPC_BATCH_MAX : 1;
		for (i = 0; i < n; i++) {
			memset(&xs[i], 0, sizeof(xs[i]));
			xs[i].flags = LPC_XFER_RECV;
			xs[i].recv_buf = lpc_ptr(bufs[i]);
			xs[i].recv_cap = MAXPAY;
		}
		memset(&b, 0, sizeof(b));
		b.xfers = lpc_ptr(xs);
		b.count = n;
		/* Short waits, so that a thread notices when all are in. */
		b.flags = LPC_XFER_TIMEOUT;
		b.timeout_ns = 50 * LPC_NSEC_PER_MSEC;
		r = lpc_ioctl(sh->cport, LPC_IOC_RECV_BATCH, &b);
		if (r == -ETIMEDOUT)
			continue;
		if (r <= 0 || (__u32)r > n) {
			note_bad(sh, "receive failed", 0, (__u32)-r);
			break;
		}
		for (i = 0; i < (__u32)r; i++) {
			if (xs[i].info.type == LPC_MSG_CONNECTION_REQUEST) {
				note_bad(sh, "connection request", 0, 0);
				continue;
			}
			take(sh, bufs[i], xs[i].info.data_len, last);
		}
	}
	return NULL;
}

/* Accept the NCLIENTS connections as their requests come in. */
static int accept_all(int cport, int *comm)
{
	struct lpc_msg_info info;
	char buf[64];
	int i, ret;

	for (i = 0; i < NCLIENTS; i++) {
		ret = lpc_recv(cport, &info, buf, sizeof(buf), CALL_NS);
		if (ret)
			return ret;
		if (info.type != LPC_MSG_CONNECTION_REQUEST)
			return -EPROTO;
		comm[i] = lpc_accept_id(cport, info.id, i + 1, NULL, 0, 0);
		if (comm[i] < 0)
			return comm[i];
	}
	return 0;
}

/* Everything lives in the test; the fixture is for the timeout. */
FIXTURE(bstress) {
	int unused;
};

FIXTURE_SETUP(bstress)
{
	self->unused = 0;
}

FIXTURE_TEARDOWN(bstress)
{
}

TEST_F_TIMEOUT(bstress, batches_4_senders_3_receivers_small_queue, RUN_SECS)
{
	struct receiver rc[NRECEIVERS];
	char name[LPC_NAME_MAX + 1];
	pid_t pid[NCLIENTS];
	int dev, comm[NCLIENTS], go[2], i, c, s;
	struct shared *sh;

	LPC_OPEN_DEV_OR_SKIP(dev, LPC_FEAT_BATCH);
	sh = calloc(1, sizeof(*sh));
	ASSERT_NE(NULL, sh);
	lpc_name(name, sizeof(name), _metadata->name);
	sh->cport = lpc_create_limits(dev, name, MAXPAY, 0, QUEUE, 0);
	ASSERT_LE(0, sh->cport);
	ASSERT_EQ(0, pipe(go));
	for (i = 0; i < NCLIENTS; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			lpc_child_init();
			close(go[1]);
			_exit(client_main(name, (__u32)i, go[0]));
		}
		ASSERT_LT(0, pid[i]);
	}
	close(go[0]);
	ASSERT_EQ(0, accept_all(sh->cport, comm));
	/* All accepted: the end of the pipe starts the clients. */
	close(go[1]);
	for (i = 0; i < NRECEIVERS; i++) {
		rc[i].sh = sh;
		rc[i].id = (__u32)i;
		rc[i].batches = i < NRECEIVERS - 1;
		ASSERT_EQ(0, pthread_create(&rc[i].thread, NULL,
					    receiver_main, &rc[i]));
	}
	for (i = 0; i < NRECEIVERS; i++)
		pthread_join(rc[i].thread, NULL);
	/* A client that failed exits on its own, before all came in. */
	for (i = 0; i < NCLIENTS; i++) {
		kill(pid[i], SIGKILL);
		s = lpc_wait_child(pid[i], LPC_WAIT_MS);
		EXPECT_TRUE(s == 128 + SIGKILL) {
			TH_LOG("client %d exited with %d", i, s);
		}
	}
	EXPECT_EQ(0, sh->bad) {
		TH_LOG("%u bad datagrams, first: %s", sh->bad, sh->why);
	}
	EXPECT_EQ(NCLIENTS * NMSG, sh->total);
	for (c = 0; c < NCLIENTS; c++)
		for (i = 0; i < NMSG; i++)
			if (sh->seen[c][i] != 1) {
				EXPECT_EQ(1, sh->seen[c][i]) {
					TH_LOG("client %d seq %d", c, i);
				}
				break;
			}
	for (i = 0; i < NCLIENTS; i++)
		close(comm[i]);
	close(sh->cport);
	close(dev);
	free(sh);
}

TEST_HARNESS_MAIN
