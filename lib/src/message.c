// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Messages: every helper here fills one struct lpc_xfer and issues one
 * LPC_IOC_XFER.
 */
#include <string.h>
#include "lpc-internal.h"

int lpc_xfer(int port, struct lpc_xfer *x)
{
	int ret;

	if (!x)
		return -EINVAL;
	ret = __lpc_ioctl(port, LPC_IOC_XFER, x);
	/* The result is in *x; keep the return value 0 whatever the kernel. */
	return ret < 0 ? ret : 0;
}

/* timeout_ns < 0: wait forever; 0: never wait; > 0: bounded wait. */
static void xfer_set_timeout(struct lpc_xfer *x, int64_t timeout_ns)
{
	if (timeout_ns == 0) {
		x->flags |= LPC_XFER_NONBLOCK;
	} else if (timeout_ns > 0) {
		x->flags |= LPC_XFER_TIMEOUT;
		x->timeout_ns = (__u64)timeout_ns;
	}
}

static int xfer_set_send(struct lpc_xfer *x, __u32 type, const void *buf,
			 size_t len)
{
	x->flags |= LPC_XFER_SEND;
	x->send_type = type;
	x->send_buf = lpc_ptr(buf);
	return __lpc_len32(len, &x->send_len);
}

static int xfer_set_recv(struct lpc_xfer *x, void *buf, size_t cap)
{
	x->flags |= LPC_XFER_RECV;
	x->recv_buf = lpc_ptr(buf);
	return __lpc_len32(cap, &x->recv_cap);
}

/*
 * Issue a receiving xfer and report the received length. The header is
 * copied out on failure too: after -EMSGSIZE, info->data_len is the size
 * the caller needs.
 */
static int xfer_recv_result(int port, struct lpc_xfer *x,
			    struct lpc_msg_info *info)
{
	int ret;

	ret = lpc_xfer(port, x);
	if (info)
		memcpy(info, &x->info, sizeof(*info));
	if (ret < 0)
		return ret;
	/* Never more than fits: the return value sizes the caller's copy. */
	return (int)(x->info.data_len < x->recv_cap ?
		     x->info.data_len : x->recv_cap);
}

int lpc_send_datagram(int port, const void *buf, size_t len, __u64 *id)
{
	struct lpc_xfer x = { 0 };
	int ret;

	ret = xfer_set_send(&x, LPC_MSG_DATAGRAM, buf, len);
	if (ret < 0)
		return ret;
	ret = lpc_xfer(port, &x);
	if (ret == 0 && id)
		*id = x.send_id;
	return ret;
}

int lpc_request(int port, const void *req, size_t len, void *reply,
		size_t cap, struct lpc_msg_info *info)
{
	struct lpc_xfer x = { 0 };
	int ret;

	ret = xfer_set_send(&x, LPC_MSG_REQUEST, req, len);
	if (ret == 0)
		ret = xfer_set_recv(&x, reply, cap);
	if (ret < 0)
		return ret;
	return xfer_recv_result(port, &x, info);
}

int lpc_request_async(int port, const void *req, size_t len,
		      size_t reply_cap, __u64 *id)
{
	struct lpc_xfer x = { 0 };
	int ret;

	ret = xfer_set_send(&x, LPC_MSG_REQUEST, req, len);
	if (ret < 0)
		return ret;
	/* No RECV: recv_cap only tells the kernel how much reply to reserve. */
	ret = __lpc_len32(reply_cap, &x.recv_cap);
	if (ret < 0)
		return ret;
	ret = lpc_xfer(port, &x);
	if (ret == 0 && id)
		*id = x.send_id;
	return ret;
}

int lpc_reply(int port, __u64 id, const void *buf, size_t len)
{
	struct lpc_xfer x = { .send_id = id };
	int ret;

	ret = xfer_set_send(&x, LPC_MSG_REPLY, buf, len);
	if (ret < 0)
		return ret;
	return lpc_xfer(port, &x);
}

int lpc_reply_wait_receive(int port, __u64 reply_id, const void *reply,
			   size_t len, void *buf, size_t cap,
			   struct lpc_msg_info *info, int64_t timeout_ns)
{
	struct lpc_xfer x = { .send_id = reply_id };
	int ret = 0;

	/* Message ids are never 0, so 0 can mean "nothing to answer". */
	if (reply_id)
		ret = xfer_set_send(&x, LPC_MSG_REPLY, reply, len);
	if (ret == 0)
		ret = xfer_set_recv(&x, buf, cap);
	if (ret < 0)
		return ret;
	xfer_set_timeout(&x, timeout_ns);
	return xfer_recv_result(port, &x, info);
}

int lpc_receive(int port, void *buf, size_t cap, struct lpc_msg_info *info,
		int64_t timeout_ns)
{
	return lpc_reply_wait_receive(port, 0, NULL, 0, buf, cap, info,
				      timeout_ns);
}

int lpc_cancel(int port, __u64 id)
{
	struct lpc_cancel c = { .id = id };

	return __lpc_ioctl(port, LPC_IOC_CANCEL, &c);
}

static int batch(int port, unsigned long req, struct lpc_xfer *xfers,
		 unsigned int count, int64_t timeout_ns)
{
	struct lpc_batch b = {
		.xfers = lpc_ptr(xfers),
		.count = count,
	};

	/* Same mapping as xfer_set_timeout(); it bounds the first wait. */
	if (timeout_ns == 0) {
		b.flags = LPC_XFER_NONBLOCK;
	} else if (timeout_ns > 0) {
		b.flags = LPC_XFER_TIMEOUT;
		b.timeout_ns = (__u64)timeout_ns;
	}
	return __lpc_ioctl(port, req, &b);
}

int lpc_send_batch(int port, struct lpc_xfer *xfers, unsigned int count,
		   int64_t timeout_ns)
{
	return batch(port, LPC_IOC_SEND_BATCH, xfers, count, timeout_ns);
}

int lpc_recv_batch(int port, struct lpc_xfer *xfers, unsigned int count,
		   int64_t timeout_ns)
{
	return batch(port, LPC_IOC_RECV_BATCH, xfers, count, timeout_ns);
}
