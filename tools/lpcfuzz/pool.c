// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: the objects of one worker process.
 *
 * Every table is guarded by p->lk, but an fd taken out of the pool is only
 * a number: another thread may close it, and the number be reused, while
 * the first one still uses it. That is on purpose.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lpcfuzz.h"

/* ---- objects ---- */

/* At most this many of a kind; a new one replaces a random old one. */
static const int kind_cap[NR_KINDS] = {
	[K_DEV] = 2, [K_LISTENER] = 3, [K_CLIENT] = 24, [K_SERVER] = 24,
	[K_SECTION] = 12, [K_RECVFD] = 12, [K_PIPE] = 2, [K_MEMFD] = 3,
	[K_EVENTFD] = 2, [K_SOCK] = 2, [K_URING] = 1, [K_EPOLL] = 1,
};

static int closed_fds[8];
static u32 closed_pos;

void pool_init(struct proc *p)
{
	pthread_mutex_init(&p->lk, NULL);
	pthread_rwlock_init(&p->sec_rw, NULL);
	p->nobj = p->nview = p->ninreq = p->nsent = 0;
}

static void obj_release(struct obj *o)
{
	if (o->map && o->map != MAP_FAILED)
		munmap(o->map, o->size);
	o->map = NULL;
}

static void close_obj(struct proc *p, int fd, int kind)
{
	if (kind != K_SECTION) {
		close(fd);
		return;
	}
	pthread_rwlock_wrlock(&p->sec_rw);
	close(fd);
	pthread_rwlock_unlock(&p->sec_rw);
}

/* Called locked: take the slot out, return its fd for closing. */
static int obj_del(struct proc *p, int i, int *kind)
{
	int fd = p->obj[i].fd;

	*kind = p->obj[i].kind;
	obj_release(&p->obj[i]);
	p->obj[i] = p->obj[--p->nobj];
	closed_fds[closed_pos++ % 8] = fd;
	return fd;
}

static int add_locked(struct proc *p, const struct obj *o, int *kind)
{
	int i, n = 0, victim = -1, evict = -1;

	for (i = 0; i < p->nobj; i++) {
		if (p->obj[i].kind != o->kind)
			continue;
		/* reservoir choice of a victim of the same kind */
		if (rn(&p->r, ++n) == 0)
			victim = i;
	}
	if (n >= kind_cap[o->kind])
		evict = obj_del(p, victim, kind);
	else if (p->nobj >= MAX_OBJS)
		evict = obj_del(p, (int)rn(&p->r, (u32)p->nobj), kind);
	p->obj[p->nobj++] = *o;
	return evict;
}

void pool_add(struct proc *p, int fd, int kind, int name)
{
	struct obj o = { .fd = fd, .kind = kind, .name = name, .port = -1 };
	int evict, ekind = -1;

	if (fd < 0)
		return;
	pthread_mutex_lock(&p->lk);
	evict = add_locked(p, &o, &ekind);
	pthread_mutex_unlock(&p->lk);
	if (evict >= 0)
		close_obj(p, evict, ekind);
}

void pool_add_section(struct proc *p, int fd, int port, u64 size, void *map,
		      u64 nonce, bool sealed)
{
	struct obj o = { .fd = fd, .kind = K_SECTION, .name = -1,
			 .port = port, .size = size, .map = map,
			 .nonce = nonce, .sealed = sealed };
	int evict, ekind = -1;

	if (fd < 0)
		return;
	pthread_mutex_lock(&p->lk);
	evict = add_locked(p, &o, &ekind);
	pthread_mutex_unlock(&p->lk);
	if (evict >= 0)
		close_obj(p, evict, ekind);
}

int pool_pick_obj(struct th *t, u32 mask, struct obj *out)
{
	struct proc *p = t->p;
	int i, n = 0, pick = -1;

	pthread_mutex_lock(&p->lk);
	for (i = 0; i < p->nobj; i++) {
		if (!(mask & KM(p->obj[i].kind)))
			continue;
		if (rn(&t->r, ++n) == 0)
			pick = i;
	}
	if (pick >= 0)
		*out = p->obj[pick];
	pthread_mutex_unlock(&p->lk);
	return pick >= 0 ? out->fd : -1;
}

int pool_pick(struct th *t, u32 mask, int *kind)
{
	struct obj o;
	int fd = pool_pick_obj(t, mask, &o);

	if (kind)
		*kind = fd >= 0 ? o.kind : -1;
	return fd;
}

/*
 * The fd an operation works on: mostly one of @mask, sometimes any object,
 * a closed number or nonsense.
 */
int pool_fd_for_op(struct th *t, u32 mask)
{
	u32 c = rn(&t->r, 100);
	int fd;

	if (c < 92) {
		fd = pool_pick(t, mask, NULL);
		if (fd >= 0)
			return fd;
	}
	if (c < 97) {
		fd = pool_pick(t, KM_ANY, NULL);
		if (fd >= 0)
			return fd;
	}
	switch (rn(&t->r, 4)) {
	case 0: return -1;
	case 1: return 1000 + (int)rn(&t->r, 20);
	case 2: return closed_fds[rn(&t->r, 8)];
	default: return (int)rn(&t->r, 64);
	}
}

int pool_count(struct proc *p, int kind)
{
	int i, n = 0;

	pthread_mutex_lock(&p->lk);
	for (i = 0; i < p->nobj; i++)
		n += p->obj[i].kind == kind;
	pthread_mutex_unlock(&p->lk);
	return n;
}

bool pool_lookup(struct proc *p, int fd, struct obj *out)
{
	bool ok = false;
	int i;

	pthread_mutex_lock(&p->lk);
	for (i = 0; i < p->nobj; i++) {
		if (p->obj[i].fd == fd) {
			*out = p->obj[i];
			ok = true;
			break;
		}
	}
	pthread_mutex_unlock(&p->lk);
	return ok;
}

static void forget_fd_locked(struct proc *p, int fd);

static int forget(struct proc *p, int fd)
{
	int i, kind = -1;

	pthread_mutex_lock(&p->lk);
	forget_fd_locked(p, fd);
	for (i = 0; i < p->nobj; i++) {
		if (p->obj[i].fd == fd) {
			obj_del(p, i, &kind);
			break;
		}
	}
	pthread_mutex_unlock(&p->lk);
	return kind;
}

void pool_set_size(struct proc *p, int fd, u64 size)
{
	int i;

	pthread_mutex_lock(&p->lk);
	for (i = 0; i < p->nobj; i++)
		if (p->obj[i].fd == fd)
			p->obj[i].size = size;
	pthread_mutex_unlock(&p->lk);
}

void pool_forget(struct proc *p, int fd)
{
	forget(p, fd);
}

void pool_close(struct th *t, int fd)
{
	if (fd < 0)
		return;
	close_obj(t->p, fd, forget(t->p, fd));
}

static int uring_setup(void)
{
	struct io_uring_params prm;

	memset(&prm, 0, sizeof(prm));
	return (int)syscall(SYS_io_uring_setup, 4, &prm);
}

/* Add one unrelated fd: a pipe, memfd, eventfd, socketpair or io_uring. */
void pool_unrelated(struct th *t)
{
	struct proc *p = t->p;
	int fds[2], fd;

	switch (rn(&t->r, 5)) {
	case 0:
		if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
			pool_add(p, fds[0], K_PIPE, -1);
			pool_add(p, fds[1], K_PIPE, -1);
		}
		break;
	case 1:
		fd = memfd_create("lpcfuzz", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (fd >= 0 && ftruncate(fd, (off_t)PAGE * (1 + rn(&t->r, 4)))) {
			/* ignored */
		}
		pool_add(p, fd, K_MEMFD, -1);
		break;
	case 2:
		pool_add(p, eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), K_EVENTFD,
			 -1);
		break;
	case 3:
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, fds) == 0) {
			pool_add(p, fds[0], K_SOCK, -1);
			pool_add(p, fds[1], K_SOCK, -1);
		}
		break;
	default:
		/* never with registered files: they could hold a port */
		pool_add(p, uring_setup(), K_URING, -1);
		break;
	}
}

/* A section created on @port (for a view it may carry), or any section. */
int pool_pick_section(struct th *t, int port, struct obj *out)
{
	struct proc *p = t->p;
	int i, n = 0, m = 0, pick = -1, any = -1;

	pthread_mutex_lock(&p->lk);
	for (i = 0; i < p->nobj; i++) {
		if (p->obj[i].kind != K_SECTION)
			continue;
		if (rn(&t->r, ++m) == 0)
			any = i;
		if (p->obj[i].port == port && rn(&t->r, ++n) == 0)
			pick = i;
	}
	if (pick < 0 || one_in(&t->r, 10))
		pick = any;
	if (pick >= 0)
		*out = p->obj[pick];
	pthread_mutex_unlock(&p->lk);
	return pick >= 0 ? out->fd : -1;
}

/* ---- views ---- */

void view_add(struct proc *p, const struct view *v)
{
	struct view old = { 0 };
	bool unmap = false;

	pthread_mutex_lock(&p->lk);
	/* a kept view comes back at the same address: one record */
	for (int i = 0; i < p->nview; i++) {
		if (p->view[i].addr == v->addr) {
			p->view[i] = *v;
			pthread_mutex_unlock(&p->lk);
			return;
		}
	}
	if (p->nview >= MAX_VIEWS) {
		int i = (int)rn(&p->r, MAX_VIEWS);

		old = p->view[i];
		p->view[i] = p->view[--p->nview];
		unmap = true;
	}
	p->view[p->nview++] = *v;
	pthread_mutex_unlock(&p->lk);
	/* A forgotten view is unmapped by us, not by the kernel. */
	if (unmap)
		munmap((void *)(uintptr_t)old.addr, old.len);
}

bool view_pick(struct th *t, struct view *out, bool remove)
{
	struct proc *p = t->p;
	bool ok = false;
	int i;

	pthread_mutex_lock(&p->lk);
	if (p->nview) {
		i = (int)rn(&t->r, (u32)p->nview);
		*out = p->view[i];
		if (remove)
			p->view[i] = p->view[--p->nview];
		ok = true;
	}
	pthread_mutex_unlock(&p->lk);
	return ok;
}

/* A view that stays until released: kept, or not a request's. */
bool view_pick_free(struct th *t, struct view *out)
{
	struct proc *p = t->p;
	int i, n = 0, pick = -1;

	pthread_mutex_lock(&p->lk);
	for (i = 0; i < p->nview; i++) {
		if ((p->view[i].kept || !p->view[i].req) &&
		    rn(&t->r, ++n) == 0)
			pick = i;
	}
	if (pick < 0 && p->nview && one_in(&t->r, 4))
		pick = (int)rn(&t->r, (u32)p->nview);
	if (pick >= 0)
		*out = p->view[pick];
	pthread_mutex_unlock(&p->lk);
	return pick >= 0;
}

void view_forget_addr(struct proc *p, u64 addr)
{
	int i;

	pthread_mutex_lock(&p->lk);
	for (i = 0; i < p->nview; i++) {
		if (p->view[i].addr == addr) {
			p->view[i] = p->view[--p->nview];
			break;
		}
	}
	pthread_mutex_unlock(&p->lk);
}

/* The kernel unmaps a request's view when it is answered. */
void view_forget_req(struct proc *p, u64 req)
{
	int i;

	if (!req)
		return;
	pthread_mutex_lock(&p->lk);
	for (i = 0; i < p->nview; i++) {
		if (p->view[i].req == req && !p->view[i].kept)
			p->view[i--] = p->view[--p->nview];
	}
	pthread_mutex_unlock(&p->lk);
}

/* ---- requests received, requests sent, ids ---- */

void inreq_add(struct proc *p, const struct inreq *q)
{
	pthread_mutex_lock(&p->lk);
	if (p->ninreq >= MAX_INREQS) {
		/* forget the oldest; its requester times out */
		memmove(&p->inreq[0], &p->inreq[1],
			sizeof(p->inreq[0]) * (MAX_INREQS - 1));
		p->ninreq--;
	}
	p->inreq[p->ninreq++] = *q;
	pthread_mutex_unlock(&p->lk);
}

/* conn: 1 only connection requests, 0 only requests, -1 either */
bool inreq_pick(struct th *t, struct inreq *out, bool remove, int conn)
{
	struct proc *p = t->p;
	int i, n = 0, pick = -1;

	pthread_mutex_lock(&p->lk);
	for (i = 0; i < p->ninreq; i++) {
		if (conn >= 0 && p->inreq[i].conn != conn)
			continue;
		if (rn(&t->r, ++n) == 0)
			pick = i;
	}
	if (pick >= 0) {
		*out = p->inreq[pick];
		if (remove)
			p->inreq[pick] = p->inreq[--p->ninreq];
	}
	pthread_mutex_unlock(&p->lk);
	return pick >= 0;
}

void inreq_forget(struct proc *p, u64 id)
{
	int i;

	pthread_mutex_lock(&p->lk);
	for (i = 0; i < p->ninreq; i++) {
		if (p->inreq[i].id == id) {
			p->inreq[i] = p->inreq[--p->ninreq];
			break;
		}
	}
	pthread_mutex_unlock(&p->lk);
}

/* Called locked: the port @fd is gone, and what came through it. */
static void forget_fd_locked(struct proc *p, int fd)
{
	int i;

	for (i = 0; i < p->ninreq; i++)
		if (p->inreq[i].fd == fd)
			p->inreq[i--] = p->inreq[--p->ninreq];
	for (i = 0; i < p->nsent; i++)
		if (p->sent[i].fd == fd)
			p->sent[i--] = p->sent[--p->nsent];
}

void inreq_forget_fd(struct proc *p, int fd)
{
	pthread_mutex_lock(&p->lk);
	forget_fd_locked(p, fd);
	pthread_mutex_unlock(&p->lk);
}

void sent_add(struct proc *p, u64 id, u64 nonce, int fd)
{
	pthread_mutex_lock(&p->lk);
	if (p->nsent >= MAX_SENT) {
		memmove(&p->sent[0], &p->sent[1],
			sizeof(p->sent[0]) * (MAX_SENT - 1));
		p->nsent--;
	}
	p->sent[p->nsent].id = id;
	p->sent[p->nsent].nonce = nonce;
	p->sent[p->nsent].fd = fd;
	p->nsent++;
	pthread_mutex_unlock(&p->lk);
}

bool sent_find(struct proc *p, u64 id, struct sent *out, bool remove)
{
	bool ok = false;
	int i;

	pthread_mutex_lock(&p->lk);
	for (i = 0; i < p->nsent; i++) {
		if (p->sent[i].id != id)
			continue;
		*out = p->sent[i];
		if (remove)
			p->sent[i] = p->sent[--p->nsent];
		ok = true;
		break;
	}
	pthread_mutex_unlock(&p->lk);
	return ok;
}

bool sent_pick(struct th *t, struct sent *out)
{
	struct proc *p = t->p;
	bool ok = false;

	pthread_mutex_lock(&p->lk);
	if (p->nsent) {
		*out = p->sent[rn(&t->r, (u32)p->nsent)];
		ok = true;
	}
	pthread_mutex_unlock(&p->lk);
	return ok;
}

void id_seen(struct proc *p, u64 id)
{
	u32 i;

	if (!id)
		return;
	i = __atomic_fetch_add(&p->idpos, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&p->ids[i % MAX_IDS], id, __ATOMIC_RELAXED);
	i = __atomic_fetch_add(&g_sh->idpos, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&g_sh->idring[i % 256], id, __ATOMIC_RELAXED);
}

/* An id: ours, another worker's (another connection's), or nonsense. */
u64 id_pick(struct th *t)
{
	struct proc *p = t->p;
	u32 c = rn(&t->r, 100);
	u64 id;

	if (c < 45)
		id = __atomic_load_n(&p->ids[rn(&t->r, MAX_IDS)],
				     __ATOMIC_RELAXED);
	else if (c < 80)
		id = __atomic_load_n(&g_sh->idring[rn(&t->r, 256)],
				     __ATOMIC_RELAXED);
	else if (c < 88)
		id = 0;
	else if (c < 94)
		id = __atomic_load_n(&p->ids[rn(&t->r, MAX_IDS)],
				     __ATOMIC_RELAXED) + 1 - rn(&t->r, 3);
	else
		id = rnd(&t->r) >> rn(&t->r, 64);
	return id;
}
