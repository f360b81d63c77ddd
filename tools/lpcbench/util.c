// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcbench helpers: errors, clocks, whole-buffer I/O, the watchdog and the
 * child processes that play the other side of every measurement.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lpcbench.h"

volatile sig_atomic_t g_timeout;

int fail_errno(char *err, const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err, ERRLEN, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n < ERRLEN)
		snprintf(err + n, ERRLEN - n, ": %s",
			 e == ETIMEDOUT && g_timeout ?
			 "watchdog timeout" : strerror(e));
	errno = e;
	return -1;
}

int fail_msg(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, ERRLEN, fmt, ap);
	va_end(ap);
	return -1;
}

void err_prefix(char *err, const char *fmt, ...)
{
	char pre[ERRLEN];
	size_t plen, elen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	plen = strnlen(pre, ERRLEN - 1);
	elen = strnlen(err, ERRLEN - 1);
	if (plen + elen > ERRLEN - 1)
		elen = ERRLEN - 1 - plen;
	memmove(err + plen, err, elen);
	memcpy(err, pre, plen);
	err[plen + elen] = '\0';
}

void err_append(char *err, const char *fmt, ...)
{
	size_t n = strnlen(err, ERRLEN - 1);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err + n, ERRLEN - n, fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	fflush(stdout);
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median cost of one clock_gettime() pair, as seen by a sample. */
uint64_t clock_overhead_ns(void)
{
	enum { N = 1001 };
	static uint64_t d[N];
	unsigned i;

	for (i = 0; i < N; i++) {
		uint64_t t0 = now_ns();

		d[i] = now_ns() - t0;
	}
	qsort(d, N, sizeof(d[0]), cmp_u64);
	return d[N / 2];
}

int read_full(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t r = read(fd, p + done, len - done);

		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r == 0) {
			if (done == 0)
				return 1;
			errno = EPIPE;
			return -1;
		}
		if (retry_eintr(errno))
			continue;
		if (errno == EINTR)
			errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

int write_full(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t r = write(fd, p + done, len - done);

		if (r >= 0) {
			done += (size_t)r;
			continue;
		}
		if (retry_eintr(errno))
			continue;
		if (errno == EINTR)
			errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

/* ---- watchdog ---- */

static pid_t g_kids[MAX_SENDERS + 8];
static unsigned g_nkids;
static volatile sig_atomic_t g_late;	/* expiries since the timeout */

static void kid_add(pid_t pid)
{
	if (g_nkids < sizeof(g_kids) / sizeof(g_kids[0]))
		g_kids[g_nkids++] = pid;
}

static void kid_del(pid_t pid)
{
	unsigned i;

	for (i = 0; i < g_nkids; i++) {
		if (g_kids[i] == pid) {
			g_kids[i] = g_kids[--g_nkids];
			return;
		}
	}
}

/*
 * First expiry: mark the timeout, kill the children and keep firing every
 * second, so that a blocking call entered just after a check of g_timeout
 * is still interrupted. Fifteen seconds later, give up on the process.
 */
static void on_alarm(int sig)
{
	static const char msg[] =
		"lpcbench: watchdog: still stuck 15 s after the timeout, exiting\n";
	int saved = errno;
	unsigned i;

	(void)sig;
	for (i = 0; i < g_nkids; i++)
		kill(g_kids[i], SIGKILL);
	if (g_timeout && ++g_late >= 15) {
		if (write(2, msg, sizeof(msg) - 1) < 0)
			saved = errno;
		_exit(3);
	}
	g_timeout = 1;
	alarm(1);
	errno = saved;
}

void watchdog_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: blocked calls see EINTR */
	sigaction(SIGALRM, &sa, NULL);
}

void watchdog_arm(unsigned seconds)
{
	alarm(0);
	g_timeout = 0;
	g_late = 0;
	alarm(seconds);
}

void watchdog_disarm(void)
{
	alarm(0);
}

/* ---- children ---- */

void pin_self(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		fprintf(stderr, "lpcbench: pin to cpu %d: %s\n", cpu,
			strerror(errno));
}

static void child_report(int sock, const char *msg)
{
	char buf[ERRLEN + 1];
	size_t n = strnlen(msg, ERRLEN - 1);

	buf[0] = 'E';
	memcpy(buf + 1, msg, n);
	if (write_full(sock, buf, n + 1) < 0)
		_exit(1);
}

int child_ready(int sock)
{
	return write_full(sock, "R", 1);
}

int child_spawn(struct child *ch, child_fn fn, void *arg, int cpu,
		const int *closefds, unsigned nclose, char *err)
{
	pid_t parent = getpid();
	int sv[2];
	pid_t pid;

	ch->pid = -1;
	ch->sock = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return fail_errno(err, "socketpair");
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fail_errno(err, "fork");
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		char cerr[ERRLEN] = "";
		struct sigaction sa;
		unsigned i;
		char c;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGALRM, &sa, NULL);
		g_nkids = 0;
		close(sv[0]);
		for (i = 0; i < nclose; i++)
			if (closefds[i] >= 0)
				close(closefds[i]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(2);
		/* A child that outlives its cell by far is stuck: die. */
		alarm(g_opt.timeout + 30);
		pin_self(cpu);
		if (fn(arg, sv[1], cerr) < 0) {
			child_report(sv[1], cerr[0] ? cerr : "failed");
			_exit(1);
		}
		/* Keep the resources alive until the parent is done. */
		while (read(sv[1], &c, 1) > 0)
			;
		_exit(0);
	}
	close(sv[1]);
	ch->pid = pid;
	ch->sock = sv[0];
	kid_add(pid);
	return 0;
}

/* Read the child's error message, if any, from what is left in the
 * socket (skipping the ready byte). Returns true if there was one. */
static bool child_message(int sock, char *msg, bool block)
{
	char buf[ERRLEN + 2];
	size_t len = 0;
	char *e;

	for (;;) {
		ssize_t r = recv(sock, buf + len, sizeof(buf) - 1 - len,
				 block ? 0 : MSG_DONTWAIT);

		if (r > 0) {
			len += (size_t)r;
			if (len < sizeof(buf) - 1)
				continue;
		} else if (r < 0 && retry_eintr(errno)) {
			continue;
		}
		break;
	}
	buf[len] = '\0';
	e = memchr(buf, 'E', len);
	if (!e)
		return false;
	snprintf(msg, ERRLEN, "%s", e + 1);
	return true;
}

static void reap(struct child *ch, int *status)
{
	*status = 0;
	while (waitpid(ch->pid, status, 0) < 0) {
		if (errno == EINTR) {
			/* The watchdog fired: make sure it can end. */
			kill(ch->pid, SIGKILL);
			continue;
		}
		break;
	}
	kid_del(ch->pid);
	ch->pid = -1;
}

static void describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
			 WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "status 0x%x", status);
}

int child_wait_ready(struct child *ch, char *err)
{
	return child_wait_byte(ch, 'R', err);
}

int child_wait_byte(struct child *ch, char want, char *err)
{
	char c = 0;
	int r = read_full(ch->sock, &c, 1);
	char msg[ERRLEN];

	if (r == 0 && c == want)
		return 0;
	if (r == 0 && c == 'E') {
		child_message(ch->sock, msg, true);
		fail_msg(err, "%s", msg);
	} else if (r == 1) {
		int status;

		reap(ch, &status);
		describe_status(status, msg, sizeof(msg));
		fail_msg(err, "child %s before it sent '%c'", msg, want);
	} else if (r == 0) {
		fail_msg(err, "child sent '%c', expected '%c'", c, want);
	} else {
		fail_errno(err, "waiting for the child");
	}
	return -1;
}

int child_finish(struct child *ch, char *err)
{
	char msg[ERRLEN], st[64];
	bool bad;
	int status;

	shutdown(ch->sock, SHUT_WR);
	bad = child_message(ch->sock, msg, true);
	reap(ch, &status);
	close(ch->sock);
	ch->sock = -1;
	if (bad)
		return fail_msg(err, "%s", msg);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		describe_status(status, st, sizeof(st));
		return fail_msg(err, "child %s", st);
	}
	return 0;
}

void child_kill(struct child *ch, char *err)
{
	char msg[ERRLEN];
	int status;

	if (ch->pid > 0) {
		kill(ch->pid, SIGKILL);
		reap(ch, &status);
	}
	if (ch->sock >= 0) {
		if (child_message(ch->sock, msg, false) && err) {
			size_t n = strlen(err);

			if (n == 0)
				snprintf(err, ERRLEN, "%s", msg);
			else if (n < ERRLEN - 1 && !strstr(err, msg))
				err_append(err, " (other side: %s)", msg);
		}
		close(ch->sock);
		ch->sock = -1;
	}
}

/* One number in a /proc or /sys file: -1 on any error. */
long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = fprintf(f, "%ld\n", v) > 0;
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}
