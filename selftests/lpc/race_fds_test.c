// SPDX-License-Identifier: GPL-2.0
/*
 * Fd passing (LPC_ATTR_FDS) and reference cycles through io_uring.
 *
 * Passing lpc ports and unix sockets is refused because a port queued on
 * itself, or a socket holding the port that holds it, would be a cycle
 * that nothing collects (attr.c). An io_uring instance closes the same
 * cycle: its fixed-file table holds the files registered in it. A ring
 * that has the ports of a connection registered, sent in a datagram
 * queued on that connection, keeps the ports' files open, which keeps
 * the queue, which keeps the ring: when the process exits, none is
 * released and the port's name stays taken for good (and lpc.ko cannot
 * be unloaded). All three ports must be in the ring: the release of any
 * one of them ends the connection, which drains the datagram.
 *
 * Expected: only file types that cannot hold other files pass (an
 * allow-list), so sending an io_uring fd fails with -EINVAL, and the
 * name is free once the process that held everything exits.
 *
 * io_uring is driven with raw syscalls (no liburing in the VM).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <linux/io_uring.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"
#include "lpc_race.h"

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup	425
#define __NR_io_uring_register	427
#endif

/* A small io_uring instance: its fd or -errno. */
static int uring_setup(void)
{
	struct io_uring_params p;
	int fd;

	memset(&p, 0, sizeof(p));
	fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	return fd < 0 ? -errno : fd;
}

/* Register @n files as the ring's fixed files: 0 or -errno. */
static int uring_register_files(int ring, int *fds, unsigned int n)
{
	return syscall(__NR_io_uring_register, ring, IORING_REGISTER_FILES,
		       fds, n) < 0 ? -errno : 0;
}

/* A connection port that takes fds: fd or -errno. */
static int create_fds_port(int dev, const char *name)
{
	struct lpc_port_attr a;

	lpc_port_attr_init(&a, name);
	a.flags = LPC_PORT_ALLOW_FDS;
	return sys_lpc_create_port(dev, &a);
}

/* A datagram passing @fd: 0 or -errno. */
static int send_fd(int port, int fd)
{
	struct lpc_msg_attr a;

	lpc_attr_init(&a);
	a.flags = LPC_ATTR_FDS;
	a.nr_fds = 1;
	a.fds[0] = fd;
	return lpc_send_attr(port, LPC_MSG_DATAGRAM, NULL, "u", 1, 0, &a);
}

FIXTURE(fds) {
	int dev;
	int cport;
	int client;
	int server;
	int ring;
	char name[LPC_NAME_MAX + 1];
	struct lpc_steps *st;
	pid_t child;
};

FIXTURE_SETUP(fds)
{
	self->dev = self->cport = self->client = self->server = -1;
	self->ring = -1;
	self->child = -1;
	self->st = NULL;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_FDS);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	self->st = lpc_steps_new();
	ASSERT_NE(NULL, self->st);
}

FIXTURE_TEARDOWN(fds)
{
	if (self->child > 0)
		lpc_wait_child(self->child, LPC_WAIT_MS);
	if (self->st)
		munmap(self->st, sizeof(*self->st));
	lpc_close(&self->ring);
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* Skip when the kernel has no io_uring (or it is disabled). */
#define RING_OR_SKIP(ring) do {						\
		(ring) = uring_setup();					\
		if ((ring) == -ENOSYS || (ring) == -EPERM)		\
			LPC_SKIP("io_uring: %s", strerror(-(ring)));	\
		ASSERT_LE(0, (ring));					\
	} while (0)

/* Bug: an io_uring fd passes today. */
TEST_F(fds, io_uring_fd_einval)
{
	struct lpc_msg_attr ra;
	char buf[16];
	int ret;

	RING_OR_SKIP(self->ring);
	self->cport = create_fds_port(self->dev, self->name);
	ASSERT_LE(0, self->cport);
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 1,
				      0, &self->client, &self->server));

	ret = send_fd(self->client, self->ring);
	EXPECT_EQ(-EINVAL, ret) {
		TH_LOG("sending an io_uring fd: %s",
		       ret ? strerror(-ret) : "accepted");
	}
	if (!ret) {
		ASSERT_EQ(0, lpc_recv_attr(self->cport, NULL, buf,
					   sizeof(buf), &ra, 0));
		if (ra.nr_fds == 1)
			close(ra.fds[0]);
	}
}

/*
 * Bug: the cycle. A child creates a port that takes fds, connects to it,
 * registers the three ports (connection, client, server) in an io_uring
 * instance and sends the ring's fd in a datagram queued on the
 * connection port, then exits. The name must
 * be free again shortly after (the ring is torn down asynchronously:
 * polled for up to 10 s). Today it stays taken: -EEXIST forever.
 */
TEST_F(fds, io_uring_cycle_freed_at_exit)
{
	int ret, fd;

	fflush(NULL);
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (!self->child) {
		struct lpc_steps *st = self->st;
		int cport, client, server, ring, fds[3];

		lpc_child_init();
		cport = create_fds_port(self->dev, self->name);
		if (lpc_step(st, 0, cport) < 0)
			_exit(1);
		if (lpc_step(st, 1, lpc_connect_pair(self->dev, cport,
						     self->name, 1, 0,
						     &client, &server)))
			_exit(1);
		ring = uring_setup();
		if (lpc_step(st, 2, ring) < 0)
			_exit(2);
		/*
		 * Every port whose release would end the connection, and
		 * so drain the datagram: the ring keeps them all open.
		 */
		fds[0] = cport;
		fds[1] = client;
		fds[2] = server;
		if (lpc_step(st, 3, uring_register_files(ring, fds, 3)))
			_exit(1);
		lpc_step(st, 4, send_fd(client, ring));
		/* Exit with everything open: the exit closes it all. */
		_exit(0);
	}
	ret = lpc_wait_child(self->child, LPC_WAIT_MS);
	self->child = -1;
	if (ret == 2 && (self->st->ret[2] == -ENOSYS ||
			 self->st->ret[2] == -EPERM))
		LPC_SKIP("io_uring: %s", strerror(-self->st->ret[2]));
	ASSERT_EQ(0, ret) {
		TH_LOG("child: steps %d %d %d %d", self->st->ret[0],
		       self->st->ret[1], self->st->ret[2], self->st->ret[3]);
	}
	TH_LOG("sending the ring's fd: %s", self->st->ret[4] ?
	       strerror(-self->st->ret[4]) : "accepted");

	LPC_WAIT_UNTIL((fd = lpc_create(self->dev, self->name)) != -EEXIST,
		       10 * 1000);
	EXPECT_LE(0, fd) {
		TH_LOG("the name is still taken after the child exited: "
		       "%s", strerror(-fd));
	}
	if (fd >= 0)
		close(fd);
}

TEST_HARNESS_MAIN
