// SPDX-License-Identifier: GPL-2.0
/*
 * A request is pending before it has an inbox.
 *
 * lpc_send() puts a request in its origin's pending tree
 * (lpc_msg_add_pending()) and drops the origin's lock; msg->inbox is set
 * only afterwards, by lpc_msg_enqueue(). A connection shut down in that
 * window fails the origin's pending requests (lpc_port_fail_pending()):
 * an asynchronous one is withdrawn with lpc_msg_abandon(), which locks
 * msg->inbox, still NULL: a NULL pointer dereference (an oops, so a
 * panic in the test VM).
 *
 * Nothing of user space lies between the two steps, so no userfaultfd
 * point can hold a sender there: this is a bounded race. Four threads
 * send asynchronous requests as fast as they can while the connection
 * is ended under them, from the server side (the client's requests are
 * pending on the client port) and from the client side (the server's
 * requests are pending on the connection port, which stays open, so the
 * senders keep entering the window for as long as the shutdown scans
 * that tree), for up to 20 seconds.
 * The window is a few instructions wide; under TCG it is hit when a
 * vCPU is descheduled inside it, so a pass says little, a kernel report
 * says everything.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"
#include "lpc_race.h"

#define SENDERS		4
#define ROUNDS		5000
#define SECONDS		20

struct sender {
	pthread_t thread;
	int port;
	volatile int *go;
	volatile int *stop;
	int sent;
	int failed;		/* sends refused because the connection ended */
	int err;		/* an unexpected error, if any */
};

/*
 * Send asynchronous requests until told to stop. Once the connection
 * ended every send fails (-ENOTCONN), but a send from the server side
 * still passes through the pending tree of the connection port, which
 * the shutdown keeps scanning as long as it finds requests there: keep
 * sending through the whole shutdown.
 */
static void *send_loop(void *p)
{
	struct sender *s = p;
	struct lpc_xfer x;
	int ret;

	while (!__atomic_load_n(s->go, __ATOMIC_ACQUIRE))
		;
	while (!__atomic_load_n(s->stop, __ATOMIC_ACQUIRE)) {
		memset(&x, 0, sizeof(x));
		x.flags = LPC_XFER_SEND | LPC_XFER_NONBLOCK;
		x.send_type = LPC_MSG_REQUEST;
		x.send_buf = lpc_ptr("r");
		x.send_len = 1;
		ret = sys_lpc_xfer(s->port, &x);
		if (!ret)
			s->sent++;
		else if (ret == -ENOTCONN)
			s->failed++;
		/* Full: the queue (-EAGAIN), or the port's share of
		 * asynchronous requests outstanding (-ENOBUFS).
		 */
		else if (ret != -EAGAIN && ret != -ENOBUFS && !s->err)
			s->err = ret;
	}
	return NULL;
}

FIXTURE(pending) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
};

FIXTURE_SETUP(pending)
{
	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_DISCONNECT);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	self->cport = lpc_create_limits(self->dev, self->name, 0, 0, 1024, 0);
	ASSERT_LE(0, self->cport);
}

FIXTURE_TEARDOWN(pending)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/*
 * One round: SENDERS threads send from @from (the client port, or the
 * server communication port) while this thread ends the connection
 * from the other side after a pseudo-random delay.
 */
static int race_round(FIXTURE_DATA(pending) *self, bool client_sends,
		      unsigned int delay)
{
	struct sender s[SENDERS];
	struct lpc_msg_info info;
	char buf[64];
	volatile int go = 0, stop = 0;
	int i, ret, from;
	volatile unsigned int spin;

	ret = lpc_connect_pair(self->dev, self->cport, self->name, 1, 0,
			       &self->client, &self->server);
	if (ret)
		return ret;
	from = client_sends ? self->client : self->server;
	for (i = 0; i < SENDERS; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].port = from;
		s[i].go = &go;
		s[i].stop = &stop;
		ret = pthread_create(&s[i].thread, NULL, send_loop, &s[i]);
		if (ret)
			return -ret;
	}
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (spin = 0; spin < delay; spin++)
		;
	if (client_sends)
		lpc_close(&self->server);	/* server side: by_server */
	else
		sys_lpc_disconnect(self->client);	/* client side */
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < SENDERS; i++)
		pthread_join(s[i].thread, NULL);
	ret = 0;
	for (i = 0; i < SENDERS; i++)
		if (s[i].err && !ret)
			ret = s[i].err;
	lpc_close(&self->client);
	lpc_close(&self->server);
	/* The close notice of a client-side end, and nothing else. */
	while (!lpc_recv_nb(self->cport, &info, buf, sizeof(buf))) {
		if (info.type != LPC_MSG_PORT_CLOSED && !ret)
			ret = -EPROTO;
	}
	return ret;
}

TEST_F_TIMEOUT(pending, shutdown_races_async_sends, 60)
{
	__u64 end = lpc_now_ns() + SECONDS * LPC_NSEC_PER_SEC;
	unsigned int seed = 12345;
	int round, ret;

	for (round = 0; round < ROUNDS && lpc_now_ns() < end; round++) {
		seed = seed * 1103515245 + 12345;
		/* Every other round ends from the server side. */
		ret = race_round(self, round & 1,
				 (seed >> 8) % 20000);
		ASSERT_EQ(0, ret) {
			TH_LOG("round %d: a sender ended with %s", round,
			       strerror(-ret));
		}
	}
	TH_LOG("%d rounds without a kernel report", round);
}

TEST_HARNESS_MAIN
