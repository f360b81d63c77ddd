// SPDX-License-Identifier: GPL-2.0
/*
 * Races between a receive that is still copying a request out and what
 * others do to that request meanwhile: reply to it, cancel it, end its
 * connection.
 *
 * lpc_receive() moves a request from the queue into the service tree
 * under the port lock, drops the lock and only then copies the data and
 * the attributes out; when a copy fails, lpc_requeue() puts the request
 * back on the queue. For the whole copy the request is findable by id:
 * a reply can take it (and free or swap its attributes under the copy),
 * and lpc_requeue() acts on whatever state others left it in.
 *
 * What the uapi promises: a reply finds only requests that were received
 * (-ENOENT otherwise), a request is answered once, a receive that fails
 * leaves the message queued, and a connection that ends takes its
 * requests with it (their requesters get -ECONNRESET).
 *
 * Each test parks the receive on a userfaultfd page (lpc_uffd.h), does
 * the racing operation, then lets the copy finish or fail.
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

#define REQ_LEN		64

FIXTURE(recv) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	struct lpc_uffd uffd;
	unsigned char *area;		/* uffd pages */
	size_t area_pages;
};

FIXTURE_SETUP(recv)
{
	self->dev = self->cport = self->client = self->server = -1;
	self->uffd.fd = -1;
	self->area = NULL;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_SECTIONS | LPC_FEAT_CANCEL |
				       LPC_FEAT_DISCONNECT);
	LPC_OPEN_PAIR(.context = 1);
}

FIXTURE_TEARDOWN(recv)
{
	lpc_uffd_close(&self->uffd);
	if (self->area)
		munmap(self->area, self->area_pages * LPC_PAGE);
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* Open the uffd and map @pages fresh pages into self->area. */
#define UFFD_AREA(pages) do {						\
		LPC_UFFD_OPEN_OR_SKIP(&self->uffd);			\
		self->area_pages = (pages);				\
		self->area = lpc_uffd_map(pages);			\
		ASSERT_NE(NULL, self->area);				\
	} while (0)

/* A datagram that must not wait: 0 or -errno. */
static int datagram_nb(int port)
{
	struct lpc_xfer x;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_NONBLOCK;
	x.send_type = LPC_MSG_DATAGRAM;
	x.send_buf = lpc_ptr("d");
	x.send_len = 1;
	return sys_lpc_xfer(port, &x);
}

/* The connection port holds nothing and takes new messages. */
#define EXPECT_PORT_HEALTHY() do {					\
		struct lpc_msg_info __i;				\
		char __b[64];						\
		__u64 __held = ~0ULL;					\
		int __r;						\
		EXPECT_EQ(0, lpc_fdinfo_u64(self->cport, "lpc-held",	\
					    &__held));			\
		EXPECT_EQ(0ULL, __held) {				\
			TH_LOG("the connection port holds %llu messages", \
			       (unsigned long long)__held);		\
		}							\
		__r = lpc_recv_nb(self->cport, &__i, __b, sizeof(__b));	\
		EXPECT_EQ(-EAGAIN, __r) {				\
			TH_LOG("left queued: type %u id %llu (%s)",	\
			       __i.type, (unsigned long long)__i.id,	\
			       strerror(-__r));				\
		}							\
	} while (0)

/*
 * Bug: a reply takes a request whose receive is still copying its data
 * out. The request carries creds and a view; the receive parks on its
 * data buffer, after the request entered the service tree. A reply to
 * its id (known from the client's send) must fail with -ENOENT, and the
 * receive must complete with the request's data and attributes. Today
 * the reply succeeds: it overwrites the data being copied and frees the
 * attributes, and the receive returns the reply's bytes without them.
 */
TEST_F(recv, reply_during_data_copy_enoent)
{
	char req[REQ_LEN], rep[REQ_LEN], buf[REQ_LEN];
	struct lpc_msg_attr sa, ra;
	struct lpc_msg_info info;
	struct lpc_xfer x;
	struct lpc_call rx;
	__u64 id = 0, rid;
	int sec, ret, rret;

	UFFD_AREA(1);
	sec = lpc_section_filled(self->client, LPC_PAGE, 0x5a);
	ASSERT_LE(0, sec);
	memset(req, 'Q', sizeof(req));
	memset(rep, 'R', sizeof(rep));
	lpc_attr_init(&sa);
	sa.flags = LPC_ATTR_CREDS;
	lpc_attr_view(&sa, sec, 0, 0, LPC_PAGE);
	ASSERT_EQ(0, lpc_send_attr(self->client, LPC_MSG_REQUEST, &id, req,
				   sizeof(req), sizeof(rep), &sa));

	ASSERT_EQ(0, lpc_uffd_register(&self->uffd, self->area, LPC_PAGE));
	lpc_recv_init(&x, self->area, LPC_PAGE, &ra, 0, LPC_WAIT_NS);
	ASSERT_EQ(0, lpc_call_start(&rx, self->cport, LPC_IOC_XFER, &x));
	ASSERT_EQ(0, lpc_uffd_wait_at(&self->uffd, self->area,
				      LPC_WAIT_MS));

	rid = id;
	rret = lpc_send_attr(self->cport, LPC_MSG_REPLY, &rid, rep,
			     sizeof(rep), 0, NULL);
	EXPECT_EQ(-ENOENT, rret) {
		TH_LOG("a reply to a request still being received: %s",
		       rret ? strerror(-rret) : "accepted");
	}

	ASSERT_EQ(0, lpc_uffd_copy(&self->uffd, self->area, NULL));
	ret = lpc_call_join(&rx);
	ASSERT_EQ(0, ret) {
		TH_LOG("receive: %s", strerror(-ret));
	}
	EXPECT_EQ(id, x.info.id);
	EXPECT_EQ((__u32)LPC_MSG_REQUEST, x.info.type);
	EXPECT_EQ((__u32)sizeof(req), x.info.data_len);
	EXPECT_EQ(0, memcmp(self->area, req, sizeof(req))) {
		int __q = 0, __r = 0, __i;

		for (__i = 0; __i < REQ_LEN; __i++) {
			__q += self->area[__i] == 'Q';
			__r += self->area[__i] == 'R';
		}
		TH_LOG("received %d bytes of the request's, %d of the "
		       "REPLY's, %d others", __q, __r, REQ_LEN - __q - __r);
	}
	EXPECT_TRUE(x.info.flags & LPC_MSGF_ATTR);
	EXPECT_TRUE(ra.flags & LPC_ATTR_CREDS);
	EXPECT_TRUE(ra.flags & LPC_ATTR_VIEW) {
		TH_LOG("attributes received: 0x%x", ra.flags);
	}
	if (ra.flags & LPC_ATTR_VIEW)
		EXPECT_TRUE(lpc_section_mapped_at(ra.view.addr));

	/* Now it can be answered, once. */
	if (rret) {
		rid = id;
		EXPECT_EQ(0, lpc_send_attr(self->cport, LPC_MSG_REPLY, &rid,
					   rep, sizeof(rep), 0, NULL));
	}
	ret = lpc_recv(self->client, &info, buf, sizeof(buf), LPC_WAIT_NS);
	EXPECT_EQ(0, ret);
	EXPECT_EQ((__u32)LPC_MSG_REPLY, info.type);
	EXPECT_EQ(id, info.ref_id);
	EXPECT_EQ(0, memcmp(buf, rep, sizeof(rep)));
	close(sec);
}

/*
 * The same with the receive parked later, in the copy-out of its
 * attributes (the struct lpc_msg_attr straddles a page boundary; the
 * second page is the userfaultfd one), after the view was mapped into
 * the receiver. The reply must fail with -ENOENT, and the view the
 * receive reports must be mapped. Today the reply succeeds and unmaps,
 * under the receive, the view the receive then reports.
 */
TEST_F(recv, reply_during_attr_copy_enoent)
{
	char req[REQ_LEN], rep[REQ_LEN], buf[REQ_LEN];
	struct lpc_msg_attr sa, *ra;
	struct lpc_msg_info info;
	struct lpc_xfer x;
	struct lpc_call rx;
	__u64 id = 0, rid;
	int sec, ret, rret;

	UFFD_AREA(2);
	sec = lpc_section_filled(self->client, LPC_PAGE, 0x5a);
	ASSERT_LE(0, sec);
	memset(req, 'Q', sizeof(req));
	memset(rep, 'R', sizeof(rep));
	lpc_attr_init(&sa);
	sa.flags = LPC_ATTR_CREDS;
	lpc_attr_view(&sa, sec, 0, 0, LPC_PAGE);
	ASSERT_EQ(0, lpc_send_attr(self->client, LPC_MSG_REQUEST, &id, req,
				   sizeof(req), sizeof(rep), &sa));

	/* 16 bytes on the first page (size, flags), the rest on the second. */
	ASSERT_EQ(0, lpc_uffd_register(&self->uffd, self->area + LPC_PAGE,
				       LPC_PAGE));
	ra = (struct lpc_msg_attr *)(self->area + LPC_PAGE - 16);
	ra->size = sizeof(*ra);
	ra->flags = 0;
	lpc_recv_init(&x, buf, sizeof(buf), NULL, 0, LPC_WAIT_NS);
	x.recv_attr = lpc_ptr(ra);
	ASSERT_EQ(0, lpc_call_start(&rx, self->cport, LPC_IOC_XFER, &x));
	ASSERT_EQ(0, lpc_uffd_wait_at(&self->uffd, self->area + LPC_PAGE,
				      LPC_WAIT_MS));

	rid = id;
	rret = lpc_send_attr(self->cport, LPC_MSG_REPLY, &rid, rep,
			     sizeof(rep), 0, NULL);
	EXPECT_EQ(-ENOENT, rret) {
		TH_LOG("a reply to a request still being received: %s",
		       rret ? strerror(-rret) : "accepted");
	}

	ASSERT_EQ(0, lpc_uffd_copy(&self->uffd, self->area + LPC_PAGE, NULL));
	ret = lpc_call_join(&rx);
	ASSERT_EQ(0, ret) {
		TH_LOG("receive: %s", strerror(-ret));
	}
	EXPECT_EQ(id, x.info.id);
	EXPECT_EQ(0, memcmp(buf, req, sizeof(req)));
	EXPECT_TRUE(ra->flags & LPC_ATTR_CREDS);
	ASSERT_TRUE(ra->flags & LPC_ATTR_VIEW) {
		TH_LOG("attributes received: 0x%x", ra->flags);
	}
	EXPECT_TRUE(lpc_section_mapped_at(ra->view.addr)) {
		TH_LOG("the view reported at 0x%llx is not mapped",
		       (unsigned long long)ra->view.addr);
	}

	if (rret) {
		rid = id;
		EXPECT_EQ(0, lpc_send_attr(self->cport, LPC_MSG_REPLY, &rid,
					   rep, sizeof(rep), 0, NULL));
		/* The reply ends the view. */
		EXPECT_FALSE(lpc_section_mapped_at(ra->view.addr));
	}
	ret = lpc_recv(self->client, &info, buf, sizeof(buf), LPC_WAIT_NS);
	EXPECT_EQ(0, ret);
	EXPECT_EQ((__u32)LPC_MSG_REPLY, info.type);
	close(sec);
}

/*
 * Bug: lpc_requeue() frees a request a replier owns. The receive parks
 * in its data copy (the request is in service); a reply to it parks in
 * the copy of its own data (the request is taken out of service, in the
 * replier's hands); the client cancels the request; then the receive's
 * copy fails, then the reply's copy completes. The reply must fail with
 * -ECANCELED and the port must hold nothing and take new messages.
 * Before the request state machine, lpc_requeue() saw an abandoned
 * request, erased it from a tree it was not in, unheld it a second time
 * (nr_held wrapped to 2^32-1: the port refused every message after) and
 * dropped the replier's reference; the reply then finished on freed
 * memory (refcount_t underflow). Now a request being received is in no
 * tree, so the reply cannot take it and fails at once with -ENOENT; the
 * test then checks the rest of the sequence the same way.
 */
TEST_F(recv, failed_copy_after_cancelled_reply)
{
	unsigned char *rpage, *spage;
	struct lpc_xfer rx_x, rep_x;
	struct lpc_call rx, rep;
	struct lpc_cancel c;
	bool parked;
	__u64 id = 0;
	int ret;

	UFFD_AREA(2);
	rpage = self->area;
	spage = self->area + LPC_PAGE;
	ASSERT_EQ(0, lpc_request_async(self->client, "cancel-me", 9, 64,
				       &id));
	ASSERT_EQ(0, lpc_uffd_register(&self->uffd, self->area,
				       2 * LPC_PAGE));

	/* The receive parks with the request in service. */
	lpc_recv_init(&rx_x, rpage, LPC_PAGE, NULL, 0, LPC_WAIT_NS);
	ASSERT_EQ(0, lpc_call_start(&rx, self->cport, LPC_IOC_XFER, &rx_x));
	ASSERT_EQ(0, lpc_uffd_wait_at(&self->uffd, rpage, LPC_WAIT_MS));

	/* The reply parks with the request in its hands. */
	memset(&rep_x, 0, sizeof(rep_x));
	rep_x.flags = LPC_XFER_SEND | LPC_XFER_TIMEOUT;
	rep_x.timeout_ns = LPC_WAIT_NS;
	rep_x.send_type = LPC_MSG_REPLY;
	rep_x.send_id = id;
	rep_x.send_buf = lpc_ptr(spage);
	rep_x.send_len = 16;
	ASSERT_EQ(0, lpc_call_start(&rep, self->cport, LPC_IOC_XFER, &rep_x));
	/* Either it is refused at once, or it parks in its copy. */
	parked = !lpc_call_wait(&rep, 2000);
	if (parked) {
		ASSERT_EQ(0, lpc_uffd_wait_at(&self->uffd, spage,
					      LPC_WAIT_MS));
	} else {
		ret = lpc_call_join(&rep);
		EXPECT_EQ(-ENOENT, ret) {
			TH_LOG("reply during the receive: %s",
			       ret ? strerror(-ret) : "accepted");
		}
	}

	memset(&c, 0, sizeof(c));
	c.id = id;
	EXPECT_EQ(0, sys_lpc_cancel(self->client, &c));

	ASSERT_EQ(0, lpc_uffd_fail(&self->uffd, rpage));
	ret = lpc_call_join(&rx);
	EXPECT_EQ(-EFAULT, ret) {
		TH_LOG("receive: %s", strerror(-ret));
	}
	if (parked) {
		ASSERT_EQ(0, lpc_uffd_copy(&self->uffd, spage, NULL));
		ret = lpc_call_join(&rep);
		EXPECT_EQ(-ECANCELED, ret) {
			TH_LOG("reply: %s", ret ? strerror(-ret) : "accepted");
		}
	}

	EXPECT_PORT_HEALTHY();
	ret = datagram_nb(self->client);
	EXPECT_EQ(0, ret) {
		TH_LOG("a datagram after that: %s", strerror(-ret));
	}
}

/*
 * Bug: lpc_requeue() re-queues a request a drain already took. The
 * receive parks in its data copy; the server disconnects the connection
 * (LPC_IOC_DISCONNECT on its communication port), which drains the
 * request from the service tree and fails its requester; then the
 * receive's copy fails. The requester must get -ECONNRESET and the
 * connection port must hold nothing. Today lpc_requeue() finds the
 * request detached on a port that is not dead and queues it again: a
 * request of an ended connection waits on the connection port, counted.
 * (If the copy fails while the drain still has the request on its
 * private list, the list is corrupted; see the next test.)
 */
TEST_F(recv, failed_copy_after_server_disconnect)
{
	struct lpc_sync_req r;
	struct lpc_xfer x;
	struct lpc_call rx;
	int ret;

	UFFD_AREA(1);
	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "drained", 7,
					LPC_WAIT_NS));
	ASSERT_EQ(0, lpc_uffd_register(&self->uffd, self->area, LPC_PAGE));
	lpc_recv_init(&x, self->area, LPC_PAGE, NULL, 0, LPC_WAIT_NS);
	ASSERT_EQ(0, lpc_call_start(&rx, self->cport, LPC_IOC_XFER, &x));
	ASSERT_EQ(0, lpc_uffd_wait_at(&self->uffd, self->area,
				      LPC_WAIT_MS));

	EXPECT_EQ(0, sys_lpc_disconnect(self->server));
	EXPECT_TRUE(lpc_call_wait(&r.call, 5000));
	ret = lpc_call_join(&r.call);
	EXPECT_EQ(-ECONNRESET, ret) {
		TH_LOG("requester: %s", ret ? strerror(-ret) : "answered");
	}

	ASSERT_EQ(0, lpc_uffd_fail(&self->uffd, self->area));
	ret = lpc_call_join(&rx);
	EXPECT_EQ(-EFAULT, ret) {
		TH_LOG("receive: %s", strerror(-ret));
	}
	EXPECT_PORT_HEALTHY();
}

/* ---- the same, raced for real ---- */

struct spinner {
	int cport;
	void *bad;		/* PROT_NONE: every copy to it fails */
	volatile int stop;
	volatile int go;
	int efaults;		/* receives that failed their copy */
	int other;		/* the first other error, if any */
};

/*
 * Receive into @bad without waiting, again and again: each receive takes
 * the request into service, fails its copy and requeues it, until the
 * test says stop and the queue is empty.
 */
static void *spin_receive(void *p)
{
	struct spinner *s = p;
	struct lpc_msg_info info;
	int ret;

	while (!__atomic_load_n(&s->go, __ATOMIC_ACQUIRE))
		;
	for (;;) {
		ret = lpc_recv_nb(s->cport, &info, s->bad, 64);
		if (ret == -EFAULT) {
			s->efaults++;
			/* Bounded: a request left queued spins forever. */
			if (s->stop && s->efaults > 100000)
				break;
			continue;
		}
		if (ret != -EAGAIN && !s->other)
			s->other = ret;
		if (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
			break;
	}
	return NULL;
}

/*
 * The previous test's race, unparked: a receiver fails its copy of a
 * request again and again while the server disconnects, for up to 200
 * connections or 10 seconds. A copy that fails while the drain holds
 * the request on its private list corrupts that list (list_add on an
 * entry still linked: a "list_del corruption" BUG with DEBUG_LIST);
 * one that fails after the drain leaves the request queued. Either way
 * the connection port must end up empty.
 */
TEST_F_TIMEOUT(recv, failed_copies_race_server_disconnect, 60)
{
	struct lpc_sync_req r;
	struct spinner s;
	pthread_t t;
	__u64 end = lpc_now_ns() + 10 * LPC_NSEC_PER_SEC;
	int i, ret;

	memset(&s, 0, sizeof(s));
	s.cport = self->cport;
	s.bad = mmap(NULL, LPC_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	ASSERT_NE(MAP_FAILED, s.bad);
	for (i = 0; i < 200 && lpc_now_ns() < end; i++) {
		if (i) {
			ret = lpc_connect_pair(self->dev, self->cport,
					       self->name, 1, 0,
					       &self->client, &self->server);
			ASSERT_EQ(0, ret);
		}
		s.stop = 0;
		s.go = 0;
		s.efaults = 0;
		ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "x", 1,
						LPC_WAIT_NS));
		ASSERT_EQ(POLLIN, lpc_poll(self->cport, POLLIN, LPC_WAIT_MS));
		ASSERT_EQ(0, pthread_create(&t, NULL, spin_receive, &s));
		__atomic_store_n(&s.go, 1, __ATOMIC_RELEASE);
		/* Let it fail a few copies, then disconnect under it. */
		while (!__atomic_load_n(&s.efaults, __ATOMIC_RELAXED))
			;
		EXPECT_EQ(0, sys_lpc_disconnect(self->server));
		__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
		pthread_join(t, NULL);
		ret = lpc_call_join(&r.call);
		EXPECT_EQ(-ECONNRESET, ret);
		EXPECT_EQ(0, s.other);
		EXPECT_GE(100000, s.efaults) {
			TH_LOG("round %d: a request of the ended connection "
			       "stays queued", i);
		}
		lpc_close(&self->client);
		lpc_close(&self->server);
		/* The server ended it: no close notice for the server. */
		EXPECT_PORT_HEALTHY();
		/* Reported above; more rounds would only repeat it. */
		if (ret != -ECONNRESET || s.other || s.efaults > 100000)
			break;
	}
	TH_LOG("%d rounds", i);
	munmap(s.bad, LPC_PAGE);
}

TEST_HARNESS_MAIN
