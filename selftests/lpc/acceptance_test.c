// SPDX-License-Identifier: GPL-2.0
/*
 * The acceptance scenario of alpc-reference.md section 8, from a
 * conformance test that was run on real Windows:
 *
 * Server: create a named port; loop on reply-and-wait-receive.
 * Client: connect with no connection data; send a datagram "Request1";
 * send a request "Request2" and wait for the reply; exit.
 *
 * The server must see, on its connection port: CONNECTION_REQUEST (accept
 * it), DATAGRAM "Request1", REQUEST "Request2" (reply "Reply" through the
 * connection port, by message id), then a death/close notice for the
 * client, and the request must be answered before that notice. The client
 * must see its own buffers unchanged by the kernel and the reply typed
 * REPLY.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_wait.h"

#define CTX		0x5ce7a210ULL
#define REQUEST1	"Request1"
#define REQUEST2	"Request2"
#define REPLY		"Reply"
#define MAX_STEPS	8

/* Client exit codes, so a failure says where the client stopped. */
enum {
	C_OK = 0,
	C_OPEN = 10,
	C_CONNECT,
	C_CONNECT_REPLY,
	C_DATAGRAM,
	C_DATAGRAM_BUF_CHANGED,
	C_REQUEST,
	C_REQUEST_BUF_CHANGED,
	C_REPLY_TYPE,
	C_REPLY_REF,
	C_REPLY_DATA,
	C_REPLY_OVERRUN,
};

static int client(const char *name)
{
	char req1[] = REQUEST1, req2[] = REQUEST2, rbuf[64];
	struct lpc_connect c;
	struct lpc_xfer x;
	int dev, port;

	dev = lpc_open_dev();
	if (dev < 0)
		return C_OPEN;
	lpc_connect_init(&c, name, LPC_WAIT_NS);	/* no connection data */
	port = sys_lpc_connect(dev, &c);
	if (port < 0)
		return C_CONNECT;
	if (c.reply_len != 0)
		return C_CONNECT_REPLY;

	if (lpc_datagram(port, req1, strlen(REQUEST1)))
		return C_DATAGRAM;
	if (memcmp(req1, REQUEST1, sizeof(REQUEST1)))
		return C_DATAGRAM_BUF_CHANGED;

	memset(rbuf, '#', sizeof(rbuf));
	lpc_request_init(&x, req2, strlen(REQUEST2), rbuf, sizeof(rbuf),
			 LPC_WAIT_NS);
	if (sys_lpc_xfer(port, &x))
		return C_REQUEST;
	if (memcmp(req2, REQUEST2, sizeof(REQUEST2)))
		return C_REQUEST_BUF_CHANGED;
	if (x.info.type != LPC_MSG_REPLY)
		return C_REPLY_TYPE;
	if (!x.send_id || x.info.ref_id != x.send_id)
		return C_REPLY_REF;
	if (x.info.data_len != strlen(REPLY) ||
	    memcmp(rbuf, REPLY, strlen(REPLY)))
		return C_REPLY_DATA;
	if (rbuf[strlen(REPLY)] != '#')
		return C_REPLY_OVERRUN;
	return C_OK;	/* exit without closing anything */
}

struct seen {
	__u32 type;
	__u64 context;
	__u32 len;
	char data[32];
};

FIXTURE(acceptance) {
	int dev;
	int cport;
	int sfd;
	char name[LPC_NAME_MAX + 1];
};

FIXTURE_SETUP(acceptance)
{
	self->dev = self->cport = self->sfd = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	lpc_name(self->name, sizeof(self->name), "acceptance");
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
}

FIXTURE_TEARDOWN(acceptance)
{
	lpc_close(&self->sfd);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

TEST_F(acceptance, alpc_reference_section_8_scenario)
{
	struct seen seen[MAX_STEPS];
	char buf[LPC_DEFAULT_MSG_LEN];
	int cport = self->cport, n, ret, status;
	const char *name = self->name;
	bool have_reply = false;
	__u64 reply_id = 0;
	struct lpc_xfer x;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		close(cport);
		_exit(client(name));
	}

	/* The server loop: reply (if there is one), then wait-receive. */
	for (n = 0; n < MAX_STEPS; n++) {
		memset(&x, 0, sizeof(x));
		x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
		x.timeout_ns = LPC_WAIT_NS;
		x.recv_buf = lpc_ptr(buf);
		x.recv_cap = sizeof(buf);
		if (have_reply) {
			x.flags |= LPC_XFER_SEND;
			x.send_type = LPC_MSG_REPLY;
			x.send_id = reply_id;
			x.send_buf = lpc_ptr(REPLY);
			x.send_len = strlen(REPLY);
		}
		ret = sys_lpc_xfer(cport, &x);
		ASSERT_EQ(0, ret) {
			TH_LOG("server step %d%s: %s", n,
			       have_reply ? " (reply + receive)" : "",
			       strerror(-ret));
			kill(pid, SIGKILL);
			lpc_wait_child(pid, LPC_WAIT_MS);
		}
		have_reply = false;
		seen[n].type = x.info.type;
		seen[n].context = x.info.context;
		seen[n].len = x.info.data_len;
		memset(seen[n].data, 0, sizeof(seen[n].data));
		memcpy(seen[n].data, buf, x.info.data_len < 31 ?
		       x.info.data_len : 31);

		if (x.info.type == LPC_MSG_CONNECTION_REQUEST) {
			EXPECT_EQ(pid, x.info.pid);
			self->sfd = lpc_accept_id(cport, x.info.id, CTX, NULL,
						  0, 0);
			ASSERT_LE(0, self->sfd) {
				kill(pid, SIGKILL);
				lpc_wait_child(pid, LPC_WAIT_MS);
			}
		} else if (x.info.type == LPC_MSG_REQUEST) {
			have_reply = true;	/* through the connection port */
			reply_id = x.info.id;
		} else if (x.info.type == LPC_MSG_CLIENT_DIED ||
			   x.info.type == LPC_MSG_PORT_CLOSED) {
			n++;
			break;
		}
	}
	status = lpc_wait_child(pid, LPC_WAIT_MS);
	EXPECT_EQ(C_OK, status) {
		TH_LOG("client failed with code %d", status);
	}

	ASSERT_EQ(4, n) {
		TH_LOG("the server saw %d messages", n);
	}
	EXPECT_EQ((__u32)LPC_MSG_CONNECTION_REQUEST, seen[0].type);
	EXPECT_EQ(0U, seen[0].len);

	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, seen[1].type);
	EXPECT_EQ(CTX, seen[1].context);
	EXPECT_EQ((__u32)strlen(REQUEST1), seen[1].len);
	EXPECT_STREQ(REQUEST1, seen[1].data);

	EXPECT_EQ((__u32)LPC_MSG_REQUEST, seen[2].type);
	EXPECT_EQ(CTX, seen[2].context);
	EXPECT_EQ((__u32)strlen(REQUEST2), seen[2].len);
	EXPECT_STREQ(REQUEST2, seen[2].data);

	/* The reply went out with the receive that got the notice. */
	EXPECT_TRUE(seen[3].type == LPC_MSG_CLIENT_DIED ||
		    seen[3].type == LPC_MSG_PORT_CLOSED) {
		TH_LOG("last message type %u", seen[3].type);
	}
	EXPECT_EQ(CTX, seen[3].context);
}

TEST_HARNESS_MAIN
