// SPDX-License-Identifier: GPL-2.0
/*
 * Port lifetimes: close and death notices, the server going away, explicit
 * disconnect, and what a dead client leaves behind.
 *
 * The fixture is one accepted connection (self->cport, self->server,
 * self->client) bound to CTX_A. Clients that must die run in forked
 * children that connect on their own; the test body is the server.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <signal.h>
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

#define CTX_A		0xa11ce00000000001ULL
#define CTX_B		0xb0b0000000000002ULL
#define CTX_CHILD	0xc41d000000000003ULL

FIXTURE(life) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info info;
};

FIXTURE_SETUP(life)
{
	int ret;

	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
	ret = lpc_connect_pair(self->dev, self->cport, self->name, CTX_A, 0,
			       &self->client, &self->server);
	ASSERT_EQ(0, ret) {
		TH_LOG("set up a connection: %s", strerror(-ret));
	}
}

FIXTURE_TEARDOWN(life)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

#define SERVER_RECV() do {						\
		int __r = lpc_recv(self->cport, &self->info, self->buf,	\
				   sizeof(self->buf), LPC_WAIT_NS);	\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("server receive: %s", strerror(-__r));	\
			if (__r == -ETIMEDOUT)				\
				lpc_log_lost_wakeup(_metadata, self->cport); \
		}							\
	} while (0)

#define SERVER_RECV_TYPE(t) do {					\
		SERVER_RECV();						\
		ASSERT_EQ((__u32)(t), self->info.type);			\
	} while (0)

#define NEED_DISCONNECT() do {						\
		if (!(lpc_features(self->dev) & LPC_FEAT_DISCONNECT))	\
			SKIP(return, "module lacks LPC_FEAT_DISCONNECT"); \
	} while (0)

/*
 * Child: connect to @name, send @ndgram datagrams, then exit (@wait == 0)
 * or wait to be killed. Exit codes >= 10 are failures.
 */
static int child_client(const char *name, int ndgram, bool wait)
{
	struct lpc_connect c;
	int dev, port, i;

	dev = lpc_open_dev();
	if (dev < 0)
		return 10;
	lpc_connect_init(&c, name, LPC_WAIT_NS);
	port = sys_lpc_connect(dev, &c);
	if (port < 0)
		return 11;
	for (i = 0; i < ndgram; i++)
		if (lpc_datagram(port, &i, sizeof(i)))
			return 12;
	/* Killed by the test, or with it (lpc_child_init()). */
	while (wait)
		pause();
	return 0;
}

/* Fork a child_client() and accept its connection with CTX_CHILD. */
static pid_t spawn_client(struct __test_metadata *_metadata,
			  FIXTURE_DATA(life) *self, int ndgram, bool wait,
			  int *sfd)
{
	pid_t pid = fork();

	if (pid == 0) {
		lpc_child_init();
		_exit(child_client(self->name, ndgram, wait));
	}
	if (pid < 0)
		return pid;
	*sfd = -1;
	if (lpc_recv(self->cport, &self->info, self->buf, sizeof(self->buf),
		     LPC_WAIT_NS) == 0 &&
	    self->info.type == LPC_MSG_CONNECTION_REQUEST)
		*sfd = lpc_accept_id(self->cport, self->info.id, CTX_CHILD,
				     NULL, 0, 0);
	if (*sfd < 0) {
		kill(pid, SIGKILL);
		lpc_wait_child(pid, LPC_WAIT_MS);
		TH_LOG("could not accept the child's connection");
		return -1;
	}
	return pid;
}

/* ---- the client goes away ---- */

TEST_F(life, client_close_port_closed_with_context)
{
	lpc_close(&self->client);
	SERVER_RECV_TYPE(LPC_MSG_PORT_CLOSED);
	EXPECT_EQ(CTX_A, self->info.context);
	/* One notice, nothing else. */
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->cport, NULL, self->buf,
				       sizeof(self->buf)));
}

TEST_F(life, client_exit_client_died_with_context)
{
	int sfd;
	pid_t pid = spawn_client(_metadata, self, 0, false, &sfd);

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	SERVER_RECV_TYPE(LPC_MSG_CLIENT_DIED);
	EXPECT_EQ(CTX_CHILD, self->info.context);
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->cport, NULL, self->buf,
				       sizeof(self->buf)));
	close(sfd);
}

TEST_F(life, client_killed_client_died_with_context)
{
	int sfd;
	pid_t pid = spawn_client(_metadata, self, 0, true, &sfd);

	ASSERT_LT(0, pid);
	kill(pid, SIGKILL);
	ASSERT_EQ(128 + SIGKILL, lpc_wait_child(pid, LPC_WAIT_MS));
	SERVER_RECV_TYPE(LPC_MSG_CLIENT_DIED);
	EXPECT_EQ(CTX_CHILD, self->info.context);
	close(sfd);
}

/* All a dead client had queued is freed: only the notice remains. */
TEST_F(life, dead_client_queued_messages_freed)
{
	int sfd;
	pid_t pid = spawn_client(_metadata, self, 3, false, &sfd);

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	SERVER_RECV_TYPE(LPC_MSG_CLIENT_DIED);
	EXPECT_EQ(CTX_CHILD, self->info.context);
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->cport, &self->info, self->buf,
				       sizeof(self->buf))) {
		TH_LOG("left on the queue: type %u", self->info.type);
	}
	close(sfd);
}

TEST_F(life, server_send_after_client_close_enotconn)
{
	lpc_close(&self->client);
	SERVER_RECV_TYPE(LPC_MSG_PORT_CLOSED);
	EXPECT_EQ(-ENOTCONN, lpc_datagram(self->server, "x", 1));
}

/* ---- the server closes its communication port ---- */

TEST_F(life, server_comm_close_wakes_requester_econnreset)
{
	struct lpc_sync_req r;

	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "q", 1,
					LPC_WAIT_NS));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	lpc_close(&self->server);
	EXPECT_EQ(-ECONNRESET, lpc_call_join(&r.call));
}

/*
 * Several threads receiving on the client port when the server goes:
 * one gets the PORT_CLOSED notice, every other one -ENOTCONN, at once.
 * Receivers wait exclusively; a dead port must wake them all, not one.
 */
#define NR_RECEIVERS	4

TEST_F(life, server_comm_close_wakes_every_receiver)
{
	struct lpc_call call[NR_RECEIVERS];
	struct lpc_xfer x[NR_RECEIVERS];
	char rbuf[NR_RECEIVERS][64];
	int i, ret, notices = 0, enotconn = 0;
	__u64 closed;

	for (i = 0; i < NR_RECEIVERS; i++) {
		memset(&x[i], 0, sizeof(x[i]));
		x[i].flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
		x[i].timeout_ns = LPC_WAIT_NS;
		x[i].recv_buf = lpc_ptr(rbuf[i]);
		x[i].recv_cap = sizeof(rbuf[i]);
		ASSERT_EQ(0, lpc_call_start(&call[i], self->client,
					    LPC_IOC_XFER, &x[i]));
	}
	/* All asleep in the kernel, so the close must wake each one. */
	for (i = 0; i < NR_RECEIVERS; i++)
		LPC_ASSERT_BLOCKED(&call[i]);
	lpc_close(&self->server);
	closed = lpc_now_ns();
	for (i = 0; i < NR_RECEIVERS; i++) {
		ret = lpc_call_join(&call[i]);
		if (ret == 0 && x[i].info.type == LPC_MSG_PORT_CLOSED)
			notices++;
		else if (ret == -ENOTCONN)
			enotconn++;
		else
			TH_LOG("receiver %d: %s, type %u", i, strerror(-ret),
			       x[i].info.type);
	}
	/*
	 * A receiver left asleep would also end with -ENOTCONN, but only
	 * when its timeout finds the port dead: all must be back long before.
	 */
	EXPECT_GT(LPC_WAIT_NS / 4, lpc_now_ns() - closed);
	EXPECT_EQ(1, notices);
	EXPECT_EQ(NR_RECEIVERS - 1, enotconn);
}

TEST_F(life, server_comm_close_datagram_enotconn)
{
	lpc_close(&self->server);
	EXPECT_EQ(-ENOTCONN, lpc_datagram(self->client, "x", 1));
}

TEST_F(life, server_comm_close_request_enotconn)
{
	struct lpc_xfer x;
	char rbuf[16];

	lpc_close(&self->server);
	lpc_request_init(&x, "q", 1, rbuf, sizeof(rbuf), LPC_SHORT_NS);
	EXPECT_EQ(-ENOTCONN, sys_lpc_xfer(self->client, &x));
}

TEST_F(life, server_comm_close_client_pollhup)
{
	int ev;

	EXPECT_EQ(0, lpc_poll(self->client, POLLIN, 0) & POLLHUP);
	lpc_close(&self->server);
	ev = lpc_poll(self->client, POLLIN, LPC_WAIT_MS);
	ASSERT_LE(0, ev);
	EXPECT_EQ(POLLHUP, ev & POLLHUP);
}

/*
 * An asynchronous request outstanding when the server goes away: its
 * reply is lost, and the client is told so with LPC_MSG_LOST_REPLY naming
 * the request (possibly next to the PORT_CLOSED notice).
 */
TEST_F(life, server_comm_close_async_request_lost_reply)
{
	bool lost = false;
	__u64 id;
	int i;

	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	lpc_close(&self->server);
	for (i = 0; i < 4 && !lost; i++) {
		if (lpc_recv(self->client, &self->info, self->buf,
			     sizeof(self->buf), 2 * LPC_NSEC_PER_SEC))
			break;
		if (self->info.type == LPC_MSG_LOST_REPLY) {
			lost = true;
			EXPECT_EQ(id, self->info.ref_id);
		} else {
			TH_LOG("client got type %u ref_id %llu",
			       self->info.type,
			       (unsigned long long)self->info.ref_id);
		}
	}
	EXPECT_TRUE(lost);
}

/* ---- the server closes its connection port ---- */

TEST_F(life, server_port_close_wakes_requester_econnreset)
{
	struct lpc_sync_req r;

	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "q", 1,
					LPC_WAIT_NS));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	lpc_close(&self->cport);
	EXPECT_EQ(-ECONNRESET, lpc_call_join(&r.call));
}

TEST_F(life, server_port_close_all_clients_enotconn)
{
	int client_b, server_b;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_B, 0, &client_b, &server_b));
	lpc_close(&self->cport);
	EXPECT_EQ(-ENOTCONN, lpc_datagram(self->client, "a", 1));
	EXPECT_EQ(-ENOTCONN, lpc_datagram(client_b, "b", 1));
	close(client_b);
	close(server_b);
}

TEST_F(life, server_port_close_all_clients_pollhup)
{
	int client_b, server_b, ev;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_B, 0, &client_b, &server_b));
	lpc_close(&self->cport);
	ev = lpc_poll(self->client, POLLIN, LPC_WAIT_MS);
	ASSERT_LE(0, ev);
	EXPECT_EQ(POLLHUP, ev & POLLHUP);
	ev = lpc_poll(client_b, POLLIN, LPC_WAIT_MS);
	ASSERT_LE(0, ev);
	EXPECT_EQ(POLLHUP, ev & POLLHUP);
	close(client_b);
	close(server_b);
}

/* ---- LPC_IOC_DISCONNECT ---- */

TEST_F(life, disconnect_client_gets_port_closed)
{
	NEED_DISCONNECT();
	ASSERT_EQ(0, sys_lpc_disconnect(self->server));
	ASSERT_EQ(0, lpc_recv(self->client, &self->info, self->buf,
			      sizeof(self->buf), LPC_WAIT_NS));
	EXPECT_EQ((__u32)LPC_MSG_PORT_CLOSED, self->info.type);
}

TEST_F(life, disconnect_client_send_enotconn)
{
	NEED_DISCONNECT();
	ASSERT_EQ(0, sys_lpc_disconnect(self->server));
	EXPECT_EQ(-ENOTCONN, lpc_datagram(self->client, "x", 1));
}

TEST_F(life, disconnect_client_pollhup)
{
	int ev;

	NEED_DISCONNECT();
	ASSERT_EQ(0, sys_lpc_disconnect(self->server));
	ev = lpc_poll(self->client, POLLIN, LPC_WAIT_MS);
	ASSERT_LE(0, ev);
	EXPECT_EQ(POLLHUP, ev & POLLHUP);
}

TEST_F(life, disconnect_wakes_requester_econnreset)
{
	struct lpc_sync_req r;

	NEED_DISCONNECT();
	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "q", 1,
					LPC_WAIT_NS));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	ASSERT_EQ(0, sys_lpc_disconnect(self->server));
	EXPECT_EQ(-ECONNRESET, lpc_call_join(&r.call));
}

/* Disconnecting one connection leaves the others alone. */
TEST_F(life, disconnect_spares_other_connections)
{
	int client_b, server_b;

	NEED_DISCONNECT();
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_B, 0, &client_b, &server_b));
	ASSERT_EQ(0, sys_lpc_disconnect(self->server));
	ASSERT_EQ(0, lpc_datagram(client_b, "b", 1));
	/* Whether the server hears of its own disconnect is not specified. */
	SERVER_RECV();
	if (self->info.type == LPC_MSG_PORT_CLOSED &&
	    self->info.context == CTX_A)
		SERVER_RECV();
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
	EXPECT_EQ(CTX_B, self->info.context);
	close(client_b);
	close(server_b);
}

/*
 * A closing client's queued messages go, wherever they sit among other
 * connections' messages and unread close notices; the others' stay.
 */
TEST_F(life, client_close_drops_only_its_interleaved_messages)
{
	int client_b, server_b, client_c, server_c;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_B, 0, &client_b, &server_b));
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_CHILD, 0, &client_c, &server_c));
	ASSERT_EQ(0, lpc_datagram(self->client, "a1", 2));
	ASSERT_EQ(0, lpc_datagram(client_b, "b1", 2));
	close(client_c);		/* an unread notice in between */
	ASSERT_EQ(0, lpc_datagram(self->client, "a2", 2));
	ASSERT_EQ(0, lpc_datagram(client_b, "b2", 2));
	ASSERT_EQ(0, lpc_datagram(self->client, "a3", 2));
	lpc_close(&self->client);

	SERVER_RECV();
	EXPECT_EQ(CTX_B, self->info.context);
	EXPECT_EQ(0, memcmp(self->buf, "b1", 2));
	SERVER_RECV_TYPE(LPC_MSG_PORT_CLOSED);
	EXPECT_EQ(CTX_CHILD, self->info.context);
	SERVER_RECV();
	EXPECT_EQ(CTX_B, self->info.context);
	EXPECT_EQ(0, memcmp(self->buf, "b2", 2));
	SERVER_RECV_TYPE(LPC_MSG_PORT_CLOSED);
	EXPECT_EQ(CTX_A, self->info.context);
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->cport, &self->info, self->buf,
				       sizeof(self->buf))) {
		TH_LOG("left on the queue: type %u", self->info.type);
	}
	close(client_b);
	close(server_b);
	close(server_c);
}

TEST_HARNESS_MAIN
