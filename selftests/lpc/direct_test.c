// SPDX-License-Identifier: GPL-2.0
/*
 * Direct access: LPC_ATTR_DIRECT ranges, LPC_IOC_DIRECT_READ and
 * LPC_IOC_DIRECT_WRITE.
 *
 * The fixture is one accepted connection, all in this process; the
 * requester is a helper thread making a synchronous request that declares
 * ranges of its buffers, and the test body is the server. Tests about a
 * requester that dies use a forked client instead.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
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

#define MIB		(1024ULL * 1024)
#define PAGE		4096ULL

/* ---- helpers ---- */

static int direct(int port, bool write, __u64 id, __u32 range,
		  __u64 offset, void *buf, __u64 len, __u32 flags)
{
	struct lpc_direct d;

	memset(&d, 0, sizeof(d));
	d.id = id;
	d.range = range;
	d.flags = flags;
	d.offset = offset;
	d.buf = lpc_ptr(buf);
	d.len = len;
	return lpc_ioctl(port, write ? LPC_IOC_DIRECT_WRITE :
				       LPC_IOC_DIRECT_READ, &d);
}

static int dread(int port, __u64 id, __u32 range, __u64 offset, void *buf,
		 __u64 len)
{
	return direct(port, false, id, range, offset, buf, len, 0);
}

static int dwrite(int port, __u64 id, __u32 range, __u64 offset,
		  const void *buf, __u64 len)
{
	return direct(port, true, id, range, offset, (void *)buf, len, 0);
}

static void attr_init(struct lpc_msg_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->view.section_fd = -1;
}

static void attr_range(struct lpc_msg_attr *a, const void *addr, __u64 len,
		       __u32 access)
{
	struct lpc_range *r = &a->ranges[a->nr_ranges++];

	a->flags |= LPC_ATTR_DIRECT;
	r->addr = lpc_ptr(addr);
	r->length = len;
	r->access = access;
}

/* Receive one message with attributes. */
static int recv_attr(int port, struct lpc_msg_info *info, void *buf,
		     __u32 cap, struct lpc_msg_attr *attr)
{
	struct lpc_xfer x;
	int ret;

	attr_init(attr);
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.recv_buf = lpc_ptr(buf);
	x.recv_cap = cap;
	x.recv_attr = lpc_ptr(attr);
	ret = sys_lpc_xfer(port, &x);
	if (info)
		*info = x.info;
	return ret;
}

/* A request declaring ranges, synchronous on a helper thread. */
struct dreq {
	struct lpc_call call;
	struct lpc_xfer x;
	struct lpc_msg_attr attr;
	char rbuf[64];
};

static int dreq_start(struct dreq *r, int port)
{
	lpc_request_init(&r->x, "direct", 6, r->rbuf, sizeof(r->rbuf),
			 LPC_WAIT_NS);
	r->x.send_attr = lpc_ptr(&r->attr);
	return lpc_call_start(&r->call, port, LPC_IOC_XFER, &r->x);
}

/* The same, asynchronous, from this thread: 0 or -errno; id in *@id. */
static int dreq_async(int port, struct lpc_msg_attr *attr, __u64 *id)
{
	struct lpc_xfer x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.send_type = LPC_MSG_REQUEST;
	x.send_buf = lpc_ptr("async");
	x.send_len = 5;
	x.recv_cap = 64;
	x.send_attr = lpc_ptr(attr);
	ret = sys_lpc_xfer(port, &x);
	*id = x.send_id;
	return ret;
}

static void fill(unsigned char *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(i * 131 + seed + (i >> 12));
}

/* ---- fixture ---- */

FIXTURE(direct) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info info;
	struct lpc_msg_attr attr;
	struct dreq req;
};

FIXTURE_SETUP(direct)
{
	int ret;

	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_DIRECT);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
	ret = lpc_connect_pair(self->dev, self->cport, self->name, 1, 0,
			       &self->client, &self->server);
	ASSERT_EQ(0, ret) {
		TH_LOG("set up a connection: %s", strerror(-ret));
	}
	memset(&self->req, 0, sizeof(self->req));
	attr_init(&self->req.attr);
}

FIXTURE_TEARDOWN(direct)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* Server: receive the next message with its attributes into self. */
#define SERVER_RECV() do {						\
		int __r = recv_attr(self->cport, &self->info, self->buf, \
				    sizeof(self->buf), &self->attr);	\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("server receive: %s", strerror(-__r));	\
		}							\
	} while (0)

/* Start self->req (ranges already in self->req.attr) and receive it. */
#define START_REQUEST() do {						\
		ASSERT_EQ(0, dreq_start(&self->req, self->client));	\
		SERVER_RECV();						\
		ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);	\
	} while (0)

/* Answer self->req and collect the requester's result. */
#define FINISH_REQUEST() do {						\
		ASSERT_EQ(0, lpc_reply(self->server, self->info.id, "k", 1)); \
		ASSERT_EQ(0, lpc_call_join(&self->req.call));		\
	} while (0)

/* ---- the ranges arrive ---- */

TEST_F(direct, ranges_described_to_receiver)
{
	static char in[100], out[5000];

	attr_range(&self->req.attr, in, sizeof(in), LPC_ACCESS_READ);
	attr_range(&self->req.attr, out, sizeof(out),
		   LPC_ACCESS_READ | LPC_ACCESS_WRITE);
	START_REQUEST();
	ASSERT_TRUE(self->attr.flags & LPC_ATTR_DIRECT);
	ASSERT_EQ(2U, self->attr.nr_ranges);
	EXPECT_EQ(0ULL, self->attr.ranges[0].addr);
	EXPECT_EQ((__u64)sizeof(in), self->attr.ranges[0].length);
	EXPECT_EQ(LPC_ACCESS_READ, self->attr.ranges[0].access);
	EXPECT_EQ(0ULL, self->attr.ranges[1].addr);
	EXPECT_EQ((__u64)sizeof(out), self->attr.ranges[1].length);
	EXPECT_EQ(LPC_ACCESS_READ | LPC_ACCESS_WRITE,
		  self->attr.ranges[1].access);
	FINISH_REQUEST();
}

/* ---- reading and writing ---- */

TEST_F(direct, read_declared_range)
{
	static unsigned char in[3 * PAGE + 123], got[sizeof(in)];

	fill(in, sizeof(in), 1);
	attr_range(&self->req.attr, in, sizeof(in), LPC_ACCESS_READ);
	START_REQUEST();
	EXPECT_EQ((int)sizeof(in), dread(self->cport, self->info.id, 0, 0,
					 got, sizeof(got)));
	EXPECT_EQ(0, memcmp(in, got, sizeof(in)));
	/* A piece from the middle, across a page boundary. */
	memset(got, 0, sizeof(got));
	EXPECT_EQ(200, dread(self->cport, self->info.id, 0, PAGE - 100, got,
			     200));
	EXPECT_EQ(0, memcmp(in + PAGE - 100, got, 200));
	/* The last byte, and nothing at all. */
	EXPECT_EQ(1, dread(self->cport, self->info.id, 0, sizeof(in) - 1,
			   got, 1));
	EXPECT_EQ(in[sizeof(in) - 1], got[0]);
	EXPECT_EQ(0, dread(self->cport, self->info.id, 0, sizeof(in), got,
			   0));
	FINISH_REQUEST();
}

TEST_F(direct, write_declared_range)
{
	static unsigned char out[2 * PAGE + 7], data[sizeof(out)];
	static unsigned char guard[2][64];
	unsigned char *mem;

	/* The range sits between two guard areas that must not change. */
	mem = malloc(sizeof(out) + 128);
	ASSERT_NE(NULL, mem);
	memset(mem, 0x5a, sizeof(out) + 128);
	memcpy(guard[0], mem, 64);
	memcpy(guard[1], mem + 64 + sizeof(out), 64);
	fill(data, sizeof(data), 9);
	attr_range(&self->req.attr, mem + 64, sizeof(out), LPC_ACCESS_WRITE);
	START_REQUEST();
	EXPECT_EQ((int)sizeof(data), dwrite(self->server, self->info.id, 0, 0,
					    data, sizeof(data)));
	FINISH_REQUEST();
	EXPECT_EQ(0, memcmp(mem + 64, data, sizeof(data)));
	EXPECT_EQ(0, memcmp(mem, guard[0], 64));
	EXPECT_EQ(0, memcmp(mem + 64 + sizeof(out), guard[1], 64));
	free(mem);
}

TEST_F(direct, read_and_write_1mib_checksummed)
{
	unsigned char *in, *out, *got, *data;

	in = malloc(MIB);
	out = malloc(MIB);
	got = malloc(MIB);
	data = malloc(MIB);
	ASSERT_TRUE(in && out && got && data);
	fill(in, MIB, 3);
	fill(data, MIB, 4);
	memset(out, 0, MIB);
	attr_range(&self->req.attr, in, MIB, LPC_ACCESS_READ);
	attr_range(&self->req.attr, out, MIB, LPC_ACCESS_WRITE);
	START_REQUEST();
	EXPECT_EQ((int)MIB, dread(self->cport, self->info.id, 0, 0, got,
				  MIB));
	EXPECT_EQ((int)MIB, dwrite(self->cport, self->info.id, 1, 0, data,
				   MIB));
	FINISH_REQUEST();
	EXPECT_EQ(0, memcmp(in, got, MIB));
	EXPECT_EQ(0, memcmp(out, data, MIB));
	free(in);
	free(out);
	free(got);
	free(data);
}

/* ---- errors ---- */

TEST_F(direct, out_of_range_erange)
{
	static char in[1000], got[2000];

	attr_range(&self->req.attr, in, sizeof(in),
		   LPC_ACCESS_READ | LPC_ACCESS_WRITE);
	START_REQUEST();
	EXPECT_EQ(-ERANGE, dread(self->cport, self->info.id, 0, 0, got,
				 sizeof(in) + 1));
	EXPECT_EQ(-ERANGE, dread(self->cport, self->info.id, 0, 1, got,
				 sizeof(in)));
	EXPECT_EQ(-ERANGE, dread(self->cport, self->info.id, 0,
				 sizeof(in) + 1, got, 0));
	EXPECT_EQ(-ERANGE, dwrite(self->cport, self->info.id, 0, 999, got,
				  2));
	EXPECT_EQ(-ERANGE, dread(self->cport, self->info.id, 0, ~0ULL, got,
				 2));
	EXPECT_EQ(-ERANGE, dread(self->cport, self->info.id, 0, 10, got,
				 ~0ULL - 5));
	FINISH_REQUEST();
}

TEST_F(direct, wrong_mode_eacces)
{
	static char ro[64], wo[64], buf[64];

	attr_range(&self->req.attr, ro, sizeof(ro), LPC_ACCESS_READ);
	attr_range(&self->req.attr, wo, sizeof(wo), LPC_ACCESS_WRITE);
	START_REQUEST();
	EXPECT_EQ(-EACCES, dwrite(self->cport, self->info.id, 0, 0, buf, 1));
	EXPECT_EQ(-EACCES, dread(self->cport, self->info.id, 1, 0, buf, 1));
	EXPECT_EQ(1, dread(self->cport, self->info.id, 0, 0, buf, 1));
	EXPECT_EQ(1, dwrite(self->cport, self->info.id, 1, 0, buf, 1));
	FINISH_REQUEST();
}

TEST_F(direct, bad_range_index_einval)
{
	static char in[64], buf[64];

	attr_range(&self->req.attr, in, sizeof(in), LPC_ACCESS_READ);
	START_REQUEST();
	EXPECT_EQ(-EINVAL, dread(self->cport, self->info.id, 1, 0, buf, 1));
	EXPECT_EQ(-EINVAL, dread(self->cport, self->info.id, LPC_MAX_RANGES,
				 0, buf, 1));
	EXPECT_EQ(-EINVAL, dread(self->cport, self->info.id, ~0U, 0, buf, 1));
	FINISH_REQUEST();
}

TEST_F(direct, request_without_ranges_einval)
{
	char buf[8];
	__u64 id;

	ASSERT_EQ(0, lpc_request_async(self->client, "plain", 5, 64, &id));
	SERVER_RECV();
	EXPECT_EQ(-EINVAL, dread(self->cport, self->info.id, 0, 0, buf, 1));
	ASSERT_EQ(0, lpc_reply(self->cport, self->info.id, "k", 1));
}

TEST_F(direct, unknown_flags_einval)
{
	static char in[64], buf[64];

	attr_range(&self->req.attr, in, sizeof(in), LPC_ACCESS_READ);
	START_REQUEST();
	EXPECT_EQ(-EINVAL, direct(self->cport, false, self->info.id, 0, 0,
				  buf, 1, 1));
	EXPECT_EQ(-EINVAL, direct(self->cport, true, self->info.id, 0, 0,
				  buf, 1, 1U << 31));
	FINISH_REQUEST();
}

TEST_F(direct, unknown_request_enoent)
{
	char buf[8];

	EXPECT_EQ(-ENOENT, dread(self->cport, 12345, 0, 0, buf, 1));
	EXPECT_EQ(-ENOENT, dread(self->server, 0, 0, 0, buf, 1));
}

TEST_F(direct, after_reply_enoent)
{
	static char in[64], buf[64];
	__u64 id;

	attr_range(&self->req.attr, in, sizeof(in), LPC_ACCESS_READ);
	START_REQUEST();
	id = self->info.id;
	FINISH_REQUEST();
	EXPECT_EQ(-ENOENT, dread(self->cport, id, 0, 0, buf, 1));
	EXPECT_EQ(-ENOENT, dwrite(self->server, id, 0, 0, buf, 1));
}

TEST_F(direct, after_cancel_ecanceled)
{
	static char in[64], buf[64];
	struct lpc_cancel c;
	__u64 id;

	attr_range(&self->req.attr, in, sizeof(in),
		   LPC_ACCESS_READ | LPC_ACCESS_WRITE);
	START_REQUEST();
	id = self->info.id;
	EXPECT_EQ(1, dread(self->cport, id, 0, 0, buf, 1));
	memset(&c, 0, sizeof(c));
	c.id = id;
	ASSERT_EQ(0, sys_lpc_cancel(self->client, &c));
	EXPECT_EQ(-ECANCELED, lpc_call_join(&self->req.call));
	EXPECT_EQ(-ECANCELED, dread(self->cport, id, 0, 0, buf, 1));
	EXPECT_EQ(-ECANCELED, dwrite(self->cport, id, 0, 0, buf, 1));
	EXPECT_EQ(-ECANCELED, lpc_reply(self->cport, id, "k", 1));
}

/* An asynchronous request's ranges are reachable while it is in service. */
TEST_F(direct, async_request_reachable)
{
	static char in[64] = "async", buf[64];
	struct lpc_msg_attr a;
	__u64 id;

	attr_init(&a);
	attr_range(&a, in, sizeof(in), LPC_ACCESS_READ | LPC_ACCESS_WRITE);
	ASSERT_EQ(0, dreq_async(self->client, &a, &id));
	SERVER_RECV();
	ASSERT_EQ(id, self->info.id);
	EXPECT_EQ(6, dread(self->cport, id, 0, 0, buf, 6));
	EXPECT_STREQ("async", buf);
	EXPECT_EQ(4, dwrite(self->cport, id, 0, 0, "done", 4));
	EXPECT_EQ(-ERANGE, dread(self->cport, id, 0, 64, buf, 1));
	ASSERT_EQ(0, lpc_reply(self->cport, id, "k", 1));
	EXPECT_EQ(0, memcmp(in, "done", 4));
}

/* Another connection's request is not reachable through our port. */
TEST_F(direct, other_connection_enoent)
{
	static char in[64], buf[64];
	int c2, s2;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 2,
				      0, &c2, &s2));
	attr_range(&self->req.attr, in, sizeof(in), LPC_ACCESS_READ);
	START_REQUEST();
	EXPECT_EQ(-ENOENT, dread(s2, self->info.id, 0, 0, buf, 1));
	EXPECT_EQ(1, dread(self->server, self->info.id, 0, 0, buf, 1));
	FINISH_REQUEST();
	close(c2);
	close(s2);
}

/* The requester's own protections hold: no write into read-only pages. */
TEST_F(direct, requester_readonly_memory_efault)
{
	char buf[16] = "overwrite";
	char *p;

	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p, "original");
	ASSERT_EQ(0, mprotect(p, PAGE, PROT_READ));
	attr_range(&self->req.attr, p, PAGE,
		   LPC_ACCESS_READ | LPC_ACCESS_WRITE);
	START_REQUEST();
	EXPECT_EQ(-EFAULT, dwrite(self->cport, self->info.id, 0, 0, buf,
				  sizeof(buf)));
	EXPECT_EQ(16, dread(self->cport, self->info.id, 0, 0, buf, 16));
	FINISH_REQUEST();
	EXPECT_STREQ("original", p);
	munmap(p, PAGE);
}

/* A bad buffer on the server's side is -EFAULT, nothing else. */
TEST_F(direct, bad_server_buffer_efault)
{
	static char in[64];

	attr_range(&self->req.attr, in, sizeof(in),
		   LPC_ACCESS_READ | LPC_ACCESS_WRITE);
	START_REQUEST();
	EXPECT_EQ(-EFAULT, dread(self->cport, self->info.id, 0, 0,
				 lpc_bad_ptr(), 8));
	EXPECT_EQ(-EFAULT, dwrite(self->cport, self->info.id, 0, 0,
				  lpc_bad_ptr(), 8));
	FINISH_REQUEST();
}

/* ---- a requester that dies ---- */

/*
 * Child: connect, then make a synchronous request declaring @len bytes of
 * readable and writable memory, filled, and wait for the reply (or death).
 */
static void requester_child(const char *name, size_t len)
{
	struct lpc_msg_attr a;
	struct lpc_connect c;
	struct lpc_xfer x;
	unsigned char *mem;
	char rbuf[64];
	int dev, port;

	lpc_child_init();
	mem = malloc(len);
	if (!mem)
		_exit(1);
	fill(mem, len, 5);
	dev = lpc_open_dev();
	lpc_connect_init(&c, name, LPC_WAIT_NS);
	port = sys_lpc_connect(dev, &c);
	if (port < 0)
		_exit(2);
	attr_init(&a);
	attr_range(&a, mem, len, LPC_ACCESS_READ | LPC_ACCESS_WRITE);
	lpc_request_init(&x, "die", 3, rbuf, sizeof(rbuf), LPC_WAIT_NS);
	x.send_attr = lpc_ptr(&a);
	sys_lpc_xfer(port, &x);
	_exit(0);
}

/* Fork a requester and receive its request; its pid, or -errno. */
static pid_t start_child_request(struct __test_metadata *_metadata,
				 FIXTURE_DATA(direct) *self, size_t len,
				 int *sfd)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		requester_child(self->name, len);
	if (recv_attr(self->cport, &self->info, self->buf, sizeof(self->buf),
		      &self->attr) ||
	    self->info.type != LPC_MSG_CONNECTION_REQUEST)
		goto err;
	*sfd = lpc_accept_id(self->cport, self->info.id, 7, NULL, 0, 0);
	if (*sfd < 0)
		goto err;
	if (recv_attr(self->cport, &self->info, self->buf, sizeof(self->buf),
		      &self->attr) ||
	    self->info.type != LPC_MSG_REQUEST)
		goto err;
	return pid;
err:
	kill(pid, SIGKILL);
	lpc_wait_child(pid, LPC_WAIT_MS);
	return -EPROTO;
}

TEST_F(direct, after_requester_died)
{
	char buf[64];
	pid_t pid;
	int sfd = -1, ret;

	pid = start_child_request(_metadata, self, 64, &sfd);
	ASSERT_LT(0, pid);
	EXPECT_EQ(8, dread(sfd, self->info.id, 0, 0, buf, 8));
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, lpc_wait_child(pid, LPC_WAIT_MS));
	/* Gone from its address space, or from the connection: either. */
	ret = dread(sfd, self->info.id, 0, 0, buf, 8);
	EXPECT_TRUE(ret == -ESRCH || ret == -ECANCELED) {
		TH_LOG("read after death: %d", ret);
	}
	ret = dwrite(self->cport, self->info.id, 0, 0, buf, 8);
	EXPECT_TRUE(ret == -ESRCH || ret == -ECANCELED) {
		TH_LOG("write after death: %d", ret);
	}
	close(sfd);
}

/*
 * Child: connect (the port survives execve()), send an asynchronous request
 * declaring a writable range, then on @go execve() another program.
 */
static void exec_child(const char *name, int go)
{
	static char mem[64] = "before exec";
	struct lpc_msg_attr a;
	struct lpc_connect c;
	int dev, port;
	__u64 id;
	char b;

	lpc_child_init();
	dev = lpc_open_dev();
	lpc_connect_init(&c, name, LPC_WAIT_NS);
	c.flags |= LPC_NO_CLOEXEC;
	port = sys_lpc_connect(dev, &c);
	if (port < 0)
		_exit(2);
	attr_init(&a);
	attr_range(&a, mem, sizeof(mem), LPC_ACCESS_READ | LPC_ACCESS_WRITE);
	if (dreq_async(port, &a, &id))
		_exit(3);
	if (read(go, &b, 1) != 1)
		_exit(4);
	execl("/bin/busybox", "busybox", "sleep", "30", (char *)NULL);
	_exit(5);
}

/* Has @pid's execve() of busybox happened? */
static bool exec_done(pid_t pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strncmp(comm, "busybox", 7);
}

/*
 * A requester that execve()s after an asynchronous request: the new
 * program's memory is never reached, even though the connection (and so
 * the request) lives on in it.
 */
TEST_F(direct, requester_exec_unreachable)
{
	char buf[64] = "written after exec";
	int pfd[2], sfd, ret;
	pid_t pid;

	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(pfd[1]);
		exec_child(self->name, pfd[0]);
	}
	close(pfd[0]);
	SERVER_RECV();
	ASSERT_EQ((__u32)LPC_MSG_CONNECTION_REQUEST, self->info.type);
	sfd = lpc_accept_id(self->cport, self->info.id, 5, NULL, 0, 0);
	ASSERT_LE(0, sfd);
	SERVER_RECV();
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	ASSERT_EQ(1, write(pfd[1], "x", 1));
	ASSERT_TRUE(LPC_WAIT_UNTIL(exec_done(pid), LPC_WAIT_MS)) {
		TH_LOG("the requester did not exec");
	}

	ret = dwrite(self->cport, self->info.id, 0, 0, buf, sizeof(buf));
	EXPECT_EQ(-ESRCH, ret) {
		TH_LOG("write after exec: %d", ret);
	}
	ret = dread(self->cport, self->info.id, 0, 0, buf, sizeof(buf));
	EXPECT_EQ(-ESRCH, ret) {
		TH_LOG("read after exec: %d", ret);
	}
	kill(pid, SIGKILL);
	lpc_wait_child(pid, LPC_WAIT_MS);
	close(pfd[1]);
	close(sfd);
}

struct copier {
	int port;
	__u64 id;
	unsigned char *buf;
	size_t len;
	int rounds;
	int last;
	int copied;	/* rounds done so far */
	bool ended;
	bool write;
};

static void *copier_fn(void *p)
{
	struct copier *c = p;
	int i;

	for (i = 0; i < c->rounds; i++) {
		c->last = direct(c->port, c->write, c->id, 0, 0, c->buf,
				 c->len, 0);
		if (c->last < 0)
			break;
		__atomic_add_fetch(&c->copied, 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&c->ended, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Kill the requester while 64 MiB are being copied: no oops, no hang. */
static void kill_while_copying(struct __test_metadata *_metadata,
			       FIXTURE_DATA(direct) *self, bool write)
{
	struct copier c = { .len = 64 * MIB, .rounds = 1000, .write = write };
	pthread_t t;
	pid_t pid;
	int sfd = -1;

	c.buf = malloc(c.len);
	ASSERT_NE(NULL, c.buf);
	memset(c.buf, 0x33, c.len);
	pid = start_child_request(_metadata, self, c.len, &sfd);
	ASSERT_LT(0, pid);
	c.port = self->cport;
	c.id = self->info.id;
	ASSERT_EQ(0, pthread_create(&t, NULL, copier_fn, &c));
	/* One whole copy done: the kill lands in the rounds that follow. */
	EXPECT_TRUE(LPC_WAIT_UNTIL(__atomic_load_n(&c.copied, __ATOMIC_ACQUIRE) ||
				   __atomic_load_n(&c.ended, __ATOMIC_ACQUIRE),
				   LPC_WAIT_MS)) {
		TH_LOG("the copier did not finish a first round");
	}
	kill(pid, SIGKILL);
	EXPECT_EQ(128 + SIGKILL, lpc_wait_child(pid, LPC_WAIT_MS));
	pthread_join(t, NULL);
	EXPECT_TRUE(c.last == -ESRCH || c.last == -ECANCELED) {
		TH_LOG("copy ended with %d", c.last);
	}
	close(sfd);
	free(c.buf);
}

TEST_F(direct, requester_killed_during_read)
{
	kill_while_copying(_metadata, self, false);
}

TEST_F(direct, requester_killed_during_write)
{
	kill_while_copying(_metadata, self, true);
}

TEST_HARNESS_MAIN
