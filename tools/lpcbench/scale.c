// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Connection scale (-C COUNT): what COUNT open connections cost the
 * kernel, and how fast they open and close.
 *
 * One server child creates one listening port (lpc: a connection port;
 * stream: an AF_UNIX SOCK_STREAM socket) and accepts COUNT connections;
 * the parent is the client and opens them one after the other. Both sides
 * keep every connection open, then the client closes all of its ends and
 * the server all of its own.
 *
 * Memory: /proc/meminfo's Slab + KernelStack + PageTables + Percpu, read
 * once the server listens and again once all COUNT connections are open
 * on both sides, each reading after "echo 3 > /proc/sys/vm/drop_caches"
 * and a short sleep; the delta divided by COUNT is the kernel memory of
 * one connection, both ends. Both processes grow their fd tables to COUNT
 * before the first reading, so the tables (the same for every peer, and
 * kvmalloc'd outside the slab once large) are not counted. A third
 * reading after everything is closed shows what was not given back.
 *
 * Rates: connect+accept is COUNT over the time from the first connect to
 * the server's word that it has accepted the last one; close is COUNT
 * over the client's time to close its ends plus the server's to close its
 * own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lpcbench.h"

#define DROP_CACHES	"/proc/sys/vm/drop_caches"
#define LPC_PARAMS	"/sys/module/lpc/parameters/"
#define SETTLE_NS	100000000L	/* sleep after drop_caches */

/* ---- lpc per-user limits, raised for the run and restored at exit ---- */

static struct {
	const char *name;
	long saved;	/* -1: untouched */
} g_lpc_params[] = {
	{ "max_conns_per_user", -1 },
	{ "max_ports_per_user", -1 },
};

static long param_read(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), LPC_PARAMS "%s", name);
	return read_long(path);
}

static int param_write(const char *name, long v)
{
	char path[128];

	snprintf(path, sizeof(path), LPC_PARAMS "%s", name);
	return write_long(path, v);
}

/* Raise parameter @i to at least @need if it is lower (and we may). */
static void param_raise(unsigned i, long need)
{
	long cur = param_read(g_lpc_params[i].name);

	if (cur < 0 || cur >= need)
		return;
	if (param_write(g_lpc_params[i].name, need) < 0) {
		note("lpc: %s is %ld, below %ld, and cannot be raised: %s",
		     g_lpc_params[i].name, cur, need, strerror(errno));
		return;
	}
	if (g_lpc_params[i].saved < 0)
		g_lpc_params[i].saved = cur;
	note("lpc: raised %s from %ld to %ld for this run",
	     g_lpc_params[i].name, cur, need);
}

void restore_lpc_limits(void)
{
	unsigned i;

	for (i = 0; i < sizeof(g_lpc_params) / sizeof(g_lpc_params[0]); i++) {
		if (g_lpc_params[i].saved < 0)
			continue;
		if (param_write(g_lpc_params[i].name,
				g_lpc_params[i].saved) < 0)
			fprintf(stderr, "lpcbench: could not restore %s to "
				"%ld\n", g_lpc_params[i].name,
				g_lpc_params[i].saved);
		g_lpc_params[i].saved = -1;
	}
}

/* ---- readings ---- */

enum { M_SLAB, M_KSTACK, M_PTABLES, M_PERCPU, M_NR };
static const char *const mem_field[M_NR] = {
	"Slab", "KernelStack", "PageTables", "Percpu",
};

struct mem {
	long kb[M_NR];		/* -1: not in /proc/meminfo */
};

static int mem_read(struct mem *m, char *err)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned i;

	for (i = 0; i < M_NR; i++)
		m->kb[i] = -1;
	if (!f)
		return fail_errno(err, "open /proc/meminfo");
	while (fgets(line, sizeof(line), f)) {
		for (i = 0; i < M_NR; i++) {
			size_t n = strlen(mem_field[i]);

			if (!strncmp(line, mem_field[i], n) && line[n] == ':')
				m->kb[i] = strtol(line + n + 1, NULL, 10);
		}
	}
	fclose(f);
	return 0;
}

/* Bytes in use per slab cache, from /proc/slabinfo (root only). */
struct slab_ent {
	char name[40];
	long long bytes;	/* active_objs * objsize */
};

struct slabs {
	struct slab_ent *e;
	unsigned n;
};

static void slabs_read(struct slabs *s)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512];

	s->e = NULL;
	s->n = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		struct slab_ent e, *ne;
		long long active, num, size;

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%39s %lld %lld %lld", e.name, &active, &num,
			   &size) != 4)
			continue;
		e.bytes = active * size;
		ne = realloc(s->e, (s->n + 1) * sizeof(*ne));
		if (!ne)
			break;
		s->e = ne;
		s->e[s->n++] = e;
	}
	fclose(f);
}

static bool g_drop_warned;

/* Let the allocators settle before a reading: drop the page cache and
 * the reclaimable slab (dentries, inodes), then give RCU time to free. */
static void settle(void)
{
	struct timespec ts = { 0, SETTLE_NS };
	int fd = open(DROP_CACHES, O_WRONLY | O_CLOEXEC);

	sync();
	if (fd < 0 || write(fd, "3\n", 2) != 2) {
		if (!g_drop_warned)
			note("scale: cannot write %s (%s); readings without it",
			     DROP_CACHES, strerror(errno));
		g_drop_warned = true;
	}
	if (fd >= 0)
		close(fd);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !g_timeout)
		;
}

/* Make sure fd numbers up to @n exist in this process's table. */
static int grow_fd_table(unsigned n, char *err)
{
	int hi = (int)n + 16;

	if (dup2(2, hi) < 0)
		return fail_errno(err, "dup2(2, %d) to grow the fd table", hi);
	close(hi);
	return 0;
}

static int raise_nofile(unsigned count, char *err)
{
	rlim_t need = (rlim_t)count + 64;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return fail_errno(err, "getrlimit(RLIMIT_NOFILE)");
	if (rl.rlim_cur >= need)
		return 0;
	rl.rlim_cur = need;
	if (rl.rlim_max < need)
		rl.rlim_max = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return fail_errno(err, "setrlimit(RLIMIT_NOFILE, %llu)",
				  (unsigned long long)need);
	return 0;
}

/* ---- AF_UNIX SOCK_STREAM ---- */

static socklen_t stream_addr(const struct scale_ctx *c, struct sockaddr_un *a)
{
	size_t n = strlen(c->name);

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	/* Abstract name: nothing in the file system to clean up. */
	memcpy(a->sun_path + 1, c->name, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static int stream_listen(struct scale_ctx *c)
{
	struct sockaddr_un a;
	socklen_t len = stream_addr(c, &a);

	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->lfd < 0)
		return fail_errno(c->err, "socket(AF_UNIX, SOCK_STREAM)");
	if (bind(c->lfd, (struct sockaddr *)&a, len) < 0)
		return fail_errno(c->err, "bind(@%s)", c->name);
	/* The kernel caps the backlog at net.core.somaxconn. */
	if (listen(c->lfd, (int)c->count) < 0)
		return fail_errno(c->err, "listen");
	return 0;
}

static int stream_accept(struct scale_ctx *c)
{
	for (;;) {
		int fd = accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd >= 0)
			return fd;
		if (retry_eintr(errno))
			continue;
		return fail_errno(c->err, "accept4");
	}
}

static int stream_connect(struct scale_ctx *c)
{
	struct sockaddr_un a;
	socklen_t len = stream_addr(c, &a);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail_errno(c->err, "socket(AF_UNIX, SOCK_STREAM)");
	if (connect(fd, (struct sockaddr *)&a, len) < 0) {
		fail_errno(c->err, "connect(@%s)", c->name);
		close(fd);
		return -1;
	}
	return fd;
}

const struct scale_peer scale_stream = {
	.name = "stream",
	.how = "an AF_UNIX SOCK_STREAM socket listening on an abstract name "
	       "(backlog COUNT, capped by somaxconn); the client socket()s "
	       "and connect()s, the server accept4()s",
	.listen = stream_listen,
	.accept = stream_accept,
	.connect = stream_connect,
};

/* ---- the driver ---- */

struct scale_res {
	enum { S_RUN, S_NA, S_ERR } state;
	struct mem before, open, closed;
	double conn_rate, close_rate;	/* per second */
	struct slabs s0, s1;
	char why[ERRLEN];
};

struct server_arg {
	const struct scale_peer *p;
	struct scale_ctx *c;
};

/*
 * The server child: listen, report "R"; accept COUNT, report "A"; wait
 * for "C", close every accepted connection and then the listener, report
 * "D<ns>\n" with the time the accepted ones took to close.
 */
static int scale_server(void *arg, int sock, char *err)
{
	struct server_arg *a = arg;
	struct scale_ctx *c = a->c;
	unsigned i;
	uint64_t t0, t1;
	char ch, msg[40];
	int *fds, r;

	fds = malloc(c->count * sizeof(*fds));
	if (!fds)
		return fail_errno(err, "server: malloc");
	if (grow_fd_table(c->count, err) < 0 || a->p->listen(c) < 0)
		goto fail;
	if (child_ready(sock) < 0)
		return fail_errno(err, "server: ready");
	for (i = 0; i < c->count; i++) {
		fds[i] = a->p->accept(c);
		if (fds[i] < 0) {
			err_prefix(c->err, "connection %u: ", i + 1);
			goto fail;
		}
	}
	if (write_full(sock, "A", 1) < 0)
		return fail_errno(err, "server: report");
	r = read_full(sock, &ch, 1);
	if (r != 0 || ch != 'C')
		return fail_msg(err, "server: no close order from the client");
	t0 = now_ns();
	for (i = 0; i < c->count; i++)
		close(fds[i]);
	t1 = now_ns();
	close(c->lfd);
	free(fds);
	snprintf(msg, sizeof(msg), "D%llu\n", (unsigned long long)(t1 - t0));
	if (write_full(sock, msg, strlen(msg)) < 0)
		return fail_errno(err, "server: report");
	return 0;
fail:
	memcpy(err, c->err, ERRLEN);
	err_prefix(err, "server: ");
	return -1;
}

/* Read the server's "D<ns>\n". */
static int read_done(struct child *ch, uint64_t *ns, char *err)
{
	char buf[32];
	size_t n = 0;

	if (child_wait_byte(ch, 'D', err) < 0)
		return -1;
	while (n < sizeof(buf) - 1) {
		if (read_full(ch->sock, &buf[n], 1) != 0)
			return fail_msg(err, "server: truncated report");
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	*ns = strtoull(buf, NULL, 10);
	return 0;
}

static unsigned g_scale_seq;

static int scale_one(const struct scale_peer *p, struct scale_res *res,
		     char *err)
{
	struct scale_ctx c;
	struct server_arg sa;
	struct child ch = { -1, -1 };
	unsigned i, opened = 0;
	uint64_t t0, t1, t2, t3, srv_ns = 0;
	int *fds = NULL, cpu_srv = -1;

	memset(&c, 0, sizeof(c));
	c.count = g_opt.scale_count;
	c.lfd = -1;
	snprintf(c.name, sizeof(c.name), "lpcbench.scale.%d.%u", (int)getpid(),
		 ++g_scale_seq);
	if (g_opt.pin == PIN_SAME)
		cpu_srv = g_opt.cpu_a;
	else if (g_opt.pin == PIN_SPLIT)
		cpu_srv = g_opt.cpu_b;

	fds = malloc(c.count * sizeof(*fds));
	if (!fds)
		return fail_errno(err, "malloc");
	watchdog_arm(g_opt.timeout);
	if (grow_fd_table(c.count, c.err) < 0)
		goto fail;
	sa.p = p;
	sa.c = &c;
	if (child_spawn(&ch, scale_server, &sa, cpu_srv, NULL, 0, c.err) < 0 ||
	    child_wait_ready(&ch, c.err) < 0)
		goto fail;

	settle();
	if (mem_read(&res->before, c.err) < 0)
		goto fail;
	slabs_read(&res->s0);

	t0 = now_ns();
	for (i = 0; i < c.count; i++) {
		fds[i] = p->connect(&c);
		if (fds[i] < 0) {
			err_prefix(c.err, "connection %u: ", i + 1);
			goto fail;
		}
		opened++;
	}
	if (child_wait_byte(&ch, 'A', c.err) < 0)
		goto fail;
	t1 = now_ns();

	settle();
	if (mem_read(&res->open, c.err) < 0)
		goto fail;
	slabs_read(&res->s1);

	t2 = now_ns();
	for (i = 0; i < c.count; i++)
		close(fds[i]);
	t3 = now_ns();
	opened = 0;
	if (write_full(ch.sock, "C", 1) < 0) {
		fail_errno(c.err, "close order");
		goto fail;
	}
	if (read_done(&ch, &srv_ns, c.err) < 0)
		goto fail;
	/* The server process still lives (its stack, its page tables),
	 * as it did for the first reading. */
	settle();
	mem_read(&res->closed, c.err);
	if (child_finish(&ch, c.err) < 0)
		goto fail;
	watchdog_disarm();

	res->conn_rate = (double)c.count * 1e9 / (double)(t1 - t0 ? t1 - t0 : 1);
	res->close_rate = (double)c.count * 1e9 /
			  (double)(t3 - t2 + srv_ns ? t3 - t2 + srv_ns : 1);
	free(fds);
	return 0;

fail:
	if (g_timeout)
		err_prefix(c.err, "watchdog (%us): ", g_opt.timeout);
	watchdog_disarm();
	for (i = 0; i < opened; i++)
		close(fds[i]);
	if (ch.pid > 0 || ch.sock >= 0)
		child_kill(&ch, c.err);
	free(fds);
	snprintf(err, ERRLEN, "%s", c.err[0] ? c.err : "failed");
	return -1;
}

static long mem_delta(const struct mem *a, const struct mem *b, unsigned i)
{
	return a->kb[i] < 0 || b->kb[i] < 0 ? 0 : b->kb[i] - a->kb[i];
}

static long mem_total(const struct mem *a, const struct mem *b)
{
	long t = 0;
	unsigned i;

	for (i = 0; i < M_NR; i++)
		t += mem_delta(a, b, i);
	return t;
}

static double per_conn(const struct scale_res *r)
{
	return (double)mem_total(&r->before, &r->open) * 1024.0 /
	       (double)g_opt.scale_count;
}

static int cmp_slab(const void *a, const void *b)
{
	long long x = ((const struct slab_ent *)a)->bytes;
	long long y = ((const struct slab_ent *)b)->bytes;

	return x > y ? -1 : x < y;
}

/* "# lpc: slab growth per connection: filp 512 B, ..." (top 6) */
static void slab_note(const char *peer, const struct scale_res *r)
{
	struct slab_ent *d;
	unsigned i, j, n = 0;

	if (!r->s0.n || !r->s1.n)
		return;
	d = calloc(r->s1.n, sizeof(*d));
	if (!d)
		return;
	for (i = 0; i < r->s1.n; i++) {
		long long b0 = 0;

		for (j = 0; j < r->s0.n; j++)
			if (!strcmp(r->s0.e[j].name, r->s1.e[i].name)) {
				b0 = r->s0.e[j].bytes;
				break;
			}
		if (r->s1.e[i].bytes - b0 > 0) {
			d[n] = r->s1.e[i];
			d[n++].bytes -= b0;
		}
	}
	qsort(d, n, sizeof(*d), cmp_slab);
	printf("# %s: slab caches that grew most (/proc/slabinfo, objects in "
	       "use, bytes per connection):", peer);
	for (i = 0; i < n && i < 6; i++)
		printf("%s %s %.0f", i ? "," : "", d[i].name,
		       (double)d[i].bytes / g_opt.scale_count);
	printf("\n");
	free(d);
}

int run_scale(const struct scale_peer *const *peers, unsigned np)
{
	struct scale_res *res;
	char why[ERRLEN];
	unsigned pi, i;
	int status = 0, lpc = -1, stream = -1;

	res = calloc(np, sizeof(*res));
	if (!res) {
		perror("lpcbench: calloc");
		return -1;
	}
	printf("\n== connection scale: %u connections to one server process, "
	       "all open at once ==\n", g_opt.scale_count);
	printf("# kernel memory: /proc/meminfo Slab + KernelStack + PageTables "
	       "+ Percpu, after drop_caches, all open minus before the first "
	       "connect, per connection (both ends); fd tables grown "
	       "beforehand, not counted\n");
	for (pi = 0; pi < np; pi++)
		printf("# %-10s %s\n", peers[pi]->name, peers[pi]->how);
	why[0] = '\0';
	if (raise_nofile(g_opt.scale_count, why) < 0) {
		for (pi = 0; pi < np; pi++) {
			res[pi].state = S_NA;
			snprintf(res[pi].why, ERRLEN, "%s", why);
		}
	}
	fflush(stdout);

	for (pi = 0; pi < np; pi++) {
		struct scale_res *r = &res[pi];

		if (!strcmp(peers[pi]->name, "lpc"))
			lpc = (int)pi;
		if (!strcmp(peers[pi]->name, "stream"))
			stream = (int)pi;
		if (r->state != S_RUN)
			continue;
		if (peers[pi]->probe && peers[pi]->probe(r->why) < 0) {
			r->state = S_NA;
			continue;
		}
		if ((int)pi == lpc) {
			param_raise(0, (long)g_opt.scale_count + 64);
			param_raise(1, 16);
		}
		fprintf(stderr, "lpcbench: scale %s, %u connections\n",
			peers[pi]->name, g_opt.scale_count);
		if (scale_one(peers[pi], r, r->why) < 0) {
			r->state = S_ERR;
			fprintf(stderr, "lpcbench: scale %s: %s\n",
				peers[pi]->name, r->why);
			if ((int)pi != lpc)
				status = 1;
		}
	}

	printf("\nConnections: kernel memory (KiB deltas, all open minus before) "
	       "and rates\n");
	printf("%-7s %7s %10s %9s %11s %10s %8s %15s %10s %12s\n", "peer",
	       "conns", "B/conn", "Slab", "KernelStack", "PageTables",
	       "Percpu", "connect+accept/s", "close/s", "left_closed");
	for (pi = 0; pi < np; pi++) {
		struct scale_res *r = &res[pi];

		printf("%-7s %7u", peers[pi]->name, g_opt.scale_count);
		if (r->state != S_RUN) {
			printf(" %10s\n", r->state == S_ERR ? "ERR" : "n/a");
			continue;
		}
		printf(" %10.0f", per_conn(r));
		printf(" %9ld %11ld %10ld %8ld",
		       mem_delta(&r->before, &r->open, M_SLAB),
		       mem_delta(&r->before, &r->open, M_KSTACK),
		       mem_delta(&r->before, &r->open, M_PTABLES),
		       mem_delta(&r->before, &r->open, M_PERCPU));
		printf(" %15.0f %10.0f %12ld\n", r->conn_rate, r->close_rate,
		       mem_total(&r->before, &r->closed));
	}
	if (lpc >= 0 && stream >= 0 && res[lpc].state == S_RUN &&
	    res[stream].state == S_RUN) {
		double ms = per_conn(&res[stream]);

		printf("\nRatio lpc/stream: memory per connection %.2f, "
		       "connect+accept rate %.2f, close rate %.2f\n",
		       ms > 0 ? per_conn(&res[lpc]) / ms : 0.0,
		       res[lpc].conn_rate / res[stream].conn_rate,
		       res[lpc].close_rate / res[stream].close_rate);
	}
	printf("\n# B/conn: (Slab + KernelStack + PageTables + Percpu delta) x "
	       "1024 / conns; left_closed: KiB still held after both sides "
	       "closed everything and the listener (vs before the first "
	       "connect)\n");
	if (lpc >= 0 && res[lpc].state == S_RUN)
		printf("# target: <= 2048 B of kernel memory per lpc connection: "
		       "%.0f B, %s\n", per_conn(&res[lpc]),
		       per_conn(&res[lpc]) <= 2048 ? "met" : "NOT met");
	for (pi = 0; pi < np; pi++) {
		if (res[pi].state == S_RUN)
			slab_note(peers[pi]->name, &res[pi]);
		else if (res[pi].why[0])
			printf("# %s: %s: %s\n", peers[pi]->name,
			       res[pi].state == S_NA ? "n/a" : "error",
			       res[pi].why);
	}

	printf("--- CSV BEGIN scale%s%s ---\n", g_opt.tag ? "-" : "",
	       g_opt.tag ? g_opt.tag : "");
	printf("peer,conns,kmem_bytes_per_conn,slab_kb,kernelstack_kb,"
	       "pagetables_kb,percpu_kb,connects_per_sec,closes_per_sec,"
	       "left_after_close_kb\n");
	for (pi = 0; pi < np; pi++) {
		struct scale_res *r = &res[pi];

		printf("%s,%u,", peers[pi]->name, g_opt.scale_count);
		if (r->state != S_RUN) {
			printf("n/a,n/a,n/a,n/a,n/a,n/a,n/a,n/a\n");
			continue;
		}
		printf("%.0f", per_conn(r));
		for (i = 0; i < M_NR; i++)
			printf(",%ld", mem_delta(&r->before, &r->open, i));
		printf(",%.0f,%.0f,%ld\n", r->conn_rate, r->close_rate,
		       mem_total(&r->before, &r->closed));
	}
	printf("--- CSV END ---\n");
	fflush(stdout);
	for (pi = 0; pi < np; pi++) {
		free(res[pi].s0.e);
		free(res[pi].s1.e);
	}
	free(res);
	return status;
}
