// SPDX-License-Identifier: GPL-2.0
/*
 * Ports are files: epoll readiness, and a port fd passed with SCM_RIGHTS
 * keeps working in the process that received it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"

#define CTX_A		0xa11ce00000000001ULL
#define TAG		0x7a67ULL

FIXTURE(poll) {
	int dev;
	int cport;
	int client;
	int server;
	int ep;
	char name[LPC_NAME_MAX + 1];
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info info;
};

FIXTURE_SETUP(poll)
{
	int ret;

	self->dev = self->cport = self->client = self->server = -1;
	self->ep = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
	ret = lpc_connect_pair(self->dev, self->cport, self->name, CTX_A, 0,
			       &self->client, &self->server);
	ASSERT_EQ(0, ret) {
		TH_LOG("set up a connection: %s", strerror(-ret));
	}
	self->ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, self->ep);
}

FIXTURE_TEARDOWN(poll)
{
	lpc_close(&self->ep);
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

static int ep_add(int ep, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TAG };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* epoll_wait() for one event: 1 with *@ev filled, 0 on timeout, -errno. */
static int ep_wait(int ep, struct epoll_event *ev, int timeout_ms)
{
	int ret = epoll_wait(ep, ev, 1, timeout_ms);

	return ret < 0 ? -errno : ret;
}

TEST_F(poll, connection_port_not_readable_when_empty)
{
	struct epoll_event ev;

	ASSERT_EQ(0, ep_add(self->ep, self->cport));
	EXPECT_EQ(0, ep_wait(self->ep, &ev, 0));
}

TEST_F(poll, connection_port_readable_when_message_queued)
{
	struct epoll_event ev;

	ASSERT_EQ(0, ep_add(self->ep, self->cport));
	ASSERT_EQ(0, ep_wait(self->ep, &ev, 0));
	ASSERT_EQ(0, lpc_datagram(self->client, "x", 1));
	ASSERT_EQ(1, ep_wait(self->ep, &ev, LPC_WAIT_MS));
	EXPECT_EQ(TAG, ev.data.u64);
	EXPECT_EQ((__u32)EPOLLIN, ev.events & EPOLLIN);
}

TEST_F(poll, connection_port_not_readable_after_drain)
{
	struct epoll_event ev;

	ASSERT_EQ(0, ep_add(self->ep, self->cport));
	ASSERT_EQ(0, lpc_datagram(self->client, "x", 1));
	ASSERT_EQ(1, ep_wait(self->ep, &ev, LPC_WAIT_MS));
	ASSERT_EQ(0, lpc_recv_nb(self->cport, NULL, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ(0, ep_wait(self->ep, &ev, 0));
}

/* A datagram sent on @port once thread @waiter sleeps (in epoll_wait()). */
struct late_send {
	int port;
	pid_t waiter;
	int blocked;	/* 0, or -ETIMEDOUT: it never slept */
};

static void *send_later(void *arg)
{
	struct late_send *ls = arg;

	/* glibc may call epoll_wait or epoll_pwait: any system call will do. */
	ls->blocked = LPC_WAIT_UNTIL(lpc_task_blocked(getpid(), ls->waiter,
						      LPC_ANY_SYSCALL),
				     LPC_WAIT_MS) ? 0 : -ETIMEDOUT;
	lpc_datagram(ls->port, "late", 4);
	return NULL;
}

/* A waiter already asleep in epoll_wait() is woken by a new message. */
TEST_F(poll, epoll_waiter_woken_by_message)
{
	struct late_send ls = { .port = self->client, .waiter = lpc_gettid() };
	struct epoll_event ev;
	pthread_t thread;

	ASSERT_EQ(0, ep_add(self->ep, self->cport));
	ASSERT_EQ(0, pthread_create(&thread, NULL, send_later, &ls));
	EXPECT_EQ(1, ep_wait(self->ep, &ev, LPC_WAIT_MS));
	pthread_join(thread, NULL);
	EXPECT_EQ(0, ls.blocked) {
		TH_LOG("the test never slept in epoll_wait()");
	}
	EXPECT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
}

TEST_F(poll, connection_port_readable_on_connect)
{
	struct epoll_event ev;
	struct lpc_connect c;
	struct lpc_call call;
	int sfd, client;

	ASSERT_EQ(0, ep_add(self->ep, self->cport));
	ASSERT_EQ(0, ep_wait(self->ep, &ev, 0));
	lpc_connect_init(&c, self->name, LPC_WAIT_NS);
	ASSERT_EQ(0, lpc_call_start(&call, self->dev, LPC_IOC_CONNECT, &c));
	EXPECT_EQ(1, ep_wait(self->ep, &ev, LPC_WAIT_MS));
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &self->info, self->buf,
				 sizeof(self->buf))) {
		lpc_close(&self->cport);	/* releases the connect */
		lpc_call_join(&call);
	}
	EXPECT_EQ((__u32)LPC_MSG_CONNECTION_REQUEST, self->info.type);
	sfd = lpc_accept_id(self->cport, self->info.id, 2, NULL, 0, 0);
	EXPECT_LE(0, sfd);
	client = lpc_call_join(&call);
	EXPECT_LE(0, client);
	if (client >= 0)
		close(client);
	if (sfd >= 0)
		close(sfd);
}

TEST_F(poll, client_port_readable_on_server_datagram)
{
	struct epoll_event ev;

	ASSERT_EQ(0, ep_add(self->ep, self->client));
	ASSERT_EQ(0, ep_wait(self->ep, &ev, 0));
	ASSERT_EQ(0, lpc_datagram(self->server, "s", 1));
	EXPECT_EQ(1, ep_wait(self->ep, &ev, LPC_WAIT_MS));
	EXPECT_EQ((__u32)EPOLLIN, ev.events & EPOLLIN);
}

TEST_F(poll, client_port_readable_on_async_reply)
{
	struct epoll_event ev;
	__u64 id;

	ASSERT_EQ(0, ep_add(self->ep, self->client));
	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	ASSERT_EQ(0, lpc_recv(self->cport, &self->info, self->buf,
			      sizeof(self->buf), LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	EXPECT_EQ(0, ep_wait(self->ep, &ev, 0));
	ASSERT_EQ(0, lpc_reply(self->cport, id, "r", 1));
	EXPECT_EQ(1, ep_wait(self->ep, &ev, LPC_WAIT_MS));
	EXPECT_EQ((__u32)EPOLLIN, ev.events & EPOLLIN);
}

TEST_F(poll, plain_poll_readable_when_message_queued)
{
	EXPECT_EQ(0, lpc_poll(self->cport, POLLIN, 0));
	ASSERT_EQ(0, lpc_datagram(self->client, "x", 1));
	EXPECT_EQ(POLLIN, lpc_poll(self->cport, POLLIN, LPC_WAIT_MS) & POLLIN);
}

/* ---- SCM_RIGHTS ---- */

#define SCM_REQUESTS	10

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = "F", .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (lpc_poll(sock, POLLIN, LPC_WAIT_MS) <= 0)
		return -ETIMEDOUT;
	if (recvmsg(sock, &mh, 0) != 1)
		return -EPROTO;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Child: get a client port over @sock and make requests through it. */
static int scm_child(int sock)
{
	char rbuf[64];
	struct lpc_xfer x;
	int port, i;

	port = recv_fd(sock);
	if (port < 0)
		return 10;
	for (i = 0; i < SCM_REQUESTS; i++) {
		lpc_request_init(&x, &i, sizeof(i), rbuf, sizeof(rbuf),
				 LPC_WAIT_NS);
		if (sys_lpc_xfer(port, &x))
			return 11;
		if (x.info.type != LPC_MSG_REPLY || x.info.data_len != 4 ||
		    x.info.ref_id != x.send_id)
			return 12;
		if (*(int *)rbuf != i * 3)
			return 13;
	}
	return 0;
}

TEST_F(poll, scm_rights_passed_port_works_in_other_process)
{
	int sv[2], i, val, ret;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		/* Only the fd that arrives over the socket may be used. */
		close(self->client);
		close(self->server);
		close(self->cport);
		close(sv[0]);
		_exit(scm_child(sv[1]));
	}
	close(sv[1]);
	ASSERT_EQ(0, send_fd(sv[0], self->client)) {
		kill(pid, SIGKILL);
		lpc_wait_child(pid, LPC_WAIT_MS);
	}
	close(sv[0]);
	/* The child now holds the only reference to the client port. */
	lpc_close(&self->client);

	for (i = 0; i < SCM_REQUESTS; i++) {
		ret = lpc_recv(self->cport, &self->info, self->buf,
			       sizeof(self->buf), LPC_WAIT_NS);
		ASSERT_EQ(0, ret) {
			TH_LOG("request %d: %s", i, strerror(-ret));
			kill(pid, SIGKILL);
			lpc_wait_child(pid, LPC_WAIT_MS);
		}
		ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
		EXPECT_EQ(CTX_A, self->info.context);
		EXPECT_EQ(pid, self->info.pid);
		memcpy(&val, self->buf, sizeof(val));
		EXPECT_EQ(i, val);
		val *= 3;
		ASSERT_EQ(0, lpc_reply(self->cport, self->info.id, &val,
				       sizeof(val)));
	}
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	/* The last reference died with the child: a close notice follows. */
	ASSERT_EQ(0, lpc_recv(self->cport, &self->info, self->buf,
			      sizeof(self->buf), LPC_WAIT_NS));
	EXPECT_TRUE(self->info.type == LPC_MSG_CLIENT_DIED ||
		    self->info.type == LPC_MSG_PORT_CLOSED) {
		TH_LOG("got type %u", self->info.type);
	}
	EXPECT_EQ(CTX_A, self->info.context);
}

TEST_HARNESS_MAIN
