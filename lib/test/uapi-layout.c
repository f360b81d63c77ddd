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
SIZE_OK(lpc_port_attr, LPC_PORT_ATTR_SIZE_VER0, LPC_IOC_CREATE_PORT);
SIZE_OK(lpc_connect, LPC_CONNECT_SIZE_VER0, LPC_IOC_CONNECT);
SIZE_OK(lpc_accept, LPC_ACCEPT_SIZE_VER0, LPC_IOC_ACCEPT);
SIZE_OK(lpc_xfer, LPC_XFER_SIZE_VER0, LPC_IOC_XFER);
SIZE_OK(lpc_cancel, LPC_CANCEL_SIZE_VER0, LPC_IOC_CANCEL);

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

_Static_assert(sizeof(struct lpc_msg_info) % 8 == 0, "lpc_msg_info size");
_Static_assert(sizeof(struct lpc_ace) == 16, "lpc_ace size");
_Static_assert((LPC_PORT_FLAGS & LPC_NO_CLOEXEC) &&
	       (LPC_CONNECT_FLAGS & LPC_NO_CLOEXEC) &&
	       (LPC_ACCEPT_FLAGS & LPC_NO_CLOEXEC),
	       "every fd-returning call takes LPC_NO_CLOEXEC");

int main(void)
{
	/* The ioctl numbers are all distinct. */
	const unsigned long nr[] = {
		LPC_IOC_VERSION, LPC_IOC_CREATE_PORT, LPC_IOC_CONNECT,
		LPC_IOC_ACCEPT, LPC_IOC_XFER, LPC_IOC_CANCEL,
		LPC_IOC_DISCONNECT,
	};
	size_t i, j;

	for (i = 0; i < sizeof(nr) / sizeof(nr[0]); i++) {
		T_EQ(_IOC_TYPE(nr[i]), LPC_IOC_MAGIC);
		for (j = i + 1; j < sizeof(nr) / sizeof(nr[0]); j++)
			T_CHECK(_IOC_NR(nr[i]) != _IOC_NR(nr[j]));
	}
	return t_result();
}
