// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: the objects of one worker process and its odd memory.
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
#include <stdio.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "lpcfuzz.h"

/* ---- PRNG ---- */

u64 mix64(u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void rng_seed(struct rng *r, u64 seed)
{
	int i;

	for (i = 0; i < 4; i++) {
		seed = mix64(seed);
		r->s[i] = seed ? seed : 1;
	}
}

static inline u64 rotl(u64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

u64 rnd(struct rng *r)
{
	u64 *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

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

static int forget(struct proc *p, int fd)
{
	int i, kind = -1;

	pthread_mutex_lock(&p->lk);
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

/* ---- memory ---- */

/* @len bytes of read-write memory followed by a PROT_NONE page. */
static char *guarded(u64 len)
{
	char *m = mmap(NULL, len + PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	mprotect(m + len, PAGE, PROT_NONE);
	return m;
}

int th_init(struct th *t, struct proc *p, int idx)
{
	t->p = p;
	t->idx = idx;
	t->sbuf = guarded(LPC_MSG_MAX + PAGE);
	t->rbuf = guarded(LPC_MSG_MAX + PAGE);
	t->dbuf = guarded(DBUF_RW + PAGE);
	t->arg = guarded(4 * PAGE);
	t->rw = guarded(PAGE);
	t->bbuf = guarded(16 * PAGE);
	t->abuf = guarded(4 * PAGE);
	t->battr = (void *)guarded(4 * PAGE);
	t->bx = (void *)guarded(2 * PAGE);
	if (!t->sbuf || !t->rbuf || !t->dbuf || !t->arg || !t->rw ||
	    !t->bbuf || !t->abuf || !t->battr || !t->bx)
		return -1;
	t->ra = (void *)t->abuf;
	t->sa = (void *)(t->abuf + 2 * PAGE);
	/* the page after the direct area's read-write part is read-only */
	mprotect(t->dbuf + DBUF_RW, PAGE, PROT_READ);
	t->fail_fd = -1;
	return 0;
}

/*
 * A pointer that should not work, or works oddly, in place of @good
 * (@len bytes): NULL, unmapped, read-only, misaligned, a kernel address,
 * a range that runs into an unmapped page, someone's view.
 *
 * @wr: the kernel may write there. Then never misaligned or a view: @len
 * bytes from there would run over whatever follows (the structure's
 * neighbours on the stack, the mapping after a view) and corrupt this
 * process.
 */
u64 odd_ptr_w(struct th *t, u64 good, u64 len, bool wr)
{
	struct proc *p = t->p;
	struct view v;
	u32 c = rn(&t->r, 12);

	if (wr && (c == 7 || c == 9))
		c = 2;
	switch (c) {
	case 0: return 0;
	case 1: return 16;
	case 2: return (u64)(uintptr_t)p->none + rn(&t->r, 64);
	case 3: return (u64)(uintptr_t)p->ropage;
	case 4: return 0xffff800000000000ULL;
	case 5: return 0xffffffffffffff00ULL;
	case 6: return 0x0000800000000000ULL - rn(&t->r, 2) * 8;
	case 7: return good ? good + 1 + rn(&t->r, 7) : 0;
	case 8:
		/* runs into the guard page after the receive buffer */
		if (len < 2)
			len = 2;
		if (len > LPC_MSG_MAX)
			len = LPC_MSG_MAX;
		return (u64)(uintptr_t)t->rbuf + LPC_MSG_MAX + PAGE - len / 2;
	case 9:
		if (view_pick(t, &v, false))
			return v.addr + rn(&t->r, 2) * (v.len / 2);
		return (u64)(uintptr_t)p->none;
	case 10:
		/* the read-only page after the direct area */
		return (u64)(uintptr_t)t->dbuf + DBUF_RW;
	default:
		/*
		 * The top of user space, unmapped. Never a random address:
		 * one that hit a stack or another thread's buffer would
		 * corrupt this process, and the checks would blame the
		 * kernel.
		 */
		return 0x00007ffffffff000ULL + rn(&t->r, PAGE);
	}
}

u64 odd_ptr(struct th *t, u64 good, u64 len)
{
	return odd_ptr_w(t, good, len, false);
}

u64 odd_wptr(struct th *t, u64 good, u64 len)
{
	return odd_ptr_w(t, good, len, true);
}

static __thread struct th *tls_th;

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	struct th *t = tls_th;
	char msg[160];
	int n;

	if (t && t->in_touch) {
		t->in_touch = 0;
		siglongjmp(t->jb, sig);
	}
	/* not a touch: a bug here, or memory the kernel should not have
	 * written; say where, then die of it */
	/* si_code SI_KERNEL (128): sent by the kernel, not a fault of an
	 * instruction, e.g. a signal frame or the rseq area it could not
	 * write on the way back from a system call */
	n = snprintf(msg, sizeof(msg),
		     "lpcfuzz: worker %d thread %d: signal %d code %d at %p, ip %#llx\n",
		     t ? t->p->idx : -1, t ? t->idx : -1, sig, si->si_code,
		     si->si_addr,
		     (unsigned long long)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP]);
	if (write(2, msg, (size_t)n) < 0) {
		/* dying anyway */
	}
	signal(sig, SIG_DFL);
}

void touch_init(struct th *t)
{
	struct sigaction sa;

	tls_th = t;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/*
 * Read (or write) @len bytes at @addr, surviving SIGBUS and SIGSEGV: a view
 * of an ended connection faults, a read-only view refuses writes.
 */
void touch(struct th *t, void *addr, u64 len, bool write)
{
	volatile char *c = addr;
	char b;
	u64 i;

	if (sigsetjmp(t->jb, 1)) {
		ev_add(EV_SIGBUS, 1);
		return;
	}
	t->in_touch = 1;
	for (i = 0; i < len; i += PAGE) {
		b = c[i];
		if (write)
			c[i] = b;	/* the same byte back */
	}
	t->in_touch = 0;
}
