// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: sections (some sealed, so that views of them can be checked),
 * view release, direct access to a requester's ranges, and batches of
 * sends (datagrams, requests, replies mixed) and receives.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lpcfuzz.h"
#include "ops.h"

/* ---- sections, views, direct access ---- */

int do_section(struct th *t, int fd, bool mutate)
{
	struct lpc_section_attr s;
	u64 nonce = rnd(&t->r) | 1;
	bool sealed = false;
	void *map = NULL;
	long r;

	memset(&s, 0, sizeof(s));
	s.size = PAGE * (1 + rn(&t->r, rn(&t->r, 4) ? 4 : 16));
	if (one_in(&t->r, 10))
		s.flags = LPC_NO_CLOEXEC;
	if (mutate) {
		switch (rn(&t->r, 4)) {
		case 0: s.size = rn(&t->r, 2) ? 0 : 1 + rn(&t->r, PAGE); break;
		case 1: s.size = ~0ULL >> rn(&t->r, 24); break;
		case 2: s.flags = mut_flags(t, s.flags, LPC_NO_CLOEXEC); break;
		default: s.__pad = 1; break;
		}
	}
	r = fz_ioctl(t, OP_SECTION_CREATE, fd, LPC_IOC_SECTION_CREATE, &s,
		     sizeof(s), mutate);
	if (r < 0)
		return (int)r;
	if (s.size > 64 * PAGE) {
		pool_add_section(t->p, (int)r, fd, s.size, NULL, 0, false);
		return (int)r;
	}
	map = mmap(NULL, s.size, PROT_READ | PROT_WRITE, MAP_SHARED, (int)r,
		   0);
	if (map == MAP_FAILED) {
		map = NULL;
	} else if (!sigsetjmp(t->jb, 1)) {
		struct stat st;

		t->in_touch = 1;
		section_fill(map, s.size, nonce,
			     fstat((int)r, &st) ? 0 : (u64)st.st_ino);
		t->in_touch = 0;
		if (rn(&t->r, 3)) {
			/* sealed: views of it can be immutable, and checked */
			munmap(map, s.size);
			map = NULL;
			sealed = fcntl((int)r, F_ADD_SEALS, F_SEAL_WRITE) == 0;
		}
	} else {
		ev_add(EV_SIGBUS, 1);
	}
	pool_add_section(t->p, (int)r, fd, s.size, map, nonce, sealed);
	return (int)r;
}

int do_view_release(struct th *t, bool mutate)
{
	struct lpc_view_release v;
	struct view w;
	bool have = view_pick_free(t, &w);
	int fd = have && rn(&t->r, 4) ? w.port :
		 pool_fd_for_op(t, KM_PORTS);
	long r;

	memset(&v, 0, sizeof(v));
	v.addr = have ? w.addr : P(t->rbuf);
	if (mutate) {
		switch (rn(&t->r, 3)) {
		case 0: v.flags = 1U << rn(&t->r, 32); break;
		case 1: v.__pad = 1; break;
		default: v.addr += PAGE * rn(&t->r, 3) + rn(&t->r, 2); break;
		}
	}
	r = fz_ioctl(t, OP_VIEW_RELEASE, fd, LPC_IOC_VIEW_RELEASE, &v,
		     sizeof(v), mutate);
	if (r == 0)
		view_forget_addr(t->p, v.addr);
	return (int)r;
}

int do_direct(struct th *t, int fd, u64 id, const struct inreq *q, bool write,
	      bool mutate)
{
	struct lpc_direct d;
	const struct lpc_range *rg = NULL;
	u64 rlen;
	long r;

	memset(&d, 0, sizeof(d));
	d.id = id;
	if (q && q->nr_ranges) {
		d.range = rn(&t->r, q->nr_ranges);
		rg = &q->ranges[d.range];
	}
	rlen = rg ? rg->length : 4096;
	if (rlen > 65536)
		rlen = 65536;
	switch (rn(&t->r, 8)) {
	case 0:		/* the whole range */
		d.offset = 0;
		d.len = rlen;
		break;
	case 1:		/* one past the end */
		d.offset = rlen - rn(&t->r, 2);
		d.len = rlen - d.offset + 1;
		break;
	case 2:		/* an empty copy at the end */
		d.offset = rlen;
		break;
	default:
		d.offset = rn(&t->r, (u32)rlen);
		d.len = rn(&t->r, (u32)(rlen - d.offset + 1));
		break;
	}
	d.buf = P(write ? t->sbuf : t->bbuf);
	if (write)
		memset(t->sbuf, 0xd0 + t->idx, d.len < 65536 ? d.len : 65536);
	if (mutate) {
		switch (rn(&t->r, 6)) {
		case 0: d.range = near(t, LPC_MAX_RANGES); break;
		case 1: d.flags = 1U << rn(&t->r, 32); break;
		case 2: d.offset = ~0ULL - rn(&t->r, 8); break;
		case 3: d.len = ~0ULL >> rn(&t->r, 64); break;
		case 4:
			d.buf = write ? odd_ptr(t, d.buf, d.len) :
					odd_wptr(t, d.buf, d.len);
			break;
		default: d.id = id_pick(t); break;
		}
	}
	/* never more than the buffers we have */
	if (!mutate && d.len > 65536)
		d.len = 65536;
	/* the copy stops half way, with the request in the middle of it */
	if (t->slow && slow_ptr(t, 0))
		d.buf = slow_ptr(t, d.len);
	r = fz_ioctl(t, write ? OP_DIRECT_WRITE : OP_DIRECT_READ, fd,
		     write ? LPC_IOC_DIRECT_WRITE : LPC_IOC_DIRECT_READ, &d,
		     sizeof(d), mutate);
	if (r > 0) {
		ev_add(EV_DIRECT_BYTES, (u64)r);
		if ((u64)r > d.len)
			inconsistent("direct %s of %llu bytes returned %ld",
				     write ? "write" : "read",
				     (unsigned long long)d.len, r);
	}
	return (int)r;
}

/* ---- batches ---- */

int do_send_batch(struct th *t, int fd, bool mutate)
{
	struct lpc_batch b;
	struct lpc_xfer *x = t->bx;
	u32 n = 1 + rn(&t->r, rn(&t->r, 4) ? 8 : LPC_BATCH_MAX), i, off = 0;
	u64 nonce[LPC_BATCH_MAX];
	struct inreq q[LPC_BATCH_MAX];
	bool isq[LPC_BATCH_MAX];
	long r;

	memset(&b, 0, sizeof(b));
	memset(x, 0, sizeof(*x) * n);
	for (i = 0; i < n; i++) {
		u32 len = pay_len(t, LPC_MSG_MAX / LPC_BATCH_MAX);
		u32 c = rn(&t->r, 10);

		isq[i] = false;
		nonce[i] = rnd(&t->r) | 1;
		x[i].flags = LPC_XFER_SEND;
		x[i].send_buf = P(t->sbuf + off);
		x[i].send_len = len;
		if (c < 6) {
			x[i].send_type = LPC_MSG_DATAGRAM;
			pay_fill(t, t->sbuf + off, len, P_DGRAM, 0, nonce[i]);
		} else if (c < 8 || !inreq_pick(t, &q[i], false, 0)) {
			x[i].send_type = LPC_MSG_REQUEST;
			x[i].recv_cap = 4096;
			pay_fill(t, t->sbuf + off, len, P_REQ, 0, nonce[i]);
		} else {
			isq[i] = true;
			x[i].send_type = LPC_MSG_REPLY;
			x[i].send_id = q[i].id;
			pay_fill(t, t->sbuf + off, len, P_REPLY, q[i].id,
				 q[i].nonce);
		}
		off += len;
	}
	b.xfers = P(x);
	b.count = n;
	switch (rn(&t->r, 3)) {
	case 0: b.flags = LPC_XFER_NONBLOCK; break;
	case 1: b.flags = LPC_XFER_TIMEOUT; b.timeout_ns = pick_timeout(t);
		break;
	default: break;
	}
	if (mutate) {
		i = rn(&t->r, n);
		switch (rn(&t->r, 8)) {
		case 0: b.count = rn(&t->r, 2) ? 0 : LPC_BATCH_MAX + 1; break;
		case 1: b.flags = mut_flags(t, b.flags, LPC_XFER_FLAGS); break;
		case 2: x[i].flags |= LPC_XFER_RECV; break;
		case 3:
			x[i].send_type = rn(&t->r, 9);
			memset((void *)(uintptr_t)x[i].send_buf, 0,
			       x[i].send_len < 8 ? x[i].send_len : 8);
			break;
		case 4:
			/* the entries run into the unmapped page */
			b.xfers = P((char *)t->bx + 2 * PAGE -
				    sizeof(*x) * (1 + rn(&t->r, n)));
			break;
		case 5:
			build_sattr(t, t->sa, fd, 1U << rn(&t->r, 4));
			x[i].send_attr = P(t->sa);
			break;
		case 6:
			memset((void *)(uintptr_t)x[i].send_buf, 0,
			       x[i].send_len < 8 ? x[i].send_len : 8);
			x[i].send_buf = odd_ptr(t, x[i].send_buf,
						x[i].send_len);
			break;
		default: b.xfers = odd_wptr(t, b.xfers, sizeof(*x)); break;
		}
	}
	r = fz_ioctl(t, OP_SEND_BATCH, fd, LPC_IOC_SEND_BATCH, &b, sizeof(b),
		     mutate);
	if (r > (long)n)
		inconsistent("LPC_IOC_SEND_BATCH of %u entries returned %ld",
			     n, r);
	if (b.xfers != P(x) || !t->out_ok)
		return (int)r;
	for (i = 0; r > 0 && i < (u32)r && i < n; i++) {
		id_seen(t->p, x[i].send_id);
		if (isq[i]) {
			ev_add(EV_REPLIED, 1);
			view_forget_req(t->p, q[i].id);
			inreq_forget(t->p, q[i].id);
		} else if (x[i].send_type == LPC_MSG_REQUEST) {
			sent_add(t->p, x[i].send_id, nonce[i], fd);
		}
	}
	return (int)r;
}

int do_recv_batch(struct th *t, int fd, bool mutate)
{
	struct lpc_batch b;
	struct lpc_xfer *x = t->bx;
	u32 n = 1 + rn(&t->r, 16), i;
	bool attr[16], verify = true, clobber = false;
	long r;

	memset(&b, 0, sizeof(b));
	memset(x, 0, sizeof(*x) * n);
	for (i = 0; i < n; i++) {
		x[i].flags = LPC_XFER_RECV;
		x[i].recv_buf = P(t->bbuf + i * PAGE);
		memset(t->bbuf + i * PAGE, 0, sizeof(struct phdr));
		if (t->slow && one_in(&t->r, 3) && slow_ptr(t, 0)) {
			x[i].recv_buf = slow_ptr(t, PAGE);
			verify = false;
		}
		x[i].recv_cap = rn(&t->r, 8) ? PAGE : rn(&t->r, 300);
		attr[i] = rn(&t->r, 3) == 0;
		if (attr[i]) {
			memset(&t->battr[i], 0, sizeof(t->battr[i]));
			t->battr[i].size = sizeof(t->battr[i]);
			if (one_in(&t->r, 4))
				t->battr[i].flags = LPC_ATTR_VIEW_KEEP;
			x[i].recv_attr = P(&t->battr[i]);
		}
	}
	b.xfers = P(x);
	b.count = n;
	switch (rn(&t->r, 3)) {
	case 0: b.flags = LPC_XFER_NONBLOCK; break;
	default: b.flags = LPC_XFER_TIMEOUT;
		b.timeout_ns = pick_timeout(t);
		break;
	}
	if (mutate) {
		i = rn(&t->r, n);
		switch (rn(&t->r, 7)) {
		case 0: b.count = rn(&t->r, 2) ? 0 : LPC_BATCH_MAX + 1; break;
		case 1: b.flags = mut_flags(t, b.flags, LPC_XFER_FLAGS); break;
		case 2: x[i].flags |= LPC_XFER_SEND; break;
		case 3:
			x[i].recv_buf = odd_wptr(t, x[i].recv_buf,
						 x[i].recv_cap);
			verify = false;
			break;
		case 4:
			b.xfers = P((char *)t->bx + 2 * PAGE -
				    sizeof(*x) * (1 + rn(&t->r, n)));
			break;
		case 5:
			/* an entry receives over the entries */
			x[i].recv_buf = P(x);
			clobber = true;
			break;
		default:
			if (attr[i])
				t->battr[i].size = near(t, 608);
			attr[i] = false;
			break;
		}
	}
	r = fz_ioctl(t, OP_RECV_BATCH, fd, LPC_IOC_RECV_BATCH, &b, sizeof(b),
		     mutate);
	if (r > (long)n)
		inconsistent("LPC_IOC_RECV_BATCH of %u entries returned %ld",
			     n, r);
	/* entries a message was written over tell nothing */
	if (b.xfers != P(x) || b.count != n || !t->out_ok || clobber)
		return (int)r;
	for (i = 0; r > 0 && i < (u32)r && i < n; i++) {
		struct rx rx = {
			.fd = fd,
			.info = &x[i].info,
			.data = verify ? (void *)(uintptr_t)x[i].recv_buf :
				NULL,
			.cap = x[i].recv_cap,
			.attr = attr[i] ? &t->battr[i] : NULL,
		};

		handle_rx(t, &rx);
	}
	return (int)r;
}
