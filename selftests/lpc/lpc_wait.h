/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Waiting in the lpc selftests: for an ioctl made on a helper thread, for
 * a thread to be asleep in the kernel, for a child to exit, for a
 * condition.
 *
 * A test never sleeps for a guessed time to order its threads: under TCG
 * and on the KASAN kernel a "long enough" sleep is sometimes not, and the
 * test then checks something other than what it says. It observes the
 * state it needs instead: a thread is asleep in ioctl(2) when /proc says
 * so, a child has exited when its pidfd is readable, a call has returned
 * when its futex word says so. Every wait is bounded; the helpers return
 * -ETIMEDOUT (or false) and LPC_ASSERT_BLOCKED() fails the test with a
 * message that names what never happened.
 *
 * Conditions that only /proc or a counter shows are polled, every
 * LPC_POLL_NS, in lpc_poll_pause(): the one place that sleeps.
 *
 * Same conventions as lpc_sys.h: results are 0, a count or -errno; only
 * LPC_ASSERT_BLOCKED() uses the harness, the rest also works in helper
 * threads and forked children.
 */
#ifndef __LPC_WAIT_H
#define __LPC_WAIT_H

#include <limits.h>
#include <linux/futex.h>

#include "lpc_sys.h"

/* How often a polled condition is looked at again. */
#define LPC_POLL_NS		LPC_NSEC_PER_MSEC

/* The pause between two looks at a polled condition. */
static inline void lpc_poll_pause(void)
{
	struct timespec ts = { .tv_nsec = LPC_POLL_NS };

	nanosleep(&ts, NULL);
}

/*
 * Evaluate @cond until it is true, for at most @timeout_ms: true if it
 * became true. @cond may have side effects (a retried call); it is
 * evaluated once more after the deadline, so a wait of 0 ms is a test.
 */
#define LPC_WAIT_UNTIL(cond, timeout_ms) ({				\
		__u64 __end = lpc_now_ns() +				\
			(__u64)(timeout_ms) * LPC_NSEC_PER_MSEC;	\
		bool __ok;						\
		while (!(__ok = (cond)) && lpc_now_ns() < __end)	\
			lpc_poll_pause();				\
		__ok;							\
	})

/* ---- /proc ---- */

/*
 * /proc, opened once and kept: lookups relative to it still work in a
 * child that became a uid which cannot search "/" (the VM's initramfs
 * root is mode 0700). Call lpc_proc_init() before dropping
 * privileges. -1 if /proc cannot be opened.
 */
static int lpc_procfs_fd = -1;

/* Open /proc for lpc_proc_open(), if not yet: 0 or -errno. */
static inline int lpc_proc_init(void)
{
	if (lpc_procfs_fd < 0)
		lpc_procfs_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return lpc_procfs_fd < 0 ? -errno : 0;
}

/* Open /proc/@rel (e.g. "self/fdinfo/3") for reading: fd or -errno. */
static inline int lpc_proc_open(const char *rel)
{
	int fd = lpc_proc_init();

	if (fd)
		return fd;
	fd = openat(lpc_procfs_fd, rel, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* lpc_proc_open() as a stdio stream: NULL with errno set on failure. */
static inline FILE *lpc_proc_fopen(const char *rel)
{
	int fd = lpc_proc_open(rel);
	FILE *f;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

/* ---- is a thread asleep in a system call? ---- */

/* Any system call, for lpc_task_blocked(). */
#define LPC_ANY_SYSCALL		(-1)

/*
 * Is thread @tid of process @pid asleep in system call @nr
 * (LPC_ANY_SYSCALL: in any)? Asleep means state S or D in
 * /proc/PID/task/TID/stat: lpc's waits for a message, for room, for a
 * reply or for a connection sleep interruptibly (S), a disconnect waiting
 * for a connection's shutdown does not (D). /proc/.../syscall then tells
 * that the sleep is in that system call and not, say, in the futex of a
 * pthread_join().
 */
static inline bool lpc_task_blocked(pid_t pid, pid_t tid, int nr)
{
	char path[96], buf[512], *p, state = 0;
	int got = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%d/task/%d/stat", pid, tid);
	f = lpc_proc_fopen(path);
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f)) {
		/* The command name may hold spaces and ')': skip past the last. */
		p = strrchr(buf, ')');
		if (p && p[1] == ' ')
			state = p[2];
	}
	fclose(f);
	if (state != 'S' && state != 'D')
		return false;
	snprintf(path, sizeof(path), "%d/task/%d/syscall", pid, tid);
	f = lpc_proc_fopen(path);
	if (!f)
		return false;
	if (fscanf(f, "%d", &got) != 1)
		got = -1;
	fclose(f);
	return got >= 0 && (nr == LPC_ANY_SYSCALL || got == nr);
}

/*
 * Wait at most @timeout_ms until thread @tid of this process sleeps in
 * ioctl(2): 0 or -ETIMEDOUT.
 */
static inline int lpc_wait_blocked(pid_t tid, int timeout_ms)
{
	return LPC_WAIT_UNTIL(lpc_task_blocked(getpid(), tid, SYS_ioctl),
			      timeout_ms) ? 0 : -ETIMEDOUT;
}

/* ---- one ioctl on a helper thread (for calls that block) ---- */

struct lpc_call {
	pthread_t thread;
	int fd;
	unsigned long cmd;
	void *arg;
	int ret;		/* the ioctl's result or -errno */
	pid_t tid;		/* the thread that made the call */
	int done;		/* a futex word: 1 once the ioctl returned */
};

static inline long lpc_futex(int *uaddr, int op, int val,
			     const struct timespec *timeout)
{
	return syscall(SYS_futex, uaddr, op, val, timeout, NULL, 0);
}

static void *lpc_call_fn(void *p)
{
	struct lpc_call *call = p;

	__atomic_store_n(&call->tid, lpc_gettid(), __ATOMIC_RELEASE);
	call->ret = lpc_ioctl(call->fd, call->cmd, call->arg);
	__atomic_store_n(&call->done, 1, __ATOMIC_RELEASE);
	lpc_futex(&call->done, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	return NULL;
}

/* Start ioctl(@fd, @cmd, @arg) on a new thread: 0 or -errno. */
static inline int lpc_call_start(struct lpc_call *call, int fd,
				 unsigned long cmd, void *arg)
{
	memset(call, 0, sizeof(*call));
	call->fd = fd;
	call->cmd = cmd;
	call->arg = arg;
	call->ret = -EINPROGRESS;
	return -pthread_create(&call->thread, NULL, lpc_call_fn, call);
}

static inline bool lpc_call_done(struct lpc_call *call)
{
	return __atomic_load_n(&call->done, __ATOMIC_ACQUIRE);
}

/* Wait for the call to return and give its result. */
static inline int lpc_call_join(struct lpc_call *call)
{
	pthread_join(call->thread, NULL);
	return call->ret;
}

/* Wait at most @timeout_ms for @call to return: true if it did. */
static inline bool lpc_call_wait(struct lpc_call *call, int timeout_ms)
{
	__u64 end = lpc_now_ns() + (__u64)timeout_ms * LPC_NSEC_PER_MSEC;
	struct timespec ts;
	__u64 now, left;

	while (!lpc_call_done(call)) {
		now = lpc_now_ns();
		if (now >= end)
			return false;
		left = end - now;
		ts.tv_sec = left / LPC_NSEC_PER_SEC;
		ts.tv_nsec = left % LPC_NSEC_PER_SEC;
		/* Returns at once if done is no longer 0: no lost wake-up. */
		lpc_futex(&call->done, FUTEX_WAIT_PRIVATE, 0, &ts);
	}
	return true;
}

/*
 * Wait at most @timeout_ms for @call's thread to have started and to
 * sleep in ioctl(2): 0, -ECHILD if the call returned instead, or
 * -ETIMEDOUT.
 */
static inline int lpc_call_wait_blocked(struct lpc_call *call, int timeout_ms)
{
	pid_t tid;
	bool ok;

	ok = LPC_WAIT_UNTIL((tid = __atomic_load_n(&call->tid,
						   __ATOMIC_ACQUIRE)) &&
			    (lpc_call_done(call) ||
			     lpc_task_blocked(getpid(), tid, SYS_ioctl)),
			    timeout_ms);
	if (lpc_call_done(call))
		return -ECHILD;
	return ok ? 0 : -ETIMEDOUT;
}

/* A synchronous request made on a helper thread. */
struct lpc_sync_req {
	struct lpc_call call;
	struct lpc_xfer x;
	char rbuf[256];
};

/* Start a request-and-wait-reply of @len bytes at @buf on @port. */
static inline int lpc_sync_req_start(struct lpc_sync_req *r, int port,
				     const void *buf, __u32 len,
				     __u64 timeout_ns)
{
	lpc_request_init(&r->x, buf, len, r->rbuf, sizeof(r->rbuf),
			 timeout_ns);
	return lpc_call_start(&r->call, port, LPC_IOC_XFER, &r->x);
}

/* ---- child processes ---- */

/*
 * In a forked child: die with the parent, so a test that fails in the
 * middle never leaves a helper process behind.
 */
static inline void lpc_child_init(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

/*
 * Reap @pid, waiting at most @timeout_ms: its pidfd becomes readable when
 * it exits. Returns its exit code, 128 + signal if it was killed, or
 * -ETIMEDOUT after killing and reaping it.
 */
static inline int lpc_wait_child(pid_t pid, int timeout_ms)
{
	__u64 end = lpc_now_ns() + (__u64)timeout_ms * LPC_NSEC_PER_MSEC;
	int status, pfd, ret, err;
	__u64 now;

	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return -errno;
	do {
		now = lpc_now_ns();
		ret = lpc_poll(pfd, POLLIN, now >= end ? 0 :
			       (int)((end - now + LPC_NSEC_PER_MSEC - 1) /
				     LPC_NSEC_PER_MSEC));
	} while (ret == -EINTR);
	close(pfd);
	if (ret == 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0) {
		err = errno;
		if (err != EINTR)
			return -err;
	}
	if (ret == 0)
		return -ETIMEDOUT;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -ECHILD;
}

/* ---- in a test ---- */
#ifdef __KSELFTEST_HARNESS_H

/*
 * Fail the test unless @call's thread goes to sleep in its ioctl within
 * LPC_WAIT_MS: the step after it (a send that should wake it, a signal
 * that should interrupt it) then meets a thread that really waits.
 */
#define LPC_ASSERT_BLOCKED(call) do {					\
		struct lpc_call *__c = (call);				\
		int __b = lpc_call_wait_blocked(__c, LPC_WAIT_MS);	\
		ASSERT_EQ(0, __b) {					\
			TH_LOG("thread %d of %s never slept in its ioctl: %s", \
			       __c->tid, #call, __b == -ECHILD ?	\
			       "the call returned" : "timed out");	\
		}							\
	} while (0)

#endif /* __KSELFTEST_HARNESS_H */

#endif /* __LPC_WAIT_H */
