// SPDX-License-Identifier: GPL-2.0
/*
 * Per-connection quota on queued bytes (module parameter
 * max_conn_queued_bytes): one client cannot fill the connection port's
 * queue memory for the others.
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

#define P_QUOTA	"/sys/module/lpc/parameters/max_conn_queued_bytes"

static int quota_rw(unsigned long *old, unsigned long val)
{
	char buf[32];
	ssize_t n;
	int fd;

	fd = open(P_QUOTA, O_RDWR);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		*old = strtoul(buf, NULL, 10);
	}
	n = snprintf(buf, sizeof(buf), "%lu", val);
	if (pwrite(fd, buf, n, 0) != n)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

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

FIXTURE(quota) {
	int dev, cport;
	int client_a, server_a, client_b, server_b;
	unsigned long saved;
	bool restore;
	char name[64];
	char buf[4096];
};

FIXTURE_SETUP(quota)
{
	self->restore = false;
	self->cport = self->client_a = self->client_b = -1;
	self->server_a = self->server_b = -1;
	self->dev = open("/dev/lpc", O_RDWR | O_CLOEXEC);
	if (self->dev < 0)
		SKIP(return, "no /dev/lpc");
	if (quota_rw(&self->saved, 1000))
		SKIP(return, "module has no max_conn_queued_bytes");
	self->restore = true;
	snprintf(self->name, sizeof(self->name), "quota-%d", getpid());
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 1,
				      0, &self->client_a, &self->server_a));
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 2,
				      0, &self->client_b, &self->server_b));
}

FIXTURE_TEARDOWN(quota)
{
	unsigned long ignored;

	if (self->restore)
		quota_rw(&ignored, self->saved);
	close(self->client_a);
	close(self->client_b);
	close(self->server_a);
	close(self->server_b);
	close(self->cport);
	close(self->dev);
}

/* 3 x 300 bytes fit in 1000; the 4th would not: -EAGAIN. */
TEST_F(quota, connection_over_its_bytes_eagain)
{
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, datagram_nb(self->client_a, self->buf, 300));
	EXPECT_EQ(-EAGAIN, datagram_nb(self->client_a, self->buf, 300));
}

/* Another client's share is its own. */
TEST_F(quota, other_connection_unaffected)
{
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, datagram_nb(self->client_a, self->buf, 300));
	ASSERT_EQ(-EAGAIN, datagram_nb(self->client_a, self->buf, 300));
	EXPECT_EQ(0, datagram_nb(self->client_b, self->buf, 300));
}

/* Receiving one message gives the sender its room back. */
TEST_F(quota, receive_frees_room)
{
	struct lpc_msg_info info;
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, datagram_nb(self->client_a, self->buf, 300));
	ASSERT_EQ(-EAGAIN, datagram_nb(self->client_a, self->buf, 300));
	ASSERT_EQ(0, lpc_recv_nb(self->cport, &info, self->buf,
				 sizeof(self->buf)));
	EXPECT_EQ(0, datagram_nb(self->client_a, self->buf, 300));
}

/* A connection holding nothing may queue one message, even a big one. */
TEST_F(quota, one_message_always_fits)
{
	EXPECT_EQ(0, datagram_nb(self->client_a, self->buf, 2000));
	EXPECT_EQ(-EAGAIN, datagram_nb(self->client_a, self->buf, 1));
}

TEST_HARNESS_MAIN
