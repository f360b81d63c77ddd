// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Each message helper fills struct lpc_xfer the way the header's overview
 * prescribes (request: SEND|RECV with LPC_MSG_REQUEST, server loop:
 * SEND|RECV with LPC_MSG_REPLY, ...), maps timeouts (< 0 forever, 0
 * LPC_XFER_NONBLOCK, > 0 LPC_XFER_TIMEOUT), returns the received length
 * and copies the message header out, also after -EMSGSIZE.
 */
#include <errno.h>
#include <string.h>
#include "liblpc.h"
#include "helpers.h"
#include "mock.h"

static const struct lpc_xfer *x = (const struct lpc_xfer *)mock.arg;

/* The fake kernel: one REQUEST of 5 bytes from pid 42, id 100. */
static void deliver(void *arg)
{
	struct lpc_xfer *k = arg;

	if (k->flags & LPC_XFER_SEND && k->send_type != LPC_MSG_REPLY)
		k->send_id = 99;
	k->info.type = LPC_MSG_REQUEST;
	k->info.id = 100;
	k->info.context = 3;
	k->info.pid = 42;
	k->info.data_len = 5;
	if (k->flags & LPC_XFER_RECV && k->recv_buf && k->recv_cap >= 5)
		memcpy((void *)(uintptr_t)k->recv_buf, "HELLO", 5);
}

static void test_datagram(void)
{
	__u64 id = 0;

	mock_reset();
	mock.fill = deliver;
	T_EQ(lpc_send_datagram(7, "dgram", 5, &id), 0);
	T_EQ(mock.fd, 7);
	T_EQ(mock.req, LPC_IOC_XFER);
	T_EQ(x->flags, LPC_XFER_SEND);
	T_EQ(x->send_type, LPC_MSG_DATAGRAM);
	T_EQ(x->send_len, 5);
	T_EQ(x->recv_buf, 0);
	T_EQ(x->recv_cap, 0);
	T_EQ(id, 99);

	mock_reset();
	T_EQ(lpc_send_datagram(7, NULL, 0, NULL), 0);
}

static void test_request(void)
{
	struct lpc_msg_info info = { 0 };
	char reply[16];

	mock_reset();
	mock.fill = deliver;
	T_EQ(lpc_request(7, "hello", 5, reply, sizeof(reply), &info), 5);
	T_EQ(x->flags, LPC_XFER_SEND | LPC_XFER_RECV);
	T_EQ(x->send_type, LPC_MSG_REQUEST);
	T_EQ(x->send_len, 5);
	T_EQ(x->recv_buf, lpc_ptr(reply));
	T_EQ(x->recv_cap, sizeof(reply));
	T_EQ(x->timeout_ns, 0);
	T_CHECK(memcmp(reply, "HELLO", 5) == 0);
	T_EQ(info.id, 100);
	T_EQ(info.pid, 42);

	mock_reset();
	mock.fill = deliver;
	T_EQ(lpc_request(7, "hello", 5, reply, sizeof(reply), NULL), 5);
}

static void test_request_async(void)
{
	__u64 id = 0;

	mock_reset();
	mock.fill = deliver;
	T_EQ(lpc_request_async(7, "q", 1, 4096, &id), 0);
	T_EQ(x->flags, LPC_XFER_SEND);
	T_EQ(x->send_type, LPC_MSG_REQUEST);
	T_EQ(x->recv_cap, 4096);
	T_EQ(x->recv_buf, 0);
	T_EQ(id, 99);

	/* On failure the id is not written. */
	mock_reset();
	mock.ret = -EAGAIN;
	id = 5;
	T_EQ(lpc_request_async(7, "q", 1, 16, &id), -EAGAIN);
	T_EQ(id, 5);
}

static void test_reply(void)
{
	mock_reset();
	T_EQ(lpc_reply(7, 100, "HELLO", 5), 0);
	T_EQ(x->flags, LPC_XFER_SEND);
	T_EQ(x->send_type, LPC_MSG_REPLY);
	T_EQ(x->send_id, 100);
	T_EQ(x->send_len, 5);
}

static void test_reply_wait_receive(void)
{
	struct lpc_msg_info info;
	char buf[8];

	mock_reset();
	mock.fill = deliver;
	T_EQ(lpc_reply_wait_receive(7, 100, "OK", 2, buf, sizeof(buf),
				    &info, -1), 5);
	T_EQ(x->flags, LPC_XFER_SEND | LPC_XFER_RECV);
	T_EQ(x->send_type, LPC_MSG_REPLY);
	T_EQ(x->send_id, 100);
	T_EQ(x->send_len, 2);
	T_EQ(x->recv_cap, sizeof(buf));
	T_EQ(info.type, LPC_MSG_REQUEST);
	T_EQ(info.context, 3);

	/* reply_id 0: receive only, the reply arguments are ignored. */
	mock_reset();
	T_EQ(lpc_reply_wait_receive(7, 0, "OK", 2, buf, sizeof(buf),
				    &info, 2000), 0);
	T_EQ(x->flags, LPC_XFER_RECV | LPC_XFER_TIMEOUT);
	T_EQ(x->send_type, 0);
	T_EQ(x->send_buf, 0);
	T_EQ(x->send_len, 0);
	T_EQ(x->timeout_ns, 2000);
}

static void test_receive(void)
{
	struct lpc_msg_info info;
	char small[2];

	mock_reset();
	T_EQ(lpc_receive(7, small, sizeof(small), &info, -1), 0);
	T_EQ(x->flags, LPC_XFER_RECV);
	T_EQ(x->timeout_ns, 0);

	mock_reset();
	T_EQ(lpc_receive(7, small, sizeof(small), &info, 0), 0);
	T_EQ(x->flags, LPC_XFER_RECV | LPC_XFER_NONBLOCK);
	T_EQ(x->timeout_ns, 0);

	mock_reset();
	T_EQ(lpc_receive(7, small, sizeof(small), &info, 1), 0);
	T_EQ(x->flags, LPC_XFER_RECV | LPC_XFER_TIMEOUT);
	T_EQ(x->timeout_ns, 1);

	/* Too small a buffer: the size needed comes back in info. */
	mock_reset();
	mock.fill = deliver;
	mock.ret = -EMSGSIZE;
	memset(&info, 0, sizeof(info));
	T_EQ(lpc_receive(7, small, sizeof(small), &info, -1), -EMSGSIZE);
	T_EQ(info.data_len, 5);
	T_EQ(info.id, 100);
}

static void test_xfer(void)
{
	struct lpc_xfer mine = { .flags = LPC_XFER_RECV };

	/* The raw call passes the caller's struct and returns 0, not >0. */
	mock_reset();
	mock.ret = 5;
	T_EQ(lpc_xfer(7, &mine), 0);
	T_CHECK(mock.argp == &mine);
	T_EQ(lpc_xfer(7, NULL), -EINVAL);
}

int main(void)
{
	test_datagram();
	test_request();
	test_request_async();
	test_reply();
	test_reply_wait_receive();
	test_receive();
	test_xfer();
	return t_result();
}
