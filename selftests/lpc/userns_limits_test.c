// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user limits per user namespace (module/limits.c): a charge counts
 * against (the creator's user namespace, its euid) and, up the chain,
 * against (the parent namespace, the uid that created the child one), each
 * level checked against the same module parameter. So:
 *
 * - the uids a namespace maps share, together, the share of the user who
 *   created it in the parent (before: each mapped kernel uid had a whole
 *   share of its own, so a container mapping N uids had N shares);
 * - what a container holds counts against its creator's share outside;
 * - two sibling namespaces of different creators have separate counts,
 *   even when they map the same kernel uids (before: one kernel uid, one
 *   count, so one container could exhaust the other);
 * - it all returns to zero when the objects close.
 *
 * Each namespace is made by a forked child that became its owner's uid
 * (dropping every capability, so CAP_SYS_RESOURCE in the initial
 * namespace does not lift the limits), unshared CLONE_NEWUSER, and had
 * this (root) process write its uid and gid maps: "0 <base> <n>". The
 * child then acts as its namespace's uids with setresuid(-1, uid, -1)
 * (the saved uid 0 lets it come back), records each step in shared
 * memory, and holds what it created until the test lets it go, so that
 * the parent can check what its namespace's charges leave to others.
 * Module parameters are set small and put back afterwards.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"

#define P_PORTS		"max_ports_per_user"
#define P_CONNS		"max_conns_per_user"
#define P_SECTIONS	"max_section_bytes_per_user"

/* Host uids no other test uses: namespace owners, and what they map. */
#define OWNER_A		43101
#define OWNER_B		43102
#define OTHER_C		43103
#define MAP_BASE	431000		/* ns uid 0..MAP_COUNT-1 -> these */
#define MAP_COUNT	4

#define PAGE		4096ULL
#define MAX_STEPS	32
#define NOT_RUN		(-100000)

/* ---- module parameters, put back even if the binary dies ---- */

static const char *const param_names[] = { P_PORTS, P_CONNS, P_SECTIONS };
static unsigned long orig_params[3];
static bool orig_valid;

static void __attribute__((constructor)) params_save(void)
{
	int i;

	orig_valid = true;
	for (i = 0; i < 3; i++)
		if (lpc_param_read(param_names[i], &orig_params[i]))
			orig_valid = false;
}

static void params_restore(void)
{
	int i;

	if (orig_valid)
		for (i = 0; i < 3; i++)
			lpc_param_write(param_names[i], orig_params[i]);
}

static void __attribute__((destructor)) params_restore_at_exit(void)
{
	params_restore();
}

/* ---- results of the children's steps ---- */

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

static int step(struct steps *s, int ret)
{
	if (s->n < MAX_STEPS)
		s->ret[s->n++] = ret;
	return ret;
}

/* Ports, connections and sections a child holds until it ends. */
struct held {
	int fd[MAX_STEPS];
	int n;
};

static int hold(struct held *h, int fd)
{
	if (fd >= 0 && h->n < MAX_STEPS)
		h->fd[h->n++] = fd;
	return fd;
}

static void release(struct held *h)
{
	while (h->n)
		close(h->fd[--h->n]);
}

#define NR_ACTORS	4

FIXTURE(userns) {
	int dev;
	struct steps *st;	/* NR_ACTORS of them, shared with children */
};

FIXTURE_SETUP(userns)
{
	void *p;
	int i;

	self->dev = -1;
	self->st = NULL;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	if (!orig_valid)
		LPC_SKIP("no %s%s", LPC_PARAM_DIR, P_SECTIONS);
	p = mmap(NULL, NR_ACTORS * sizeof(struct steps),
		 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	self->st = p;
	for (i = 0; i < NR_ACTORS; i++)
		steps_reset(&self->st[i]);
}

FIXTURE_TEARDOWN(userns)
{
	params_restore();
	if (self->st)
		munmap(self->st, NR_ACTORS * sizeof(struct steps));
	lpc_close(&self->dev);
}

#define SET_PARAM(name, val) ASSERT_EQ(0, lpc_param_write((name), (val)))

/* ---- acting as someone ---- */

/* Become @uid with no groups: every capability goes. */
static int become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -errno;
	return 0;
}

/* Inside a namespace, as its root: act as @uid (0 to come back). */
static int as_ns_uid(uid_t uid)
{
	return setresuid(-1, uid, -1) ? -errno : 0;
}

static int create_port(int dev, char *name, size_t size)
{
	lpc_name(name, size, "uns");
	return lpc_create(dev, name);
}

/* Create @n ports, recording each, holding those created. */
static void create_n(struct steps *st, struct held *h, int dev, int n)
{
	char name[LPC_NAME_MAX + 1];

	while (n--)
		hold(h, step(st, create_port(dev, name, sizeof(name))));
}

/*
 * A connect the quota should refuse before the server sees it: with a
 * short timeout, so that one let through fails -ETIMEDOUT (nobody
 * accepts) instead of hanging.
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

/* ---- user namespaces ---- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(text);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* uid and gid 0..@count-1 of @pid's namespace are @base.. outside. */
static int map_ids(pid_t pid, unsigned int base, unsigned int count)
{
	char path[64], map[48];
	int ret;

	snprintf(map, sizeof(map), "0 %u %u\n", base, count);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	ret = write_file(path, map);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	return ret ?: write_file(path, map);
}

/* Wait (bounded) for one byte on @fd: 0, or -errno (-EPIPE at EOF). */
static int wait_byte(int fd)
{
	int ev = lpc_poll(fd, POLLIN, LPC_WAIT_MS);
	char c;

	if (ev <= 0)
		return ev ? ev : -ETIMEDOUT;
	return read(fd, &c, 1) == 1 ? 0 : -EPIPE;
}

/* What a namespace's root does: record in @st, hold in @h. */
typedef void (*ns_body_t)(int dev, struct steps *st, struct held *h);

struct nsproc {
	pid_t pid;
	int up;		/* child -> parent: unshared, then done */
	int down;	/* parent -> child: mapped, then end (or EOF) */
};

static void __attribute__((noreturn))
ns_child(int up, int down, uid_t owner, int dev, struct steps *st,
	 ns_body_t body)
{
	struct held h = { .n = 0 };

	lpc_child_init();
	if (become(owner) || unshare(CLONE_NEWUSER))
		_exit(1);
	if (write(up, "u", 1) != 1 || wait_byte(down))
		_exit(2);
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		_exit(3);
	body(dev, st, &h);
	if (write(up, "d", 1) != 1)
		_exit(4);
	/* Hold everything until the parent says so, or goes. */
	wait_byte(down);
	release(&h);
	_exit(0);
}

/*
 * Fork a child that makes a user namespace owned by @owner, mapping
 * uids 0..MAP_COUNT-1 to @base.., runs @body as the namespace's root and
 * then holds what it made until ns_end(). 0, -EOPNOTSUPP if user
 * namespaces are not available, or -errno.
 */
static int ns_start(struct nsproc *p, uid_t owner, unsigned int base,
		    int dev, struct steps *st, ns_body_t body)
{
	int up[2], down[2], ret;

	p->pid = -1;
	p->up = p->down = -1;
	if (pipe2(up, O_CLOEXEC))
		return -errno;
	if (pipe2(down, O_CLOEXEC)) {
		ret = -errno;
		close(up[0]);
		close(up[1]);
		return ret;
	}
	fflush(NULL);
	p->pid = fork();
	if (!p->pid) {
		close(up[0]);
		close(down[1]);
		ns_child(up[1], down[0], owner, dev, st, body);
	}
	close(up[1]);
	close(down[0]);
	p->up = up[0];
	p->down = down[1];
	if (p->pid < 0)
		return -errno;
	if (wait_byte(p->up))
		return -EOPNOTSUPP;
	ret = map_ids(p->pid, base, MAP_COUNT);
	if (ret)
		return ret;
	if (write(p->down, "m", 1) != 1)
		return -EPIPE;
	return wait_byte(p->up);
}

/* Let the child go (it closes what it held) and reap it: its exit code. */
static int ns_end(struct nsproc *p)
{
	int ret = 0;

	if (p->down >= 0 && write(p->down, "x", 1) != 1)
		ret = -EPIPE;
	lpc_close(&p->down);
	lpc_close(&p->up);
	if (p->pid > 0)
		ret = lpc_wait_child(p->pid, LPC_WAIT_MS) ?: ret;
	p->pid = -1;
	return ret;
}

#define NS_START(p, owner, base, st, body) do {				\
		int __r = ns_start((p), (owner), (base), self->dev,	\
				   (st), (body));			\
		if (__r == -EOPNOTSUPP) {				\
			ns_end(p);					\
			SKIP(return, "no user namespaces for uid %d",	\
			     (owner));					\
		}							\
		ASSERT_EQ(0, __r) {					\
			ns_end(p);					\
		}							\
	} while (0)

#define NS_END(p) ASSERT_EQ(0, ns_end(p))

/* In the initial namespace, as host @uid: run @body, then close. */
static int host_run(int dev, uid_t uid, struct steps *st, ns_body_t body)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		struct held h = { .n = 0 };

		lpc_child_init();
		if (step(st, become(uid)))
			_exit(1);
		body(dev, st, &h);
		release(&h);
		_exit(0);
	}
	return lpc_wait_child(pid, LPC_WAIT_MS);
}

#define HOST_RUN(uid, st, body) ASSERT_EQ(0, host_run(self->dev, (uid), (st), (body)))

/* Log the recorded steps when something is off. */
static void log_steps(struct __test_metadata *_metadata, const char *who,
		      const struct steps *st)
{
	int i;

	for (i = 0; i < st->n; i++)
		TH_LOG("%s step %d: %d (%s)", who, i, st->ret[i],
		       st->ret[i] < 0 ? strerror(-st->ret[i]) : "ok");
}

#define EXPECT_STEP_OK(st, i) EXPECT_LE(0, (st)->ret[i]) {		\
		log_steps(_metadata, #st, (st));			\
	}
#define EXPECT_STEP(st, i, val) EXPECT_EQ((val), (st)->ret[i]) {	\
		log_steps(_metadata, #st, (st));			\
	}

/* ---- bodies ---- */

/* ns uids 1, 2 and 3 create one port each, then uid 1 another. */
static void body_three_uids(int dev, struct steps *st, struct held *h)
{
	uid_t uid;

	for (uid = 1; uid <= 3; uid++) {
		if (step(st, as_ns_uid(uid)))
			return;
		create_n(st, h, dev, 1);
		if (step(st, as_ns_uid(0)))
			return;
	}
	if (step(st, as_ns_uid(1)))
		return;
	create_n(st, h, dev, 1);
	as_ns_uid(0);
}

/* ns uids 0 and 1 create one port each. */
static void body_two_ports(int dev, struct steps *st, struct held *h)
{
	create_n(st, h, dev, 1);
	if (step(st, as_ns_uid(1)))
		return;
	create_n(st, h, dev, 1);
	as_ns_uid(0);
}

/* One port. */
static void body_one_port(int dev, struct steps *st, struct held *h)
{
	create_n(st, h, dev, 1);
}

/* Two ports. */
static void body_two(int dev, struct steps *st, struct held *h)
{
	create_n(st, h, dev, 2);
}

/* Three ports, the third over a limit of 2. */
static void body_fill_ports(int dev, struct steps *st, struct held *h)
{
	create_n(st, h, dev, 3);
}

/* A port and one connection to it, accepted (all held). */
static int own_connection(int dev, struct steps *st, struct held *h,
			  char *name, size_t size)
{
	int port, client, server;

	port = hold(h, step(st, create_port(dev, name, size)));
	if (port < 0)
		return port;
	if (step(st, lpc_connect_pair(dev, port, name, 1, 0, &client,
				      &server)))
		return -1;
	hold(h, client);
	hold(h, server);
	return client;
}

/* ns root: a port and one connection to it. */
static void body_one_conn(int dev, struct steps *st, struct held *h)
{
	char name[LPC_NAME_MAX + 1];

	own_connection(dev, st, h, name, sizeof(name));
}

/* Host: a port of one's own, then a connect to it. */
static void body_try_conn(int dev, struct steps *st, struct held *h)
{
	char name[LPC_NAME_MAX + 1];

	if (hold(h, step(st, create_port(dev, name, sizeof(name)))) >= 0)
		step(st, try_connect(dev, name));
}

/*
 * ns root: a connection (as uid 0), then as uid 1 a section of the whole
 * 8-page limit, then as uid 2 one page more.
 */
static void body_sections(int dev, struct steps *st, struct held *h)
{
	char name[LPC_NAME_MAX + 1];
	int client;

	client = own_connection(dev, st, h, name, sizeof(name));
	if (client < 0)
		return;
	if (step(st, as_ns_uid(1)))
		return;
	hold(h, step(st, lpc_section_new(client, 8 * PAGE)));
	if (step(st, as_ns_uid(0)) || step(st, as_ns_uid(2)))
		return;
	hold(h, step(st, lpc_section_new(client, PAGE)));
	as_ns_uid(0);
}

/* Host: a connection of one's own, and a section of the whole limit. */
static void body_host_all(int dev, struct steps *st, struct held *h)
{
	char name[LPC_NAME_MAX + 1];
	int client;

	client = own_connection(dev, st, h, name, sizeof(name));
	if (client >= 0)
		hold(h, step(st, lpc_section_new(client, 8 * PAGE)));
}

/* ================= (a) one share for all a namespace maps ================= */

/*
 * Three uids of a namespace owned by OWNER_A, one port each, with a limit
 * of 2: the third is refused, and uid 1's second too, because at the
 * parent level all of them are OWNER_A's. Before: each mapped kernel uid
 * had 2 of its own, and all four were created.
 */
TEST_F(userns, mapped_uids_share_creator_limit)
{
	struct steps *ns = &self->st[0];
	struct nsproc p;

	SET_PARAM(P_PORTS, 2);
	NS_START(&p, OWNER_A, MAP_BASE, ns, body_three_uids);
	NS_END(&p);
	/* as 1, create, as 0, as 2, create, as 0, as 3, create, ... */
	EXPECT_STEP_OK(ns, 1);
	EXPECT_STEP_OK(ns, 4);
	EXPECT_STEP(ns, 7, -EDQUOT);
	EXPECT_STEP(ns, 10, -EDQUOT);
}

/*
 * What a namespace holds counts against its creator outside: with a limit
 * of 2 and both taken by OWNER_A's namespace (as its uids 0 and 1, which
 * map to other kernel uids), OWNER_A itself cannot create a port, while
 * another host user still can. Before: OWNER_A's count was untouched.
 */
TEST_F(userns, namespace_counts_against_creator)
{
	struct steps *ns = &self->st[0], *a = &self->st[1], *c = &self->st[2];
	struct nsproc p;

	SET_PARAM(P_PORTS, 2);
	NS_START(&p, OWNER_A, MAP_BASE, ns, body_two_ports);
	HOST_RUN(OWNER_A, a, body_one_port);
	HOST_RUN(OTHER_C, c, body_one_port);
	NS_END(&p);
	EXPECT_STEP_OK(ns, 0);
	EXPECT_STEP_OK(ns, 2);
	EXPECT_STEP(a, 1, -EDQUOT);
	EXPECT_STEP_OK(c, 1);
}

/*
 * The same for connections: OWNER_A's namespace holds one connection, the
 * limit; OWNER_A's own connect to its own port is refused at once. Before:
 * it went through to the server (and timed out, nobody accepting).
 */
TEST_F(userns, conns_count_against_creator)
{
	struct steps *ns = &self->st[0], *a = &self->st[1];
	struct nsproc p;

	SET_PARAM(P_CONNS, 1);
	NS_START(&p, OWNER_A, MAP_BASE, ns, body_one_conn);
	HOST_RUN(OWNER_A, a, body_try_conn);
	NS_END(&p);
	EXPECT_STEP_OK(ns, 0);
	EXPECT_STEP(ns, 1, 0);
	EXPECT_STEP_OK(a, 1);
	EXPECT_STEP(a, 2, -EDQUOT);
}

/*
 * And for section bytes: the namespace's uid 1 takes the whole 8-page
 * limit, so its uid 2 cannot have a page more. Before: uid 2's kernel uid
 * had 8 pages of its own.
 */
TEST_F(userns, sections_share_creator_limit)
{
	struct steps *ns = &self->st[0];
	struct nsproc p;

	SET_PARAM(P_SECTIONS, 8 * PAGE);
	NS_START(&p, OWNER_A, MAP_BASE, ns, body_sections);
	NS_END(&p);
	/* port, connect, as 1, section, as 0, as 2, section */
	EXPECT_STEP_OK(ns, 0);
	EXPECT_STEP(ns, 1, 0);
	EXPECT_STEP_OK(ns, 3);
	EXPECT_STEP(ns, 6, -EDQUOT);
}

/* ================= (b) sibling namespaces ================= */

/*
 * Two namespaces owned by OWNER_A and OWNER_B, both mapping their root to
 * the same kernel uid MAP_BASE: each gets its own 2 ports. Before: one
 * kernel uid, one count, and the first namespace's 2 left none to the
 * second.
 */
TEST_F(userns, siblings_do_not_exhaust_each_other)
{
	struct steps *ns1 = &self->st[0], *ns2 = &self->st[1];
	struct nsproc p1, p2;

	SET_PARAM(P_PORTS, 2);
	NS_START(&p1, OWNER_A, MAP_BASE, ns1, body_fill_ports);
	NS_START(&p2, OWNER_B, MAP_BASE, ns2, body_fill_ports);
	NS_END(&p2);
	NS_END(&p1);
	EXPECT_STEP_OK(ns1, 0);
	EXPECT_STEP_OK(ns1, 1);
	EXPECT_STEP(ns1, 2, -EDQUOT);
	EXPECT_STEP_OK(ns2, 0);
	EXPECT_STEP_OK(ns2, 1);
	EXPECT_STEP(ns2, 2, -EDQUOT);
}

/*
 * The sibling of another owner is not held back by one at its limit,
 * whose owner is: OWNER_A's namespace full, OWNER_B's namespace and
 * OWNER_B still have their share.
 */
TEST_F(userns, sibling_owner_keeps_share)
{
	struct steps *ns1 = &self->st[0], *ns2 = &self->st[1];
	struct steps *b = &self->st[2];
	struct nsproc p1, p2;

	SET_PARAM(P_PORTS, 2);
	NS_START(&p1, OWNER_A, MAP_BASE, ns1, body_fill_ports);
	NS_START(&p2, OWNER_B, MAP_BASE + MAP_COUNT, ns2, body_one_port);
	HOST_RUN(OWNER_B, b, body_one_port);
	NS_END(&p2);
	NS_END(&p1);
	EXPECT_STEP(ns1, 2, -EDQUOT);
	EXPECT_STEP_OK(ns2, 0);
	EXPECT_STEP_OK(b, 1);
}

/* ================= (c) back to zero ================= */

/*
 * After namespaces filled their owners' shares and closed everything,
 * each owner has its whole share again, exactly: nothing stayed charged
 * at any level (the namespaces' own entries are freed with them; a leak
 * there shows at rmmod and in kmemleak).
 */
TEST_F(userns, charges_return_to_zero)
{
	struct steps *ns1 = &self->st[0], *ns2 = &self->st[1];
	struct steps *a = &self->st[2], *b = &self->st[3];
	struct nsproc p1, p2;

	SET_PARAM(P_PORTS, 2);
	SET_PARAM(P_CONNS, 1);
	SET_PARAM(P_SECTIONS, 8 * PAGE);
	NS_START(&p1, OWNER_A, MAP_BASE, ns1, body_sections);
	NS_START(&p2, OWNER_B, MAP_BASE, ns2, body_two);
	NS_END(&p2);
	NS_END(&p1);
	EXPECT_STEP(ns1, 6, -EDQUOT);
	EXPECT_STEP_OK(ns2, 1);

	/* Twice: a second namespace of the same owner starts from zero. */
	steps_reset(ns1);
	NS_START(&p1, OWNER_A, MAP_BASE, ns1, body_sections);
	NS_END(&p1);
	EXPECT_STEP_OK(ns1, 3);
	EXPECT_STEP(ns1, 6, -EDQUOT);

	HOST_RUN(OWNER_A, a, body_fill_ports);
	HOST_RUN(OWNER_B, b, body_fill_ports);
	EXPECT_STEP_OK(a, 1);
	EXPECT_STEP_OK(a, 2);
	EXPECT_STEP(a, 3, -EDQUOT);
	EXPECT_STEP_OK(b, 1);
	EXPECT_STEP_OK(b, 2);
	EXPECT_STEP(b, 3, -EDQUOT);

	steps_reset(a);
	HOST_RUN(OWNER_A, a, body_host_all);
	EXPECT_STEP_OK(a, 1);
	EXPECT_STEP(a, 2, 0);
	EXPECT_STEP_OK(a, 3);
}

TEST_HARNESS_MAIN
