// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * lpc_connect_name() builds struct lpc_connect: a negative timeout means
 * no LPC_CONNECT_TIMEOUT (wait forever), 0 and positive values set it.
 * lpc_connect() hands the caller's struct to the kernel as is, so what the
 * kernel writes back (reply_len) is visible, also on failure.
 */
#include <errno.h>
#include <string.h>
#include "liblpc.h"
#include "helpers.h"
#include "mock.h"

static void kernel_replies(void *arg)
{
	struct lpc_connect *c = arg;

	c->reply_len = 7;
	memcpy((void *)(uintptr_t)c->reply, "welcome", 4);
}

int main(void)
{
	const struct lpc_connect *c = MOCK_ARG(struct lpc_connect);
	static const char data[] = "hello";
	struct lpc_connect conn = { 0 };
	char reply[4];

	mock_reset();
	mock.ret = 11;
	T_EQ(lpc_connect_name(3, "port", data, 5, -1), 11);
	T_EQ(mock.req, LPC_IOC_CONNECT);
	T_EQ(c->name_len, 4);
	T_EQ(c->data, lpc_ptr(data));
	T_EQ(c->data_len, 5);
	T_EQ(c->flags, 0);
	T_EQ(c->timeout_ns, 0);
	T_EQ(c->reply, 0);
	T_EQ(c->reply_cap, 0);

	mock_reset();
	T_EQ(lpc_connect_name(3, "port", NULL, 0, 0), 0);
	T_EQ(c->flags, LPC_CONNECT_TIMEOUT);
	T_EQ(c->timeout_ns, 0);

	mock_reset();
	T_EQ(lpc_connect_name(3, "port", NULL, 0, 1500000000), 0);
	T_EQ(c->flags, LPC_CONNECT_TIMEOUT);
	T_EQ(c->timeout_ns, 1500000000);

	conn.name = lpc_ptr("port");
	conn.name_len = 4;
	conn.reply = lpc_ptr(reply);
	conn.reply_cap = sizeof(reply);
	mock_reset();
	mock.ret = -ECONNREFUSED;
	mock.fill = kernel_replies;
	T_EQ(lpc_connect(3, &conn), -ECONNREFUSED);
	T_CHECK(mock.argp == &conn);
	T_EQ(conn.reply_len, 7);
	T_CHECK(memcmp(reply, "welc", 4) == 0);

	mock_reset();
	T_EQ(lpc_connect(3, NULL), -EINVAL);
	T_EQ(mock.calls, 0);

	/* A size_t length the __u32 field cannot hold is not truncated. */
	if (sizeof(size_t) > 4) {
		mock_reset();
		T_EQ(lpc_connect_name(3, "p", data, (size_t)1 << 32, -1),
		     -EMSGSIZE);
		T_EQ(mock.calls, 0);
	}
	return t_result();
}
