// SPDX-License-Identifier: GPL-2.0
/*
 * LPC_IOC_SECTION_CREATE, views (LPC_ATTR_VIEW) and LPC_IOC_VIEW_RELEASE.
 *
 * The fixture is one accepted connection: the connection port
 * (self->cport), the server communication port (self->server) and the
 * client port (self->client), all in this process. Synchronous requests
 * run on a helper thread; the test body is the server. Both sides share
 * one address space, so "the receiver's mapping" is simply an address in
 * this process, checked against /proc/self/maps.
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
#include <sys/stat.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"

#ifndef F_ADD_SEALS
#define F_ADD_SEALS	(1024 + 9)
#define F_GET_SEALS	(1024 + 10)
#define F_SEAL_SEAL	0x0001
#define F_SEAL_SHRINK	0x0002
#define F_SEAL_GROW	0x0004
#define F_SEAL_WRITE	0x0008
#endif

#define MIB		(1024ULL * 1024)
#define PAGE		4096ULL
/* The module's default max_section_size. */
#define MAX_SECTION	(64 * MIB)

/* ---- helpers ---- */

static int sys_section_create(int port, struct lpc_section_attr *a)
{
	return lpc_ioctl(port, LPC_IOC_SECTION_CREATE, a);
}

static int section_create(int port, __u64 size, __u32 flags)
{
	struct lpc_section_attr a;

	memset(&a, 0, sizeof(a));
	a.size = size;
	a.flags = flags;
	return sys_section_create(port, &a);
}

static void attr_init(struct lpc_msg_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->view.section_fd = -1;
}

static void attr_view(struct lpc_msg_attr *a, int fd, __u32 flags,
		      __u64 offset, __u64 length)
{
	attr_init(a);
	a->flags = LPC_ATTR_VIEW;
	a->view.section_fd = fd;
	a->view.flags = flags;
	a->view.offset = offset;
	a->view.length = length;
}

/* Send @type (a reply when *@id is set on input) with @attr: 0 or -errno. */
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
	x.recv_cap = 256;
	x.send_attr = lpc_ptr(attr);
	ret = sys_lpc_xfer(port, &x);
	if (id)
		*id = x.send_id;
	return ret;
}

/* Receive one message with attributes; @want goes in attr->flags. */
static int recv_attr(int port, struct lpc_msg_info *info, void *buf,
		     __u32 cap, struct lpc_msg_attr *attr, __u32 want)
{
	struct lpc_xfer x;
	int ret;

	attr_init(attr);
	attr->flags = want;
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

/* A synchronous request with attributes, made on a helper thread. */
struct view_req {
	struct lpc_call call;
	struct lpc_xfer x;
	struct lpc_msg_attr attr;	/* sent */
	struct lpc_msg_attr rattr;	/* the reply's */
	char buf[64];
	char rbuf[256];
};

static int view_req_start(struct view_req *r, int port)
{
	lpc_request_init(&r->x, r->buf, sizeof(r->buf), r->rbuf,
			 sizeof(r->rbuf), LPC_WAIT_NS);
	r->x.send_attr = lpc_ptr(&r->attr);
	attr_init(&r->rattr);
	r->x.recv_attr = lpc_ptr(&r->rattr);
	return lpc_call_start(&r->call, port, LPC_IOC_XFER, &r->x);
}

static __u64 mix(__u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void fill(void *p, size_t len, __u64 seed)
{
	__u64 *w = p;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = mix(seed + i);
}

static __u64 checksum(const void *p, size_t len)
{
	const __u64 *w = p;
	__u64 sum = 0;
	size_t i;

	for (i = 0; i < len / 8; i++)
		sum = mix(sum ^ w[i]);
	return sum;
}

/* A section of @size bytes on @port, filled from @seed; its checksum. */
static int filled_section(int port, size_t size, __u64 seed, __u64 *sum)
{
	void *p;
	int fd;

	fd = section_create(port, size, 0);
	if (fd < 0)
		return fd;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return -errno;
	}
	fill(p, size, seed);
	*sum = checksum(p, size);
	munmap(p, size);
	return fd;
}

/* Is @addr inside a mapping of a section, according to /proc/self/maps? */
static bool section_mapped_at(__u64 addr)
{
	unsigned long start, end;
	char line[512];
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/maps", "r");
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

/* How many mappings of sections /proc/self/maps lists. */
static int section_maps(void)
{
	char line[512];
	int n = 0;
	FILE *f;

	f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "lpc-section") != NULL;
	fclose(f);
	return n;
}

/* Fork a child that touches @addr (writes if @write); its exit status. */
static int touch_in_child(volatile char *addr, bool write)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		lpc_child_init();
		if (write)
			*addr = 1;
		else
			(void)*addr;
		_exit(0);
	}
	return lpc_wait_child(pid, LPC_WAIT_MS);
}

/* ---- fixture ---- */

FIXTURE(sec) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info info;
	struct lpc_msg_attr attr;	/* what the server received */
};

FIXTURE_SETUP(sec)
{
	int ret;

	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_SECTIONS);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
	ret = lpc_connect_pair(self->dev, self->cport, self->name, 1, 0,
			       &self->client, &self->server);
	ASSERT_EQ(0, ret) {
		TH_LOG("set up a connection: %s", strerror(-ret));
	}
}

FIXTURE_TEARDOWN(sec)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* Server: receive the next message with its attributes into self. */
#define SERVER_RECV(want) do {						\
		int __r = recv_attr(self->cport, &self->info, self->buf, \
				    sizeof(self->buf), &self->attr, (want)); \
		ASSERT_EQ(0, __r) {					\
			TH_LOG("server receive: %s", strerror(-__r));	\
		}							\
	} while (0)

/* Client: send a datagram carrying a view of @fd. */
#define CLIENT_SEND_VIEW(fd, flags, off, len) do {			\
		struct lpc_msg_attr __a;				\
		int __r;						\
		attr_view(&__a, (fd), (flags), (off), (len));		\
		__r = send_attr(self->client, LPC_MSG_DATAGRAM, NULL,	\
				"v", 1, &__a);				\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("send view: %s", strerror(-__r));	\
		}							\
	} while (0)

/* ---- creating sections ---- */

TEST_F(sec, create_on_connection_port_einval)
{
	EXPECT_EQ(-EINVAL, section_create(self->cport, PAGE, 0));
}

TEST_F(sec, create_size_zero_einval)
{
	EXPECT_EQ(-EINVAL, section_create(self->client, 0, 0));
}

TEST_F(sec, create_too_big_e2big)
{
	EXPECT_EQ(-E2BIG, section_create(self->client, MAX_SECTION + 1, 0));
	EXPECT_EQ(-E2BIG, section_create(self->client, ~0ULL, 0));
}

TEST_F(sec, create_bad_flags_einval)
{
	struct lpc_section_attr a;

	EXPECT_EQ(-EINVAL, section_create(self->client, PAGE, 1));
	EXPECT_EQ(-EINVAL, section_create(self->client, PAGE,
					  LPC_NO_CLOEXEC | 2));
	memset(&a, 0, sizeof(a));
	a.size = PAGE;
	a.__pad = 1;
	EXPECT_EQ(-EINVAL, sys_section_create(self->client, &a));
}

TEST_F(sec, create_cloexec_unless_asked)
{
	int fd, fd2;

	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	fd2 = section_create(self->server, PAGE, LPC_NO_CLOEXEC);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, fcntl(fd2, F_GETFD));
	close(fd);
	close(fd2);
}

/*
 * A section is a shmem file: mappable, page-rounded, sealable, of a fixed
 * size (it neither grows nor shrinks).
 */
TEST_F(sec, section_is_sealable_shmem)
{
	struct stat st;
	char buf[8];
	char *p;
	int fd;

	fd = section_create(self->client, 100, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ((off_t)PAGE, st.st_size);
	EXPECT_EQ(0600, st.st_mode & 0777);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p, "hello");
	EXPECT_EQ(0, memcmp(p, "hello", 6));
	munmap(p, PAGE);
	/* read(2), write(2), their p* variants and lseek(2) work, too. */
	EXPECT_EQ(3, pwrite(fd, "abc", 3, 10));
	EXPECT_EQ(10, lseek(fd, 10, SEEK_SET));
	EXPECT_EQ(3, read(fd, buf, 3));
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	EXPECT_EQ(5, pread(fd, buf, 5, 0));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));

	EXPECT_EQ(F_SEAL_GROW | F_SEAL_SHRINK, fcntl(fd, F_GET_SEALS));
	EXPECT_EQ(-1, ftruncate(fd, 2 * PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ftruncate(fd, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_WRITE));
	EXPECT_EQ(F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_WRITE,
		  fcntl(fd, F_GET_SEALS));
	close(fd);
}

TEST_F(sec, create_on_ended_connection_enotconn)
{
	ASSERT_EQ(0, sys_lpc_disconnect(self->server));
	EXPECT_EQ(-ENOTCONN, section_create(self->client, PAGE, 0));
	EXPECT_EQ(-ENOTCONN, section_create(self->server, PAGE, 0));
}

/* 16 sections per connection; a 17th fails until one is let go. */
TEST_F(sec, quota_per_connection_edquot)
{
	int fds[16], fd, i, c2, s2;

	for (i = 0; i < 16; i++) {
		fds[i] = section_create(i % 2 ? self->client : self->server,
					PAGE, 0);
		ASSERT_LE(0, fds[i]);
	}
	EXPECT_EQ(-EDQUOT, section_create(self->client, PAGE, 0));
	/* Another connection has its own quota. */
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 2, 0,
				      &c2, &s2));
	fd = section_create(c2, PAGE, 0);
	EXPECT_LE(0, fd);
	close(fd);
	close(c2);
	close(s2);
	/* A section nothing refers to any more stops counting. */
	close(fds[3]);
	fd = section_create(self->client, PAGE, 0);
	EXPECT_LE(0, fd);
	close(fd);
	for (i = 0; i < 16; i++)
		if (i != 3)
			close(fds[i]);
}

TEST_F(sec, quota_bytes_per_connection_edquot)
{
	int fds[4], i;

	/* 4 x 64 MiB is the default byte limit of a connection. */
	for (i = 0; i < 4; i++) {
		fds[i] = section_create(self->client, MAX_SECTION, 0);
		ASSERT_LE(0, fds[i]);
	}
	EXPECT_EQ(-EDQUOT, section_create(self->server, PAGE, 0));
	for (i = 0; i < 4; i++)
		close(fds[i]);
}

/*
 * Sections are committed at creation, so the default limits (1 GiB per
 * user, 256 MiB per connection) would cost a gigabyte of the VM's memory:
 * the test sets them to 16 and 4 sections of 1 MiB.
 */
#define QUOTA_SECTION	MIB

/*
 * As a user without CAP_SYS_RESOURCE: 16 MiB of sections per user, spread
 * over connections (each holds at most 4 MiB). Exit status: 0 when the
 * 17th 1 MiB section fails with -EDQUOT on a fresh connection.
 */
static int user_quota_child(int dev, const char *name)
{
	int cport, c[5], s[5], i, fd, made = 0;

	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 10;
	cport = lpc_create(dev, name);
	if (cport < 0)
		return 11;
	for (i = 0; i < 5; i++)
		if (lpc_connect_pair(dev, cport, name, i + 1, 0, &c[i], &s[i]))
			return 12;
	for (i = 0; i < 16; i++) {
		fd = section_create(c[i / 4], QUOTA_SECTION, 0);
		if (fd < 0)
			return 20 + i;
		made++;
	}
	fd = section_create(c[4], QUOTA_SECTION, 0);
	if (fd != -EDQUOT)
		return 40;
	/* Ending a connection gives its share back. */
	close(c[0]);
	fd = section_create(c[4], QUOTA_SECTION, 0);
	return fd >= 0 && made == 16 ? 0 : 41;
}

TEST_F(sec, quota_per_user_edquot)
{
	unsigned long user_bytes, conn_bytes;
	char name[LPC_NAME_MAX + 1];
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch users");
	ASSERT_EQ(0, lpc_param_read("max_section_bytes_per_user", &user_bytes));
	ASSERT_EQ(0, lpc_param_read("max_conn_section_bytes", &conn_bytes));
	ASSERT_EQ(0, lpc_param_write("max_section_bytes_per_user",
				     16 * QUOTA_SECTION));
	ASSERT_EQ(0, lpc_param_write("max_conn_section_bytes",
				     4 * QUOTA_SECTION));
	lpc_name(name, sizeof(name), "user-quota");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		_exit(user_quota_child(self->dev, name));
	}
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	EXPECT_EQ(0, lpc_param_write("max_section_bytes_per_user",
				     user_bytes));
	EXPECT_EQ(0, lpc_param_write("max_conn_section_bytes", conn_bytes));
}

/* A mapping of a section keeps it counted, even with the fd closed. */
TEST_F(sec, mapped_section_keeps_counting)
{
	int fds[16], i;
	void *p;

	for (i = 0; i < 16; i++) {
		fds[i] = section_create(self->client, PAGE, 0);
		ASSERT_LE(0, fds[i]);
	}
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fds[0], 0);
	ASSERT_NE(MAP_FAILED, p);
	close(fds[0]);
	EXPECT_EQ(-EDQUOT, section_create(self->client, PAGE, 0));
	munmap(p, PAGE);
	i = section_create(self->client, PAGE, 0);
	EXPECT_LE(0, i);
	close(i);
	for (i = 1; i < 16; i++)
		close(fds[i]);
}

/* ---- views: payloads ---- */

/*
 * Client -> server: a request carries a view of a client section; the
 * server checks it in place and the view goes away with the reply.
 * Server -> client: the reply carries a view of a server section.
 */
static void view_round_trip(struct __test_metadata *_metadata,
			    FIXTURE_DATA(sec) *self, size_t size, int reply_port)
{
	__u64 sum_c, sum_s, id, saddr;
	struct lpc_msg_attr ra;
	struct view_req req;
	int cfd, sfd, ret;
	void *p;

	cfd = filled_section(self->client, size, 1, &sum_c);
	ASSERT_LE(0, cfd);
	sfd = filled_section(self->server, size, 2, &sum_s);
	ASSERT_LE(0, sfd);

	memset(&req, 0, sizeof(req));
	attr_view(&req.attr, cfd, 0, 0, size);
	ASSERT_EQ(0, view_req_start(&req, self->client));

	SERVER_RECV(0);
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, self->info.type);
	ASSERT_TRUE(self->info.flags & LPC_MSGF_ATTR);
	ASSERT_TRUE(self->attr.flags & LPC_ATTR_VIEW);
	EXPECT_EQ(-1, self->attr.view.section_fd);
	EXPECT_EQ((__u64)size, self->attr.view.length);
	EXPECT_EQ(0ULL, self->attr.view.offset);
	p = (void *)(uintptr_t)self->attr.view.addr;
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(section_mapped_at(self->attr.view.addr));
	EXPECT_EQ(sum_c, checksum(p, size));

	id = self->info.id;
	attr_view(&ra, sfd, 0, 0, size);
	ret = send_attr(reply_port, LPC_MSG_REPLY, &id, "r", 1, &ra);
	ASSERT_EQ(0, ret) {
		TH_LOG("reply with a view: %s", strerror(-ret));
	}

	ASSERT_EQ(0, lpc_call_join(&req.call));
	EXPECT_EQ((__u32)LPC_MSG_REPLY, req.x.info.type);
	ASSERT_TRUE(req.rattr.flags & LPC_ATTR_VIEW);
	p = (void *)(uintptr_t)req.rattr.view.addr;
	ASSERT_NE(NULL, p);
	/* The server's view went with the reply (the client's may reuse it). */
	saddr = self->attr.view.addr;
	if (saddr < req.rattr.view.addr || saddr >= req.rattr.view.addr + size)
		EXPECT_FALSE(section_mapped_at(saddr));
	EXPECT_EQ(sum_s, checksum(p, size));
	EXPECT_EQ(0, lpc_release_view(self->client, req.rattr.view.addr));
	EXPECT_FALSE(section_mapped_at(req.rattr.view.addr));
	close(cfd);
	close(sfd);
}

TEST_F(sec, view_1mib_both_directions)
{
	view_round_trip(_metadata, self, MIB, self->cport);
}

TEST_F(sec, view_64mib_both_directions)
{
	view_round_trip(_metadata, self, 64 * MIB, self->server);
}

/* A view shares pages: the receiver's writes are the sender's. */
TEST_F(sec, view_is_shared_not_copied)
{
	char *mine, *theirs;
	int fd;

	fd = section_create(self->client, 4 * PAGE, 0);
	ASSERT_LE(0, fd);
	mine = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, mine);
	CLIENT_SEND_VIEW(fd, 0, 2 * PAGE, PAGE);
	SERVER_RECV(0);
	theirs = (char *)(uintptr_t)self->attr.view.addr;
	EXPECT_EQ(0U, self->attr.view.flags & LPC_VIEW_READONLY);
	strcpy(theirs, "from the server");
	EXPECT_STREQ("from the server", mine + 2 * PAGE);
	strcpy(mine + 2 * PAGE + 100, "from the client");
	EXPECT_STREQ("from the client", theirs + 100);
	munmap(mine, 4 * PAGE);
	close(fd);
}

/* ---- read-only and immutable views ---- */

TEST_F(sec, readonly_view_cannot_be_written)
{
	char *p;
	int fd;

	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	CLIENT_SEND_VIEW(fd, LPC_VIEW_READONLY, 0, PAGE);
	SERVER_RECV(0);
	EXPECT_TRUE(self->attr.view.flags & LPC_VIEW_READONLY);
	p = (char *)(uintptr_t)self->attr.view.addr;
	ASSERT_NE(NULL, p);
	EXPECT_EQ(0, touch_in_child(p, false));
	EXPECT_EQ(128 + SIGSEGV, touch_in_child(p, true));
	EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	close(fd);
}

TEST_F(sec, immutable_view_needs_seal_write)
{
	struct lpc_msg_attr a;
	__u64 sum;
	char *p;
	int fd;

	fd = filled_section(self->client, 2 * PAGE, 7, &sum);
	ASSERT_LE(0, fd);
	attr_view(&a, fd, LPC_VIEW_IMMUTABLE, 0, 2 * PAGE);
	EXPECT_EQ(-EPERM, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				    "i", 1, &a));
	ASSERT_EQ(0, fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	attr_view(&a, fd, LPC_VIEW_IMMUTABLE, 0, 2 * PAGE);
	ASSERT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, NULL, "i", 1,
			       &a));
	SERVER_RECV(0);
	EXPECT_TRUE(self->attr.view.flags & LPC_VIEW_IMMUTABLE);
	EXPECT_TRUE(self->attr.view.flags & LPC_VIEW_READONLY);
	p = (char *)(uintptr_t)self->attr.view.addr;
	ASSERT_NE(NULL, p);
	EXPECT_EQ(sum, checksum(p, 2 * PAGE));
	EXPECT_EQ(128 + SIGSEGV, touch_in_child(p, true));
	/* Nor can the sender write any more. */
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(EPERM, errno);
	close(fd);
}

/* ---- views as fds ---- */

TEST_F(sec, view_as_fd)
{
	struct stat st;
	__u64 sum;
	char *p;
	int fd, vfd;

	fd = filled_section(self->client, 4 * PAGE, 3, &sum);
	ASSERT_LE(0, fd);
	CLIENT_SEND_VIEW(fd, 0, 0, 4 * PAGE);
	SERVER_RECV(LPC_ATTR_VIEW_FD);
	vfd = self->attr.view.section_fd;
	ASSERT_LE(0, vfd);
	EXPECT_EQ(0ULL, self->attr.view.addr);
	EXPECT_EQ(4 * PAGE, self->attr.view.length);
	EXPECT_EQ(FD_CLOEXEC, fcntl(vfd, F_GETFD));
	ASSERT_EQ(0, fstat(vfd, &st));
	EXPECT_EQ((off_t)(4 * PAGE), st.st_size);
	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, vfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(sum, checksum(p, 4 * PAGE));
	munmap(p, 4 * PAGE);
	close(vfd);
	close(fd);
}

TEST_F(sec, readonly_view_as_fd_is_readonly)
{
	struct lpc_msg_attr a;
	char c;
	void *p;
	int fd, vfd;

	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	CLIENT_SEND_VIEW(fd, LPC_VIEW_READONLY, 0, PAGE);
	SERVER_RECV(LPC_ATTR_VIEW_FD);
	vfd = self->attr.view.section_fd;
	ASSERT_LE(0, vfd);
	EXPECT_EQ(O_RDONLY, fcntl(vfd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(1, pread(vfd, &c, 1, 0));
	EXPECT_EQ(-1, pwrite(vfd, "x", 1, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				   MAP_SHARED, vfd, 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, ftruncate(vfd, 0));
	EXPECT_EQ(-1, fcntl(vfd, F_ADD_SEALS, F_SEAL_SHRINK));
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, vfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_WRITE));
	munmap(p, PAGE);
	/* And it cannot be sent on as a writable view. */
	attr_view(&a, vfd, 0, 0, PAGE);
	EXPECT_EQ(-EACCES, send_attr(self->server, LPC_MSG_DATAGRAM, NULL, "w",
				     1, &a));
	attr_view(&a, vfd, LPC_VIEW_READONLY, 0, PAGE);
	EXPECT_EQ(0, send_attr(self->server, LPC_MSG_DATAGRAM, NULL, "r", 1,
			       &a));
	close(vfd);
	close(fd);
}

/*
 * Another user that got a read-only view fd cannot reopen it read-write
 * through /proc (a memfd, mode 0777, can be: the control).
 */
static int reopen_as_nobody(int vfd, int memfd)
{
	char name[16];
	int dir, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		lpc_child_init();
		/* Opened first: nobody may not walk the VM's root directory. */
		dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);
		if (dir < 0)
			_exit(10);
		if (setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(11);
		/* Keep /proc/self/fd ours after the uid change. */
		prctl(PR_SET_DUMPABLE, 1);
		snprintf(name, sizeof(name), "%d", memfd);
		fd = openat(dir, name, O_RDWR);
		if (fd < 0)
			_exit(20 + errno);
		close(fd);
		snprintf(name, sizeof(name), "%d", vfd);
		fd = openat(dir, name, O_RDWR);
		if (fd >= 0)
			_exit(12);
		_exit(errno == EACCES ? 0 : 13);
	}
	return lpc_wait_child(pid, LPC_WAIT_MS);
}

TEST_F(sec, readonly_view_fd_not_reopened_by_other_user)
{
	int fd, vfd, memfd;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch users");
	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	CLIENT_SEND_VIEW(fd, LPC_VIEW_READONLY, 0, PAGE);
	SERVER_RECV(LPC_ATTR_VIEW_FD);
	vfd = self->attr.view.section_fd;
	ASSERT_LE(0, vfd);
	memfd = memfd_create("control", 0);
	ASSERT_LE(0, memfd);
	EXPECT_EQ(0, reopen_as_nobody(vfd, memfd));
	close(memfd);
	close(vfd);
	close(fd);
}

/* ---- views: errors at send ---- */

TEST_F(sec, view_bad_fd_ebadf)
{
	struct lpc_msg_attr a;

	attr_view(&a, -1, 0, 0, PAGE);
	EXPECT_EQ(-EBADF, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				    "x", 1, &a));
}

TEST_F(sec, view_not_a_section_einval)
{
	struct lpc_msg_attr a;
	int fd;

	fd = memfd_create("not-a-section", 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, PAGE));
	attr_view(&a, fd, 0, 0, PAGE);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				     "x", 1, &a));
	close(fd);
}

TEST_F(sec, view_of_other_connection_einval)
{
	struct lpc_msg_attr a;
	int c2, s2, fd;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 2,
				      0, &c2, &s2));
	fd = section_create(c2, PAGE, 0);
	ASSERT_LE(0, fd);
	attr_view(&a, fd, 0, 0, PAGE);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				     "x", 1, &a));
	attr_view(&a, fd, 0, 0, PAGE);
	EXPECT_EQ(0, send_attr(c2, LPC_MSG_DATAGRAM, NULL, "x", 1, &a));
	close(fd);
	close(c2);
	close(s2);
}

TEST_F(sec, view_bad_geometry)
{
	struct lpc_msg_attr a;
	int fd;

	fd = section_create(self->client, 4 * PAGE, 0);
	ASSERT_LE(0, fd);
	/* Offset not page-aligned, length 0: -EINVAL. */
	attr_view(&a, fd, 0, 1, PAGE);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				     "x", 1, &a));
	attr_view(&a, fd, 0, 0, 0);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				     "x", 1, &a));
	/* Past the end, or wrapping around: -ERANGE. */
	attr_view(&a, fd, 0, 0, 4 * PAGE + 1);
	EXPECT_EQ(-ERANGE, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				     "x", 1, &a));
	attr_view(&a, fd, 0, 4 * PAGE, 1);
	EXPECT_EQ(-ERANGE, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				     "x", 1, &a));
	attr_view(&a, fd, 0, 8 * PAGE, PAGE);
	EXPECT_EQ(-ERANGE, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				     "x", 1, &a));
	attr_view(&a, fd, 0, PAGE, ~0ULL - 10);
	EXPECT_EQ(-ERANGE, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				     "x", 1, &a));
	/* The last page alone is fine. */
	attr_view(&a, fd, 0, 3 * PAGE, PAGE);
	EXPECT_EQ(0, send_attr(self->client, LPC_MSG_DATAGRAM, NULL, "x", 1,
			       &a));
	close(fd);
}

TEST_F(sec, view_bad_flags_or_addr_einval)
{
	struct lpc_msg_attr a;
	int fd;

	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	attr_view(&a, fd, 1U << 5, 0, PAGE);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				     "x", 1, &a));
	attr_view(&a, fd, 0, 0, PAGE);
	a.view.addr = 0x10000;
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM, NULL,
				     "x", 1, &a));
	close(fd);
}

/* ---- views go away ---- */

TEST_F(sec, view_gone_after_release)
{
	struct lpc_view_release r;
	__u64 addr;
	int fd;

	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	CLIENT_SEND_VIEW(fd, 0, 0, PAGE);
	SERVER_RECV(0);
	addr = self->attr.view.addr;
	ASSERT_TRUE(section_mapped_at(addr));

	memset(&r, 0, sizeof(r));
	r.addr = addr;
	r.flags = 1;
	EXPECT_EQ(-EINVAL, lpc_ioctl(self->cport, LPC_IOC_VIEW_RELEASE, &r));
	EXPECT_EQ(-ENOENT, lpc_release_view(self->cport, addr + PAGE));
	/* Through the server communication port, as through the cport. */
	EXPECT_EQ(0, lpc_release_view(self->server, addr));
	EXPECT_FALSE(section_mapped_at(addr));
	EXPECT_EQ(-ENOENT, lpc_release_view(self->cport, addr));
	close(fd);
}

TEST_F(sec, view_gone_after_reply)
{
	struct view_req req;
	__u64 addr, id;
	int fd;

	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	memset(&req, 0, sizeof(req));
	attr_view(&req.attr, fd, LPC_VIEW_READONLY, 0, PAGE);
	ASSERT_EQ(0, view_req_start(&req, self->client));
	SERVER_RECV(0);
	addr = self->attr.view.addr;
	ASSERT_TRUE(section_mapped_at(addr));
	id = self->info.id;
	ASSERT_EQ(0, lpc_reply(self->server, id, "ok", 2));
	EXPECT_FALSE(section_mapped_at(addr));
	EXPECT_EQ(-ENOENT, lpc_release_view(self->cport, addr));
	EXPECT_EQ(0, lpc_call_join(&req.call));
	close(fd);
}

/* A view the receiver unmapped itself is not unmapped again. */
TEST_F(sec, view_replaced_by_user_not_unmapped)
{
	__u64 addr;
	void *p;
	int fd;

	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	CLIENT_SEND_VIEW(fd, 0, 0, PAGE);
	SERVER_RECV(0);
	addr = self->attr.view.addr;
	ASSERT_EQ(0, munmap((void *)(uintptr_t)addr, PAGE));
	p = mmap((void *)(uintptr_t)addr, PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ASSERT_EQ((void *)(uintptr_t)addr, p);
	strcpy(p, "mine");
	EXPECT_EQ(0, lpc_release_view(self->cport, addr));
	EXPECT_STREQ("mine", (char *)p);
	munmap(p, PAGE);
	close(fd);
}

/*
 * A view each way, both received with @want: the client's section into
 * the server (*@saddr), the server's, with @sflags, into the client
 * (*@caddr); with LPC_ATTR_VIEW_KEEP both must come kept. 0, or -1 after
 * logging what failed.
 */
static int views_both_ways(struct __test_metadata *_metadata,
			   FIXTURE_DATA(sec) *self, __u32 sflags, __u32 want,
			   int *cfd, int *sfd, __u64 *saddr, __u64 *caddr)
{
	struct lpc_msg_attr a;
	int ret;

	*cfd = section_create(self->client, PAGE, 0);
	*sfd = section_create(self->server, PAGE, 0);
	if (*cfd < 0 || *sfd < 0) {
		TH_LOG("sections: %d, %d", *cfd, *sfd);
		return -1;
	}
	attr_view(&a, *cfd, 0, 0, PAGE);
	ret = send_attr(self->client, LPC_MSG_DATAGRAM, NULL, "c", 1, &a);
	if (!ret)
		ret = recv_attr(self->cport, NULL, self->buf,
				sizeof(self->buf), &a, want);
	if (!ret && (want & LPC_ATTR_VIEW_KEEP) &&
	    !(a.view.flags & LPC_VIEW_KEPT))
		ret = -EPROTO;
	*saddr = a.view.addr;
	attr_view(&a, *sfd, sflags, 0, PAGE);
	if (!ret)
		ret = send_attr(self->server, LPC_MSG_DATAGRAM, NULL, "s", 1,
				&a);
	if (!ret)
		ret = recv_attr(self->client, NULL, self->buf,
				sizeof(self->buf), &a, want);
	if (!ret && (want & LPC_ATTR_VIEW_KEEP) &&
	    !(a.view.flags & LPC_VIEW_KEPT))
		ret = -EPROTO;
	*caddr = a.view.addr;
	if (ret || !section_mapped_at(*saddr) || !section_mapped_at(*caddr)) {
		TH_LOG("views both ways: %s", strerror(-ret));
		return -1;
	}
	return 0;
}

TEST_F(sec, views_gone_after_port_close)
{
	__u64 saddr, caddr;
	int cfd, sfd;

	ASSERT_EQ(0, views_both_ways(_metadata, self, LPC_VIEW_READONLY, 0,
				     &cfd, &sfd, &saddr, &caddr));

	lpc_close(&self->client);
	EXPECT_FALSE(section_mapped_at(caddr));
	lpc_close(&self->cport);
	EXPECT_FALSE(section_mapped_at(saddr));
	close(cfd);
	close(sfd);
}

/* The connection's end releases its sections: old mappings SIGBUS. */
TEST_F(sec, memory_released_when_connection_ends)
{
	struct lpc_msg_attr a;
	struct stat st;
	char *p;
	int fd;

	fd = section_create(self->client, 16 * PAGE, 0);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0xaa, 16 * PAGE);
	EXPECT_EQ(0, touch_in_child(p + 5 * PAGE, false));

	lpc_close(&self->server);
	EXPECT_EQ(128 + SIGBUS, touch_in_child(p + 5 * PAGE, false));
	EXPECT_EQ(128 + SIGBUS, touch_in_child(p, true));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(0, st.st_size);
	/* It never grows back, and cannot be sent any more. */
	EXPECT_EQ(-1, ftruncate(fd, PAGE));
	EXPECT_EQ(-1, write(fd, "x", 1));
	attr_view(&a, fd, 0, 0, PAGE);
	EXPECT_GT(0, send_attr(self->client, LPC_MSG_DATAGRAM, NULL, "x", 1,
			       &a));
	munmap(p, 16 * PAGE);
	close(fd);
}

/* A view mapped by the receiver dies with the connection, too. */
TEST_F(sec, view_gone_when_connection_ends)
{
	__u64 addr;
	int fd;

	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	CLIENT_SEND_VIEW(fd, 0, 0, PAGE);
	SERVER_RECV(0);
	addr = self->attr.view.addr;
	ASSERT_TRUE(section_mapped_at(addr));
	/* Both ends live in this process, so the view is unmapped. */
	ASSERT_EQ(0, sys_lpc_disconnect(self->client));
	EXPECT_FALSE(section_mapped_at(addr));
	close(fd);
}

/*
 * A client process connects, sends a view and exits. The server keeps the
 * mapping, and the section's pages with it, until it releases it or
 * closes its port.
 */
static void client_sends_view(const char *name, int go)
{
	struct lpc_msg_attr a;
	struct lpc_connect c;
	int dev, port, fd;
	char b;

	dev = lpc_open_dev();
	lpc_connect_init(&c, name, LPC_WAIT_NS);
	port = sys_lpc_connect(dev, &c);
	if (port < 0)
		_exit(1);
	fd = section_create(port, PAGE, 0);
	if (fd < 0)
		_exit(2);
	if (pwrite(fd, "alive", 6, 0) != 6)
		_exit(3);
	attr_view(&a, fd, 0, 0, PAGE);
	if (send_attr(port, LPC_MSG_DATAGRAM, NULL, "v", 1, &a))
		_exit(4);
	/* Stay until the server has the view: exiting drops queued ones. */
	if (read(go, &b, 1) != 1)
		_exit(5);
	_exit(0);
}

/*
 * Fork a client_sends_view() and accept its connection. Returns the
 * child's pid, or -1; *@cfd is the server's end, *@go the pipe end that
 * lets the child exit once written to.
 */
static pid_t spawn_view_client(struct __test_metadata *_metadata,
			       FIXTURE_DATA(sec) *self, int *cfd, int *go)
{
	int pfd[2];
	pid_t pid;

	*cfd = *go = -1;
	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		lpc_child_init();
		close(pfd[1]);
		client_sends_view(self->name, pfd[0]);
	}
	close(pfd[0]);
	if (pid < 0) {
		close(pfd[1]);
		return -1;
	}
	*go = pfd[1];
	if (recv_attr(self->cport, &self->info, self->buf, sizeof(self->buf),
		      &self->attr, 0) == 0 &&
	    self->info.type == LPC_MSG_CONNECTION_REQUEST)
		*cfd = lpc_accept_id(self->cport, self->info.id, 3, NULL, 0, 0);
	if (*cfd < 0) {
		kill(pid, SIGKILL);
		lpc_wait_child(pid, LPC_WAIT_MS);
		TH_LOG("could not accept the child's connection");
		return -1;
	}
	return pid;
}

TEST_F(sec, view_of_dead_client_kept_until_port_close)
{
	int go, cfd;
	__u64 addr;
	char *p;
	pid_t pid;

	pid = spawn_view_client(_metadata, self, &cfd, &go);
	ASSERT_LT(0, pid);
	SERVER_RECV(0);
	ASSERT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type) {
		TH_LOG("the client exited with %d",
		       lpc_wait_child(pid, LPC_WAIT_MS));
	}
	addr = self->attr.view.addr;
	p = (char *)(uintptr_t)addr;
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("alive", p);
	ASSERT_EQ(1, write(go, "x", 1));
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));

	/* The client is gone: the mapping stays, and so do its pages. */
	EXPECT_TRUE(section_mapped_at(addr));
	ASSERT_EQ(0, touch_in_child(p, false));
	EXPECT_STREQ("alive", p);
	close(cfd);
	EXPECT_TRUE(section_mapped_at(addr));
	lpc_close(&self->cport);
	EXPECT_FALSE(section_mapped_at(addr));
	close(go);
}

/* A view that cannot be delivered (no recv_attr) is dropped cleanly. */
TEST_F(sec, view_lost_without_recv_attr)
{
	struct lpc_msg_info info;
	int fd;

	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	CLIENT_SEND_VIEW(fd, 0, 0, PAGE);
	ASSERT_EQ(0, lpc_recv(self->cport, &info, self->buf,
			      sizeof(self->buf), LPC_WAIT_NS));
	EXPECT_TRUE(info.flags & LPC_MSGF_ATTR_LOST);
	close(fd);
}

/* ---- kept views (LPC_ATTR_VIEW_KEEP) ---- */

/* The module's default max_kept_views. */
#define MAX_KEPT	16

/* Server: answer the request in self->info. */
#define SERVER_REPLY() ASSERT_EQ(0, lpc_reply(self->server, self->info.id, \
					      "ok", 2))

TEST_F(sec, kept_view_outlives_reply_and_comes_back)
{
	struct view_req req;
	__u64 addr = 0;
	int fd, i;

	fd = section_create(self->client, 4 * PAGE, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(6, pwrite(fd, "first", 6, PAGE));
	for (i = 0; i < 3; i++) {
		memset(&req, 0, sizeof(req));
		attr_view(&req.attr, fd, 0, PAGE, 2 * PAGE);
		ASSERT_EQ(0, view_req_start(&req, self->client));
		SERVER_RECV(LPC_ATTR_VIEW_KEEP);
		EXPECT_TRUE(self->attr.flags & LPC_ATTR_VIEW);
		EXPECT_TRUE(self->attr.view.flags & LPC_VIEW_KEPT);
		EXPECT_EQ(-1, self->attr.view.section_fd);
		if (i == 0)
			addr = self->attr.view.addr;
		/* The same pages arrive at the same address. */
		EXPECT_EQ(addr, self->attr.view.addr);
		EXPECT_STREQ(i ? "again" : "first",
			     (char *)(uintptr_t)self->attr.view.addr);
		strcpy((char *)(uintptr_t)addr, "again");
		SERVER_REPLY();
		EXPECT_EQ(0, lpc_call_join(&req.call));
		/* The reply did not unmap it. */
		EXPECT_TRUE(section_mapped_at(addr));
	}
	EXPECT_EQ(0, lpc_release_view(self->cport, addr));
	EXPECT_FALSE(section_mapped_at(addr));
	EXPECT_EQ(-ENOENT, lpc_release_view(self->cport, addr));
	close(fd);
}

/* Other pages, or other protection, make another mapping. */
TEST_F(sec, kept_view_matches_pages_and_protection)
{
	__u64 a, b, c;
	int fd;

	fd = section_create(self->client, 4 * PAGE, 0);
	ASSERT_LE(0, fd);
	CLIENT_SEND_VIEW(fd, 0, 0, PAGE);
	SERVER_RECV(LPC_ATTR_VIEW_KEEP);
	a = self->attr.view.addr;
	CLIENT_SEND_VIEW(fd, 0, PAGE, PAGE);
	SERVER_RECV(LPC_ATTR_VIEW_KEEP);
	b = self->attr.view.addr;
	CLIENT_SEND_VIEW(fd, LPC_VIEW_READONLY, 0, PAGE);
	SERVER_RECV(LPC_ATTR_VIEW_KEEP);
	c = self->attr.view.addr;
	EXPECT_TRUE(self->attr.view.flags & LPC_VIEW_KEPT);
	EXPECT_TRUE(self->attr.view.flags & LPC_VIEW_READONLY);
	EXPECT_NE(a, b);
	EXPECT_NE(a, c);
	EXPECT_NE(b, c);
	/* A kept read-only view is still read-only. */
	EXPECT_EQ(128 + SIGSEGV, touch_in_child((char *)(uintptr_t)c, true));
	EXPECT_EQ(-1, mprotect((void *)(uintptr_t)c, PAGE,
			       PROT_READ | PROT_WRITE));
	/* The same length again, without KEEP: a mapping of its own. */
	CLIENT_SEND_VIEW(fd, 0, 0, PAGE);
	SERVER_RECV(0);
	EXPECT_NE(a, self->attr.view.addr);
	EXPECT_FALSE(self->attr.view.flags & LPC_VIEW_KEPT);
	EXPECT_EQ(0, lpc_release_view(self->cport, self->attr.view.addr));
	EXPECT_EQ(0, lpc_release_view(self->cport, a));
	EXPECT_EQ(0, lpc_release_view(self->cport, b));
	EXPECT_EQ(0, lpc_release_view(self->cport, c));
	close(fd);
}

TEST_F(sec, kept_view_and_fd_einval)
{
	struct lpc_msg_attr a;
	int fd;

	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	CLIENT_SEND_VIEW(fd, 0, 0, PAGE);
	EXPECT_EQ(-EINVAL, recv_attr(self->cport, NULL, self->buf,
				     sizeof(self->buf), &self->attr,
				     LPC_ATTR_VIEW_FD | LPC_ATTR_VIEW_KEEP));
	/* Nothing was taken: the message is still there. */
	SERVER_RECV(LPC_ATTR_VIEW_KEEP);
	EXPECT_TRUE(self->attr.view.flags & LPC_VIEW_KEPT);
	EXPECT_EQ(0, lpc_release_view(self->cport, self->attr.view.addr));
	/* KEPT is an output: a sender may not set it. */
	attr_view(&a, fd, LPC_VIEW_KEPT, 0, PAGE);
	EXPECT_EQ(-EINVAL, send_attr(self->client, LPC_MSG_DATAGRAM,
				     NULL, "v", 1, &a));
	close(fd);
}

/* A port keeps at most MAX_KEPT views; the next ones come as usual. */
TEST_F(sec, kept_views_bounded)
{
	__u64 addr[MAX_KEPT + 2];
	int fd, i;

	fd = section_create(self->client, (MAX_KEPT + 2) * PAGE, 0);
	ASSERT_LE(0, fd);
	for (i = 0; i < MAX_KEPT + 2; i++) {
		CLIENT_SEND_VIEW(fd, 0, i * PAGE, PAGE);
		SERVER_RECV(LPC_ATTR_VIEW_KEEP);
		addr[i] = self->attr.view.addr;
		EXPECT_EQ(i < MAX_KEPT,
			  !!(self->attr.view.flags & LPC_VIEW_KEPT)) {
			TH_LOG("view %d", i);
		}
	}
	/* Releasing one makes room for one more. */
	EXPECT_EQ(0, lpc_release_view(self->cport, addr[0]));
	CLIENT_SEND_VIEW(fd, 0, 0, PAGE);
	SERVER_RECV(LPC_ATTR_VIEW_KEEP);
	EXPECT_TRUE(self->attr.view.flags & LPC_VIEW_KEPT);
	addr[0] = self->attr.view.addr;
	for (i = 0; i < MAX_KEPT + 2; i++)
		EXPECT_EQ(0, lpc_release_view(self->cport, addr[i]));
	close(fd);
}

/* A kept view the receiver unmapped is mapped afresh, not handed out. */
TEST_F(sec, kept_view_unmapped_by_user_is_mapped_again)
{
	__u64 addr;
	int fd;

	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(5, pwrite(fd, "data", 5, 0));
	CLIENT_SEND_VIEW(fd, 0, 0, PAGE);
	SERVER_RECV(LPC_ATTR_VIEW_KEEP);
	addr = self->attr.view.addr;
	ASSERT_EQ(0, munmap((void *)(uintptr_t)addr, PAGE));
	CLIENT_SEND_VIEW(fd, 0, 0, PAGE);
	SERVER_RECV(LPC_ATTR_VIEW_KEEP);
	EXPECT_TRUE(self->attr.view.flags & LPC_VIEW_KEPT);
	ASSERT_TRUE(section_mapped_at(self->attr.view.addr));
	EXPECT_STREQ("data", (char *)(uintptr_t)self->attr.view.addr);
	EXPECT_EQ(0, lpc_release_view(self->cport, self->attr.view.addr));
	close(fd);
}

TEST_F(sec, kept_views_gone_when_connection_ends_or_port_closes)
{
	__u64 saddr, caddr;
	int cfd, sfd;

	ASSERT_EQ(0, views_both_ways(_metadata, self, 0, LPC_ATTR_VIEW_KEEP,
				     &cfd, &sfd, &saddr, &caddr));

	/* Both ends live in this process: the end unmaps both views. */
	ASSERT_EQ(0, sys_lpc_disconnect(self->client));
	EXPECT_FALSE(section_mapped_at(saddr));
	EXPECT_FALSE(section_mapped_at(caddr));
	close(cfd);
	close(sfd);
}

/*
 * A client process sends a view and exits, ending its connection in its
 * own context: the server's kept view of it goes at the server's next
 * kept view, without waiting for the port to close.
 */
TEST_F(sec, kept_view_of_ended_connection_reaped)
{
	int go, cfd, fd, maps;
	__u64 addr;
	pid_t pid;

	pid = spawn_view_client(_metadata, self, &cfd, &go);
	ASSERT_LT(0, pid);
	SERVER_RECV(LPC_ATTR_VIEW_KEEP);
	ASSERT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
	EXPECT_TRUE(self->attr.view.flags & LPC_VIEW_KEPT);
	addr = self->attr.view.addr;
	EXPECT_STREQ("alive", (char *)(uintptr_t)addr);
	ASSERT_EQ(1, write(go, "x", 1));
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	/* The client's exit ended the connection and queued a notice. */
	SERVER_RECV(0);
	EXPECT_NE((__u32)LPC_MSG_DATAGRAM, self->info.type);
	EXPECT_TRUE(section_mapped_at(addr));

	maps = section_maps();
	ASSERT_LT(0, maps);

	/* The new view may well land where the old one was. */
	fd = section_create(self->client, PAGE, 0);
	ASSERT_LE(0, fd);
	CLIENT_SEND_VIEW(fd, 0, 0, PAGE);
	SERVER_RECV(LPC_ATTR_VIEW_KEEP);
	EXPECT_TRUE(self->attr.view.flags & LPC_VIEW_KEPT);
	EXPECT_EQ(maps, section_maps());
	EXPECT_TRUE(self->attr.view.addr == addr || !section_mapped_at(addr));
	EXPECT_EQ(0, lpc_release_view(self->cport, self->attr.view.addr));
	close(cfd);
	close(fd);
	close(go);
}

TEST_HARNESS_MAIN
