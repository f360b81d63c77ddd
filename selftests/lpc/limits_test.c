// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user limits (module/limits.c): every connection port and every
 * connection is charged to the effective uid that created it; past the
 * module parameters max_ports_per_user and max_conns_per_user, creation
 * fails with -EDQUOT. CAP_SYS_RESOURCE in the initial user namespace
 * lifts the limits.
 *
 * Tests set the parameters through /sys/module/lpc/parameters/ and put
 * them back in the teardown (and, should a test die, when the binary
 * exits). The limited work runs in forked children that became a uid no
 * other test uses (LIMITS_UID + n): setgroups/setresgid/setresuid, which
 * also drops every capability. Children record the result of each step in
 * shared memory, the test body asserts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"

#define P_PORTS		"max_ports_per_user"
#define P_CONNS		"max_conns_per_user"

#define LIMITS_UID	41000

#define CTX_A		0x1111000000000001ULL
#define MAX_STEPS	32
#define NOT_RUN		(-100000)

/* ---- module parameters ---- */

/* lpc_param_read() (lpc_sys.h) for the unsigned int limits used here. */
static int param_read(const char *name, unsigned int *val)
{
	unsigned long v;
	int ret = lpc_param_read(name, &v);

	if (!ret)
		*val = (unsigned int)v;
	return ret;
}

/*
 * The values the module had when this binary started: restored at exit
 * too, so that a test killed before its teardown cannot leave a small
 * limit behind for the next binary.
 */
static unsigned int orig_ports, orig_conns;
static bool orig_valid;

static void __attribute__((constructor)) limits_save(void)
{
	orig_valid = !param_read(P_PORTS, &orig_ports) &&
		     !param_read(P_CONNS, &orig_conns);
}

static void __attribute__((destructor)) limits_restore(void)
{
	if (!orig_valid)
		return;
	lpc_param_write(P_PORTS, orig_ports);
	lpc_param_write(P_CONNS, orig_conns);
}

/* ---- results of a child's steps ---- */

struct steps {
	int ret[MAX_STEPS];
	int n;
};

static void steps_reset(struct steps *s)
{
	int i;

	for (i = 0; i < MAX_STEPS; i++)
		s->ret[i] = NOT_RUN;
	s->n = 0;
}

/* Record one step's result; returns it. */
static int step(struct steps *s, int ret)
{
	if (s->n < MAX_STEPS)
		s->ret[s->n++] = ret;
	return ret;
}

FIXTURE(limits) {
	int dev;
	unsigned int ports, conns;	/* the parameters before the test */
	bool saved;
	struct steps *st;		/* shared with the children */
	struct steps *st2;
	char name[LPC_NAME_MAX + 1];
};

FIXTURE_SETUP(limits)
{
	void *p;

	self->dev = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	if (param_read(P_PORTS, &self->ports) ||
	    param_read(P_CONNS, &self->conns))
		LPC_SKIP("no %s%s or %s", LPC_PARAM_DIR, P_PORTS, P_CONNS);
	p = mmap(NULL, 2 * sizeof(struct steps), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	self->st = p;
	self->st2 = self->st + 1;
	steps_reset(self->st);
	steps_reset(self->st2);
	self->saved = true;
}

FIXTURE_TEARDOWN(limits)
{
	if (self->saved) {
		EXPECT_EQ(0, lpc_param_write(P_PORTS, self->ports));
		EXPECT_EQ(0, lpc_param_write(P_CONNS, self->conns));
	}
	if (self->st)
		munmap(self->st, 2 * sizeof(struct steps));
	lpc_close(&self->dev);
}

#define SET_PARAM(name, val) ASSERT_EQ(0, lpc_param_write((name), (val)))

/* ---- acting as someone else ---- */

/* Become @uid with no groups: every capability goes. */
static int become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -errno;
	return 0;
}

/* Clear @cap from the effective set. */
static int drop_effective_cap(cap_value_t cap)
{
	cap_t caps = cap_get_proc();
	int ret = -EPERM;

	if (!caps)
		return -errno;
	if (!cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, CAP_CLEAR) &&
	    !cap_set_proc(caps))
		ret = 0;
	cap_free(caps);
	return ret;
}

/*
 * Become @uid keeping exactly @cap, effective (prctl keep-caps, then
 * raise it again after the uid change).
 */
static int become_with_cap(uid_t uid, cap_value_t cap)
{
	cap_t caps;
	int ret = -EPERM;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -errno;
	if (become(uid))
		return -errno;
	caps = cap_init();
	if (!caps)
		return -errno;
	if (!cap_set_flag(caps, CAP_PERMITTED, 1, &cap, CAP_SET) &&
	    !cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, CAP_SET) &&
	    !cap_set_proc(caps))
		ret = 0;
	cap_free(caps);
	return ret;
}

static int create_named(int dev, char *name, size_t size, const char *tag)
{
	lpc_name(name, size, tag);
	return lpc_create(dev, name);
}

/* Create ports named after @tag until one fails: record every result. */
static void create_n(struct steps *st, int dev, int n, const char *tag)
{
	char name[LPC_NAME_MAX + 1];
	int i;

	for (i = 0; i < n; i++)
		step(st, create_named(dev, name, sizeof(name), tag));
}

/* Has child @pid exited? It stays a zombie, for REAP(). */
static bool child_gone(pid_t pid)
{
	siginfo_t si = { .si_pid = 0 };

	return waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) ||
	       si.si_pid;
}

/* Wait (bounded) for a byte on @fd. */
static int wait_byte(int fd)
{
	char c;
	int ev = lpc_poll(fd, POLLIN, LPC_WAIT_MS);

	if (ev <= 0)
		return ev ? ev : -ETIMEDOUT;
	return read(fd, &c, 1) == 1 ? 0 : -EPROTO;
}

/*
 * A connect expected to be refused before the server sees it: with a
 * short timeout, so a connect that is not refused fails -ETIMEDOUT
 * (nobody accepts it) instead of hanging.
 */
static int try_connect(int dev, const char *name)
{
	struct lpc_connect c;
	int fd;

	lpc_connect_init(&c, name, LPC_SHORT_NS);
	fd = sys_lpc_connect(dev, &c);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return fd;
}

/*
 * lpc_connect_pair() for connects that may be refused before the server
 * sees them: the refusal comes back at once instead of after the server's
 * wait for a request that never comes.
 */
static int connect_pair(int dev, int cport, const char *name, int *client,
			int *server)
{
	char buf[LPC_DEFAULT_CONN_DATA];
	struct lpc_msg_info info;
	struct lpc_connect c;
	struct lpc_call call;
	int ret, cret, sfd = -1;

	*client = *server = -1;
	lpc_connect_init(&c, name, LPC_WAIT_NS);
	ret = lpc_call_start(&call, dev, LPC_IOC_CONNECT, &c);
	if (ret)
		return ret;
	if (!LPC_WAIT_UNTIL((ret = lpc_recv_nb(cport, &info, buf,
					      sizeof(buf))) != -EAGAIN ||
			    lpc_call_done(&call), LPC_WAIT_MS))
		ret = -ETIMEDOUT;
	if (!ret && info.type != LPC_MSG_CONNECTION_REQUEST)
		ret = -EPROTO;
	if (!ret) {
		sfd = lpc_accept_id(cport, info.id, CTX_A, NULL, 0, 0);
		if (sfd < 0)
			ret = sfd;
	}
	cret = lpc_call_join(&call);
	if (cret < 0) {
		if (sfd >= 0)
			close(sfd);
		return cret;
	}
	if (ret) {
		close(cret);
		return ret;
	}
	*client = cret;
	*server = sfd;
	return 0;
}

/* Connect from a helper thread and have the server reject it. */
static int connect_rejected(int dev, int cport, const char *name)
{
	char buf[LPC_DEFAULT_CONN_DATA];
	struct lpc_msg_info info;
	struct lpc_connect c;
	struct lpc_call call;
	int ret, cret;

	lpc_connect_init(&c, name, LPC_WAIT_NS);
	ret = lpc_call_start(&call, dev, LPC_IOC_CONNECT, &c);
	if (ret)
		return ret;
	ret = lpc_recv(cport, &info, buf, sizeof(buf), LPC_WAIT_NS);
	if (!ret && info.type != LPC_MSG_CONNECTION_REQUEST)
		ret = -EPROTO;
	if (!ret)
		ret = lpc_accept_id(cport, info.id, 0, NULL, 0,
				    LPC_ACCEPT_REJECT);
	cret = lpc_call_join(&call);
	if (cret >= 0)
		close(cret);
	return ret ? ret : cret;
}

/* Fork: run the body as a child, its pid in @pid. */
#define SPAWN(pid, ...) do {						\
		(pid) = fork();						\
		ASSERT_LE(0, (pid));					\
		if ((pid) == 0) {					\
			lpc_child_init();				\
			__VA_ARGS__;					\
			_exit(0);					\
		}							\
	} while (0)

#define REAP(pid) ASSERT_EQ(0, lpc_wait_child((pid), LPC_WAIT_MS))

/* Log the recorded steps when something is off. */
static void log_steps(struct __test_metadata *_metadata,
		      const struct steps *st)
{
	int i;

	for (i = 0; i < st->n; i++)
		TH_LOG("step %d: %d (%s)", i, st->ret[i],
		       st->ret[i] < 0 ? strerror(-st->ret[i]) : "ok");
}

#define EXPECT_STEP_OK(st, i) EXPECT_LE(0, (st)->ret[i]) {		\
		log_steps(_metadata, (st));				\
	}
#define EXPECT_STEP(st, i, val) EXPECT_EQ((val), (st)->ret[i]) {	\
		log_steps(_metadata, (st));				\
	}

/* ================= ports ================= */

TEST_F(limits, ports_unprivileged_beyond_cap_edquot)
{
	pid_t pid;

	SET_PARAM(P_PORTS, 2);
	SPAWN(pid, {
		if (step(self->st, become(LIMITS_UID + 1)))
			_exit(1);
		create_n(self->st, self->dev, 4, "p");
	});
	REAP(pid);
	EXPECT_STEP(self->st, 0, 0);
	EXPECT_STEP_OK(self->st, 1);
	EXPECT_STEP_OK(self->st, 2);
	EXPECT_STEP(self->st, 3, -EDQUOT);
	EXPECT_STEP(self->st, 4, -EDQUOT);
}

/* The failed create published nothing: the name is still free. */
TEST_F(limits, ports_refused_create_leaves_no_name)
{
	pid_t pid;

	SET_PARAM(P_PORTS, 0);
	lpc_name(self->name, sizeof(self->name), "refused");
	SPAWN(pid, {
		if (step(self->st, become(LIMITS_UID + 2)))
			_exit(1);
		step(self->st, lpc_create(self->dev, self->name));
	});
	REAP(pid);
	EXPECT_STEP(self->st, 1, -EDQUOT);
	{
		int fd = lpc_create(self->dev, self->name);

		EXPECT_LE(0, fd);
		if (fd >= 0)
			close(fd);
	}
}

TEST_F(limits, ports_close_frees_slot)
{
	pid_t pid;

	SET_PARAM(P_PORTS, 2);
	SPAWN(pid, {
		char name[LPC_NAME_MAX + 1];
		int a;

		if (step(self->st, become(LIMITS_UID + 3)))
			_exit(1);
		a = step(self->st, create_named(self->dev, name, sizeof(name),
						"a"));
		create_n(self->st, self->dev, 2, "b");
		if (a >= 0)
			close(a);
		create_n(self->st, self->dev, 2, "c");
	});
	REAP(pid);
	EXPECT_STEP_OK(self->st, 1);
	EXPECT_STEP_OK(self->st, 2);
	EXPECT_STEP(self->st, 3, -EDQUOT);
	EXPECT_STEP_OK(self->st, 4);	/* in the slot the close freed */
	EXPECT_STEP(self->st, 5, -EDQUOT);
}

/* A create that fails for another reason keeps no charge. */
TEST_F(limits, ports_failed_create_not_charged)
{
	pid_t pid;

	SET_PARAM(P_PORTS, 2);
	SPAWN(pid, {
		char name[LPC_NAME_MAX + 1];

		if (step(self->st, become(LIMITS_UID + 4)))
			_exit(1);
		step(self->st, create_named(self->dev, name, sizeof(name),
					    "dup"));
		step(self->st, lpc_create(self->dev, name));	/* EEXIST */
		step(self->st, lpc_create(self->dev, name));	/* EEXIST */
		create_n(self->st, self->dev, 2, "more");
	});
	REAP(pid);
	EXPECT_STEP_OK(self->st, 1);
	EXPECT_STEP(self->st, 2, -EEXIST);
	EXPECT_STEP(self->st, 3, -EEXIST);
	EXPECT_STEP_OK(self->st, 4);
	EXPECT_STEP(self->st, 5, -EDQUOT);
}

/* The cap is per user: another uid has its own. */
TEST_F(limits, ports_counted_per_uid)
{
	int sync[2];
	pid_t a, b;

	SET_PARAM(P_PORTS, 2);
	ASSERT_EQ(0, pipe2(sync, O_CLOEXEC));
	SPAWN(a, {
		close(sync[1]);
		if (step(self->st, become(LIMITS_UID + 5)))
			_exit(1);
		create_n(self->st, self->dev, 3, "a");
		/* Hold them until the other uid is done. */
		step(self->st, wait_byte(sync[0]));
	});
	close(sync[0]);
	/*
	 * Wait for the first child to reach its cap, or to die early (the
	 * checks below say so).
	 */
	LPC_WAIT_UNTIL(__atomic_load_n(&self->st->n, __ATOMIC_ACQUIRE) >= 4 ||
		       child_gone(a), LPC_WAIT_MS);
	SPAWN(b, {
		if (step(self->st2, become(LIMITS_UID + 6)))
			_exit(1);
		create_n(self->st2, self->dev, 3, "b");
	});
	REAP(b);
	ASSERT_EQ(1, write(sync[1], "x", 1));
	REAP(a);
	close(sync[1]);
	EXPECT_STEP(self->st, 3, -EDQUOT);
	EXPECT_STEP_OK(self->st2, 1);
	EXPECT_STEP_OK(self->st2, 2);
	EXPECT_STEP(self->st2, 3, -EDQUOT);
}

TEST_F(limits, ports_root_cap_sys_resource_exempt)
{
	int fds[4], i;

	SET_PARAM(P_PORTS, 2);
	for (i = 0; i < 4; i++) {
		fds[i] = create_named(self->dev, self->name,
				      sizeof(self->name), "root");
		EXPECT_LE(0, fds[i]) {
			TH_LOG("port %d: %s", i, strerror(-fds[i]));
		}
	}
	for (i = 0; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* It is the capability, not uid 0, that lifts the limit. */
/*
 * Root's own count is not known here (an earlier test that leaked a port
 * would have raised it), so: with the cap at 2, the third create fails
 * at the latest, and every failure is -EDQUOT.
 */
#define EXPECT_ROOT_LIMITED(st, first, n) do {				\
		int __i, __ok = 0;					\
		for (__i = (first); __i < (first) + (n); __i++) {	\
			if ((st)->ret[__i] >= 0) {			\
				__ok++;					\
				continue;				\
			}						\
			EXPECT_STEP((st), __i, -EDQUOT);		\
		}							\
		EXPECT_STEP((st), (first) + (n) - 1, -EDQUOT);		\
		if (__ok < (n) - 1)					\
			TH_LOG("root had %d charged already: a leak in an " \
			       "earlier test?", (n) - 1 - __ok);	\
	} while (0)

/* It is the capability, not uid 0, that lifts the limit. */
TEST_F(limits, ports_root_without_cap_sys_resource_limited)
{
	pid_t pid;

	SET_PARAM(P_PORTS, 2);
	SPAWN(pid, {
		if (step(self->st, drop_effective_cap(CAP_SYS_RESOURCE)))
			_exit(1);
		create_n(self->st, self->dev, 3, "r");
	});
	REAP(pid);
	EXPECT_STEP(self->st, 0, 0);
	EXPECT_ROOT_LIMITED(self->st, 1, 3);
}

TEST_F(limits, ports_unprivileged_uid_with_cap_sys_resource_exempt)
{
	pid_t pid;

	SET_PARAM(P_PORTS, 2);
	SPAWN(pid, {
		if (step(self->st, become_with_cap(LIMITS_UID + 7,
						   CAP_SYS_RESOURCE)))
			_exit(1);
		create_n(self->st, self->dev, 3, "u");
	});
	REAP(pid);
	EXPECT_STEP(self->st, 0, 0);
	EXPECT_STEP_OK(self->st, 1);
	EXPECT_STEP_OK(self->st, 2);
	EXPECT_STEP_OK(self->st, 3);
}

/* CAP_SYS_RESOURCE in a user namespace of one's own does not count. */
TEST_F(limits, ports_userns_root_limited)
{
	pid_t pid;

	SET_PARAM(P_PORTS, 2);
	SPAWN(pid, {
		if (step(self->st, become(LIMITS_UID + 8)))
			_exit(1);
		if (step(self->st, unshare(CLONE_NEWUSER) ? -errno : 0))
			_exit(2);
		create_n(self->st, self->dev, 3, "ns");
	});
	REAP(pid);
	if (self->st->ret[1] != 0)
		SKIP(return, "unshare(CLONE_NEWUSER): %s",
		     strerror(-self->st->ret[1]));
	EXPECT_STEP_OK(self->st, 2);
	EXPECT_STEP_OK(self->st, 3);
	EXPECT_STEP(self->st, 4, -EDQUOT);
}

/* ================= connections ================= */

/*
 * Child body: become @uid, create a port of one's own (the port cap is
 * not at stake), connect to it @n times (each expected to succeed),
 * recording each connect, then run the rest.
 */
#define CONN_CHILD(uid, n, ...) do {					\
		int __cport, __c[16], __s[16], __i;			\
		char __name[LPC_NAME_MAX + 1];				\
		if (step(self->st, become(uid)))			\
			_exit(1);					\
		__cport = step(self->st, create_named(self->dev, __name, \
						      sizeof(__name), "c")); \
		if (__cport < 0)					\
			_exit(2);					\
		for (__i = 0; __i < (n); __i++) {			\
			__c[__i] = __s[__i] = -1;			\
			step(self->st, connect_pair(self->dev, __cport,	\
						    __name, &__c[__i],	\
						    &__s[__i]));	\
		}							\
		__VA_ARGS__;						\
	} while (0)

TEST_F(limits, conns_unprivileged_beyond_cap_edquot)
{
	pid_t pid;

	SET_PARAM(P_CONNS, 2);
	SPAWN(pid, CONN_CHILD(LIMITS_UID + 20, 2, {
		char buf[256];

		step(self->st, try_connect(self->dev, __name));
		step(self->st, try_connect(self->dev, __name));
		step(self->st, lpc_recv_nb(__cport, NULL, buf, sizeof(buf)));
	}));
	REAP(pid);
	EXPECT_STEP_OK(self->st, 1);
	EXPECT_STEP(self->st, 2, 0);
	EXPECT_STEP(self->st, 3, 0);
	EXPECT_STEP(self->st, 4, -EDQUOT);
	EXPECT_STEP(self->st, 5, -EDQUOT);
	/* The server saw nothing of the refused connects. */
	EXPECT_STEP(self->st, 6, -EAGAIN);
}

/* A connection ended on both sides gives its slot back. */
TEST_F(limits, conns_close_frees_slot)
{
	pid_t pid;

	SET_PARAM(P_CONNS, 2);
	SPAWN(pid, CONN_CHILD(LIMITS_UID + 21, 2, {
		struct lpc_msg_info info;
		char buf[256];
		int c, s;

		step(self->st, try_connect(self->dev, __name));
		close(__c[0]);
		close(__s[0]);
		/* The server takes the notice of the close. */
		step(self->st, lpc_recv(__cport, &info, buf, sizeof(buf),
					LPC_WAIT_NS));
		step(self->st, (int)info.type);
		step(self->st, connect_pair(self->dev, __cport, __name,
					    &c, &s));
		step(self->st, try_connect(self->dev, __name));
	}));
	REAP(pid);
	EXPECT_STEP(self->st, 2, 0);
	EXPECT_STEP(self->st, 3, 0);
	EXPECT_STEP(self->st, 4, -EDQUOT);
	EXPECT_STEP(self->st, 5, 0);
	EXPECT_STEP(self->st, 6, LPC_MSG_PORT_CLOSED);
	EXPECT_STEP(self->st, 7, 0);
	EXPECT_STEP(self->st, 8, -EDQUOT);
}

/* A connect the server rejected keeps no charge. */
TEST_F(limits, conns_rejected_connect_not_charged)
{
	pid_t pid;

	SET_PARAM(P_CONNS, 1);
	SPAWN(pid, CONN_CHILD(LIMITS_UID + 22, 0, {
		int c = -1, s = -1;

		step(self->st, connect_rejected(self->dev, __cport, __name));
		step(self->st, connect_pair(self->dev, __cport, __name,
					    &c, &s));
		step(self->st, try_connect(self->dev, __name));
	}));
	REAP(pid);
	EXPECT_STEP_OK(self->st, 1);
	EXPECT_STEP(self->st, 2, -ECONNREFUSED);
	EXPECT_STEP(self->st, 3, 0);
	EXPECT_STEP(self->st, 4, -EDQUOT);
}

TEST_F(limits, conns_root_cap_sys_resource_exempt)
{
	int c[4], s[4], i, ret;

	SET_PARAM(P_CONNS, 2);
	self->name[0] = 0;
	{
		int cport = create_named(self->dev, self->name,
					 sizeof(self->name), "rootc");

		ASSERT_LE(0, cport);
		for (i = 0; i < 4; i++) {
			c[i] = s[i] = -1;
			ret = lpc_connect_pair(self->dev, cport, self->name,
					       CTX_A, 0, &c[i], &s[i]);
			EXPECT_EQ(0, ret) {
				TH_LOG("connect %d: %s", i, strerror(-ret));
			}
		}
		for (i = 0; i < 4; i++) {
			lpc_close(&c[i]);
			lpc_close(&s[i]);
		}
		close(cport);
	}
}

TEST_F(limits, conns_root_without_cap_sys_resource_limited)
{
	pid_t pid;

	SET_PARAM(P_CONNS, 2);
	SPAWN(pid, {
		int cport, c[3], s[3], i;
		char name[LPC_NAME_MAX + 1];

		if (step(self->st, drop_effective_cap(CAP_SYS_RESOURCE)))
			_exit(1);
		cport = step(self->st, create_named(self->dev, name,
						    sizeof(name), "rc"));
		if (cport < 0)
			_exit(2);
		for (i = 0; i < 3; i++)
			step(self->st, connect_pair(self->dev, cport, name,
						    &c[i], &s[i]));
	});
	REAP(pid);
	EXPECT_STEP(self->st, 0, 0);
	EXPECT_STEP_OK(self->st, 1);
	EXPECT_ROOT_LIMITED(self->st, 2, 3);
}

TEST_HARNESS_MAIN
