// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: messages. Attributes (credentials, fds, views of sections of
 * the same connection, direct ranges), receive, synchronous and
 * asynchronous requests, datagrams, replies, calls no valid one looks
 * like, cancel, sender check, disconnect.
 *
 * Payloads are filled after the mutations, with the length the kernel
 * will read (pay_fit()), so that a receiver's checks hold whatever was
 * mutated; outputs are read only when fz_ioctl() says they were written
 * where we look.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lpcfuzz.h"
#include "ops.h"

/* ---- attributes ---- */


/*
 * Send attributes for a message on @fd. Returns the section nonce a view
 * carries (for the payload's ref), 0 if none.
 */
u64 build_sattr(struct th *t, struct lpc_msg_attr *a, int fd, u32 want)
{
	struct obj o;
	u64 nonce = 0;
	u32 i;

	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->view.section_fd = -1;
	if (want & SA_CREDS)
		a->flags |= LPC_ATTR_CREDS;
	/* fds only where the port takes them (even names), mostly */
	if ((want & SA_FDS) && pool_lookup(t->p, fd, &o) && o.name >= 0 &&
	    o.name % 2 && !one_in(&t->r, 5))
		want &= ~SA_FDS;
	if (want & SA_FDS) {
		a->flags |= LPC_ATTR_FDS;
		a->nr_fds = 1 + rn(&t->r, LPC_MAX_FDS);
		for (i = 0; i < a->nr_fds; i++) {
			u32 mask = KM(K_PIPE) | KM(K_MEMFD) | KM(K_EVENTFD) |
				   KM(K_URING) | KM(K_SECTION) | KM(K_RECVFD);

			if (one_in(&t->r, 20))
				mask = KM_ANY;
			a->fds[i] = pool_pick(t, mask, NULL);
		}
	}
	if ((want & SA_VIEW) && pool_pick_section(t, fd, &o) >= 0 &&
	    (o.port == fd || one_in(&t->r, 10))) {
		u64 pages = o.size / PAGE;

		a->flags |= LPC_ATTR_VIEW;
		a->view.section_fd = o.fd;
		a->view.offset = pages > 1 ? PAGE * rn(&t->r, (u32)pages) : 0;
		a->view.length = o.size - a->view.offset;
		if (one_in(&t->r, 3) && a->view.length > PAGE)
			a->view.length = PAGE * (1 + rn(&t->r,
				(u32)(a->view.length / PAGE)));
		if (o.sealed && rn(&t->r, 4)) {
			a->view.flags = LPC_VIEW_IMMUTABLE;
			nonce = o.nonce;
		} else if (one_in(&t->r, 3)) {
			a->view.flags = LPC_VIEW_READONLY;
		}
	}
	if (want & SA_DIRECT) {
		a->flags |= LPC_ATTR_DIRECT;
		a->nr_ranges = 1 + rn(&t->r, LPC_MAX_RANGES);
		a->ranges[0].addr = P(t->dbuf);
		a->ranges[0].length = 8192;
		a->ranges[0].access = LPC_ACCESS_READ | LPC_ACCESS_WRITE;
		a->ranges[1].addr = P(t->dbuf + 8192);
		a->ranges[1].length = 4096 + rn(&t->r, 4096);
		a->ranges[1].access = LPC_ACCESS_READ;
		/* runs into the read-only page: writes fault part way */
		a->ranges[2].addr = P(t->dbuf + DBUF_RW - 512);
		a->ranges[2].length = 1024;
		a->ranges[2].access = LPC_ACCESS_WRITE | LPC_ACCESS_READ;
		a->ranges[3].addr = rn(&t->r, 2) ? P(t->dbuf + 32768) :
				    odd_wptr(t, P(t->dbuf), 4096);
		a->ranges[3].length = 1 + rn(&t->r, 16384);
		a->ranges[3].access = 1 + rn(&t->r, 3);
	}
	return nonce;
}

void mut_attr(struct th *t, struct lpc_msg_attr *a, u64 *ptr)
{
	u32 i = rn(&t->r, LPC_MAX_RANGES);

	switch (rn(&t->r, 14)) {
	case 0: a->size = near(t, LPC_MSG_ATTR_SIZE_VER0); break;
	case 1:
		/* larger, with a nonzero tail: abuf has room after it */
		a->size = sizeof(*a) + 8;
		((char *)a)[sizeof(*a) + rn(&t->r, 8)] = (char)rn(&t->r, 2);
		break;
	case 2: a->flags = mut_flags(t, a->flags, LPC_ATTR_FLAGS); break;
	case 3: a->__pad = 1; break;
	case 4: a->nr_fds = near(t, LPC_MAX_FDS); break;
	case 5: a->fds[rn(&t->r, 4)] = rn(&t->r, 2) ? -1 : 1000; break;
	case 6: a->view.offset += 1 + rn(&t->r, PAGE); break;
	case 7:
		a->view.length = rn(&t->r, 2) ? 0 : ~0ULL >> rn(&t->r, 40);
		break;
	case 8: a->view.flags = mut_flags(t, a->view.flags,
					   LPC_VIEW_FLAGS);
		break;
	case 9: a->view.addr = P(t->rbuf); break;
	case 10: a->nr_ranges = near(t, LPC_MAX_RANGES); break;
	case 11:
		a->ranges[i].length = rn(&t->r, 2) ? 0 : ~0ULL >> rn(&t->r, 20);
		break;
	case 12: a->ranges[i].access = near(t, 3); break;
	default: *ptr = odd_ptr(t, *ptr, sizeof(*a)); break;
	}
}

/* ---- messages ---- */

void recv_setup(struct th *t, struct lpc_xfer *x, bool *attr_ok)
{
	struct lpc_msg_attr *ra = t->ra;

	x->recv_buf = P(t->rbuf);
	x->recv_cap = rn(&t->r, 10) ? LPC_MSG_MAX : rn(&t->r, 600);
	/* no stale header can pass for what arrives */
	memset(t->rbuf, 0, sizeof(struct phdr));
	*attr_ok = false;
	if (rn(&t->r, 10) < 7) {
		memset(ra, 0, sizeof(*ra));
		ra->size = sizeof(*ra);
		switch (rn(&t->r, 8)) {
		case 0: ra->flags = LPC_ATTR_VIEW_FD; break;
		case 1: case 2: ra->flags = LPC_ATTR_VIEW_KEEP; break;
		default: break;
		}
		x->recv_attr = P(ra);
		*attr_ok = true;
	}
}

/* Mutations of the receive half. */
void mut_recv(struct th *t, struct lpc_xfer *x, bool *verify,
		     bool *attr_ok)
{
	switch (rn(&t->r, 9)) {
	case 0:
		x->recv_buf = odd_wptr(t, x->recv_buf, x->recv_cap);
		*verify = false;
		break;
	case 1:
		x->recv_cap = near(t, LPC_MSG_MAX);
		if (x->recv_cap > LPC_MSG_MAX + PAGE)
			*verify = false;
		break;
	case 2:
		/* the data lands on the structure itself */
		x->recv_buf = P(x);
		x->recv_cap = sizeof(*x);
		*verify = false;
		*attr_ok = false;
		break;
	case 3:
		if (x->recv_attr)
			t->ra->flags = LPC_ATTR_VIEW_FD | LPC_ATTR_VIEW_KEEP;
		break;
	case 4:
		if (x->recv_attr)
			t->ra->size = near(t, LPC_MSG_ATTR_SIZE_VER0);
		*attr_ok = false;
		break;
	case 5:
		x->recv_attr = odd_wptr(t, x->recv_attr, sizeof(*t->ra));
		*attr_ok = false;
		break;
	case 6:
		/* attributes and data on the same bytes */
		x->recv_attr = x->recv_buf;
		*verify = false;
		*attr_ok = false;
		break;
	case 7:
		if (x->recv_attr)
			t->ra->flags = mut_flags(t, t->ra->flags,
						 LPC_ATTR_FLAGS);
		break;
	default:
		x->flags |= LPC_XFER_NONBLOCK | LPC_XFER_TIMEOUT;
		break;
	}
}

void after_recv(struct th *t, int fd, struct lpc_xfer *x, bool verify,
		       bool attr_ok)
{
	struct rx rx = {
		.fd = fd,
		.info = &x->info,
		.data = verify ? (void *)(uintptr_t)x->recv_buf : NULL,
		.cap = x->recv_cap,
		.attr = attr_ok && x->recv_attr ?
			(void *)(uintptr_t)x->recv_attr : NULL,
	};

	handle_rx(t, &rx);
}

int do_receive(struct th *t, int fd, u64 tmo, bool mutate)
{
	struct lpc_xfer x;
	bool verify = true, attr_ok;
	long r;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV;
	if (tmo == ~0ULL)
		;	/* wait until a message or a signal */
	else
		set_wait(t, &x.flags, &x.timeout_ns, tmo);
	recv_setup(t, &x, &attr_ok);
	if (t->slow && slow_ptr(t, 0)) {
		x.recv_buf = slow_ptr(t, x.recv_cap);
		verify = false;
	}
	if (mutate) {
		if (one_in(&t->r, 5)) {
			x.send_len = 1 + rn(&t->r, 8);	/* without SEND */
			x.send_type = rn(&t->r, 4);
		} else {
			mut_recv(t, &x, &verify, &attr_ok);
		}
	}
	r = fz_ioctl(t, OP_XFER_RECV, fd, LPC_IOC_XFER, &x, sizeof(x), mutate);
	if (r == 0 && t->out_ok)
		after_recv(t, fd, &x, verify, attr_ok);
	return (int)r;
}

u32 msg_len(struct th *t)
{
	/* most ports take 4096 bytes; a few take 256 or 64 KiB */
	return pay_len(t, rn(&t->r, 10) ? 4096 : LPC_MSG_MAX);
}

/* A length for a message on @fd: what its port takes, mostly. */
u32 msg_len_for(struct th *t, int fd)
{
	u32 len = msg_len(t), max = 0;
	struct obj o;

	if (pool_lookup(t->p, fd, &o) && o.kind == K_CLIENT &&
	    o.name >= 0 && o.name < NR_NAMES)
		max = g_sh->name_max[o.name];
	if (max && len > max && rn(&t->r, 10))
		len = rn(&t->r, max + 1);
	return len;
}

void mut_send(struct th *t, struct lpc_xfer *x, bool *verify)
{
	(void)verify;
	switch (rn(&t->r, 6)) {
	case 0: x->send_buf = odd_ptr(t, x->send_buf, x->send_len); break;
	case 1: x->send_len = near(t, LPC_MSG_MAX); break;
	case 2: x->flags = mut_flags(t, x->flags, LPC_XFER_FLAGS); break;
	case 3:
		/* the data is the structure itself */
		x->send_buf = P(x);
		x->send_len = sizeof(*x);
		break;
	case 4: x->timeout_ns = ~0ULL >> rn(&t->r, 64); break;
	default: x->flags |= LPC_XFER_SENT; break;	/* ignored on input */
	}
}

int do_request(struct th *t, int fd, bool sync, u64 tmo, bool mutate,
	       u32 ranges)
{
	static const u32 caps[] = { LPC_MSG_MAX, 4096, 4096, 256, 64, 0 };
	struct lpc_xfer x;
	u64 nonce = rnd(&t->r) | 1, snonce = 0;
	u32 len = msg_len_for(t, fd), want = 0;
	bool verify = true, attr_ok = false;
	struct obj o;
	long r;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | (sync ? LPC_XFER_RECV : 0);
	if (tmo != ~0ULL)
		set_wait(t, &x.flags, &x.timeout_ns, tmo);
	x.send_type = LPC_MSG_REQUEST;
	x.send_buf = P(t->sbuf);
	x.send_len = len;
	x.recv_buf = P(t->rbuf);
	x.recv_cap = caps[rn(&t->r, sync ? 3 : 6)];
	memset(t->rbuf, 0, sizeof(struct phdr));

	if (pool_lookup(t->p, fd, &o) && o.name == NR_NAMES - 1)
		want |= SA_CREDS;
	if (one_in(&t->r, 4))
		want |= SA_CREDS;
	if (one_in(&t->r, 8))
		want |= SA_FDS;
	if (one_in(&t->r, 5))
		want |= SA_VIEW;
	if (ranges || (sync && one_in(&t->r, 3)) || one_in(&t->r, 20))
		want |= SA_DIRECT;
	if (want & SA_VIEW)
		pthread_rwlock_rdlock(&t->p->sec_rw);
	if (want) {
		snonce = build_sattr(t, t->sa, fd, want);
		x.send_attr = P(t->sa);
	}
	if (snonce && (x.flags & LPC_XFER_RECV) &&
	    (x.timeout_ns > 20000000 || !(x.flags & LPC_XFER_TIMEOUT))) {
		/* do not hold sec_rw long */
		x.flags &= ~LPC_XFER_NONBLOCK;
		x.flags |= LPC_XFER_TIMEOUT;
		x.timeout_ns = 20000000;
	}
	if (sync && t->slow && slow_ptr(t, 0)) {
		x.recv_buf = slow_ptr(t, x.recv_cap);
		verify = false;
	}
	if (sync && one_in(&t->r, 6)) {
		memset(t->ra, 0, sizeof(*t->ra));
		t->ra->size = sizeof(*t->ra);
		x.recv_attr = P(t->ra);
		attr_ok = true;
	}
	if (mutate) {
		switch (rn(&t->r, 4)) {
		case 0: mut_send(t, &x, &verify); break;
		case 1: if (want) { mut_attr(t, t->sa, &x.send_attr); break; }
			/* fall through */
		case 2: if (sync) { mut_recv(t, &x, &verify, &attr_ok); break; }
			/* fall through */
		default:
			fd = pool_fd_for_op(t, KM_ANY);
			break;
		}
	}
	pay_fit(t, t->sbuf, LPC_MSG_MAX + PAGE, x.send_buf, x.send_len, P_REQ,
		snonce, nonce);
	if (x.send_buf == P(t->sbuf))
		pay_set_rcap(t->sbuf, x.send_len, x.recv_cap);
	/* what the call was, after the mutations */
	sync = (x.flags & (LPC_XFER_SEND | LPC_XFER_RECV)) ==
	       (LPC_XFER_SEND | LPC_XFER_RECV);
	r = fz_ioctl(t, sync ? OP_XFER_SYNC : OP_XFER_ASYNC, fd, LPC_IOC_XFER,
		     &x, sizeof(x), mutate);
	if (!t->out_ok) {
		if (want & SA_VIEW)
			pthread_rwlock_unlock(&t->p->sec_rw);
		return (int)r;
	}
	if (want & SA_VIEW)
		pthread_rwlock_unlock(&t->p->sec_rw);
	t->last_send_id = 0;
	if (r == 0 || (x.flags & LPC_XFER_SENT)) {
		id_seen(t->p, x.send_id);
		t->last_send_id = x.send_id;
	}
	if (r == 0 && sync) {
		check_sync_reply(t, &x, nonce, verify);
		if (attr_ok && (x.info.flags & LPC_MSGF_ATTR)) {
			struct rx rx = { .fd = fd, .info = &x.info,
					 .attr = t->ra };

			/* the reply's attributes: fds, a view */
			take_attr(t, &rx, 0);
		}
	} else if (r == 0) {
		sent_add(t->p, x.send_id, nonce, fd);
	}
	return (int)r;
}

int do_datagram(struct th *t, int fd, bool mutate)
{
	struct lpc_xfer x;
	u32 len = msg_len_for(t, fd), want = 0;
	bool verify = true, attr_ok = false, recv = one_in(&t->r, 10);
	u64 snonce = 0;
	long r;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND;
	set_wait(t, &x.flags, &x.timeout_ns, pick_timeout(t));
	x.send_type = LPC_MSG_DATAGRAM;
	x.send_buf = P(t->sbuf);
	x.send_len = len;
	if (one_in(&t->r, 5))
		want |= SA_CREDS;
	if (one_in(&t->r, 8))
		want |= SA_FDS;
	if (one_in(&t->r, 6))
		want |= SA_VIEW;
	if (one_in(&t->r, 40))
		want |= SA_DIRECT;	/* requests only: -EINVAL */
	if (want & SA_VIEW)
		pthread_rwlock_rdlock(&t->p->sec_rw);
	if (want) {
		snonce = build_sattr(t, t->sa, fd, want);
		x.send_attr = P(t->sa);
	}
	if (recv) {
		x.flags |= LPC_XFER_RECV;
		recv_setup(t, &x, &attr_ok);
		if (snonce) {
			x.flags &= ~LPC_XFER_NONBLOCK;
			x.flags |= LPC_XFER_TIMEOUT;
			x.timeout_ns = 5000000;
		}
	}
	if (mutate) {
		if (want && one_in(&t->r, 3))
			mut_attr(t, t->sa, &x.send_attr);
		else if (recv && one_in(&t->r, 2))
			mut_recv(t, &x, &verify, &attr_ok);
		else
			mut_send(t, &x, &verify);
	}
	pay_fit(t, t->sbuf, LPC_MSG_MAX + PAGE, x.send_buf, x.send_len, P_DGRAM,
		snonce, rnd(&t->r));
	recv = x.flags & LPC_XFER_RECV;
	r = fz_ioctl(t, OP_XFER_DGRAM, fd, LPC_IOC_XFER, &x, sizeof(x),
		     mutate);
	if (want & SA_VIEW)
		pthread_rwlock_unlock(&t->p->sec_rw);
	if (!t->out_ok)
		return (int)r;
	if (r == 0 || (x.flags & LPC_XFER_SENT))
		id_seen(t->p, x.send_id);
	if (r == 0 && recv)
		after_recv(t, fd, &x, verify, attr_ok);
	return (int)r;
}

int do_reply(struct th *t, int fd, const struct inreq *q, bool recv,
	     bool mutate)
{
	struct lpc_xfer x;
	u32 len = pay_len(t, rn(&t->r, 20) ? 4096 : LPC_MSG_MAX), want = 0;
	bool verify = true, attr_ok = false;
	u64 id = q ? q->id : id_pick(t);

	/* what the requester takes, mostly: larger is -EMSGSIZE */
	if (q && q->cap_known && len > q->reply_cap && rn(&t->r, 10))
		len = rn(&t->r, q->reply_cap + 1);
	long r;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND;
	x.send_type = LPC_MSG_REPLY;
	x.send_id = id;
	x.send_buf = P(t->sbuf);
	x.send_len = len;
	if (one_in(&t->r, 10))
		want |= SA_CREDS;
	if (one_in(&t->r, 12))
		want |= SA_FDS;
	if (one_in(&t->r, 10))
		want |= SA_VIEW;
	if (one_in(&t->r, 30))
		want |= SA_DIRECT;
	if (want) {
		build_sattr(t, t->sa, fd, want);
		x.send_attr = P(t->sa);
	}
	if (recv) {
		x.flags |= LPC_XFER_RECV;
		set_wait(t, &x.flags, &x.timeout_ns, 2000000);
		recv_setup(t, &x, &attr_ok);
	}
	if (mutate) {
		switch (rn(&t->r, 5)) {
		case 0: x.send_id = id_pick(t); break;
		case 1: if (want) { mut_attr(t, t->sa, &x.send_attr); break; }
			/* fall through */
		case 2: if (recv) { mut_recv(t, &x, &verify, &attr_ok); break; }
			/* fall through */
		case 3: mut_send(t, &x, &verify); break;
		default: fd = pool_fd_for_op(t, KM_PORTS); break;
		}
	}
	/* a reply names the request it answers, whichever id it goes to */
	pay_fit(t, t->sbuf, LPC_MSG_MAX + PAGE, x.send_buf, x.send_len, P_REPLY,
		x.send_id, x.send_id == id && q ? q->nonce : 0);
	/* the replier stops while it reads its data: the request is its */
	if (t->slow && slow_ptr(t, 0))
		x.send_buf = slow_ptr(t, x.send_len);
	recv = x.flags & LPC_XFER_RECV;
	r = fz_ioctl(t, recv ? OP_XFER_REPLY_RECV : OP_XFER_REPLY, fd,
		     LPC_IOC_XFER, &x, sizeof(x), mutate);
	if (!t->out_ok)
		return (int)r;
	if (r == -EMSGSIZE && !mutate && q && !(x.flags & LPC_XFER_SENT)) {
		/* too large for the requester: answer it with less */
		x.flags = LPC_XFER_SEND;
		x.send_len = rn(&t->r, 2) ? 0 : (u32)sizeof(struct phdr);
		x.send_attr = 0;
		pay_fill(t, t->sbuf, x.send_len, P_REPLY, x.send_id, q->nonce);
		recv = false;
		r = fz_ioctl(t, OP_XFER_REPLY, fd, LPC_IOC_XFER, &x, sizeof(x),
			     false);
	}
	if (r == 0 || (x.flags & LPC_XFER_SENT)) {
		ev_add(EV_REPLIED, 1);
		view_forget_req(t->p, x.send_id);
		if (q)
			inreq_forget(t->p, q->id);
	} else if (q && (r == -ENOENT || r == -ECANCELED) &&
		   x.send_id == q->id) {
		inreq_forget(t->p, q->id);
		view_forget_req(t->p, q->id);
	}
	if (r == 0 && recv)
		after_recv(t, fd, &x, verify, attr_ok);
	return (int)r;
}

/* An xfer no valid call looks like. */
int do_odd_xfer(struct th *t, bool mutate)
{
	struct lpc_xfer x;
	int fd = pool_fd_for_op(t, KM_PORTS);
	long r;

	memset(&x, 0, sizeof(x));
	memset(t->sbuf, 0, 64);		/* no stale payload header */
	x.send_buf = P(t->sbuf);
	x.recv_buf = P(t->rbuf);
	x.recv_cap = 4096;
	x.send_len = rn(&t->r, 64);
	switch (rn(&t->r, 6)) {
	case 0: x.flags = 0; break;
	case 1:
		x.flags = LPC_XFER_SEND;
		x.send_type = rn(&t->r, 2) ? 0 : 4 + rn(&t->r, 8);
		break;
	case 2:
		/* a request or datagram through a connection port */
		x.flags = LPC_XFER_SEND | LPC_XFER_NONBLOCK;
		x.send_type = 1 + 2 * rn(&t->r, 2);
		fd = pool_fd_for_op(t, KM(K_LISTENER));
		break;
	case 3:
		/* a receive on a server communication port */
		x.flags = LPC_XFER_RECV | LPC_XFER_NONBLOCK;
		fd = pool_fd_for_op(t, KM(K_SERVER));
		break;
	case 4:
		x.flags = LPC_XFER_RECV | LPC_XFER_SENT | LPC_XFER_NONBLOCK;
		break;
	default:
		x.flags = (u32)rnd(&t->r);
		x.send_type = rn(&t->r, 8);
		break;
	}
	r = fz_ioctl(t, OP_XFER_ODD, fd, LPC_IOC_XFER, &x, sizeof(x), mutate);
	if (r == 0 && t->out_ok && (x.flags & LPC_XFER_RECV))
		after_recv(t, fd, &x, false, false);
	return (int)r;
}

/* ---- cancel, sender check, disconnect ---- */

int do_cancel(struct th *t, int fd, u64 id, bool mutate)
{
	struct lpc_cancel c;
	struct sent s;
	long r;

	memset(&c, 0, sizeof(c));
	c.id = id;
	if (mutate) {
		switch (rn(&t->r, 3)) {
		case 0: c.flags = 1U << rn(&t->r, 32); break;
		case 1: c.__pad = 1; break;
		default: c.id = id_pick(t); break;
		}
	}
	r = fz_ioctl(t, OP_CANCEL, fd, LPC_IOC_CANCEL, &c, sizeof(c), mutate);
	if (r == 0)
		sent_find(t->p, c.id, &s, true);
	return (int)r;
}

int do_sender_check(struct th *t, int fd, u64 id, bool mutate)
{
	struct lpc_sender s;
	long r;

	memset(&s, 0, sizeof(s));
	s.id = id;
	s.pid = -12345;
	if (mutate) {
		if (rn(&t->r, 2))
			s.flags = 1U << rn(&t->r, 32);
		else
			s.id = id_pick(t);
	}
	r = fz_ioctl(t, OP_SENDER_CHECK, fd, LPC_IOC_SENDER_CHECK, &s,
		     sizeof(s), mutate);
	if (r == 0 && t->out_ok && s.pid <= 0)
		inconsistent("LPC_IOC_SENDER_CHECK succeeded with pid %d for id %llu",
			     s.pid, (unsigned long long)s.id);
	return (int)r;
}

int do_disconnect(struct th *t, int fd)
{
	unsigned long cmd = LPC_IOC_DISCONNECT;
	long r;

	/* _IO: an argument or a size is ignored, or not */
	if (one_in(&t->r, 8))
		cmd = _IOC(_IOC_NONE, LPC_IOC_MAGIC, 0x53, rn(&t->r, 64));
	fault_arm(t);
	r = ioctl(fd, cmd, rn(&t->r, 2) ? 0UL : (unsigned long)t->rbuf);
	r = r < 0 ? -errno : r;
	fault_disarm(t);
	stat_op(OP_DISCONNECT, r < 0 ? (int)-r : 0);
	if (cmd == LPC_IOC_DISCONNECT)
		stat_clean(OP_DISCONNECT, r < 0 ? (int)-r : 0);
	return (int)r;
}
