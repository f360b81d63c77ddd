// SPDX-License-Identifier: GPL-2.0
/*
 * How long a section's pages live, and who can make them go (issue 17,
 * points 3 to 5, what section_iso_test and view_bound_test left open).
 *
 * - A view delivered as an fd holds the section's pages until the
 *   receiver closes it (and unmaps what it mapped of it), however the
 *   connection ends. Before, the connection's end emptied the section
 *   under the fd: reads came back short and a mapping of it died of SIGBUS.
 * - No hole can be punched in a section (fallocate(FALLOC_FL_PUNCH_HOLE),
 *   madvise(MADV_REMOVE)), through its own fd, a view's fd or a reopen of
 *   either through /proc: its pages were committed at creation, charged to
 *   its creator, and a page that refilled a hole would be charged to
 *   whoever touched it first. Before, the punch succeeded.
 * - Views mapped in a receiver are charged to the sending side's user, up
 *   to max_views_per_user, so a sender that connects again and again
 *   cannot leave more than that in a receiver that never releases them.
 *   Before, each new connection brought a fresh max_conn_views.
 *
 * Reads that could fault are made in a forked child, whose exit status
 * tells (128 + SIGBUS if it faulted). Processes are ordered through pipes:
 * no sleeps.
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
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_race.h"
#include "lpc_section.h"
#include "lpc_pair.h"

#define PAGE		4096ULL
#define LEN		(8 * PAGE)

/*
 * Map @fd read-only and check every byte of it in a forked child
 * (read_view_in_child()): 0 if all hold pattern(), 1 if one does not, 2 if
 * it cannot be mapped, 128 + the signal if a read faulted.
 */
static int check_mapped_in_child(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	int ret;

	if (p == MAP_FAILED)
		return 2;
	ret = read_view_in_child((uintptr_t)p, len);
	munmap(p, len);
	return ret;
}

/* Bytes of @fd that pread() returns, all checked against pattern(). */
static long check_read(int fd, size_t len)
{
	unsigned char buf[4096];
	size_t off = 0, i;
	ssize_t n;

	while (off < len) {
		n = pread(fd, buf, sizeof(buf), (off_t)off);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		for (i = 0; i < (size_t)n; i++)
			if (buf[i] != pattern(off + i))
				return -EILSEQ;
		off += (size_t)n;
	}
	return (long)off;
}

/* fallocate(PUNCH_HOLE) of one page: 0 or -errno. */
static int punch(int fd)
{
	return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			 PAGE, PAGE) ? -errno : 0;
}

/* ---- fixture ---- */

FIXTURE(life) {
	int dev;
	int cport;
	int client;
	int server;
	struct lpc_msg_info info;
	struct lpc_msg_attr attr;
	char buf[64];
	char name[LPC_NAME_MAX + 1];
};

FIXTURE_SETUP(life)
{
	self->dev = self->cport = self->client = self->server = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_SECTIONS);
	LPC_OPEN_PAIR(.context = 1);
}

FIXTURE_TEARDOWN(life)
{
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* ---- point 5: a view as fd holds the pages ---- */

/*
 * The client fills a new section (@fd) and sends a view of all of it; the
 * server receives it as an fd (@vfd).
 */
#define SEND_FD_VIEW(fd, vfd) do {					\
		(fd) = lpc_section_new(self->client, LEN);		\
		ASSERT_LE(0, (fd));					\
		ASSERT_EQ(0, fill_section((fd), LEN));			\
		ASSERT_EQ(0, send_view(self->client, (fd), 0, 0, LEN));	\
		SERVER_RECV(LPC_ATTR_VIEW_FD);				\
		(vfd) = self->attr.view.section_fd;			\
		ASSERT_LE(0, (vfd));					\
	} while (0)

/*
 * The client sends a view as fd, closes its own section fd and ends the
 * connection (@how: 'd' disconnect, 'c' close its port). The server's fd
 * still reads every byte, and a mapping of it never faults.
 */
static void fd_view_outlives(struct __test_metadata *_metadata,
			     FIXTURE_DATA(life) *self, char how)
{
	struct stat st;
	int fd, vfd;

	SEND_FD_VIEW(fd, vfd);
	close(fd);
	if (how == 'd') {
		ASSERT_EQ(0, sys_lpc_disconnect(self->client));
	} else {
		lpc_close(&self->client);
	}

	ASSERT_EQ(0, fstat(vfd, &st));
	EXPECT_EQ((off_t)LEN, st.st_size);
	EXPECT_EQ((long)LEN, check_read(vfd, LEN));
	EXPECT_EQ(0, check_mapped_in_child(vfd, LEN));
	close(vfd);
}

TEST_F(life, fd_view_outlives_disconnect)
{
	fd_view_outlives(_metadata, self, 'd');
}

TEST_F(life, fd_view_outlives_client_close)
{
	fd_view_outlives(_metadata, self, 'c');
}

/*
 * A mapping made of a view's fd holds the pages once the fd is closed,
 * too; when the mapping goes as well, the section of the ended connection
 * is released (the creator's fd then sees an empty file).
 */
TEST_F(life, mapping_of_fd_view_holds_then_releases)
{
	const volatile unsigned char *p;
	struct stat st;
	int fd, vfd;

	SEND_FD_VIEW(fd, vfd);
	p = mmap(NULL, LEN, PROT_READ, MAP_SHARED, vfd, 0);
	ASSERT_NE(MAP_FAILED, p);
	close(vfd);
	ASSERT_EQ(0, sys_lpc_disconnect(self->client));

	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ((off_t)LEN, st.st_size);
	EXPECT_EQ(pattern(LEN - 1), p[LEN - 1]);
	munmap((void *)p, LEN);
	/* __fput() of the last reference may be deferred to task work. */
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(0, st.st_size);
	close(fd);
}

/* ---- point 4: no holes ---- */

TEST_F(life, holes_cannot_be_punched)
{
	char path[64];
	struct stat st;
	int fd, vfd, rfd;
	void *p;

	fd = lpc_section_new(self->client, LEN);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fill_section(fd, LEN));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(-EPERM, punch(fd));

	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, madvise((char *)p + PAGE, PAGE, MADV_REMOVE));
	EXPECT_EQ(EPERM, errno);
	munmap(p, LEN);

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	rfd = open(path, O_RDWR);
	ASSERT_LE(0, rfd);
	EXPECT_EQ(-EPERM, punch(rfd));
	close(rfd);

	ASSERT_EQ(0, send_view(self->client, fd, 0, 0, LEN));
	SERVER_RECV(LPC_ATTR_VIEW_FD);
	vfd = self->attr.view.section_fd;
	ASSERT_LE(0, vfd);
	EXPECT_EQ(-EPERM, punch(vfd));

	/* Allocation, a no-op on committed pages, is still allowed. */
	EXPECT_EQ(0, fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, LEN) ? -errno : 0);
	EXPECT_EQ((long)LEN, check_read(fd, LEN));
	close(vfd);
	close(fd);
}

/* ---- point 3: views of ended connections still count ---- */

#define P_CONN_VIEWS	"max_conn_views"
#define P_USER_VIEWS	"max_views_per_user"
#define CONN_VIEWS	4
#define USER_VIEWS	8
#define ROUNDS		4

/*
 * One sender's connection, in a grandchild: connect (accepting itself on
 * the inherited connection port), send CONN_VIEWS views, say so, and end
 * when told to: its views stay in the receiver.
 */
static void sender(int dev, int cport, const char *name, int up, int down)
{
	int client, server, fd, i;
	char c;

	if (lpc_connect_pair(dev, cport, name, 1, 0, &client, &server))
		_exit(20);
	fd = lpc_section_new(client, CONN_VIEWS * PAGE);
	if (fd < 0)
		_exit(21);
	for (i = 0; i < CONN_VIEWS; i++)
		if (send_view(client, fd, 0, i * PAGE, PAGE))
			_exit(22);
	if (pipe_put(up, 's') || pipe_get(down, &c))
		_exit(23);
	_exit(0);
}

/*
 * The receiver, as an unprivileged user (CAP_SYS_RESOURCE would exempt
 * the senders, who are the same user): ROUNDS connections, one after the
 * other, each sending CONN_VIEWS views and ending. Exit status: 0 when
 * exactly USER_VIEWS views were mapped and the rest came dropped, and one
 * release makes room for one more.
 */
static int receiver(int dev, const char *name)
{
	int cport, round, i, up[2], down[2], mapped = 0, dropped = 0;
	struct lpc_msg_info info;
	struct lpc_msg_attr a;
	__u64 last = 0;
	char buf[16], c;
	pid_t pid;

	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 10;
	cport = lpc_create(dev, name);
	if (cport < 0)
		return 11;
	for (round = 0; round < ROUNDS + 1; round++) {
		if (pipe(up) || pipe(down))
			return 12;
		pid = fork();
		if (pid < 0)
			return 13;
		if (pid == 0) {
			lpc_child_init();
			sender(dev, cport, name, up[1], down[0]);
		}
		if (pipe_get(up[0], &c))
			return 14;
		for (i = 0; i < CONN_VIEWS; i++) {
			if (lpc_recv_attr(cport, &info, buf, sizeof(buf), &a,
					  0))
				return 15;
			if (!(a.flags & LPC_ATTR_VIEW))
				return 16;
			if (a.view.flags & LPC_VIEW_DROPPED) {
				dropped++;
			} else {
				mapped++;
				last = a.view.addr;
			}
		}
		/* The last round first makes room with one release. */
		if (round == ROUNDS - 1) {
			if (mapped != USER_VIEWS ||
			    dropped != (ROUNDS * CONN_VIEWS - USER_VIEWS))
				return 30 + mapped;
			if (lpc_release_view(cport, last))
				return 17;
			mapped--;
		}
		if (pipe_put(down[1], 'e') || lpc_wait_child(pid, LPC_WAIT_MS))
			return 18;
		close(up[0]);
		close(up[1]);
		close(down[0]);
		close(down[1]);
	}
	/* The extra round: one view fits again, the others are dropped. */
	return mapped == USER_VIEWS ? 0 : 50 + mapped;
}

TEST_F(life, reconnecting_sender_bounded_per_user)
{
	unsigned long conn_views, user_views;
	char name[LPC_NAME_MAX + 1];
	bool per_user;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch users and set parameters");
	ASSERT_EQ(0, lpc_param_read(P_CONN_VIEWS, &conn_views));
	/* Without the parameter, the test runs on to show what happens. */
	per_user = !lpc_param_read(P_USER_VIEWS, &user_views);
	EXPECT_TRUE(per_user) {
		TH_LOG("no %s: views are not counted per user", P_USER_VIEWS);
	}
	ASSERT_EQ(0, lpc_param_write(P_CONN_VIEWS, CONN_VIEWS));
	if (per_user) {
		ASSERT_EQ(0, lpc_param_write(P_USER_VIEWS, USER_VIEWS));
	}
	lpc_name(name, sizeof(name), "reconnect-views");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		_exit(receiver(self->dev, name));
	}
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	EXPECT_EQ(0, lpc_param_write(P_CONN_VIEWS, conn_views));
	if (per_user) {
		EXPECT_EQ(0, lpc_param_write(P_USER_VIEWS, user_views));
	}
}

TEST_HARNESS_MAIN
