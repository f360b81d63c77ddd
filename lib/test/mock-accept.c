// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * lpc_accept() and lpc_reject() fill struct lpc_accept on the connection
 * port; lpc_disconnect() and lpc_cancel() issue their ioctls on the port.
 */
#include <errno.h>
#include "liblpc.h"
#include "helpers.h"
#include "mock.h"

int main(void)
{
	const struct lpc_accept *a = MOCK_ARG(struct lpc_accept);
	static const char data[] = "welcome";

	mock_reset();
	mock.ret = 12;
	T_EQ(lpc_accept(5, 77, 1, data, 7, LPC_NO_CLOEXEC), 12);
	T_EQ(mock.fd, 5);
	T_EQ(mock.req, LPC_IOC_ACCEPT);
	T_EQ(a->id, 77);
	T_EQ(a->context, 1);
	T_EQ(a->data, lpc_ptr(data));
	T_EQ(a->data_len, 7);
	T_EQ(a->flags, LPC_NO_CLOEXEC);

	mock_reset();
	T_EQ(lpc_reject(5, 78, "go away", 7), 0);
	T_EQ(mock.req, LPC_IOC_ACCEPT);
	T_EQ(a->id, 78);
	T_EQ(a->context, 0);
	T_EQ(a->data_len, 7);
	T_EQ(a->flags, LPC_ACCEPT_REJECT);

	mock_reset();
	mock.ret = -ECANCELED;
	T_EQ(lpc_reject(5, 79, NULL, 0), -ECANCELED);
	T_EQ(a->data, 0);

	mock_reset();
	T_EQ(lpc_disconnect(6), 0);
	T_EQ(mock.fd, 6);
	T_EQ(mock.req, LPC_IOC_DISCONNECT);

	mock_reset();
	mock.ret = -ENOENT;
	T_EQ(lpc_cancel(6, 1234), -ENOENT);
	T_EQ(mock.req, LPC_IOC_CANCEL);
	T_EQ(MOCK_ARG(struct lpc_cancel)->id, 1234);
	T_EQ(MOCK_ARG(struct lpc_cancel)->flags, 0);
	T_EQ(MOCK_ARG(struct lpc_cancel)->__pad, 0);
	return t_result();
}
