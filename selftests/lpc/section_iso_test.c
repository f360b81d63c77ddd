// SPDX-License-Identifier: GPL-2.0
/*
 * Sections and views between processes that do not trust each other
 * (issue 17, points 4 to 6).
 *
 * - Memory billed to its creator: a section's pages are allocated when it
 *   is created, in the creator's context, so they are charged to the
 *   creator's memory cgroup. Before, a page was charged to whoever touched
 *   it first, so a client could make a server pay for its section by
 *   sending a view of pages it had never touched.
 * - No SIGBUS on demand: a receiver reading a view never faults because
 *   the sender truncated the section (sections are created with
 *   F_SEAL_SHRINK) or ended the connection (a section is emptied only once
 *   no receiver has a view of it mapped). Before, ftruncate() of the
 *   section or a disconnect made the server's next read of the view die of
 *   SIGBUS.
 * - A view delivered as an fd is a file of its own: before, a writable
 *   view came as the sender's own struct file (its offset, its flags).
 *
 * The fixture is one accepted connection (self->cport, self->server,
 * self->client). Reads of a view that could fault are made in a forked
 * child, whose exit status tells (128 + SIGBUS if it faulted). Where the
 * client must be another process, it is a forked child using the inherited
 * client port, driven step by step through pipes: no sleeps.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"
#include "lpc_race.h"
#include "lpc_pair.h"
#include "lpc_section.h"

#ifndef F_ADD_SEALS
#define F_ADD_SEALS	(1024 + 9)
#define F_GET_SEALS	(1024 + 10)
#define F_SEAL_SEAL	0x0001
#define F_SEAL_SHRINK	0x0002
#define F_SEAL_GROW	0x0004
#define F_SEAL_WRITE	0x0008
#endif

#define PAGE		4096ULL
#define MIB		(1024ULL * 1024)

/* ---- fixture ---- */

FIXTURE(iso) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info info;
	struct lpc_msg_attr attr;
};

FIXTURE_SETUP(iso)
{
	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_SECTIONS);
	LPC_OPEN_PAIR(.context = 1);
}

FIXTURE_TEARDOWN(iso)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* ---- 4: memory billed to the creator ---- */

#define CG_ROOT		"/sys/fs/cgroup"
#define CG_SECTION	(4 * MIB)

static int cg_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static long long cg_current(const char *cg)
{
	char path[256];
	long long val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.current", cg);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fscanf(f, "%lld", &val) != 1)
		val = -EIO;
	fclose(f);
	return val;
}

/* Does @file (a cgroup.controllers) list "memory"? */
static bool cg_has_memory(const char *file)
{
	char line[512], *tok, *save;
	bool found = false;
	FILE *f;

	f = fopen(file, "re");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f))
		for (tok = strtok_r(line, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save))
			found |= !strcmp(tok, "memory");
	fclose(f);
	return found;
}

/*
 * cgroup2 with the memory controller for children of CG_ROOT: mounts it
 * if nothing is mounted there (*@mounted then). 0, or a reason to skip.
 */
static const char *cg_setup(bool *mounted)
{
	*mounted = false;
	if (access(CG_ROOT "/cgroup.controllers", F_OK)) {
		if (mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL))
			return "cannot mount cgroup2";
		*mounted = true;
	}
	if (!cg_has_memory(CG_ROOT "/cgroup.controllers"))
		return "no memory controller (CONFIG_MEMCG)";
	if (cg_write(CG_ROOT "/cgroup.subtree_control", "+memory"))
		return "cannot enable the memory controller";
	return NULL;
}

/* Move the caller into @cg; exits with @code on failure (in a child). */
static void cg_join(const char *cg, int code)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	if (cg_write(path, "0"))
		_exit(code);
}

/*
 * A client process in cgroup A creates a 4 MiB section it never touches
 * and sends a view of it; a server process in cgroup B maps the view and
 * reads every page. The pages must be A's: B's memory.current must not
 * grow by anything near the section's size. Before the fix, B paid for
 * all of it (every page was allocated by B's read faults) and A for none.
 */
TEST_F(iso, section_memory_charged_to_creator)
{
	char a[128], b[128];
	long long a_now, b_before, b_after;
	const char *why;
	bool mounted;
	pid_t pid;
	int ret;

	if (geteuid() != 0)
		SKIP(return, "needs root for cgroups");
	why = cg_setup(&mounted);
	if (why)
		SKIP(return, "%s", why);
	snprintf(a, sizeof(a), CG_ROOT "/lpc-creator-%d", getpid());
	snprintf(b, sizeof(b), CG_ROOT "/lpc-toucher-%d", getpid());
	ASSERT_EQ(0, mkdir(a, 0755));
	ASSERT_EQ(0, mkdir(b, 0755));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd;

		lpc_child_init();
		cg_join(a, 10);
		fd = lpc_section_new(self->client, CG_SECTION);
		if (fd < 0)
			_exit(11);
		if (send_view(self->client, fd, 0, 0, CG_SECTION))
			_exit(12);
		_exit(0);
	}
	ASSERT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	a_now = cg_current(a);
	b_before = cg_current(b);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct lpc_msg_attr attr;
		const volatile char *p;
		size_t i;
		char sum = 0;

		lpc_child_init();
		cg_join(b, 20);
		if (lpc_recv_attr(self->cport, NULL, self->buf,
				  sizeof(self->buf), &attr, 0))
			_exit(21);
		if (!(attr.flags & LPC_ATTR_VIEW) || !attr.view.addr)
			_exit(22);
		p = (const volatile char *)(uintptr_t)attr.view.addr;
		for (i = 0; i < CG_SECTION; i += PAGE)
			sum |= p[i];
		if (sum)
			_exit(23);
		if (lpc_release_view(self->cport, attr.view.addr))
			_exit(24);
		_exit(0);
	}
	ret = lpc_wait_child(pid, LPC_WAIT_MS);
	EXPECT_EQ(0, ret);
	b_after = cg_current(b);

	TH_LOG("creator's cgroup: %lld bytes; toucher's: %lld -> %lld",
	       a_now, b_before, b_after);
	EXPECT_LE((long long)CG_SECTION, a_now);
	EXPECT_GT((long long)CG_SECTION / 4, b_after - b_before);

	EXPECT_EQ(0, rmdir(a));
	EXPECT_EQ(0, rmdir(b));
	if (mounted)
		umount(CG_ROOT);
}

/* A section's memory is committed at creation, not at first touch. */
TEST_F(iso, section_pages_committed_at_creation)
{
	struct stat st;
	int fd;

	fd = lpc_section_new(self->client, 64 * PAGE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &st));
	/* st_blocks counts 512-byte blocks allocated to the file. */
	EXPECT_EQ((blkcnt_t)(64 * PAGE / 512), st.st_blocks);
	close(fd);
}

/* ---- 5: no SIGBUS on demand ---- */

#define VIEW_LEN	(16 * PAGE)

/*
 * The server has a view mapped and reads it; the client truncates the
 * section, then the server reads it again. Sections cannot shrink (nor
 * grow), so the truncation fails with -EPERM and the read goes on.
 * Before the fix, ftruncate() succeeded and the read died of SIGBUS.
 */
TEST_F(iso, view_survives_truncate)
{
	__u64 addr;
	int fd;

	fd = lpc_section_new(self->client, VIEW_LEN);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fill_section(fd, VIEW_LEN));
	EXPECT_EQ(F_SEAL_GROW | F_SEAL_SHRINK, fcntl(fd, F_GET_SEALS));
	ASSERT_EQ(0, send_view(self->client, fd, LPC_VIEW_READONLY, 0,
			       VIEW_LEN));
	SERVER_RECV(0);
	addr = self->attr.view.addr;
	ASSERT_NE(0ULL, addr);
	ASSERT_EQ(0, read_view_in_child(addr, VIEW_LEN));

	EXPECT_EQ(-1, ftruncate(fd, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ftruncate(fd, PAGE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(0, read_view_in_child(addr, VIEW_LEN));

	EXPECT_EQ(0, lpc_release_view(self->cport, addr));
	close(fd);
}

/*
 * The client is another process: it creates a section, fills it and sends
 * a view; the server maps it and reads it; the client then ends the
 * connection (@how: 'd' LPC_IOC_DISCONNECT, 'c' closes its port) and
 * reports the section's size as it sees it; the server reads the view
 * again, releases it, and the client reports the size once more. Steps
 * go through pipes: the server reads after the client's disconnect has
 * returned.
 */
struct client_report {
	int ret;		/* the disconnect or close */
	long long size;		/* fstat() of the section after it */
	long long released;	/* fstat() after the server's release */
};

static void view_client(int port, int to_server, int from_server, char how)
{
	struct client_report r = { 0 };
	struct stat st;
	char c;
	int fd;

	fd = lpc_section_new(port, VIEW_LEN);
	if (fd < 0 || fill_section(fd, VIEW_LEN))
		_exit(10);
	if (send_view(port, fd, 0, 0, VIEW_LEN))
		_exit(11);
	if (pipe_get(from_server, &c) || c != 'e')
		_exit(12);
	if (how == 'd') {
		r.ret = sys_lpc_disconnect(port);
	} else {
		r.ret = close(port) ? -errno : 0;
	}
	r.size = fstat(fd, &st) ? -errno : st.st_size;
	if (write(to_server, &r, sizeof(r)) != sizeof(r))
		_exit(13);
	if (pipe_get(from_server, &c) || c != 'r')
		_exit(14);
	r.released = fstat(fd, &st) ? -errno : st.st_size;
	if (write(to_server, &r, sizeof(r)) != sizeof(r))
		_exit(15);
	_exit(0);
}

static void view_survives_end(struct __test_metadata *_metadata,
			      FIXTURE_DATA(iso) *self, char how)
{
	struct client_report r;
	int up[2], down[2];
	__u64 addr;
	pid_t pid;

	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		close(up[0]);
		close(down[1]);
		view_client(self->client, up[1], down[0], how);
	}
	close(up[1]);
	close(down[0]);
	/* The client's port is the child's alone: its close ends it. */
	lpc_close(&self->client);

	SERVER_RECV(0);
	ASSERT_EQ((__u32)LPC_MSG_DATAGRAM, self->info.type);
	addr = self->attr.view.addr;
	ASSERT_NE(0ULL, addr);
	ASSERT_EQ(0, read_view_in_child(addr, VIEW_LEN));

	ASSERT_EQ(0, pipe_put(down[1], 'e'));
	ASSERT_EQ(0, lpc_poll(up[0], POLLIN, LPC_WAIT_MS) > 0 ? 0 : -1);
	ASSERT_EQ((ssize_t)sizeof(r), read(up[0], &r, sizeof(r)));
	EXPECT_EQ(0, r.ret);
	/* The connection ended, but the server's view holds the pages. */
	EXPECT_EQ((long long)VIEW_LEN, r.size);
	EXPECT_EQ(0, read_view_in_child(addr, VIEW_LEN));
	EXPECT_TRUE(lpc_section_mapped_at(addr));

	/* Released: nothing holds the section, its memory is gone. */
	EXPECT_EQ(0, lpc_release_view(self->cport, addr));
	ASSERT_EQ(0, pipe_put(down[1], 'r'));
	ASSERT_EQ(0, lpc_poll(up[0], POLLIN, LPC_WAIT_MS) > 0 ? 0 : -1);
	ASSERT_EQ((ssize_t)sizeof(r), read(up[0], &r, sizeof(r)));
	EXPECT_EQ(0LL, r.released);
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(up[0]);
	close(down[1]);
}

TEST_F(iso, view_survives_client_disconnect)
{
	view_survives_end(_metadata, self, 'd');
}

TEST_F(iso, view_survives_client_close)
{
	view_survives_end(_metadata, self, 'c');
}

/*
 * With nothing mapped by a receiver, the connection's end still releases
 * a section at once: its creator's fd sees an empty file.
 */
TEST_F(iso, unviewed_section_released_at_connection_end)
{
	struct stat st;
	int fd;

	fd = lpc_section_new(self->client, VIEW_LEN);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fill_section(fd, VIEW_LEN));
	ASSERT_EQ(0, sys_lpc_disconnect(self->client));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(0, st.st_size);
	EXPECT_EQ(0, st.st_blocks);
	close(fd);
}

/* ---- 6: a view as fd is a file of its own ---- */

/*
 * A writable view as fd: read-write, but its own file. Before the fix the
 * receiver got the sender's struct file: the sender's O_APPEND showed in
 * its flags, and its lseek() moved the sender's offset.
 */
TEST_F(iso, writable_view_fd_is_its_own_file)
{
	char c = 0;
	int fd, vfd;

	fd = lpc_section_new(self->client, 4 * PAGE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fcntl(fd, F_SETFL, O_APPEND));
	ASSERT_EQ(0, send_view(self->client, fd, 0, 0, 4 * PAGE));
	SERVER_RECV(LPC_ATTR_VIEW_FD);
	vfd = self->attr.view.section_fd;
	ASSERT_LE(0, vfd);
	ASSERT_NE(fd, vfd);

	EXPECT_EQ(O_RDWR, fcntl(vfd, F_GETFL) & (O_ACCMODE | O_APPEND));
	EXPECT_EQ((off_t)(2 * PAGE), lseek(vfd, 2 * PAGE, SEEK_SET));
	EXPECT_EQ(0, lseek(fd, 0, SEEK_CUR));
	/* The same pages, though. */
	EXPECT_EQ(1, pwrite(vfd, "w", 1, PAGE));
	EXPECT_EQ(1, pread(fd, &c, 1, PAGE));
	EXPECT_EQ('w', c);
	close(vfd);
	close(fd);
}

/* A read-only view as fd: its own read-only file; no write, no seals. */
TEST_F(iso, readonly_view_fd_cannot_write_or_seal)
{
	char c;
	int fd, vfd;

	fd = lpc_section_new(self->client, 4 * PAGE);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, send_view(self->client, fd, LPC_VIEW_READONLY, 0,
			       4 * PAGE));
	SERVER_RECV(LPC_ATTR_VIEW_FD);
	vfd = self->attr.view.section_fd;
	ASSERT_LE(0, vfd);

	EXPECT_EQ(O_RDONLY, fcntl(vfd, F_GETFL) & (O_ACCMODE | O_APPEND));
	EXPECT_EQ(-1, write(vfd, "x", 1));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, fcntl(vfd, F_ADD_SEALS, F_SEAL_WRITE));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(F_SEAL_GROW | F_SEAL_SHRINK, fcntl(fd, F_GET_SEALS));
	EXPECT_EQ((off_t)PAGE, lseek(vfd, PAGE, SEEK_SET));
	EXPECT_EQ(0, lseek(fd, 0, SEEK_CUR));
	EXPECT_EQ(1, read(vfd, &c, 1));
	close(vfd);
	close(fd);
}

TEST_HARNESS_MAIN
