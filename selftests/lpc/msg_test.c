// SPDX-License-Identifier: GPL-2.0
/*
 * LPC_IOC_XFER and LPC_IOC_CANCEL: messages, requests, replies, receive.
 *
 * The fixture is one accepted connection: the server's connection port
 * (self->cport, where everything the client sends arrives), the server
 * communication port (self->server) and the client port (self->client).
 * Synchronous requests run on a helper thread; the test body is the server.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
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
#include "lpc_pair.h"

#define CTX_A		0xa11ce00000000001ULL
#define CTX_B		0xb0b0000000000002ULL

FIXTURE(msg) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	char buf[LPC_DEFAULT_MSG_LEN];	/* the server's receive buffer */
	struct lpc_msg_info info;	/* what the server received */
};

/* A connection port with the given limits and one accepted client. */
static int open_pair(int dev, char *name, size_t size, const char *tag,
		     __u32 max_msg_len, __u32 max_queued, int *cport,
		     int *client, int *server)
{
	int ret;

	lpc_name(name, size, tag);
	*cport = lpc_create_limits(dev, name, max_msg_len, 0, max_queued, 0);
	if (*cport < 0)
		return *cport;
	ret = lpc_connect_pair(dev, *cport, name, CTX_A, 0, client, server);
	if (ret)
		lpc_close(cport);
	return ret;
}

FIXTURE_SETUP(msg)
{
	int ret;

	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	ret = open_pair(self->dev, self->name, sizeof(self->name),
			_metadata->name, 0, 0, &self->cport, &self->client,
			&self->server);
	ASSERT_EQ(0, ret) {
		TH_LOG("set up a connection: %s", strerror(-ret));
	}
}

FIXTURE_TEARDOWN(msg)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* Server: receive the next message on the connection port into self. */
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

static void on_signal(int sig)
{
	(void)sig;
}

static void install_handler(int sig, int flags)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = flags };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

/* Message attributes exist once the module implements one of them. */
#define LPC_FEAT_ANY_ATTR (LPC_FEAT_CREDS | LPC_FEAT_FDS | LPC_FEAT_SECTIONS | \
			   LPC_FEAT_DIRECT)

#define NEED_ATTRS() do {						\
		if (!(lpc_features(self->dev) & LPC_FEAT_ANY_ATTR))	\
			SKIP(return, "module implements no message attributes"); \
	} while (0)

#define NEED_CANCEL() do {						\
		if (!(lpc_features(self->dev) & LPC_FEAT_CANCEL))	\
			SKIP(return, "module lacks LPC_FEAT_CANCEL");	\
	} while (0)

/* ---- datagrams, types, ids, identity ---- */

TEST_F(msg, datagram_arrives_on_connection_port)
{
	static const char data[] = "datagram";
	__u64 id = 0;

	ASSERT_EQ(0, lpc_send(self->client, LPC_MSG_DATAGRAM, data,
			      sizeof(data), &id));
	EXPECT_NE(0ULL, id);
	SERVER_RECV_TYPE(LPC_MSG_DATAGRAM);
	EXPECT_EQ(id, self->info.id);
	EXPECT_EQ(0ULL, self->info.ref_id);
	EXPECT_EQ((__u32)sizeof(data), self->info.data_len);
	EXPECT_EQ(0, memcmp(self->buf, data, sizeof(data)));
}

/*
 * Small message buffers are recycled: a short message after a long one
 * must write exactly its own bytes, never what the long one left behind.
 */
TEST_F(msg, short_after_long_copies_only_its_bytes)
{
	char big[300], rbuf[512];
	int i;

	memset(big, 'L', sizeof(big));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, lpc_datagram(self->client, big, sizeof(big)));
		SERVER_RECV_TYPE(LPC_MSG_DATAGRAM);
	}
	ASSERT_EQ(0, lpc_datagram(self->client, "short", 5));
	memset(rbuf, 0xee, sizeof(rbuf));
	ASSERT_EQ(0, lpc_recv(self->cport, &self->info, rbuf, sizeof(rbuf),
			      LPC_WAIT_NS));
	EXPECT_EQ(5U, self->info.data_len);
	EXPECT_EQ(0, memcmp(rbuf, "short", 5));
	for (i = 5; i < (int)sizeof(rbuf); i++)
		if (rbuf[i] != (char)0xee)
			break;
	EXPECT_EQ((int)sizeof(rbuf), i) {
		TH_LOG("byte %d of the receive buffer was written", i);
	}
}

TEST_F(msg, sender_ids_kernel_stamped)
{
	static const char data[] = "who am i";
	struct lpc_call call;
	struct lpc_xfer x;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.send_type = LPC_MSG_DATAGRAM;
	x.send_buf = lpc_ptr(data);
	x.send_len = sizeof(data);
	ASSERT_EQ(0, lpc_call_start(&call, self->client, LPC_IOC_XFER, &x));
	ASSERT_EQ(0, lpc_call_join(&call));
	SERVER_RECV_TYPE(LPC_MSG_DATAGRAM);
	EXPECT_EQ(getpid(), self->info.pid);
	EXPECT_EQ(call.tid, self->info.tid);
	EXPECT_EQ(geteuid(), self->info.uid);
	EXPECT_EQ(getegid(), self->info.gid);
	EXPECT_EQ(0U, self->info.__pad);
}

#define OTHER_UID	4242
#define OTHER_GID	4343

/* Child: connect as root, switch effective ids, send, wait for @go. */
static int child_switch_ids_and_send(const char *name, int go)
{
	struct lpc_connect c;
	int dev, port;

	dev = lpc_open_dev();
	if (dev < 0)
		return 10;
	lpc_connect_init(&c, name, LPC_WAIT_NS);
	port = sys_lpc_connect(dev, &c);
	if (port < 0)
		return 11;
	if (setegid(OTHER_GID) || seteuid(OTHER_UID))
		return 12;
	if (lpc_datagram(port, "u", 1))
		return 13;
	/* Stay alive (and connected) until the server has looked. */
	if (lpc_poll(go, POLLIN, LPC_WAIT_MS) <= 0)
		return 14;
	return 0;
}

/* The ids on a message are the sender's as of that message. */
TEST_F(msg, sender_euid_as_of_message)
{
	char cbuf[LPC_DEFAULT_CONN_DATA];
	struct lpc_msg_info info;
	int go[2], sfd;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to change its effective ids");
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		close(go[1]);
		_exit(child_switch_ids_and_send(self->name, go[0]));
	}
	close(go[0]);
	ASSERT_EQ(0, lpc_recv(self->cport, &info, cbuf, sizeof(cbuf),
			      LPC_WAIT_NS)) {
		kill(pid, SIGKILL);
		lpc_wait_child(pid, LPC_WAIT_MS);
	}
	ASSERT_EQ((__u32)LPC_MSG_CONNECTION_REQUEST, info.type);
	EXPECT_EQ(0U, info.uid);
	sfd = lpc_accept_id(self->cport, info.id, CTX_B, NULL, 0, 0);
	ASSERT_LE(0, sfd);
	SERVER_RECV_TYPE(LPC_MSG_DATAGRAM);
	EXPECT_EQ(CTX_B, self->info.context);
	EXPECT_EQ((__u32)OTHER_UID, self->info.uid);
	EXPECT_EQ((__u32)OTHER_GID, self->info.gid);
	EXPECT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(sfd);
}

TEST_F(msg, context_on_every_message)
{
	int client_b, server_b, i;
	__u64 id;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_B, 0, &client_b, &server_b));
	ASSERT_EQ(0, lpc_datagram(self->client, "a", 1));
	ASSERT_EQ(0, lpc_datagram(client_b, "b", 1));
	ASSERT_EQ(0, lpc_request_async(self->client, "A", 1, 64, &id));
	ASSERT_EQ(0, lpc_request_async(client_b, "B", 1, 64, &id));
	for (i = 0; i < 4; i++) {
		SERVER_RECV();
		ASSERT_EQ(1U, self->info.data_len);
		if (self->buf[0] == 'a' || self->buf[0] == 'A') {
			EXPECT_EQ(CTX_A, self->info.context);
		} else {
			EXPECT_EQ(CTX_B, self->info.context);
		}
	}
	close(client_b);
	close(server_b);
}

TEST_F(msg, client_side_context_zero)
{
	ASSERT_EQ(0, lpc_datagram(self->server, "s", 1));
	ASSERT_EQ(0, lpc_recv(self->client, &self->info, self->buf,
			      sizeof(self->buf), LPC_WAIT_NS));
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
	EXPECT_EQ(0ULL, self->info.context);
	EXPECT_NE(0ULL, self->info.id);
	EXPECT_EQ(getpid(), self->info.pid);
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

TEST_F(msg, ids_unique_and_nonzero)
{
	enum { N = 100 };
	__u64 sent[2 * N], got[2 * N];
	int client_b, server_b, i;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_B, 0, &client_b, &server_b));
	for (i = 0; i < N; i++) {
		sent[2 * i] = sent[2 * i + 1] = 0;
		ASSERT_EQ(0, lpc_send(self->client, LPC_MSG_DATAGRAM, &i,
				      sizeof(i), &sent[2 * i]));
		ASSERT_EQ(0, lpc_send(client_b, LPC_MSG_DATAGRAM, &i,
				      sizeof(i), &sent[2 * i + 1]));
	}
	for (i = 0; i < 2 * N; i++) {
		SERVER_RECV_TYPE(LPC_MSG_DATAGRAM);
		got[i] = self->info.id;
		EXPECT_NE(0ULL, got[i]);
	}
	qsort(sent, 2 * N, sizeof(sent[0]), cmp_u64);
	qsort(got, 2 * N, sizeof(got[0]), cmp_u64);
	for (i = 0; i < 2 * N; i++) {
		EXPECT_NE(0ULL, sent[i]);
		EXPECT_EQ(sent[i], got[i]);
		if (i) {
			EXPECT_NE(sent[i - 1], sent[i]);
		}
	}
	close(client_b);
	close(server_b);
}

TEST_F(msg, datagram_and_request_types)
{
	__u64 did = 0, rid = 0;

	ASSERT_EQ(0, lpc_send(self->client, LPC_MSG_DATAGRAM, "d", 1, &did));
	ASSERT_EQ(0, lpc_request_async(self->client, "r", 1, 64, &rid));
	SERVER_RECV_TYPE(LPC_MSG_DATAGRAM);
	EXPECT_EQ(did, self->info.id);
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	EXPECT_EQ(rid, self->info.id);
	EXPECT_EQ(0ULL, self->info.ref_id);
}

TEST_F(msg, server_datagram_to_client)
{
	static const char data[] = "to the client";

	ASSERT_EQ(0, lpc_datagram(self->server, data, sizeof(data)));
	ASSERT_EQ(0, lpc_recv(self->client, &self->info, self->buf,
			      sizeof(self->buf), LPC_WAIT_NS));
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
	EXPECT_EQ((__u32)sizeof(data), self->info.data_len);
	EXPECT_EQ(0, memcmp(self->buf, data, sizeof(data)));
}

/* ---- synchronous requests and replies ---- */

TEST_F(msg, sync_request_reply_via_connection_port)
{
	static const char req[] = "ping", rep[] = "pong!";
	struct lpc_sync_req r;

	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, req, sizeof(req),
					LPC_WAIT_NS));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	EXPECT_EQ(CTX_A, self->info.context);
	EXPECT_EQ(0, memcmp(self->buf, req, sizeof(req)));
	EXPECT_EQ(0, lpc_reply(self->cport, self->info.id, rep, sizeof(rep)));
	ASSERT_EQ(0, lpc_call_join(&r.call));
	EXPECT_EQ(self->info.id, r.x.send_id);
	EXPECT_EQ((__u32)LPC_MSG_REPLY, r.x.info.type);
	EXPECT_EQ(self->info.id, r.x.info.ref_id);
	EXPECT_NE(0ULL, r.x.info.id);
	EXPECT_EQ((__u32)sizeof(rep), r.x.info.data_len);
	EXPECT_EQ(0, memcmp(r.rbuf, rep, sizeof(rep)));
}

TEST_F(msg, sync_request_reply_via_comm_port)
{
	static const char req[] = "ping", rep[] = "pong";
	struct lpc_sync_req r;

	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, req, sizeof(req),
					LPC_WAIT_NS));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	EXPECT_EQ(0, lpc_reply(self->server, self->info.id, rep,
			       sizeof(rep)));
	ASSERT_EQ(0, lpc_call_join(&r.call));
	EXPECT_EQ((__u32)LPC_MSG_REPLY, r.x.info.type);
	EXPECT_EQ(self->info.id, r.x.info.ref_id);
	EXPECT_EQ(0, memcmp(r.rbuf, rep, sizeof(rep)));
}

/* The server loop primitive: reply, then wait for the next message. */
TEST_F(msg, reply_and_wait_receive)
{
	struct lpc_sync_req r;
	struct lpc_xfer x;
	int client_b, server_b;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_B, 0, &client_b, &server_b));
	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "q", 1,
					LPC_WAIT_NS));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	ASSERT_EQ(0, lpc_datagram(client_b, "next", 4));

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.send_type = LPC_MSG_REPLY;
	x.send_id = self->info.id;
	x.send_buf = lpc_ptr("a");
	x.send_len = 1;
	x.recv_buf = lpc_ptr(self->buf);
	x.recv_cap = sizeof(self->buf);
	ASSERT_EQ(0, sys_lpc_xfer(self->cport, &x));
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, x.info.type);
	EXPECT_EQ(CTX_B, x.info.context);
	EXPECT_EQ(0, memcmp(self->buf, "next", 4));

	ASSERT_EQ(0, lpc_call_join(&r.call));
	EXPECT_EQ((__u32)LPC_MSG_REPLY, r.x.info.type);
	EXPECT_EQ('a', r.rbuf[0]);
	close(client_b);
	close(server_b);
}

/*
 * A reply that went out while the receive after it failed says so with
 * LPC_XFER_SENT; a reply that failed does not.
 */
TEST_F(msg, reply_then_failed_receive_reports_sent)
{
	struct lpc_sync_req r;
	struct lpc_xfer x;

	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "q", 1,
					LPC_WAIT_NS));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_RECV | LPC_XFER_NONBLOCK;
	x.send_type = LPC_MSG_REPLY;
	x.send_id = self->info.id;
	x.send_buf = lpc_ptr("a");
	x.send_len = 1;
	x.recv_buf = lpc_ptr(self->buf);
	x.recv_cap = sizeof(self->buf);
	EXPECT_EQ(-EAGAIN, sys_lpc_xfer(self->cport, &x));
	EXPECT_TRUE(x.flags & LPC_XFER_SENT);
	ASSERT_EQ(0, lpc_call_join(&r.call));
	EXPECT_EQ('a', r.rbuf[0]);

	/* The same structure again: the reply is gone, nothing was sent. */
	x.flags = LPC_XFER_SEND | LPC_XFER_RECV | LPC_XFER_NONBLOCK |
		  LPC_XFER_SENT;
	EXPECT_EQ(-ENOENT, sys_lpc_xfer(self->cport, &x));
	EXPECT_FALSE(x.flags & LPC_XFER_SENT);
}

/* A synchronous request waits for its own reply; the rest stays queued. */
TEST_F(msg, sync_request_leaves_other_messages_queued)
{
	struct lpc_sync_req r;

	ASSERT_EQ(0, lpc_datagram(self->server, "early", 5));
	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "q", 1,
					LPC_WAIT_NS));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	ASSERT_EQ(0, lpc_reply(self->cport, self->info.id, "R", 1));
	ASSERT_EQ(0, lpc_call_join(&r.call));
	EXPECT_EQ((__u32)LPC_MSG_REPLY, r.x.info.type);
	EXPECT_EQ('R', r.rbuf[0]);

	ASSERT_EQ(0, lpc_recv_nb(self->client, &self->info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
	EXPECT_EQ(0, memcmp(self->buf, "early", 5));
}

TEST_F(msg, double_reply_enoent)
{
	__u64 id;

	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	ASSERT_EQ(0, lpc_reply(self->cport, id, "1", 1));
	EXPECT_EQ(-ENOENT, lpc_reply(self->cport, id, "2", 1));
	/* Exactly one reply reached the client. */
	ASSERT_EQ(0, lpc_recv(self->client, &self->info, self->buf,
			      sizeof(self->buf), LPC_WAIT_NS));
	EXPECT_EQ('1', self->buf[0]);
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->client, NULL, self->buf,
				       sizeof(self->buf)));
}

TEST_F(msg, reply_to_datagram_enoent)
{
	ASSERT_EQ(0, lpc_datagram(self->client, "d", 1));
	SERVER_RECV_TYPE(LPC_MSG_DATAGRAM);
	EXPECT_EQ(-ENOENT, lpc_reply(self->cport, self->info.id, "r", 1));
}

TEST_F(msg, reply_unknown_id_enoent)
{
	EXPECT_EQ(-ENOENT, lpc_reply(self->cport, ~0ULL - 17, "r", 1));
}

TEST_F(msg, reply_id_zero_enoent)
{
	EXPECT_EQ(-ENOENT, lpc_reply(self->cport, 0, "r", 1));
}

/* "never received": a request still on the queue cannot be answered. */
TEST_F(msg, reply_before_receive_enoent)
{
	__u64 id;

	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	EXPECT_EQ(-ENOENT, lpc_reply(self->cport, id, "r", 1));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	EXPECT_EQ(0, lpc_reply(self->cport, id, "r", 1));
}

/* A reply goes through the connection port or that client's port only. */
TEST_F(msg, reply_via_other_clients_port_enoent)
{
	int client_b, server_b;
	__u64 id;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_B, 0, &client_b, &server_b));
	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	EXPECT_EQ(-ENOENT, lpc_reply(server_b, id, "r", 1));
	EXPECT_EQ(0, lpc_reply(self->server, id, "r", 1));
	close(client_b);
	close(server_b);
}

TEST_F(msg, reply_to_own_request_enoent)
{
	__u64 id;

	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	EXPECT_EQ(-ENOENT, lpc_reply(self->client, id, "r", 1));
}

static int child_request_and_wait(const char *name)
{
	struct lpc_connect c;
	struct lpc_xfer x;
	char rbuf[64];
	int dev, port;

	dev = lpc_open_dev();
	if (dev < 0)
		return 10;
	lpc_connect_init(&c, name, LPC_WAIT_NS);
	port = sys_lpc_connect(dev, &c);
	if (port < 0)
		return 11;
	lpc_request_init(&x, "child", 5, rbuf, sizeof(rbuf), LPC_WAIT_NS);
	sys_lpc_xfer(port, &x);		/* killed while waiting */
	return 12;
}

TEST_F(msg, reply_after_client_died_ecanceled)
{
	char cbuf[LPC_DEFAULT_CONN_DATA];
	struct lpc_msg_info info;
	int sfd;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		_exit(child_request_and_wait(self->name));
	}
	ASSERT_EQ(0, lpc_recv(self->cport, &info, cbuf, sizeof(cbuf),
			      LPC_WAIT_NS)) {
		kill(pid, SIGKILL);
		lpc_wait_child(pid, LPC_WAIT_MS);
	}
	ASSERT_EQ((__u32)LPC_MSG_CONNECTION_REQUEST, info.type);
	EXPECT_EQ(pid, info.pid);
	sfd = lpc_accept_id(self->cport, info.id, CTX_B, NULL, 0, 0);
	ASSERT_LE(0, sfd);
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	EXPECT_EQ(CTX_B, self->info.context);
	EXPECT_EQ(pid, self->info.pid);
	kill(pid, SIGKILL);
	ASSERT_EQ(128 + SIGKILL, lpc_wait_child(pid, LPC_WAIT_MS));
	EXPECT_EQ(-ECANCELED, lpc_reply(self->cport, self->info.id, "late",
					4));
	close(sfd);
}

TEST_F(msg, reply_after_client_closed_ecanceled)
{
	__u64 id;

	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	lpc_close(&self->client);
	EXPECT_EQ(-ECANCELED, lpc_reply(self->cport, id, "late", 4));
}

TEST_F(msg, reply_after_requester_timeout_ecanceled)
{
	struct lpc_sync_req r;

	/* Long enough for the server to take the request off its queue. */
	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "q", 1,
					4 * LPC_NSEC_PER_SEC));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	ASSERT_EQ(-ETIMEDOUT, lpc_call_join(&r.call));
	/* The receive failed after a successful send: send_id is set. */
	EXPECT_EQ(self->info.id, r.x.send_id);
	EXPECT_EQ(-ECANCELED, lpc_reply(self->cport, self->info.id, "late",
					4));
}

TEST_F(msg, reply_larger_than_recv_cap_emsgsize)
{
	char big[16], rbuf[8];
	struct lpc_call call;
	struct lpc_xfer x;

	memset(big, 'b', sizeof(big));
	lpc_request_init(&x, "q", 1, rbuf, sizeof(rbuf), LPC_WAIT_NS);
	ASSERT_EQ(0, lpc_call_start(&call, self->client, LPC_IOC_XFER, &x));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	EXPECT_EQ(-EMSGSIZE, lpc_reply(self->cport, self->info.id, big,
				       sizeof(big)));
	/* The failed reply did not answer the request: one that fits does. */
	EXPECT_EQ(0, lpc_reply(self->cport, self->info.id, big, sizeof(rbuf)));
	EXPECT_EQ(0, lpc_call_join(&call));
	EXPECT_EQ((__u32)sizeof(rbuf), x.info.data_len);
}

/* ---- the interrupted synchronous request ---- */

static void interrupted_request(struct __test_metadata *_metadata,
				FIXTURE_DATA(msg) *self, int sa_flags)
{
	struct lpc_sync_req r;

	install_handler(SIGALRM, sa_flags);
	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "q", 1,
					LPC_WAIT_NS));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	/* The requester is waiting for its reply: interrupt it. */
	ASSERT_EQ(0, pthread_kill(r.call.thread, SIGALRM));
	ASSERT_EQ(-EINTR, lpc_call_join(&r.call));
	EXPECT_EQ(self->info.id, r.x.send_id);
	/* The request was withdrawn. */
	EXPECT_EQ(-ECANCELED, lpc_reply(self->cport, self->info.id, "late",
					4));
}

TEST_F(msg, sync_request_signal_eintr_then_reply_ecanceled)
{
	interrupted_request(_metadata, self, 0);
}

/* "A signal makes a waiting call fail with -EINTR; it is not restarted." */
TEST_F(msg, sync_request_signal_sa_restart_still_eintr)
{
	interrupted_request(_metadata, self, SA_RESTART);
}

/*
 * Interrupt a call that sleeps in its ioctl on another thread (the caller
 * waited for that with LPC_ASSERT_BLOCKED()): one signal, then its result
 * (-ETIMEDOUT after LPC_WAIT_NS if the signal did not end it).
 */
static int interrupt_call(struct lpc_call *call)
{
	pthread_kill(call->thread, SIGALRM);
	return lpc_call_join(call);
}

TEST_F(msg, recv_signal_eintr_not_restarted)
{
	struct lpc_call call;
	struct lpc_xfer x;

	install_handler(SIGALRM, SA_RESTART);
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.recv_buf = lpc_ptr(self->buf);
	x.recv_cap = sizeof(self->buf);
	ASSERT_EQ(0, lpc_call_start(&call, self->cport, LPC_IOC_XFER, &x));
	LPC_ASSERT_BLOCKED(&call);
	EXPECT_EQ(-EINTR, interrupt_call(&call));
}

TEST_F(msg, full_queue_send_signal_eintr_not_restarted)
{
	char name[LPC_NAME_MAX + 1];
	int cport, client, server;
	struct lpc_call call;
	struct lpc_xfer x;

	install_handler(SIGALRM, SA_RESTART);
	ASSERT_EQ(0, open_pair(self->dev, name, sizeof(name), "full", 0, 2,
			       &cport, &client, &server));
	ASSERT_EQ(0, lpc_datagram(client, "1", 1));
	ASSERT_EQ(0, lpc_datagram(client, "2", 1));
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.send_type = LPC_MSG_DATAGRAM;
	x.send_buf = lpc_ptr("3");
	x.send_len = 1;
	ASSERT_EQ(0, lpc_call_start(&call, client, LPC_IOC_XFER, &x));
	LPC_ASSERT_BLOCKED(&call);
	EXPECT_EQ(-EINTR, interrupt_call(&call));
	/* Nothing was sent: the queue holds the first two only. */
	EXPECT_EQ(0, lpc_recv_nb(cport, &self->info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ(0, lpc_recv_nb(cport, &self->info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(cport, &self->info, self->buf,
				       sizeof(self->buf)));
	close(client);
	close(server);
	close(cport);
}

/* ---- receive ---- */

TEST_F(msg, recv_timeout_etimedout)
{
	__u64 start = lpc_now_ns();

	EXPECT_EQ(-ETIMEDOUT, lpc_recv(self->cport, &self->info, self->buf,
				       sizeof(self->buf), LPC_SHORT_NS));
	EXPECT_LE(LPC_SHORT_NS - LPC_NSEC_PER_MSEC, lpc_now_ns() - start);
}

TEST_F(msg, recv_zero_timeout_etimedout)
{
	EXPECT_EQ(-ETIMEDOUT, lpc_recv(self->cport, &self->info, self->buf,
				       sizeof(self->buf), 0));
}

TEST_F(msg, recv_nonblock_empty_eagain)
{
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->cport, &self->info, self->buf,
				       sizeof(self->buf)));
}

TEST_F(msg, recv_nonblock_gets_queued_message)
{
	ASSERT_EQ(0, lpc_datagram(self->client, "x", 1));
	EXPECT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
}

TEST_F(msg, recv_waits_for_message)
{
	struct lpc_call call;
	struct lpc_xfer x;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.recv_buf = lpc_ptr(self->buf);
	x.recv_cap = sizeof(self->buf);
	ASSERT_EQ(0, lpc_call_start(&call, self->cport, LPC_IOC_XFER, &x));
	LPC_ASSERT_BLOCKED(&call);
	ASSERT_EQ(0, lpc_datagram(self->client, "wake", 4));
	ASSERT_EQ(0, lpc_call_join(&call));
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, x.info.type);
	EXPECT_EQ(0, memcmp(self->buf, "wake", 4));
}

TEST_F(msg, recv_buffer_too_small_emsgsize_keeps_message)
{
	char data[100], small[10];
	struct lpc_msg_info info;
	__u64 id = 0;

	memset(data, 'm', sizeof(data));
	ASSERT_EQ(0, lpc_send(self->client, LPC_MSG_DATAGRAM, data,
			      sizeof(data), &id));
	memset(&info, 0, sizeof(info));
	EXPECT_EQ(-EMSGSIZE, lpc_recv(self->cport, &info, small,
				      sizeof(small), LPC_WAIT_NS));
	EXPECT_EQ((__u32)sizeof(data), info.data_len);
	/* Still queued: a big enough buffer gets it. */
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ(id, info.id);
	EXPECT_EQ((__u32)sizeof(data), info.data_len);
	EXPECT_EQ(0, memcmp(self->buf, data, sizeof(data)));
}

TEST_F(msg, recv_on_server_comm_port_einval)
{
	EXPECT_EQ(-EINVAL, lpc_recv_nb(self->server, &self->info, self->buf,
				       sizeof(self->buf)));
}

/* ---- copies, order, queue bounds ---- */

TEST_F(msg, sender_buffer_reusable_after_send)
{
	char data[64];

	memset(data, 'o', sizeof(data));
	ASSERT_EQ(0, lpc_datagram(self->client, data, sizeof(data)));
	memset(data, 'X', sizeof(data));
	SERVER_RECV_TYPE(LPC_MSG_DATAGRAM);
	ASSERT_EQ((__u32)sizeof(data), self->info.data_len);
	memset(data, 'o', sizeof(data));
	EXPECT_EQ(0, memcmp(self->buf, data, sizeof(data)));
}

TEST_F(msg, order_preserved_per_connection)
{
	enum { N = 1000 };
	int cport, client, server;
	char name[LPC_NAME_MAX + 1];
	__u32 i, seq;

	ASSERT_EQ(0, open_pair(self->dev, name, sizeof(name), "order", 0,
			       1024, &cport, &client, &server));
	for (i = 0; i < N; i++) {
		ASSERT_EQ(0, lpc_datagram(client, &i, sizeof(i)));
	}
	for (i = 0; i < N; i++) {
		ASSERT_EQ(0, lpc_recv(cport, &self->info, &seq, sizeof(seq),
				      LPC_WAIT_NS));
		ASSERT_EQ(i, seq);
	}
	close(client);
	close(server);
	close(cport);
}

/* A queue of 4 messages: open a pair and fill it. */
static int full_queue(int dev, char *name, size_t size, int *cport,
		      int *client, int *server)
{
	int ret, i;

	ret = open_pair(dev, name, size, "full", 0, 4, cport, client, server);
	if (ret)
		return ret;
	for (i = 0; i < 4 && !ret; i++)
		ret = lpc_datagram(*client, &i, sizeof(i));
	return ret;
}

TEST_F(msg, queue_full_nonblock_eagain)
{
	char name[LPC_NAME_MAX + 1];
	int cport, client, server;
	struct lpc_xfer x;

	ASSERT_EQ(0, full_queue(self->dev, name, sizeof(name), &cport,
				&client, &server));
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_NONBLOCK;
	x.send_type = LPC_MSG_DATAGRAM;
	x.send_buf = lpc_ptr("5");
	x.send_len = 1;
	EXPECT_EQ(-EAGAIN, sys_lpc_xfer(client, &x));
	close(client);
	close(server);
	close(cport);
}

TEST_F(msg, queue_full_timeout_etimedout)
{
	char name[LPC_NAME_MAX + 1];
	int cport, client, server;
	struct lpc_xfer x;

	ASSERT_EQ(0, full_queue(self->dev, name, sizeof(name), &cport,
				&client, &server));
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_SHORT_NS;
	x.send_type = LPC_MSG_DATAGRAM;
	x.send_buf = lpc_ptr("5");
	x.send_len = 1;
	EXPECT_EQ(-ETIMEDOUT, sys_lpc_xfer(client, &x));
	close(client);
	close(server);
	close(cport);
}

TEST_F(msg, queue_full_send_waits_for_space)
{
	char name[LPC_NAME_MAX + 1];
	int cport, client, server;
	struct lpc_call call;
	struct lpc_xfer x;
	int seq, i;

	ASSERT_EQ(0, full_queue(self->dev, name, sizeof(name), &cport,
				&client, &server));
	seq = 4;
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.send_type = LPC_MSG_DATAGRAM;
	x.send_buf = lpc_ptr(&seq);
	x.send_len = sizeof(seq);
	ASSERT_EQ(0, lpc_call_start(&call, client, LPC_IOC_XFER, &x));
	LPC_ASSERT_BLOCKED(&call);
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, lpc_recv(cport, &self->info, &seq, sizeof(seq),
				      LPC_WAIT_NS));
		EXPECT_EQ(i, seq);
	}
	EXPECT_EQ(0, lpc_call_join(&call));
	close(client);
	close(server);
	close(cport);
}

/* ---- input validation of LPC_IOC_XFER ---- */

/* LPC_XFER_SENT is output only and ignored on input (see the header). */
TEST_F(msg, xfer_unknown_flags_einval)
{
	struct lpc_xfer x;
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		if ((LPC_XFER_FLAGS | LPC_XFER_SENT) & (1U << bit))
			continue;
		memset(&x, 0, sizeof(x));
		x.flags = LPC_XFER_RECV | LPC_XFER_NONBLOCK | (1U << bit);
		x.recv_buf = lpc_ptr(self->buf);
		x.recv_cap = sizeof(self->buf);
		EXPECT_EQ(-EINVAL, sys_lpc_xfer(self->cport, &x)) {
			TH_LOG("xfer flag bit %u accepted", bit);
		}
	}
}

TEST_F(msg, xfer_neither_send_nor_recv_einval)
{
	struct lpc_xfer x;

	memset(&x, 0, sizeof(x));
	EXPECT_EQ(-EINVAL, sys_lpc_xfer(self->cport, &x));
	/* One modifier at a time: only the missing SEND/RECV is wrong. */
	x.flags = LPC_XFER_NONBLOCK;
	EXPECT_EQ(-EINVAL, sys_lpc_xfer(self->cport, &x));
	x.flags = LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_SHORT_NS;
	EXPECT_EQ(-EINVAL, sys_lpc_xfer(self->cport, &x));
}

TEST_F(msg, xfer_bad_send_type_einval)
{
	static const __u32 bad[] = {
		0, LPC_MSG_CONNECTION_REQUEST, LPC_MSG_PORT_CLOSED,
		LPC_MSG_CLIENT_DIED, LPC_MSG_LOST_REPLY, 8, 0xffffffff,
	};
	struct lpc_xfer x;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&x, 0, sizeof(x));
		x.flags = LPC_XFER_SEND | LPC_XFER_NONBLOCK;
		x.send_type = bad[i];
		x.send_buf = lpc_ptr("t");
		x.send_len = 1;
		EXPECT_EQ(-EINVAL, sys_lpc_xfer(self->client, &x)) {
			TH_LOG("send_type %u accepted", bad[i]);
		}
	}
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->cport, NULL, self->buf,
				       sizeof(self->buf)));
}

TEST_F(msg, send_len_over_max_msg_len_emsgsize)
{
	char name[LPC_NAME_MAX + 1], data[129];
	int cport, client, server;

	memset(data, 'z', sizeof(data));
	ASSERT_EQ(0, open_pair(self->dev, name, sizeof(name), "max128", 128,
			       0, &cport, &client, &server));
	EXPECT_EQ(0, lpc_datagram(client, data, 128));
	EXPECT_EQ(-EMSGSIZE, lpc_datagram(client, data, 129));
	close(client);
	close(server);
	close(cport);
}

TEST_F(msg, send_len_over_msg_max_emsgsize)
{
	char *data = calloc(1, LPC_MSG_MAX + 1);

	ASSERT_NE(NULL, data);
	EXPECT_EQ(-EMSGSIZE, lpc_datagram(self->client, data,
					  LPC_MSG_MAX + 1));
	free(data);
}

/*
 * send_attr and recv_attr point to a struct lpc_msg_attr: its size is
 * versioned like the ioctl structs, unknown bits fail, bad pointers fault.
 */
static void datagram_with_attr(struct lpc_xfer *x, __u64 attr)
{
	memset(x, 0, sizeof(*x));
	x->flags = LPC_XFER_SEND | LPC_XFER_NONBLOCK;
	x->send_type = LPC_MSG_DATAGRAM;
	x->send_buf = lpc_ptr("a");
	x->send_len = 1;
	x->send_attr = attr;
}

static void recv_with_attr(struct lpc_xfer *x, void *buf, __u32 cap,
			   __u64 attr)
{
	memset(x, 0, sizeof(*x));
	x->flags = LPC_XFER_RECV | LPC_XFER_NONBLOCK;
	x->recv_buf = lpc_ptr(buf);
	x->recv_cap = cap;
	x->recv_attr = attr;
}

TEST_F(msg, send_attr_unknown_flags_einval)
{
	struct lpc_msg_attr attr;
	struct lpc_xfer x;

	NEED_ATTRS();
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.flags = 1U << 31;
	ASSERT_EQ(0U, LPC_ATTR_FLAGS & attr.flags);
	datagram_with_attr(&x, lpc_ptr(&attr));
	EXPECT_EQ(-EINVAL, sys_lpc_xfer(self->client, &x));
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->cport, NULL, self->buf,
				       sizeof(self->buf)));
}

TEST_F(msg, send_attr_size_below_ver0_einval)
{
	struct lpc_msg_attr attr;
	struct lpc_xfer x;

	NEED_ATTRS();
	ASSERT_EQ((size_t)LPC_MSG_ATTR_SIZE_VER0, sizeof(attr));
	memset(&attr, 0, sizeof(attr));
	attr.size = LPC_MSG_ATTR_SIZE_VER0 - 8;
	datagram_with_attr(&x, lpc_ptr(&attr));
	EXPECT_EQ(-EINVAL, sys_lpc_xfer(self->client, &x));
}

TEST_F(msg, send_attr_nonzero_pad_einval)
{
	struct lpc_msg_attr attr;
	struct lpc_xfer x;

	NEED_ATTRS();
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.__pad = 1;
	datagram_with_attr(&x, lpc_ptr(&attr));
	EXPECT_EQ(-EINVAL, sys_lpc_xfer(self->client, &x));
}

TEST_F(msg, send_attr_bad_pointer_efault)
{
	struct lpc_xfer x;

	NEED_ATTRS();
	datagram_with_attr(&x, lpc_ptr(lpc_bad_ptr()));
	EXPECT_EQ(-EFAULT, sys_lpc_xfer(self->client, &x));
}

/* An attribute block that asks for nothing is fine. */
TEST_F(msg, send_attr_empty_accepted)
{
	struct lpc_msg_attr attr;
	struct lpc_xfer x;

	NEED_ATTRS();
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	datagram_with_attr(&x, lpc_ptr(&attr));
	EXPECT_EQ(0, sys_lpc_xfer(self->client, &x));
}

TEST_F(msg, recv_attr_unknown_flags_einval)
{
	struct lpc_msg_attr attr;
	struct lpc_xfer x;

	NEED_ATTRS();
	ASSERT_EQ(0, lpc_datagram(self->client, "a", 1));
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.flags = 1U << 31;
	recv_with_attr(&x, self->buf, sizeof(self->buf), lpc_ptr(&attr));
	EXPECT_EQ(-EINVAL, sys_lpc_xfer(self->cport, &x));
}

TEST_F(msg, recv_attr_size_below_ver0_einval)
{
	struct lpc_msg_attr attr;
	struct lpc_xfer x;

	NEED_ATTRS();
	ASSERT_EQ(0, lpc_datagram(self->client, "a", 1));
	memset(&attr, 0, sizeof(attr));
	attr.size = LPC_MSG_ATTR_SIZE_VER0 - 8;
	recv_with_attr(&x, self->buf, sizeof(self->buf), lpc_ptr(&attr));
	EXPECT_EQ(-EINVAL, sys_lpc_xfer(self->cport, &x));
}

TEST_F(msg, recv_attr_bad_pointer_efault)
{
	struct lpc_xfer x;

	NEED_ATTRS();
	ASSERT_EQ(0, lpc_datagram(self->client, "a", 1));
	recv_with_attr(&x, self->buf, sizeof(self->buf),
		       lpc_ptr(lpc_bad_ptr()));
	EXPECT_EQ(-EFAULT, sys_lpc_xfer(self->cport, &x));
}

TEST_F(msg, bad_send_buf_efault)
{
	EXPECT_EQ(-EFAULT, lpc_datagram(self->client, lpc_bad_ptr(), 8));
}

TEST_F(msg, bad_recv_buf_efault)
{
	ASSERT_EQ(0, lpc_datagram(self->client, "12345678", 8));
	EXPECT_EQ(-EFAULT, lpc_recv_nb(self->cport, &self->info,
				       lpc_bad_ptr(), 64));
}

/*
 * A page followed by an inaccessible one: a buffer of @len bytes ending
 * @over bytes into the second page faults part way through the copy.
 */
static char *straddle(size_t len, size_t over)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + page, page, PROT_NONE)) {
		munmap(p, 2 * page);
		return NULL;
	}
	memset(p, 'x', page);
	return p + page + over - len;
}

/* Small payloads are copied a word at a time: a fault in the tail counts. */
TEST_F(msg, send_buf_faulting_midway_efault_nothing_queued)
{
	char *p = straddle(100, 3);

	ASSERT_NE(NULL, p);
	EXPECT_EQ(-EFAULT, lpc_datagram(self->client, p, 100));
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->cport, &self->info, self->buf,
				       sizeof(self->buf)));
}

TEST_F(msg, recv_buf_faulting_midway_efault_message_kept)
{
	char data[100], *p = straddle(sizeof(data), 3);

	ASSERT_NE(NULL, p);
	memset(data, 'd', sizeof(data));
	ASSERT_EQ(0, lpc_datagram(self->client, data, sizeof(data)));
	EXPECT_EQ(-EFAULT, lpc_recv_nb(self->cport, &self->info, p,
				       sizeof(data)));
	/* The message went back to the queue, whole. */
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ(sizeof(data), self->info.data_len);
	EXPECT_EQ(0, memcmp(self->buf, data, sizeof(data)));
}

TEST_F(msg, bad_xfer_pointer_efault)
{
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->cport, LPC_IOC_XFER,
				     lpc_bad_ptr()));
}

#define XFER_CMD(size) _IOC(_IOC_READ | _IOC_WRITE, LPC_IOC_MAGIC, \
			       _IOC_NR(LPC_IOC_XFER), (size))

struct xfer_big {
	struct lpc_xfer x;
	__u64 tail[2];
};

TEST_F(msg, xfer_struct_smaller_than_ver0_einval)
{
	struct lpc_xfer x;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_NONBLOCK;
	x.recv_buf = lpc_ptr(self->buf);
	x.recv_cap = sizeof(self->buf);
	EXPECT_EQ(-EINVAL, lpc_ioctl(self->cport,
				     XFER_CMD(LPC_XFER_SIZE_VER0 - 8), &x));
}

TEST_F(msg, xfer_struct_larger_nonzero_tail_e2big)
{
	struct xfer_big big;

	memset(&big, 0, sizeof(big));
	big.x.flags = LPC_XFER_RECV | LPC_XFER_NONBLOCK;
	big.x.recv_buf = lpc_ptr(self->buf);
	big.x.recv_cap = sizeof(self->buf);
	big.tail[0] = 1;
	EXPECT_EQ(-E2BIG, lpc_ioctl(self->cport, XFER_CMD(sizeof(big)), &big));
}

TEST_F(msg, xfer_struct_larger_zero_tail_works)
{
	struct xfer_big big;

	ASSERT_EQ((size_t)LPC_XFER_SIZE_VER0, sizeof(struct lpc_xfer));
	ASSERT_EQ(0, lpc_datagram(self->client, "big", 3));
	memset(&big, 0, sizeof(big));
	big.x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	big.x.timeout_ns = LPC_WAIT_NS;
	big.x.recv_buf = lpc_ptr(self->buf);
	big.x.recv_cap = sizeof(self->buf);
	EXPECT_EQ(0, lpc_ioctl(self->cport, XFER_CMD(sizeof(big)), &big));
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, big.x.info.type);
	EXPECT_EQ(3U, big.x.info.data_len);
	EXPECT_EQ(0ULL, big.tail[0]);
	EXPECT_EQ(0ULL, big.tail[1]);
}

/* ---- asynchronous requests and cancel ---- */

TEST_F(msg, async_request_reply_queued)
{
	static const char rep[] = "async reply";
	__u64 id;

	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	EXPECT_NE(0ULL, id);
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	ASSERT_EQ(id, self->info.id);
	ASSERT_EQ(0, lpc_reply(self->cport, id, rep, sizeof(rep)));
	ASSERT_EQ(0, lpc_recv(self->client, &self->info, self->buf,
			      sizeof(self->buf), LPC_WAIT_NS));
	EXPECT_EQ((__u32)LPC_MSG_REPLY, self->info.type);
	EXPECT_EQ(id, self->info.ref_id);
	EXPECT_EQ((__u32)sizeof(rep), self->info.data_len);
	EXPECT_EQ(0, memcmp(self->buf, rep, sizeof(rep)));
}

static int cancel(int port, __u64 id)
{
	struct lpc_cancel c = { .id = id };

	return sys_lpc_cancel(port, &c);
}

TEST_F(msg, cancel_then_reply_ecanceled)
{
	__u64 id;

	NEED_CANCEL();
	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	ASSERT_EQ(0, cancel(self->client, id));
	EXPECT_EQ(-ECANCELED, lpc_reply(self->cport, id, "r", 1));
}

TEST_F(msg, cancel_twice_enoent)
{
	__u64 id;

	NEED_CANCEL();
	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	ASSERT_EQ(0, cancel(self->client, id));
	EXPECT_EQ(-ENOENT, cancel(self->client, id));
}

TEST_F(msg, cancel_unknown_id_enoent)
{
	NEED_CANCEL();
	EXPECT_EQ(-ENOENT, cancel(self->client, ~0ULL - 17));
}

TEST_F(msg, cancel_datagram_id_enoent)
{
	__u64 id = 0;

	NEED_CANCEL();
	ASSERT_EQ(0, lpc_send(self->client, LPC_MSG_DATAGRAM, "d", 1, &id));
	EXPECT_EQ(-ENOENT, cancel(self->client, id));
}

TEST_F(msg, cancel_answered_request_enoent)
{
	__u64 id;

	NEED_CANCEL();
	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	ASSERT_EQ(0, lpc_reply(self->cport, id, "r", 1));
	EXPECT_EQ(-ENOENT, cancel(self->client, id));
	/* The reply is still delivered. */
	ASSERT_EQ(0, lpc_recv(self->client, &self->info, self->buf,
			      sizeof(self->buf), LPC_WAIT_NS));
	EXPECT_EQ((__u32)LPC_MSG_REPLY, self->info.type);
	EXPECT_EQ(id, self->info.ref_id);
}

TEST_F(msg, cancel_from_other_port_enoent)
{
	int client_b, server_b;
	__u64 id;

	NEED_CANCEL();
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_B, 0, &client_b, &server_b));
	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	SERVER_RECV_TYPE(LPC_MSG_REQUEST);
	EXPECT_EQ(-ENOENT, cancel(client_b, id));
	EXPECT_EQ(0, lpc_reply(self->cport, id, "r", 1));
	close(client_b);
	close(server_b);
}

TEST_F(msg, cancel_nonzero_flags_einval)
{
	struct lpc_cancel c;
	__u64 id;

	NEED_CANCEL();
	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	memset(&c, 0, sizeof(c));
	c.id = id;
	c.flags = 1;
	EXPECT_EQ(-EINVAL, sys_lpc_cancel(self->client, &c));
}

TEST_F(msg, cancel_nonzero_pad_einval)
{
	struct lpc_cancel c;
	__u64 id;

	NEED_CANCEL();
	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	memset(&c, 0, sizeof(c));
	c.id = id;
	c.__pad = 1;
	EXPECT_EQ(-EINVAL, sys_lpc_cancel(self->client, &c));
}

TEST_F(msg, cancel_bad_pointer_efault)
{
	NEED_CANCEL();
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->client, LPC_IOC_CANCEL,
				     lpc_bad_ptr()));
}

TEST_HARNESS_MAIN
