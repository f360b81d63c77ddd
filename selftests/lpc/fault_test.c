// SPDX-License-Identifier: GPL-2.0
/*
 * Systematic fault injection: every allocation and user copy an ioctl
 * makes is failed in turn, and the ioctl must fail cleanly.
 *
 * With CONFIG_FAULT_INJECTION, writing n to /proc/thread-self/fail-nth
 * makes the n-th fault point the thread reaches next fail (every enabled
 * fault type counts: failslab, fail_page_alloc, fail_usercopy); reading
 * it back gives 0 once the fault fired. For each ioctl of each scenario,
 * for n = 1, 2, 3...: arm n, make the call, read back, until the call
 * succeeds without a fault firing. At every failure point:
 *
 * - the call fails with one of the errors the uapi documents for it (or,
 *   where the uapi allows it, returns short: a batch, a direct copy), or
 *   succeeds anyway (the kernel had a fallback: "absorbed");
 * - the objects stay usable: the same call is made again at the next n,
 *   on the same port, message or request, and must get further;
 * - nothing is lost: a message whose receive failed is still queued, a
 *   request whose reply failed is still in service, and nothing was
 *   installed or mapped by a failed receive; what the peer got is
 *   checked after every attempt;
 * - nothing leaks: the last test checks the per-user charges are back to
 *   zero, and the harness unloads the module and scans kmemleak.
 *
 * The setup makes every GFP_KERNEL and order-0 allocation a fault point
 * (failslab and fail_page_alloc ignore allocations that may sleep, and
 * fail_page_alloc those below order 1, by default), silences the
 * injection notices, and restores everything afterwards. Only the test's
 * own thread is armed; peers (an acceptor, a server answering requests,
 * a requester whose memory is accessed) run on helper threads.
 *
 * Each test prints a table: ioctl, failure points exercised, the errors
 * they gave, how many were absorbed, how many gave a short result.
 *
 * Without /proc/thread-self/fail-nth (Debian's kernel) everything skips.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"
#include "lpc_charges.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define DBGFS		"/sys/kernel/debug/"

/* Above 256 bytes payloads go through copy_{from,to}_user(). */
#define BIG		1000
#define SMALL		64
#define BUF		4096
#define SECTION		(16 * 1024)
#define DIRECT_LEN	(80 * 1024)	/* two chunks of direct.c's 64 KiB */
#define MAX_NTH		3000
#define MAX_ROWS	16
#define LONG_NS		(120ULL * LPC_NSEC_PER_SEC)

#define CTX_FIX		0xf1f1000000000001ULL
#define CTX_PEER	0xbeef000000000000ULL
#define CTX_ACC		0xacc0000000000000ULL

/* A call's result besides 0 and -errno: a documented short success. */
#define FPARTIAL	1
/* Walks of each call (see fault_walk()). */
#define FPASSES		2

/* ---- the fault-injection knobs ---- */

struct knob {
	const char *path;	/* under DBGFS */
	const char *value;	/* what the test wants */
	char saved[32];
	bool have;
};

static struct knob knobs[] = {
	{ "failslab/ignore-gfp-wait", "N" },
	{ "failslab/verbose", "0" },
	{ "fail_page_alloc/ignore-gfp-wait", "N" },
	{ "fail_page_alloc/min-order", "0" },
	{ "fail_page_alloc/verbose", "0" },
	{ "fail_usercopy/verbose", "0" },
};

static int knob_read(const char *path, char *buf, size_t size)
{
	char full[128];
	ssize_t n;
	int fd;

	snprintf(full, sizeof(full), DBGFS "%s", path);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int knob_write(const char *path, const char *val)
{
	char full[128];
	ssize_t n;
	int fd;

	snprintf(full, sizeof(full), DBGFS "%s", path);
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/*
 * Saved when the binary starts and put back when it ends, so that a test
 * killed before its teardown leaves no setting behind.
 */
static void __attribute__((constructor)) knobs_save(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		knobs[i].have = !knob_read(knobs[i].path, knobs[i].saved,
					   sizeof(knobs[i].saved));
}

static void knobs_restore(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (knobs[i].have)
			knob_write(knobs[i].path, knobs[i].saved);
}

static void __attribute__((destructor)) knobs_restore_at_exit(void)
{
	knobs_restore();
}

/* ---- fail-nth ---- */

static int fnth_write(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

/*
 * Disarm, and tell whether the armed fault fired. The read's own copy to
 * user space is a fault point too: if it fails, the count was 1 before
 * it, so the call had not used it. The write of 0 likewise.
 */
static bool fnth_fired(int fd)
{
	char buf[16] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	bool fired = n > 0 && strtoul(buf, NULL, 10) == 0;

	fnth_write(fd, 0);
	return fired;
}

/* ---- small helpers ---- */

static void pattern(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 31 + seed * 7 + (i >> 8));
}

static int count_fds(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		n += d->d_name[0] != '.';
	closedir(dir);
	return n;
}

/* How many mappings of sections /proc/self/maps lists. */
static int section_maps(void)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "lpc-section") != NULL;
	fclose(f);
	return n;
}

static bool section_mapped_at(__u64 addr)
{
	unsigned long start, end;
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		if (addr >= start && addr < end) {
			found = strstr(line, "lpc-section") != NULL;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * What a receive that failed yet mapped a view or installed a section fd
 * left behind: unmap (through VIEW_RELEASE if the module tracks it) and
 * close it, so that the walk can go on. Returns how many there were.
 */
static int release_stray_views(int port, int keep_fd)
{
	unsigned long start, end;
	char line[512], path[64], link[256];
	struct dirent *d;
	int n = 0, fd;
	ssize_t len;
	FILE *f;
	DIR *dir;

	f = fopen("/proc/self/maps", "re");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strstr(line, "lpc-section") ||
		    sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		struct lpc_view_release r = { .addr = start };

		if (ioctl(port, LPC_IOC_VIEW_RELEASE, &r))
			munmap((void *)start, end - start);
		n++;
	}
	if (f)
		fclose(f);
	dir = opendir("/proc/self/fd");
	while (dir && (d = readdir(dir))) {
		fd = atoi(d->d_name);
		if (d->d_name[0] == '.' || fd == keep_fd || fd == dirfd(dir))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (strstr(link, "lpc-section")) {
			close(fd);
			n++;
		}
	}
	if (dir)
		closedir(dir);
	return n;
}

static int create_port(int dev, const char *name, __u32 flags,
		       const struct lpc_ace *acl, __u32 nacl)
{
	struct lpc_port_attr a;

	lpc_port_attr_init(&a, name);
	a.flags = flags;
	a.max_msg_len = LPC_MSG_MAX;
	a.max_conn_data_len = BUF;
	a.acl = lpc_ptr(acl);
	a.acl_count = nacl;
	return sys_lpc_create_port(dev, &a);
}

static void attr_init(struct lpc_msg_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->view.section_fd = -1;
}

static int send_attr(int port, __u32 type, __u64 *id, const void *buf,
		     __u32 len, struct lpc_msg_attr *attr)
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
	x.recv_cap = BUF;
	x.send_attr = lpc_ptr(attr);
	ret = sys_lpc_xfer(port, &x);
	if (id)
		*id = x.send_id;
	return ret;
}

/* Receive without waiting, with attributes; @want in attr->flags. */
static int recv_attr_nb(int port, struct lpc_msg_info *info, void *buf,
			__u32 cap, struct lpc_msg_attr *attr, __u32 want)
{
	struct lpc_xfer x;
	int ret;

	attr_init(attr);
	attr->flags = want;
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_NONBLOCK;
	x.recv_buf = lpc_ptr(buf);
	x.recv_cap = cap;
	x.recv_attr = lpc_ptr(attr);
	ret = sys_lpc_xfer(port, &x);
	if (info)
		*info = x.info;
	return ret;
}

static int direct(int port, bool write, __u64 id, __u32 range, void *buf,
		  __u64 len)
{
	struct lpc_direct d;

	memset(&d, 0, sizeof(d));
	d.id = id;
	d.range = range;
	d.buf = lpc_ptr(buf);
	d.len = len;
	return lpc_ioctl(port, write ? LPC_IOC_DIRECT_WRITE :
				       LPC_IOC_DIRECT_READ, &d);
}

static int query(int dev, unsigned long cmd, const char *name, void *buf,
		 __u32 count, __u32 entry_size, __u32 *written)
{
	struct lpc_query q;
	int ret;

	memset(&q, 0, sizeof(q));
	q.name = name ? lpc_ptr(name) : 0;
	q.name_len = name ? (__u32)strlen(name) : 0;
	q.buf = lpc_ptr(buf);
	q.count = count;
	q.entry_size = entry_size;
	ret = lpc_ioctl(dev, cmd, &q);
	if (written)
		*written = q.count;
	return ret;
}

static int acl_req(int dev, unsigned long cmd, const char *name,
		   struct lpc_ace *aces, __u32 *count)
{
	struct lpc_acl_req r;
	int ret;

	memset(&r, 0, sizeof(r));
	r.name = lpc_ptr(name);
	r.name_len = (__u32)strlen(name);
	r.aces = lpc_ptr(aces);
	r.count = *count;
	ret = lpc_ioctl(dev, cmd, &r);
	*count = r.count;
	return ret;
}

/* ---- the peer: a helper thread on the connection port ---- */

enum { PEER_ACCEPT = 1, PEER_REJECT, PEER_REPLY };

struct peer {
	pthread_t thread;
	int cport;
	int mode;
	int stop;
	bool running;
	int sfd;		/* the server port it accepted last */
	__u64 ctx;		/* and its context */
	int accepted, rejected, served, closed;
	__u64 closed_ctx;
	int bad;
	char why[160];
	unsigned char in[BUF], out[BUF];
};

static void *peer_main(void *arg)
{
	struct peer *p = arg;
	struct lpc_msg_info info;
	__u32 i;
	int r;

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
		r = lpc_recv(p->cport, &info, p->in, sizeof(p->in),
			     10 * LPC_NSEC_PER_MSEC);
		if (r == -ETIMEDOUT)
			continue;
		if (r) {
			p->bad++;
			snprintf(p->why, sizeof(p->why), "peer receive: %s",
				 strerror(-r));
			break;
		}
		switch (info.type) {
		case LPC_MSG_CONNECTION_REQUEST:
			if (p->mode == PEER_REJECT) {
				r = lpc_accept_id(p->cport, info.id, 0, p->out,
						  BIG, LPC_ACCEPT_REJECT);
				if (r)
					goto bad;
				p->rejected++;
				break;
			}
			p->ctx = CTX_PEER + (__u64)p->accepted;
			r = lpc_accept_id(p->cport, info.id, p->ctx, p->out,
					  BIG, 0);
			if (r < 0)
				goto bad;
			if (p->sfd >= 0)
				close(p->sfd);
			p->sfd = r;
			p->accepted++;
			break;
		case LPC_MSG_REQUEST:
			for (i = 0; i < info.data_len; i++)
				p->out[i] = (unsigned char)(p->in[i] + 1);
			r = lpc_reply(p->cport, info.id, p->out,
				      info.data_len);
			if (r)
				goto bad;
			p->served++;
			break;
		case LPC_MSG_PORT_CLOSED:
		case LPC_MSG_CLIENT_DIED:
			p->closed++;
			p->closed_ctx = info.context;
			break;
		default:
			r = -EPROTO;
			goto bad;
		}
		continue;
bad:
		p->bad++;
		snprintf(p->why, sizeof(p->why), "peer: message type %u: %s",
			 info.type, strerror(-r));
	}
	return NULL;
}

static int peer_start(struct peer *p, int cport, int mode)
{
	int sfd = p->sfd;

	memset(p, 0, sizeof(*p));
	p->sfd = sfd;
	p->cport = cport;
	p->mode = mode;
	pattern(p->out, sizeof(p->out), 77);
	if (pthread_create(&p->thread, NULL, peer_main, p))
		return -1;
	p->running = true;
	return 0;
}

static void peer_stop(struct peer *p)
{
	if (!p->running)
		return;
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	pthread_join(p->thread, NULL);
	p->running = false;
}

/* ---- the table ---- */

struct frow {
	const char *name;
	unsigned int points;	/* fault points reached and failed */
	unsigned int absorbed;	/* ... and the call succeeded anyway */
	unsigned int partial;	/* ... and the call returned short */
	int err[6];		/* the errors they gave */
	unsigned int nerr[6];
	char seq[96];		/* point by point: M, F, X(other), p, . */
};

/* ---- the fixture ---- */

FIXTURE(fault) {
	int dev;
	int fnth;
	int cport, client, server;
	char name[LPC_NAME_MAX + 1];
	char tmpname[LPC_NAME_MAX + 1];
	struct frow rows[MAX_ROWS];
	int nrows;
	__u64 start;

	/* per scenario */
	struct peer peer;
	struct lpc_call call;
	struct lpc_connect conn;
	struct lpc_xfer x;
	struct lpc_msg_info info;
	struct lpc_msg_attr attr, rattr;
	struct lpc_batch batch;
	struct lpc_xfer bx[4];
	__u64 ids[4];
	__u64 id, id2;
	__u32 xflags;
	long raw;		/* what the call returned, unnormalised */
	int fd, fd2, fd3;
	int state;		/* 0: prepare the scenario again */
	int maps, nfds;
	int sec;
	__u64 addr;
	int efd, pipefd[2];
	unsigned char *sbuf, *rbuf, *out, *bb[4];
	unsigned char *range0, *range1, *kbuf, *scratch;
};

typedef void (*fprep_t)(struct __test_metadata *_metadata,
			FIXTURE_DATA(fault) *self);
typedef long (*fcall_t)(FIXTURE_DATA(fault) *self);
typedef void (*fafter_t)(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self, long ret, bool fired);

struct fop {
	const char *name;
	const int *errs;	/* the errors allowed, 0-terminated */
	fprep_t prep;		/* before arming, every attempt */
	fcall_t call;		/* armed: 0, FPARTIAL or -errno */
	fafter_t after;		/* disarmed: check and restore */
};

#define ERRS(...)	((const int[]){ __VA_ARGS__, 0 })

static bool errno_in(const int *errs, int e)
{
	for (; *errs; errs++)
		if (*errs == e)
			return true;
	return false;
}

static struct frow *row_get(FIXTURE_DATA(fault) *self, const char *name)
{
	struct frow *r = &self->rows[self->nrows < MAX_ROWS ? self->nrows++ :
				     MAX_ROWS - 1];

	memset(r, 0, sizeof(*r));
	r->name = name;
	return r;
}

static void row_err(struct frow *r, int e)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(r->err); i++) {
		if (!r->err[i])
			r->err[i] = e;
		if (r->err[i] == e) {
			r->nerr[i]++;
			return;
		}
	}
}

static void table_print(FIXTURE_DATA(fault) *self)
{
	char errs[160];
	size_t i, len;
	int k;

	ksft_print_msg("point by point (%d walks, |): M ENOMEM, F EFAULT, X another error, p short result, . absorbed\n",
		       FPASSES);
	ksft_print_msg("walked in %.1f s\n",
		       (lpc_now_ns() - self->start) / 1e9);
	ksft_print_msg("%-36s %6s  %-30s %8s %7s  %s\n", "ioctl", "points",
		       "errors", "absorbed", "partial", "point by point");
	for (k = 0; k < self->nrows; k++) {
		struct frow *r = &self->rows[k];

		len = 0;
		errs[0] = '\0';
		for (i = 0; i < ARRAY_SIZE(r->err) && r->err[i]; i++)
			len += snprintf(errs + len, sizeof(errs) - len,
					"%s%s x%u", i ? ", " : "",
					strerrorname_np(r->err[i]) ?: "?",
					r->nerr[i]);
		ksft_print_msg("%-36s %6u  %-30s %8u %7u  %s\n", r->name,
			       r->points, errs[0] ? errs : "-", r->absorbed,
			       r->partial, r->seq);
	}
}

/*
 * Walk every fault point of one call: arm n, call, disarm; until a call
 * succeeds with no fault fired. Some fault points come and go from one
 * call to the next (a slab refill, kmemleak's own allocations: silent
 * fallbacks), shifting the others: FPASSES walks catch what one skips.
 */
static void fault_walk_once(struct __test_metadata *_metadata,
			    FIXTURE_DATA(fault) *self, const struct fop *op,
			    struct frow *row)
{
	size_t at = strlen(row->seq);
	unsigned int n;
	bool fired;
	long ret;

	if (at && at < sizeof(row->seq) - 1)
		row->seq[at++] = '|';
	for (n = 1;; n++) {
		ASSERT_GE(MAX_NTH, n) {
			TH_LOG("%s: still failing after %u fault points",
			       op->name, MAX_NTH);
		}
		if (op->prep)
			op->prep(_metadata, self);
		ASSERT_EQ(0, fnth_write(self->fnth, n));
		ret = op->call(self);
		fired = fnth_fired(self->fnth);
		if (fired)
			row->points++;
		if (ret < 0) {
			ASSERT_TRUE(fired) {
				TH_LOG("%s: %s with no fault injected (point %u)",
				       op->name, strerror((int)-ret), n);
			}
			/* Noted, and the walk goes on to the next point. */
			EXPECT_TRUE(errno_in(op->errs, (int)-ret)) {
				TH_LOG("%s: fault point %u: %s (%ld), not a documented error",
				       op->name, n, strerror((int)-ret), ret);
			}
			row_err(row, (int)-ret);
		} else if (ret == FPARTIAL) {
			ASSERT_TRUE(fired) {
				TH_LOG("%s: short result (%ld) with no fault injected",
				       op->name, self->raw);
			}
			row->partial++;
		} else if (fired) {
			row->absorbed++;
		}
		if (fired && at < sizeof(row->seq) - 1)
			row->seq[at++] = ret == -ENOMEM ? 'M' :
					 ret == -EFAULT ? 'F' :
					 ret < 0 ? 'X' :
					 ret == FPARTIAL ? 'p' : '.';
		if (op->after)
			op->after(_metadata, self, ret, fired);
		if (!fired)
			break;
	}
}

static void fault_walk(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fault) *self, const struct fop *op)
{
	struct frow *row = row_get(self, op->name);
	int pass;

	for (pass = 0; pass < FPASSES; pass++)
		fault_walk_once(_metadata, self, op, row);
}

/* Nothing is queued on @port any more. */
#define ASSERT_EMPTY(port) do {						\
		struct lpc_msg_info __i;				\
		int __r = lpc_recv_nb((port), &__i, self->rbuf, BUF);	\
		ASSERT_EQ(-EAGAIN, __r) {				\
			TH_LOG("%s: left queued on fd %d: type %u id %llu", \
			       __func__, (port), __i.type,		\
			       (unsigned long long)__i.id);		\
		}							\
	} while (0)

/* Something is still queued on @port. */
#define ASSERT_QUEUED(port) do {					\
		int __ev = lpc_poll((port), POLLIN, 0);			\
		ASSERT_TRUE(__ev > 0 && (__ev & POLLIN)) {		\
			TH_LOG("%s: the message is gone from fd %d",	\
			       __func__, (port));			\
		}							\
	} while (0)

/* Receive one message on @port (waiting) and check its type and id. */
static void assert_recv(struct __test_metadata *_metadata,
			FIXTURE_DATA(fault) *self, const char *where, int port,
			__u32 type, __u64 id, const void *data, __u32 len)
{
	struct lpc_msg_info i;
	int r = lpc_recv(port, &i, self->rbuf, BUF, LPC_WAIT_NS);

	ASSERT_EQ(0, r) {
		TH_LOG("%s: receive on fd %d: %s", where, port, strerror(-r));
	}
	ASSERT_EQ(type, i.type) {
		TH_LOG("%s: fd %d: type %u, id %llu", where, port, i.type,
		       (unsigned long long)i.id);
	}
	if (id) {
		ASSERT_EQ(id, i.id) {
			TH_LOG("%s: fd %d: another message", where, port);
		}
	}
	if (data) {
		ASSERT_EQ(len, i.data_len);
		ASSERT_EQ(0, memcmp(self->rbuf, data, len)) {
			TH_LOG("%s: fd %d: message %llu corrupted", where,
			       port, (unsigned long long)i.id);
		}
	}
	self->info = i;
}

#define ASSERT_RECV(port, type, id, data, len)				\
	assert_recv(_metadata, self, __func__, (port), (type), (id), (data), \
		    (len))

static void *xmap(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

FIXTURE_SETUP(fault)
{
	size_t i;
	int ret;

	self->start = lpc_now_ns();
	self->dev = self->fnth = self->cport = self->client = -1;
	self->server = self->fd = self->fd2 = self->fd3 = -1;
	self->sec = self->efd = self->pipefd[0] = self->pipefd[1] = -1;
	self->peer.sfd = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	if (access(FAIL_NTH, F_OK))
		LPC_SKIP("no %s: the kernel has no CONFIG_FAULT_INJECTION",
			 FAIL_NTH);
	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (!knobs[i].have)
			LPC_SKIP("no %s%s: the kernel lacks that fault type",
				 DBGFS, knobs[i].path);
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		ASSERT_EQ(0, knob_write(knobs[i].path, knobs[i].value)) {
			TH_LOG("cannot set %s%s", DBGFS, knobs[i].path);
		}
	}
	self->fnth = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fnth);

	self->sbuf = xmap(BUF);
	self->rbuf = xmap(BUF);
	self->out = xmap(BUF);
	for (i = 0; i < 4; i++)
		self->bb[i] = xmap(BUF);
	self->range0 = xmap(DIRECT_LEN);
	self->range1 = xmap(DIRECT_LEN);
	self->kbuf = xmap(DIRECT_LEN);
	self->scratch = xmap(BUF);
	ASSERT_NE(NULL, self->scratch);
	pattern(self->sbuf, BUF, 1);
	pattern(self->out, BUF, 2);
	for (i = 0; i < 4; i++)
		pattern(self->bb[i], BUF, 10 + i);

	lpc_name(self->name, sizeof(self->name), _metadata->name);
	lpc_name(self->tmpname, sizeof(self->tmpname), "tmp");
	self->cport = create_port(self->dev, self->name, LPC_PORT_ALLOW_FDS,
				  NULL, 0);
	ASSERT_LE(0, self->cport);
	ret = lpc_connect_pair(self->dev, self->cport, self->name, CTX_FIX, 0,
			       &self->client, &self->server);
	ASSERT_EQ(0, ret) {
		TH_LOG("connect: %s", strerror(-ret));
	}
}

FIXTURE_TEARDOWN(fault)
{
	if (self->fnth >= 0)
		fnth_write(self->fnth, 0);
	/* Also after a failed assertion: what was walked until then. */
	if (self->nrows)
		table_print(self);
	peer_stop(&self->peer);
	lpc_close(&self->peer.sfd);
	lpc_close(&self->fd);
	lpc_close(&self->fd2);
	lpc_close(&self->fd3);
	lpc_close(&self->sec);
	lpc_close(&self->efd);
	lpc_close(&self->pipefd[0]);
	lpc_close(&self->pipefd[1]);
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->fnth);
	lpc_close(&self->dev);
	knobs_restore();
}

/* At the end of a scenario: the fixture's port holds nothing. */
static void fixture_clean(struct __test_metadata *_metadata,
			  FIXTURE_DATA(fault) *self)
{
	char val[32];

	ASSERT_EMPTY(self->cport);
	ASSERT_EMPTY(self->client);
	ASSERT_EQ(0, lpc_fdinfo(self->cport, "lpc-held", val, sizeof(val)));
	EXPECT_STREQ("0", val);
	ASSERT_EQ(0, lpc_fdinfo(self->cport, "lpc-conns", val, sizeof(val)));
	EXPECT_STREQ("1", val);
}

/* ======== ports and connections ======== */

static long c_create(FIXTURE_DATA(fault) *self)
{
	int fd = create_port(self->dev, self->tmpname, 0, NULL, 0);

	if (fd < 0)
		return fd;
	self->fd = fd;
	return 0;
}

static const struct lpc_ace acl3[] = {
	{ LPC_ACE_ALLOW, LPC_ACE_OWNER, 0, LPC_RIGHT_ALL },
	{ LPC_ACE_ALLOW, LPC_ACE_UID, 12345, LPC_RIGHT_CONNECT },
	{ LPC_ACE_DENY, LPC_ACE_EVERYONE, 0, LPC_RIGHT_ALL },
};

static long c_create_acl(FIXTURE_DATA(fault) *self)
{
	int fd = create_port(self->dev, self->tmpname, 0, acl3, 3);

	if (fd < 0)
		return fd;
	self->fd = fd;
	return 0;
}

static void a_create(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	struct lpc_port_info info;

	/* A failed create publishes nothing; a successful one does. */
	EXPECT_EQ(ret ? -ENOENT : 0,
		  query(self->dev, LPC_IOC_PORT_INFO, self->tmpname, &info, 1,
			sizeof(info), NULL));
	lpc_close(&self->fd);
}

static void p_connect_accept(struct __test_metadata *_metadata,
			     FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, peer_start(&self->peer, self->cport, PEER_ACCEPT));
}

static void p_connect_reject(struct __test_metadata *_metadata,
			     FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, peer_start(&self->peer, self->cport, PEER_REJECT));
}

static void connect_init(FIXTURE_DATA(fault) *self)
{
	lpc_connect_init(&self->conn, self->name, LPC_WAIT_NS);
	self->conn.data = lpc_ptr(self->sbuf);
	self->conn.data_len = BIG;
	self->conn.reply = lpc_ptr(self->rbuf);
	self->conn.reply_cap = BUF;
}

static long c_connect(FIXTURE_DATA(fault) *self)
{
	int fd;

	connect_init(self);
	fd = sys_lpc_connect(self->dev, &self->conn);
	if (fd < 0)
		return fd;
	self->fd = fd;
	return 0;
}

static void a_connect_accept(struct __test_metadata *_metadata,
			     FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	struct peer *p = &self->peer;

	peer_stop(p);
	ASSERT_EQ(0, p->bad) {
		TH_LOG("%s", p->why);
	}
	if (!ret) {
		ASSERT_EQ(1, p->accepted);
		ASSERT_EQ((__u32)BIG, self->conn.reply_len);
		ASSERT_EQ(0, memcmp(self->rbuf, p->out, BIG));
		/* The server ends it: its client hears, the port does not. */
		lpc_close(&p->sfd);
		ASSERT_RECV(self->fd, LPC_MSG_PORT_CLOSED, 0, NULL, 0);
		lpc_close(&self->fd);
	} else if (p->accepted) {
		/*
		 * Accepted, then the connect failed (writing back): the
		 * connection is closed again and the server told.
		 */
		if (!p->closed)
			ASSERT_RECV(self->cport, LPC_MSG_PORT_CLOSED, 0, NULL,
				    0);
		else
			self->info.context = p->closed_ctx;
		ASSERT_EQ(p->ctx, self->info.context);
		lpc_close(&p->sfd);
	} else {
		ASSERT_EQ(0, p->closed);
	}
	ASSERT_EMPTY(self->cport);
}

static long c_connect_reject(FIXTURE_DATA(fault) *self)
{
	int fd;

	connect_init(self);
	fd = sys_lpc_connect(self->dev, &self->conn);
	if (fd >= 0) {
		self->fd = fd;
		return -EPROTO;		/* not a documented outcome */
	}
	return fd == -ECONNREFUSED ? 0 : fd;
}

static void a_connect_reject(struct __test_metadata *_metadata,
			     FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	struct peer *p = &self->peer;

	peer_stop(p);
	ASSERT_EQ(0, p->bad) {
		TH_LOG("%s", p->why);
	}
	if (!ret) {
		ASSERT_EQ(1, p->rejected);
		ASSERT_EQ((__u32)BIG, self->conn.reply_len);
		ASSERT_EQ(0, memcmp(self->rbuf, p->out, BIG));
	}
	ASSERT_EQ(0, p->closed);
	ASSERT_EMPTY(self->cport);
}

/* A client connecting from a helper thread; its request received. */
static void p_accept(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self)
{
	if (self->state)
		return;
	connect_init(self);
	self->conn.timeout_ns = LONG_NS;
	ASSERT_EQ(0, lpc_call_start(&self->call, self->dev, LPC_IOC_CONNECT,
				    &self->conn));
	ASSERT_RECV(self->cport, LPC_MSG_CONNECTION_REQUEST, 0, self->sbuf,
		    BIG);
	self->id = self->info.id;
	self->state = 1;
}

static long c_accept(FIXTURE_DATA(fault) *self)
{
	int fd = lpc_accept_id(self->cport, self->id, CTX_ACC, self->out, BIG,
			       0);

	if (fd < 0)
		return fd;
	self->fd = fd;
	return 0;
}

static long c_reject(FIXTURE_DATA(fault) *self)
{
	return lpc_accept_id(self->cport, self->id, 0, self->out, BIG,
			     LPC_ACCEPT_REJECT);
}

static void a_accept(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	int cret;

	if (ret) {
		/* Unanswered: the client still waits, the request is ours. */
		ASSERT_FALSE(lpc_call_done(&self->call));
		return;
	}
	cret = lpc_call_join(&self->call);
	ASSERT_LE(0, cret) {
		TH_LOG("the accepted client's connect: %s", strerror(-cret));
	}
	ASSERT_EQ((__u32)BIG, self->conn.reply_len);
	ASSERT_EQ(0, memcmp(self->rbuf, self->out, BIG));
	lpc_close(&self->fd);
	ASSERT_RECV(cret, LPC_MSG_PORT_CLOSED, 0, NULL, 0);
	close(cret);
	ASSERT_EMPTY(self->cport);
	self->state = 0;
}

static void a_reject(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	int cret;

	if (ret) {
		ASSERT_FALSE(lpc_call_done(&self->call));
		return;
	}
	cret = lpc_call_join(&self->call);
	ASSERT_EQ(-ECONNREFUSED, cret);
	ASSERT_EQ((__u32)BIG, self->conn.reply_len);
	ASSERT_EQ(0, memcmp(self->rbuf, self->out, BIG));
	ASSERT_EMPTY(self->cport);
	self->state = 0;
}

TEST_F_TIMEOUT(fault, ports_and_connections, 600)
{
	const struct fop ops[] = {
		{ "CREATE_PORT", ERRS(ENOMEM, EFAULT, EMFILE, ENFILE),
		  NULL, c_create, a_create },
		{ "CREATE_PORT (3-entry ACL)",
		  ERRS(ENOMEM, EFAULT, EMFILE, ENFILE),
		  NULL, c_create_acl, a_create },
		{ "CONNECT (accepted)", ERRS(ENOMEM, EFAULT, EMFILE, ENFILE),
		  p_connect_accept, c_connect, a_connect_accept },
		{ "CONNECT (rejected)", ERRS(ENOMEM, EFAULT, EMFILE, ENFILE),
		  p_connect_reject, c_connect_reject, a_connect_reject },
		{ "ACCEPT", ERRS(ENOMEM, EFAULT, EMFILE, ENFILE),
		  p_accept, c_accept, a_accept },
		{ "ACCEPT (reject)", ERRS(ENOMEM, EFAULT, EMFILE, ENFILE),
		  p_accept, c_reject, a_reject },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		fault_walk(_metadata, self, &ops[i]);
	fixture_clean(_metadata, self);
}

/* ======== messages ======== */

static long c_dgram_big(FIXTURE_DATA(fault) *self)
{
	self->id = 0;
	return lpc_send(self->client, LPC_MSG_DATAGRAM, self->sbuf, BIG,
			&self->id);
}

static long c_dgram_small(FIXTURE_DATA(fault) *self)
{
	self->id = 0;
	return lpc_send(self->client, LPC_MSG_DATAGRAM, self->sbuf, SMALL,
			&self->id);
}

static void a_dgram(struct __test_metadata *_metadata,
		    FIXTURE_DATA(fault) *self, long ret, bool fired,
		    __u32 len)
{
	if (!ret)
		ASSERT_RECV(self->cport, LPC_MSG_DATAGRAM, self->id,
			    self->sbuf, len);
	ASSERT_EMPTY(self->cport);
}

static void a_dgram_big(struct __test_metadata *_metadata,
			FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	a_dgram(_metadata, self, ret, fired, BIG);
}

static void a_dgram_small(struct __test_metadata *_metadata,
			  FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	a_dgram(_metadata, self, ret, fired, SMALL);
}

static long c_async(FIXTURE_DATA(fault) *self)
{
	return lpc_request_async(self->client, self->sbuf, BIG, BIG,
				 &self->id);
}

/* Serve one request @id on the connection port; the client gets it. */
static void serve_async(struct __test_metadata *_metadata,
			FIXTURE_DATA(fault) *self, __u64 id)
{
	ASSERT_EQ(0, lpc_reply(self->cport, id, self->out, BIG));
	ASSERT_RECV(self->client, LPC_MSG_REPLY, 0, self->out, BIG);
	ASSERT_EQ(id, self->info.ref_id);
}

static void a_async(struct __test_metadata *_metadata,
		    FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (!ret) {
		ASSERT_RECV(self->cport, LPC_MSG_REQUEST, self->id,
			    self->sbuf, BIG);
		serve_async(_metadata, self, self->id);
	}
	ASSERT_EMPTY(self->cport);
	ASSERT_EMPTY(self->client);
}

static void p_sync(struct __test_metadata *_metadata,
		   FIXTURE_DATA(fault) *self)
{
	ASSERT_EQ(0, peer_start(&self->peer, self->cport, PEER_REPLY));
}

static long c_sync(FIXTURE_DATA(fault) *self)
{
	long ret;

	lpc_request_init(&self->x, self->sbuf, BIG, self->rbuf, BUF,
			 LPC_WAIT_NS);
	memset(self->rbuf, 0, BUF);
	ret = sys_lpc_xfer(self->client, &self->x);
	self->xflags = self->x.flags;
	return ret;
}

static void a_sync(struct __test_metadata *_metadata,
		   FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	struct peer *p = &self->peer;
	int i;

	peer_stop(p);
	ASSERT_EQ(0, p->bad) {
		TH_LOG("%s", p->why);
	}
	if (!ret) {
		ASSERT_EQ(1, p->served);
		ASSERT_EQ((__u32)LPC_MSG_REPLY, self->x.info.type);
		ASSERT_EQ(self->x.send_id, self->x.info.ref_id);
		ASSERT_EQ((__u32)BIG, self->x.info.data_len);
		for (i = 0; i < BIG; i++)
			ASSERT_EQ((unsigned char)(self->sbuf[i] + 1),
				  self->rbuf[i]);
	} else if (self->xflags & LPC_XFER_SENT) {
		/* Sent and answered; the reply's copy-out failed: lost. */
		ASSERT_EQ(1, p->served);
	} else {
		ASSERT_EQ(0, p->served);
	}
	ASSERT_EMPTY(self->cport);
	ASSERT_EMPTY(self->client);
}

/* A datagram (or with @request an asynchronous request) queued. */
static void p_queued(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self, bool request)
{
	if (self->state)
		return;
	if (request) {
		ASSERT_EQ(0, lpc_request_async(self->client, self->sbuf, BIG,
					       BIG, &self->id));
	} else {
		ASSERT_EQ(0, lpc_send(self->client, LPC_MSG_DATAGRAM,
				      self->sbuf, BIG, &self->id));
	}
	self->state = 1;
}

static void p_queued_dgram(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fault) *self)
{
	p_queued(_metadata, self, false);
}

static void p_queued_req(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self)
{
	p_queued(_metadata, self, true);
}

static long c_recv(FIXTURE_DATA(fault) *self)
{
	memset(self->rbuf, 0, BUF);
	return lpc_recv_nb(self->cport, &self->info, self->rbuf, BUF);
}

static void a_recv(struct __test_metadata *_metadata,
		   FIXTURE_DATA(fault) *self, long ret, bool fired,
		   __u32 type)
{
	if (ret) {
		/* Not received: back at the head of the queue. */
		ASSERT_QUEUED(self->cport);
		return;
	}
	ASSERT_EQ(type, self->info.type);
	ASSERT_EQ(self->id, self->info.id);
	ASSERT_EQ((__u32)BIG, self->info.data_len);
	ASSERT_EQ(0, memcmp(self->rbuf, self->sbuf, BIG));
	if (type == LPC_MSG_REQUEST)
		serve_async(_metadata, self, self->id);
	ASSERT_EMPTY(self->cport);
	self->state = 0;
}

static void a_recv_dgram(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	a_recv(_metadata, self, ret, fired, LPC_MSG_DATAGRAM);
}

static void a_recv_req(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	a_recv(_metadata, self, ret, fired, LPC_MSG_REQUEST);
}

/* An asynchronous request received by the server: in service. */
static void p_in_service(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self)
{
	if (self->state)
		return;
	ASSERT_EQ(0, lpc_request_async(self->client, self->sbuf, BIG, BIG,
				       &self->id));
	ASSERT_RECV(self->cport, LPC_MSG_REQUEST, self->id, self->sbuf, BIG);
	self->state = 1;
}

static long c_reply_cport(FIXTURE_DATA(fault) *self)
{
	return lpc_reply(self->cport, self->id, self->out, BIG);
}

static long c_reply_server(FIXTURE_DATA(fault) *self)
{
	return lpc_reply(self->server, self->id, self->out, BIG);
}

static void a_reply(struct __test_metadata *_metadata,
		    FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (ret) {
		/* Still in service, unanswered: the retry shows it. */
		ASSERT_EMPTY(self->client);
		return;
	}
	ASSERT_RECV(self->client, LPC_MSG_REPLY, 0, self->out, BIG);
	ASSERT_EQ(self->id, self->info.ref_id);
	ASSERT_EMPTY(self->client);
	self->state = 0;
}

/* Request A in service and datagram B queued behind it. */
static void p_reply_recv(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self)
{
	if (self->state)
		return;
	p_in_service(_metadata, self);
	ASSERT_EQ(0, lpc_send(self->client, LPC_MSG_DATAGRAM, self->bb[0],
			      BIG, &self->id2));
}

static long c_reply_recv(FIXTURE_DATA(fault) *self)
{
	struct lpc_xfer *x = &self->x;
	long ret;

	memset(x, 0, sizeof(*x));
	x->flags = LPC_XFER_SEND | LPC_XFER_RECV | LPC_XFER_NONBLOCK;
	x->send_type = LPC_MSG_REPLY;
	x->send_id = self->id;
	x->send_buf = lpc_ptr(self->out);
	x->send_len = BIG;
	x->recv_buf = lpc_ptr(self->scratch);
	x->recv_cap = BUF;
	memset(self->scratch, 0, BUF);
	ret = sys_lpc_xfer(self->cport, x);
	self->xflags = x->flags;
	return ret;
}

static void a_reply_recv(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (ret && !(self->xflags & LPC_XFER_SENT)) {
		/* The reply failed: nothing received, nothing answered. */
		ASSERT_EMPTY(self->client);
		ASSERT_QUEUED(self->cport);
		return;
	}
	/* The reply went out, whatever happened to the receive. */
	ASSERT_RECV(self->client, LPC_MSG_REPLY, 0, self->out, BIG);
	ASSERT_EQ(self->id, self->info.ref_id);
	if (ret) {
		/* The receive failed: B is still first in the queue. */
		ASSERT_RECV(self->cport, LPC_MSG_DATAGRAM, self->id2,
			    self->bb[0], BIG);
	} else {
		ASSERT_EQ((__u32)LPC_MSG_DATAGRAM, self->x.info.type);
		ASSERT_EQ(self->id2, self->x.info.id);
		ASSERT_EQ(0, memcmp(self->scratch, self->bb[0], BIG));
	}
	ASSERT_EMPTY(self->cport);
	ASSERT_EMPTY(self->client);
	self->state = 0;
}

TEST_F_TIMEOUT(fault, messages, 600)
{
	const struct fop ops[] = {
		{ "XFER datagram 64 B (client)", ERRS(ENOMEM, EFAULT),
		  NULL, c_dgram_small, a_dgram_small },
		{ "XFER datagram 1000 B (client)", ERRS(ENOMEM, EFAULT),
		  NULL, c_dgram_big, a_dgram_big },
		{ "XFER async request (client)", ERRS(ENOMEM, EFAULT),
		  NULL, c_async, a_async },
		{ "XFER SEND|RECV request (client)",
		  ERRS(ENOMEM, EFAULT, EMFILE),
		  p_sync, c_sync, a_sync },
		{ "XFER RECV datagram (server)", ERRS(ENOMEM, EFAULT),
		  p_queued_dgram, c_recv, a_recv_dgram },
		{ "XFER RECV request (server)", ERRS(ENOMEM, EFAULT),
		  p_queued_req, c_recv, a_recv_req },
		{ "XFER REPLY (connection port)", ERRS(EFAULT),
		  p_in_service, c_reply_cport, a_reply },
		{ "XFER REPLY (server port)", ERRS(EFAULT),
		  p_in_service, c_reply_server, a_reply },
		{ "XFER REPLY|RECV (server loop)", ERRS(ENOMEM, EFAULT),
		  p_reply_recv, c_reply_recv, a_reply_recv },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		fault_walk(_metadata, self, &ops[i]);
	fixture_clean(_metadata, self);
}

/* ======== batches ======== */

static __u32 batch_len(int i)
{
	return i % 2 ? BIG : SMALL;
}

static long c_send_batch(FIXTURE_DATA(fault) *self)
{
	int i;

	for (i = 0; i < 4; i++) {
		memset(&self->bx[i], 0, sizeof(self->bx[i]));
		self->bx[i].flags = LPC_XFER_SEND;
		self->bx[i].send_type = LPC_MSG_DATAGRAM;
		self->bx[i].send_buf = lpc_ptr(self->bb[i]);
		self->bx[i].send_len = batch_len(i);
	}
	memset(&self->batch, 0, sizeof(self->batch));
	self->batch.xfers = lpc_ptr(self->bx);
	self->batch.count = 4;
	self->batch.flags = LPC_XFER_TIMEOUT;
	self->batch.timeout_ns = LPC_WAIT_NS;
	self->raw = lpc_ioctl(self->client, LPC_IOC_SEND_BATCH, &self->batch);
	if (self->raw < 0)
		return self->raw;
	return self->raw == 4 ? 0 : FPARTIAL;
}

static void a_send_batch(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	long i, n = self->raw > 0 ? self->raw : 0;

	ASSERT_GE(4, n);
	/* Exactly the entries counted arrived, in order, intact. */
	for (i = 0; i < n; i++)
		ASSERT_RECV(self->cport, LPC_MSG_DATAGRAM, self->bx[i].send_id,
			    self->bb[i], batch_len((int)i));
	ASSERT_EMPTY(self->cport);
}

static void p_recv_batch(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self)
{
	int i;

	if (self->state)
		return;
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, lpc_send(self->client, LPC_MSG_DATAGRAM,
				      self->bb[i], batch_len(i),
				      &self->ids[i]));
	self->state = 1;
}

static long c_recv_batch(FIXTURE_DATA(fault) *self)
{
	int i;

	for (i = 0; i < 4; i++) {
		memset(&self->bx[i], 0, sizeof(self->bx[i]));
		self->bx[i].flags = LPC_XFER_RECV;
		self->bx[i].recv_buf = lpc_ptr(self->kbuf + i * BUF);
		self->bx[i].recv_cap = BUF;
	}
	memset(&self->batch, 0, sizeof(self->batch));
	self->batch.xfers = lpc_ptr(self->bx);
	self->batch.count = 4;
	self->batch.flags = LPC_XFER_NONBLOCK;
	self->raw = lpc_ioctl(self->cport, LPC_IOC_RECV_BATCH, &self->batch);
	if (self->raw < 0)
		return self->raw;
	return self->raw == 4 ? 0 : FPARTIAL;
}

static void a_recv_batch(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	long i, n = self->raw > 0 ? self->raw : 0;

	ASSERT_GE(4, n);
	for (i = 0; i < n; i++) {
		ASSERT_EQ((__u32)LPC_MSG_DATAGRAM, self->bx[i].info.type);
		ASSERT_EQ(self->ids[i], self->bx[i].info.id);
		ASSERT_EQ(batch_len((int)i), self->bx[i].info.data_len);
		ASSERT_EQ(0, memcmp(self->kbuf + i * BUF, self->bb[i],
				    batch_len((int)i)));
	}
	/* The rest are still queued, in order. */
	for (; i < 4; i++)
		ASSERT_RECV(self->cport, LPC_MSG_DATAGRAM, self->ids[i],
			    self->bb[i], batch_len((int)i));
	ASSERT_EMPTY(self->cport);
	self->state = 0;
}

TEST_F_TIMEOUT(fault, batches, 600)
{
	const struct fop ops[] = {
		{ "SEND_BATCH 4 datagrams (client)", ERRS(ENOMEM, EFAULT),
		  NULL, c_send_batch, a_send_batch },
		{ "RECV_BATCH 4 datagrams (server)", ERRS(ENOMEM, EFAULT),
		  p_recv_batch, c_recv_batch, a_recv_batch },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		fault_walk(_metadata, self, &ops[i]);
	fixture_clean(_metadata, self);
}

/* ======== sections and views ======== */

static __u64 sum(const void *p, size_t len)
{
	const unsigned char *c = p;
	__u64 h = 1469598103934665603ULL;

	while (len--)
		h = (h ^ *c++) * 1099511628211ULL;
	return h;
}

static long c_section(FIXTURE_DATA(fault) *self)
{
	int fd = lpc_section_new(self->client, 64 * 1024);

	if (fd < 0)
		return fd;
	self->fd = fd;
	return 0;
}

static void a_section(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	struct stat st;

	if (!ret) {
		ASSERT_EQ(0, fstat(self->fd, &st));
		ASSERT_EQ(64 * 1024, st.st_size);
	}
	lpc_close(&self->fd);
}

static void view_attr(FIXTURE_DATA(fault) *self, struct lpc_msg_attr *a)
{
	attr_init(a);
	a->flags = LPC_ATTR_VIEW;
	a->view.section_fd = self->sec;
	a->view.flags = LPC_VIEW_READONLY;
	a->view.length = SECTION;
}

static long c_view_send(FIXTURE_DATA(fault) *self)
{
	view_attr(self, &self->attr);
	self->id = 0;
	return send_attr(self->client, LPC_MSG_DATAGRAM, &self->id,
			 self->sbuf, BIG, &self->attr);
}

/* Check the view the server got in self->rattr, and let go of it. */
static void view_check_release(struct __test_metadata *_metadata,
			       FIXTURE_DATA(fault) *self, bool as_fd)
{
	struct lpc_view *v = &self->rattr.view;
	void *p;

	ASSERT_TRUE(self->rattr.flags & LPC_ATTR_VIEW);
	ASSERT_EQ((__u64)SECTION, v->length);
	if (as_fd) {
		ASSERT_LE(0, v->section_fd);
		ASSERT_EQ(0ULL, v->addr);
		p = mmap(NULL, SECTION, PROT_READ, MAP_SHARED, v->section_fd,
			 0);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(sum(self->kbuf, SECTION), sum(p, SECTION));
		munmap(p, SECTION);
		close(v->section_fd);
		return;
	}
	ASSERT_EQ(-1, v->section_fd);
	ASSERT_NE(0ULL, v->addr);
	ASSERT_EQ(sum(self->kbuf, SECTION),
		  sum((void *)(uintptr_t)v->addr, SECTION));
	ASSERT_EQ(0, lpc_release_view(self->cport, v->addr));
	ASSERT_FALSE(section_mapped_at(v->addr));
}

static void a_view_send(struct __test_metadata *_metadata,
			FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (!ret) {
		ASSERT_EQ(0, recv_attr_nb(self->cport, &self->info, self->rbuf,
					  BUF, &self->rattr, 0));
		ASSERT_EQ(self->id, self->info.id);
		view_check_release(_metadata, self, false);
	}
	ASSERT_EMPTY(self->cport);
}

static void p_view_queued(struct __test_metadata *_metadata,
			  FIXTURE_DATA(fault) *self)
{
	if (self->state)
		return;
	view_attr(self, &self->attr);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, &self->id,
			       self->sbuf, BIG, &self->attr));
	self->maps = section_maps();
	self->nfds = count_fds();
	self->state = 1;
}

static long c_view_recv(FIXTURE_DATA(fault) *self)
{
	return recv_attr_nb(self->cport, &self->info, self->rbuf, BUF,
			    &self->rattr, 0);
}

static long c_view_recv_fd(FIXTURE_DATA(fault) *self)
{
	return recv_attr_nb(self->cport, &self->info, self->rbuf, BUF,
			    &self->rattr, LPC_ATTR_VIEW_FD);
}

static void a_view_recv(struct __test_metadata *_metadata,
			FIXTURE_DATA(fault) *self, long ret, bool fired,
			bool as_fd)
{
	if (ret) {
		/* Nothing mapped or installed; the message, view and all, stays. */
		EXPECT_EQ(self->maps, section_maps()) {
			TH_LOG("a failed receive (%s) left a view mapped",
			       strerror((int)-ret));
		}
		EXPECT_EQ(self->nfds, count_fds()) {
			TH_LOG("a failed receive (%s) left an fd installed",
			       strerror((int)-ret));
		}
		/* Clean up after the failure above, to go on walking. */
		if (self->maps != section_maps() || self->nfds != count_fds())
			release_stray_views(self->cport, self->sec);
		ASSERT_QUEUED(self->cport);
		return;
	}
	ASSERT_EQ(self->id, self->info.id);
	/* The view survived the failed attempts before this one. */
	EXPECT_TRUE(self->rattr.flags & LPC_ATTR_VIEW) {
		TH_LOG("message %llu arrived without its view (flags %#x)",
		       (unsigned long long)self->info.id, self->info.flags);
	}
	if (self->rattr.flags & LPC_ATTR_VIEW)
		view_check_release(_metadata, self, as_fd);
	EXPECT_EQ(self->maps, section_maps());
	EXPECT_EQ(self->nfds, count_fds());
	ASSERT_EMPTY(self->cport);
	self->state = 0;
}

static void a_view_recv_map(struct __test_metadata *_metadata,
			    FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	a_view_recv(_metadata, self, ret, fired, false);
}

static void a_view_recv_fd(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	a_view_recv(_metadata, self, ret, fired, true);
}

/* A view received and mapped, to release. */
static void p_view_mapped(struct __test_metadata *_metadata,
			  FIXTURE_DATA(fault) *self)
{
	if (self->state)
		return;
	view_attr(self, &self->attr);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, &self->id,
			       self->sbuf, BIG, &self->attr));
	ASSERT_EQ(0, recv_attr_nb(self->cport, &self->info, self->rbuf, BUF,
				  &self->rattr, 0));
	self->addr = self->rattr.view.addr;
	ASSERT_TRUE(section_mapped_at(self->addr));
	self->state = 1;
}

static long c_view_release(FIXTURE_DATA(fault) *self)
{
	return lpc_release_view(self->cport, self->addr);
}

static void a_view_release(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (ret) {
		ASSERT_TRUE(section_mapped_at(self->addr));
		return;
	}
	/* Released means unmapped. */
	EXPECT_FALSE(section_mapped_at(self->addr)) {
		TH_LOG("VIEW_RELEASE returned 0 (%s), but the view at 0x%llx is still mapped",
		       fired ? "a fault was injected" : "no fault",
		       (unsigned long long)self->addr);
	}
	if (section_mapped_at(self->addr))
		munmap((void *)(uintptr_t)self->addr, SECTION);
	self->state = 0;
}

/* A synchronous request carrying a view, received and mapped. */
static void p_view_request(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fault) *self)
{
	if (self->state)
		return;
	lpc_request_init(&self->x, self->sbuf, BIG, self->rbuf, BUF,
			 LONG_NS);
	view_attr(self, &self->attr);
	self->x.send_attr = lpc_ptr(&self->attr);
	ASSERT_EQ(0, lpc_call_start(&self->call, self->client, LPC_IOC_XFER,
				    &self->x));
	ASSERT_EQ(POLLIN, lpc_poll(self->cport, POLLIN, LPC_WAIT_MS));
	ASSERT_EQ(0, recv_attr_nb(self->cport, &self->info, self->scratch,
				  BUF, &self->rattr, 0));
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	self->id = self->info.id;
	self->addr = self->rattr.view.addr;
	ASSERT_TRUE(section_mapped_at(self->addr));
	self->state = 1;
}

static void a_view_reply(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	int cret;

	if (ret) {
		/* Still in service: its view stays mapped. */
		ASSERT_TRUE(section_mapped_at(self->addr));
		ASSERT_FALSE(lpc_call_done(&self->call));
		return;
	}
	cret = lpc_call_join(&self->call);
	ASSERT_EQ(0, cret);
	ASSERT_EQ(0, memcmp(self->rbuf, self->out, BIG));
	/* The reply ends the request, and the view that came with it. */
	EXPECT_FALSE(section_mapped_at(self->addr)) {
		TH_LOG("the reply succeeded (%s), but the request's view at 0x%llx is still mapped",
		       fired ? "a fault was injected" : "no fault",
		       (unsigned long long)self->addr);
	}
	if (section_mapped_at(self->addr))
		munmap((void *)(uintptr_t)self->addr, SECTION);
	self->state = 0;
}

TEST_F_TIMEOUT(fault, sections_and_views, 600)
{
	const struct fop ops[] = {
		{ "SECTION_CREATE 64 KiB (client)",
		  ERRS(ENOMEM, EFAULT, EMFILE, ENFILE),
		  NULL, c_section, a_section },
		{ "XFER datagram + view (client)", ERRS(ENOMEM, EFAULT),
		  NULL, c_view_send, a_view_send },
		{ "XFER RECV view, mapped (server)",
		  ERRS(ENOMEM, EFAULT, EMFILE),
		  p_view_queued, c_view_recv, a_view_recv_map },
		{ "XFER RECV view, as fd (server)",
		  ERRS(ENOMEM, EFAULT, EMFILE, ENFILE),
		  p_view_queued, c_view_recv_fd, a_view_recv_fd },
		{ "VIEW_RELEASE (server)", ERRS(EFAULT),
		  p_view_mapped, c_view_release, a_view_release },
		{ "XFER REPLY to a request with a view", ERRS(EFAULT),
		  p_view_request, c_reply_cport, a_view_reply },
	};
	size_t i;
	void *p;

	self->sec = lpc_section_new(self->client, SECTION);
	ASSERT_LE(0, self->sec);
	p = mmap(NULL, SECTION, PROT_READ | PROT_WRITE, MAP_SHARED, self->sec,
		 0);
	ASSERT_NE(MAP_FAILED, p);
	pattern(p, SECTION, 99);
	memcpy(self->kbuf, p, SECTION);
	munmap(p, SECTION);

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		fault_walk(_metadata, self, &ops[i]);
	fixture_clean(_metadata, self);
}

/* ======== direct access ======== */

/* A synchronous request declaring a readable and a writable range. */
static void p_direct(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self)
{
	struct lpc_msg_attr *a = &self->attr;

	if (self->state)
		return;
	pattern(self->range0, DIRECT_LEN, 5);
	memset(self->range1, 0, DIRECT_LEN);
	attr_init(a);
	a->flags = LPC_ATTR_DIRECT;
	a->nr_ranges = 2;
	a->ranges[0].addr = lpc_ptr(self->range0);
	a->ranges[0].length = DIRECT_LEN;
	a->ranges[0].access = LPC_ACCESS_READ;
	a->ranges[1].addr = lpc_ptr(self->range1);
	a->ranges[1].length = DIRECT_LEN;
	a->ranges[1].access = LPC_ACCESS_WRITE;
	lpc_request_init(&self->x, self->sbuf, SMALL, self->rbuf, BUF,
			 LONG_NS);
	self->x.send_attr = lpc_ptr(a);
	ASSERT_EQ(0, lpc_call_start(&self->call, self->client, LPC_IOC_XFER,
				    &self->x));
	ASSERT_EQ(POLLIN, lpc_poll(self->cport, POLLIN, LPC_WAIT_MS));
	ASSERT_EQ(0, recv_attr_nb(self->cport, &self->info, self->scratch,
				  BUF, &self->rattr, 0));
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	ASSERT_EQ(2U, self->rattr.nr_ranges);
	self->id = self->info.id;
	self->state = 1;
}

static long c_direct(FIXTURE_DATA(fault) *self, bool write)
{
	if (write)
		pattern(self->kbuf, DIRECT_LEN, 6);
	else
		memset(self->kbuf, 0, DIRECT_LEN);
	self->raw = direct(self->cport, write, self->id, write, self->kbuf,
			   DIRECT_LEN);
	if (self->raw < 0)
		return self->raw;
	return self->raw == DIRECT_LEN ? 0 : FPARTIAL;
}

static long c_direct_read(FIXTURE_DATA(fault) *self)
{
	return c_direct(self, false);
}

static long c_direct_write(FIXTURE_DATA(fault) *self)
{
	return c_direct(self, true);
}

static void a_direct(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self, long ret, bool fired,
		     bool write)
{
	size_t n = self->raw > 0 ? (size_t)self->raw : 0;

	ASSERT_GE((size_t)DIRECT_LEN, n);
	/* What it says it copied, it copied. */
	if (write) {
		ASSERT_EQ(0, memcmp(self->range1, self->kbuf, n));
	} else {
		ASSERT_EQ(0, memcmp(self->kbuf, self->range0, n));
	}
	/* The request is still in service, its requester still waiting. */
	ASSERT_FALSE(lpc_call_done(&self->call));
}

static void a_direct_read(struct __test_metadata *_metadata,
			  FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	a_direct(_metadata, self, ret, fired, false);
}

static void a_direct_write(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	a_direct(_metadata, self, ret, fired, true);
}

TEST_F_TIMEOUT(fault, direct_access, 600)
{
	const struct fop ops[] = {
		{ "DIRECT_READ 80 KiB (server)", ERRS(ENOMEM, EFAULT),
		  p_direct, c_direct_read, a_direct_read },
		{ "DIRECT_WRITE 80 KiB (server)", ERRS(ENOMEM, EFAULT),
		  p_direct, c_direct_write, a_direct_write },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		fault_walk(_metadata, self, &ops[i]);
	/* Both walks used the same request: answer it. */
	ASSERT_EQ(0, lpc_reply(self->cport, self->id, self->out, SMALL));
	ASSERT_EQ(0, lpc_call_join(&self->call));
	fixture_clean(_metadata, self);
}

/* ======== fd passing ======== */

static void fds_attr(FIXTURE_DATA(fault) *self, struct lpc_msg_attr *a)
{
	attr_init(a);
	a->flags = LPC_ATTR_FDS;
	a->nr_fds = 2;
	a->fds[0] = self->efd;
	a->fds[1] = self->pipefd[0];
}

static long c_fds_send(FIXTURE_DATA(fault) *self)
{
	fds_attr(self, &self->attr);
	self->id = 0;
	return send_attr(self->client, LPC_MSG_DATAGRAM, &self->id,
			 self->sbuf, BIG, &self->attr);
}

/* Check the two fds in self->rattr (an eventfd and a pipe) and close them. */
static void fds_check_close(struct __test_metadata *_metadata,
			    FIXTURE_DATA(fault) *self)
{
	struct stat a, b;

	ASSERT_TRUE(self->rattr.flags & LPC_ATTR_FDS) {
		TH_LOG("message %llu arrived without its fds",
		       (unsigned long long)self->info.id);
	}
	ASSERT_EQ(2U, self->rattr.nr_fds);
	ASSERT_EQ(0, fstat(self->rattr.fds[1], &a));
	ASSERT_EQ(0, fstat(self->pipefd[0], &b));
	ASSERT_EQ(b.st_ino, a.st_ino);
	ASSERT_EQ(FD_CLOEXEC, fcntl(self->rattr.fds[0], F_GETFD));
	close(self->rattr.fds[0]);
	close(self->rattr.fds[1]);
}

static void a_fds_send(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (!ret) {
		ASSERT_EQ(0, recv_attr_nb(self->cport, &self->info, self->rbuf,
					  BUF, &self->rattr, 0));
		ASSERT_EQ(self->id, self->info.id);
		fds_check_close(_metadata, self);
	}
	ASSERT_EMPTY(self->cport);
}

static void p_fds_queued(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self)
{
	if (self->state)
		return;
	fds_attr(self, &self->attr);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, &self->id,
			       self->sbuf, BIG, &self->attr));
	self->nfds = count_fds();
	self->state = 1;
}

static void a_fds_recv(struct __test_metadata *_metadata,
		       FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (ret) {
		EXPECT_EQ(self->nfds, count_fds()) {
			TH_LOG("a failed receive (%s) left fds installed",
			       strerror((int)-ret));
		}
		ASSERT_QUEUED(self->cport);
		return;
	}
	ASSERT_EQ(self->id, self->info.id);
	fds_check_close(_metadata, self);
	EXPECT_EQ(self->nfds, count_fds());
	ASSERT_EMPTY(self->cport);
	self->state = 0;
}

TEST_F_TIMEOUT(fault, fd_passing, 600)
{
	const struct fop ops[] = {
		{ "XFER datagram + 2 fds (client)", ERRS(ENOMEM, EFAULT),
		  NULL, c_fds_send, a_fds_send },
		{ "XFER RECV 2 fds (server)",
		  ERRS(ENOMEM, EFAULT, EMFILE, ENFILE),
		  p_fds_queued, c_view_recv, a_fds_recv },
	};
	size_t i;

	self->efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, self->efd);
	ASSERT_EQ(0, pipe2(self->pipefd, O_CLOEXEC));
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		fault_walk(_metadata, self, &ops[i]);
	fixture_clean(_metadata, self);
}

/* ======== version, queries and ACLs ======== */

static long c_version(FIXTURE_DATA(fault) *self)
{
	struct lpc_version v;
	int ret;

	memset(&v, 0, sizeof(v));
	ret = sys_lpc_version(self->dev, &v);
	self->raw = v.max_msg_len;
	return ret;
}

static void a_version(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (!ret) {
		ASSERT_EQ((__u64)LPC_MSG_MAX, self->raw);
	}
}

static long c_port_list(FIXTURE_DATA(fault) *self)
{
	__u32 n;
	int ret = query(self->dev, LPC_IOC_PORT_LIST, NULL, self->kbuf, 8,
			sizeof(struct lpc_port_info), &n);

	self->raw = n;
	return ret;
}

static long c_port_info(FIXTURE_DATA(fault) *self)
{
	__u32 n;
	int ret = query(self->dev, LPC_IOC_PORT_INFO, self->name, self->kbuf,
			1, sizeof(struct lpc_port_info), &n);

	self->raw = n;
	return ret;
}

static long c_conn_list(FIXTURE_DATA(fault) *self)
{
	__u32 n;
	int ret = query(self->dev, LPC_IOC_CONN_LIST, self->name, self->kbuf,
			8, sizeof(struct lpc_conn_info), &n);

	self->raw = n;
	return ret;
}

static void a_query(struct __test_metadata *_metadata,
		    FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (!ret) {
		ASSERT_LE(1, self->raw);
	}
}

static long c_acl_get(FIXTURE_DATA(fault) *self)
{
	__u32 n = 8;
	int ret = acl_req(self->dev, LPC_IOC_ACL_GET, self->name,
			  (struct lpc_ace *)self->kbuf, &n);

	self->raw = n;
	return ret;
}

static long c_acl_set(FIXTURE_DATA(fault) *self)
{
	__u32 n = 3;

	memcpy(self->out, acl3, sizeof(acl3));
	return acl_req(self->dev, LPC_IOC_ACL_SET, self->name,
		       (struct lpc_ace *)self->out, &n);
}

static void a_acl_get(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (!ret) {
		ASSERT_EQ(1, self->raw);
	}
}

static void a_acl_set(struct __test_metadata *_metadata,
		      FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	struct lpc_ace aces[8];
	__u32 n = 8;

	ASSERT_EQ(0, acl_req(self->dev, LPC_IOC_ACL_GET, self->name, aces,
			     &n));
	/* A failed set changed nothing; a successful one everything. */
	ASSERT_EQ(ret ? 1U : 3U, n);
	if (ret)
		return;
	ASSERT_EQ(0, memcmp(aces, acl3, sizeof(acl3)));
	n = 0;
	ASSERT_EQ(0, acl_req(self->dev, LPC_IOC_ACL_SET, self->name, NULL, &n));
}

TEST_F_TIMEOUT(fault, queries_and_acls, 600)
{
	const struct fop ops[] = {
		{ "VERSION", ERRS(EFAULT),
		  NULL, c_version, a_version },
		{ "PORT_LIST", ERRS(ENOMEM, EFAULT),
		  NULL, c_port_list, a_query },
		{ "PORT_INFO", ERRS(ENOMEM, EFAULT),
		  NULL, c_port_info, a_query },
		{ "CONN_LIST", ERRS(ENOMEM, EFAULT),
		  NULL, c_conn_list, a_query },
		{ "ACL_GET", ERRS(ENOMEM, EFAULT),
		  NULL, c_acl_get, a_acl_get },
		{ "ACL_SET (3 entries)", ERRS(ENOMEM, EFAULT),
		  NULL, c_acl_set, a_acl_set },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		fault_walk(_metadata, self, &ops[i]);
	fixture_clean(_metadata, self);
}

/* ======== cancel, sender check, disconnect, close ======== */

static void p_cancel(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self)
{
	p_queued(_metadata, self, true);
}

static long c_cancel(FIXTURE_DATA(fault) *self)
{
	struct lpc_cancel c;

	memset(&c, 0, sizeof(c));
	c.id = self->id;
	return sys_lpc_cancel(self->client, &c);
}

static void a_cancel(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (ret) {
		ASSERT_QUEUED(self->cport);
		return;
	}
	/* Withdrawn unseen. */
	ASSERT_EMPTY(self->cport);
	ASSERT_EMPTY(self->client);
	self->state = 0;
}

static long c_sender(FIXTURE_DATA(fault) *self)
{
	struct lpc_sender s;
	int ret;

	memset(&s, 0, sizeof(s));
	ret = lpc_ioctl(self->server, LPC_IOC_SENDER_CHECK, &s);
	self->raw = s.pid;
	return ret;
}

static void a_sender(struct __test_metadata *_metadata,
		     FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (!ret) {
		ASSERT_EQ(getpid(), self->raw);
	}
}

/* A second connection, with messages queued both ways. */
static void p_conn2(struct __test_metadata *_metadata,
		    FIXTURE_DATA(fault) *self)
{
	if (self->state)
		return;
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      CTX_ACC, 0, &self->fd, &self->fd2));
	ASSERT_EQ(0, lpc_send(self->fd, LPC_MSG_DATAGRAM, self->sbuf, BIG,
			      NULL));
	ASSERT_EQ(0, lpc_send(self->fd2, LPC_MSG_DATAGRAM, self->sbuf, BIG,
			      NULL));
	self->state = 1;
}

static long c_disconnect(FIXTURE_DATA(fault) *self)
{
	return sys_lpc_disconnect(self->fd2);
}

static void a_disconnect(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	if (ret)
		return;
	/* Everything queued either way is dropped; the client is told. */
	ASSERT_RECV(self->fd, LPC_MSG_PORT_CLOSED, 0, NULL, 0);
	ASSERT_EQ(-ENOTCONN, lpc_recv_nb(self->fd, NULL, self->rbuf, BUF));
	ASSERT_EMPTY(self->cport);
	lpc_close(&self->fd);
	lpc_close(&self->fd2);
	self->state = 0;
}

static long c_close_client(FIXTURE_DATA(fault) *self)
{
	int fd = self->fd;

	self->fd = -1;
	return close(fd) ? -errno : 0;
}

static void a_close_client(struct __test_metadata *_metadata,
			   FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	ASSERT_EQ(0, ret);
	/* Its datagram is dropped; the server gets the notice. */
	ASSERT_RECV(self->cport, LPC_MSG_PORT_CLOSED, 0, NULL, 0);
	ASSERT_EQ(CTX_ACC, self->info.context);
	ASSERT_EMPTY(self->cport);
	ASSERT_EQ(-ENOTCONN, lpc_send(self->fd2, LPC_MSG_DATAGRAM, self->sbuf,
				      SMALL, NULL));
	lpc_close(&self->fd2);
	self->state = 0;
}

/* A connection port of its own, one connection, messages both ways. */
static void p_port2(struct __test_metadata *_metadata,
		    FIXTURE_DATA(fault) *self)
{
	if (self->state)
		return;
	self->fd3 = create_port(self->dev, self->tmpname, 0, NULL, 0);
	ASSERT_LE(0, self->fd3);
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->fd3, self->tmpname,
				      CTX_ACC, 0, &self->fd, &self->fd2));
	ASSERT_EQ(0, lpc_send(self->fd, LPC_MSG_DATAGRAM, self->sbuf, BIG,
			      NULL));
	ASSERT_EQ(0, lpc_request_async(self->fd, self->sbuf, BIG, BIG,
				       &self->id));
	ASSERT_EQ(0, lpc_send(self->fd2, LPC_MSG_DATAGRAM, self->sbuf, BIG,
			      NULL));
	self->state = 1;
}

static long c_close_port(FIXTURE_DATA(fault) *self)
{
	int fd = self->fd3;

	self->fd3 = -1;
	return close(fd) ? -errno : 0;
}

static void a_close_port(struct __test_metadata *_metadata,
			 FIXTURE_DATA(fault) *self, long ret, bool fired)
{
	struct lpc_port_info info;
	bool lost = false, closed = false;
	int i;

	ASSERT_EQ(0, ret);
	ASSERT_EQ(-ENOENT, query(self->dev, LPC_IOC_PORT_INFO, self->tmpname,
				 &info, 1, sizeof(info), NULL));
	/* The client learns its request is lost and the port closed. */
	for (i = 0; i < 3 && !(lost && closed); i++) {
		ASSERT_EQ(0, lpc_recv(self->fd, &self->info, self->rbuf, BUF,
				      LPC_WAIT_NS));
		if (self->info.type == LPC_MSG_LOST_REPLY)
			lost = true;
		else if (self->info.type == LPC_MSG_PORT_CLOSED)
			closed = true;
	}
	ASSERT_TRUE(closed);
	ASSERT_EQ(-ENOTCONN, lpc_recv_nb(self->fd, NULL, self->rbuf, BUF));
	lpc_close(&self->fd);
	lpc_close(&self->fd2);
	self->state = 0;
}

TEST_F_TIMEOUT(fault, cancel_disconnect_close, 600)
{
	const struct fop ops[] = {
		{ "CANCEL (queued request)", ERRS(EFAULT),
		  p_cancel, c_cancel, a_cancel },
		{ "SENDER_CHECK (server port)", ERRS(EFAULT),
		  NULL, c_sender, a_sender },
		{ "DISCONNECT (server port)", ERRS(ENOMEM),
		  p_conn2, c_disconnect, a_disconnect },
		{ "close() client port", ERRS(ENOMEM),
		  p_conn2, c_close_client, a_close_client },
		{ "close() connection port", ERRS(ENOMEM),
		  p_port2, c_close_port, a_close_port },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		fault_walk(_metadata, self, &ops[i]);
	fixture_clean(_metadata, self);
}

/* ======== what the kernel prints, and what is left ======== */

/* Lines of the kernel log after @marker; the caller frees them. */
static char *klog_after(const char *marker)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *at;
	int n;

	if (size <= 0)
		return NULL;
	buf = malloc((size_t)size + 1);
	if (!buf)
		return NULL;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	at = strstr(buf, marker);
	if (!at) {
		free(buf);
		return NULL;
	}
	memmove(buf, at, strlen(at) + 1);
	return buf;
}

/*
 * An injected failure is reported, when the fault type is verbose, as a
 * notice ("FAULT_INJECTION: forcing a failure.") and a stack dump: none
 * of it is what the harness fails a test for (WARNING:, BUG:, Oops...).
 * With verbose 0, as the other tests run, nothing at all is printed.
 */
TEST_F(fault, injection_notice_is_no_kernel_report)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "Oops", "general protection",
		"kernel BUG", "KASAN:", "UBSAN:", "refcount_t:",
	};
	static const char *const verbose[] = {
		"failslab/verbose", "fail_page_alloc/verbose",
		"fail_usercopy/verbose",
	};
	char marker[64];
	char *log;
	size_t i;
	int kmsg, fd, n;
	bool fired;

	snprintf(marker, sizeof(marker), "lpc-fault-test: notice %d", getpid());
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, kmsg);
	ASSERT_LT(0, write(kmsg, marker, strlen(marker)));
	close(kmsg);

	for (i = 0; i < ARRAY_SIZE(verbose); i++)
		ASSERT_EQ(0, knob_write(verbose[i], "2"));
	/* Point 1 is the struct's copy in, point 2 an allocation. */
	for (n = 1; n <= 2; n++) {
		ASSERT_EQ(0, fnth_write(self->fnth, n));
		fd = create_port(self->dev, self->tmpname, 0, NULL, 0);
		fired = fnth_fired(self->fnth);
		ASSERT_TRUE(fired);
		ASSERT_GT(0, fd);
	}
	for (i = 0; i < ARRAY_SIZE(verbose); i++)
		ASSERT_EQ(0, knob_write(verbose[i], "0"));

	log = klog_after(marker);
	ASSERT_NE(NULL, log);
	EXPECT_NE(NULL, strstr(log, "FAULT_INJECTION: forcing a failure")) {
		TH_LOG("no injection notice in the log:\n%s", log);
	}
	/* For the record: the notice and the first lines after it. */
	{
		char *line, *save = NULL, *copy = strdup(log);
		int shown = 0;

		for (line = strtok_r(copy, "\n", &save); line && shown < 12;
		     line = strtok_r(NULL, "\n", &save))
			if (shown || strstr(line, "FAULT_INJECTION")) {
				ksft_print_msg("kernel: %s\n", line);
				shown++;
			}
		free(copy);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(NULL, strstr(log, bad[i])) {
			TH_LOG("the injection printed \"%s\":\n%s", bad[i],
			       log);
		}
	}
	free(log);
}

/*
 * Run last: every port, connection and section the walks created (and
 * failed to create) is gone, and so is its per-user charge.
 */
TEST_F_TIMEOUT(fault, nothing_left_charged, 120)
{
	char why[256], first[LPC_NAME_MAX + 1];
	int ret;

	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	ret = lpc_count_ports(self->dev, first, sizeof(first));
	ASSERT_EQ(0, ret) {
		TH_LOG("ports still listed (first: \"%s\")", first);
	}
	ret = lpc_charges_zero(why, sizeof(why));
	if (ret == -ENOENT)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) {
		TH_LOG("%s", why);
	}
}

TEST_HARNESS_MAIN
