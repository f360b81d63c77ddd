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
	.fork = 1, .race = 1, .faults = 1, .slow = 1,
};
struct proc *g_p;
int *g_bus;
static int *bus_rx;

void chaos_init(void);

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
	p->uffd = -1;
	if (g_opt.slow)
		slow_init(p);
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

static void usage(const char *me)
{
	fprintf(stderr,
		"usage: %s [-s SEED] [-d SECONDS] [-p PROCS] [-t THREADS] [-m PCT]\n"
		"          [-K] [-F] [-R] [-N] [-U] [-v]\n"
		"  -s SEED     seed (default: random, printed)\n"
		"  -d SECONDS  run time (default 60)\n"
		"  -p PROCS    worker processes (default 4; odd ones race)\n"
		"  -t THREADS  threads per worker (default 6)\n"
		"  -m PCT      calls that get mutated (default 20)\n"
		"  -K          no killing or exiting of workers\n"
		"  -F          no fault injection (fail-nth) even if available\n"
		"  -R          no race workers, chaos only\n"
		"  -N          no fork()ed children\n"
		"  -U          no slow memory (userfaultfd) even if available\n"
		"  -v          the whole table every 5 s, not a line every 10 s\n", me);
	exit(2);
}

static void parse(int argc, char **argv)
{
	bool seeded = false;
	int c;

	while ((c = getopt(argc, argv, "s:d:p:t:m:KFRNUvh")) != -1) {
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
		case 'U': g_opt.slow = 0; break;
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

	/*
	 * Without rseq. On the way back from every system call the kernel
	 * writes each thread's rseq area; after a fork() that write may need
	 * a page (copy on write), and a fail-nth count still armed fails it:
	 * SIGSEGV, forced while fault_arm() blocks it, so the thread dies
	 * without a word (seen on the KASAN kernel, signal_generate traced
	 * to __rseq_handle_notify_resume()).
	 */
	if (!getenv("LPCFUZZ_NO_RSEQ")) {
		setenv("LPCFUZZ_NO_RSEQ", "1", 1);
		setenv("GLIBC_TUNABLES", "glibc.pthread.rseq=0", 1);
		execv("/proc/self/exe", argv);
		/* without /proc: go on with rseq */
	}
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
	printf("lpcfuzz: %d processes x %d threads, %d s, %d%% mutated, kill %s, fork %s, race workers %s, fail-nth %s, slow memory %s\n",
	       g_opt.procs, g_opt.threads, g_opt.seconds, g_opt.mutate,
	       g_opt.kill ? "on" : "off", g_opt.fork ? "on" : "off",
	       g_opt.race && g_opt.procs > 1 ? "on" : "off",
	       g_opt.faults ? "on" : "off", g_opt.slow ? "on" : "off");
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
	/* their children: none may outlive the run */
	reap_descendants();
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
