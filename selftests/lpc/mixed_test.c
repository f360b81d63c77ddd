// SPDX-License-Identifier: GPL-2.0
/*
 * 32- and 64-bit processes on one port. The VM holds this test twice:
 * /tests/mixed_test (64-bit) and /tests/mixed_m32_test (32-bit, through
 * compat_ioctl). Each runs the server and starts its client from the
 * other one's binary, so both directions are covered: every struct must
 * mean the same to the module whatever the caller's width.
 *
 * The client is the same binary run with LPC_MIXED_PORT set: a
 * constructor runs it before the harness starts and exits with 0 on
 * success or the line of the first failed check.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "lpc_sys.h"
#include "lpc_wait.h"

#define MIXED_DATA	"same bytes on both widths"

static const char *other_binary(void)
{
	return sizeof(long) == 8 ? "/tests/mixed_m32_test" :
				   "/tests/mixed_test";
}

#define CLIENT_CHECK(cond) do { if (!(cond)) _exit(__LINE__ % 250 + 1); } while (0)

/*
 * The client: a datagram, a synchronous request with creds, a batch of
 * datagrams, a last request the server answers once it has them all.
 */
static void mixed_client(const char *name)
{
	struct lpc_msg_attr attr;
	struct lpc_xfer x, b[3];
	struct lpc_batch batch;
	struct lpc_connect c;
	char reply[64];
	int dev, port, i;

	dev = open(LPC_DEV_PATH, O_RDWR | O_CLOEXEC);
	CLIENT_CHECK(dev >= 0);
	lpc_connect_init(&c, name, LPC_WAIT_NS);
	port = sys_lpc_connect(dev, &c);
	CLIENT_CHECK(port >= 0);
	CLIENT_CHECK(!lpc_datagram(port, MIXED_DATA, sizeof(MIXED_DATA)));

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.flags = LPC_ATTR_CREDS;
	lpc_request_init(&x, MIXED_DATA, sizeof(MIXED_DATA), reply,
			 sizeof(reply), LPC_WAIT_NS);
	x.send_attr = lpc_ptr(&attr);
	CLIENT_CHECK(!sys_lpc_xfer(port, &x));
	CLIENT_CHECK(x.info.type == LPC_MSG_REPLY);
	CLIENT_CHECK(x.info.data_len == 5 && !memcmp(reply, "reply", 5));

	memset(b, 0, sizeof(b));
	for (i = 0; i < 3; i++) {
		b[i].flags = LPC_XFER_SEND;
		b[i].send_type = LPC_MSG_DATAGRAM;
		b[i].send_buf = lpc_ptr(MIXED_DATA);
		b[i].send_len = i + 1;
	}
	memset(&batch, 0, sizeof(batch));
	batch.xfers = lpc_ptr(b);
	batch.count = 3;
	CLIENT_CHECK(lpc_ioctl(port, LPC_IOC_SEND_BATCH, &batch) == 3);
	/*
	 * What a client queued and the server has not received yet goes
	 * with its connection: close only once the server said so.
	 */
	lpc_request_init(&x, "bye", 3, reply, sizeof(reply), LPC_WAIT_NS);
	CLIENT_CHECK(!sys_lpc_xfer(port, &x));
	close(port);
	close(dev);
	_exit(0);
}

__attribute__((constructor)) static void mixed_client_main(void)
{
	const char *name = getenv("LPC_MIXED_PORT");

	if (name)
		mixed_client(name);
}

FIXTURE(mixed) {
	int dev;
	int cport;
	char name[96];
};

FIXTURE_SETUP(mixed)
{
	self->cport = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_BATCH | LPC_FEAT_CREDS);
	lpc_name(self->name, sizeof(self->name), "mixed");
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
}

FIXTURE_TEARDOWN(mixed)
{
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* A server of this width serves a client of the other width. */
TEST_F(mixed, other_width_client)
{
	struct lpc_msg_attr attr;
	struct lpc_msg_info info;
	struct lpc_xfer x;
	char buf[64];
	pid_t pid;
	int server, i;

	if (access(other_binary(), X_OK))
		SKIP(return, "%s is not installed (CHECK_M32=0?)",
		     other_binary());
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		lpc_child_init();
		setenv("LPC_MIXED_PORT", self->name, 1);
		execl(other_binary(), other_binary(), (char *)NULL);
		_exit(127);
	}

	ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_CONNECTION_REQUEST, info.type);
	EXPECT_EQ(pid, info.pid);
	server = lpc_accept_id(self->cport, info.id, 0x1234567890ULL, NULL,
			       0, 0);
	ASSERT_LE(0, server);

	ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, info.type);
	EXPECT_EQ(0x1234567890ULL, info.context);
	EXPECT_EQ(sizeof(MIXED_DATA), info.data_len);
	EXPECT_EQ(0, memcmp(buf, MIXED_DATA, sizeof(MIXED_DATA)));

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.recv_buf = lpc_ptr(buf);
	x.recv_cap = sizeof(buf);
	x.recv_attr = lpc_ptr(&attr);
	ASSERT_EQ(0, sys_lpc_xfer(self->cport, &x));
	EXPECT_EQ((__u32)LPC_MSG_REQUEST, x.info.type);
	EXPECT_EQ(pid, x.info.pid);
	EXPECT_TRUE(attr.flags & LPC_ATTR_CREDS);
	EXPECT_EQ(geteuid(), attr.creds.euid);
	EXPECT_EQ(0, memcmp(buf, MIXED_DATA, sizeof(MIXED_DATA)));
	ASSERT_EQ(0, lpc_reply(server, x.info.id, "reply", 5));

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
				      LPC_WAIT_NS));
		if (info.type != LPC_MSG_DATAGRAM) {
			int rc = lpc_wait_child(pid, LPC_WAIT_MS);

			/* Its exit code is the line of its failed check. */
			TH_LOG("client gone (type %u), exit %d", info.type, rc);
		}
		ASSERT_EQ((__u32)LPC_MSG_DATAGRAM, info.type);
		EXPECT_EQ((__u32)i + 1, info.data_len);
	}
	ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, info.type);
	ASSERT_EQ(0, lpc_reply(server, info.id, "ok", 2));
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	EXPECT_EQ((__u32)LPC_MSG_PORT_CLOSED, info.type);
	close(server);
}

TEST_HARNESS_MAIN
