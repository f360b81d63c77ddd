// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: an lpc-aware concurrency fuzzer for /dev/lpc.
 *
 * The supervisor (this process) forks -p workers and restarts them when
 * they exit or are killed; each worker runs -t threads on its own pool of
 * objects. Every random choice comes from the seed: worker i, generation
 * g, thread j seeds its generator with mix(seed, i, g, j). What the
 * threads then do is timing-dependent, so a seed reproduces a run's mix
 * of operations, not its exact interleaving.
 *
 * Exit status: 0 when nothing inconsistent was seen, 1 when something
 * was (printed as "lpcfuzz: INCONSISTENT: ..."), 2 on a usage or set-up
 * error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lpcfuzz.h"

struct shared *g_sh;
struct opts g_opt = {
	.procs = 4, .threads = 6, .seconds = 60, .mutate = 20, .kill = 1,
	.fork = 1, .race = 1, .faults = 1,
};
struct proc *g_p;
int *g_bus;
static int *bus_rx;

void chaos_init(void);

static const char *const op_names[NR_OPS] = {
	[OP_VERSION] = "VERSION",
	[OP_CREATE_PORT] = "CREATE_PORT",
	[OP_CONNECT] = "CONNECT",
	[OP_PORT_LIST] = "PORT_LIST",
	[OP_PORT_INFO] = "PORT_INFO",
	[OP_CONN_LIST] = "CONN_LIST",
	[OP_ACL_GET] = "ACL_GET",
	[OP_ACL_SET] = "ACL_SET",
	[OP_ACCEPT] = "ACCEPT",
	[OP_XFER_SYNC] = "XFER request+wait",
	[OP_XFER_ASYNC] = "XFER async request",
	[OP_XFER_DGRAM] = "XFER datagram",
	[OP_XFER_REPLY] = "XFER reply",
	[OP_XFER_REPLY_RECV] = "XFER reply+receive",
	[OP_XFER_RECV] = "XFER receive",
	[OP_XFER_ODD] = "XFER invalid",
	[OP_CANCEL] = "CANCEL",
	[OP_DISCONNECT] = "DISCONNECT",
	[OP_SENDER_CHECK] = "SENDER_CHECK",
	[OP_SECTION_CREATE] = "SECTION_CREATE",
	[OP_VIEW_RELEASE] = "VIEW_RELEASE",
	[OP_DIRECT_READ] = "DIRECT_READ",
	[OP_DIRECT_WRITE] = "DIRECT_WRITE",
	[OP_SEND_BATCH] = "SEND_BATCH",
	[OP_RECV_BATCH] = "RECV_BATCH",
	[OP_BOGUS] = "unknown ioctls",
};

static const char *const ev_names[NR_EVS] = {
	[EV_CONNECTED] = "connections established",
	[EV_ACCEPTED] = "connections accepted",
	[EV_REJECTED] = "connections rejected",
	[EV_REPLIED] = "requests replied",
	[EV_SYNC_REPLIES] = "synchronous replies received",
	[EV_ASYNC_REPLIES] = "asynchronous replies received",
	[EV_LOST_REPLIES] = "lost-reply notices",
	[EV_REQUESTS_RX] = "requests received",
	[EV_DGRAMS_RX] = "datagrams received",
	[EV_NOTICES_RX] = "close notices received",
	[EV_VIEWS_MAPPED] = "views mapped",
	[EV_VIEW_FDS] = "views received as fds",
	[EV_FDS_RX] = "fds received in messages",
	[EV_DIRECT_BYTES] = "direct bytes copied",
	[EV_PAYLOADS_OK] = "payloads verified",
	[EV_PAGES_OK] = "view pages verified",
	[EV_FORKS] = "forks",
	[EV_KILLS] = "workers killed by a sibling",
	[EV_RESTARTS] = "workers restarted",
	[EV_EXITS] = "workers exited mid-flight",
	[EV_SCM_SENT] = "fds passed over SCM_RIGHTS",
	[EV_SCM_RX] = "fds received over SCM_RIGHTS",
	[EV_FAULTS] = "faults injected (fail-nth)",
	[EV_SIGBUS] = "view touches that faulted",
	[EV_RACE_REBUILDS] = "race connections made",
	[EV_INCONSISTENT] = "inconsistencies",
};

const char *op_name(enum op op)
{
	return op_names[op];
}

void stat_op(enum op op, int err)
{
	if (err < 0 || err >= NR_ERRNO)
		err = NR_ERRNO - 1;
	__atomic_fetch_add(&g_sh->res[op][err], 1, __ATOMIC_RELAXED);
}

void stat_clean(enum op op, int err)
{
	__atomic_fetch_add(&g_sh->clean[op][0], 1, __ATOMIC_RELAXED);
	if (!err)
		__atomic_fetch_add(&g_sh->clean[op][1], 1, __ATOMIC_RELAXED);
}

void name_live(int name)
{
	if (name >= 0 && name < NR_NAMES)
		__atomic_store_n(&g_sh->name_seen[name], now_ns(),
				 __ATOMIC_RELAXED);
}

/* A name to connect to: of three, the one created or reached last. */
int name_pick(struct th *t)
{
	int best = (int)rn(&t->r, NR_NAMES), i, c;

	if (one_in(&t->r, 5))
		return best;
	for (i = 0; i < 2; i++) {
		c = (int)rn(&t->r, NR_NAMES);
		if (g_sh->name_seen[c] > g_sh->name_seen[best])
			best = c;
	}
	return best;
}

void inconsistent(const char *fmt, ...)
{
	u32 n = __atomic_fetch_add(&g_sh->nincons, 1, __ATOMIC_RELAXED);
	char buf[256];
	va_list ap;
	int len;

	ev_add(EV_INCONSISTENT, 1);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < MAX_INCONS)
		memcpy(g_sh->incons[n], buf, sizeof(buf));
	/* at once too: the kernel may not let us print the table */
	len = snprintf(NULL, 0, "lpcfuzz: INCONSISTENT (worker %d): %s\n",
		       g_p ? g_p->idx : -1, buf);
	if (n < 50 && len > 0) {
		char out[400];

		snprintf(out, sizeof(out),
			 "lpcfuzz: INCONSISTENT (worker %d): %s\n",
			 g_p ? g_p->idx : -1, buf);
		if (write(2, out, strlen(out)) < 0) {
			/* ignored */
		}
	}
}

/* ---- a worker ---- */

static void on_usr1(int sig)
{
	(void)sig;	/* only to interrupt a wait */
}

struct targ {
	struct proc *p;
	int idx;
	u32 roles;
};

static void *thread_main(void *arg)
{
	struct targ *ta = arg;
	struct proc *p = ta->p;
	struct th *t = calloc(1, sizeof(*t));

	if (!t || th_init(t, p, ta->idx))
		return NULL;
	rng_seed(&t->r, mix64(g_opt.seed ^ mix64((u64)p->idx << 40 ^
			      (u64)p->gen << 20 ^ (u64)ta->idx)));
	t->tid = gettid_();
	__atomic_store_n(&p->tids[ta->idx], t->tid, __ATOMIC_RELEASE);
	touch_init(t);
	if (g_opt.faults)
		t->fail_fd = open("/proc/thread-self/fail-nth",
				  O_RDWR | O_CLOEXEC);
	while (!g_sh->stop) {
		if (ta->roles)
			race_step(t, ta->roles);
		else if (ta->idx == 0)
			server_step(t);
		else
			chaos_step(t);
	}
	return NULL;
}

/* Signals at random threads: every wait gets interrupted now and then. */
static void *ticker(void *arg)
{
	struct proc *p = arg;
	struct rng r;
	pid_t tid;

	rng_seed(&r, mix64(g_opt.seed ^ 0x71c3 ^ (u64)p->idx << 32 ^
			   (u64)p->gen));
	while (!g_sh->stop) {
		usleep(5000 + rn(&r, 50000));
		tid = __atomic_load_n(&p->tids[rn(&r, (u32)p->nthreads)],
				      __ATOMIC_ACQUIRE);
		if (tid > 0)
			syscall(SYS_tgkill, p->pid, tid, SIGUSR1);
	}
	return NULL;
}

static char *map_none(u64 len)
{
	char *m = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);

	return m == MAP_FAILED ? NULL : m;
}

static void worker_main(int idx, int gen)
{
	static struct targ targs[MAX_THREADS];
	struct proc *p = calloc(1, sizeof(*p));
	struct sigaction sa;
	pthread_attr_t at;
	pthread_t tid;
	u64 end;
	int i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(0);
	if (!p)
		_exit(3);
	g_p = p;
	p->idx = idx;
	p->gen = gen;
	p->pid = getpid();
	rng_seed(&p->r, mix64(g_opt.seed ^ ((u64)idx << 32 | (u64)gen)));
	pool_init(p);
	p->none = map_none(4 * PAGE);
	p->ropage = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!p->none || p->ropage == MAP_FAILED)
		_exit(3);
	memset(p->ropage, 0, PAGE);
	((u32 *)p->ropage)[0] = LPC_XFER_RECV;
	mprotect(p->ropage, PAGE, PROT_READ);
	p->bus_in = bus_rx[idx];
	p->nthreads = g_opt.threads;
	chaos_init();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART */
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGCHLD, SIG_IGN);	/* forked children reap themselves */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, SIG_DFL);

	pool_add(p, open("/dev/lpc", O_RDWR | O_CLOEXEC), K_DEV, -1);
	if (g_opt.race && idx % 2 == 1)
		p->race = race_new(p);

	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 256 * 1024);
	for (i = 0; i < g_opt.threads; i++) {
		targs[i].p = p;
		targs[i].idx = i;
		targs[i].roles = 0;
		if (p->race) {
			int r;

			if (g_opt.threads >= NR_ROLES) {
				if (i < NR_ROLES)
					targs[i].roles = 1U << i;
			} else {
				for (r = i; r < NR_ROLES; r += g_opt.threads)
					targs[i].roles |= 1U << r;
			}
		}
		if (pthread_create(&tid, &at, thread_main, &targs[i]))
			_exit(3);
	}
	if (pthread_create(&tid, &at, ticker, p))
		_exit(3);
	for (i = 0; i < 3; i++) {
		struct th t0 = { .p = p };

		rng_seed(&t0.r, mix64(g_opt.seed + (u64)idx * 77 + (u64)i));
		pool_unrelated(&t0);
	}

	/* a life of a few seconds to the whole run; then exit mid-flight */
	end = now_ns() + 1000000000ULL * (g_opt.kill ?
		5 + rn(&p->r, 2 * (u32)g_opt.seconds + 1) : 1000000);
	while (!g_sh->stop && now_ns() < end)
		usleep(20000);
	if (!g_sh->stop)
		ev_add(EV_EXITS, 1);
	_exit(0);
}

/* ---- the supervisor ---- */

static pid_t start_worker(int idx, int gen)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0)
		worker_main(idx, gen);
	if (pid > 0)
		__atomic_store_n(&g_sh->worker[idx], pid, __ATOMIC_RELEASE);
	return pid;
}

static void setup_faults(void)
{
	static const char *const knobs[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
		{ "/sys/kernel/debug/fail_usercopy/verbose", "0" },
	};
	size_t i;
	int fd;

	if (access("/proc/self/fail-nth", F_OK)) {
		g_opt.faults = 0;
		return;
	}
	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		fd = open(knobs[i][0], O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (write(fd, knobs[i][1], strlen(knobs[i][1])) < 0) {
			/* ignored */
		}
		close(fd);
	}
}

static const char *errname(int e)
{
	static char buf[16];
	const char *s;

	if (e == 0)
		return "ok";
	if (e == NR_ERRNO - 1)
		return "other";
	s = strerrorname_np(e);
	if (s)
		return s;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

static void print_table(u64 secs)
{
	u64 total_calls = 0, total_ok = 0;
	int op, e;

	printf("\nlpcfuzz: %-20s %9s %6s %7s  %s\n", "ioctl", "calls", "ok%",
	       "clean%", "results (errno:count, most frequent first)");
	for (op = 0; op < NR_OPS; op++) {
		u64 calls = 0, ok = g_sh->res[op][0];
		u64 shown[NR_ERRNO];
		char line[512];
		int n = 0, k;

		for (e = 0; e < NR_ERRNO; e++) {
			calls += g_sh->res[op][e];
			shown[e] = g_sh->res[op][e];
		}
		total_calls += calls;
		total_ok += ok;
		line[0] = 0;
		for (k = 0; k < 6; k++) {
			int best = -1;

			for (e = 0; e < NR_ERRNO; e++)
				if (shown[e] && (best < 0 || shown[e] > shown[best]))
					best = e;
			if (best < 0)
				break;
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      "%s%s:%llu", k ? " " : "", errname(best),
				      (unsigned long long)shown[best]);
			shown[best] = 0;
		}
		for (e = 0; e < NR_ERRNO; e++)
			if (shown[e])
				break;
		if (e < NR_ERRNO)
			snprintf(line + n, sizeof(line) - (size_t)n, " ...");
		printf("lpcfuzz: %-20s %9llu %5.1f%% %6.1f%%  %s\n", op_names[op],
		       (unsigned long long)calls,
		       calls ? 100.0 * (double)ok / (double)calls : 0.0,
		       g_sh->clean[op][0] ? 100.0 * (double)g_sh->clean[op][1] /
		       (double)g_sh->clean[op][0] : 0.0, line);
	}
	printf("lpcfuzz: %-20s %9llu %5.1f%%          (%.0f calls/s)\n", "all",
	       (unsigned long long)total_calls,
	       total_calls ? 100.0 * (double)total_ok / (double)total_calls : 0,
	       secs ? (double)total_calls / (double)secs : 0.0);
	printf("lpcfuzz: (ok%%: of all calls; clean%%: of the calls nothing was mutated in)\n");
	printf("lpcfuzz:\n");
	for (e = 0; e < NR_EVS; e++)
		printf("lpcfuzz: %-32s %llu\n", ev_names[e],
		       (unsigned long long)g_sh->ev[e]);
}

/*
 * One line every 10 s (the whole table every 5 s with -v): a kernel panic
 * leaves no table at the end, but these.
 */
static void progress(u64 start)
{
	u64 calls = 0, ok = 0;
	int op, e;

	for (op = 0; op < NR_OPS; op++) {
		for (e = 0; e < NR_ERRNO; e++)
			calls += g_sh->res[op][e];
		ok += g_sh->res[op][0];
	}
	printf("lpcfuzz: %3llu s: %llu calls, %.1f%% ok; %llu connections, %llu replies, %llu datagrams, %llu views, %llu direct bytes, %llu inconsistencies\n",
	       (unsigned long long)((now_ns() - start) / 1000000000ULL),
	       (unsigned long long)calls,
	       calls ? 100.0 * (double)ok / (double)calls : 0.0,
	       (unsigned long long)g_sh->ev[EV_CONNECTED],
	       (unsigned long long)g_sh->ev[EV_REPLIED],
	       (unsigned long long)g_sh->ev[EV_DGRAMS_RX],
	       (unsigned long long)g_sh->ev[EV_VIEWS_MAPPED],
	       (unsigned long long)g_sh->ev[EV_DIRECT_BYTES],
	       (unsigned long long)g_sh->ev[EV_INCONSISTENT]);
	if (g_opt.verbose)
		print_table((now_ns() - start) / 1000000000ULL);
}

static void usage(const char *me)
{
	fprintf(stderr,
		"usage: %s [-s SEED] [-d SECONDS] [-p PROCS] [-t THREADS] [-m PCT]\n"
		"          [-K] [-F] [-R] [-N] [-v]\n"
		"  -s SEED     seed (default: random, printed)\n"
		"  -d SECONDS  run time (default 60)\n"
		"  -p PROCS    worker processes (default 4; odd ones race)\n"
		"  -t THREADS  threads per worker (default 6)\n"
		"  -m PCT      calls that get mutated (default 20)\n"
		"  -K          no killing or exiting of workers\n"
		"  -F          no fault injection (fail-nth) even if available\n"
		"  -R          no race workers, chaos only\n"
		"  -N          no fork()ed children\n"
		"  -v          the whole table every 5 s, not a line every 10 s\n", me);
	exit(2);
}

static void parse(int argc, char **argv)
{
	bool seeded = false;
	int c;

	while ((c = getopt(argc, argv, "s:d:p:t:m:KFRNvh")) != -1) {
		switch (c) {
		case 's':
			g_opt.seed = strtoull(optarg, NULL, 0);
			seeded = true;
			break;
		case 'd': g_opt.seconds = atoi(optarg); break;
		case 'p': g_opt.procs = atoi(optarg); break;
		case 't': g_opt.threads = atoi(optarg); break;
		case 'm': g_opt.mutate = atoi(optarg); break;
		case 'K': g_opt.kill = 0; break;
		case 'F': g_opt.faults = 0; break;
		case 'R': g_opt.race = 0; break;
		case 'N': g_opt.fork = 0; break;
		case 'v': g_opt.verbose = 1; break;
		default: usage(argv[0]);
		}
	}
	if (optind != argc || g_opt.procs < 1 || g_opt.procs > MAX_PROCS ||
	    g_opt.threads < 1 || g_opt.threads > MAX_THREADS ||
	    g_opt.seconds < 1 || g_opt.mutate < 0 || g_opt.mutate > 100)
		usage(argv[0]);
	if (!seeded && getrandom(&g_opt.seed, sizeof(g_opt.seed), 0) !=
	    sizeof(g_opt.seed))
		g_opt.seed = (u64)time(NULL) ^ (u64)getpid() << 32;
	if (!seeded)
		g_opt.seed &= 0xffffffffULL;	/* short enough to type */
}

static int find_worker(pid_t pid)
{
	int i;

	for (i = 0; i < g_opt.procs; i++)
		if (g_sh->worker[i] == pid)
			return i;
	return -1;
}

/* A worker ended: anything but a clean exit or SIGKILL is a finding. */
static void worker_ended(int i, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return;
	if (WIFSIGNALED(status))
		inconsistent("worker %d died of signal %d (%s)", i,
			     WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		inconsistent("worker %d exited with status %d", i,
			     WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	int gen[MAX_PROCS] = { 0 }, i, status, sv[2];
	struct rlimit rl;
	u64 start, end, next_kill, next_progress;
	struct rng r;
	pid_t pid;

	parse(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("lpcfuzz: seed %llu\n", (unsigned long long)g_opt.seed);
	if (access("/dev/lpc", R_OK | W_OK)) {
		fprintf(stderr, "lpcfuzz: /dev/lpc: %s\n", strerror(errno));
		return 2;
	}
	g_sh = mmap(NULL, sizeof(*g_sh), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (g_sh == MAP_FAILED) {
		perror("lpcfuzz: mmap");
		return 2;
	}
	g_sh->seed = g_opt.seed;
	if (g_opt.faults)
		setup_faults();
	printf("lpcfuzz: %d processes x %d threads, %d s, %d%% mutated, kill %s, fork %s, race workers %s, fail-nth %s\n",
	       g_opt.procs, g_opt.threads, g_opt.seconds, g_opt.mutate,
	       g_opt.kill ? "on" : "off", g_opt.fork ? "on" : "off",
	       g_opt.race && g_opt.procs > 1 ? "on" : "off",
	       g_opt.faults ? "on" : "off");
	/* enough fds for every pool, the kernel's own limits apply */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	g_bus = calloc((size_t)g_opt.procs, sizeof(int));
	bus_rx = calloc((size_t)g_opt.procs, sizeof(int));
	if (!g_bus || !bus_rx)
		return 2;
	for (i = 0; i < g_opt.procs; i++) {
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)) {
			perror("lpcfuzz: socketpair");
			return 2;
		}
		g_bus[i] = sv[0];
		bus_rx[i] = sv[1];
	}
	/* orphaned grandchildren come back to us, to be reaped */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	rng_seed(&r, mix64(g_opt.seed ^ 0x5eed));

	start = now_ns();
	end = start + (u64)g_opt.seconds * 1000000000ULL;
	next_kill = start + 1000000000ULL * (1 + rn(&r, 3));
	next_progress = start + (g_opt.verbose ? 5 : 10) * 1000000000ULL;
	for (i = 0; i < g_opt.procs; i++)
		start_worker(i, gen[i]);

	while (now_ns() < end) {
		usleep(20000);
		if (now_ns() > next_progress) {
			progress(start);
			next_progress += (g_opt.verbose ? 5 : 10) *
					 1000000000ULL;
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			i = find_worker(pid);
			if (i < 0)
				continue;	/* a grandchild */
			worker_ended(i, status);
			if (now_ns() < end) {
				ev_add(EV_RESTARTS, 1);
				start_worker(i, ++gen[i]);
			}
		}
		if (g_opt.kill && g_opt.procs > 1 && now_ns() > next_kill) {
			pid = g_sh->worker[rn(&r, (u32)g_opt.procs)];
			if (pid > 0)
				kill(pid, SIGKILL);
			ev_add(EV_KILLS, 1);
			next_kill = now_ns() + 1000000000ULL * (2 + rn(&r, 7));
		}
	}

	/* stop: workers exit by themselves, or are killed */
	g_sh->stop = 1;
	end = now_ns() + 3000000000ULL;
	for (;;) {
		int alive = 0;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			i = find_worker(pid);
			if (i >= 0) {
				worker_ended(i, status);
				g_sh->worker[i] = 0;
			}
		}
		for (i = 0; i < g_opt.procs; i++)
			alive += g_sh->worker[i] > 0;
		if (!alive)
			break;
		if (now_ns() > end) {
			for (i = 0; i < g_opt.procs; i++)
				if (g_sh->worker[i] > 0)
					kill(g_sh->worker[i], SIGKILL);
		}
		usleep(10000);
	}
	/* grandchildren: they die with their worker or of their alarm */
	end = now_ns() + 10000000000ULL;
	while ((pid = waitpid(-1, &status, WNOHANG)) >= 0 && now_ns() < end)
		if (pid == 0)
			usleep(20000);
	for (i = 0; i < g_opt.procs; i++) {
		close(g_bus[i]);
		close(bus_rx[i]);
	}

	print_table((now_ns() - start) / 1000000000ULL);
	if (g_sh->nincons) {
		printf("lpcfuzz: %u inconsistencies; the first ones:\n",
		       g_sh->nincons);
		for (i = 0; i < MAX_INCONS && i < (int)g_sh->nincons; i++)
			printf("lpcfuzz:   %s\n", g_sh->incons[i]);
		printf("lpcfuzz: FAIL (seed %llu)\n",
		       (unsigned long long)g_opt.seed);
		return 1;
	}
	printf("lpcfuzz: PASS (seed %llu)\n", (unsigned long long)g_opt.seed);
	return 0;
}
