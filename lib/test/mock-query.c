// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * The query and ACL wrappers fill struct lpc_query / lpc_acl_req: cursor
 * in and out, the entry size the library was built with, the returned
 * count; a successful PORT_INFO without an entry is -ENOENT; ACL get
 * reports the room needed after -ENOSPC.
 */
#include <errno.h>
#include <string.h>
#include "liblpc.h"
#include "helpers.h"
#include "mock.h"

static const struct lpc_query *q = (const struct lpc_query *)mock.arg;
static const struct lpc_acl_req *r = (const struct lpc_acl_req *)mock.arg;

/* Two entries written, more to come after serial 17. */
static void page(void *arg)
{
	struct lpc_query *k = arg;

	k->count = 2;
	k->cursor = 17;
}

static void no_entry(void *arg)
{
	((struct lpc_query *)arg)->count = 0;
}

static void acl_has_3(void *arg)
{
	((struct lpc_acl_req *)arg)->count = 3;
}

static void test_lists(void)
{
	struct lpc_port_info ports[4];
	struct lpc_conn_info conns[8];
	__u64 cursor = 5;

	mock_reset();
	mock.fill = page;
	T_EQ(lpc_port_list(3, &cursor, ports, 4), 2);
	T_EQ(mock.req, LPC_IOC_PORT_LIST);
	T_EQ(q->cursor, 5);
	T_EQ(q->name, 0);
	T_EQ(q->name_len, 0);
	T_EQ(q->buf, lpc_ptr(ports));
	T_EQ(q->count, 4);
	T_EQ(q->entry_size, LPC_PORT_INFO_SIZE_VER1);
	T_EQ(cursor, 17);

	/* A failed page leaves the cursor where it was. */
	mock_reset();
	mock.ret = -EFAULT;
	T_EQ(lpc_port_list(3, &cursor, ports, 4), -EFAULT);
	T_EQ(cursor, 17);
	T_EQ(lpc_port_list(3, NULL, ports, 4), -EINVAL);

	cursor = 0;
	mock_reset();
	mock.fill = page;
	T_EQ(lpc_conn_list(3, "p", &cursor, conns, 8), 2);
	T_EQ(mock.req, LPC_IOC_CONN_LIST);
	T_EQ(q->name_len, 1);
	T_EQ(q->entry_size, LPC_CONN_INFO_SIZE_VER1);
	T_EQ(cursor, 17);

	mock_reset();
	T_EQ(lpc_conn_list(3, NULL, &cursor, conns, 8), -EINVAL);
	T_EQ(lpc_conn_list(3, "", &cursor, conns, 8), -EINVAL);
	T_EQ(mock.calls, 0);
}

static void test_info(void)
{
	struct lpc_port_info info;

	mock_reset();
	mock.fill = page;
	T_EQ(lpc_port_info(3, "port", &info), -ENOENT);	/* count 2?! */
	T_EQ(mock.req, LPC_IOC_PORT_INFO);
	T_EQ(q->buf, lpc_ptr(&info));
	T_EQ(q->count, 1);
	T_EQ(q->name_len, 4);
	T_EQ(q->cursor, 0);

	mock_reset();
	mock.fill = no_entry;
	T_EQ(lpc_port_info(3, "port", &info), -ENOENT);

	mock_reset();
	T_EQ(lpc_port_info(3, "port", NULL), -EINVAL);
	T_EQ(mock.calls, 0);
}

static void one_entry(void *arg)
{
	((struct lpc_query *)arg)->count = 1;
}

static void test_info_ok(void)
{
	struct lpc_port_info info;

	mock_reset();
	mock.fill = one_entry;
	T_EQ(lpc_port_info(3, "port", &info), 0);
}

static void test_acl(void)
{
	struct lpc_ace aces[2];
	unsigned int count = 2;

	mock_reset();
	mock.fill = acl_has_3;
	mock.ret = -ENOSPC;
	T_EQ(lpc_acl_get(3, "port", aces, &count), -ENOSPC);
	T_EQ(mock.req, LPC_IOC_ACL_GET);
	T_EQ(r->count, 2);
	T_EQ(r->aces, lpc_ptr(aces));
	T_EQ(r->name_len, 4);
	T_EQ(count, 3);

	mock_reset();
	mock.ret = -ENOENT;
	count = 2;
	T_EQ(lpc_acl_get(3, "port", aces, &count), -ENOENT);
	T_EQ(count, 2);
	T_EQ(lpc_acl_get(3, "port", aces, NULL), -EINVAL);

	mock_reset();
	T_EQ(lpc_acl_set(3, "port", aces, 2), 0);
	T_EQ(mock.req, LPC_IOC_ACL_SET);
	T_EQ(r->count, 2);
	T_EQ(r->flags, 0);
	T_EQ(lpc_acl_set(3, NULL, aces, 2), -EINVAL);
}

int main(void)
{
	test_lists();
	test_info();
	test_info_ok();
	test_acl();
	return t_result();
}
