// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * lpc_port_create() fills struct lpc_port_attr: without attr everything
 * but the name is zero (kernel defaults); with attr its limits and ACL go
 * through unchanged, the name comes from the argument, and the caller's
 * struct is not modified.
 */
#include <errno.h>
#include <string.h>
#include "liblpc.h"
#include "helpers.h"
#include "mock.h"

int main(void)
{
	static const char name[] = "\\RPC Control\\test";
	struct lpc_ace acl[2] = {
		{ LPC_ACE_ALLOW, LPC_ACE_OWNER, 0, LPC_RIGHT_ALL },
		{ LPC_ACE_ALLOW, LPC_ACE_EVERYONE, 0, LPC_RIGHT_CONNECT },
	};
	struct lpc_port_attr attr = {
		.name = 1234, .name_len = 99,	/* ignored */
		.flags = LPC_NO_CLOEXEC,
		.max_msg_len = 512, .max_conn_data_len = 64,
		.max_queued = 8, .max_conns = 2,
		.acl = lpc_ptr(acl), .acl_count = 2,
	};
	const struct lpc_port_attr *a = MOCK_ARG(struct lpc_port_attr);
	struct lpc_port_attr copy = attr;

	mock_reset();
	mock.ret = 9;
	T_EQ(lpc_port_create(4, name, NULL), 9);
	T_EQ(mock.fd, 4);
	T_EQ(mock.req, LPC_IOC_CREATE_PORT);
	T_EQ(a->name, lpc_ptr(name));
	T_EQ(a->name_len, strlen(name));
	T_EQ(a->flags, 0);
	T_EQ(a->max_msg_len, 0);
	T_EQ(a->max_conn_data_len, 0);
	T_EQ(a->max_queued, 0);
	T_EQ(a->max_conns, 0);
	T_EQ(a->acl, 0);
	T_EQ(a->acl_count, 0);
	T_EQ(a->__pad, 0);

	mock_reset();
	mock.ret = 10;
	T_EQ(lpc_port_create(4, name, &attr), 10);
	T_EQ(a->name, lpc_ptr(name));
	T_EQ(a->name_len, strlen(name));
	T_EQ(a->flags, LPC_NO_CLOEXEC);
	T_EQ(a->max_msg_len, 512);
	T_EQ(a->max_conn_data_len, 64);
	T_EQ(a->max_queued, 8);
	T_EQ(a->max_conns, 2);
	T_EQ(a->acl, lpc_ptr(acl));
	T_EQ(a->acl_count, 2);
	T_CHECK(memcmp(&attr, &copy, sizeof(attr)) == 0);

	mock_reset();
	mock.ret = -EEXIST;
	T_EQ(lpc_port_create(4, name, NULL), -EEXIST);
	return t_result();
}
