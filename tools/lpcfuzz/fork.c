// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: children of workers.
 *
 * A worker's fork() gives a child every fd of the worker for a second or
 * two: it dies in a synchronous request, or runs a few chaos steps as
 * itself or as nobody. Its alarm ends it, or its worker's death does (the
 * parent-death signal). That signal is easy to lose: it is not sent when
 * the worker died before the child set it, and a change of credentials
 * clears it. Losing it matters, because a child with a fault armed blocks
 * every signal, its alarm included, while it waits, with no deadline, on a
 * port that only it still holds.
 *
 * Once per run the first fork makes such a process on purpose: an orphan
 * that blocks every signal and waits forever on a port of its own. It
 * closes what it inherited first, so that the ports of its worker still
 * end when the worker does and the run goes on as without it. Nothing but
 * SIGKILL ends it; the supervisor sends it at the end of the run (reap.c),
 * or the rmmod after the run fails.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "ops.h"

/* Die with the worker @parent: set the signal, then see it is not too late. */
static void die_with(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
}

/* The orphan: a port of its own, a receive on it that nothing ends. */
static void __attribute__((noreturn)) orphan_main(void)
{
	struct lpc_port_attr a;
	struct lpc_xfer x;
	char name[32], buf[256];
	sigset_t all;
	int dev, port = -1;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	close_range(3, ~0U, 0);
	snprintf(name, sizeof(name), "orphan.%d", (int)getpid());
	memset(&a, 0, sizeof(a));
	a.name = P(name);
	a.name_len = (u32)strlen(name);
	dev = open("/dev/lpc", O_RDWR | O_CLOEXEC);
	if (dev >= 0)
		port = ioctl(dev, LPC_IOC_CREATE_PORT, &a);
	for (;;) {
		memset(&x, 0, sizeof(x));
		x.flags = LPC_XFER_RECV;
		x.recv_buf = P(buf);
		x.recv_cap = sizeof(buf);
		/* every signal blocked: only SIGKILL ends either wait */
		if (port < 0 || ioctl(port, LPC_IOC_XFER, &x) < 0)
			pause();
	}
}

void do_fork(struct th *t)
{
	struct proc *p = t->p;
	pid_t parent = getpid(), pid;
	bool orphan;
	int i, n;

	orphan = !__atomic_exchange_n(&g_sh->orphan_made, 1, __ATOMIC_RELAXED);
	pid = fork();
	if (pid != 0) {
		if (pid > 0)
			ev_add(EV_FORKS, 1);
		else if (orphan)
			__atomic_store_n(&g_sh->orphan_made, 0,
					 __ATOMIC_RELAXED);	/* the next fork */
		return;
	}
	if (orphan)
		orphan_main();
	/* the child: this thread only, the parent's fds, a short life */
	die_with(parent);
	alarm(1 + rn(&t->r, 2));
	pthread_mutex_init(&p->lk, NULL);
	pthread_rwlock_init(&p->sec_rw, NULL);
	t->tid = gettid_();
	p->nthreads = 0;
	/*
	 * The inherited fail-nth fd is the parent thread's file: a count
	 * written there would fail the parent's next signal frame, outside
	 * its armed window. This thread's own, if the parent had one.
	 */
	t->armed = false;
	if (t->fail_fd >= 0) {
		close(t->fail_fd);
		t->fail_fd = open("/proc/thread-self/fail-nth",
				  O_RDWR | O_CLOEXEC);
	}
	switch (rn(&t->r, 4)) {
	case 0:
		/* a synchronous request, then die in it */
		do_request(t, pool_pick(t, KM(K_CLIENT), NULL), true, ~0ULL,
			   false, 1);
		break;
	case 1:
		/* someone else: no right on owner-only ports */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			break;
		/* new credentials cleared the parent-death signal */
		die_with(parent);
		/* fall through */
	default:
		n = 1 + (int)rn(&t->r, 30);
		for (i = 0; i < n && !g_sh->stop; i++)
			chaos_step(t);
		break;
	}
	_exit(0);
}
