// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: what the threads of a chaos worker do. One thread is mostly a
 * server (receive on the worker's connection ports, accept, reply); the
 * others pick one operation at a time by weight: an ioctl from ops.c, or
 * something around them (close, dup, fork (fork.c), fds over SCM_RIGHTS,
 * munmap and mremap of views, seals, poll, epoll, fdinfo, killing a
 * sibling, exit).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lpcfuzz.h"


static u64 short_tmo(struct th *t)
{
	return 1000000ULL * (1 + rn(&t->r, 20));
}

static u64 call_tmo(struct th *t)
{
	return 1000000ULL * (20 + rn(&t->r, 200));
}

static int comm_fd(struct th *t, u32 client_pct)
{
	int fd = -1;

	if (rn(&t->r, 100) < 95) {
		fd = pool_pick(t, pct(&t->r, client_pct) ? KM(K_CLIENT) :
			       KM(K_SERVER), NULL);
		if (fd < 0)
			fd = pool_pick(t, KM_COMM, NULL);
	}
	return fd >= 0 ? fd : pool_fd_for_op(t, KM_COMM);
}

static void op_connect(struct th *t, bool m);

/* Without a connection, most message operations only fail: make one. */
static bool need_conn(struct th *t)
{
	if (pool_count(t->p, K_CLIENT) + pool_count(t->p, K_SERVER) ||
	    one_in(&t->r, 8))
		return false;
	op_connect(t, false);
	return true;
}

/* ---- the operations ---- */

static void op_recv(struct th *t, bool m)
{
	do_receive(t, pool_fd_for_op(t, KM(K_LISTENER) | KM(K_CLIENT)),
		   one_in(&t->r, 3) ? 0 : short_tmo(t), m);
}

static void op_sync(struct th *t, bool m)
{
	if (need_conn(t))
		return;
	do_request(t, comm_fd(t, 85), true,
		   one_in(&t->r, 15) ? ~0ULL : call_tmo(t), m, 0);
}

static void op_async(struct th *t, bool m)
{
	if (need_conn(t))
		return;
	do_request(t, comm_fd(t, 85), false, short_tmo(t), m, 0);
}

static void op_dgram(struct th *t, bool m)
{
	if (need_conn(t))
		return;
	do_datagram(t, comm_fd(t, 70), m);
}

static void op_reply(struct th *t, bool m)
{
	struct inreq q;
	int fd;

	if (!inreq_pick(t, &q, false, 0)) {
		if (one_in(&t->r, 4))
			do_reply(t, pool_fd_for_op(t, KM_PORTS), NULL, false, m);
		else
			op_recv(t, m);
		return;
	}
	fd = rn(&t->r, 10) < 8 ? q.fd : pool_fd_for_op(t, KM_PORTS);
	do_reply(t, fd, &q, one_in(&t->r, 4), m);
}

static void op_accept(struct th *t, bool m)
{
	struct inreq q;

	if (inreq_pick(t, &q, true, 1))
		do_accept(t, q.fd, q.id, one_in(&t->r, 8), m);
	else
		do_accept(t, pool_fd_for_op(t, KM(K_LISTENER)), id_pick(t),
			  false, m);
}

static void op_connect(struct th *t, bool m)
{
	if (pool_count(t->p, K_CLIENT) > 20 && !one_in(&t->r, 4))
		return;
	do_connect(t, name_pick(t),
		   one_in(&t->r, 30) ? ~0ULL : 1000000ULL * (20 + rn(&t->r, 200)),
		   m);
}

static void op_create(struct th *t, bool m)
{
	if (pool_count(t->p, K_LISTENER) >= 2 && !one_in(&t->r, 6))
		return;
	do_create_port(t, (int)rn(&t->r, NR_NAMES), m);
}

static void op_direct(struct th *t, bool m)
{
	struct inreq q;
	int fd;

	if (!inreq_pick(t, &q, false, 0) || !q.nr_ranges) {
		memset(&q, 0, sizeof(q));
		q.id = id_pick(t);
		q.fd = pool_fd_for_op(t, KM_PORTS);
	}
	fd = rn(&t->r, 10) < 8 ? q.fd : pool_fd_for_op(t, KM_PORTS);
	do_direct(t, fd, q.id, &q, one_in(&t->r, 2), m);
}

static void op_sender(struct th *t, bool m)
{
	struct inreq q;

	if (one_in(&t->r, 4) || !inreq_pick(t, &q, false, 0))
		do_sender_check(t, pool_fd_for_op(t, KM_PORTS),
				one_in(&t->r, 2) ? 0 : id_pick(t), m);
	else
		do_sender_check(t, q.fd, q.id, m);
}

static void op_cancel(struct th *t, bool m)
{
	struct sent s;

	if (sent_pick(t, &s) && rn(&t->r, 4))
		do_cancel(t, rn(&t->r, 8) ? s.fd : pool_fd_for_op(t, KM_PORTS),
			  s.id, m);
	else
		do_cancel(t, pool_fd_for_op(t, KM_PORTS), id_pick(t), m);
}

static void op_section(struct th *t, bool m)
{
	int fd = comm_fd(t, 60);

	if (do_section(t, fd, m) < 0 || one_in(&t->r, 2))
		return;
	/* and send a view of it at once, most of the time */
	if (one_in(&t->r, 3))
		do_datagram(t, fd, false);
	else
		do_request(t, fd, true, 50000000, false, 0);
}

static void op_view_release(struct th *t, bool m)
{
	struct view v;

	if (view_pick_free(t, &v) || one_in(&t->r, 4))
		do_view_release(t, m);
}

/* User space does things to views behind the kernel's back. */
static void op_view_mm(struct th *t, bool m)
{
	struct view v;
	void *n;

	(void)m;
	switch (rn(&t->r, 6)) {
	case 0: case 1:
		if (view_pick(t, &v, false))
			touch(t, (void *)(uintptr_t)v.addr, v.len,
			      one_in(&t->r, 3));
		break;
	case 2:
		if (view_pick(t, &v, true))
			munmap((void *)(uintptr_t)v.addr,
			       rn(&t->r, 2) ? v.len : PAGE);
		break;
	case 3:
		if (!view_pick(t, &v, true))
			break;
		n = mremap((void *)(uintptr_t)v.addr, v.len,
			   v.len + PAGE * rn(&t->r, 2), MREMAP_MAYMOVE);
		if (n != MAP_FAILED) {
			v.addr = (u64)(uintptr_t)n;
			view_add(t->p, &v);
		}
		break;
	case 4:
		if (view_pick(t, &v, false))
			mprotect((void *)(uintptr_t)v.addr, v.len,
				 rn(&t->r, 2) ? PROT_READ :
				 PROT_READ | PROT_WRITE);
		break;
	default:
		if (view_pick(t, &v, false))
			madvise((void *)(uintptr_t)v.addr, v.len,
				MADV_DONTNEED);
		break;
	}
}

static void op_send_batch(struct th *t, bool m)
{
	do_send_batch(t, comm_fd(t, 80), m);
}

static void op_recv_batch(struct th *t, bool m)
{
	do_recv_batch(t, pool_fd_for_op(t, KM(K_LISTENER) | KM(K_CLIENT)), m);
}

static void op_query(struct th *t, bool m)
{
	do_query(t, m);
}

static void op_acl(struct th *t, bool m)
{
	do_acl(t, m);
}

static void op_version(struct th *t, bool m)
{
	do_version(t, m);
}

static void op_disconnect(struct th *t, bool m)
{
	(void)m;
	do_disconnect(t, pool_fd_for_op(t, KM_COMM));
}

static void op_close(struct th *t, bool m)
{
	int fd;

	(void)m;
	fd = pool_pick(t, rn(&t->r, 4) ? KM_PORTS | KM(K_SECTION) : KM_ANY,
		       NULL);
	/* leave the worker a way back in */
	if (fd >= 0 && pool_count(t->p, K_DEV) < 2)
		pool_add(t->p, open("/dev/lpc", O_RDWR | O_CLOEXEC), K_DEV, -1);
	pool_close(t, fd);
}

static void op_dup(struct th *t, bool m)
{
	struct obj o;
	int fd;

	(void)m;
	if (pool_pick_obj(t, KM_PORTS | KM(K_SECTION), &o) < 0)
		return;
	fd = fcntl(o.fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return;
	if (o.kind == K_SECTION)
		pool_add_section(t->p, fd, o.port, o.size, NULL, o.nonce,
				 o.sealed);
	else
		pool_add(t->p, fd, o.kind, o.name);
	/* sometimes the original goes, and the copy carries on */
	if (one_in(&t->r, 3))
		pool_close(t, o.fd);
}

static void op_unrelated(struct th *t, bool m)
{
	(void)m;
	pool_unrelated(t);
}

static void op_odd(struct th *t, bool m)
{
	do_odd_xfer(t, m);
}

static void op_bogus(struct th *t, bool m)
{
	(void)m;
	do_bogus(t);
}

static void op_seal(struct th *t, bool m)
{
	static const int seals[] = { F_SEAL_WRITE, F_SEAL_SHRINK, F_SEAL_GROW,
				     F_SEAL_SEAL, 0x10 /* F_SEAL_FUTURE_WRITE */ };
	int fd = pool_pick(t, KM(K_SECTION) | KM(K_MEMFD) | KM(K_RECVFD), NULL);

	(void)m;
	if (fd < 0)
		return;
	if (one_in(&t->r, 3))
		fcntl(fd, F_GET_SEALS);
	else
		fcntl(fd, F_ADD_SEALS, seals[rn(&t->r, 5)]);
	if (one_in(&t->r, 4) && ftruncate(fd, (off_t)(PAGE * rn(&t->r, 8)))) {
		/* ignored */
	}
}

static void op_poll(struct th *t, bool m)
{
	struct pollfd pf[4];
	u32 n = 1 + rn(&t->r, 4), i;

	(void)m;
	for (i = 0; i < n; i++) {
		pf[i].fd = pool_fd_for_op(t, KM_PORTS);
		pf[i].events = POLLIN | POLLOUT | POLLHUP;
	}
	poll(pf, n, (int)rn(&t->r, 3));
}

static void op_epoll(struct th *t, bool m)
{
	struct epoll_event ev[4];
	int ep = pool_pick(t, KM(K_EPOLL), NULL), fd;

	(void)m;
	if (ep < 0) {
		pool_add(t->p, epoll_create1(EPOLL_CLOEXEC), K_EPOLL, -1);
		return;
	}
	fd = pool_fd_for_op(t, KM_PORTS);
	memset(ev, 0, sizeof(ev));
	ev[0].events = EPOLLIN | EPOLLHUP | (one_in(&t->r, 3) ? EPOLLET : 0);
	switch (rn(&t->r, 3)) {
	case 0: epoll_ctl(ep, EPOLL_CTL_ADD, fd, ev); break;
	case 1: epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL); break;
	default: epoll_wait(ep, ev, 4, (int)rn(&t->r, 2)); break;
	}
}

static void op_fdinfo(struct th *t, bool m)
{
	char path[64], buf[1024];
	int fd, f;

	(void)m;
	fd = pool_fd_for_op(t, KM_PORTS | KM(K_SECTION));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return;
	while (read(f, buf, sizeof(buf)) > 0)
		;
	close(f);
}

/* read, write and mmap on a port: none of them exists */
static void op_rw(struct th *t, bool m)
{
	int fd = pool_fd_for_op(t, KM_PORTS);
	void *a;

	(void)m;
	switch (rn(&t->r, 3)) {
	case 0:
		if (read(fd, t->bbuf, PAGE) < 0) {
			/* ignored */
		}
		break;
	case 1:
		if (write(fd, t->sbuf, 16) < 0) {
			/* ignored */
		}
		break;
	default:
		a = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
		if (a != MAP_FAILED)
			munmap(a, PAGE);
		break;
	}
}

static void op_fork(struct th *t, bool m)
{
	(void)m;
	if (g_opt.fork)
		do_fork(t);
}

static void op_scm(struct th *t, bool m)
{
	(void)m;
	if (rn(&t->r, 2))
		do_scm_send(t);
	else
		do_scm_recv(t);
}

static void op_kill(struct th *t, bool m)
{
	pid_t pid;

	(void)m;
	if (!g_opt.kill || g_opt.procs < 2 || !one_in(&t->r, 40))
		return;
	pid = g_sh->worker[rn(&t->r, (u32)g_opt.procs)];
	if (pid > 0 && pid != getpid()) {
		ev_add(EV_KILLS, 1);
		kill(pid, SIGKILL);
	}
}

static u64 worker_start;

static void op_exit(struct th *t, bool m)
{
	(void)m;
	(void)t;
	if (!g_opt.kill || now_ns() - worker_start < 5000000000ULL ||
	    !one_in(&t->r, 40))
		return;
	ev_add(EV_EXITS, 1);
	/* with every thread in the middle of something */
	_exit(0);
}

struct wop {
	u32 weight;
	void (*fn)(struct th *t, bool m);
};

static const struct wop wops[] = {
	{ 140, op_recv }, { 120, op_sync }, { 50, op_async }, { 80, op_dgram },
	{ 100, op_reply }, { 25, op_accept }, { 40, op_connect },
	{ 15, op_create }, { 60, op_direct }, { 30, op_sender },
	{ 30, op_cancel }, { 20, op_section }, { 20, op_view_release },
	{ 20, op_view_mm }, { 40, op_send_batch }, { 40, op_recv_batch },
	{ 20, op_query }, { 15, op_acl }, { 5, op_version },
	{ 8, op_disconnect }, { 20, op_close }, { 10, op_dup },
	{ 8, op_unrelated }, { 20, op_odd }, { 10, op_bogus }, { 5, op_fork },
	{ 10, op_scm }, { 5, op_seal }, { 8, op_poll }, { 8, op_epoll },
	{ 8, op_fdinfo }, { 5, op_rw }, { 1, op_kill }, { 1, op_exit },
};

void chaos_init(void);
void chaos_init(void)
{
	worker_start = now_ns();
}

void chaos_step(struct th *t)
{
	static u32 total;
	bool m = pct(&t->r, (u32)g_opt.mutate);
	u32 i, c;

	if (!total)
		for (i = 0; i < sizeof(wops) / sizeof(wops[0]); i++)
			total += wops[i].weight;
	c = rn(&t->r, total);
	for (i = 0; c >= wops[i].weight; i++)
		c -= wops[i].weight;
	wops[i].fn(t, m);
}

/*
 * The server thread: keep a connection port or two, receive on them,
 * answer what came. Without it few connects and requests would succeed.
 */
void server_step(struct th *t)
{
	bool m = pct(&t->r, (u32)g_opt.mutate / 4);
	struct inreq q;
	int lst, i;

	lst = pool_pick(t, KM(K_LISTENER), NULL);
	if (lst < 0 || (pool_count(t->p, K_LISTENER) < 2 && one_in(&t->r, 200))) {
		/* the names may all be taken: do not spin on -EEXIST */
		if (do_create_port(t, (int)rn(&t->r, NR_NAMES), false) < 0 &&
		    lst < 0)
			usleep(1000 + rn(&t->r, 4000));
		lst = pool_pick(t, KM(K_LISTENER), NULL);
	}
	if (lst >= 0) {
		if (one_in(&t->r, 4))
			do_recv_batch(t, lst, m);
		else
			do_receive(t, lst, 1000000ULL * (1 + rn(&t->r, 5)), m);
	}
	for (i = 0; i < 4 && inreq_pick(t, &q, false, -1); i++) {
		if (q.conn) {
			inreq_forget(t->p, q.id);
			do_accept(t, q.fd, q.id, one_in(&t->r, 10), m);
		} else if (one_in(&t->r, 6) && q.nr_ranges) {
			do_direct(t, q.fd, q.id, &q, one_in(&t->r, 2), m);
		} else {
			do_reply(t, q.fd, &q, one_in(&t->r, 3), m);
		}
	}
	/* what the servers of others sent to our clients */
	if (one_in(&t->r, 3))
		do_receive(t, pool_pick(t, KM(K_CLIENT), NULL), 0, false);
}

/* ---- fds between workers ---- */

void do_scm_send(struct th *t)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct msghdr mh;
	struct cmsghdr *cm;
	struct iovec iov;
	struct obj o;
	int tag[2], to;

	if (g_opt.procs < 2)
		return;
	to = (int)rn(&t->r, (u32)g_opt.procs);
	if (to == t->p->idx)
		return;
	/* no sockets: a socket in flight holding itself is for unix_gc */
	if (pool_pick_obj(t, KM_ANY & ~KM(K_SOCK), &o) < 0)
		return;
	tag[0] = o.kind;
	tag[1] = o.name;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = tag;
	iov.iov_len = sizeof(tag);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &o.fd, sizeof(int));
	if (sendmsg(g_bus[to], &mh, MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
		ev_add(EV_SCM_SENT, 1);
}

void do_scm_recv(struct th *t)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 4)];
	struct msghdr mh;
	struct cmsghdr *cm;
	struct iovec iov;
	int tag[2], fd;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = tag;
	iov.iov_len = sizeof(tag);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	if (recvmsg(t->p->bus_in, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) !=
	    sizeof(tag))
		return;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
		ev_add(EV_SCM_RX, 1);
		if (tag[0] < 0 || tag[0] >= NR_KINDS)
			tag[0] = K_RECVFD;
		if (tag[0] == K_SECTION)
			pool_add_section(t->p, fd, -1, PAGE, NULL, 0, false);
		else
			pool_add(t->p, fd, tag[0], tag[1]);
	}
}
