// SPDX-License-Identifier: GPL-2.0
/*
 * Views (LPC_ATTR_VIEW) that outlive what should have ended them.
 *
 * A view received with a request is mapped into the receiver and tracked
 * on its "home" port (the connection port for everything a server
 * receives, section.c's lpc_view_home()), tagged with the request's id,
 * and unmapped when the receiver replies to that request, releases it or
 * closes its port (uapi: struct lpc_view).
 *
 * - A request whose requester gave up (cancelled, timed out) is answered
 *   with -ECANCELED: lpc_reply() returns before lpc_view_unmap_request(),
 *   so its view stays mapped for good.
 * - A reply to a synchronous request of the server's (sent on its server
 *   communication port) is received through that port, but its view is
 *   tracked on the connection port. When the connection port is closed
 *   while that receive is still copying the reply out, its views are
 *   released (lpc_views_port_release()) before the view is mapped and
 *   added to its list: nothing ever unmaps or frees it (a leaked
 *   struct lpc_view_map with a file and an mm reference; kmemleak sees
 *   it in check-debug). The receive's own file reference does not
 *   protect the connection port: the receive is on the communication
 *   port. That is how this bug is reachable; a receive on the connection
 *   port itself holds that port's file open until it returns.
 *
 * Client and server are this one process, so "mapped in the receiver" is
 * an address in /proc/self/maps.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"
#include "lpc_race.h"
#include "lpc_uffd.h"

FIXTURE(view) {
	int dev;
	int cport;
	int client;
	int server;
	int sec;
	char name[LPC_NAME_MAX + 1];
	char buf[256];
	struct lpc_msg_info info;
	struct lpc_msg_attr attr;
	struct lpc_uffd uffd;
	unsigned char *page;
};

FIXTURE_SETUP(view)
{
	self->dev = self->cport = self->client = self->server = -1;
	self->sec = -1;
	self->uffd.fd = -1;
	self->page = NULL;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_SECTIONS | LPC_FEAT_CANCEL);
	LPC_OPEN_PAIR(.context = 1);
	self->sec = lpc_section_filled(self->client, 2 * LPC_PAGE, 0x3c);
	ASSERT_LE(0, self->sec);
}

FIXTURE_TEARDOWN(view)
{
	lpc_uffd_close(&self->uffd);
	if (self->page)
		munmap(self->page, LPC_PAGE);
	lpc_close(&self->sec);
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* Server: receive a request with its view mapped; ASSERTs it is. */
#define SERVER_RECV_VIEW() do {						\
		int __r = lpc_recv_attr(self->cport, &self->info,	\
					self->buf, sizeof(self->buf),	\
					&self->attr, 0);		\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("server receive: %s", strerror(-__r));	\
		}							\
		ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);	\
		ASSERT_TRUE(self->attr.flags & LPC_ATTR_VIEW);		\
		ASSERT_TRUE(lpc_section_mapped_at(self->attr.view.addr)); \
	} while (0)

/*
 * Bug: the client cancels a request whose view the server has mapped;
 * the server's reply fails with -ECANCELED, and the view must be
 * unmapped then, as a successful reply would have. Today it stays.
 */
TEST_F(view, cancelled_request_view_unmapped)
{
	struct lpc_msg_attr a;
	struct lpc_cancel c;
	__u64 id = 0;
	int ret;

	lpc_attr_init(&a);
	lpc_attr_view(&a, self->sec, 0, 0, 2 * LPC_PAGE);
	ASSERT_EQ(0, lpc_send_attr(self->client, LPC_MSG_REQUEST, &id, "v", 1,
				   64, &a));
	SERVER_RECV_VIEW();

	memset(&c, 0, sizeof(c));
	c.id = id;
	ASSERT_EQ(0, sys_lpc_cancel(self->client, &c));
	ret = lpc_reply(self->cport, self->info.id, "r", 1);
	EXPECT_EQ(-ECANCELED, ret);
	EXPECT_FALSE(lpc_section_mapped_at(self->attr.view.addr)) {
		TH_LOG("the view of the cancelled request is still mapped "
		       "at 0x%llx", (unsigned long long)self->attr.view.addr);
	}
}

/* Bug: the same when the requester timed out instead. */
TEST_F(view, timed_out_request_view_unmapped)
{
	struct lpc_sync_req r;
	struct lpc_msg_attr a;
	int ret;

	lpc_attr_init(&a);
	lpc_attr_view(&a, self->sec, 0, 0, LPC_PAGE);
	lpc_request_init(&r.x, "v", 1, r.rbuf, sizeof(r.rbuf),
			 LPC_NSEC_PER_SEC);
	r.x.send_attr = lpc_ptr(&a);
	ASSERT_EQ(0, lpc_call_start(&r.call, self->client, LPC_IOC_XFER,
				    &r.x));
	SERVER_RECV_VIEW();

	ret = lpc_call_join(&r.call);
	ASSERT_EQ(-ETIMEDOUT, ret);
	ret = lpc_reply(self->cport, self->info.id, "r", 1);
	EXPECT_EQ(-ECANCELED, ret);
	EXPECT_FALSE(lpc_section_mapped_at(self->attr.view.addr)) {
		TH_LOG("the view of the timed-out request is still mapped "
		       "at 0x%llx", (unsigned long long)self->attr.view.addr);
	}
}

/*
 * Control for the next test, without the race: the reply's view arrives,
 * then the server closes its ports; the close of the connection port
 * unmaps it (the connection ends: lpc_views_conn_end()). Passes today.
 */
TEST_F(view, reply_view_unmapped_when_ports_close)
{
	struct lpc_msg_attr a, ra;
	struct lpc_xfer x;
	struct lpc_call s;
	char req[16], rbuf[16];
	__u64 id = 0;
	int ret;

	lpc_request_init(&x, "q", 1, rbuf, sizeof(rbuf), LPC_WAIT_NS);
	lpc_attr_init(&ra);
	x.recv_attr = lpc_ptr(&ra);
	ASSERT_EQ(0, lpc_call_start(&s, self->server, LPC_IOC_XFER, &x));
	ASSERT_EQ(0, lpc_recv(self->client, &self->info, req, sizeof(req),
			      LPC_WAIT_NS));
	id = self->info.id;
	lpc_attr_init(&a);
	lpc_attr_view(&a, self->sec, 0, 0, LPC_PAGE);
	ASSERT_EQ(0, lpc_send_attr(self->client, LPC_MSG_REPLY, &id, "r", 1,
				   0, &a));
	ret = lpc_call_join(&s);
	ASSERT_EQ(0, ret);
	ASSERT_TRUE(ra.flags & LPC_ATTR_VIEW);
	ASSERT_TRUE(lpc_section_mapped_at(ra.view.addr));

	lpc_close(&self->cport);
	lpc_close(&self->server);
	lpc_close(&self->client);
	EXPECT_FALSE(lpc_section_mapped_at(ra.view.addr));
}

/*
 * Bug: a view delivered after the connection port's views were released.
 * A server thread makes a synchronous request on its communication port;
 * the client answers with a view; the server's receive of that reply
 * parks on its data buffer (userfaultfd); the connection port is closed
 * (released at once: nobody is inside an ioctl on it); then the receive
 * completes and maps the view, tracking it on the connection port that
 * is already gone. Once the server has closed every port, no view may
 * stay mapped in it: either it was not delivered, or closing unmapped
 * it. Today it stays mapped, and its tracking leaks.
 */
TEST_F(view, reply_view_after_connection_port_closed)
{
	struct lpc_msg_attr a, ra;
	struct lpc_xfer x;
	struct lpc_call s;
	char req[16];
	__u64 id = 0;
	int ret;

	LPC_UFFD_OPEN_OR_SKIP(&self->uffd);
	self->page = lpc_uffd_map(1);
	ASSERT_NE(NULL, self->page);
	ASSERT_EQ(0, lpc_uffd_register(&self->uffd, self->page, LPC_PAGE));

	/* The server's synchronous request; its reply lands on the page. */
	lpc_request_init(&x, "q", 1, self->page, LPC_PAGE, LPC_WAIT_NS);
	lpc_attr_init(&ra);
	x.recv_attr = lpc_ptr(&ra);
	ASSERT_EQ(0, lpc_call_start(&s, self->server, LPC_IOC_XFER, &x));

	/* The client answers with a view. */
	ASSERT_EQ(0, lpc_recv(self->client, &self->info, req, sizeof(req),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	id = self->info.id;
	lpc_attr_init(&a);
	lpc_attr_view(&a, self->sec, 0, 0, LPC_PAGE);
	ASSERT_EQ(0, lpc_send_attr(self->client, LPC_MSG_REPLY, &id, "r", 1,
				   0, &a));

	ASSERT_EQ(0, lpc_uffd_wait_at(&self->uffd, self->page, LPC_WAIT_MS));
	lpc_close(&self->cport);
	ASSERT_EQ(0, lpc_uffd_copy(&self->uffd, self->page, NULL));
	ret = lpc_call_join(&s);
	TH_LOG("the server's request returned %d, attributes 0x%x, view at "
	       "0x%llx", ret, ra.flags, (unsigned long long)ra.view.addr);

	lpc_close(&self->server);
	lpc_close(&self->client);
	if (!ret && (ra.flags & LPC_ATTR_VIEW) && ra.view.addr) {
		EXPECT_FALSE(lpc_section_mapped_at(ra.view.addr)) {
			TH_LOG("the view delivered after the connection "
			       "port closed is still mapped, with every "
			       "port closed");
		}
	}
}

TEST_HARNESS_MAIN
