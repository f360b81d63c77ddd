// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * The vendored uapi header agrees with itself: every structure is the
 * size its *_SIZE_VER0 says, that size is the one encoded in its ioctl
 * number, and 64-bit fields sit at 64-bit offsets (so 32-bit and 64-bit
 * user space share one layout). Checked at compile time; running it only
 * reports success.
 */
#include <stddef.h>
#include "liblpc.h"
#include "helpers.h"

#define SIZE_OK(type, ver0, ioc) \
	_Static_assert(sizeof(struct type) == (ver0), #type " size"); \
	_Static_assert(_IOC_SIZE(ioc) == (ver0), #ioc " size")

SIZE_OK(lpc_version, LPC_VERSION_SIZE_VER0, LPC_IOC_VERSION);
SIZE_OK(lpc_port_attr, LPC_PORT_ATTR_SIZE_VER1, LPC_IOC_CREATE_PORT);
SIZE_OK(lpc_connect, LPC_CONNECT_SIZE_VER0, LPC_IOC_CONNECT);
SIZE_OK(lpc_accept, LPC_ACCEPT_SIZE_VER0, LPC_IOC_ACCEPT);
SIZE_OK(lpc_xfer, LPC_XFER_SIZE_VER0, LPC_IOC_XFER);
SIZE_OK(lpc_cancel, LPC_CANCEL_SIZE_VER0, LPC_IOC_CANCEL);
SIZE_OK(lpc_sender, LPC_SENDER_SIZE_VER0, LPC_IOC_SENDER_CHECK);
SIZE_OK(lpc_section_attr, LPC_SECTION_ATTR_SIZE_VER0,
	LPC_IOC_SECTION_CREATE);
SIZE_OK(lpc_view_release, LPC_VIEW_RELEASE_SIZE_VER0, LPC_IOC_VIEW_RELEASE);
SIZE_OK(lpc_direct, LPC_DIRECT_SIZE_VER0, LPC_IOC_DIRECT_READ);
SIZE_OK(lpc_direct, LPC_DIRECT_SIZE_VER0, LPC_IOC_DIRECT_WRITE);
SIZE_OK(lpc_acl_req, LPC_ACL_REQ_SIZE_VER0, LPC_IOC_ACL_GET);
SIZE_OK(lpc_acl_req, LPC_ACL_REQ_SIZE_VER0, LPC_IOC_ACL_SET);
SIZE_OK(lpc_query, LPC_QUERY_SIZE_VER0, LPC_IOC_PORT_LIST);
SIZE_OK(lpc_query, LPC_QUERY_SIZE_VER0, LPC_IOC_PORT_INFO);
SIZE_OK(lpc_query, LPC_QUERY_SIZE_VER0, LPC_IOC_CONN_LIST);
SIZE_OK(lpc_batch, LPC_BATCH_SIZE_VER0, LPC_IOC_SEND_BATCH);
SIZE_OK(lpc_batch, LPC_BATCH_SIZE_VER0, LPC_IOC_RECV_BATCH);

/* Sizes without an ioctl of their own. */
_Static_assert(sizeof(struct lpc_port_info) == LPC_PORT_INFO_SIZE_VER1,
	       "lpc_port_info size");
_Static_assert(sizeof(struct lpc_conn_info) == LPC_CONN_INFO_SIZE_VER1,
	       "lpc_conn_info size");
_Static_assert(sizeof(struct lpc_msg_attr) == LPC_MSG_ATTR_SIZE_VER0,
	       "lpc_msg_attr size");

#define ALIGNED64(type, field) \
	_Static_assert(offsetof(struct type, field) % 8 == 0, \
		       #type "." #field " alignment")

ALIGNED64(lpc_version, features);
ALIGNED64(lpc_port_attr, name);
ALIGNED64(lpc_port_attr, acl);
ALIGNED64(lpc_connect, data);
ALIGNED64(lpc_connect, reply);
ALIGNED64(lpc_connect, timeout_ns);
ALIGNED64(lpc_accept, context);
ALIGNED64(lpc_accept, data);
ALIGNED64(lpc_xfer, send_id);
ALIGNED64(lpc_xfer, send_buf);
ALIGNED64(lpc_xfer, recv_buf);
ALIGNED64(lpc_xfer, timeout_ns);
ALIGNED64(lpc_xfer, info);
ALIGNED64(lpc_msg_info, id);
ALIGNED64(lpc_msg_info, ref_id);
ALIGNED64(lpc_creds, cap_effective);
ALIGNED64(lpc_view, offset);
ALIGNED64(lpc_msg_attr, view);
ALIGNED64(lpc_msg_attr, ranges);
ALIGNED64(lpc_msg_attr, creds);
ALIGNED64(lpc_direct, offset);
ALIGNED64(lpc_acl_req, aces);
ALIGNED64(lpc_port_info, created_ns);
ALIGNED64(lpc_port_info, queued_bytes);
ALIGNED64(lpc_conn_info, connected_ns);
ALIGNED64(lpc_query, buf);
ALIGNED64(lpc_batch, timeout_ns);

_Static_assert(sizeof(struct lpc_msg_info) % 8 == 0, "lpc_msg_info size");
_Static_assert(sizeof(struct lpc_ace) == 16, "lpc_ace size");
_Static_assert((LPC_PORT_FLAGS & LPC_NO_CLOEXEC) != 0 &&
	       (LPC_CONNECT_FLAGS & LPC_NO_CLOEXEC) != 0 &&
	       (LPC_ACCEPT_FLAGS & LPC_NO_CLOEXEC) != 0,
	       "every fd-returning call takes LPC_NO_CLOEXEC");

int main(void)
{
	/* The ioctl numbers are all distinct. */
	const unsigned long nr[] = {
		LPC_IOC_VERSION, LPC_IOC_CREATE_PORT, LPC_IOC_CONNECT,
		LPC_IOC_ACCEPT, LPC_IOC_XFER, LPC_IOC_CANCEL,
		LPC_IOC_DISCONNECT, LPC_IOC_PORT_LIST, LPC_IOC_PORT_INFO,
		LPC_IOC_CONN_LIST, LPC_IOC_ACL_GET, LPC_IOC_ACL_SET,
		LPC_IOC_SENDER_CHECK, LPC_IOC_SECTION_CREATE,
		LPC_IOC_VIEW_RELEASE, LPC_IOC_DIRECT_READ,
		LPC_IOC_DIRECT_WRITE, LPC_IOC_SEND_BATCH, LPC_IOC_RECV_BATCH,
	};
	size_t i, j;

	for (i = 0; i < sizeof(nr) / sizeof(nr[0]); i++) {
		T_EQ(_IOC_TYPE(nr[i]), LPC_IOC_MAGIC);
		for (j = i + 1; j < sizeof(nr) / sizeof(nr[0]); j++)
			T_CHECK(_IOC_NR(nr[i]) != _IOC_NR(nr[j]));
	}
	return t_result();
}
