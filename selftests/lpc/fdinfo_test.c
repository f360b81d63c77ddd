// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/<pid>/fdinfo/<fd> of ports: the kind, name and limits, the count
 * of held messages, the state, and the small buffers a client port keeps
 * for its next sends (bounded by its server's queue and by 256).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
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
#include "lpc_pair.h"

#define CTX_A		0xfd1f000000000001ULL
#define FREE_MAX	256	/* small buffers a client port keeps, at most */

FIXTURE(fdinfo) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	char buf[LPC_DEFAULT_MSG_LEN];
};

FIXTURE_SETUP(fdinfo)
{
	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
}

FIXTURE_TEARDOWN(fdinfo)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* A connection port queuing at most @max_queued messages, one client. */

/* The number after @key, or -1 if there is none. */
static long fdinfo_num(int fd, const char *key)
{
	char val[64];

	if (lpc_fdinfo(fd, key, val, sizeof(val)))
		return -1;
	return strtol(val, NULL, 10);
}

#define EXPECT_FDINFO(fd, key, want) do {				\
		char __v[256];						\
		ASSERT_EQ(0, lpc_fdinfo((fd), (key), __v, sizeof(__v))) { \
			TH_LOG("no %s line", (key));			\
		}							\
		EXPECT_STREQ((want), __v);				\
	} while (0)

/* Send @n datagrams from the client, then receive them all. */
static int datagrams_through(FIXTURE_DATA(fdinfo) *self, int n)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = lpc_datagram(self->client, &i, sizeof(i));
		if (ret)
			return ret;
	}
	for (i = 0; i < n; i++) {
		ret = lpc_recv_nb(self->cport, NULL, self->buf,
				  sizeof(self->buf));
		if (ret)
			return ret;
	}
	return 0;
}

TEST_F(fdinfo, kinds_names_limits)
{
	char want[16];

	LPC_OPEN_PAIR(.max_queued = 7, .context = CTX_A);
	EXPECT_FDINFO(self->cport, "lpc-kind", "connection");
	EXPECT_FDINFO(self->cport, "lpc-name", self->name);
	EXPECT_EQ(1, fdinfo_num(self->cport, "lpc-conns"));
	EXPECT_EQ(7, fdinfo_num(self->cport, "lpc-max-queued"));
	snprintf(want, sizeof(want), "%u", LPC_DEFAULT_MSG_LEN);
	EXPECT_FDINFO(self->cport, "lpc-max-msg", want);
	EXPECT_FDINFO(self->client, "lpc-kind", "client");
	EXPECT_FDINFO(self->server, "lpc-kind", "server");
	/* Only connection ports have a name, only clients keep buffers. */
	EXPECT_EQ(-1, fdinfo_num(self->client, "lpc-conns"));
	EXPECT_EQ(-1, fdinfo_num(self->cport, "lpc-free-buffers"));
	EXPECT_EQ(-1, fdinfo_num(self->server, "lpc-free-buffers"));
	EXPECT_FDINFO(self->client, "lpc-state", "open");
}

TEST_F(fdinfo, held_counts_queued_messages)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	EXPECT_EQ(0, fdinfo_num(self->cport, "lpc-held"));
	ASSERT_EQ(0, lpc_datagram(self->client, "a", 1));
	ASSERT_EQ(0, lpc_datagram(self->client, "b", 1));
	EXPECT_EQ(2, fdinfo_num(self->cport, "lpc-held"));
	ASSERT_EQ(0, lpc_recv_nb(self->cport, NULL, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ(1, fdinfo_num(self->cport, "lpc-held"));
}

TEST_F(fdinfo, client_closed_when_server_goes)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	lpc_close(&self->server);
	EXPECT_FDINFO(self->client, "lpc-state", "closed");
}

/* Buffers come back to the client that sent them, and are reused. */
TEST_F(fdinfo, free_buffers_kept_and_reused)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	EXPECT_EQ(0, fdinfo_num(self->client, "lpc-free-buffers"));
	ASSERT_EQ(0, datagrams_through(self, 5));
	EXPECT_EQ(5, fdinfo_num(self->client, "lpc-free-buffers"));
	/* Three more in flight take three of them off the stack. */
	ASSERT_EQ(0, lpc_datagram(self->client, "x", 1));
	ASSERT_EQ(0, lpc_datagram(self->client, "y", 1));
	ASSERT_EQ(0, lpc_datagram(self->client, "z", 1));
	EXPECT_EQ(2, fdinfo_num(self->client, "lpc-free-buffers"));
}

/* A port never keeps more than 256, however many it had in flight. */
TEST_F(fdinfo, free_buffers_at_most_256)
{
	LPC_OPEN_PAIR(.max_queued = 1000, .context = CTX_A);
	ASSERT_EQ(0, datagrams_through(self, 300));
	EXPECT_EQ(FREE_MAX, fdinfo_num(self->client, "lpc-free-buffers"));
}

/*
 * Nor more than its server's queue could have held. Replies to
 * asynchronous requests wait on the client's own queue, uncounted, each
 * holding its request's small buffer: 24 of them from a server that
 * queues 8 come back to a stack that keeps 8.
 */
TEST_F(fdinfo, free_buffers_at_most_max_queued)
{
	struct lpc_msg_info info;
	int i, round;
	__u64 id;
	char r[8];

	/*
	 * 24 small requests through a port of 8: 8 at a time, since a client
	 * has at most its share (8) of asynchronous requests outstanding.
	 */
	LPC_OPEN_PAIR(.max_queued = 8, .context = CTX_A);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 8; i++)
			ASSERT_EQ(0, lpc_request_async(self->client, "q", 1,
						       sizeof(r), &id));
		for (i = 0; i < 8; i++) {
			ASSERT_EQ(0, lpc_recv_nb(self->cport, &info,
						 self->buf,
						 sizeof(self->buf)));
			ASSERT_EQ(0, lpc_reply(self->cport, info.id, "r", 1));
		}
		/* Buffers held by unreceived replies are not free. */
		EXPECT_EQ(0, fdinfo_num(self->client, "lpc-free-buffers"));
		for (i = 0; i < 8; i++)
			ASSERT_EQ(0, lpc_recv_nb(self->client, &info, r,
						 sizeof(r)));
		EXPECT_EQ((__u32)LPC_MSG_REPLY, info.type);
		EXPECT_EQ(8, fdinfo_num(self->client, "lpc-free-buffers"));
	}
}

TEST_HARNESS_MAIN
