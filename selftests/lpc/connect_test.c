// SPDX-License-Identifier: GPL-2.0
/*
 * LPC_IOC_CONNECT and LPC_IOC_ACCEPT: the connection handshake.
 *
 * The client side of each handshake runs on a helper thread (connect blocks
 * until the server answers); the test body plays the server. Every connect
 * carries a timeout, so a server that never answers fails the test.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
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

#define CONN_DATA_MAX	64
#define CTX		0x1122334455667788ULL

FIXTURE(conn) {
	int dev;
	int cport;		/* connection port, max_conn_data_len 64 */
	char name[LPC_NAME_MAX + 1];
	struct lpc_connect c;	/* the client's request */
	char reply[128];	/* the client's reply buffer */
	struct lpc_call call;	/* the client's connect, if started */
	bool started;
};

FIXTURE_SETUP(conn)
{
	self->dev = -1;
	self->cport = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	self->cport = lpc_create_limits(self->dev, self->name, 0,
					CONN_DATA_MAX, 0, 0);
	ASSERT_LE(0, self->cport) {
		TH_LOG("create %s: %s", self->name, strerror(-self->cport));
	}
	lpc_connect_init(&self->c, self->name, LPC_WAIT_NS);
	self->c.reply = lpc_ptr(self->reply);
	self->c.reply_cap = sizeof(self->reply);
}

FIXTURE_TEARDOWN(conn)
{
	int ret;

	if (self->started) {
		/* Unblock a connect still waiting, then collect it. */
		lpc_close(&self->cport);
		ret = lpc_call_join(&self->call);
		if (ret >= 0)
			close(ret);
	}
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* Start self->c on a helper thread. */
#define START_CONNECT() do {						\
		ASSERT_EQ(0, lpc_call_start(&self->call, self->dev,	\
					    LPC_IOC_CONNECT, &self->c)); \
		self->started = true;					\
	} while (0)

/* The connect's result; the client fd (if any) is the caller's. */
static int finish_connect(FIXTURE_DATA(conn) *self)
{
	self->started = false;
	return lpc_call_join(&self->call);
}

/* Take the next message off the connection port; it must be a request. */
#define RECV_CONN_REQ(info, buf) do {					\
		int __r = lpc_recv(self->cport, &(info), (buf),		\
				   sizeof(buf), LPC_WAIT_NS);		\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("receive connection request: %s",	\
			       strerror(-__r));				\
			lpc_log_lost_wakeup(_metadata, self->cport);	\
			if (self->started && lpc_call_done(&self->call))	\
				TH_LOG("the connect already returned %d", \
				       self->call.ret);			\
		}							\
		ASSERT_EQ((__u32)LPC_MSG_CONNECTION_REQUEST, (info).type); \
	} while (0)

static void on_signal(int sig)
{
	(void)sig;
}

TEST_F(conn, connect_unknown_name_enoent)
{
	char name[LPC_NAME_MAX + 1];

	/* A fresh unique name that nobody created. */
	lpc_name(name, sizeof(name), "nobody");
	lpc_connect_init(&self->c, name, LPC_SHORT_NS);
	EXPECT_EQ(-ENOENT, sys_lpc_connect(self->dev, &self->c));
}

TEST_F(conn, connect_empty_name_einval)
{
	self->c.name_len = 0;
	self->c.timeout_ns = LPC_SHORT_NS;
	EXPECT_EQ(-EINVAL, sys_lpc_connect(self->dev, &self->c));
}

TEST_F(conn, connect_name_too_long_enametoolong)
{
	char name[LPC_NAME_MAX + 2];

	memset(name, 'n', sizeof(name));
	name[LPC_NAME_MAX + 1] = '\0';
	lpc_connect_init(&self->c, name, LPC_SHORT_NS);
	EXPECT_EQ(-ENAMETOOLONG, sys_lpc_connect(self->dev, &self->c));
}

TEST_F(conn, connect_name_with_nul_einval)
{
	char name[LPC_NAME_MAX + 1];

	snprintf(name, sizeof(name), "%s", self->name);
	lpc_connect_init(&self->c, name, LPC_SHORT_NS);
	name[3] = '\0';
	EXPECT_EQ(-EINVAL, sys_lpc_connect(self->dev, &self->c));
}

TEST_F(conn, connect_unknown_flags_einval)
{
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		if (LPC_CONNECT_FLAGS & (1U << bit))
			continue;
		lpc_connect_init(&self->c, self->name, LPC_SHORT_NS);
		self->c.flags |= 1U << bit;
		EXPECT_EQ(-EINVAL, sys_lpc_connect(self->dev, &self->c)) {
			TH_LOG("connect flag bit %u accepted", bit);
		}
	}
}

TEST_F(conn, connect_nonzero_pad_einval)
{
	self->c.timeout_ns = LPC_SHORT_NS;
	self->c.__pad = 1;
	EXPECT_EQ(-EINVAL, sys_lpc_connect(self->dev, &self->c));
}

TEST_F(conn, connect_bad_name_pointer_efault)
{
	self->c.timeout_ns = LPC_SHORT_NS;
	self->c.name = lpc_ptr(lpc_bad_ptr());
	EXPECT_EQ(-EFAULT, sys_lpc_connect(self->dev, &self->c));
}

TEST_F(conn, connect_bad_data_pointer_efault)
{
	self->c.timeout_ns = LPC_SHORT_NS;
	self->c.data = lpc_ptr(lpc_bad_ptr());
	self->c.data_len = 8;
	EXPECT_EQ(-EFAULT, sys_lpc_connect(self->dev, &self->c));
}

TEST_F(conn, connect_bad_struct_pointer_efault)
{
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->dev, LPC_IOC_CONNECT,
				     lpc_bad_ptr()));
}

TEST_F(conn, connect_data_too_big_emsgsize)
{
	char data[CONN_DATA_MAX + 1];

	memset(data, 'd', sizeof(data));
	self->c.timeout_ns = LPC_SHORT_NS;
	self->c.data = lpc_ptr(data);
	self->c.data_len = sizeof(data);
	EXPECT_EQ(-EMSGSIZE, sys_lpc_connect(self->dev, &self->c));
}

TEST_F(conn, accept_with_data_both_ways)
{
	static const char cdata[] = "hello from the client";
	static const char adata[] = "welcome, client";
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;
	int sfd, client;

	self->c.data = lpc_ptr(cdata);
	self->c.data_len = sizeof(cdata);
	START_CONNECT();
	RECV_CONN_REQ(info, buf);

	EXPECT_NE(0ULL, info.id);
	EXPECT_EQ(0ULL, info.context);
	EXPECT_EQ(0ULL, info.ref_id);
	EXPECT_EQ((__u32)sizeof(cdata), info.data_len);
	EXPECT_EQ(0, memcmp(buf, cdata, sizeof(cdata)));
	EXPECT_EQ(getpid(), info.pid);
	EXPECT_EQ(geteuid(), info.uid);
	EXPECT_EQ(getegid(), info.gid);

	sfd = lpc_accept_id(self->cport, info.id, CTX, adata, sizeof(adata),
			    0);
	ASSERT_LE(0, sfd) {
		TH_LOG("accept: %s", strerror(-sfd));
	}
	client = finish_connect(self);
	ASSERT_LE(0, client) {
		TH_LOG("connect: %s", strerror(-client));
	}
	/* The request came from the connecting thread. */
	EXPECT_EQ(self->call.tid, info.tid);
	EXPECT_NE(getpid(), info.tid);
	EXPECT_EQ((__u32)sizeof(adata), self->c.reply_len);
	EXPECT_EQ(0, memcmp(self->reply, adata, sizeof(adata)));
	close(client);
	close(sfd);
}

TEST_F(conn, accept_without_data)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;
	int sfd, client;

	self->c.reply_len = 77;	/* output only: must be overwritten */
	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	EXPECT_EQ(0U, info.data_len);
	sfd = lpc_accept_id(self->cport, info.id, CTX, NULL, 0, 0);
	ASSERT_LE(0, sfd);
	client = finish_connect(self);
	ASSERT_LE(0, client);
	EXPECT_EQ(0U, self->c.reply_len);
	close(client);
	close(sfd);
}

TEST_F(conn, accept_data_larger_than_reply_cap_truncated)
{
	static const char adata[] = "0123456789abcdef";
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;
	int sfd, client;

	memset(self->reply, '#', sizeof(self->reply));
	self->c.reply_cap = 4;
	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	sfd = lpc_accept_id(self->cport, info.id, CTX, adata, sizeof(adata),
			    0);
	ASSERT_LE(0, sfd);
	client = finish_connect(self);
	ASSERT_LE(0, client);
	/* reply_len is what the server sent; only reply_cap bytes land. */
	EXPECT_EQ((__u32)sizeof(adata), self->c.reply_len);
	EXPECT_EQ(0, memcmp(self->reply, adata, 4));
	EXPECT_EQ('#', self->reply[4]);
	close(client);
	close(sfd);
}

TEST_F(conn, accept_fd_cloexec_by_default)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;
	int sfd, client;

	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	sfd = lpc_accept_id(self->cport, info.id, CTX, NULL, 0, 0);
	ASSERT_LE(0, sfd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(sfd, F_GETFD) & FD_CLOEXEC);
	client = finish_connect(self);
	ASSERT_LE(0, client);
	close(client);
	close(sfd);
}

TEST_F(conn, accept_no_cloexec_flag)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;
	int sfd, client;

	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	sfd = lpc_accept_id(self->cport, info.id, CTX, NULL, 0,
			    LPC_NO_CLOEXEC);
	ASSERT_LE(0, sfd);
	EXPECT_EQ(0, fcntl(sfd, F_GETFD) & FD_CLOEXEC);
	client = finish_connect(self);
	ASSERT_LE(0, client);
	close(client);
	close(sfd);
}

TEST_F(conn, connect_fd_cloexec_by_default)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;
	int sfd, client;

	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	sfd = lpc_accept_id(self->cport, info.id, CTX, NULL, 0, 0);
	ASSERT_LE(0, sfd);
	client = finish_connect(self);
	ASSERT_LE(0, client);
	EXPECT_EQ(FD_CLOEXEC, fcntl(client, F_GETFD) & FD_CLOEXEC);
	close(client);
	close(sfd);
}

TEST_F(conn, connect_no_cloexec_flag)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;
	int sfd, client;

	self->c.flags |= LPC_NO_CLOEXEC;
	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	sfd = lpc_accept_id(self->cport, info.id, CTX, NULL, 0, 0);
	ASSERT_LE(0, sfd);
	client = finish_connect(self);
	ASSERT_LE(0, client);
	EXPECT_EQ(0, fcntl(client, F_GETFD) & FD_CLOEXEC);
	close(client);
	close(sfd);
}

TEST_F(conn, reject_with_data_econnrefused)
{
	static const char rdata[] = "go away";
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;

	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	EXPECT_EQ(0, lpc_accept_id(self->cport, info.id, CTX, rdata,
				   sizeof(rdata), LPC_ACCEPT_REJECT));
	EXPECT_EQ(-ECONNREFUSED, finish_connect(self));
	EXPECT_EQ((__u32)sizeof(rdata), self->c.reply_len);
	EXPECT_EQ(0, memcmp(self->reply, rdata, sizeof(rdata)));
}

/* A rejected request is answered: it cannot be accepted afterwards. */
TEST_F(conn, accept_after_reject_enoent)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;

	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	ASSERT_EQ(0, lpc_accept_id(self->cport, info.id, CTX, NULL, 0,
				   LPC_ACCEPT_REJECT));
	EXPECT_EQ(-ECONNREFUSED, finish_connect(self));
	EXPECT_EQ(-ENOENT, lpc_accept_id(self->cport, info.id, CTX, NULL, 0,
					 0));
}

TEST_F(conn, connect_timeout_etimedout)
{
	__u64 start = lpc_now_ns();

	self->c.timeout_ns = LPC_SHORT_NS;
	EXPECT_EQ(-ETIMEDOUT, sys_lpc_connect(self->dev, &self->c));
	EXPECT_LE(LPC_SHORT_NS - LPC_NSEC_PER_MSEC, lpc_now_ns() - start);
}

TEST_F(conn, connect_zero_timeout_etimedout)
{
	self->c.timeout_ns = 0;
	EXPECT_EQ(-ETIMEDOUT, sys_lpc_connect(self->dev, &self->c));
}

TEST_F(conn, accept_after_connect_timeout_ecanceled)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;

	/* Long enough for the server to take the request off its queue. */
	self->c.timeout_ns = 4 * LPC_NSEC_PER_SEC;
	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	ASSERT_EQ(-ETIMEDOUT, finish_connect(self));
	EXPECT_EQ(-ECANCELED, lpc_accept_id(self->cport, info.id, CTX, NULL,
					    0, 0));
}

TEST_F(conn, connect_interrupted_eintr)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));	/* no SA_RESTART */
	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	ASSERT_EQ(0, pthread_kill(self->call.thread, SIGUSR1));
	EXPECT_EQ(-EINTR, finish_connect(self));
}

TEST_F(conn, accept_after_connect_interrupted_ecanceled)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	ASSERT_EQ(0, pthread_kill(self->call.thread, SIGUSR1));
	ASSERT_EQ(-EINTR, finish_connect(self));
	EXPECT_EQ(-ECANCELED, lpc_accept_id(self->cport, info.id, CTX, NULL,
					    0, 0));
}

TEST_F(conn, max_conns_reached_eusers)
{
	char name[LPC_NAME_MAX + 1];
	int port, client, sfd;

	lpc_name(name, sizeof(name), _metadata->name);
	port = lpc_create_limits(self->dev, name, 0, 0, 0, 1);
	ASSERT_LE(0, port);
	ASSERT_EQ(0, lpc_connect_pair(self->dev, port, name, CTX, 0, &client,
				      &sfd));
	lpc_connect_init(&self->c, name, LPC_SHORT_NS);
	EXPECT_EQ(-EUSERS, sys_lpc_connect(self->dev, &self->c));
	close(client);
	close(sfd);
	close(port);
}

TEST_F(conn, server_closes_port_during_connect_econnreset)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;

	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	lpc_close(&self->cport);
	EXPECT_EQ(-ECONNRESET, finish_connect(self));
}

TEST_F(conn, accept_unknown_id_enoent)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;
	int client, sfd;

	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	EXPECT_EQ(-ENOENT, lpc_accept_id(self->cport, info.id + 1000, CTX,
					 NULL, 0, 0));
	/* The real request is still pending. */
	sfd = lpc_accept_id(self->cport, info.id, CTX, NULL, 0, 0);
	EXPECT_LE(0, sfd);
	client = finish_connect(self);
	EXPECT_LE(0, client);
	if (client >= 0)
		close(client);
	if (sfd >= 0)
		close(sfd);
}

TEST_F(conn, accept_id_zero_enoent)
{
	EXPECT_EQ(-ENOENT, lpc_accept_id(self->cport, 0, CTX, NULL, 0, 0));
}

TEST_F(conn, accept_twice_enoent)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;
	int client, sfd;

	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	sfd = lpc_accept_id(self->cport, info.id, CTX, NULL, 0, 0);
	ASSERT_LE(0, sfd);
	client = finish_connect(self);
	ASSERT_LE(0, client);
	EXPECT_EQ(-ENOENT, lpc_accept_id(self->cport, info.id, CTX, NULL, 0,
					 0));
	close(client);
	close(sfd);
}

TEST_F(conn, accept_unknown_flags_einval)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;
	unsigned int bit;
	int client, sfd;

	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	for (bit = 0; bit < 32; bit++) {
		if (LPC_ACCEPT_FLAGS & (1U << bit))
			continue;
		EXPECT_EQ(-EINVAL, lpc_accept_id(self->cport, info.id, CTX,
						 NULL, 0, 1U << bit)) {
			TH_LOG("accept flag bit %u accepted", bit);
		}
	}
	/* Nothing was consumed by the failed calls. */
	sfd = lpc_accept_id(self->cport, info.id, CTX, NULL, 0, 0);
	EXPECT_LE(0, sfd);
	client = finish_connect(self);
	EXPECT_LE(0, client);
	if (client >= 0)
		close(client);
	if (sfd >= 0)
		close(sfd);
}

TEST_F(conn, accept_bad_struct_pointer_efault)
{
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->cport, LPC_IOC_ACCEPT,
				     lpc_bad_ptr()));
}

TEST_F(conn, accept_bad_data_pointer_efault)
{
	char buf[CONN_DATA_MAX];
	struct lpc_msg_info info;

	START_CONNECT();
	RECV_CONN_REQ(info, buf);
	EXPECT_EQ(-EFAULT, lpc_accept_id(self->cport, info.id, CTX,
					 lpc_bad_ptr(), 8, 0));
}

/* Two clients, two connections, each bound to its own context. */
TEST_F(conn, accept_two_clients)
{
	int c1, s1, c2, s2;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 1,
				      0, &c1, &s1));
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 2,
				      0, &c2, &s2));
	EXPECT_NE(c1, c2);
	EXPECT_NE(s1, s2);
	close(c1);
	close(s1);
	close(c2);
	close(s2);
}

TEST_HARNESS_MAIN
