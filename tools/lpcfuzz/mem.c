// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: the generator, clocks, a thread's buffers (each followed by an
 * unmapped page, the direct area by a read-only one), the odd pointers
 * handed to the kernel, and touching memory that may fault (views of
 * ended connections, read-only views) without dying of it.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
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
	u32 c = rn(&t->r, 13);
	u64 slow;

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
	case 11:
		/* memory whose first touch waits: the copy stops half way */
		slow = slow_ptr(t, len);
		if (slow)
			return slow;
		/* fall through */
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

/*
 * After a failed rt_sigreturn the context is __restore_rt's, its stack
 * pointer at the frame the kernel refused: show what that frame holds.
 */
static void sigframe_dump(const ucontext_t *uc)
{
	const ucontext_t *f = (const ucontext_t *)(uintptr_t)
		uc->uc_mcontext.gregs[REG_RSP];
	const unsigned char *fp;
	const unsigned int *sw;

	dprintf(2, "lpcfuzz:   sp %p: uc_flags %#lx rip %#llx rsp %#llx fpregs %p mask %#lx\n",
		(void *)f, f->uc_flags,
		(unsigned long long)f->uc_mcontext.gregs[REG_RIP],
		(unsigned long long)f->uc_mcontext.gregs[REG_RSP],
		(void *)f->uc_mcontext.fpregs, f->uc_sigmask.__val[0]);
	fp = (const unsigned char *)f->uc_mcontext.fpregs;
	if (!fp || (uintptr_t)fp - (uintptr_t)f > 65536)
		return;
	sw = (const unsigned int *)(fp + 464);
	dprintf(2, "lpcfuzz:   fpstate: sw magic1 %#x extended_size %u xfeatures %#x size %u; xstate_bv %#llx xcomp_bv %#llx\n",
		sw[0], sw[1], sw[2] | 0, sw[4],
		*(const unsigned long long *)(fp + 512),
		*(const unsigned long long *)(fp + 520));
}

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
	 * write on the way back from a system call (or a fault injected
	 * there: see fault_arm()) */
	n = snprintf(msg, sizeof(msg),
		     "lpcfuzz: worker %d thread %d: signal %d code %d at %p, ip %#llx\n",
		     t ? t->p->idx : -1, t ? t->idx : -1, sig, si->si_code,
		     si->si_addr,
		     (unsigned long long)((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP]);
	if (write(2, msg, (size_t)n) < 0) {
		/* dying anyway */
	}
	if (si->si_code == SI_KERNEL)
		sigframe_dump((const ucontext_t *)uc);
	signal(sig, SIG_DFL);
}

void touch_init(struct th *t)
{
	struct sigaction sa;
	stack_t ss;

	tls_th = t;
	/*
	 * Its own stack, so that a thread whose stack is gone or full still
	 * says where it died instead of being killed silently.
	 */
	ss.ss_sp = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ss.ss_size = 16 * PAGE;
	ss.ss_flags = 0;
	if (ss.ss_sp != MAP_FAILED)
		sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
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
