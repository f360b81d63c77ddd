// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: payloads and consistency checks.
 *
 * Every payload of 48 bytes or more that lpcfuzz sends starts with a
 * struct phdr: a magic, its kind, its length, the sender's pid and tid, a
 * nonce, for a reply the request's id and the request's nonce, and a
 * checksum of the whole payload. A receiver that finds the magic checks
 * everything the kernel could have got wrong: the bytes, the length, the
 * message type, the sender stamp, which request a reply answers. Sealed
 * sections carry one such header per page, so a view of them can be
 * checked page by page too.
 *
 * Only what cannot legitimately differ is checked; a mutated call whose
 * buffers were not ours is not checked at all.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lpcfuzz.h"

#define CTX_TAG		0xf22fULL

bool ctx_ok(u64 ctx)
{
	return !ctx || (ctx >> 48) == CTX_TAG;
}

u64 ctx_new(struct proc *p)
{
	u64 n = __atomic_add_fetch(&p->next_context, 1, __ATOMIC_RELAXED);

	return CTX_TAG << 48 | (u64)(p->idx & 0xff) << 40 |
	       (n & ((1ULL << 40) - 1));
}

static u64 hash(const void *buf, u32 len, u64 h)
{
	const unsigned char *c = buf;
	u64 w;
	u32 i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, c + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < len; i++)
		h = (h ^ c[i]) * 0x100000001b3ULL;
	return h;
}

static u64 pay_sum(const struct phdr *h, const void *body, u32 blen)
{
	struct phdr c = *h;

	c.sum = 0;
	return hash(body, blen, hash(&c, sizeof(c), 0xcbf29ce484222325ULL));
}

u32 pay_len(struct th *t, u32 max)
{
	u32 c = rn(&t->r, 100), len;

	if (c < 15)
		len = rn(&t->r, (u32)sizeof(struct phdr));
	else if (c < 75)
		len = (u32)sizeof(struct phdr) + rn(&t->r, 200);
	else if (c < 95)
		len = 256 + rn(&t->r, 4096 - 256);
	else
		len = rn(&t->r, LPC_MSG_MAX + 1);
	return len > max ? max : len;
}

static void body_fill(unsigned char *b, u32 len, u64 seed)
{
	u64 x = seed | 1;
	u32 i;

	for (i = 0; i + 8 <= len; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(b + i, &x, 8);
	}
	for (; i < len; i++)
		b[i] = (unsigned char)(x >> (i & 7));
}

void pay_fill(struct th *t, void *buf, u32 len, u32 kind, u64 ref, u64 nonce)
{
	struct phdr h;

	if (len < sizeof(h)) {
		/* too short for a header: bytes without the magic */
		memset(buf, 0x5a, len);
		return;
	}
	memset(&h, 0, sizeof(h));
	h.magic = PAY_MAGIC;
	h.kind = kind;
	h.len = len;
	h.ref = ref;
	h.nonce = nonce;
	h.pid = getpid();
	h.tid = t->tid;
	body_fill((unsigned char *)buf + sizeof(h), len - (u32)sizeof(h),
		  nonce ^ rnd(&t->r));
	h.sum = pay_sum(&h, (char *)buf + sizeof(h), len - (u32)sizeof(h));
	memcpy(buf, &h, sizeof(h));
}

/*
 * Fill the payload of a call after its mutations: @buf (@cap bytes) gets
 * a payload of the length the kernel will read, if @ubuf still points at
 * it and it fits; otherwise the bytes at @buf lose their magic, so that
 * nobody checks what the kernel reads there.
 */
void pay_fit(struct th *t, void *buf, u32 cap, u64 ubuf, u32 len, u32 kind,
	     u64 ref, u64 nonce)
{
	if (ubuf == (u64)(uintptr_t)buf && len <= cap) {
		pay_fill(t, buf, len, kind, ref, nonce);
		return;
	}
	if (cap >= 8)
		memset(buf, 0, 8);
}

/* A request says how large a reply it takes, for its replier. */
void pay_set_rcap(void *buf, u32 len, u32 rcap)
{
	struct phdr h;

	if (len < sizeof(h))
		return;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != PAY_MAGIC)
		return;
	h.rcap = rcap + 1;
	h.sum = pay_sum(&h, (char *)buf + sizeof(h), len - (u32)sizeof(h));
	memcpy(buf, &h, sizeof(h));
}

u32 pay_rcap(const void *buf, u32 len)
{
	struct phdr h;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	return h.magic == PAY_MAGIC ? h.rcap : 0;	/* 0: unknown */
}

u64 pay_nonce(const void *buf, u32 len)
{
	struct phdr h;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	return h.magic == PAY_MAGIC ? h.nonce : 0;
}

static u32 kind_of(u32 type)
{
	switch (type) {
	case LPC_MSG_REQUEST: return P_REQ;
	case LPC_MSG_DATAGRAM: return P_DGRAM;
	case LPC_MSG_REPLY: return P_REPLY;
	case LPC_MSG_LOST_REPLY: return P_REQ;
	case LPC_MSG_CONNECTION_REQUEST: return P_CONN;
	default: return 0;
	}
}

int pay_check(const void *buf, u32 len, const struct lpc_msg_info *info,
	      const char *what)
{
	struct phdr h;
	u32 want;

	if (len < sizeof(h))
		return 0;
	memcpy(&h, buf, sizeof(h));
	/* section pages are not messages: a send may point at a view */
	if (h.magic != PAY_MAGIC || h.kind < P_REQ || h.kind > P_REJECT)
		return 0;
	if (h.len != len) {
		inconsistent("%s: %u bytes arrived, the sender sent %u (id %llu type %u)",
			     what, len, h.len,
			     info ? (unsigned long long)info->id : 0ULL,
			     info ? info->type : 0);
		return -1;
	}
	if (pay_sum(&h, (const char *)buf + sizeof(h),
		    len - (u32)sizeof(h)) != h.sum) {
		inconsistent("%s: payload of %u bytes corrupted (id %llu type %u kind %u)",
			     what, len,
			     info ? (unsigned long long)info->id : 0ULL,
			     info ? info->type : 0, h.kind);
		return -1;
	}
	if (!info)
		goto ok;
	want = kind_of(info->type);
	if (want && h.kind != want) {
		inconsistent("%s: a message of type %u carries a payload of kind %u (id %llu)",
			     what, info->type, h.kind,
			     (unsigned long long)info->id);
		return -1;
	}
	if (info->pid != h.pid || info->tid != h.tid) {
		inconsistent("%s: type %u id %llu stamped pid %d tid %d, sent by pid %d tid %d",
			     what, info->type, (unsigned long long)info->id,
			     info->pid, info->tid, h.pid, h.tid);
		return -1;
	}
	if (info->type == LPC_MSG_REPLY && h.ref && h.ref != info->ref_id) {
		inconsistent("%s: reply to request %llu arrived as a reply to %llu",
			     what, (unsigned long long)h.ref,
			     (unsigned long long)info->ref_id);
		return -1;
	}
ok:
	ev_add(EV_PAYLOADS_OK, 1);
	return 1;
}

/* ---- sections: a header per page ---- */

void section_fill(void *map, u64 size, u64 nonce, u64 ino)
{
	struct phdr h;
	u64 i;

	for (i = 0; i + PAGE <= size; i += PAGE) {
		char *pg = (char *)map + i;

		memset(&h, 0, sizeof(h));
		h.magic = PAY_MAGIC;
		h.kind = P_PAGE;
		h.len = (u32)(i / PAGE);
		h.ref = nonce;
		h.nonce = ino;
		h.pid = getpid();
		body_fill((unsigned char *)pg + sizeof(h), PAGE - sizeof(h),
			  nonce + i);
		h.sum = pay_sum(&h, pg + sizeof(h), PAGE - sizeof(h));
		memcpy(pg, &h, sizeof(h));
	}
}

/*
 * Where @addr is mapped from: the file offset that backs it and the inode,
 * from /proc/self/maps. false if it is not a file mapping.
 */
static bool backing(u64 addr, u64 *off, u64 *ino)
{
	char line[512];
	unsigned long long s, e, o, i;
	unsigned int maj, mnr;
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %*s %llx %x:%x %llu", &s, &e, &o,
			   &maj, &mnr, &i) != 6)
			continue;
		if (addr < s || addr >= e)
			continue;
		*off = o + (addr - s);
		*ino = i;
		found = i != 0;
		break;
	}
	fclose(f);
	return found;
}

/* Copy a page of a view; false if it faults (an ended connection). */
static bool read_page(struct th *t, u64 addr, char *page)
{
	if (sigsetjmp(t->jb, 1)) {
		ev_add(EV_SIGBUS, 1);
		return false;
	}
	t->in_touch = 1;
	memcpy(page, (char *)(uintptr_t)addr, PAGE);
	t->in_touch = 0;
	return true;
}

/*
 * Is the page at @addr page @want of a section filled with @nonce (0: any)?
 * 1 yes, 0 not a checkable page, -1 no (@why says what it is).
 */
static int page_is(const char *page, u64 want, u64 nonce, char *why,
		   size_t wlen)
{
	struct phdr h;

	memcpy(&h, page, sizeof(h));
	if (h.magic != PAY_MAGIC)
		return 0;
	if (h.kind != P_PAGE ||
	    h.sum != pay_sum(&h, page + sizeof(h), PAGE - sizeof(h))) {
		snprintf(why, wlen, "a corrupted page");
		return -1;
	}
	if (h.len != want) {
		snprintf(why, wlen, "section page %u instead of page %llu",
			 h.len, (unsigned long long)want);
		return -1;
	}
	if (nonce && h.ref != nonce) {
		snprintf(why, wlen, "a page of section %#llx instead of %#llx",
			 (unsigned long long)h.ref, (unsigned long long)nonce);
		return -1;
	}
	return 1;
}

/* Is @page page @want of the section whose inode is @ino? */
static bool page_of_inode(const char *page, u64 want, u64 ino)
{
	struct phdr h;

	memcpy(&h, page, sizeof(h));
	return h.magic == PAY_MAGIC && h.kind == P_PAGE && h.len == want &&
	       h.nonce && h.nonce == ino &&
	       h.sum == pay_sum(&h, page + sizeof(h), PAGE - sizeof(h));
}

/*
 * A view of a sealed section: check that each page is the page of that
 * section at that offset. Pages of an ended connection are gone (zero,
 * or SIGBUS): those are skipped. Since another thread may unmap a view
 * and the kernel map another one at the same address at any time, a page
 * that looks wrong is looked at again, between two looks at what backs
 * that address: only if the same file at the right offset backs it
 * throughout and the page is still wrong is it reported. A page that is
 * right for the file mapped there (each page records its section's inode)
 * but of another section than the sender named was sent through an fd
 * number that another thread of the sender had meanwhile reused.
 */
void view_check(struct th *t, const struct view *v)
{
	static __thread char page[PAGE];
	u64 i, nonce = v->expect, first = v->offset / PAGE;
	u64 off1, off2, ino1, ino2;
	char why[128];
	int ok;

	if (!(v->flags & LPC_VIEW_IMMUTABLE) || v->offset % PAGE) {
		touch(t, (void *)(uintptr_t)v->addr, v->len, false);
		return;
	}
	for (i = 0; i + PAGE <= v->len && i < 16 * PAGE; i += PAGE) {
		if (!read_page(t, v->addr + i, page))
			return;
		ok = page_is(page, first + i / PAGE, nonce, why, sizeof(why));
		if (ok > 0) {
			if (!nonce)
				nonce = ((struct phdr *)page)->ref;
			ev_add(EV_PAGES_OK, 1);
			continue;
		}
		if (!ok)
			continue;
		if (!backing(v->addr + i, &off1, &ino1) ||
		    off1 != v->offset + i || !read_page(t, v->addr + i, page))
			return;		/* not the view we think it is */
		ok = page_is(page, first + i / PAGE, nonce, why, sizeof(why));
		if (ok >= 0 || !backing(v->addr + i, &off2, &ino2) ||
		    off2 != off1 || ino2 != ino1)
			return;
		if (page_of_inode(page, first + i / PAGE, ino1)) {
			/*
			 * The right page of the file that is mapped, only not
			 * the section the sender picked: another of its
			 * threads closed that fd and a new section took the
			 * number before the send looked it up.
			 */
			ev_add(EV_VIEW_FD_REUSED, 1);
			return;
		}
		inconsistent("view at %#llx (offset %llu) of a sealed section: page %llu is %s",
			     (unsigned long long)v->addr,
			     (unsigned long long)v->offset,
			     (unsigned long long)(i / PAGE), why);
		return;
	}
}

/* ---- received messages ---- */

void take_attr(struct th *t, const struct rx *rx, u64 expect)
{
	const struct lpc_msg_attr *a = rx->attr;
	struct view v;
	u32 i;

	if (a->flags & LPC_ATTR_FDS) {
		if (a->nr_fds > LPC_MAX_FDS) {
			inconsistent("received %u fds, at most %d can come",
				     a->nr_fds, LPC_MAX_FDS);
			return;
		}
		for (i = 0; i < a->nr_fds; i++) {
			if (a->fds[i] < 0)
				continue;
			ev_add(EV_FDS_RX, 1);
			pool_add(t->p, a->fds[i], K_RECVFD, -1);
		}
	}
	if (a->flags & LPC_ATTR_VIEW) {
		if (a->view.addr) {
			memset(&v, 0, sizeof(v));
			v.addr = a->view.addr;
			v.len = a->view.length;
			v.flags = a->view.flags;
			v.offset = a->view.offset;
			v.kept = a->view.flags & LPC_VIEW_KEPT;
			v.port = rx->fd;
			v.expect = expect;
			if (rx->info->type == LPC_MSG_REQUEST)
				v.req = rx->info->id;
			ev_add(EV_VIEWS_MAPPED, 1);
			view_check(t, &v);
			view_add(t->p, &v);
		}
		if (a->view.section_fd >= 0) {
			ev_add(EV_VIEW_FDS, 1);
			pool_add_section(t->p, a->view.section_fd, -1,
					 a->view.length, NULL, 0, false);
		}
	}
}

void handle_rx(struct th *t, const struct rx *rx)
{
	const struct lpc_msg_info *info = rx->info;
	const struct lpc_msg_attr *a = rx->attr;
	struct inreq q;
	struct sent s;
	u64 nonce = 0, ref = 0;
	int ok = 0;

	if (info->type < LPC_MSG_REQUEST || info->type > LPC_MSG_LOST_REPLY) {
		inconsistent("received a message of type %u", info->type);
		return;
	}
	if (!info->id)
		inconsistent("received a message (type %u) with id 0",
			     info->type);
	if (info->__pad)
		inconsistent("received a header with nonzero padding");
	if (info->type == LPC_MSG_CONNECTION_REQUEST ? info->context != 0 :
	    !ctx_ok(info->context))
		inconsistent("type %u id %llu came with context %#llx, never bound",
			     info->type, (unsigned long long)info->id,
			     (unsigned long long)info->context);
	if (rx->data && info->data_len > rx->cap)
		inconsistent("type %u: %u bytes received into a %u-byte buffer",
			     info->type, info->data_len, rx->cap);
	id_seen(t->p, info->id);
	id_seen(t->p, info->ref_id);
	if (rx->data && info->data_len <= rx->cap) {
		ok = pay_check(rx->data, info->data_len, info, "receive");
		if (ok > 0) {
			nonce = pay_nonce(rx->data, info->data_len);
			ref = ((const struct phdr *)rx->data)->ref;
		}
	}
	if (a && (info->flags & LPC_MSGF_ATTR))
		take_attr(t, rx, info->type == LPC_MSG_REPLY ? 0 : ref);

	switch (info->type) {
	case LPC_MSG_CONNECTION_REQUEST:
		if (t->p->race && race_on_connreq(t, rx->fd, info->id))
			break;
		if (pct(&t->r, 85)) {
			do_accept(t, rx->fd, info->id, one_in(&t->r, 10),
				  pct(&t->r, g_opt.mutate / 2));
			break;
		}
		memset(&q, 0, sizeof(q));
		q.id = info->id;
		q.fd = rx->fd;
		q.srv = -1;
		q.conn = true;
		inreq_add(t->p, &q);
		break;
	case LPC_MSG_REQUEST:
		ev_add(EV_REQUESTS_RX, 1);
		memset(&q, 0, sizeof(q));
		q.id = info->id;
		q.fd = rx->fd;
		q.srv = -1;
		q.nonce = nonce;
		q.context = info->context;
		if (ok > 0 && pay_rcap(rx->data, info->data_len)) {
			q.reply_cap = pay_rcap(rx->data, info->data_len) - 1;
			q.cap_known = true;
		}
		{
			struct obj lo;

			/* and never more than our port takes */
			if (pool_lookup(t->p, rx->fd, &lo) &&
			    lo.kind == K_LISTENER && lo.size &&
			    (!q.cap_known || q.reply_cap > lo.size)) {
				q.reply_cap = (u32)lo.size;
				q.cap_known = true;
			}
		}
		if (a && (info->flags & LPC_MSGF_ATTR) &&
		    (a->flags & LPC_ATTR_DIRECT) &&
		    a->nr_ranges <= LPC_MAX_RANGES) {
			q.nr_ranges = a->nr_ranges;
			memcpy(q.ranges, a->ranges, sizeof(q.ranges));
		}
		inreq_add(t->p, &q);
		t->last = q;
		t->got_req = true;
		break;
	case LPC_MSG_REPLY:
		ev_add(EV_ASYNC_REPLIES, 1);
		if (sent_find(t->p, info->ref_id, &s, true) && nonce &&
		    s.nonce && nonce != s.nonce)
			inconsistent("the reply to request %llu answers another request (nonce %#llx, sent %#llx)",
				     (unsigned long long)info->ref_id,
				     (unsigned long long)nonce,
				     (unsigned long long)s.nonce);
		break;
	case LPC_MSG_LOST_REPLY:
		ev_add(EV_LOST_REPLIES, 1);
		if (sent_find(t->p, info->ref_id, &s, true) && nonce &&
		    s.nonce && nonce != s.nonce)
			inconsistent("request %llu came back lost with another request's data",
				     (unsigned long long)info->ref_id);
		break;
	case LPC_MSG_DATAGRAM:
		ev_add(EV_DGRAMS_RX, 1);
		break;
	case LPC_MSG_PORT_CLOSED:
	case LPC_MSG_CLIENT_DIED:
		ev_add(EV_NOTICES_RX, 1);
		if (info->data_len)
			inconsistent("a close notice (type %u) with %u bytes of data",
				     info->type, info->data_len);
		break;
	}
}

void check_sync_reply(struct th *t, const struct lpc_xfer *x, u64 nonce,
		      bool verify)
{
	u64 got;

	ev_add(EV_SYNC_REPLIES, 1);
	if (x->info.type != LPC_MSG_REPLY) {
		inconsistent("a synchronous request (id %llu) returned a message of type %u",
			     (unsigned long long)x->send_id, x->info.type);
		return;
	}
	if (x->info.ref_id != x->send_id) {
		inconsistent("synchronous request %llu got the reply to %llu",
			     (unsigned long long)x->send_id,
			     (unsigned long long)x->info.ref_id);
		return;
	}
	if (!ctx_ok(x->info.context))
		inconsistent("a reply came with context %#llx, never bound",
			     (unsigned long long)x->info.context);
	id_seen(t->p, x->info.id);
	if (!verify || x->info.data_len > x->recv_cap)
		return;
	if (pay_check((void *)(uintptr_t)x->recv_buf, x->info.data_len,
		      &x->info, "synchronous reply") <= 0)
		return;
	got = pay_nonce((void *)(uintptr_t)x->recv_buf, x->info.data_len);
	if (got && nonce && got != nonce)
		inconsistent("synchronous request %llu got a reply meant for another request (nonce %#llx, sent %#llx)",
			     (unsigned long long)x->send_id,
			     (unsigned long long)got,
			     (unsigned long long)nonce);
}
