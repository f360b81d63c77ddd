// SPDX-License-Identifier: GPL-2.0
/*
 * Who a close notice (LPC_MSG_PORT_CLOSED) names.
 *
 * The notice is stamped (lpc_conn_notify() -> lpc_msg_stamp()) with
 * whatever task runs the port's release: whoever drops the last file
 * reference, not the side that closed. A port fd passed with SCM_RIGHTS
 * to another process that closes it last, or a monitor reading
 * /proc/<pid>/fdinfo of the port at the moment the owner closes it
 * (seq_show() holds a file reference), lends the notice that process's
 * pid, tid, uid and gid. Expected: the notice names the side of the
 * connection that closed (the client that connected, or the server that
 * accepted), whoever happens to drop the last reference.
 *
 * Deterministic form: this process connects (and accepts), passes its
 * port to a child over a unix socket, closes its own fd, and the child
 * closes the last one.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c = 'f';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -errno;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))], c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		return -errno;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* A byte on @sock, waiting at most LPC_WAIT_MS: 0 or -errno. */
static int wait_byte(int sock)
{
	char c;
	int ev = lpc_poll(sock, POLLIN, LPC_WAIT_MS);

	if (ev <= 0)
		return ev ? ev : -ETIMEDOUT;
	return read(sock, &c, 1) == 1 ? 0 : -EPROTO;
}

FIXTURE(notice) {
	int dev;
	int cport;
	int client;
	int server;
	int sv[2];
	pid_t child;
	char name[LPC_NAME_MAX + 1];
};

FIXTURE_SETUP(notice)
{
	self->dev = self->cport = self->client = self->server = -1;
	self->sv[0] = self->sv[1] = -1;
	self->child = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	LPC_OPEN_PAIR(.context = 1);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				self->sv));
}

FIXTURE_TEARDOWN(notice)
{
	if (self->child > 0)
		lpc_wait_child(self->child, LPC_WAIT_MS);
	lpc_close(&self->sv[0]);
	lpc_close(&self->sv[1]);
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/*
 * Give *@fd to a child, close ours, let the child close the last one:
 * the child's pid, or -errno.
 */
static pid_t close_last_in_child(int sv[2], int *fd)
{
	pid_t pid;
	int ret;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int got;

		lpc_child_init();
		/* Only the port received below: not the fds fork copied. */
		for (got = 3; got < 1024; got++)
			if (got != sv[1])
				close(got);
		got = recv_fd(sv[1]);
		if (got < 0)
			_exit(1);
		if (write(sv[1], "r", 1) != 1 || wait_byte(sv[1]))
			_exit(2);
		close(got);
		_exit(write(sv[1], "d", 1) == 1 ? 0 : 3);
	}
	ret = send_fd(sv[0], *fd);
	if (!ret)
		ret = wait_byte(sv[0]);
	if (ret)
		return ret;
	lpc_close(fd);
	if (write(sv[0], "c", 1) != 1)
		return -errno;
	ret = wait_byte(sv[0]);
	return ret ? ret : pid;
}

/* The client closes (its port's last reference dropped by a child). */
TEST_F(notice, client_close_notice_names_client)
{
	struct lpc_msg_info info;
	char buf[64];
	pid_t pid;

	pid = close_last_in_child(self->sv, &self->client);
	ASSERT_LT(0, pid) {
		TH_LOG("passing the port: %s", strerror(-pid));
	}
	self->child = pid;
	ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_PORT_CLOSED, info.type);
	EXPECT_EQ(getpid(), info.pid) {
		TH_LOG("the notice names pid %d; the client is %d, the "
		       "process that dropped the last reference %d",
		       info.pid, getpid(), pid);
	}
}

/* The server closes (its port's last reference dropped by a child). */
TEST_F(notice, server_close_notice_names_server)
{
	struct lpc_msg_info info;
	char buf[64];
	pid_t pid;

	pid = close_last_in_child(self->sv, &self->server);
	ASSERT_LT(0, pid) {
		TH_LOG("passing the port: %s", strerror(-pid));
	}
	self->child = pid;
	ASSERT_EQ(0, lpc_recv(self->client, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_PORT_CLOSED, info.type);
	EXPECT_EQ(getpid(), info.pid) {
		TH_LOG("the notice names pid %d; the server is %d, the "
		       "process that dropped the last reference %d",
		       info.pid, getpid(), pid);
	}
}

TEST_HARNESS_MAIN
