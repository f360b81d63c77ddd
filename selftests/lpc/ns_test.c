// SPDX-License-Identifier: GPL-2.0
/*
 * Port names live per IPC namespace: a process in a new IPC namespace sees
 * none of the host's ports, and the host sees none of its ports.
 *
 * unshare(CLONE_NEWIPC) needs CAP_SYS_ADMIN; without it the tests skip.
 * The child opens /dev/lpc after unsharing, so every call it makes is made
 * from inside the new namespace.
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

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"

/* Child exit codes. */
enum {
	NS_OK = 0,
	NS_NOPERM = 4,		/* unshare() refused: skip */
	NS_UNSHARE = 10,
	NS_OPEN,
	NS_CONNECT_NOT_ENOENT,
	NS_CREATE,
	NS_CONNECT_OWN,
	NS_SIGNAL,
	NS_PID_VISIBLE,		/* an invisible sender was stamped with a pid */
};

FIXTURE(ns) {
	int dev;
	int port;		/* the host's port, named self->name */
	char name[LPC_NAME_MAX + 1];
	char child_name[LPC_NAME_MAX + 1];
	int ready[2];		/* child -> parent */
	int go[2];		/* parent -> child */
};

FIXTURE_SETUP(ns)
{
	self->dev = self->port = -1;
	self->ready[0] = self->ready[1] = self->go[0] = self->go[1] = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	lpc_name(self->child_name, sizeof(self->child_name), "child-only");
	self->port = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->port);
	ASSERT_EQ(0, pipe2(self->ready, O_CLOEXEC));
	ASSERT_EQ(0, pipe2(self->go, O_CLOEXEC));
}

FIXTURE_TEARDOWN(ns)
{
	int i;

	for (i = 0; i < 2; i++) {
		lpc_close(&self->ready[i]);
		lpc_close(&self->go[i]);
	}
	lpc_close(&self->port);
	lpc_close(&self->dev);
}

/* In the child: a new IPC namespace and a /dev/lpc fd opened inside it. */
static int enter_new_ns(void)
{
	int dev;

	if (unshare(CLONE_NEWIPC))
		return errno == EPERM ? -NS_NOPERM : -NS_UNSHARE;
	dev = lpc_open_dev();
	return dev < 0 ? -NS_OPEN : dev;
}

enum ns_role { TRY_CONNECT, CREATE_SAME, CREATE_AND_WAIT };

static int ns_child(FIXTURE_DATA(ns) *self, enum ns_role role)
{
	struct lpc_connect c;
	int dev, port, client, server;
	char b = 'r';

	close(self->port);
	close(self->dev);
	dev = enter_new_ns();
	if (dev < 0)
		return -dev;

	switch (role) {
	case TRY_CONNECT:
		lpc_connect_init(&c, self->name, LPC_SHORT_NS);
		if (sys_lpc_connect(dev, &c) != -ENOENT)
			return NS_CONNECT_NOT_ENOENT;
		return NS_OK;
	case CREATE_SAME:
		port = lpc_create(dev, self->name);
		if (port < 0)
			return NS_CREATE;
		/* And it is this namespace's port that answers. */
		if (lpc_connect_pair(dev, port, self->name, 1, 0, &client,
				     &server))
			return NS_CONNECT_OWN;
		return NS_OK;
	case CREATE_AND_WAIT:
		port = lpc_create(dev, self->child_name);
		if (port < 0)
			return NS_CREATE;
		if (write(self->ready[1], &b, 1) != 1)
			return NS_SIGNAL;
		/* Keep the port open until the parent has looked. */
		if (lpc_poll(self->go[0], POLLIN, LPC_WAIT_MS) <= 0)
			return NS_SIGNAL;
		return NS_OK;
	}
	return NS_UNSHARE;
}

static pid_t spawn(FIXTURE_DATA(ns) *self, enum ns_role role)
{
	pid_t pid = fork();

	if (pid == 0) {
		lpc_child_init();
		_exit(ns_child(self, role));
	}
	return pid;
}

#define WAIT_CHILD_OR_SKIP(pid) do {					\
		int __st = lpc_wait_child((pid), LPC_WAIT_MS);		\
		if (__st == NS_NOPERM)					\
			SKIP(return, "unshare(CLONE_NEWIPC): no permission"); \
		EXPECT_EQ(NS_OK, __st) {				\
			TH_LOG("child failed with code %d", __st);	\
		}							\
	} while (0)

TEST_F(ns, new_ns_cannot_connect_to_host_port_enoent)
{
	pid_t pid = spawn(self, TRY_CONNECT);

	ASSERT_LE(0, pid);
	WAIT_CHILD_OR_SKIP(pid);
}

TEST_F(ns, new_ns_can_create_host_name)
{
	pid_t pid = spawn(self, CREATE_SAME);

	ASSERT_LE(0, pid);
	WAIT_CHILD_OR_SKIP(pid);
	/* The host's port is untouched by it. */
	EXPECT_EQ(-EEXIST, lpc_create(self->dev, self->name));
}

TEST_F(ns, host_cannot_see_new_ns_port)
{
	struct lpc_connect c;
	pid_t pid = spawn(self, CREATE_AND_WAIT);
	char b = 'g';
	int port, ev;

	ASSERT_LE(0, pid);
	close(self->ready[1]);
	self->ready[1] = -1;
	ev = lpc_poll(self->ready[0], POLLIN, LPC_WAIT_MS);
	if (ev > 0 && read(self->ready[0], &b, 1) == 1) {
		/* The child's port is open in its namespace right now. */
		lpc_connect_init(&c, self->child_name, LPC_SHORT_NS);
		EXPECT_EQ(-ENOENT, sys_lpc_connect(self->dev, &c));
		port = lpc_create(self->dev, self->child_name);
		EXPECT_LE(0, port);
		if (port >= 0)
			close(port);
	}
	EXPECT_EQ(1, write(self->go[1], &b, 1));
	WAIT_CHILD_OR_SKIP(pid);
}

/* ---- pid namespaces: ids as seen from the server's namespace ---- */

/*
 * Intermediate child: unshare the pid namespace and fork @fn as the new
 * namespace's init, report its pid (as the parent sees it) on
 * self->ready, and exit with its status.
 */
static int in_new_pidns(FIXTURE_DATA(ns) *self,
			int (*fn)(FIXTURE_DATA(ns) *self))
{
	pid_t pid;
	int st;

	if (unshare(CLONE_NEWPID))
		return errno == EPERM ? NS_NOPERM : NS_UNSHARE;
	pid = fork();
	if (pid < 0)
		return NS_UNSHARE;
	if (pid == 0) {
		lpc_child_init();
		_exit(fn(self));
	}
	if (write(self->ready[1], &pid, sizeof(pid)) != sizeof(pid))
		return NS_SIGNAL;
	st = lpc_wait_child(pid, LPC_WAIT_MS);
	return st < 0 ? NS_SIGNAL : st;
}

static pid_t spawn_pidns(FIXTURE_DATA(ns) *self,
			 int (*fn)(FIXTURE_DATA(ns) *self))
{
	pid_t pid = fork();

	if (pid == 0) {
		lpc_child_init();
		_exit(in_new_pidns(self, fn));
	}
	return pid;
}

/* Read the pid in_new_pidns() reports, or -1. */
static pid_t read_pid(int fd)
{
	pid_t pid;

	if (lpc_poll(fd, POLLIN, LPC_WAIT_MS) <= 0 ||
	    read(fd, &pid, sizeof(pid)) != sizeof(pid))
		return -1;
	return pid;
}

/* In the new pid namespace: connect to the host's port, send, wait. */
static int pidns_client(FIXTURE_DATA(ns) *self)
{
	struct lpc_connect c;
	int port;

	lpc_connect_init(&c, self->name, LPC_WAIT_NS);
	port = sys_lpc_connect(self->dev, &c);
	if (port < 0)
		return NS_CONNECT_OWN;
	if (lpc_datagram(port, "p", 1))
		return NS_CONNECT_OWN;
	if (lpc_poll(self->go[0], POLLIN, LPC_WAIT_MS) <= 0)
		return NS_SIGNAL;
	return NS_OK;
}

TEST_F(ns, client_in_child_pidns_stamped_with_server_view_pid)
{
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info info;
	pid_t pid, client;
	int sfd, ret;

	pid = spawn_pidns(self, pidns_client);
	ASSERT_LE(0, pid);
	client = read_pid(self->ready[0]);
	if (client < 0)
		WAIT_CHILD_OR_SKIP(pid);
	ASSERT_LT(0, client);

	ret = lpc_recv(self->port, &info, buf, sizeof(buf), LPC_WAIT_NS);
	ASSERT_EQ(0, ret) {
		kill(pid, SIGKILL);
		lpc_wait_child(pid, LPC_WAIT_MS);
	}
	ASSERT_EQ((__u32)LPC_MSG_CONNECTION_REQUEST, info.type);
	/* The client is pid 1 in its namespace, @client in ours. */
	EXPECT_EQ(client, info.pid);
	EXPECT_EQ(client, info.tid);
	sfd = lpc_accept_id(self->port, info.id, 7, NULL, 0, 0);
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, lpc_recv(self->port, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, info.type);
	EXPECT_EQ(client, info.pid);
	EXPECT_EQ(1, write(self->go[1], "g", 1));
	WAIT_CHILD_OR_SKIP(pid);
	close(sfd);
}

/* In the new pid namespace: serve one connect, check the ids it carries. */
static int pidns_server(FIXTURE_DATA(ns) *self)
{
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info info;
	int port, sfd;

	port = lpc_create(self->dev, self->child_name);
	if (port < 0)
		return NS_CREATE;
	if (lpc_recv(port, &info, buf, sizeof(buf), LPC_WAIT_NS) ||
	    info.type != LPC_MSG_CONNECTION_REQUEST)
		return NS_CONNECT_OWN;
	sfd = lpc_accept_id(port, info.id, 7, NULL, 0, 0);
	if (sfd < 0)
		return NS_CONNECT_OWN;
	/* The host client is not visible in this namespace. */
	if (info.pid != 0 || info.tid != 0)
		return NS_PID_VISIBLE;
	return NS_OK;
}

TEST_F(ns, client_invisible_in_server_pidns_stamped_zero)
{
	struct lpc_connect c;
	int ret = -ENOENT;
	pid_t pid;

	pid = spawn_pidns(self, pidns_server);
	ASSERT_LE(0, pid);
	if (read_pid(self->ready[0]) < 0)
		WAIT_CHILD_OR_SKIP(pid);
	/* The server creates its port after it started: retry a while. */
	lpc_connect_init(&c, self->child_name, LPC_WAIT_NS);
	LPC_WAIT_UNTIL((ret = sys_lpc_connect(self->dev, &c)) != -ENOENT,
		       LPC_WAIT_MS);
	EXPECT_LE(0, ret) {
		TH_LOG("connect: %s", strerror(-ret));
	}
	if (ret >= 0)
		close(ret);
	WAIT_CHILD_OR_SKIP(pid);
}

TEST_HARNESS_MAIN
