// SPDX-License-Identifier: GPL-2.0
/*
 * LPC_IOC_PORT_LIST, LPC_IOC_PORT_INFO and LPC_IOC_CONN_LIST: what they
 * report about live ports and connections, who sees what, paging, and
 * the checks on their arguments.
 *
 * Counters are compared as differences, so the test does not depend on
 * what else the port counted (the connection request is a message in
 * too).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"
#include "lpc_query.h"

#define MSG_MAX		1024
#define CONN_DATA_MAX	128
#define QUEUE_MAX	32
#define CONNS_MAX	8

#define OTHER_UID	1001
#define NPORTS		1000

static __u64 realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (__u64)ts.tv_sec * LPC_NSEC_PER_SEC + (__u64)ts.tv_nsec;
}

FIXTURE(query) {
	int dev;
	int cport;
	char name[LPC_NAME_MAX + 1];
	__u64 t0, t1;		/* realtime around the port's creation */
};

FIXTURE_SETUP(query)
{
	self->dev = -1;
	self->cport = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_QUERY);
	lpc_name(self->name, sizeof(self->name), "query");
	self->t0 = realtime_ns();
	self->cport = lpc_create_limits(self->dev, self->name, MSG_MAX,
					CONN_DATA_MAX, QUEUE_MAX, CONNS_MAX);
	self->t1 = realtime_ns();
	ASSERT_LE(0, self->cport) {
		TH_LOG("create %s: %s", self->name, strerror(-self->cport));
	}
}

FIXTURE_TEARDOWN(query)
{
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* Every byte of @p[0..@n) is @c. */
static bool all_bytes(const void *p, size_t n, unsigned char c)
{
	const unsigned char *b = p;

	while (n--)
		if (*b++ != c)
			return false;
	return true;
}

TEST_F(query, list_shows_live_port)
{
	struct lpc_port_info info, byname;

	ASSERT_EQ(1, lpc_port_listed(self->dev, self->name, &info));
	EXPECT_NE(0, info.serial);
	EXPECT_EQ(strlen(self->name), info.name_len);
	EXPECT_STREQ(self->name, (char *)info.name);
	EXPECT_EQ(0, info.flags);
	EXPECT_EQ(getuid(), info.owner_uid);
	EXPECT_EQ(getgid(), info.owner_gid);
	EXPECT_EQ(getpid(), info.server_pid);
	EXPECT_LE(self->t0, info.created_ns);
	EXPECT_GE(self->t1, info.created_ns);
	EXPECT_EQ(MSG_MAX, info.max_msg_len);
	EXPECT_EQ(CONN_DATA_MAX, info.max_conn_data_len);
	EXPECT_EQ(QUEUE_MAX, info.max_queued);
	EXPECT_EQ(CONNS_MAX, info.max_conns);
	EXPECT_EQ(0, info.nr_conns);
	EXPECT_EQ(0, info.nr_queued);
	EXPECT_EQ(0, info.queued_bytes);
	EXPECT_EQ(0, info.__pad);

	/* The same as what PORT_INFO says. */
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &byname));
	EXPECT_EQ(0, memcmp(&info, &byname, sizeof(info)));
}

TEST_F(query, defaults_and_flags)
{
	struct lpc_port_info info;
	struct lpc_port_attr a;
	char name[LPC_NAME_MAX + 1];
	int fd;

	lpc_name(name, sizeof(name), "flags");
	lpc_port_attr_init(&a, name);
	a.flags = LPC_PORT_REQUIRE_CREDS | LPC_NO_CLOEXEC;
	fd = sys_lpc_create_port(self->dev, &a);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, lpc_port_info(self->dev, name, &info));
	/* LPC_NO_CLOEXEC is about the fd, not the port. */
	EXPECT_EQ(LPC_PORT_REQUIRE_CREDS, info.flags);
	EXPECT_EQ(LPC_DEFAULT_MSG_LEN, info.max_msg_len);
	EXPECT_EQ(LPC_DEFAULT_CONN_DATA, info.max_conn_data_len);
	EXPECT_EQ(LPC_DEFAULT_QUEUE, info.max_queued);
	EXPECT_EQ(LPC_DEFAULT_CONNS, info.max_conns);
	close(fd);
	EXPECT_EQ(-ENOENT, lpc_port_info(self->dev, name, &info));
	EXPECT_EQ(0, lpc_port_listed(self->dev, name, NULL));
}

TEST_F(query, counters_after_messages)
{
	struct lpc_port_info i0, i1;
	struct lpc_sync_req req;
	struct lpc_msg_info msg;
	char buf[MSG_MAX];
	int client, server, n;

	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &i0));
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 1,
				      0, &client, &server));
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &i1));
	EXPECT_EQ(i0.connects + 1, i1.connects);
	EXPECT_EQ(i0.accepted + 1, i1.accepted);
	EXPECT_EQ(i0.refused, i1.refused);
	EXPECT_EQ(i0.denied, i1.denied);
	EXPECT_EQ(1, i1.nr_conns);
	i0 = i1;

	/* Three datagrams of 10 bytes wait on the port. */
	for (n = 0; n < 3; n++)
		ASSERT_EQ(0, lpc_datagram(client, "0123456789", 10));
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &i1));
	EXPECT_EQ(i0.msgs_in + 3, i1.msgs_in);
	EXPECT_EQ(i0.bytes_in + 30, i1.bytes_in);
	EXPECT_EQ(3, i1.nr_queued);
	EXPECT_EQ(30, i1.queued_bytes);
	for (n = 0; n < 3; n++)
		ASSERT_EQ(0, lpc_recv_nb(self->cport, &msg, buf, sizeof(buf)));
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &i1));
	EXPECT_EQ(0, i1.nr_queued);
	EXPECT_EQ(0, i1.queued_bytes);
	i0 = i1;

	/* A request awaiting its reply still counts as queued. */
	ASSERT_EQ(0, lpc_sync_req_start(&req, client, "ping", 4,
					LPC_WAIT_NS));
	ASSERT_EQ(0, lpc_recv(self->cport, &msg, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, msg.type);
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &i1));
	EXPECT_EQ(1, i1.nr_queued);
	ASSERT_EQ(0, lpc_reply(server, msg.id, "pong!", 5));
	ASSERT_EQ(0, lpc_call_join(&req.call));
	ASSERT_EQ(0, lpc_datagram(server, "1234567", 7));
	/* The requester's thread has surely counted its request by now. */
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &i1));
	EXPECT_EQ(i0.msgs_in + 1, i1.msgs_in);
	EXPECT_EQ(i0.bytes_in + 4, i1.bytes_in);
	EXPECT_EQ(i0.msgs_out + 2, i1.msgs_out);
	EXPECT_EQ(i0.bytes_out + 12, i1.bytes_out);
	EXPECT_EQ(0, i1.nr_queued);
	EXPECT_EQ(i0.lost_replies, i1.lost_replies);

	close(client);
	close(server);
}

TEST_F(query, refused_counted)
{
	char buf[CONN_DATA_MAX];
	struct lpc_port_info i0, i1;
	struct lpc_msg_info msg;
	struct lpc_connect c;
	struct lpc_call call;

	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &i0));
	lpc_connect_init(&c, self->name, LPC_WAIT_NS);
	ASSERT_EQ(0, lpc_call_start(&call, self->dev, LPC_IOC_CONNECT, &c));
	ASSERT_EQ(0, lpc_recv(self->cport, &msg, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ(0, lpc_accept_id(self->cport, msg.id, 0, NULL, 0,
				   LPC_ACCEPT_REJECT));
	ASSERT_EQ(-ECONNREFUSED, lpc_call_join(&call));
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &i1));
	EXPECT_EQ(i0.connects + 1, i1.connects);
	EXPECT_EQ(i0.refused + 1, i1.refused);
	EXPECT_EQ(i0.accepted, i1.accepted);
	EXPECT_EQ(0, i1.nr_conns);
}

TEST_F(query, lost_reply_counted)
{
	struct lpc_port_info i0, i1;
	struct lpc_msg_info msg;
	char buf[MSG_MAX];
	int client, server;
	__u64 id;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 1,
				      0, &client, &server));
	ASSERT_EQ(0, lpc_request_async(client, "req", 3, 16, &id));
	ASSERT_EQ(0, lpc_recv(self->cport, &msg, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, msg.type);
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &i0));
	close(client);
	EXPECT_EQ(-ECANCELED, lpc_reply(server, msg.id, "late", 4));
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &i1));
	EXPECT_EQ(i0.lost_replies + 1, i1.lost_replies);
	close(server);
}

/* ---- who sees what ---- */

struct seen {
	int dev;
	const char *hidden;
	const char *shown;
};

/* Runs as OTHER_UID: 0 if it sees exactly what it should. */
static int check_visibility(void *p)
{
	struct seen *s = p;
	struct lpc_port_info info;
	struct lpc_query q;
	int ret;

	ret = lpc_port_listed(s->dev, s->hidden, NULL);
	if (ret)
		return ret < 0 ? ret : -EEXIST;
	if (lpc_port_info(s->dev, s->hidden, &info) != -ENOENT)
		return -EEXIST;
	lpc_query_init(&q, s->hidden, &info, 1, sizeof(struct lpc_conn_info));
	if (sys_lpc_conn_list(s->dev, &q) != -ENOENT)
		return -EEXIST;

	ret = lpc_port_listed(s->dev, s->shown, &info);
	if (ret != 1)
		return ret < 0 ? ret : -ESRCH;
	if (strcmp((char *)info.name, s->shown))
		return -EBADMSG;
	ret = lpc_port_info(s->dev, s->shown, &info);
	if (ret)
		return ret;
	lpc_query_init(&q, s->shown, &info, 1, sizeof(struct lpc_conn_info));
	return sys_lpc_conn_list(s->dev, &q);
}

TEST_F(query, invisible_without_query_right)
{
	struct lpc_ace hide[] = {
		{ LPC_ACE_DENY, LPC_ACE_UID, OTHER_UID, LPC_RIGHT_QUERY },
		{ LPC_ACE_ALLOW, LPC_ACE_EVERYONE, 0, LPC_RIGHT_ALL },
	};
	struct lpc_ace show[] = {
		{ LPC_ACE_ALLOW, LPC_ACE_OWNER, 0, LPC_RIGHT_ALL },
		{ LPC_ACE_ALLOW, LPC_ACE_UID, OTHER_UID, LPC_RIGHT_QUERY },
	};
	struct lpc_ident other = {
		.uid = OTHER_UID, .gid = OTHER_UID, .cap = LPC_CAPS_NONE,
		.drop = -1,
	};
	char hidden[LPC_NAME_MAX + 1], shown[LPC_NAME_MAX + 1];
	struct seen s = { self->dev, hidden, shown };
	int hfd, sfd;

	lpc_name(hidden, sizeof(hidden), "hidden");
	lpc_name(shown, sizeof(shown), "shown");
	hfd = lpc_create_as(self->dev, hidden, 0, 0, hide, 2);
	ASSERT_LE(0, hfd);
	sfd = lpc_create_as(self->dev, shown, 0, 0, show, 2);
	ASSERT_LE(0, sfd);
	/* The fixture's port has the default ACL: hidden as well. */
	s.hidden = hidden;
	EXPECT_EQ(0, lpc_as_user(&other, check_visibility, &s));
	s.hidden = self->name;
	EXPECT_EQ(0, lpc_as_user(&other, check_visibility, &s));
	/* Root sees everything. */
	EXPECT_EQ(1, lpc_port_listed(self->dev, hidden, NULL));
	close(hfd);
	close(sfd);
}

/* ---- paging ---- */

FIXTURE(many) {
	int dev;
	int fds[NPORTS];
	char prefix[64];
};

FIXTURE_SETUP(many)
{
	struct rlimit rl = { NPORTS + 64, NPORTS + 64 };
	char name[LPC_NAME_MAX + 1];
	int i;

	self->dev = -1;
	memset(self->fds, -1, sizeof(self->fds));
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_QUERY);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	snprintf(self->prefix, sizeof(self->prefix), "lpc-selftest/%d/many/",
		 getpid());
	for (i = 0; i < NPORTS; i++) {
		snprintf(name, sizeof(name), "%s%d", self->prefix, i);
		self->fds[i] = lpc_create(self->dev, name);
		ASSERT_LE(0, self->fds[i]) {
			TH_LOG("port %d: %s", i, strerror(-self->fds[i]));
		}
	}
}

FIXTURE_TEARDOWN(many)
{
	int i;

	for (i = 0; i < NPORTS; i++)
		lpc_close(&self->fds[i]);
	lpc_close(&self->dev);
}

/* Index of one of our ports from its name, or -1. */
static int port_index(const char *prefix, const struct lpc_port_info *info)
{
	size_t len = strlen(prefix);

	if (strncmp((const char *)info->name, prefix, len))
		return -1;
	return atoi((const char *)info->name + len);
}

/*
 * Page through the list @page ports at a time: serials must increase and
 * every port be seen once. With @churn, close ports 500..599 after the
 * first page: those may or may not be seen, all others must be.
 */
static void page_through(struct __test_metadata *_metadata,
			 FIXTURE_DATA(many) *self, __u32 page, bool churn)
{
	struct lpc_port_info *buf = calloc(page, sizeof(*buf));
	unsigned short seen[NPORTS] = { 0 };
	__u64 last = 0;
	struct lpc_query q;
	int i, calls = 0;
	__u32 j;

	ASSERT_NE(NULL, buf);
	lpc_query_init(&q, NULL, buf, page, sizeof(*buf));
	do {
		q.count = page;
		ASSERT_EQ(0, sys_lpc_port_list(self->dev, &q));
		ASSERT_GE(page, q.count);
		for (j = 0; j < q.count; j++) {
			ASSERT_LT(last, buf[j].serial);
			last = buf[j].serial;
			i = port_index(self->prefix, &buf[j]);
			if (i >= 0 && i < NPORTS)
				seen[i]++;
		}
		if (q.cursor)
			ASSERT_EQ(last, q.cursor);
		if (churn && !calls++)
			for (i = 500; i < 600; i++)
				lpc_close(&self->fds[i]);
	} while (q.cursor);
	free(buf);

	for (i = 0; i < NPORTS; i++) {
		if (churn && i >= 500 && i < 600) {
			EXPECT_GE(1, seen[i]);
			continue;
		}
		EXPECT_EQ(1, seen[i]) {
			TH_LOG("port %d seen %u times", i, seen[i]);
		}
	}
}

TEST_F_TIMEOUT(many, page_by_7, 120)
{
	page_through(_metadata, self, 7, false);
}

TEST_F_TIMEOUT(many, page_by_1, 120)
{
	page_through(_metadata, self, 1, false);
}

TEST_F_TIMEOUT(many, page_all_at_once, 120)
{
	page_through(_metadata, self, NPORTS + 16, false);
}

TEST_F_TIMEOUT(many, page_while_ports_close, 120)
{
	page_through(_metadata, self, 7, true);
}

/* ---- connections ---- */

#define NCONN	3

FIXTURE(conns) {
	int dev;
	int cport;
	char name[LPC_NAME_MAX + 1];
	int client[NCONN];
	int server[NCONN];
	__u64 t0, t1;
	struct lpc_connect c;	/* a connect left waiting */
	struct lpc_call call;
	bool waiting;
};

FIXTURE_SETUP(conns)
{
	int i;

	self->dev = -1;
	self->cport = -1;
	memset(self->client, -1, sizeof(self->client));
	memset(self->server, -1, sizeof(self->server));
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_QUERY);
	lpc_name(self->name, sizeof(self->name), "conns");
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
	self->t0 = realtime_ns();
	for (i = 0; i < NCONN; i++)
		ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport,
					      self->name, 11 * (i + 1), 0,
					      &self->client[i],
					      &self->server[i]));
	self->t1 = realtime_ns();
}

FIXTURE_TEARDOWN(conns)
{
	int i, ret;

	for (i = 0; i < NCONN; i++) {
		lpc_close(&self->client[i]);
		lpc_close(&self->server[i]);
	}
	lpc_close(&self->cport);
	if (self->waiting) {
		ret = lpc_call_join(&self->call);
		if (ret >= 0)
			close(ret);
	}
	lpc_close(&self->dev);
}

/* List all connections of the fixture's port, @page at a time. */
static int list_conns(FIXTURE_DATA(conns) *self, struct lpc_conn_info *out,
		      __u32 room, __u32 page)
{
	struct lpc_query q;
	__u32 n = 0;
	int ret;

	lpc_query_init(&q, self->name, NULL, page, sizeof(*out));
	do {
		if (n + page > room)
			return -ENOSPC;
		q.buf = lpc_ptr(out + n);
		q.count = page;
		ret = sys_lpc_conn_list(self->dev, &q);
		if (ret)
			return ret;
		n += q.count;
	} while (q.cursor);
	return (int)n;
}

TEST_F(conns, fields)
{
	struct lpc_conn_info info[8];
	struct lpc_port_info pinfo;
	__u64 id;
	int i;

	/* Two datagrams wait for client 0; client 1 awaits a reply. */
	ASSERT_EQ(0, lpc_datagram(self->server[0], "a", 1));
	ASSERT_EQ(0, lpc_datagram(self->server[0], "b", 1));
	ASSERT_EQ(0, lpc_request_async(self->client[1], "q", 1, 16, &id));

	ASSERT_EQ(NCONN, list_conns(self, info, 8, 8));
	for (i = 0; i < NCONN; i++) {
		if (i)
			EXPECT_LT(info[i - 1].serial, info[i].serial);
		EXPECT_EQ(2, info[i].state);
		EXPECT_EQ(11 * (i + 1), info[i].context);
		EXPECT_EQ(getpid(), info[i].client_pid);
		EXPECT_EQ(getuid(), info[i].client_uid);
		EXPECT_EQ(getgid(), info[i].client_gid);
		EXPECT_LE(self->t0, info[i].connected_ns);
		EXPECT_GE(self->t1, info[i].connected_ns);
		EXPECT_EQ(i == 1 ? 1 : 0, info[i].pending);
		EXPECT_EQ(i == 0 ? 2 : 0, info[i].queued);
	}
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &pinfo));
	EXPECT_EQ(NCONN, pinfo.nr_conns);
}

TEST_F(conns, connecting_and_closed)
{
	char buf[LPC_DEFAULT_CONN_DATA];
	struct lpc_conn_info info[8];
	struct lpc_msg_info msg;
	int n;

	/* A fourth client waits for the server's answer. */
	lpc_connect_init(&self->c, self->name, LPC_WAIT_NS);
	ASSERT_EQ(0, lpc_call_start(&self->call, self->dev, LPC_IOC_CONNECT,
				    &self->c));
	self->waiting = true;
	ASSERT_EQ(0, lpc_recv(self->cport, &msg, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_CONNECTION_REQUEST, msg.type);
	ASSERT_EQ(NCONN + 1, list_conns(self, info, 8, 8));
	EXPECT_EQ(1, info[NCONN].state);
	EXPECT_EQ(0, info[NCONN].context);
	EXPECT_EQ(getpid(), info[NCONN].client_pid);

	/* A closed connection is gone from the list. */
	lpc_close(&self->client[1]);
	n = list_conns(self, info, 8, 8);
	ASSERT_EQ(NCONN, n);
	EXPECT_EQ(11, info[0].context);
	EXPECT_EQ(33, info[1].context);
	EXPECT_EQ(1, info[2].state);
}

TEST_F(conns, paging)
{
	struct lpc_conn_info all[8], one[8];
	int i;

	ASSERT_EQ(NCONN, list_conns(self, all, 8, 8));
	ASSERT_EQ(NCONN, list_conns(self, one, 8, 1));
	ASSERT_EQ(NCONN, list_conns(self, one, 8, 2));
	for (i = 0; i < NCONN; i++)
		EXPECT_EQ(all[i].serial, one[i].serial);
}

/* More connections than the kernel gathers in one visit (64). */
TEST_F_TIMEOUT(conns, paging_across_batches, 120)
{
	enum { MORE = 67, ALL = NCONN + MORE };
	struct lpc_conn_info *all = calloc(ALL + 8, sizeof(*all));
	struct lpc_conn_info *paged = calloc(ALL + 8, sizeof(*paged));
	int client[MORE], server[MORE];
	int i;

	ASSERT_NE(NULL, all);
	ASSERT_NE(NULL, paged);
	for (i = 0; i < MORE; i++)
		ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport,
					      self->name, 100 + i, 0,
					      &client[i], &server[i]));
	ASSERT_EQ(ALL, list_conns(self, all, ALL + 8, ALL + 8));
	ASSERT_EQ(ALL, list_conns(self, paged, ALL + 8, 7));
	for (i = 0; i < ALL; i++) {
		if (i)
			EXPECT_LT(all[i - 1].serial, all[i].serial);
		EXPECT_EQ(all[i].serial, paged[i].serial);
		EXPECT_EQ(i < NCONN ? 11 * (i + 1) : 100 + i - NCONN,
			  all[i].context);
	}
	for (i = 0; i < MORE; i++) {
		close(client[i]);
		close(server[i]);
	}
	free(all);
	free(paged);
}

TEST_F(conns, unknown_and_hidden_enoent)
{
	struct lpc_conn_info info[1];
	char name[LPC_NAME_MAX + 1];
	struct lpc_query q;

	lpc_name(name, sizeof(name), "nobody");
	lpc_query_init(&q, name, info, 1, sizeof(info[0]));
	EXPECT_EQ(-ENOENT, sys_lpc_conn_list(self->dev, &q));
}

TEST_F(conns, bad_arguments)
{
	struct lpc_conn_info info[4];
	struct lpc_query q;

	lpc_query_init(&q, self->name, info, 4, LPC_CONN_INFO_SIZE_VER0 - 1);
	EXPECT_EQ(-EINVAL, sys_lpc_conn_list(self->dev, &q));
	lpc_query_init(&q, self->name, info, 0, sizeof(info[0]));
	EXPECT_EQ(-EINVAL, sys_lpc_conn_list(self->dev, &q));
	lpc_query_init(&q, self->name, info, 4, sizeof(info[0]));
	q.flags = 1;
	EXPECT_EQ(-EINVAL, sys_lpc_conn_list(self->dev, &q));
	lpc_query_init(&q, self->name, info, 4, sizeof(info[0]));
	q.name_len = 0;
	EXPECT_EQ(-EINVAL, sys_lpc_conn_list(self->dev, &q));
	lpc_query_init(&q, self->name, lpc_bad_ptr(), 4, sizeof(info[0]));
	EXPECT_EQ(-EFAULT, sys_lpc_conn_list(self->dev, &q));
	lpc_query_init(&q, self->name, info, 4, sizeof(info[0]));
	q.name = lpc_ptr(lpc_bad_ptr());
	EXPECT_EQ(-EFAULT, sys_lpc_conn_list(self->dev, &q));
}

/* ---- arguments, and no stale bytes ---- */

TEST_F(query, larger_entries_tail_zeroed)
{
	const __u32 esize = 512;
	unsigned char *buf = malloc(4 * esize);
	struct lpc_port_info *info;
	struct lpc_query q;
	__u32 i;

	ASSERT_NE(NULL, buf);
	memset(buf, 0xaa, 4 * esize);
	lpc_query_init(&q, self->name, buf, 1, esize);
	ASSERT_EQ(0, sys_lpc_port_info(self->dev, &q));
	EXPECT_EQ(1, q.count);
	info = (struct lpc_port_info *)buf;
	EXPECT_STREQ(self->name, (char *)info->name);
	EXPECT_TRUE(all_bytes(buf + sizeof(*info), esize - sizeof(*info), 0));
	EXPECT_TRUE(all_bytes(buf + esize, esize, 0xaa));

	memset(buf, 0xaa, 4 * esize);
	lpc_query_init(&q, NULL, buf, 3, esize);
	ASSERT_EQ(0, sys_lpc_port_list(self->dev, &q));
	ASSERT_LE(1, q.count);
	for (i = 0; i < q.count; i++)
		EXPECT_TRUE(all_bytes(buf + i * esize + sizeof(*info),
				      esize - sizeof(*info), 0));
	EXPECT_TRUE(all_bytes(buf + q.count * esize, esize, 0xaa));
	free(buf);
}

TEST_F(query, no_stale_bytes)
{
	struct lpc_port_info info;
	size_t len = strlen(self->name);

	memset(&info, 0xaa, sizeof(info));
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &info));
	EXPECT_EQ(0, info.__pad);
	EXPECT_TRUE(all_bytes(info.name + len, sizeof(info.name) - len, 0));
}

TEST_F(query, info_unknown_enoent)
{
	struct lpc_port_info info;
	char name[LPC_NAME_MAX + 1];

	lpc_name(name, sizeof(name), "nobody");
	EXPECT_EQ(-ENOENT, lpc_port_info(self->dev, name, &info));
}

TEST_F(query, bad_entry_size)
{
	long page = sysconf(_SC_PAGESIZE);
	struct lpc_port_info info;
	struct lpc_query q;

	lpc_query_init(&q, NULL, &info, 1, LPC_PORT_INFO_SIZE_VER0 - 1);
	EXPECT_EQ(-EINVAL, sys_lpc_port_list(self->dev, &q));
	lpc_query_init(&q, NULL, &info, 1, 0);
	EXPECT_EQ(-EINVAL, sys_lpc_port_list(self->dev, &q));
	lpc_query_init(&q, self->name, &info, 1, LPC_CONN_INFO_SIZE_VER0);
	EXPECT_EQ(-EINVAL, sys_lpc_port_info(self->dev, &q));
	lpc_query_init(&q, NULL, &info, 1, (__u32)page + 1);
	EXPECT_EQ(-E2BIG, sys_lpc_port_list(self->dev, &q));
	lpc_query_init(&q, self->name, &info, 1, (__u32)page + 1);
	EXPECT_EQ(-E2BIG, sys_lpc_port_info(self->dev, &q));
}

TEST_F(query, bad_arguments_einval)
{
	char longname[LPC_NAME_MAX + 2];
	struct lpc_port_info info;
	struct lpc_query q;

	lpc_query_init(&q, NULL, &info, 1, sizeof(info));
	q.flags = 1;
	EXPECT_EQ(-EINVAL, sys_lpc_port_list(self->dev, &q));
	lpc_query_init(&q, NULL, &info, 0, sizeof(info));
	EXPECT_EQ(-EINVAL, sys_lpc_port_list(self->dev, &q));
	/* The list takes no name. */
	lpc_query_init(&q, self->name, &info, 1, sizeof(info));
	EXPECT_EQ(-EINVAL, sys_lpc_port_list(self->dev, &q));

	lpc_query_init(&q, self->name, &info, 0, sizeof(info));
	EXPECT_EQ(-EINVAL, sys_lpc_port_info(self->dev, &q));
	lpc_query_init(&q, self->name, &info, 1, sizeof(info));
	q.flags = 1;
	EXPECT_EQ(-EINVAL, sys_lpc_port_info(self->dev, &q));
	lpc_query_init(&q, self->name, &info, 1, sizeof(info));
	q.cursor = 1;
	EXPECT_EQ(-EINVAL, sys_lpc_port_info(self->dev, &q));
	lpc_query_init(&q, self->name, &info, 1, sizeof(info));
	q.name_len = 0;
	EXPECT_EQ(-EINVAL, sys_lpc_port_info(self->dev, &q));
	memset(longname, 'x', sizeof(longname));
	longname[LPC_NAME_MAX + 1] = '\0';
	lpc_query_init(&q, longname, &info, 1, sizeof(info));
	EXPECT_EQ(-ENAMETOOLONG, sys_lpc_port_info(self->dev, &q));
}

TEST_F(query, bad_pointers_efault)
{
	struct lpc_port_info info;
	struct lpc_query q;

	lpc_query_init(&q, NULL, lpc_bad_ptr(), 4, sizeof(info));
	EXPECT_EQ(-EFAULT, sys_lpc_port_list(self->dev, &q));
	lpc_query_init(&q, self->name, lpc_bad_ptr(), 1, sizeof(info));
	EXPECT_EQ(-EFAULT, sys_lpc_port_info(self->dev, &q));
	lpc_query_init(&q, self->name, &info, 1, sizeof(info));
	q.name = lpc_ptr(lpc_bad_ptr());
	EXPECT_EQ(-EFAULT, sys_lpc_port_info(self->dev, &q));
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->dev, LPC_IOC_PORT_LIST,
				     lpc_bad_ptr()));
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->dev, LPC_IOC_PORT_INFO,
				     lpc_bad_ptr()));
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->dev, LPC_IOC_CONN_LIST,
				     lpc_bad_ptr()));
}

/*
 * A caller built against a larger struct lpc_query (a later version) passes
 * its size in the ioctl number, with a zero tail: the query works, and the
 * kernel writes back its own fields only, never past them nor past the
 * caller's size (lpc_copy_out()).
 */
TEST_F(query, larger_struct_tail_untouched)
{
	struct {
		struct lpc_query q;
		unsigned char tail[24];
		unsigned char canary[8];
	} big;
	struct lpc_port_info info;
	unsigned long cmds[] = {
		_IOC(_IOC_DIR(LPC_IOC_PORT_INFO), _IOC_TYPE(LPC_IOC_PORT_INFO),
		     _IOC_NR(LPC_IOC_PORT_INFO), sizeof(big.q) + sizeof(big.tail)),
		_IOC(_IOC_DIR(LPC_IOC_PORT_LIST), _IOC_TYPE(LPC_IOC_PORT_LIST),
		     _IOC_NR(LPC_IOC_PORT_LIST), sizeof(big.q) + sizeof(big.tail)),
	};
	unsigned int i;
	int ret;

	for (i = 0; i < 2; i++) {
		memset(&big, 0, sizeof(big));
		memset(big.canary, 0xa5, sizeof(big.canary));
		lpc_query_init(&big.q, i ? NULL : self->name, &info, 1,
			       sizeof(info));
		ret = lpc_ioctl(self->dev, cmds[i], &big);
		EXPECT_EQ(0, ret) {
			TH_LOG("%s with a larger struct: %s",
			       i ? "PORT_LIST" : "PORT_INFO", strerror(-ret));
		}
		EXPECT_EQ(1U, big.q.count);
		EXPECT_TRUE(all_bytes(big.tail, sizeof(big.tail), 0));
		EXPECT_TRUE(all_bytes(big.canary, sizeof(big.canary), 0xa5));
	}
}

TEST_HARNESS_MAIN
