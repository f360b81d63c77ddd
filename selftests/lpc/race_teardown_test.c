// SPDX-License-Identifier: GPL-2.0
/*
 * Races around the birth and end of ports and connections.
 *
 * teardown.disconnect_waits_for_shutdown
 *	A second shutdown of a connection (LPC_IOC_DISCONNECT on the client
 *	while the server's own is still running) returned at once, before
 *	the connection was torn down. The first one is held inside the
 *	kernel: it empties the connection's sections under their inode
 *	lock, and a write(2) into the section whose source is a
 *	userfaultfd page holds that lock. The second must wait for it.
 *
 * teardown.create_without_fd_leaves_names_alone
 *	LPC_IOC_CREATE_PORT published the name before it had an fd for the
 *	port; with a full fd table it then failed (-EMFILE) and took the
 *	name back, but meanwhile another process could see the name taken
 *	(-EEXIST) or connect to a port that never came to be. Now the fd
 *	comes first: a create without one never reaches the name table.
 *
 * teardown.ns_pin_leaves_fds_alone
 *	The first port of an IPC namespace pins it. That used to go through
 *	an fd installed in the caller's table and closed again by number: a
 *	sibling thread could see it, close it or put its own file under that
 *	number (which the kernel then closed). A bounded loop, each round in
 *	a new IPC namespace, with a thread watching the fd table.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"
#include "lpc_race.h"
#include "lpc_uffd.h"

#define NS_ROUNDS	300

FIXTURE(teardown) {
	int dev;
	int cport;
	int client;
	int server;
	char name[LPC_NAME_MAX + 1];
	struct lpc_uffd uffd;
	pid_t child;
};

FIXTURE_SETUP(teardown)
{
	self->dev = self->cport = self->client = self->server = -1;
	self->uffd.fd = -1;
	self->child = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
}

FIXTURE_TEARDOWN(teardown)
{
	if (self->child > 0)
		lpc_wait_child(self->child, LPC_WAIT_MS);
	lpc_uffd_close(&self->uffd);
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

struct section_write {
	int fd;
	void *src;
	ssize_t ret;
};

static void *section_write_fn(void *p)
{
	struct section_write *w = p;

	w->ret = pwrite(w->fd, w->src, LPC_PAGE, 0);
	return NULL;
}

TEST_F(teardown, disconnect_waits_for_shutdown)
{
	struct lpc_section_attr sa;
	struct section_write w;
	struct lpc_call first, second;
	pthread_t wt;
	int sec, ret;

	LPC_UFFD_OPEN_OR_SKIP(&self->uffd);
	LPC_OPEN_PAIR(.context = 1);
	memset(&sa, 0, sizeof(sa));
	sa.size = LPC_PAGE;
	sec = lpc_ioctl(self->client, LPC_IOC_SECTION_CREATE, &sa);
	ASSERT_LE(0, sec);

	/* A write into the section holds its inode lock on a parked page. */
	w.fd = sec;
	w.src = lpc_uffd_map(1);
	ASSERT_NE(NULL, w.src);
	ASSERT_EQ(0, lpc_uffd_register(&self->uffd, w.src, LPC_PAGE));
	ASSERT_EQ(0, pthread_create(&wt, NULL, section_write_fn, &w));
	ASSERT_EQ(0, lpc_uffd_wait_at(&self->uffd, w.src, LPC_WAIT_MS));

	/* The server's shutdown empties the section: it waits for the lock. */
	ASSERT_EQ(0, lpc_call_start(&first, self->server, LPC_IOC_DISCONNECT,
				    NULL));
	ASSERT_EQ(0, lpc_call_wait_blocked(&first, LPC_WAIT_MS));

	/* The client's must not return before the first is done. */
	ASSERT_EQ(0, lpc_call_start(&second, self->client, LPC_IOC_DISCONNECT,
				    NULL));
	ret = lpc_call_wait_blocked(&second, LPC_WAIT_MS);
	EXPECT_FALSE(lpc_call_done(&second)) {
		TH_LOG("the second DISCONNECT returned %d while the first "
		       "shutdown was still running", second.ret);
	}
	EXPECT_EQ(0, ret);
	EXPECT_FALSE(lpc_call_done(&first));

	ASSERT_EQ(0, lpc_uffd_copy(&self->uffd, w.src, NULL));
	pthread_join(wt, NULL);
	EXPECT_EQ(0, lpc_call_join(&first));
	ret = lpc_call_join(&second);
	EXPECT_TRUE(ret == 0 || ret == -ENOTCONN) {
		TH_LOG("second DISCONNECT: %s", strerror(-ret));
	}
	/* The write ran into the emptied section, or before it. */
	EXPECT_TRUE(w.ret == LPC_PAGE || w.ret < 0);
	close(sec);
}

/*
 * A create that cannot have an fd (the table is full) must fail before it
 * touches the name table: it then cannot have published the name, even
 * for a moment, for a port that never comes to be. With the name taken by
 * another port it therefore fails -EMFILE, not -EEXIST; and a new name it
 * tried is free afterwards.
 */
TEST_F(teardown, create_without_fd_leaves_names_alone)
{
	char other[LPC_NAME_MAX + 1];
	int ret;

	lpc_name(self->name, sizeof(self->name), _metadata->name);
	lpc_name(other, sizeof(other), "create_without_fd_other");
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);

	fflush(NULL);
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (!self->child) {
		struct rlimit rl = { 64, 64 };

		lpc_child_init();
		if (setrlimit(RLIMIT_NOFILE, &rl))
			_exit(100);
		while (dup(self->dev) >= 0)
			;
		ret = lpc_create(self->dev, self->name);
		if (ret != -EMFILE)
			_exit(ret == -EEXIST ? 101 : 102);
		ret = lpc_create(self->dev, other);
		_exit(ret == -EMFILE ? 0 : 103);
	}
	ret = lpc_wait_child(self->child, LPC_WAIT_MS);
	self->child = -1;
	EXPECT_EQ(0, ret) {
		TH_LOG("%s", ret == 100 ? "setrlimit failed" :
		       ret == 101 ? "a create with no fd to give got -EEXIST: "
		       "it looked at (and would have published) the name first" :
		       ret == 102 ? "a create with no fd to give: not -EMFILE" :
		       ret == 103 ? "a create of a new name with no fd to give: "
		       "not -EMFILE" : "the child was killed or timed out");
	}
	/* The new name was never taken. */
	ret = lpc_create(self->dev, other);
	EXPECT_LE(0, ret);
	if (ret >= 0)
		close(ret);
}

struct fd_watch {
	int base;		/* the lowest fd number the pin could take */
	volatile int stop;
	unsigned long looks;
	int seen;		/* nsfs fds seen in our table */
};

/* Look at the numbers a kernel-installed fd would get: is one ours? */
static void *watch_fds(void *p)
{
	struct fd_watch *w = p;
	char path[64], link[64];
	ssize_t n;
	int k;

	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		for (k = w->base; k < w->base + 3; k++) {
			snprintf(path, sizeof(path), "/proc/self/fd/%d", k);
			n = readlink(path, link, sizeof(link) - 1);
			if (n > 4 && !strncmp(link, "ipc:", 4))
				w->seen++;
		}
		w->looks++;
	}
	return NULL;
}

/*
 * The pin must not pass through the caller's fd table at all: a sibling
 * thread (or a child forked at that moment) would see, and could close or
 * replace, an fd it never opened. The watcher looks at the lowest free
 * numbers while each round creates the first port of a new namespace.
 */
TEST_F(teardown, ns_pin_leaves_fds_alone)
{
	struct fd_watch w;
	pthread_t wt;
	int i, fd, again = 0, other = 0;

	if (unshare(CLONE_NEWIPC))
		LPC_SKIP("unshare(CLONE_NEWIPC): %s", strerror(errno));
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	memset(&w, 0, sizeof(w));
	w.base = dup(self->dev);
	ASSERT_LE(0, w.base);
	close(w.base);
	ASSERT_EQ(0, pthread_create(&wt, NULL, watch_fds, &w));
	for (i = 0; i < NS_ROUNDS; i++) {
		/* A new namespace: its first port pins it. */
		if (unshare(CLONE_NEWIPC))
			break;
		fd = lpc_create(self->dev, self->name);
		if (fd >= 0)
			close(fd);
		else if (fd == -EAGAIN)
			again++;
		else
			other++;
	}
	__atomic_store_n(&w.stop, 1, __ATOMIC_RELEASE);
	pthread_join(wt, NULL);
	TH_LOG("%d rounds, %lu looks at the fd table", i, w.looks);
	EXPECT_EQ(NS_ROUNDS, i);
	EXPECT_EQ(0, other);
	EXPECT_EQ(0, again);
	EXPECT_EQ(0, w.seen) {
		TH_LOG("an nsfs fd appeared in the caller's table %d times",
		       w.seen);
	}
}

TEST_HARNESS_MAIN
