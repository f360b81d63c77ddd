// SPDX-License-Identifier: GPL-2.0
/*
 * LPC_IOC_SENDER_CHECK: who sent a request the caller holds, and is that
 * process still alive, so that a pidfd opened on the pid it reports names
 * the sender for sure.
 *
 * The fixture is a connection port (self->cport). Tests whose sender must
 * be another process fork a child client; the test body is the server.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"

#ifndef __NR_pidfd_open
#define __NR_pidfd_open		434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal	424
#endif

#define CTX_A		0x5e4d000000000001ULL
#define CTX_B		0x5e4d000000000002ULL
#define CTX_CHILD	0x5e4d00000000000cULL

FIXTURE(snd) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info info;
};

FIXTURE_SETUP(snd)
{
	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_SENDER);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
}

FIXTURE_TEARDOWN(snd)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* ---- helpers (no ASSERT_*: also used by forked children) ---- */

/* LPC_IOC_SENDER_CHECK for @id: 0 or -errno; the pid goes to *@pid. */
static int sender_check(int port, __u64 id, __u32 flags, pid_t *pid)
{
	struct lpc_sender s;
	int ret;

	memset(&s, 0, sizeof(s));
	s.id = id;
	s.flags = flags;
	s.pid = -12345;
	ret = lpc_ioctl(port, LPC_IOC_SENDER_CHECK, &s);
	if (pid)
		*pid = s.pid;
	return ret;
}

static int sys_pidfd_open(pid_t pid)
{
	int ret = (int)syscall(__NR_pidfd_open, pid, 0);

	return ret < 0 ? -errno : ret;
}

static int sys_pidfd_send_signal(int pidfd, int sig)
{
	int ret = (int)syscall(__NR_pidfd_send_signal, pidfd, sig, NULL, 0);

	return ret < 0 ? -errno : ret;
}

/* The pid a pidfd refers to, from its fdinfo: the pid, or -errno. */
static pid_t pidfd_pid(int pidfd)
{
	char val[32];
	int ret;

	ret = lpc_fdinfo(pidfd, "Pid", val, sizeof(val));
	if (ret)
		return ret;
	return (pid_t)strtol(val, NULL, 10);
}

/* Send @fd over the unix socket @sock. */
static int send_fd(int sock, int fd)
{
	char c = 'F';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;

	memset(&u, 0, sizeof(u));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

/* Receive an fd from @sock, waiting at most LPC_WAIT_MS: fd or -errno. */
static int recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	int fd, ev;

	ev = lpc_poll(sock, POLLIN, LPC_WAIT_MS);
	if (ev <= 0)
		return ev ? ev : -ETIMEDOUT;
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -EPROTO;
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Wait (bounded) for one byte on @fd: 0 or -errno. */
static int wait_byte(int fd)
{
	char c;
	int ev = lpc_poll(fd, POLLIN, LPC_WAIT_MS);

	if (ev <= 0)
		return ev ? ev : -ETIMEDOUT;
	return read(fd, &c, 1) == 1 ? 0 : -EPROTO;
}

static int connect_name(const char *name)
{
	struct lpc_connect c;
	int dev, port;

	dev = lpc_open_dev();
	if (dev < 0)
		return dev;
	lpc_connect_init(&c, name, LPC_WAIT_NS);
	port = sys_lpc_connect(dev, &c);
	close(dev);
	return port;
}

/* A synchronous request that waits for the reply. */
static int sync_request(int port)
{
	struct lpc_xfer x;
	char rbuf[64];

	lpc_request_init(&x, "who", 3, rbuf, sizeof(rbuf), LPC_WAIT_NS);
	return sys_lpc_xfer(port, &x);
}

/* ---- children ---- */

/* Child: connect and make one synchronous request. */
static int child_sync_client(const char *name)
{
	int port = connect_name(name);

	if (port < 0)
		return 10;
	if (sync_request(port))
		return 11;
	return 0;
}

/*
 * Child: connect, send an asynchronous request, then wait for a byte on
 * @sync before exiting (its port closes with it).
 */
static int child_async_then_exit(const char *name, int sync)
{
	__u64 id;
	int port = connect_name(name);

	if (port < 0)
		return 10;
	if (lpc_request_async(port, "bye", 3, 64, &id))
		return 11;
	if (wait_byte(sync))
		return 12;
	return 0;
}

/*
 * Child: connect, hand the client port to the parent over @sock, wait for
 * a byte on @sock, exit.
 */
static int child_connect_and_hand_over(const char *name, int sock)
{
	int port = connect_name(name);

	if (port < 0)
		return 10;
	if (send_fd(sock, port))
		return 11;
	close(port);
	if (wait_byte(sock))
		return 12;
	return 0;
}

/* Child: receive a client port over @sock and make a request on it. */
static int child_forwarded_request(int sock)
{
	int port = recv_fd(sock);

	if (port < 0)
		return 10;
	if (sync_request(port))
		return 11;
	return 0;
}

/* Accept the child's connection into *sfd; on failure kill the child. */
#define ACCEPT_CHILD(pid, sfd) do {					\
		int __r = lpc_recv(self->cport, &self->info, self->buf,	\
				   sizeof(self->buf), LPC_WAIT_NS);	\
		if (__r == 0 &&						\
		    self->info.type != LPC_MSG_CONNECTION_REQUEST)	\
			__r = -EPROTO;					\
		if (__r == 0) {						\
			(sfd) = lpc_accept_id(self->cport, self->info.id, \
					      CTX_CHILD, NULL, 0, 0);	\
			if ((sfd) < 0)					\
				__r = (sfd);				\
		}							\
		if (__r) {						\
			kill((pid), SIGKILL);				\
			lpc_wait_child((pid), LPC_WAIT_MS);		\
		}							\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("accept the child: %s", strerror(-__r));	\
		}							\
	} while (0)

/* Receive the next message, which must be of type @t. */
#define SERVER_RECV_TYPE(pid, t) do {					\
		int __r = lpc_recv(self->cport, &self->info, self->buf,	\
				   sizeof(self->buf), LPC_WAIT_NS);	\
		if (__r == 0 && self->info.type != (__u32)(t))		\
			__r = -EPROTO;					\
		if (__r && (pid) > 0) {					\
			kill((pid), SIGKILL);				\
			lpc_wait_child((pid), LPC_WAIT_MS);		\
		}							\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("receive type %u: %s (got type %u)",	\
			       (__u32)(t), strerror(-__r), self->info.type); \
		}							\
	} while (0)


/* ---- the sender of a request ---- */

TEST_F(snd, request_sender_alive_reports_pid)
{
	pid_t pid, got = 0;
	int sfd = -1;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		_exit(child_sync_client(self->name));
	}
	ACCEPT_CHILD(pid, sfd);
	SERVER_RECV_TYPE(pid, LPC_MSG_REQUEST);
	EXPECT_EQ(pid, self->info.pid);
	EXPECT_EQ(0, sender_check(self->cport, self->info.id, 0, &got));
	EXPECT_EQ(pid, got);
	/* The server communication port of that connection knows it too. */
	got = 0;
	EXPECT_EQ(0, sender_check(sfd, self->info.id, 0, &got));
	EXPECT_EQ(pid, got);
	EXPECT_EQ(0, lpc_reply(self->cport, self->info.id, NULL, 0));
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(sfd);
}

/*
 * The lpc_sender_pidfd() pattern: pidfd_open() on the reported pid, then
 * check again; success means the pidfd is the sender.
 */
TEST_F(snd, pidfd_opened_before_check_names_sender)
{
	pid_t pid, got = 0;
	int sfd = -1, pidfd;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		_exit(child_sync_client(self->name));
	}
	ACCEPT_CHILD(pid, sfd);
	SERVER_RECV_TYPE(pid, LPC_MSG_REQUEST);
	ASSERT_EQ(0, sender_check(self->cport, self->info.id, 0, &got));
	pidfd = sys_pidfd_open(got);
	ASSERT_LE(0, pidfd) {
		TH_LOG("pidfd_open(%d): %s", got, strerror(-pidfd));
		kill(pid, SIGKILL);
		lpc_wait_child(pid, LPC_WAIT_MS);
	}
	EXPECT_EQ(0, sender_check(self->cport, self->info.id, 0, &got));
	EXPECT_EQ(pid, pidfd_pid(pidfd));
	EXPECT_EQ(0, sys_pidfd_send_signal(pidfd, 0));
	/* Killing through the pidfd kills the sender. */
	EXPECT_EQ(0, sys_pidfd_send_signal(pidfd, SIGKILL));
	EXPECT_EQ(128 + SIGKILL, lpc_wait_child(pid, LPC_WAIT_MS));
	close(pidfd);
	close(sfd);
}

/*
 * A process that shares the client port sends and exits; the connection
 * lives on in the parent. The request stays, its sender is gone.
 */
TEST_F(snd, sender_exited_esrch)
{
	pid_t pid, got = 0;
	__u64 id;

	LPC_OPEN_PAIR(.context = CTX_A);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(lpc_request_async(self->client, "bye", 3, 64, &id) ?
		      10 : 0);
	ASSERT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	SERVER_RECV_TYPE(0, LPC_MSG_REQUEST);
	EXPECT_EQ(pid, self->info.pid);
	EXPECT_EQ(-ESRCH, sender_check(self->cport, self->info.id, 0, &got));
	/* Still a request to answer: the parent shares the port. */
	EXPECT_EQ(0, lpc_reply(self->cport, self->info.id, NULL, 0));
}

/*
 * The client process itself exits after the server received its request:
 * the sender has exited, whatever became of the request.
 */
TEST_F(snd, client_process_exited_esrch)
{
	int sv[2], sfd = -1;
	pid_t pid, got = 0;
	__u64 id;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		close(sv[0]);
		_exit(child_async_then_exit(self->name, sv[1]));
	}
	close(sv[1]);
	ACCEPT_CHILD(pid, sfd);
	SERVER_RECV_TYPE(pid, LPC_MSG_REQUEST);
	id = self->info.id;
	ASSERT_EQ(0, sender_check(self->cport, id, 0, &got));
	EXPECT_EQ(pid, got);
	ASSERT_EQ(1, write(sv[0], "x", 1));
	ASSERT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	EXPECT_EQ(-ESRCH, sender_check(self->cport, id, 0, &got));
	close(sv[0]);
	close(sfd);
}

/* A port passed with SCM_RIGHTS: the process that used it sent. */
TEST_F(snd, forwarded_port_reports_forwarder)
{
	int sv[2];
	pid_t pid, got = 0;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		close(sv[0]);
		_exit(child_forwarded_request(sv[1]));
	}
	close(sv[1]);
	/* This process connects; the child never did. */
	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, send_fd(sv[0], self->client));
	lpc_close(&self->client);
	SERVER_RECV_TYPE(pid, LPC_MSG_REQUEST);
	EXPECT_EQ(pid, self->info.pid);
	EXPECT_EQ(0, sender_check(self->cport, self->info.id, 0, &got));
	EXPECT_EQ(pid, got);
	/* The connection's client is still the process that connected. */
	EXPECT_EQ(0, sender_check(self->server, 0, 0, &got));
	EXPECT_EQ(getpid(), got);
	EXPECT_EQ(0, lpc_reply(self->cport, self->info.id, NULL, 0));
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(sv[0]);
}

/*
 * Who sent is decided per request: after a request from the process the
 * port was passed to, one from the connecting process names that one.
 */
TEST_F(snd, sender_decided_per_request)
{
	struct lpc_sync_req r;
	pid_t pid, got = 0;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		close(sv[0]);
		_exit(child_forwarded_request(sv[1]));
	}
	close(sv[1]);
	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, send_fd(sv[0], self->client));
	SERVER_RECV_TYPE(pid, LPC_MSG_REQUEST);
	EXPECT_EQ(0, sender_check(self->cport, self->info.id, 0, &got));
	EXPECT_EQ(pid, got);
	EXPECT_EQ(0, lpc_reply(self->cport, self->info.id, NULL, 0));
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));

	/* The same port, now from this process. */
	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "me", 2,
					LPC_WAIT_NS));
	SERVER_RECV_TYPE(0, LPC_MSG_REQUEST);
	EXPECT_EQ(getpid(), self->info.pid);
	EXPECT_EQ(0, sender_check(self->cport, self->info.id, 0, &got));
	EXPECT_EQ(getpid(), got);
	EXPECT_EQ(0, lpc_reply(self->cport, self->info.id, NULL, 0));
	EXPECT_EQ(0, lpc_call_join(&r.call));
	close(sv[0]);
}

/* The client checks the server's request the same way. */
TEST_F(snd, client_side_reports_server)
{
	pid_t got = 0;
	__u64 id = 0;

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, lpc_request_async(self->server, "srv", 3, 64, &id));
	ASSERT_EQ(0, lpc_recv(self->client, &self->info, self->buf,
			      sizeof(self->buf), LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	EXPECT_EQ(0, sender_check(self->client, self->info.id, 0, &got));
	EXPECT_EQ(getpid(), got);
	EXPECT_EQ(0, lpc_reply(self->client, self->info.id, NULL, 0));
}

/*
 * A client in a pid namespace of its own is pid 1 there; the checker sees
 * the pid of its own namespace.
 */
TEST_F(snd, pid_in_checkers_pid_ns)
{
	pid_t mid, gpid = 0, got = 0;
	int sv[2], sfd = -1, ev;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	mid = fork();
	ASSERT_LE(0, mid);
	if (mid == 0) {
		pid_t g;

		lpc_child_init();
		close(sv[0]);
		if (unshare(CLONE_NEWPID))
			_exit(20);
		g = fork();
		if (g < 0)
			_exit(21);
		if (g == 0) {
			lpc_child_init();
			_exit(getpid() == 1 ? child_sync_client(self->name) :
					      22);
		}
		if (write(sv[1], &g, sizeof(g)) != sizeof(g))
			_exit(23);
		_exit(lpc_wait_child(g, LPC_WAIT_MS));
	}
	close(sv[1]);
	ev = lpc_poll(sv[0], POLLIN, LPC_WAIT_MS);
	if (ev <= 0 || read(sv[0], &gpid, sizeof(gpid)) != sizeof(gpid)) {
		int rc = lpc_wait_child(mid, LPC_WAIT_MS);

		if (rc == 20)
			SKIP(return, "no pid namespaces");
		ASSERT_EQ(0, rc);
	}
	ASSERT_LT(1, gpid);
	ACCEPT_CHILD(mid, sfd);
	SERVER_RECV_TYPE(mid, LPC_MSG_REQUEST);
	EXPECT_EQ(gpid, self->info.pid);
	EXPECT_EQ(0, sender_check(self->cport, self->info.id, 0, &got));
	EXPECT_EQ(gpid, got);
	got = 0;
	EXPECT_EQ(0, sender_check(sfd, 0, 0, &got));
	EXPECT_EQ(gpid, got);
	EXPECT_EQ(0, lpc_reply(self->cport, self->info.id, NULL, 0));
	EXPECT_EQ(0, lpc_wait_child(mid, LPC_WAIT_MS));
	close(sv[0]);
	close(sfd);
}

/* ---- id 0: the connection's client ---- */

TEST_F(snd, id0_server_port_reports_client)
{
	pid_t got = 0;

	LPC_OPEN_PAIR(.context = CTX_A);
	EXPECT_EQ(0, sender_check(self->server, 0, 0, &got));
	EXPECT_EQ(getpid(), got);
}

/* The process that connected hands its port over and exits. */
TEST_F(snd, id0_after_connector_exit_esrch)
{
	int sv[2], sfd = -1, port;
	pid_t pid, got = 0;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		close(sv[0]);
		_exit(child_connect_and_hand_over(self->name, sv[1]));
	}
	close(sv[1]);
	ACCEPT_CHILD(pid, sfd);
	port = recv_fd(sv[0]);
	ASSERT_LE(0, port) {
		kill(pid, SIGKILL);
		lpc_wait_child(pid, LPC_WAIT_MS);
	}
	EXPECT_EQ(0, sender_check(sfd, 0, 0, &got));
	EXPECT_EQ(pid, got);
	ASSERT_EQ(1, write(sv[0], "x", 1));
	ASSERT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	/* The connection lives on (we hold its port); its client is gone. */
	EXPECT_EQ(0, lpc_datagram(port, "d", 1));
	EXPECT_EQ(-ESRCH, sender_check(sfd, 0, 0, &got));
	close(port);
	close(sv[0]);
	close(sfd);
}

TEST_F(snd, id0_connection_port_einval)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	EXPECT_EQ(-EINVAL, sender_check(self->cport, 0, 0, NULL));
}

TEST_F(snd, id0_client_port_einval)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	EXPECT_EQ(-EINVAL, sender_check(self->client, 0, 0, NULL));
}

/* ---- requests the caller does not hold ---- */

TEST_F(snd, unknown_id_enoent)
{
	__u64 id = 0;

	LPC_OPEN_PAIR(.context = CTX_A);
	/* A real id, of a request nobody received yet. */
	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64, &id));
	EXPECT_EQ(-ENOENT, sender_check(self->cport, id, 0, NULL));
	EXPECT_EQ(-ENOENT, sender_check(self->cport, ~0ULL, 0, NULL));
}

TEST_F(snd, answered_request_enoent)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64,
				       &self->info.id));
	SERVER_RECV_TYPE(0, LPC_MSG_REQUEST);
	ASSERT_EQ(0, sender_check(self->cport, self->info.id, 0, NULL));
	ASSERT_EQ(0, lpc_reply(self->cport, self->info.id, NULL, 0));
	EXPECT_EQ(-ENOENT, sender_check(self->cport, self->info.id, 0, NULL));
}

TEST_F(snd, datagram_id_enoent)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, lpc_datagram(self->client, "d", 1));
	SERVER_RECV_TYPE(0, LPC_MSG_DATAGRAM);
	EXPECT_EQ(-ENOENT, sender_check(self->cport, self->info.id, 0, NULL));
}

/* A server communication port sees only its own connection's requests. */
TEST_F(snd, other_connections_request_enoent)
{
	int client_b, server_b;
	__u64 id;

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_B, 0, &client_b, &server_b));
	ASSERT_EQ(0, lpc_request_async(self->client, "a", 1, 64, &id));
	SERVER_RECV_TYPE(0, LPC_MSG_REQUEST);
	EXPECT_EQ(CTX_A, self->info.context);
	EXPECT_EQ(-ENOENT, sender_check(server_b, self->info.id, 0, NULL));
	EXPECT_EQ(0, sender_check(self->server, self->info.id, 0, NULL));
	EXPECT_EQ(0, lpc_reply(self->cport, self->info.id, NULL, 0));
	close(client_b);
	close(server_b);
}

TEST_F(snd, flags_nonzero_einval)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, lpc_request_async(self->client, "q", 1, 64,
				       &self->info.id));
	SERVER_RECV_TYPE(0, LPC_MSG_REQUEST);
	EXPECT_EQ(-EINVAL, sender_check(self->cport, self->info.id, 1, NULL));
	EXPECT_EQ(-EINVAL, sender_check(self->cport, self->info.id, 1U << 31,
					NULL));
	EXPECT_EQ(-EINVAL, sender_check(self->server, 0, 1, NULL));
	EXPECT_EQ(0, lpc_reply(self->cport, self->info.id, NULL, 0));
}

TEST_F(snd, bad_pointer_efault)
{
	LPC_OPEN_PAIR(.context = CTX_A);
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->server, LPC_IOC_SENDER_CHECK,
				     lpc_bad_ptr()));
}

TEST_HARNESS_MAIN
