/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw ioctl wrappers and small helpers for the lpc selftests.
 *
 * In the style of tools/testing/selftests/pidfd/pidfd.h: nothing here
 * depends on liblpc, only on uapi/linux/lpc.h, so the kernel tests stay
 * independent of the library.
 *
 * Conventions:
 * - sys_lpc_*() are one ioctl each. They return what the ioctl returned
 *   (0 or a new fd) or -errno on failure, so a test can say
 *   ASSERT_EQ(-ENOENT, sys_lpc_connect(dev, &c)).
 * - Every helper that blocks passes a timeout to the kernel, so a broken
 *   module fails a test instead of hanging it: LPC_WAIT_NS for waits that
 *   are expected to succeed, LPC_SHORT_NS for waits that are expected to
 *   time out.
 * - Helpers never use the harness' ASSERT_*(): they are also called from
 *   helper threads and forked children, where a longjmp() is not allowed.
 *
 * Include kselftest_harness.h before this file to get LPC_SKIP() and
 * LPC_OPEN_DEV_OR_SKIP().
 */
#ifndef __LPC_SYS_H
#define __LPC_SYS_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/lpc.h>

#define LPC_DEV_PATH		"/dev/lpc"

#define LPC_NSEC_PER_MSEC	1000000ULL
#define LPC_NSEC_PER_SEC	1000000000ULL
/* Waits that must succeed: generous, the test VM runs under TCG. */
#define LPC_WAIT_NS		(20ULL * LPC_NSEC_PER_SEC)
#define LPC_WAIT_MS		20000
/* Waits that are expected to time out. */
#define LPC_SHORT_NS		(100ULL * LPC_NSEC_PER_MSEC)

static inline __u64 lpc_ptr(const void *p)
{
	return (__u64)(uintptr_t)p;
}

static inline pid_t lpc_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static inline __u64 lpc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * LPC_NSEC_PER_SEC + (__u64)ts.tv_nsec;
}

/* An address that is certainly not mapped: a page we mapped and unmapped. */
static inline void *lpc_bad_ptr(void)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		return (void *)(uintptr_t)8;	/* the zero page */
	munmap(p, 4096);
	return p;
}

/* ---- raw ioctls: the result, or -errno ---- */

static inline int lpc_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

static inline int sys_lpc_version(int dev, struct lpc_version *v)
{
	return lpc_ioctl(dev, LPC_IOC_VERSION, v);
}

static inline int sys_lpc_create_port(int dev, struct lpc_port_attr *attr)
{
	return lpc_ioctl(dev, LPC_IOC_CREATE_PORT, attr);
}

static inline int sys_lpc_connect(int dev, struct lpc_connect *c)
{
	return lpc_ioctl(dev, LPC_IOC_CONNECT, c);
}

static inline int sys_lpc_accept(int port, struct lpc_accept *a)
{
	return lpc_ioctl(port, LPC_IOC_ACCEPT, a);
}

static inline int sys_lpc_xfer(int port, struct lpc_xfer *x)
{
	return lpc_ioctl(port, LPC_IOC_XFER, x);
}

static inline int sys_lpc_cancel(int port, struct lpc_cancel *c)
{
	return lpc_ioctl(port, LPC_IOC_CANCEL, c);
}

static inline int sys_lpc_disconnect(int port)
{
	return lpc_ioctl(port, LPC_IOC_DISCONNECT, NULL);
}

/* A section of @size bytes on communication port @port: fd or -errno. */
static inline int lpc_section_new(int port, __u64 size)
{
	struct lpc_section_attr a;

	memset(&a, 0, sizeof(a));
	a.size = size;
	return lpc_ioctl(port, LPC_IOC_SECTION_CREATE, &a);
}

/* Unmap the view received at @addr through @port: 0 or -errno. */
static inline int lpc_release_view(int port, __u64 addr)
{
	struct lpc_view_release r;

	memset(&r, 0, sizeof(r));
	r.addr = addr;
	return lpc_ioctl(port, LPC_IOC_VIEW_RELEASE, &r);
}

/* ---- /dev/lpc ---- */

static inline int lpc_open_dev(void)
{
	int fd = open(LPC_DEV_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* The module's feature bits, or 0 if it cannot tell. */
static inline __u64 lpc_features(int dev)
{
	struct lpc_version v;

	memset(&v, 0, sizeof(v));
	if (sys_lpc_version(dev, &v))
		return 0;
	return v.features;
}

/*
 * A port name unique to this process, this test and this call:
 * "lpc-selftest/<pid>/<tag>/<n>". Each harness test runs in its own
 * process, so names never clash between tests.
 */
static inline void lpc_name(char *buf, size_t size, const char *tag)
{
	static unsigned int seq;

	snprintf(buf, size, "lpc-selftest/%d/%s/%u", getpid(), tag, seq++);
}

/* ---- create and connect ---- */

static inline void lpc_port_attr_init(struct lpc_port_attr *a,
				      const char *name)
{
	memset(a, 0, sizeof(*a));
	a->name = lpc_ptr(name);
	a->name_len = (__u32)strlen(name);
}

/* Create a connection port with default limits: fd or -errno. */
static inline int lpc_create(int dev, const char *name)
{
	struct lpc_port_attr a;

	lpc_port_attr_init(&a, name);
	return sys_lpc_create_port(dev, &a);
}

/*
 * Create a connection port with the given limits: fd or -errno. The tests
 * that use it exercise the port's queue, so one connection may fill it:
 * its share (max_conn_queued) is the whole queue. share_test.c tests
 * the shares.
 */
static inline int lpc_create_limits(int dev, const char *name,
				    __u32 max_msg_len, __u32 max_conn_data_len,
				    __u32 max_queued, __u32 max_conns)
{
	struct lpc_port_attr a;

	lpc_port_attr_init(&a, name);
	a.max_msg_len = max_msg_len;
	a.max_conn_data_len = max_conn_data_len;
	a.max_queued = max_queued;
	a.max_conns = max_conns;
	a.max_conn_queued = max_queued ? max_queued : LPC_DEFAULT_QUEUE;
	return sys_lpc_create_port(dev, &a);
}

/* Connect request with a timeout and nothing else. */
static inline void lpc_connect_init(struct lpc_connect *c, const char *name,
				    __u64 timeout_ns)
{
	memset(c, 0, sizeof(*c));
	c->name = lpc_ptr(name);
	c->name_len = (__u32)strlen(name);
	c->flags = LPC_CONNECT_TIMEOUT;
	c->timeout_ns = timeout_ns;
}

/* Accept (or with LPC_ACCEPT_REJECT refuse) request @id: fd, 0 or -errno. */
static inline int lpc_accept_id(int cport, __u64 id, __u64 context,
				const void *data, __u32 len, __u32 flags)
{
	struct lpc_accept a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.context = context;
	a.data = lpc_ptr(data);
	a.data_len = len;
	a.flags = flags;
	return sys_lpc_accept(cport, &a);
}

/* ---- messages ---- */

/* Receive one message, waiting at most @timeout_ns: 0 or -errno. */
static inline int lpc_recv(int port, struct lpc_msg_info *info, void *buf,
			   __u32 cap, __u64 timeout_ns)
{
	struct lpc_xfer x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x.timeout_ns = timeout_ns;
	x.recv_buf = lpc_ptr(buf);
	x.recv_cap = cap;
	ret = sys_lpc_xfer(port, &x);
	if (info)
		*info = x.info;
	return ret;
}

/* Receive one message without waiting: 0 or -errno. */
static inline int lpc_recv_nb(int port, struct lpc_msg_info *info, void *buf,
			      __u32 cap)
{
	struct lpc_xfer x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_NONBLOCK;
	x.recv_buf = lpc_ptr(buf);
	x.recv_cap = cap;
	ret = sys_lpc_xfer(port, &x);
	if (info)
		*info = x.info;
	return ret;
}

/*
 * Send one message of @type (a datagram, an asynchronous request, or with
 * @id set on input a reply), waiting at most LPC_WAIT_NS for queue space.
 * The kernel-assigned id is stored in *@id for requests and datagrams.
 */
static inline int lpc_send(int port, __u32 type, const void *buf, __u32 len,
			   __u64 *id)
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
	ret = sys_lpc_xfer(port, &x);
	if (id)
		*id = x.send_id;
	return ret;
}

static inline int lpc_datagram(int port, const void *buf, __u32 len)
{
	return lpc_send(port, LPC_MSG_DATAGRAM, buf, len, NULL);
}

static inline int lpc_reply(int port, __u64 id, const void *buf, __u32 len)
{
	return lpc_send(port, LPC_MSG_REPLY, buf, len, &id);
}

/*
 * Send an asynchronous request (LPC_XFER_SEND only) whose reply may be up
 * to @reply_cap bytes; the reply is queued on @port later. Stores the
 * request's id in *@id: 0 or -errno.
 */
static inline int lpc_request_async(int port, const void *buf, __u32 len,
				    __u32 reply_cap, __u64 *id)
{
	struct lpc_xfer x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.send_type = LPC_MSG_REQUEST;
	x.send_buf = lpc_ptr(buf);
	x.send_len = len;
	x.recv_cap = reply_cap;
	ret = sys_lpc_xfer(port, &x);
	*id = x.send_id;
	return ret;
}

/* Fill @x for a synchronous request (request-and-wait-reply). */
static inline void lpc_request_init(struct lpc_xfer *x, const void *buf,
				    __u32 len, void *rbuf, __u32 rcap,
				    __u64 timeout_ns)
{
	memset(x, 0, sizeof(*x));
	x->flags = LPC_XFER_SEND | LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x->timeout_ns = timeout_ns;
	x->send_type = LPC_MSG_REQUEST;
	x->send_buf = lpc_ptr(buf);
	x->send_len = len;
	x->recv_buf = lpc_ptr(rbuf);
	x->recv_cap = rcap;
}

/* ---- processes and fds ---- */

/*
 * The value of @key in /proc/self/fdinfo/<@fd> ("key:<blanks>value"),
 * copied into @val: 0, or -ENOENT if there is no such line, -errno.
 */
static inline int lpc_fdinfo(int fd, const char *key, char *val, size_t size)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		snprintf(val, size, "%s", line + klen + 1 +
			 strspn(line + klen + 1, " \t"));
		val[strcspn(val, "\n")] = '\0';
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* poll() one fd for @events: the revents seen, 0 on timeout, -errno. */
static inline int lpc_poll(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int ret = poll(&pfd, 1, timeout_ms);

	if (ret < 0)
		return -errno;
	return ret ? pfd.revents : 0;
}

/* ---- module parameters: 0 or -errno ---- */

#define LPC_PARAM_DIR	"/sys/module/lpc/parameters/"

static inline int lpc_param_read(const char *name, unsigned long *val)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), LPC_PARAM_DIR "%s", name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ok = fscanf(f, "%lu", val) == 1;
	fclose(f);
	return ok ? 0 : -EIO;
}

static inline int lpc_param_write(const char *name, unsigned long val)
{
	char path[128];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), LPC_PARAM_DIR "%s", name);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fprintf(f, "%lu\n", val) < 0)
		ret = -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

static inline void lpc_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- harness glue ---- */
#ifdef __KSELFTEST_HARNESS_H

/*
 * SKIP() from a FIXTURE_SETUP() or a test body. The harness (from Linux
 * 6.12, see the Makefile) ends the test there and reports it skipped; the
 * harness of Linux 6.1 to 6.8 would still run the body after a SKIP() in
 * FIXTURE_SETUP().
 */
#define LPC_SKIP(fmt, ...) SKIP(return, fmt, ##__VA_ARGS__)

/*
 * Open /dev/lpc into @dev, or skip the test when the module is not loaded
 * or lacks one of the LPC_FEAT_* bits in @feats.
 */
#define LPC_OPEN_DEV_OR_SKIP(dev, feats) do {				\
		__u64 __need = (feats) | LPC_FEAT_PORTS;		\
		__u64 __have;						\
		(dev) = lpc_open_dev();					\
		if ((dev) == -ENOENT || (dev) == -ENXIO ||		\
		    (dev) == -ENODEV)					\
			LPC_SKIP("%s: not present (module not loaded)",	\
				 LPC_DEV_PATH);				\
		ASSERT_LE(0, (dev)) {					\
			TH_LOG("open %s: %s", LPC_DEV_PATH,		\
			       strerror(-(dev)));			\
		}							\
		__have = lpc_features(dev);				\
		if ((__have & __need) != __need)			\
			LPC_SKIP("module lacks features 0x%llx",	\
				 (unsigned long long)(__need & ~__have)); \
	} while (0)

/*
 * After a receive timed out: is a message queued after all? Then the
 * waiter missed its wake-up, and the log says so.
 */
static inline void lpc_log_lost_wakeup(struct __test_metadata *_metadata,
				       int port)
{
	struct lpc_msg_info info;
	char buf[LPC_DEFAULT_MSG_LEN];
	int ret = lpc_recv_nb(port, &info, buf, sizeof(buf));

	if (ret == 0 || ret == -EMSGSIZE)
		TH_LOG("LOST WAKE-UP: a message of type %u is queued on fd %d",
		       info.type, port);
	else
		TH_LOG("nothing queued on fd %d either (%s)", port,
		       strerror(-ret));
}

#endif /* __KSELFTEST_HARNESS_H */

#endif /* __LPC_SYS_H */
