// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Whatever the kernel fails with comes back as -errno from every wrapper,
 * and the caller's errno survives the call.
 */
#include <errno.h>
#include "liblpc.h"
#include "helpers.h"
#include "mock.h"

#define CHECK_FAILS(call) do {			\
	mock_reset();				\
	mock.ret = -EAGAIN;			\
	errno = EXDEV;				\
	T_EQ(call, -EAGAIN);			\
	T_EQ(errno, EXDEV);			\
	T_EQ(mock.calls, 1);			\
} while (0)

int main(void)
{
	struct lpc_version v;
	struct lpc_connect c = { 0 };
	struct lpc_xfer x = { 0 };
	struct lpc_msg_info info;
	struct lpc_port_info pinfo;
	struct lpc_conn_info cinfo;
	struct lpc_ace ace = { 0 };
	unsigned int count = 1;
	__u64 id, cursor = 0;
	char buf[8];
	pid_t pid;

	CHECK_FAILS(lpc_version(3, &v));
	CHECK_FAILS(lpc_port_create(3, "p", NULL));
	CHECK_FAILS(lpc_connect(3, &c));
	CHECK_FAILS(lpc_connect_name(3, "p", NULL, 0, -1));
	CHECK_FAILS(lpc_accept(3, 1, 1, NULL, 0, 0));
	CHECK_FAILS(lpc_reject(3, 1, NULL, 0));
	CHECK_FAILS(lpc_disconnect(3));
	CHECK_FAILS(lpc_xfer(3, &x));
	CHECK_FAILS(lpc_send_datagram(3, "d", 1, &id));
	CHECK_FAILS(lpc_request(3, "r", 1, buf, sizeof(buf), &info));
	CHECK_FAILS(lpc_request_async(3, "r", 1, 8, &id));
	CHECK_FAILS(lpc_reply(3, 1, "r", 1));
	CHECK_FAILS(lpc_reply_wait_receive(3, 1, "r", 1, buf, sizeof(buf),
					   &info, -1));
	CHECK_FAILS(lpc_receive(3, buf, sizeof(buf), &info, 0));
	CHECK_FAILS(lpc_cancel(3, 1));
	CHECK_FAILS(lpc_send_batch(3, &x, 1, -1));
	CHECK_FAILS(lpc_recv_batch(3, &x, 1, -1));
	CHECK_FAILS(lpc_sender_check(3, 1, &pid));
	CHECK_FAILS(lpc_sender_pidfd(3, 1));
	CHECK_FAILS(lpc_section_create(3, 4096, 0));
	CHECK_FAILS(lpc_view_release(3, buf));
	CHECK_FAILS(lpc_direct_read(3, 1, 0, 0, buf, sizeof(buf)));
	CHECK_FAILS(lpc_direct_write(3, 1, 0, 0, buf, sizeof(buf)));
	CHECK_FAILS(lpc_port_list(3, &cursor, &pinfo, 1));
	CHECK_FAILS(lpc_port_info(3, "p", &pinfo));
	CHECK_FAILS(lpc_conn_list(3, "p", &cursor, &cinfo, 1));
	CHECK_FAILS(lpc_acl_get(3, "p", &ace, &count));
	CHECK_FAILS(lpc_acl_set(3, "p", &ace, 1));
	return t_result();
}
