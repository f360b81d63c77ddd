// SPDX-License-Identifier: GPL-2.0
/*
 * Message attributes: the sender's credentials (LPC_ATTR_CREDS, the
 * per-message security attribute, LPC_MSGF_CREDS_CHANGED, ports that
 * require creds) and file descriptors (LPC_ATTR_FDS, ports that allow
 * them, what can never be passed, what happens to fds nobody receives).
 *
 * Each test makes its own connection port with the flags it needs
 * (LPC_OPEN_PAIR) and one accepted connection in this process: self->cport
 * (the server's connection port), self->server (its communication port)
 * and self->client. Tests whose sender must change its credentials fork
 * a client child that connects on its own and talks in synchronous
 * requests, so each step waits for the server; the test body serves.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"

#define CTX_A		0xa77a000000000001ULL
#define CTX_CHILD	0xc41d000000000002ULL

/* Ids an unprivileged client takes before it connects (creds_* tests). */
#define T_UID		3001
#define T_EUID		3002
#define T_SUID		3003
#define T_GID		2001
#define T_EGID		2002
#define T_SGID		2003
static const gid_t t_groups[] = { 1001, 1002, 1003 };
#define T_NGROUPS	((int)(sizeof(t_groups) / sizeof(t_groups[0])))

/* Ids a connected root client switches to (creds_changed_* tests). */
#define N_UID		3101
#define N_EUID		3102
#define N_SUID		3103
static const gid_t n_groups[] = { 4001, 4002 };
#define N_NGROUPS	((int)(sizeof(n_groups) / sizeof(n_groups[0])))

/* The capability a client drops from its effective set. */
#define DROP_CAP	CAP_NET_RAW

FIXTURE(attr) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	char buf[LPC_DEFAULT_MSG_LEN];	/* the server's receive buffer */
	struct lpc_msg_info info;	/* what the server received */
	struct lpc_msg_attr ra;		/* the attributes it received */
};

FIXTURE_SETUP(attr)
{
	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_CREDS | LPC_FEAT_FDS);
}

FIXTURE_TEARDOWN(attr)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* ---- helpers (no ASSERT_*: also used by forked children) ---- */

/*
 * Create a connection port with @flags; with @everyone its ACL lets any
 * uid connect (for clients that became unprivileged first).
 */
static int create_port(int dev, const char *name, __u32 flags, bool everyone)
{
	struct lpc_ace ace = {
		.action = LPC_ACE_ALLOW,
		.who = LPC_ACE_EVERYONE,
		.rights = LPC_RIGHT_CONNECT,
	};
	struct lpc_port_attr a;

	lpc_port_attr_init(&a, name);
	a.flags = flags;
	if (everyone) {
		a.acl = lpc_ptr(&ace);
		a.acl_count = 1;
	}
	return sys_lpc_create_port(dev, &a);
}

static void attr_init(struct lpc_msg_attr *a, __u32 flags)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->flags = flags;
}

/* A send_attr block carrying @n fds from @fds. */
static void attr_fds(struct lpc_msg_attr *a, const int *fds, __u32 n)
{
	__u32 i;

	attr_init(a, LPC_ATTR_FDS);
	a->nr_fds = n;
	for (i = 0; i < n && i < LPC_MAX_FDS; i++)
		a->fds[i] = fds[i];
}

/* A send_attr block asking for the sender's credentials. */
static void attr_creds(struct lpc_msg_attr *a)
{
	attr_init(a, LPC_ATTR_CREDS);
}

/* Send a message of @type with @attr (or none), never waiting. */
static int send_attr(int port, __u32 type, const void *buf, __u32 len,
		     const struct lpc_msg_attr *attr, __u64 *id)
{
	struct lpc_xfer x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.send_type = type;
	x.send_id = id ? *id : 0;
	x.send_buf = lpc_ptr(buf);
	x.send_len = len;
	x.recv_cap = type == LPC_MSG_REQUEST ? 256 : 0;
	x.send_attr = lpc_ptr(attr);
	ret = sys_lpc_xfer(port, &x);
	if (id)
		*id = x.send_id;
	return ret;
}

/*
 * Receive one message with @ra (0: no recv_attr), waiting at most
 * LPC_WAIT_NS. @ra is reset first; its input flags are 0.
 */
static int recv_attr(int port, struct lpc_msg_info *info, void *buf,
		     __u32 cap, struct lpc_msg_attr *ra, __u64 timeout_ns)
{
	struct lpc_xfer x;
	int ret;

	if (ra)
		attr_init(ra, 0);
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x.timeout_ns = timeout_ns;
	x.recv_buf = lpc_ptr(buf);
	x.recv_cap = cap;
	x.recv_attr = lpc_ptr(ra);
	ret = sys_lpc_xfer(port, &x);
	if (info)
		*info = x.info;
	return ret;
}

/* A synchronous request with creds, waiting for its (empty) reply. */
static int request_creds(int port)
{
	struct lpc_msg_attr sa;
	struct lpc_xfer x;
	char rbuf[64];

	attr_creds(&sa);
	lpc_request_init(&x, "creds", 5, rbuf, sizeof(rbuf), LPC_WAIT_NS);
	x.send_attr = lpc_ptr(&sa);
	return sys_lpc_xfer(port, &x);
}

/* Entries in /proc/self/fd (the directory's own fd included). */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	if (fstat(a, &sa) || fstat(b, &sb))
		return false;
	return sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static bool is_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl >= 0 && (fl & FD_CLOEXEC);
}

/* Is every write end of the pipe whose read end is @rfd gone? */
static bool pipe_widowed(int rfd)
{
	return (lpc_poll(rfd, POLLIN, 0) & POLLHUP) != 0;
}

/* The calling process' effective and permitted capabilities, as bits. */
static int cap_bits(__u64 *eff, __u64 *prm)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return -errno;
	*eff = (__u64)d[1].effective << 32 | d[0].effective;
	*prm = (__u64)d[1].permitted << 32 | d[0].permitted;
	return 0;
}

/* Clear @cap from the effective set of the calling process. */
static int drop_effective_cap(cap_value_t cap)
{
	cap_t caps = cap_get_proc();
	int ret = -1;

	if (!caps)
		return -1;
	if (!cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, CAP_CLEAR))
		ret = cap_set_proc(caps);
	cap_free(caps);
	return ret;
}

/* ---- a client in a child process ---- */

enum child_pre {
	PRE_NONE,
	PRE_IDS,		/* T_* ids and groups before connecting */
	PRE_MANY_GROUPS,	/* LPC_MAX_GROUPS + 8 groups */
};

enum child_change {
	CHG_NONE,		/* two requests, nothing changed */
	CHG_SETRESUID,		/* N_UID/N_EUID/N_SUID */
	CHG_SETGROUPS,		/* n_groups */
	CHG_CAPSET,		/* DROP_CAP out of the effective set */
	CHG_GROUPS_AND_BACK,	/* n_groups, then back to no groups */
};

#define MANY_GROUPS	(LPC_MAX_GROUPS + 8)
#define MANY_BASE	5000

static int child_pre(enum child_pre pre)
{
	gid_t many[MANY_GROUPS];
	int i;

	switch (pre) {
	case PRE_NONE:
		return setgroups(0, NULL);
	case PRE_IDS:
		if (setgroups(T_NGROUPS, t_groups) ||
		    setresgid(T_GID, T_EGID, T_SGID) ||
		    setresuid(T_UID, T_EUID, T_SUID))
			return -1;
		return 0;
	case PRE_MANY_GROUPS:
		for (i = 0; i < MANY_GROUPS; i++)
			many[i] = MANY_BASE + i;
		return setgroups(MANY_GROUPS, many);
	}
	return -1;
}

static int child_change(enum child_change chg)
{
	switch (chg) {
	case CHG_NONE:
		return 0;
	case CHG_SETRESUID:
		return setresuid(N_UID, N_EUID, N_SUID);
	case CHG_SETGROUPS:
	case CHG_GROUPS_AND_BACK:
		return setgroups(N_NGROUPS, n_groups);
	case CHG_CAPSET:
		return drop_effective_cap(DROP_CAP);
	}
	return -1;
}

/*
 * Child: set up ids (@pre), connect to @name, send a request with creds;
 * unless @chg is CHG_NONE, change and send another; CHG_GROUPS_AND_BACK
 * changes back and sends a third. Exit codes >= 10 say which step failed.
 */
static int child_client(const char *name, enum child_pre pre,
			enum child_change chg)
{
	struct lpc_connect c;
	int dev, port;

	dev = lpc_open_dev();
	if (dev < 0)
		return 10;
	if (child_pre(pre))
		return 11;
	lpc_connect_init(&c, name, LPC_WAIT_NS);
	port = sys_lpc_connect(dev, &c);
	if (port < 0)
		return 12;
	if (request_creds(port))
		return 13;
	if (chg == CHG_NONE)
		return 0;
	if (child_change(chg))
		return 14;
	if (request_creds(port))
		return 15;
	if (chg == CHG_GROUPS_AND_BACK) {
		if (setgroups(0, NULL))
			return 16;
		if (request_creds(port))
			return 17;
	}
	return 0;
}

static pid_t spawn_client(const char *name, enum child_pre pre,
			  enum child_change chg)
{
	pid_t pid = fork();

	if (pid == 0) {
		lpc_child_init();
		_exit(child_client(name, pre, chg));
	}
	return pid;
}


/* Only the port, for tests whose client is a child. */
#define OPEN_PORT(flags, everyone) do {					\
		lpc_name(self->name, sizeof(self->name), _metadata->name); \
		self->cport = create_port(self->dev, self->name, (flags), \
					  (everyone));			\
		ASSERT_LE(0, self->cport) {				\
			TH_LOG("create port: %s", strerror(-self->cport)); \
		}							\
	} while (0)

/* Server: receive the next message with self->ra. */
#define SERVER_RECV_ATTR() do {						\
		int __r = recv_attr(self->cport, &self->info, self->buf, \
				    sizeof(self->buf), &self->ra,	\
				    LPC_WAIT_NS);			\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("server receive: %s", strerror(-__r));	\
		}							\
	} while (0)

/* The queue of the connection port is empty: nothing reached the server. */
#define EXPECT_SERVER_SAW_NOTHING() do {				\
		EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->cport, &self->info, \
					       self->buf,		\
					       sizeof(self->buf))) {	\
			TH_LOG("the server got a message of type %u",	\
			       self->info.type);			\
		}							\
	} while (0)

/* Accept the child's connection; its server port goes to *sfd. */
#define ACCEPT_CHILD(pid, sfd) do {					\
		int __r = lpc_recv(self->cport, &self->info, self->buf,	\
				   sizeof(self->buf), LPC_WAIT_NS);	\
		if (__r == 0 &&						\
		    self->info.type != LPC_MSG_CONNECTION_REQUEST)	\
			__r = -EPROTO;					\
		if (__r == 0) {						\
			(sfd) = lpc_accept_id(self->cport, self->info.id, \
					      CTX_CHILD, NULL, 0, 0);	\
			if ((sfd) < 0)					\
				__r = (sfd);				\
		}							\
		if (__r) {						\
			kill((pid), SIGKILL);				\
			lpc_wait_child((pid), LPC_WAIT_MS);		\
		}							\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("accept the child: %s", strerror(-__r));	\
		}							\
	} while (0)

/* Receive the child's next request with attributes and answer it. */
#define SERVE_CHILD_REQUEST(pid) do {					\
		int __r = recv_attr(self->cport, &self->info, self->buf, \
				    sizeof(self->buf), &self->ra,	\
				    LPC_WAIT_NS);			\
		if (__r == 0 && self->info.type != LPC_MSG_REQUEST)	\
			__r = -EPROTO;					\
		if (__r == 0)						\
			__r = lpc_reply(self->cport, self->info.id, NULL, 0); \
		if (__r) {						\
			kill((pid), SIGKILL);				\
			lpc_wait_child((pid), LPC_WAIT_MS);		\
		}							\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("serve the child (type %u): %s",		\
			       self->info.type, strerror(-__r));	\
		}							\
	} while (0)

/* ================= credentials ================= */

/*
 * Every field of the creds is the sender's, as of the message: a client
 * with distinct real/effective/saved ids and three groups.
 */
TEST_F(attr, creds_request_carries_all_ids_and_groups)
{
	const struct lpc_creds *c = &self->ra.creds;
	int sfd = -1, i;
	pid_t pid;

	OPEN_PORT(0, true);
	pid = spawn_client(self->name, PRE_IDS, CHG_NONE);
	ASSERT_LT(0, pid);
	ACCEPT_CHILD(pid, sfd);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(LPC_MSGF_ATTR, self->info.flags);
	EXPECT_EQ(LPC_ATTR_CREDS, self->ra.flags);
	EXPECT_EQ((__u32)T_UID, c->uid);
	EXPECT_EQ((__u32)T_EUID, c->euid);
	EXPECT_EQ((__u32)T_SUID, c->suid);
	EXPECT_EQ((__u32)T_EUID, c->fsuid);
	EXPECT_EQ((__u32)T_GID, c->gid);
	EXPECT_EQ((__u32)T_EGID, c->egid);
	EXPECT_EQ((__u32)T_SGID, c->sgid);
	EXPECT_EQ((__u32)T_EGID, c->fsgid);
	/* All ids non-zero: setresuid() cleared every capability. */
	EXPECT_EQ(0ULL, c->cap_effective);
	EXPECT_EQ(0ULL, c->cap_permitted);
	ASSERT_EQ((__u32)T_NGROUPS, c->ngroups);
	for (i = 0; i < T_NGROUPS; i++)
		EXPECT_EQ((__u32)t_groups[i], c->groups[i]);
	for (; i < LPC_MAX_GROUPS; i++)
		EXPECT_EQ(0U, c->groups[i]);
	ASSERT_LE(c->secctx_len, (__u32)LPC_SECCTX_MAX);
	/* NUL-terminated if it fits (an empty context is "" too). */
	if (c->secctx_len < LPC_SECCTX_MAX)
		EXPECT_EQ(0, c->secctx[c->secctx_len]);
	/* The header identity agrees: effective ids. */
	EXPECT_EQ((__u32)T_EUID, self->info.uid);
	EXPECT_EQ((__u32)T_EGID, self->info.gid);
	EXPECT_EQ(pid, self->info.pid);
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(sfd);
}

TEST_F(attr, creds_cap_effective_matches_sender)
{
	__u64 eff, prm;
	int sfd = -1;
	pid_t pid;

	ASSERT_EQ(0, cap_bits(&eff, &prm));
	ASSERT_NE(0ULL, eff & (1ULL << DROP_CAP)) {
		TH_LOG("the test must run with CAP_NET_RAW");
	}
	OPEN_PORT(0, false);
	pid = spawn_client(self->name, PRE_NONE, CHG_CAPSET);
	ASSERT_LT(0, pid);
	ACCEPT_CHILD(pid, sfd);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(eff, self->ra.creds.cap_effective);
	EXPECT_EQ(prm, self->ra.creds.cap_permitted);
	EXPECT_EQ(0U, self->ra.creds.uid);
	EXPECT_EQ(0U, self->ra.creds.euid);
	EXPECT_EQ(0U, self->ra.creds.ngroups);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(eff & ~(1ULL << DROP_CAP), self->ra.creds.cap_effective);
	EXPECT_EQ(prm, self->ra.creds.cap_permitted);
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(sfd);
}

/* Unchanged creds, message after message: never CREDS_CHANGED. */
TEST_F(attr, creds_unchanged_no_changed_flag)
{
	struct lpc_msg_attr sa;
	uid_t r, e, s;
	int i;

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, getresuid(&r, &e, &s));
	attr_creds(&sa);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, "d", 1,
				       &sa, NULL));
		SERVER_RECV_ATTR();
		EXPECT_EQ(LPC_MSGF_ATTR, self->info.flags);
		EXPECT_EQ(LPC_ATTR_CREDS, self->ra.flags);
		EXPECT_EQ((__u32)r, self->ra.creds.uid);
		EXPECT_EQ((__u32)e, self->ra.creds.euid);
		EXPECT_EQ((__u32)s, self->ra.creds.suid);
		EXPECT_EQ((__u32)getegid(), self->ra.creds.egid);
	}
}

TEST_F(attr, creds_changed_after_setresuid)
{
	const struct lpc_creds *c = &self->ra.creds;
	int sfd = -1;
	pid_t pid;

	OPEN_PORT(0, false);
	pid = spawn_client(self->name, PRE_NONE, CHG_SETRESUID);
	ASSERT_LT(0, pid);
	ACCEPT_CHILD(pid, sfd);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(LPC_MSGF_ATTR, self->info.flags);
	EXPECT_EQ(0U, c->euid);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(LPC_MSGF_ATTR | LPC_MSGF_CREDS_CHANGED, self->info.flags);
	EXPECT_EQ((__u32)N_UID, c->uid);
	EXPECT_EQ((__u32)N_EUID, c->euid);
	EXPECT_EQ((__u32)N_SUID, c->suid);
	EXPECT_EQ((__u32)N_EUID, c->fsuid);
	EXPECT_EQ(0ULL, c->cap_effective);
	EXPECT_EQ((__u32)N_EUID, self->info.uid);
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(sfd);
}

TEST_F(attr, creds_changed_after_setgroups)
{
	const struct lpc_creds *c = &self->ra.creds;
	int sfd = -1, i;
	pid_t pid;

	OPEN_PORT(0, false);
	pid = spawn_client(self->name, PRE_NONE, CHG_SETGROUPS);
	ASSERT_LT(0, pid);
	ACCEPT_CHILD(pid, sfd);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(LPC_MSGF_ATTR, self->info.flags);
	EXPECT_EQ(0U, c->ngroups);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(LPC_MSGF_ATTR | LPC_MSGF_CREDS_CHANGED, self->info.flags);
	ASSERT_EQ((__u32)N_NGROUPS, c->ngroups);
	for (i = 0; i < N_NGROUPS; i++)
		EXPECT_EQ((__u32)n_groups[i], c->groups[i]);
	/* Nothing else changed. */
	EXPECT_EQ(0U, c->euid);
	EXPECT_EQ(0U, c->egid);
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(sfd);
}

TEST_F(attr, creds_changed_after_capset)
{
	int sfd = -1;
	pid_t pid;

	OPEN_PORT(0, false);
	pid = spawn_client(self->name, PRE_NONE, CHG_CAPSET);
	ASSERT_LT(0, pid);
	ACCEPT_CHILD(pid, sfd);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(LPC_MSGF_ATTR, self->info.flags);
	EXPECT_NE(0ULL, self->ra.creds.cap_effective & (1ULL << DROP_CAP));
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(LPC_MSGF_ATTR | LPC_MSGF_CREDS_CHANGED, self->info.flags);
	EXPECT_EQ(0ULL, self->ra.creds.cap_effective & (1ULL << DROP_CAP));
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(sfd);
}

/* The flag compares with the creds at connect, not the last message. */
TEST_F(attr, creds_changed_back_no_changed_flag)
{
	int sfd = -1;
	pid_t pid;

	OPEN_PORT(0, false);
	pid = spawn_client(self->name, PRE_NONE, CHG_GROUPS_AND_BACK);
	ASSERT_LT(0, pid);
	ACCEPT_CHILD(pid, sfd);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(LPC_MSGF_ATTR, self->info.flags);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(LPC_MSGF_ATTR | LPC_MSGF_CREDS_CHANGED, self->info.flags);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ(LPC_MSGF_ATTR, self->info.flags);
	EXPECT_EQ(0U, self->ra.creds.ngroups);
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(sfd);
}

/* ngroups counts them all; only the first LPC_MAX_GROUPS are listed. */
TEST_F(attr, creds_groups_beyond_max_ngroups_full)
{
	const struct lpc_creds *c = &self->ra.creds;
	int sfd = -1, i;
	pid_t pid;

	OPEN_PORT(0, false);
	pid = spawn_client(self->name, PRE_MANY_GROUPS, CHG_NONE);
	ASSERT_LT(0, pid);
	ACCEPT_CHILD(pid, sfd);
	SERVE_CHILD_REQUEST(pid);
	EXPECT_EQ((__u32)MANY_GROUPS, c->ngroups);
	for (i = 0; i < LPC_MAX_GROUPS; i++)
		EXPECT_EQ((__u32)(MANY_BASE + i), c->groups[i]);
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(sfd);
}

TEST_F(attr, creds_absent_without_attribute)
{
	static const __u8 zero[sizeof(struct lpc_creds)];

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, lpc_datagram(self->client, "d", 1));
	/* Whatever the receiver's block held is overwritten. */
	memset(&self->ra, 0, sizeof(self->ra));
	self->ra.size = sizeof(self->ra);
	memset(&self->ra.creds, 0xa5, sizeof(self->ra.creds));
	{
		struct lpc_xfer x;

		memset(&x, 0, sizeof(x));
		x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
		x.timeout_ns = LPC_WAIT_NS;
		x.recv_buf = lpc_ptr(self->buf);
		x.recv_cap = sizeof(self->buf);
		x.recv_attr = lpc_ptr(&self->ra);
		ASSERT_EQ(0, sys_lpc_xfer(self->cport, &x));
		self->info = x.info;
	}
	EXPECT_EQ(0U, self->info.flags);
	EXPECT_EQ(0U, self->ra.flags);
	EXPECT_EQ(0, memcmp(&self->ra.creds, zero, sizeof(zero)));
}

TEST_F(attr, creds_without_recv_attr_attr_lost)
{
	struct lpc_msg_attr sa;

	LPC_OPEN_PAIR(.context = CTX_A);
	attr_creds(&sa);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, "d", 1, &sa,
			       NULL));
	ASSERT_EQ(0, recv_attr(self->cport, &self->info, self->buf,
			       sizeof(self->buf), NULL, LPC_WAIT_NS));
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
	EXPECT_EQ(LPC_MSGF_ATTR_LOST, self->info.flags);
}

/* An attribute block that asks for nothing attaches nothing to lose. */
TEST_F(attr, empty_attr_block_nothing_lost)
{
	struct lpc_msg_attr sa;

	LPC_OPEN_PAIR(.context = CTX_A);
	attr_init(&sa, 0);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, "d", 1, &sa,
			       NULL));
	ASSERT_EQ(0, recv_attr(self->cport, &self->info, self->buf,
			       sizeof(self->buf), NULL, LPC_WAIT_NS));
	EXPECT_EQ(0U, self->info.flags & LPC_MSGF_ATTR_LOST);
}

/* The server's creds travel the other way, on its reply. */
TEST_F(attr, creds_on_reply_are_servers)
{
	struct lpc_msg_attr sa, ca;
	struct lpc_sync_req r;
	__u64 eff, prm;

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, cap_bits(&eff, &prm));
	ASSERT_EQ(0, lpc_sync_req_start(&r, self->client, "q", 1,
					LPC_WAIT_NS));
	/* lpc_sync_req_start() started the thread: too late for recv_attr. */
	SERVER_RECV_ATTR();
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	attr_creds(&sa);
	ASSERT_EQ(0, send_attr(self->cport, LPC_MSG_REPLY, "r", 1, &sa,
			       &self->info.id));
	ASSERT_EQ(0, lpc_call_join(&r.call));
	/* Without recv_attr the client learns the creds were lost. */
	EXPECT_EQ(LPC_MSGF_ATTR_LOST, r.x.info.flags);

	/* Again, now with a recv_attr on the client's side. */
	attr_init(&ca, 0);
	lpc_request_init(&r.x, "q", 1, r.rbuf, sizeof(r.rbuf), LPC_WAIT_NS);
	r.x.recv_attr = lpc_ptr(&ca);
	ASSERT_EQ(0, lpc_call_start(&r.call, self->client, LPC_IOC_XFER, &r.x));
	SERVER_RECV_ATTR();
	ASSERT_EQ(0, send_attr(self->server, LPC_MSG_REPLY, "r", 1, &sa,
			       &self->info.id));
	ASSERT_EQ(0, lpc_call_join(&r.call));
	EXPECT_EQ((__u32)LPC_MSG_REPLY, r.x.info.type);
	EXPECT_EQ(LPC_MSGF_ATTR, r.x.info.flags);
	EXPECT_EQ(LPC_ATTR_CREDS, ca.flags);
	EXPECT_EQ((__u32)geteuid(), ca.creds.euid);
	EXPECT_EQ(eff, ca.creds.cap_effective);
}

/*
 * Nothing of one round trip's attributes sticks to the next one on the
 * same port (the kernel may reuse a request's buffer).
 */
TEST_F(attr, attrs_do_not_stick_to_next_request)
{
	struct lpc_msg_attr sa, ca;
	struct lpc_sync_req r;
	int p[2], round;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	for (round = 0; round < 3; round++) {
		bool with = round == 0;

		attr_fds(&sa, &p[0], 1);
		sa.flags |= LPC_ATTR_CREDS;
		attr_init(&ca, 0);
		lpc_request_init(&r.x, "q", 1, r.rbuf, sizeof(r.rbuf),
				 LPC_WAIT_NS);
		r.x.send_attr = with ? lpc_ptr(&sa) : 0;
		r.x.recv_attr = lpc_ptr(&ca);
		ASSERT_EQ(0, lpc_call_start(&r.call, self->client,
					    LPC_IOC_XFER, &r.x));
		SERVER_RECV_ATTR();
		ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
		EXPECT_EQ(with ? LPC_MSGF_ATTR : 0U, self->info.flags) {
			TH_LOG("round %d", round);
		}
		EXPECT_EQ(with ? LPC_ATTR_CREDS | LPC_ATTR_FDS : 0U,
			  self->ra.flags);
		EXPECT_EQ(with ? 1U : 0U, self->ra.nr_fds);
		if (self->ra.nr_fds)
			close(self->ra.fds[0]);
		ASSERT_EQ(0, send_attr(self->cport, LPC_MSG_REPLY, "r", 1,
				       with ? &sa : NULL, &self->info.id));
		ASSERT_EQ(0, lpc_call_join(&r.call));
		EXPECT_EQ(with ? LPC_MSGF_ATTR : 0U, r.x.info.flags) {
			TH_LOG("round %d", round);
		}
		EXPECT_EQ(with ? LPC_ATTR_CREDS | LPC_ATTR_FDS : 0U, ca.flags);
		EXPECT_EQ(with ? 1U : 0U, ca.nr_fds);
		if (ca.nr_fds)
			close(ca.fds[0]);
	}
	close(p[0]);
	close(p[1]);
}

/* ---- ids in the receiver's user namespace ---- */

/* The ids the receiving port's user namespace maps (see creds_ns_*). */
#define NS_EUID		5002	/* T_EUID inside */
#define NS_EGID		6002	/* T_EGID inside */
#define NS_GROUP0	7001	/* t_groups[0] inside */

struct ns_result {
	int ret;
	struct lpc_msg_info info;
	struct lpc_msg_attr ra;
};

static int read_overflow(const char *what, __u32 *val)
{
	char path[64];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", what);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ok = fscanf(f, "%u", val) == 1;
	fclose(f);
	return ok ? 0 : -EIO;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ret = -errno;
	close(fd);
	return ret;
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
 * Child: a server in a user namespace of its own (the parent writes its
 * maps): create @name, accept one client, receive its request with
 * attributes into @res, answer it.
 */
static int ns_server(int dev, const char *name, int sock,
		     struct ns_result *res)
{
	char buf[256];
	int cport, sfd, ret;

	if (unshare(CLONE_NEWUSER))
		return 10;
	if (write(sock, "u", 1) != 1 || wait_byte(sock))
		return 11;
	cport = create_port(dev, name, 0, true);
	if (cport < 0)
		return 12;
	if (write(sock, "p", 1) != 1)
		return 13;
	ret = lpc_recv(cport, &res->info, buf, sizeof(buf), LPC_WAIT_NS);
	if (ret || res->info.type != LPC_MSG_CONNECTION_REQUEST)
		return 14;
	sfd = lpc_accept_id(cport, res->info.id, 1, NULL, 0, 0);
	if (sfd < 0)
		return 15;
	res->ret = recv_attr(cport, &res->info, buf, sizeof(buf), &res->ra,
			     LPC_WAIT_NS);
	if (res->ret || res->info.type != LPC_MSG_REQUEST)
		return 16;
	if (lpc_reply(cport, res->info.id, NULL, 0))
		return 17;
	return 0;
}

/*
 * All ids are in the receiving port's user namespace: mapped ids are
 * translated, the others read as the overflow ids.
 */
TEST_F(attr, creds_ids_in_receivers_user_ns)
{
	const struct lpc_creds *c;
	struct ns_result *res;
	__u32 ouid, ogid;
	char path[64];
	int sv[2];
	pid_t srv, cli;

	ASSERT_EQ(0, read_overflow("overflowuid", &ouid));
	ASSERT_EQ(0, read_overflow("overflowgid", &ogid));
	res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	memset(res, 0, sizeof(*res));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	srv = fork();
	ASSERT_LE(0, srv);
	if (srv == 0) {
		lpc_child_init();
		close(sv[0]);
		_exit(ns_server(self->dev, self->name, sv[1], res));
	}
	close(sv[1]);
	if (wait_byte(sv[0])) {
		int rc = lpc_wait_child(srv, LPC_WAIT_MS);

		if (rc == 10)
			SKIP(return, "no user namespaces");
		ASSERT_EQ(0, rc);
	}
	snprintf(path, sizeof(path), "/proc/%d/uid_map", srv);
	ASSERT_EQ(0, write_file(path, "5002 3002 1\n"));
	snprintf(path, sizeof(path), "/proc/%d/gid_map", srv);
	ASSERT_EQ(0, write_file(path, "6002 2002 1\n7001 1001 1\n"));
	ASSERT_EQ(1, write(sv[0], "m", 1));
	ASSERT_EQ(0, wait_byte(sv[0])) {
		kill(srv, SIGKILL);
		lpc_wait_child(srv, LPC_WAIT_MS);
	}
	cli = spawn_client(self->name, PRE_IDS, CHG_NONE);
	ASSERT_LT(0, cli);
	EXPECT_EQ(0, lpc_wait_child(cli, LPC_WAIT_MS));
	ASSERT_EQ(0, lpc_wait_child(srv, LPC_WAIT_MS));
	close(sv[0]);

	c = &res->ra.creds;
	EXPECT_EQ(LPC_MSGF_ATTR, res->info.flags);
	EXPECT_EQ((__u32)NS_EUID, res->info.uid);
	EXPECT_EQ((__u32)NS_EGID, res->info.gid);
	EXPECT_EQ(ouid, c->uid);
	EXPECT_EQ((__u32)NS_EUID, c->euid);
	EXPECT_EQ(ouid, c->suid);
	EXPECT_EQ((__u32)NS_EUID, c->fsuid);
	EXPECT_EQ(ogid, c->gid);
	EXPECT_EQ((__u32)NS_EGID, c->egid);
	EXPECT_EQ(ogid, c->sgid);
	EXPECT_EQ((__u32)NS_EGID, c->fsgid);
	ASSERT_EQ((__u32)T_NGROUPS, c->ngroups);
	EXPECT_EQ((__u32)NS_GROUP0, c->groups[0]);
	EXPECT_EQ(ogid, c->groups[1]);
	EXPECT_EQ(ogid, c->groups[2]);
	munmap(res, sizeof(*res));
}

/* ---- LPC_PORT_REQUIRE_CREDS ---- */

TEST_F(attr, require_creds_request_without_creds_eacces)
{
	struct lpc_xfer x;
	char rbuf[16];
	__u64 id;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_REQUIRE_CREDS, .context = CTX_A);
	lpc_request_init(&x, "q", 1, rbuf, sizeof(rbuf), LPC_SHORT_NS);
	EXPECT_EQ(-EACCES, sys_lpc_xfer(self->client, &x));
	EXPECT_EQ(-EACCES, lpc_request_async(self->client, "a", 1, 16, &id));
	EXPECT_SERVER_SAW_NOTHING();
}

/* An attribute block without LPC_ATTR_CREDS is no better than none. */
TEST_F(attr, require_creds_request_other_attrs_eacces)
{
	struct lpc_msg_attr sa;
	int p[2];

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_REQUIRE_CREDS | LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	attr_fds(&sa, p, 1);
	EXPECT_EQ(-EACCES, send_attr(self->client, LPC_MSG_REQUEST, "q", 1,
				     &sa, NULL));
	EXPECT_SERVER_SAW_NOTHING();
	close(p[0]);
	close(p[1]);
}

TEST_F(attr, require_creds_request_with_creds_delivered)
{
	struct lpc_msg_attr sa;
	__u64 id = 0;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_REQUIRE_CREDS, .context = CTX_A);
	attr_creds(&sa);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_REQUEST, "q", 1, &sa,
			       &id));
	SERVER_RECV_ATTR();
	EXPECT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	EXPECT_EQ(id, self->info.id);
	EXPECT_EQ(LPC_MSGF_ATTR, self->info.flags);
	EXPECT_EQ(LPC_ATTR_CREDS, self->ra.flags);
	EXPECT_EQ((__u32)geteuid(), self->ra.creds.euid);
	EXPECT_EQ(0, lpc_reply(self->cport, id, "r", 1));
}

/* The rule is for requests: a datagram needs no creds. */
TEST_F(attr, require_creds_datagram_without_creds_delivered)
{
	LPC_OPEN_PAIR(.port_flags = LPC_PORT_REQUIRE_CREDS, .context = CTX_A);
	ASSERT_EQ(0, lpc_datagram(self->client, "d", 1));
	SERVER_RECV_ATTR();
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
	EXPECT_EQ(0U, self->info.flags);
}

/* ================= fds ================= */

TEST_F(attr, fds_pipe_and_memfd_passed)
{
	int p[2], mfd, fds[2];
	static const char text[] = "through the pipe";
	char got[64];
	struct lpc_msg_attr sa;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	mfd = memfd_create("lpc-attr", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ((ssize_t)5, pwrite(mfd, "memfd", 5, 0));
	fds[0] = p[0];
	fds[1] = mfd;
	attr_fds(&sa, fds, 2);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1, &sa,
			       NULL));
	SERVER_RECV_ATTR();
	EXPECT_EQ(LPC_MSGF_ATTR, self->info.flags);
	ASSERT_EQ(LPC_ATTR_FDS, self->ra.flags);
	ASSERT_EQ(2U, self->ra.nr_fds);
	ASSERT_LE(0, self->ra.fds[0]);
	ASSERT_LE(0, self->ra.fds[1]);
	/* New fds, close-on-exec, on the same files. */
	EXPECT_NE(p[0], self->ra.fds[0]);
	EXPECT_NE(mfd, self->ra.fds[1]);
	EXPECT_TRUE(is_cloexec(self->ra.fds[0]));
	EXPECT_TRUE(is_cloexec(self->ra.fds[1]));
	EXPECT_TRUE(same_file(p[0], self->ra.fds[0]));
	EXPECT_TRUE(same_file(mfd, self->ra.fds[1]));
	/* Data written into the pipe reads on the received end. */
	ASSERT_EQ((ssize_t)sizeof(text), write(p[1], text, sizeof(text)));
	close(p[0]);
	ASSERT_EQ((ssize_t)sizeof(text), read(self->ra.fds[0], got,
					      sizeof(got)));
	EXPECT_STREQ(text, got);
	memset(got, 0, sizeof(got));
	ASSERT_EQ((ssize_t)5, pread(self->ra.fds[1], got, sizeof(got), 0));
	EXPECT_STREQ("memfd", got);
	close(self->ra.fds[0]);
	close(self->ra.fds[1]);
	close(p[1]);
	close(mfd);
}

TEST_F(attr, fds_max_passed)
{
	int p[LPC_MAX_FDS][2], fds[LPC_MAX_FDS], i;
	struct lpc_msg_attr sa;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	for (i = 0; i < LPC_MAX_FDS; i++) {
		ASSERT_EQ(0, pipe2(p[i], O_CLOEXEC));
		fds[i] = p[i][0];
	}
	attr_fds(&sa, fds, LPC_MAX_FDS);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1, &sa,
			       NULL));
	SERVER_RECV_ATTR();
	ASSERT_EQ((__u32)LPC_MAX_FDS, self->ra.nr_fds);
	for (i = 0; i < LPC_MAX_FDS; i++) {
		EXPECT_TRUE(same_file(p[i][0], self->ra.fds[i])) {
			TH_LOG("fd %d is not the one sent", i);
		}
		close(self->ra.fds[i]);
		close(p[i][0]);
		close(p[i][1]);
	}
}

TEST_F(attr, fds_more_than_max_einval)
{
	struct lpc_msg_attr sa;
	int p[2];

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	attr_fds(&sa, (int[]){ p[0], p[0], p[0], p[0] }, LPC_MAX_FDS);
	sa.nr_fds = LPC_MAX_FDS + 1;
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				     &sa, NULL));
	EXPECT_SERVER_SAW_NOTHING();
	close(p[0]);
	close(p[1]);
}

TEST_F(attr, fds_nr_without_fds_flag_einval)
{
	struct lpc_msg_attr sa;
	int p[2];

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	attr_fds(&sa, p, 1);
	sa.flags = 0;
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				     &sa, NULL));
	sa.flags = LPC_ATTR_CREDS;
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				     &sa, NULL));
	EXPECT_SERVER_SAW_NOTHING();
	close(p[0]);
	close(p[1]);
}

TEST_F(attr, fds_bad_fd_ebadf)
{
	struct lpc_msg_attr sa;
	int bad = open("/dev/null", O_RDONLY | O_CLOEXEC);

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_LE(0, bad);
	close(bad);
	attr_fds(&sa, &bad, 1);
	EXPECT_EQ(-EBADF, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				    &sa, NULL));
	sa.fds[0] = -1;
	EXPECT_EQ(-EBADF, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				    &sa, NULL));
	EXPECT_SERVER_SAW_NOTHING();
}

/* A failed send keeps no reference on the fds that were good. */
TEST_F(attr, fds_failed_send_keeps_no_reference)
{
	struct lpc_msg_attr sa;
	int p[2], bad;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	bad = dup(p[0]);	/* a number no fd has, after the close */
	ASSERT_LE(0, bad);
	close(bad);
	attr_fds(&sa, (int[]){ p[1], bad }, 2);
	EXPECT_EQ(-EBADF, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				    &sa, NULL));
	close(p[1]);
	EXPECT_TRUE(pipe_widowed(p[0])) {
		TH_LOG("the pipe's write end is still referenced");
	}
	close(p[0]);
}

TEST_F(attr, fds_port_without_allow_fds_eperm)
{
	struct lpc_msg_attr sa;
	int p[2];

	LPC_OPEN_PAIR(.context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	attr_fds(&sa, p, 1);
	EXPECT_EQ(-EPERM, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				    &sa, NULL));
	EXPECT_EQ(-EPERM, send_attr(self->server, LPC_MSG_DATAGRAM, "f", 1,
				    &sa, NULL));
	EXPECT_SERVER_SAW_NOTHING();
	EXPECT_EQ(-EAGAIN, lpc_recv_nb(self->client, NULL, self->buf,
				       sizeof(self->buf)));
	close(p[0]);
	close(p[1]);
}

/* Ports could be queued on themselves: a reference cycle. */
TEST_F(attr, fds_lpc_port_einval)
{
	struct lpc_msg_attr sa;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	attr_fds(&sa, &self->client, 1);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				     &sa, NULL));
	attr_fds(&sa, &self->cport, 1);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				     &sa, NULL));
	attr_fds(&sa, &self->server, 1);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				     &sa, NULL));
	EXPECT_SERVER_SAW_NOTHING();
}

TEST_F(attr, fds_dev_lpc_einval)
{
	struct lpc_msg_attr sa;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	attr_fds(&sa, &self->dev, 1);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				     &sa, NULL));
	EXPECT_SERVER_SAW_NOTHING();
}

TEST_F(attr, fds_unix_socket_einval)
{
	struct lpc_msg_attr sa;
	int sv[2], ls;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	attr_fds(&sa, sv, 1);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				     &sa, NULL));
	ls = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, ls);
	attr_fds(&sa, &ls, 1);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1,
				     &sa, NULL));
	EXPECT_SERVER_SAW_NOTHING();
	close(ls);
	close(sv[0]);
	close(sv[1]);
}

/* The rule is for unix sockets: other sockets pass. */
TEST_F(attr, fds_inet_socket_passed)
{
	struct lpc_msg_attr sa;
	int s;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		SKIP(return, "no AF_INET sockets: %s", strerror(errno));
	attr_fds(&sa, &s, 1);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1, &sa,
			       NULL));
	SERVER_RECV_ATTR();
	ASSERT_EQ(1U, self->ra.nr_fds);
	EXPECT_TRUE(same_file(s, self->ra.fds[0]));
	close(self->ra.fds[0]);
	close(s);
}

/* Nobody to receive them: no fd is installed and the files are dropped. */
TEST_F(attr, fds_without_recv_attr_dropped_no_leak)
{
	struct lpc_msg_attr sa;
	int p[2], before, after;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	attr_fds(&sa, (int[]){ p[1], p[1] }, 2);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1, &sa,
			       NULL));
	close(p[1]);
	EXPECT_FALSE(pipe_widowed(p[0]));	/* the message holds it */
	before = count_fds();
	ASSERT_LT(0, before);
	ASSERT_EQ(0, recv_attr(self->cport, &self->info, self->buf,
			       sizeof(self->buf), NULL, LPC_WAIT_NS));
	after = count_fds();
	EXPECT_EQ(LPC_MSGF_ATTR_LOST, self->info.flags);
	EXPECT_EQ(before, after);
	EXPECT_TRUE(pipe_widowed(p[0])) {
		TH_LOG("the dropped write end is still referenced");
	}
	close(p[0]);
}

/*
 * The same for a request: "its fds are closed" at receive, not when the
 * request is answered.
 */
TEST_F(attr, fds_request_without_recv_attr_closed_at_receive)
{
	struct lpc_msg_attr sa;
	int p[2], before;
	__u64 id = 0;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	attr_fds(&sa, &p[1], 1);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_REQUEST, "q", 1, &sa,
			       &id));
	close(p[1]);
	before = count_fds();
	ASSERT_EQ(0, recv_attr(self->cport, &self->info, self->buf,
			       sizeof(self->buf), NULL, LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	EXPECT_EQ(LPC_MSGF_ATTR_LOST, self->info.flags);
	EXPECT_EQ(before, count_fds());
	EXPECT_TRUE(pipe_widowed(p[0])) {
		TH_LOG("the request still holds the fd it could not deliver");
	}
	EXPECT_EQ(0, lpc_reply(self->cport, id, NULL, 0));
	EXPECT_TRUE(pipe_widowed(p[0]));
	close(p[0]);
}

/* A message never received drops its files with the connection. */
TEST_F(attr, fds_queued_message_dropped_on_close)
{
	struct lpc_msg_attr sa;
	int p[2];

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	attr_fds(&sa, &p[1], 1);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1, &sa,
			       NULL));
	close(p[1]);
	EXPECT_FALSE(pipe_widowed(p[0]));
	lpc_close(&self->client);
	EXPECT_TRUE(pipe_widowed(p[0])) {
		TH_LOG("the fd queued on a closed connection is still held");
	}
	close(p[0]);
}

/* The server answers a synchronous request with an fd. */
TEST_F(attr, fds_with_reply_reach_requester)
{
	struct lpc_msg_attr sa, ca;
	struct lpc_sync_req r;
	int mfd;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	mfd = memfd_create("lpc-reply", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ((ssize_t)5, pwrite(mfd, "reply", 5, 0));
	attr_init(&ca, 0);
	lpc_request_init(&r.x, "q", 1, r.rbuf, sizeof(r.rbuf), LPC_WAIT_NS);
	r.x.recv_attr = lpc_ptr(&ca);
	ASSERT_EQ(0, lpc_call_start(&r.call, self->client, LPC_IOC_XFER,
				    &r.x));
	SERVER_RECV_ATTR();
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	attr_fds(&sa, &mfd, 1);
	ASSERT_EQ(0, send_attr(self->cport, LPC_MSG_REPLY, "r", 1, &sa,
			       &self->info.id));
	ASSERT_EQ(0, lpc_call_join(&r.call));
	EXPECT_EQ((__u32)LPC_MSG_REPLY, r.x.info.type);
	EXPECT_EQ(LPC_MSGF_ATTR, r.x.info.flags);
	ASSERT_EQ(LPC_ATTR_FDS, ca.flags);
	ASSERT_EQ(1U, ca.nr_fds);
	EXPECT_TRUE(same_file(mfd, ca.fds[0]));
	EXPECT_TRUE(is_cloexec(ca.fds[0]));
	close(ca.fds[0]);
	close(mfd);
}

/* fds on a request reach the server with it. */
TEST_F(attr, fds_with_request_reach_server)
{
	struct lpc_msg_attr sa;
	int p[2];
	__u64 id = 0;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	attr_fds(&sa, &p[1], 1);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_REQUEST, "q", 1, &sa,
			       &id));
	SERVER_RECV_ATTR();
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	ASSERT_EQ(1U, self->ra.nr_fds);
	EXPECT_TRUE(same_file(p[1], self->ra.fds[0]));
	ASSERT_EQ((ssize_t)1, write(self->ra.fds[0], "x", 1));
	EXPECT_EQ(POLLIN, lpc_poll(p[0], POLLIN, 0) & POLLIN);
	close(self->ra.fds[0]);
	EXPECT_EQ(0, lpc_reply(self->cport, id, NULL, 0));
	close(p[0]);
	close(p[1]);
}

/*
 * A receiver out of fds gets -EMFILE and the message stays queued, fds
 * and all, for a later receive.
 */
TEST_F(attr, fds_receiver_out_of_fds_message_kept)
{
	struct lpc_msg_attr sa;
	struct rlimit old, low;
	int p[2], a, b, before;

	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	attr_fds(&sa, p, 2);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, "f", 1, &sa,
			       NULL));
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	/* Room for exactly one new fd: the lowest free one, a. */
	a = dup(p[0]);
	b = dup(p[0]);
	ASSERT_LE(0, a);
	ASSERT_LT(a, b);
	close(a);
	close(b);
	low = old;
	low.rlim_cur = b;
	before = count_fds();
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &low));
	EXPECT_EQ(-EMFILE, recv_attr(self->cport, &self->info, self->buf,
				     sizeof(self->buf), &self->ra,
				     LPC_WAIT_NS));
	EXPECT_EQ(before, count_fds());	/* no fd left half-installed */
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	SERVER_RECV_ATTR();
	EXPECT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
	ASSERT_EQ(2U, self->ra.nr_fds);
	EXPECT_TRUE(same_file(p[0], self->ra.fds[0]));
	EXPECT_TRUE(same_file(p[1], self->ra.fds[1]));
	close(self->ra.fds[0]);
	close(self->ra.fds[1]);
	close(p[0]);
	close(p[1]);
}

TEST_HARNESS_MAIN
