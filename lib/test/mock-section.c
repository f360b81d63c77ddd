// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Sections, views, direct access and batches: each wrapper fills its
 * struct and passes the kernel's result (an fd, a byte or entry count)
 * through; batch timeouts map like lpc_receive()'s.
 */
#include <errno.h>
#include <limits.h>
#include "liblpc.h"
#include "helpers.h"
#include "mock.h"

static void test_section(void)
{
	const struct lpc_section_attr *a = MOCK_ARG(struct lpc_section_attr);
	char page[16];

	mock_reset();
	mock.ret = 9;
	T_EQ(lpc_section_create(4, 1 << 20, LPC_NO_CLOEXEC), 9);
	T_EQ(mock.req, LPC_IOC_SECTION_CREATE);
	T_EQ(a->size, 1 << 20);
	T_EQ(a->flags, LPC_NO_CLOEXEC);
	T_EQ(a->__pad, 0);

	mock_reset();
	T_EQ(lpc_view_release(4, page), 0);
	T_EQ(mock.req, LPC_IOC_VIEW_RELEASE);
	T_EQ(MOCK_ARG(struct lpc_view_release)->addr, lpc_ptr(page));
}

static void test_direct(void)
{
	const struct lpc_direct *d = MOCK_ARG(struct lpc_direct);
	char buf[32];

	mock_reset();
	mock.ret = 32;
	T_EQ(lpc_direct_read(4, 77, 1, 4096, buf, sizeof(buf)), 32);
	T_EQ(mock.req, LPC_IOC_DIRECT_READ);
	T_EQ(d->id, 77);
	T_EQ(d->range, 1);
	T_EQ(d->offset, 4096);
	T_EQ(d->buf, lpc_ptr(buf));
	T_EQ(d->len, 32);
	T_EQ(d->flags, 0);

	mock_reset();
	mock.ret = -ERANGE;
	T_EQ(lpc_direct_write(4, 77, 0, 0, buf, 8), -ERANGE);
	T_EQ(mock.req, LPC_IOC_DIRECT_WRITE);

	if (sizeof(size_t) > 4) {
		mock_reset();
		T_EQ(lpc_direct_read(4, 77, 0, 0, buf, (size_t)INT_MAX + 1),
		     -EINVAL);
		T_EQ(mock.calls, 0);
	}
}

static void test_batch(void)
{
	const struct lpc_batch *b = MOCK_ARG(struct lpc_batch);
	struct lpc_xfer x[3] = { { 0 } };

	mock_reset();
	mock.ret = 3;
	T_EQ(lpc_send_batch(4, x, 3, -1), 3);
	T_EQ(mock.req, LPC_IOC_SEND_BATCH);
	T_EQ(b->xfers, lpc_ptr(x));
	T_EQ(b->count, 3);
	T_EQ(b->flags, 0);
	T_EQ(b->timeout_ns, 0);

	mock_reset();
	mock.ret = 1;
	T_EQ(lpc_recv_batch(4, x, 3, 0), 1);
	T_EQ(mock.req, LPC_IOC_RECV_BATCH);
	T_EQ(b->flags, LPC_XFER_NONBLOCK);

	mock_reset();
	T_EQ(lpc_recv_batch(4, x, 3, 500), 0);
	T_EQ(b->flags, LPC_XFER_TIMEOUT);
	T_EQ(b->timeout_ns, 500);
}

int main(void)
{
	test_section();
	test_direct();
	test_batch();
	return t_result();
}
