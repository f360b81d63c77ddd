// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: races on one request, on purpose.
 *
 * A race worker keeps one connection (and sometimes a second one on the
 * same connection port) and gives each of its threads one or more roles.
 * The receiver publishes the id of the request it just received, with its
 * direct ranges, in struct race; every other role reads it at once and
 * acts on that same request through its own port:
 *
 *   requester   synchronous requests with direct ranges (some without a
 *               timeout), asynchronous ones, receives on the client port
 *   receiver    receives on the connection port, publishes the request
 *   replier     replies to it through the connection port, the server
 *               port, the other connection's server port, or reply+receive
 *   canceller   cancels it (and the last asynchronous request)
 *   direct      reads and writes its ranges
 *   conductor   disconnects, closes, dups and rebuilds the connection,
 *               creates sections
 *   batch       receive batches on the connection port (they publish too)
 *   sender      sender checks of it, view releases and touches
 *
 * All at once, on one connection, over and over.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lpcfuzz.h"

enum role {
	R_REQUESTER, R_RECEIVER, R_REPLIER, R_CANCEL, R_DIRECT, R_CONDUCTOR,
	R_BATCH, R_SENDER,
};

struct race {
	struct proc *p;
	int lst, cli, srv, cli2, srv2;	/* -1: none */
	u64 req, nonce, async;
	u32 nr;
	struct lpc_range rg[LPC_MAX_RANGES];
	u64 dead_at;			/* disconnected at, or 0 */
	int seq;
	/* the helper thread connects while the conductor accepts */
	pthread_t helper;
	sem_t go, done;
	char name[32];
	int cfd;
};

#define LD(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define ST(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static int raw_connect(const char *name)
{
	struct lpc_connect c;
	int dev = open("/dev/lpc", O_RDWR | O_CLOEXEC), r;

	if (dev < 0)
		return -1;
	memset(&c, 0, sizeof(c));
	c.name = (u64)(uintptr_t)name;
	c.name_len = (u32)strlen(name);
	c.flags = LPC_CONNECT_TIMEOUT;
	c.timeout_ns = 1000000000ULL;
	r = ioctl(dev, LPC_IOC_CONNECT, &c);
	stat_op(OP_CONNECT, r < 0 ? errno : 0);
	stat_clean(OP_CONNECT, r < 0 ? errno : 0);
	close(dev);
	if (r >= 0)
		ev_add(EV_CONNECTED, 1);
	return r < 0 ? -1 : r;
}

static void *helper(void *arg)
{
	struct race *rc = arg;

	for (;;) {
		while (sem_wait(&rc->go) && errno == EINTR)
			;
		rc->cfd = raw_connect(rc->name);
		sem_post(&rc->done);
	}
	return NULL;
}

struct race *race_new(struct proc *p)
{
	struct race *rc = calloc(1, sizeof(*rc));

	if (!rc)
		return NULL;
	rc->p = p;
	rc->lst = rc->cli = rc->srv = rc->cli2 = rc->srv2 = -1;
	sem_init(&rc->go, 0, 0);
	sem_init(&rc->done, 0, 0);
	if (pthread_create(&rc->helper, NULL, helper, rc)) {
		free(rc);
		return NULL;
	}
	return rc;
}

/* An accept of a client of our connection port: the race's server port. */
bool race_on_connreq(struct th *t, int fd, u64 id)
{
	struct race *rc = t->p->race;
	int r;

	if (fd != LD(rc->lst))
		return false;
	r = do_accept(t, fd, id, false, false);
	if (r <= 0)
		return true;
	if (LD(rc->srv) < 0)
		ST(rc->srv, r);
	else if (LD(rc->srv2) < 0)
		ST(rc->srv2, r);
	return true;
}

static void drop(struct th *t, int *fd)
{
	int old = __atomic_exchange_n(fd, -1, __ATOMIC_ACQ_REL);

	if (old >= 0)
		pool_close(t, old);
}

static int create_lst(struct th *t, struct race *rc)
{
	struct lpc_port_attr a;
	int dev = open("/dev/lpc", O_RDWR | O_CLOEXEC), r;

	if (dev < 0)
		return -1;
	snprintf(rc->name, sizeof(rc->name), "rz%d.%d.%d", t->p->idx,
		 t->p->gen, rc->seq++);
	memset(&a, 0, sizeof(a));
	a.name = (u64)(uintptr_t)rc->name;
	a.name_len = (u32)strlen(rc->name);
	a.flags = LPC_PORT_ALLOW_FDS;
	a.max_queued = 1 + rn(&t->r, 16);
	a.max_msg_len = rn(&t->r, 4) ? 4096 : LPC_MSG_MAX;
	r = ioctl(dev, LPC_IOC_CREATE_PORT, &a);
	stat_op(OP_CREATE_PORT, r < 0 ? errno : 0);
	stat_clean(OP_CREATE_PORT, r < 0 ? errno : 0);
	close(dev);
	if (r >= 0)
		pool_add(t->p, r, K_LISTENER, -1);
	return r;
}

/*
 * Connect a client to our connection port while this thread (or the
 * receiver, whichever gets the connection request) accepts it.
 */
static int connect_one(struct th *t, struct race *rc, int lst, int *srvp)
{
	struct timespec ts;
	u64 end = now_ns() + 1500000000ULL;
	int before = LD(*srvp);

	sem_post(&rc->go);
	while (LD(*srvp) == before && now_ns() < end && !g_sh->stop)
		do_receive(t, lst, 20000000, false);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 2;
	while (sem_timedwait(&rc->done, &ts))
		if (errno != EINTR)
			return -1;	/* the helper is stuck: give up */
	if (rc->cfd >= 0)
		pool_add(t->p, rc->cfd, K_CLIENT, -1);
	return rc->cfd;
}

static void rebuild(struct th *t, struct race *rc)
{
	int lst, cli;

	drop(t, &rc->cli);
	drop(t, &rc->srv);
	drop(t, &rc->cli2);
	drop(t, &rc->srv2);
	ST(rc->req, 0);
	ST(rc->dead_at, 0);
	lst = LD(rc->lst);
	if (lst < 0 || one_in(&t->r, 10)) {
		drop(t, &rc->lst);
		lst = create_lst(t, rc);
		if (lst < 0)
			return;
		ST(rc->lst, lst);
	}
	cli = connect_one(t, rc, lst, &rc->srv);
	if (cli < 0 || LD(rc->srv) < 0) {
		if (cli >= 0)
			pool_close(t, cli);
		drop(t, &rc->srv);
		drop(t, &rc->lst);	/* start afresh */
		return;
	}
	ST(rc->cli, cli);
	ev_add(EV_RACE_REBUILDS, 1);
	if (one_in(&t->r, 3)) {
		cli = connect_one(t, rc, lst, &rc->srv2);
		if (cli >= 0)
			ST(rc->cli2, cli);
	}
}

static void publish(struct th *t, struct race *rc)
{
	if (!t->got_req)
		return;
	t->got_req = false;
	ST(rc->nr, 0);
	memcpy(rc->rg, t->last.ranges, sizeof(rc->rg));
	ST(rc->nr, t->last.nr_ranges);
	ST(rc->nonce, t->last.nonce);
	ST(rc->req, t->last.id);
}

static void current_req(struct race *rc, struct inreq *q)
{
	memset(q, 0, sizeof(*q));
	q->id = LD(rc->req);
	q->nonce = LD(rc->nonce);
	q->nr_ranges = LD(rc->nr);
	if (q->nr_ranges > LPC_MAX_RANGES)
		q->nr_ranges = 0;
	memcpy(q->ranges, rc->rg, sizeof(q->ranges));
	q->fd = LD(rc->lst);
	q->srv = LD(rc->srv);
}

static void idle(struct th *t)
{
	usleep(100 + rn(&t->r, 900));
}

static bool mut(struct th *t)
{
	return pct(&t->r, (u32)(g_opt.mutate + 9) / 10);
}

static void requester(struct th *t, struct race *rc)
{
	int cli = LD(rc->cli);
	u64 tmo;

	if (cli < 0) {
		idle(t);
		return;
	}
	switch (rn(&t->r, 10)) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6:
		tmo = one_in(&t->r, 4) ? ~0ULL :
		      1000ULL * (50 + rn(&t->r, 30000));
		do_request(t, cli, true, tmo, mut(t), 1);
		break;
	case 7:
		do_request(t, cli, false, 1000000, mut(t), 0);
		if (t->last_send_id)
			ST(rc->async, t->last_send_id);
		break;
	case 8:
		do_receive(t, cli, rn(&t->r, 2) ? 0 : 2000000, mut(t));
		break;
	default:
		cli = LD(rc->cli2);
		if (cli >= 0)
			do_request(t, cli, true, 5000000, mut(t), 1);
		else
			do_datagram(t, LD(rc->cli), mut(t));
		break;
	}
}

static int reply_port(struct th *t, struct race *rc)
{
	u32 c = rn(&t->r, 100);
	int fd;

	if (c < 45)
		fd = LD(rc->lst);
	else if (c < 85)
		fd = LD(rc->srv);
	else if (c < 95)
		fd = LD(rc->srv2);	/* another connection's: -ENOENT */
	else
		fd = LD(rc->cli);
	return fd >= 0 ? fd : LD(rc->lst);
}

static void replier(struct th *t, struct race *rc)
{
	struct inreq q;
	int r;

	current_req(rc, &q);
	if (!q.id) {
		idle(t);
		return;
	}
	if (one_in(&t->r, 5)) {
		r = do_reply(t, q.fd, &q, true, mut(t));
		publish(t, rc);
	} else {
		r = do_reply(t, reply_port(t, rc), &q, false, mut(t));
	}
	if (r == 0 || r == -ENOENT || r == -ECANCELED)
		__atomic_compare_exchange_n(&rc->req, &q.id, 0, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

static void canceller(struct th *t, struct race *rc)
{
	u64 id = one_in(&t->r, 4) ? LD(rc->async) : LD(rc->req);
	u32 c = rn(&t->r, 10);
	int fd;

	if (!id || LD(rc->cli) < 0) {
		idle(t);
		return;
	}
	fd = c < 7 ? LD(rc->cli) : c < 8 ? LD(rc->cli2) :
	     c < 9 ? LD(rc->srv) : LD(rc->lst);
	do_cancel(t, fd, id, mut(t));
	/* a cancel is cheap: leave the others some CPU */
	if (rn(&t->r, 4))
		usleep(rn(&t->r, 300));
}

static void direct(struct th *t, struct race *rc)
{
	struct inreq q;
	u32 c = rn(&t->r, 20);
	int fd;

	current_req(rc, &q);
	if (!q.id) {
		idle(t);
		return;
	}
	fd = c < 12 ? q.fd : c < 19 ? q.srv : LD(rc->srv2);
	if (do_direct(t, fd, q.id, &q, one_in(&t->r, 2), mut(t)) < 0 &&
	    rn(&t->r, 2))
		usleep(rn(&t->r, 300));
}


static void conductor(struct th *t, struct race *rc)
{
	u64 dead = LD(rc->dead_at);
	u32 c;
	int fd, nfd;

	if (LD(rc->lst) < 0 || LD(rc->cli) < 0 || LD(rc->srv) < 0 ||
	    (dead && now_ns() - dead > 2000000ULL + rn(&t->r, 20000000))) {
		rebuild(t, rc);
		return;
	}
	c = rn(&t->r, 200);
	if (c < 4) {
		do_disconnect(t, LD(rc->cli));
		ST(rc->dead_at, now_ns());
	} else if (c < 8) {
		do_disconnect(t, LD(rc->srv));
		ST(rc->dead_at, now_ns());
	} else if (c < 11) {
		drop(t, &rc->srv);
	} else if (c < 14) {
		drop(t, &rc->cli);
	} else if (c < 15) {
		drop(t, &rc->lst);
	} else if (c < 18) {
		/* the same port under a new number; the old one closes */
		fd = LD(rc->cli);
		nfd = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : -1;
		if (nfd >= 0) {
			pool_add(t->p, nfd, K_CLIENT, -1);
			if (__atomic_compare_exchange_n(&rc->cli, &fd, nfd,
							false, __ATOMIC_ACQ_REL,
							__ATOMIC_RELAXED))
				pool_close(t, fd);
			else
				pool_close(t, nfd);
		}
	} else if (c < 24) {
		do_section(t, rn(&t->r, 3) ? LD(rc->cli) : LD(rc->srv),
			   mut(t));
	} else if (c < 26) {
		do_sender_check(t, LD(rc->srv), 0, mut(t));
	} else if (c < 28) {
		do_datagram(t, LD(rc->srv), mut(t));
	} else if (c < 30) {
		/* a request the other way: the client must answer it */
		do_request(t, LD(rc->srv), rn(&t->r, 2), 3000000, mut(t), 0);
	} else {
		idle(t);
	}
}

static void receiver(struct th *t, struct race *rc)
{
	int lst = LD(rc->lst);

	if (lst < 0) {
		idle(t);
		return;
	}
	do_receive(t, lst, 1000000ULL * (1 + rn(&t->r, 10)), mut(t));
	publish(t, rc);
}

static void batch(struct th *t, struct race *rc)
{
	int lst = LD(rc->lst);

	if (lst < 0) {
		idle(t);
		return;
	}
	do_recv_batch(t, lst, mut(t));
	publish(t, rc);
}


static void sender(struct th *t, struct race *rc)
{
	struct view v;
	u64 id = LD(rc->req);

	switch (rn(&t->r, 6)) {
	case 0: case 1: case 2:
		if (!id) {
			idle(t);
			return;
		}
		do_sender_check(t, rn(&t->r, 3) ? LD(rc->lst) : LD(rc->srv),
				id, mut(t));
		break;
	case 3:
		do_view_release(t, mut(t));
		break;
	case 4:
		if (view_pick(t, &v, false))
			view_check(t, &v);
		break;
	default:
		/* a receive on the server port: -EINVAL, but racing */
		if (LD(rc->srv) >= 0 && one_in(&t->r, 4))
			do_receive(t, LD(rc->srv), 0, false);
		else
			idle(t);
		break;
	}
}

void race_step(struct th *t, u32 roles)
{
	struct race *rc = t->p->race;
	u32 n = (u32)__builtin_popcount(roles), k = rn(&t->r, n), r;

	for (r = 0; r < NR_ROLES; r++)
		if ((roles & (1U << r)) && k-- == 0)
			break;
	/* now and then, this step's copies stop half way (slow.c) */
	t->slow = one_in(&t->r, 6);
	switch (r) {
	case R_REQUESTER: requester(t, rc); break;
	case R_RECEIVER: receiver(t, rc); break;
	case R_REPLIER: replier(t, rc); break;
	case R_CANCEL: canceller(t, rc); break;
	case R_DIRECT: direct(t, rc); break;
	case R_CONDUCTOR: conductor(t, rc); break;
	case R_BATCH: batch(t, rc); break;
	default: sender(t, rc); break;
	}
	t->slow = false;
}
