// SPDX-License-Identifier: GPL-2.0
/*
 * Each connection's share of its connection port (issue "Isolation"):
 * slots and bytes, the reply room a request reserves, and the bound on a
 * client's asynchronous requests whose replies it does not receive.
 *
 * The module parameters max_conn_queued and max_conn_queued_bytes are
 * the defaults a port takes at creation; struct lpc_port_attr sets them
 * per port.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include "kselftest_harness.h"
#include "lpc_sys.h"
#include "lpc_pair.h"
#include "lpc_query.h"

#define P_SLOTS	"max_conn_queued"
#define P_BYTES	"max_conn_queued_bytes"

static int datagram_nb(int port, const void *buf, __u32 len)
{
	struct lpc_xfer x;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_NONBLOCK;
	x.send_type = LPC_MSG_DATAGRAM;
	x.send_buf = lpc_ptr(buf);
	x.send_len = len;
	return sys_lpc_xfer(port, &x);
}

/* An asynchronous request that does not wait for room: 0 or -errno. */
static int request_nb(int port, __u32 reply_cap, __u64 *id)
{
	struct lpc_xfer x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_NONBLOCK;
	x.send_type = LPC_MSG_REQUEST;
	x.recv_cap = reply_cap;
	ret = sys_lpc_xfer(port, &x);
	if (id)
		*id = x.send_id;
	return ret;
}

/* Send 0-byte datagrams until the port refuses one: how many went. */
static int flood(int port, int max)
{
	int n;

	for (n = 0; n < max; n++)
		if (datagram_nb(port, NULL, 0))
			break;
	return n;
}

/* The connection info of the connection with context @ctx on @name. */
static int conn_info_of(int dev, const char *name, __u64 ctx,
			struct lpc_conn_info *out)
{
	struct lpc_conn_info page[8];
	struct lpc_query q;
	__u32 i;
	int ret;

	lpc_query_init(&q, name, page, 8, sizeof(page[0]));
	ret = sys_lpc_conn_list(dev, &q);
	if (ret)
		return ret;
	for (i = 0; i < q.count; i++)
		if (page[i].context == ctx) {
			*out = page[i];
			return 0;
		}
	return -ENOENT;
}

FIXTURE(share) {
	int dev, cport;
	int client_a, server_a, client_b, server_b;
	unsigned long slots, bytes;
	bool restore;
	char name[64];
};

FIXTURE_SETUP(share)
{
	self->restore = false;
	self->cport = self->client_a = self->client_b = -1;
	self->server_a = self->server_b = -1;
	self->dev = lpc_open_dev();
	if (self->dev < 0)
		SKIP(return, "no /dev/lpc");
	/* Old modules have only the bytes parameter: then slots read 0. */
	self->slots = 0;
	lpc_param_read(P_SLOTS, &self->slots);
	if (lpc_param_read(P_BYTES, &self->bytes))
		SKIP(return, "module has no per-connection quota");
	self->restore = true;
	lpc_name(self->name, sizeof(self->name), "share");
}

FIXTURE_TEARDOWN(share)
{
	if (self->restore) {
		if (self->slots)
			lpc_param_write(P_SLOTS, self->slots);
		lpc_param_write(P_BYTES, self->bytes);
	}
	close(self->client_a);
	close(self->client_b);
	close(self->server_a);
	close(self->server_b);
	close(self->cport);
	close(self->dev);
}

/* Create the port from @a (its name set here), connect clients 1 and 2. */
static int share_open(struct __test_metadata *_metadata,
		      FIXTURE_DATA(share) *self, struct lpc_port_attr *a)
{
	a->name = lpc_ptr(self->name);
	a->name_len = strlen(self->name);
	self->cport = sys_lpc_create_port(self->dev, a);
	if (self->cport < 0)
		return self->cport;
	if (lpc_connect_pair(self->dev, self->cport, self->name, 1, 0,
			     &self->client_a, &self->server_a) ||
	    lpc_connect_pair(self->dev, self->cport, self->name, 2, 0,
			     &self->client_b, &self->server_b))
		return -EPROTO;
	return 0;
}

/*
 * The starvation the share prevents: one client floods 0-byte datagrams,
 * which cost no bytes, into a port with default limits. It gets its share
 * of slots (the max_conn_queued default, 64 of 256) and no more, so the
 * other client still sends at once, and its request is received after at
 * most a share's worth of the flood: the latency bound, in messages.
 * Before: the flood took all 256 slots and the request got -EAGAIN.
 */
TEST_F(share, flood_leaves_room_for_others)
{
	struct lpc_port_attr a;
	struct lpc_msg_info info;
	__u64 id;
	int sent, before = 0, ret;

	memset(&a, 0, sizeof(a));
	ASSERT_EQ(0, share_open(_metadata, self, &a));
	sent = flood(self->client_a, LPC_DEFAULT_QUEUE + 1);
	EXPECT_EQ(64, sent);
	ASSERT_EQ(0, request_nb(self->client_b, 16, &id));
	for (;;) {
		ret = lpc_recv_nb(self->cport, &info, NULL, 0);
		ASSERT_EQ(0, ret);
		if (info.id == id)
			break;
		before++;
	}
	EXPECT_GE(64, before);
	EXPECT_EQ(0, lpc_reply(self->cport, id, "ok", 2));
}

/*
 * A request charges the reply room it reserves: 0-byte requests asking
 * for 64 KiB replies fill a 128 KiB share after two (the first always
 * fits). Before: they charged 0 bytes and took every slot.
 */
TEST_F(share, request_charges_its_reply_room)
{
	struct lpc_port_attr a;
	int n;

	ASSERT_EQ(0, lpc_param_write(P_BYTES, 128 << 10));
	memset(&a, 0, sizeof(a));
	a.max_msg_len = LPC_MSG_MAX;
	ASSERT_EQ(0, share_open(_metadata, self, &a));
	for (n = 0; n < 10; n++)
		if (request_nb(self->client_a, 65536, NULL))
			break;
	EXPECT_EQ(2, n);
	EXPECT_EQ(-EAGAIN, request_nb(self->client_a, 65536, NULL));
	/* The other client's share is its own. */
	EXPECT_EQ(0, request_nb(self->client_b, 65536, NULL));
}

/*
 * Replies a client never receives are bounded: each of its asynchronous
 * requests is answered at once, yet after its share (4) of them the next
 * is refused with -ENOBUFS until it receives a reply. Before: every
 * request went, and their replies piled up on the client port unbounded.
 */
TEST_F(share, unreceived_async_replies_bounded)
{
	struct lpc_msg_info info;
	struct lpc_port_attr a;
	int n, ret = 0;
	char buf[8];
	__u64 id;

	if (self->slots)
		ASSERT_EQ(0, lpc_param_write(P_SLOTS, 4));
	memset(&a, 0, sizeof(a));
	ASSERT_EQ(0, share_open(_metadata, self, &a));
	for (n = 0; n < 100; n++) {
		ret = request_nb(self->client_a, 8, &id);
		if (ret)
			break;
		ASSERT_EQ(0, lpc_recv_nb(self->cport, &info, NULL, 0));
		ASSERT_EQ(0, lpc_reply(self->cport, info.id, "r", 1));
	}
	EXPECT_EQ(4, n);
	EXPECT_EQ(-ENOBUFS, ret);
	/* Receiving one reply makes room for one request. */
	ASSERT_EQ(0, lpc_recv_nb(self->client_a, &info, buf, sizeof(buf)));
	EXPECT_EQ(LPC_MSG_REPLY, info.type);
	EXPECT_EQ(0, request_nb(self->client_a, 8, NULL));
	EXPECT_EQ(-ENOBUFS, request_nb(self->client_a, 8, NULL));
	/* Another client's bound is its own. */
	EXPECT_EQ(0, request_nb(self->client_b, 8, NULL));
}

/* A cancelled asynchronous request gives its place back. */
TEST_F(share, cancel_returns_async_place)
{
	struct lpc_port_attr a;
	struct lpc_cancel c;
	__u64 id[4];
	int i;

	if (!self->slots)
		SKIP(return, "module has no max_conn_queued");
	ASSERT_EQ(0, lpc_param_write(P_SLOTS, 4));
	memset(&a, 0, sizeof(a));
	ASSERT_EQ(0, share_open(_metadata, self, &a));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, request_nb(self->client_a, 8, &id[i]));
	ASSERT_EQ(-ENOBUFS, request_nb(self->client_a, 8, NULL));
	memset(&c, 0, sizeof(c));
	c.id = id[2];
	ASSERT_EQ(0, sys_lpc_cancel(self->client_a, &c));
	EXPECT_EQ(0, request_nb(self->client_a, 8, NULL));
}

/* The share set per port, and what queries and fdinfo show of it. */
TEST_F(share, per_port_share_shown)
{
	struct lpc_conn_info ci;
	struct lpc_port_info pi;
	struct lpc_port_attr a;
	char val[64];

	if (!self->slots)
		SKIP(return, "module has no per-port shares");
	memset(&a, 0, sizeof(a));
	a.max_queued = 32;
	a.max_conn_queued = 3;
	a.max_conn_bytes = 1000;
	ASSERT_EQ(0, share_open(_metadata, self, &a));
	EXPECT_EQ(3, flood(self->client_a, 10));
	EXPECT_EQ(0, datagram_nb(self->client_b, val, 600));
	EXPECT_EQ(0, datagram_nb(self->client_b, val, 400));
	EXPECT_EQ(-EAGAIN, datagram_nb(self->client_b, val, 1));

	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &pi));
	EXPECT_EQ(3, pi.max_conn_queued);
	EXPECT_EQ(1000, pi.max_conn_bytes);
	ASSERT_EQ(0, conn_info_of(self->dev, self->name, 1, &ci));
	EXPECT_EQ(3, ci.held);
	EXPECT_EQ(0, ci.held_bytes);
	ASSERT_EQ(0, conn_info_of(self->dev, self->name, 2, &ci));
	EXPECT_EQ(2, ci.held);
	EXPECT_EQ(1000, ci.held_bytes);

	ASSERT_EQ(0, lpc_fdinfo(self->client_a, "lpc-conn-held", val,
				sizeof(val)));
	EXPECT_STREQ("3/3", val);
	ASSERT_EQ(0, lpc_fdinfo(self->client_b, "lpc-conn-held-bytes", val,
				sizeof(val)));
	EXPECT_STREQ("1000/1000", val);
	ASSERT_EQ(0, lpc_fdinfo(self->cport, "lpc-max-conn-queued", val,
				sizeof(val)));
	EXPECT_STREQ("3", val);
}

/* A share larger than the queue is -EINVAL; the default is capped. */
TEST_F(share, share_above_queue_einval)
{
	struct lpc_port_info pi;
	struct lpc_port_attr a;

	if (!self->slots)
		SKIP(return, "module has no per-port shares");
	memset(&a, 0, sizeof(a));
	a.max_queued = 8;
	a.max_conn_queued = 9;
	a.name = lpc_ptr(self->name);
	a.name_len = strlen(self->name);
	EXPECT_EQ(-EINVAL, sys_lpc_create_port(self->dev, &a));
	/* The default share is capped at the queue. */
	a.max_conn_queued = 0;
	self->cport = sys_lpc_create_port(self->dev, &a);
	ASSERT_LE(0, self->cport);
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &pi));
	EXPECT_EQ(8, pi.max_conn_queued);
}

TEST_HARNESS_MAIN
