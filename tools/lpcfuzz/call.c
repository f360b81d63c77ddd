// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: the call itself. fz_ioctl() makes every ioctl of the
 * generators in ops_*.c: it counts the result, injects a fault now and
 * then (fail-nth), and for a mutated call may change the structure's
 * size in the ioctl number (0, VER0 - 1, larger with a zero or nonzero
 * tail, above a page), its direction bits, or where the structure lives
 * (NULL, unmapped, read-only, misaligned, running into an unmapped page).
 * Also the small helpers every generator uses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lpcfuzz.h"
#include "ops.h"

/* ---- fault injection (debug kernels) ---- */

/*
 * The count in fail-nth runs on past the call when the call makes fewer
 * fault-injection checks than that, into whatever the kernel does next for
 * this thread: the signal frame it writes on the way back to user space,
 * or the one rt_sigreturn reads. A failure injected there kills the thread
 * with SIGSEGV (SI_KERNEL) or, worse, resets its FPU registers in the
 * middle of a memcpy(), which looks like a message that arrived zeroed.
 * So no signal is taken between arming and disarming: the ticker's
 * SIGUSR1 waits (an armed call with no timeout at all may then wait until
 * its worker exits).
 */
void fault_arm(struct th *t)
{
	sigset_t all;
	char b[16];
	int n;

	if (t->fail_fd < 0 || !one_in(&t->r, 50))
		return;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &t->fault_sigmask);
	n = snprintf(b, sizeof(b), "%u", 1 + rn(&t->r, 24));
	if (pwrite(t->fail_fd, b, (size_t)n, 0) != n) {
		t->fail_fd = -1;
		pthread_sigmask(SIG_SETMASK, &t->fault_sigmask, NULL);
	} else {
		t->armed = true;
	}
}

void fault_disarm(struct th *t)
{
	char b[16] = "";

	if (t->fail_fd < 0 || !t->armed)
		return;
	t->armed = false;
	/* 0: the fault was injected; else what was left of the count */
	if (pread(t->fail_fd, b, sizeof(b) - 1, 0) > 0 && b[0] == '0')
		ev_add(EV_FAULTS, 1);
	else if (pwrite(t->fail_fd, "0", 1, 0) != 1)
		t->fail_fd = -1;
	pthread_sigmask(SIG_SETMASK, &t->fault_sigmask, NULL);
}

/* ---- the call ---- */

/*
 * Keep the pool useful: forget numbers that no longer name a file, and
 * close some of the ports whose connection has ended (chaos workers only:
 * a race worker's conductor decides about its own).
 */
static void prune(struct th *t, enum op op, int fd, int err)
{
	if (err == EBADF && fd >= 0 && fcntl(fd, F_GETFD) < 0 &&
	    errno == EBADF) {
		pool_forget(t->p, fd);
		return;
	}
	if (err != ENOTCONN || t->p->race || !one_in(&t->r, 3))
		return;
	switch (op) {
	case OP_XFER_SYNC: case OP_XFER_ASYNC: case OP_XFER_DGRAM:
	case OP_SEND_BATCH: case OP_SECTION_CREATE:
		pool_close(t, fd);
		break;
	default:
		break;
	}
}

static const u32 odd_sizes[] = { 0, 1, 7, 8 };

long fz_ioctl(struct th *t, enum op op, int fd, unsigned long cmd, void *arg,
	      u32 size, bool mutate)
{
	u32 usize = size, dir = _IOC_DIR(cmd);
	void *a = arg;
	bool copy = false, ro = false, moved = false;
	long r;
	int err;

	t->out_ok = true;
	if (mutate && pct(&t->r, 35)) {
		switch (rn(&t->r, 11)) {
		case 0: usize = odd_sizes[rn(&t->r, 4)]; break;
		case 1: usize = size - 1; break;		/* VER0 - 1 */
		case 2:						/* zero tail */
			usize = size + 8;
			copy = true;
			break;
		case 3:						/* nonzero tail */
			usize = size + 8 * (1 + rn(&t->r, 4));
			copy = true;
			break;
		case 4:						/* above a page */
			usize = (u32)PAGE + 8;
			copy = true;
			break;
		case 5:
			usize = (1U << _IOC_SIZEBITS) - 1;
			copy = true;
			break;
		case 6:
			a = (void *)(uintptr_t)odd_wptr(t, P(arg), size);
			t->out_ok = false;
			break;
		case 7:						/* read-only */
			ro = true;
			break;
		case 8:				/* runs into an unmapped page */
			a = t->arg + 4 * PAGE - size / 2;
			memcpy(a, arg, size / 2);
			t->out_ok = false;
			break;
		case 9:
			dir ^= 1U + rn(&t->r, 3);
			break;
		default:					/* misaligned */
			a = t->arg + 1 + rn(&t->r, 7);
			memcpy(a, arg, size);
			moved = true;
			break;
		}
	}
	if (copy) {
		a = t->arg;
		memset(a, 0, usize);
		memcpy(a, arg, size);
		if (usize > size + 8 || (usize == size + 8 && rn(&t->r, 2)))
			((char *)a)[size + rn(&t->r, usize - size)] = 1;
		if (usize > size + 8 && one_in(&t->r, 2))
			memset((char *)a + size, 0, usize - size);
	}
	if (ro) {
		memcpy(t->rw, arg, size);
		mprotect(t->rw, PAGE, PROT_READ);
		a = t->rw;
	}
	cmd = _IOC(dir, _IOC_TYPE(cmd), _IOC_NR(cmd), usize);

	fault_arm(t);
	r = ioctl(fd, cmd, a);
	err = r < 0 ? errno : 0;
	fault_disarm(t);
	stat_op(op, err);
	if (!mutate)
		stat_clean(op, err);
	t->ops++;
	prune(t, op, fd, err);

	if (ro)
		mprotect(t->rw, PAGE, PROT_READ | PROT_WRITE);
	/* the kernel writes outputs whatever the direction bits say */
	if (r >= 0 && (copy || ro || moved))
		memcpy(arg, a, size);
	return r < 0 ? -err : r;
}

/* ---- small helpers ---- */

u32 mut_flags(struct th *t, u32 flags, u32 valid)
{
	switch (rn(&t->r, 5)) {
	case 0: return flags ^ (1U << rn(&t->r, 32));
	case 1: return flags | (~valid & (1U << rn(&t->r, 32)));
	case 2: return ~0U;
	case 3: return 0;
	default: return flags ^ (valid & (1U << rn(&t->r, 32)));
	}
}

u32 near(struct th *t, u32 limit)
{
	switch (rn(&t->r, 6)) {
	case 0: return 0;
	case 1: return limit;
	case 2: return limit + 1;
	case 3: return limit - 1;
	case 4: return ~0U;
	default: return 1U << rn(&t->r, 32);
	}
}

u64 pick_timeout(struct th *t)
{
	switch (rn(&t->r, 8)) {
	case 0: return 0;
	case 1: return 1000 + rn(&t->r, 100000);
	case 2: case 3: return 1000000ULL * (1 + rn(&t->r, 5));
	default: return 1000000ULL * (5 + rn(&t->r, 60));
	}
}

/*
 * The wait of a call: a timeout most of the time, sometimes nonblocking,
 * rarely none at all (the ticker's signals end those).
 */
void set_wait(struct th *t, u32 *flags, u64 *tmo, u64 want)
{
	u32 c = rn(&t->r, 100);

	if (want == 0 || c < 8) {
		*flags |= LPC_XFER_NONBLOCK;
	} else if (c < 95) {
		*flags |= LPC_XFER_TIMEOUT;
		*tmo = want;
	}
}

void name_of(int name, char *buf, u32 *len)
{
	*len = (u32)snprintf(buf, 16, "fz%d", name);
}

int dev_fd(struct th *t, bool mutate)
{
	int fd = mutate && one_in(&t->r, 4) ? pool_fd_for_op(t, KM(K_DEV)) :
		 pool_pick(t, KM(K_DEV), NULL);

	if (fd < 0) {
		fd = open("/dev/lpc", O_RDWR | O_CLOEXEC);
		pool_add(t->p, fd, K_DEV, -1);
	}
	return fd;
}
