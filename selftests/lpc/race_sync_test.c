// SPDX-License-Identifier: GPL-2.0
/*
 * The lifetime of a synchronous request (LPC_XFER_SEND | LPC_XFER_RECV)
 * when its connection ends under it.
 *
 * A synchronous request has two references: its inbox side (the queue or
 * service tree holding it) and its requester side (the origin's pending
 * tree, handed to the waiting thread when the request is answered or
 * failed). Whoever takes it out of the pending tree owes the waiter an
 * answer (lpc_msg_answer()); whoever drops the requester reference
 * without answering frees the request under the thread sleeping on it.
 *
 * What the uapi promises: a synchronous request whose server goes away
 * fails with -ECONNRESET (LPC_IOC_DISCONNECT: "waiting requesters wake
 * with -ECONNRESET"), a cancelled one with -ECANCELED, and a request
 * that failed is gone, with everything it held.
 *
 * The first fixture is one connection in this process. The second runs
 * each scenario in a child that became an unprivileged uid of its own,
 * with max_ports_per_user at 1: a request that leaks keeps its
 * connection, which keeps the connection port, whose per-user charge then
 * stays, and the same uid cannot create a port any more.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"
#include "lpc_query.h"
#include "lpc_race.h"

/* How long a waiter may take to wake once its request failed. */
#define PROMPT_MS	2000
/* Its own timeout: long enough to tell "woken" from "timed out". */
#define WAITER_NS	(5 * LPC_NSEC_PER_SEC)

FIXTURE(sync) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
};

FIXTURE_SETUP(sync)
{
	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_DISCONNECT);
	LPC_OPEN_PAIR(.context = 1);
}

FIXTURE_TEARDOWN(sync)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/*
 * Bug: LPC_IOC_DISCONNECT on a client port while another thread of the
 * client waits in a synchronous request the server has not received.
 * The waiter must wake at once with -ECONNRESET. Today the drain of the
 * connection port finds the client port already dead and drops the
 * requester reference instead of answering: the request is freed, the
 * waiter sleeps until its own timeout, then reads the freed request,
 * takes it for an answer and puts it again (refcount_t underflow).
 */
TEST_F(sync, disconnect_wakes_sync_requester)
{
	struct lpc_sync_req r;
	bool woke;
	int ret;

	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "wait", 4,
					WAITER_NS));
	/* Queued at the server, not received. */
	ASSERT_EQ(POLLIN, lpc_poll(self->cport, POLLIN, LPC_WAIT_MS));

	EXPECT_EQ(0, sys_lpc_disconnect(self->client));
	woke = lpc_call_wait(&r.call, PROMPT_MS);
	EXPECT_TRUE(woke) {
		TH_LOG("the requester still sleeps %d ms after the "
		       "disconnect", PROMPT_MS);
	}
	ret = lpc_call_join(&r.call);
	EXPECT_EQ(-ECONNRESET, ret) {
		TH_LOG("requester: %s (info type %u)",
		       ret ? strerror(-ret) : "success", r.x.info.type);
	}
}

/*
 * Bug: the same on the server side. A thread waits in a synchronous
 * request from the server communication port (its origin is the
 * connection port) that the client has not received, and the connection
 * port is closed. The waiter must wake at once with -ECONNRESET. Today
 * the connection port is marked dead first, so the drain of the client
 * port drops the requester reference: the request is freed (kvfree) under
 * the waiter, which wakes at its timeout and uses it.
 */
TEST_F(sync, connection_port_close_wakes_server_requester)
{
	struct lpc_sync_req r;
	bool woke;
	int ret;

	ASSERT_EQ(0, lpc_sync_req_start(&r, self->server, "wait", 4,
					WAITER_NS));
	ASSERT_EQ(POLLIN, lpc_poll(self->client, POLLIN, LPC_WAIT_MS));

	lpc_close(&self->cport);
	woke = lpc_call_wait(&r.call, PROMPT_MS);
	EXPECT_TRUE(woke) {
		TH_LOG("the requester still sleeps %d ms after the close",
		       PROMPT_MS);
	}
	ret = lpc_call_join(&r.call);
	EXPECT_EQ(-ECONNRESET, ret) {
		TH_LOG("requester: %s (info type %u)",
		       ret ? strerror(-ret) : "success", r.x.info.type);
	}
}

/* ---- requests waiting for room: a child of its own uid each ---- */

#define P_PORTS		"max_ports_per_user"
/* Uids no other test uses; one per test, since a leak outlives it. */
#define ROOM_UID	42600

static unsigned long orig_ports;
static bool orig_valid;

static void __attribute__((constructor)) room_save(void)
{
	orig_valid = !lpc_param_read(P_PORTS, &orig_ports);
}

static void __attribute__((destructor)) room_restore(void)
{
	if (orig_valid)
		lpc_param_write(P_PORTS, orig_ports);
}

enum room_variant {
	ROOM_CLOSE,		/* the server closes its connection port */
	ROOM_CANCEL,		/* the client cancels the request */
	ROOM_TIMEOUT,		/* the request times out waiting */
	ROOM_CONNECT,		/* a connect waits, the server closes */
};

/* Steps a scenario records. */
enum {
	S_PIN,		/* pinned to one CPU */
	S_CREATE,	/* the connection port */
	S_PAIR,		/* one connection */
	S_FILL,		/* a datagram filling the queue (max_queued 1) */
	S_BLOCKED,	/* the waiter sleeps in its ioctl */
	S_HELD,		/* messages the connection port holds then */
	S_ACT,		/* the close, cancel or nothing */
	S_PROMPT,	/* 1 if the waiter returned within PROMPT_MS */
	S_RESULT,	/* what the waiter's call returned */
	S_AGAIN,	/* later, the same uid creates a port */
};

struct room_ctx {
	int dev;
	int variant;
	char name[LPC_NAME_MAX + 1];
	struct lpc_steps *st;
};

/* Wait for the helper thread to have started and to sleep in ioctl. */
static int wait_caller_blocked(struct lpc_call *call)
{
	return lpc_call_wait_blocked(call, 5000);
}

/*
 * In the child: a connection port queuing one message, filled by a
 * datagram, then a synchronous request (or a connect) that waits for
 * room, then the variant's action.
 */
static int room_scenario(void *p)
{
	struct room_ctx *c = p;
	struct lpc_steps *st = c->st;
	int cport, client = -1, server = -1, ret, i;
	__u64 fid = 0, held = ~0ULL, wait_ns;
	struct lpc_sync_req r;
	struct lpc_connect conn;
	struct lpc_call *call;
	struct lpc_msg_info info;
	char buf[64];

	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	lpc_step(st, S_PIN, lpc_pin_cpu(0));
	cport = lpc_create_limits(c->dev, c->name, 0, 0, 1, 0);
	if (lpc_step(st, S_CREATE, cport) < 0)
		return cport;
	ret = lpc_connect_pair(c->dev, cport, c->name, 1, 0, &client,
			       &server);
	if (lpc_step(st, S_PAIR, ret))
		return ret;
	/*
	 * The cancel needs the request's id before its send returns: ids
	 * are handed out in order per CPU, so on one CPU it follows the
	 * datagram's (unless the datagram ended a batch of 1024).
	 */
	for (i = 0; i < 3; i++) {
		ret = lpc_send(client, LPC_MSG_DATAGRAM, "fill", 4, &fid);
		if (ret || fid % 1024)
			break;
		lpc_recv(cport, &info, buf, sizeof(buf), LPC_WAIT_NS);
	}
	if (lpc_step(st, S_FILL, ret))
		return ret;

	wait_ns = c->variant == ROOM_TIMEOUT ? 300 * LPC_NSEC_PER_MSEC :
					      WAITER_NS;
	if (c->variant == ROOM_CONNECT) {
		lpc_connect_init(&conn, c->name, wait_ns);
		call = &r.call;
		ret = lpc_call_start(call, c->dev, LPC_IOC_CONNECT, &conn);
	} else {
		call = &r.call;
		ret = lpc_sync_req_start(&r, client, "wait", 4, wait_ns);
	}
	if (ret)
		return ret;
	if (c->variant != ROOM_TIMEOUT) {
		lpc_step(st, S_BLOCKED, wait_caller_blocked(call));
		lpc_fdinfo_u64(cport, "lpc-held", &held);
		lpc_step(st, S_HELD, (int)held);
	}

	switch (c->variant) {
	case ROOM_CLOSE:
	case ROOM_CONNECT:
		lpc_close(&cport);
		lpc_step(st, S_ACT, 0);
		break;
	case ROOM_CANCEL:
		ret = -ENOENT;
		for (i = 1; i <= 4 && ret == -ENOENT; i++) {
			struct lpc_cancel cc = { .id = fid + i };

			ret = sys_lpc_cancel(client, &cc);
		}
		lpc_step(st, S_ACT, ret);
		break;
	default:
		lpc_step(st, S_ACT, 0);
		break;
	}
	lpc_step(st, S_PROMPT, lpc_call_wait(call, c->variant == ROOM_TIMEOUT ?
						   LPC_WAIT_MS : PROMPT_MS));
	ret = lpc_call_join(call);
	lpc_step(st, S_RESULT, ret);
	if (c->variant == ROOM_CONNECT && ret >= 0)
		close(ret);
	lpc_close(&client);
	lpc_close(&server);
	lpc_close(&cport);
	return 0;
}

/* In a later child of the same uid: can it create a port again? */
static int room_create_again(void *p)
{
	struct room_ctx *c = p;
	int fd = lpc_create(c->dev, c->name);

	lpc_step(c->st, S_AGAIN, fd < 0 ? fd : 0);
	if (fd >= 0)
		close(fd);
	return 0;
}

FIXTURE(room) {
	int dev;
	struct room_ctx ctx;
	struct lpc_ident id;
	bool saved;
	unsigned long ports;
};

FIXTURE_SETUP(room)
{
	self->dev = -1;
	self->saved = false;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_CANCEL);
	if (lpc_param_read(P_PORTS, &self->ports))
		LPC_SKIP("no %s%s", LPC_PARAM_DIR, P_PORTS);
	self->saved = true;
	ASSERT_EQ(0, lpc_param_write(P_PORTS, 1));
	memset(&self->ctx, 0, sizeof(self->ctx));
	self->ctx.dev = self->dev;
	/* The children cannot search "/": keep /proc open for them. */
	ASSERT_EQ(0, lpc_proc_init());
	self->ctx.st = lpc_steps_new();
	ASSERT_NE(NULL, self->ctx.st);
	lpc_name(self->ctx.name, sizeof(self->ctx.name), _metadata->name);
	memset(&self->id, 0, sizeof(self->id));
	self->id.cap = LPC_CAPS_NONE;
	self->id.drop = -1;
}

FIXTURE_TEARDOWN(room)
{
	if (self->saved)
		EXPECT_EQ(0, lpc_param_write(P_PORTS, self->ports));
	if (self->ctx.st)
		munmap(self->ctx.st, sizeof(*self->ctx.st));
	lpc_close(&self->dev);
}

static const char *const step_names[] = {
	"pin", "create", "pair", "fill", "blocked", "held", "act", "prompt",
	"result", "again",
};

/* Run @variant as @uid; then check for a leak as the same uid. */
#define RUN_ROOM(variant_, uid_) do {					\
		int __r, __i;						\
		self->ctx.variant = (variant_);				\
		self->id.uid = self->id.gid = (uid_);			\
		__r = lpc_as_user(&self->id, room_scenario, &self->ctx); \
		EXPECT_EQ(0, __r) {					\
			TH_LOG("scenario child: %s", strerror(-__r));	\
		}							\
		__r = lpc_as_user(&self->id, room_create_again,		\
				  &self->ctx);				\
		EXPECT_EQ(0, __r);					\
		for (__i = 0; __i <= S_AGAIN; __i++)			\
			TH_LOG("step %-8s %d", step_names[__i],		\
			       self->ctx.st->ret[__i]);			\
	} while (0)

#define ST(step)	(self->ctx.st->ret[step])

#define EXPECT_WAITED() do {						\
		EXPECT_LE(0, ST(S_CREATE));				\
		EXPECT_EQ(0, ST(S_PAIR));				\
		EXPECT_EQ(0, ST(S_FILL));				\
		EXPECT_EQ(0, ST(S_BLOCKED));				\
		/* The datagram only: the waiter is not queued. */	\
		EXPECT_EQ(1, ST(S_HELD));				\
	} while (0)

#define EXPECT_NO_LEAK() EXPECT_EQ(0, ST(S_AGAIN)) {			\
		TH_LOG("the same uid cannot create a port any more "	\
		       "(%s): the request leaked its connection and "	\
		       "connection port", strerror(-ST(S_AGAIN)));	\
	}

/*
 * Bug: a synchronous request waits for room on a full connection port,
 * and the server closes that port. The request must fail with
 * -ECONNRESET and be freed. Today the closer answers it (taking it out
 * of the pending tree) while its sender finds the port dead and fails
 * the send with -ENOTCONN; the sender no longer finds it pending and
 * drops one reference only: the request leaks, and its connection and
 * connection port with it. All on one CPU, the closer always goes first.
 */
TEST_F(room, server_close_fails_waiting_request)
{
	RUN_ROOM(ROOM_CLOSE, ROOM_UID);
	EXPECT_WAITED();
	EXPECT_EQ(1, ST(S_PROMPT));
	EXPECT_EQ(-ECONNRESET, ST(S_RESULT)) {
		TH_LOG("request: %s", strerror(-ST(S_RESULT)));
	}
	EXPECT_NO_LEAK();
}

/*
 * Bug: a synchronous request waiting for room is cancelled by id from
 * another thread. Its call must fail with -ECANCELED, at once. Today
 * the cancel answers it, but its sender sleeps on until its timeout,
 * fails with -ETIMEDOUT and leaks the request the same way.
 */
TEST_F(room, cancel_fails_waiting_request)
{
	RUN_ROOM(ROOM_CANCEL, ROOM_UID + 1);
	EXPECT_WAITED();
	EXPECT_EQ(0, ST(S_ACT)) {
		TH_LOG("cancel: %s", strerror(-ST(S_ACT)));
	}
	EXPECT_EQ(1, ST(S_PROMPT));
	EXPECT_EQ(-ECANCELED, ST(S_RESULT)) {
		TH_LOG("request: %s", strerror(-ST(S_RESULT)));
	}
	EXPECT_NO_LEAK();
}

/*
 * Control: a synchronous request that times out waiting for room fails
 * with -ETIMEDOUT and leaks nothing (it is still pending, and its sender
 * takes it back). Passes today.
 */
TEST_F(room, timeout_waiting_for_room_no_leak)
{
	RUN_ROOM(ROOM_TIMEOUT, ROOM_UID + 2);
	EXPECT_LE(0, ST(S_CREATE));
	EXPECT_EQ(0, ST(S_FILL));
	EXPECT_EQ(1, ST(S_PROMPT));
	EXPECT_EQ(-ETIMEDOUT, ST(S_RESULT));
	EXPECT_NO_LEAK();
}

/*
 * Bug: the same for a connect waiting for room when the connection port
 * closes: it fails with -ECONNRESET (right), but its connection request
 * leaks, with the new connection and the connection port.
 */
TEST_F(room, server_close_fails_waiting_connect)
{
	RUN_ROOM(ROOM_CONNECT, ROOM_UID + 3);
	EXPECT_WAITED();
	EXPECT_EQ(1, ST(S_PROMPT));
	EXPECT_EQ(-ECONNRESET, ST(S_RESULT)) {
		TH_LOG("connect: %s", strerror(-ST(S_RESULT)));
	}
	EXPECT_NO_LEAK();
}

TEST_HARNESS_MAIN
