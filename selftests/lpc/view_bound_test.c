// SPDX-License-Identifier: GPL-2.0
/*
 * The bound on views mapped in a receiver: module parameter
 * max_conn_views, per connection and receiving side (issue 17, point 3).
 *
 * A sender must not be able to fill its receiver's address space with
 * views the receiver has not released yet. Past max_conn_views mapped
 * views of one connection, a view is not mapped: its message is delivered
 * with LPC_VIEW_DROPPED in view.flags, view.addr 0 and view.section_fd -1.
 * Replying to a request that carried a view, releasing a view, the end of
 * the connection or the port's close make room again. Kept views and views
 * delivered as fds do not count.
 *
 * The fixture is one accepted connection with both ends in this process
 * (as section_test), the parameter set to BOUND and restored afterwards.
 * Mapped views are counted in /proc/self/maps.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
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

#define P_VIEWS		"max_conn_views"
#define BOUND		4
#define EXTRA		5
#define PAGE		4096ULL
/* Pages of the test sections: one distinct page per view sent. */
#define SECTION_PAGES	32

/*
 * The value the module had when this binary started: put back at exit
 * too, so that a test killed before its teardown leaves no small bound
 * behind for the next binary.
 */
static unsigned long orig_views;
static bool orig_valid;

static void __attribute__((constructor)) views_save(void)
{
	orig_valid = !lpc_param_read(P_VIEWS, &orig_views);
}

static void __attribute__((destructor)) views_restore(void)
{
	if (orig_valid)
		lpc_param_write(P_VIEWS, orig_views);
}

/* ---- helpers ---- */

/*
 * Send a message of @type carrying a view of page @page of section @fd:
 * 0 or -errno. A request's id goes to *@id.
 */
static int send_view(int port, __u32 type, int fd, unsigned int page,
		     __u64 *id)
{
	struct lpc_msg_attr a;
	struct lpc_xfer x;
	char data[16];
	int ret;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.flags = LPC_ATTR_VIEW;
	a.view.section_fd = fd;
	a.view.offset = page * PAGE;
	a.view.length = PAGE;
	snprintf(data, sizeof(data), "view %u", page);
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.send_type = type;
	x.send_buf = lpc_ptr(data);
	x.send_len = (__u32)strlen(data) + 1;
	x.send_attr = lpc_ptr(&a);
	if (type == LPC_MSG_REQUEST)
		x.recv_cap = 64;
	ret = sys_lpc_xfer(port, &x);
	if (id)
		*id = x.send_id;
	return ret;
}

/* What one receive brought. */
struct got {
	struct lpc_msg_info info;
	struct lpc_msg_attr attr;
	char data[64];
};

/* Receive one message with attributes (@want in attr.flags): 0 or -errno. */
static int recv_view(int port, __u32 want, struct got *g)
{
	struct lpc_xfer x;
	int ret;

	memset(g, 0, sizeof(*g));
	g->attr.size = sizeof(g->attr);
	g->attr.flags = want;
	g->attr.view.section_fd = -1;
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.recv_buf = lpc_ptr(g->data);
	x.recv_cap = sizeof(g->data);
	x.recv_attr = lpc_ptr(&g->attr);
	ret = sys_lpc_xfer(port, &x);
	g->info = x.info;
	return ret;
}

/* Bytes of sections mapped in this process, from /proc/self/maps. */
static long section_bytes(void)
{
	unsigned long start, end;
	char line[512];
	long n = 0;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "lpc-section") &&
		    sscanf(line, "%lx-%lx", &start, &end) == 2)
			n += (long)(end - start);
	fclose(f);
	return n;
}

/* Views mapped in this process (each is one page here). */
static long views_mapped(void)
{
	long n = section_bytes();

	return n < 0 ? n : n / (long)PAGE;
}

/* ---- fixture ---- */

FIXTURE(vb) {
	int dev;
	int cport;
	int client;
	int server;
	int cfd;		/* a section of the client's */
	int sfd;		/* a section of the server's */
	bool set;
	char name[LPC_NAME_MAX + 1];
	__u64 addr[SECTION_PAGES];	/* the views the server got */
	__u64 id[SECTION_PAGES];	/* their requests */
};

FIXTURE_SETUP(vb)
{
	int ret;

	self->dev = self->cport = self->client = self->server = -1;
	self->cfd = self->sfd = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_SECTIONS);
	/*
	 * Neither a skip nor a failure here: a module without the parameter
	 * has no bound, and the tests below fail to show that.
	 */
	ret = lpc_param_write(P_VIEWS, BOUND);
	if (ret)
		TH_LOG("set %s%s: %s", LPC_PARAM_DIR, P_VIEWS,
		       strerror(-ret));
	self->set = !ret && orig_valid;
	lpc_name(self->name, sizeof(self->name), _metadata->name);
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
	ret = lpc_connect_pair(self->dev, self->cport, self->name, 1, 0,
			       &self->client, &self->server);
	ASSERT_EQ(0, ret) {
		TH_LOG("set up a connection: %s", strerror(-ret));
	}
	self->cfd = lpc_section_new(self->client, SECTION_PAGES * PAGE);
	ASSERT_LE(0, self->cfd);
	self->sfd = lpc_section_new(self->server, SECTION_PAGES * PAGE);
	ASSERT_LE(0, self->sfd);
	ASSERT_EQ(0, views_mapped());
}

FIXTURE_TEARDOWN(vb)
{
	lpc_close(&self->cfd);
	lpc_close(&self->sfd);
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
	/* Every view went with its ports. */
	EXPECT_EQ(0, views_mapped());
	if (self->set)
		EXPECT_EQ(0, lpc_param_write(P_VIEWS, orig_views));
}

/*
 * Receive @n messages on @port that each carry a view of page @first + i,
 * with @want; the first @mapped must come mapped (their addresses go to
 * self->addr[], ids to self->id[]), the rest dropped. Each message must be
 * delivered either way.
 */
static void expect_views(struct __test_metadata *_metadata,
			 FIXTURE_DATA(vb) *self, int port, __u32 want,
			 __u32 type, unsigned int first, unsigned int n,
			 unsigned int mapped)
{
	unsigned int i, got_mapped = 0, got_dropped = 0;
	char expect[16];
	struct got g;
	int ret;

	for (i = 0; i < n; i++) {
		ret = recv_view(port, want, &g);
		ASSERT_EQ(0, ret) {
			TH_LOG("receive %u: %s", i, strerror(-ret));
		}
		/* The message itself always arrives, with its view named. */
		ASSERT_EQ(type, g.info.type);
		snprintf(expect, sizeof(expect), "view %u", first + i);
		EXPECT_STREQ(expect, g.data);
		ASSERT_TRUE(g.attr.flags & LPC_ATTR_VIEW);
		EXPECT_EQ((first + i) * PAGE, g.attr.view.offset);
		EXPECT_EQ(PAGE, g.attr.view.length);
		EXPECT_EQ(-1, g.attr.view.section_fd);
		self->id[first + i] = g.info.id;
		self->addr[first + i] = g.attr.view.addr;
		if (g.attr.view.flags & LPC_VIEW_DROPPED) {
			got_dropped++;
			EXPECT_EQ(0ULL, g.attr.view.addr);
			EXPECT_GE(i, mapped) {
				TH_LOG("view %u of %u dropped, %u mapped",
				       i + 1, n, got_mapped);
			}
		} else {
			got_mapped++;
			EXPECT_NE(0ULL, g.attr.view.addr);
			EXPECT_LT(i, mapped) {
				TH_LOG("view %u of %u mapped past the bound %u",
				       i + 1, n, mapped);
			}
		}
	}
	EXPECT_EQ(mapped, got_mapped) {
		TH_LOG("%u of %u views mapped, %u dropped; want %u mapped",
		       got_mapped, n, got_dropped, mapped);
	}
}

/* Client -> server datagrams with views, @n of them from page @first. */
#define CLIENT_SENDS(type, first, n) do {				\
		unsigned int __i;					\
		int __r;						\
		for (__i = (first); __i < (first) + (n); __i++) {	\
			__r = send_view(self->client, (type), self->cfd, \
					__i, NULL);			\
			ASSERT_EQ(0, __r) {				\
				TH_LOG("send %u: %s", __i, strerror(-__r)); \
			}						\
		}							\
	} while (0)

/* ---- datagrams ---- */

TEST_F(vb, datagram_views_bounded_then_room_after_release)
{
	CLIENT_SENDS(LPC_MSG_DATAGRAM, 0, BOUND + EXTRA);
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_DATAGRAM,
		     0, BOUND + EXTRA, BOUND);
	EXPECT_EQ(BOUND, views_mapped());

	/* One released: the next view maps, the one after does not. */
	ASSERT_NE(0ULL, self->addr[1]);
	EXPECT_EQ(0, lpc_release_view(self->cport, self->addr[1]));
	CLIENT_SENDS(LPC_MSG_DATAGRAM, BOUND + EXTRA, 2);
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_DATAGRAM,
		     BOUND + EXTRA, 2, 1);
	EXPECT_EQ(BOUND, views_mapped());
}

/* The client side has its own count: server -> client datagrams. */
TEST_F(vb, views_into_client_bounded)
{
	unsigned int i;

	/* The server's side full first: the client's count is apart. */
	CLIENT_SENDS(LPC_MSG_DATAGRAM, 0, BOUND);
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_DATAGRAM,
		     0, BOUND, BOUND);
	for (i = 0; i < BOUND + EXTRA; i++)
		ASSERT_EQ(0, send_view(self->server, LPC_MSG_DATAGRAM,
				       self->sfd, i, NULL));
	expect_views(_metadata, self, self->client, 0, LPC_MSG_DATAGRAM,
		     0, BOUND + EXTRA, BOUND);
	EXPECT_EQ(2 * BOUND, views_mapped());
	EXPECT_EQ(0, lpc_release_view(self->client, self->addr[0]));
	ASSERT_EQ(0, send_view(self->server, LPC_MSG_DATAGRAM, self->sfd,
			       BOUND + EXTRA, NULL));
	expect_views(_metadata, self, self->client, 0, LPC_MSG_DATAGRAM,
		     BOUND + EXTRA, 1, 1);
}

/* The bound is per connection: another client of the port has its own. */
TEST_F(vb, bound_is_per_connection)
{
	int client2 = -1, server2 = -1, fd2;
	unsigned int i;
	struct got g;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 2,
				      0, &client2, &server2));
	fd2 = lpc_section_new(client2, SECTION_PAGES * PAGE);
	ASSERT_LE(0, fd2);
	CLIENT_SENDS(LPC_MSG_DATAGRAM, 0, BOUND + 1);
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_DATAGRAM,
		     0, BOUND + 1, BOUND);
	for (i = 0; i < BOUND; i++) {
		ASSERT_EQ(0, send_view(client2, LPC_MSG_DATAGRAM, fd2, i,
				       NULL));
		ASSERT_EQ(0, recv_view(self->cport, 0, &g));
		EXPECT_EQ(2ULL, g.info.context);
		EXPECT_FALSE(g.attr.view.flags & LPC_VIEW_DROPPED) {
			TH_LOG("view %u of the second connection dropped", i);
		}
	}
	EXPECT_EQ(2 * BOUND, views_mapped());
	/*
	 * The second connection's end unmaps its views (this process is
	 * their receiver) and leaves the first one's count alone.
	 */
	close(fd2);
	close(client2);
	close(server2);
	EXPECT_EQ(BOUND, views_mapped());
	ASSERT_EQ(0, recv_view(self->cport, 0, &g));
	EXPECT_EQ(LPC_MSG_PORT_CLOSED, g.info.type);
	ASSERT_EQ(0, send_view(self->client, LPC_MSG_DATAGRAM, self->cfd,
			       BOUND + 1, NULL));
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_DATAGRAM,
		     BOUND + 1, 1, 0);
}

/* Receivers racing at the bound: together they map exactly the bound. */
#define RACERS		4
#define PER_RACER	4

struct racer {
	pthread_t thread;
	int port;
	int mapped;
	int dropped;
	int err;
};

static void *racer_fn(void *p)
{
	struct racer *r = p;
	struct got g;
	int i, ret;

	for (i = 0; i < PER_RACER; i++) {
		ret = recv_view(r->port, 0, &g);
		if (ret) {
			r->err = ret;
			break;
		}
		if (g.attr.view.flags & LPC_VIEW_DROPPED)
			r->dropped++;
		else
			r->mapped++;
	}
	return NULL;
}

TEST_F(vb, racing_receivers_map_the_bound)
{
	struct racer r[RACERS];
	int i, mapped = 0, dropped = 0;

	CLIENT_SENDS(LPC_MSG_DATAGRAM, 0, RACERS * PER_RACER);
	memset(r, 0, sizeof(r));
	for (i = 0; i < RACERS; i++) {
		r[i].port = self->cport;
		ASSERT_EQ(0, pthread_create(&r[i].thread, NULL, racer_fn,
					    &r[i]));
	}
	for (i = 0; i < RACERS; i++) {
		pthread_join(r[i].thread, NULL);
		EXPECT_EQ(0, r[i].err);
		mapped += r[i].mapped;
		dropped += r[i].dropped;
	}
	EXPECT_EQ(BOUND, mapped);
	EXPECT_EQ(RACERS * PER_RACER - BOUND, dropped);
	EXPECT_EQ(BOUND, views_mapped());
}

/* ---- requests ---- */

TEST_F(vb, request_views_bounded_then_room_after_reply)
{
	bool answered[SECTION_PAGES] = { false };
	unsigned int i;

	CLIENT_SENDS(LPC_MSG_REQUEST, 0, BOUND + EXTRA);
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_REQUEST,
		     0, BOUND + EXTRA, BOUND);
	EXPECT_EQ(BOUND, views_mapped());

	/* Answering a request whose view was dropped frees nothing. */
	ASSERT_EQ(0, lpc_reply(self->cport, self->id[BOUND], "ok", 3));
	answered[BOUND] = true;
	CLIENT_SENDS(LPC_MSG_REQUEST, BOUND + EXTRA, 1);
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_REQUEST,
		     BOUND + EXTRA, 1, 0);

	/* Answering one that was mapped unmaps it: room for one. */
	ASSERT_EQ(0, lpc_reply(self->cport, self->id[0], "ok", 3));
	answered[0] = true;
	EXPECT_EQ(BOUND - 1, views_mapped());
	CLIENT_SENDS(LPC_MSG_REQUEST, BOUND + EXTRA + 1, 2);
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_REQUEST,
		     BOUND + EXTRA + 1, 2, 1);
	EXPECT_EQ(BOUND, views_mapped());

	/* All answered: all unmapped, and a whole bound maps again. */
	for (i = 0; i < BOUND + EXTRA + 3; i++)
		if (!answered[i])
			EXPECT_EQ(0, lpc_reply(self->cport, self->id[i],
					       "ok", 3));
	EXPECT_EQ(0, views_mapped());
	CLIENT_SENDS(LPC_MSG_REQUEST, 0, BOUND);
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_REQUEST,
		     0, BOUND, BOUND);
	EXPECT_EQ(BOUND, views_mapped());
}

/* ---- what does not count ---- */

TEST_F(vb, kept_and_fd_views_do_not_count)
{
	unsigned int i;
	struct got g;

	if (!(lpc_features(self->dev) & LPC_FEAT_VIEW_KEEP))
		LPC_SKIP("no LPC_FEAT_VIEW_KEEP");
	/* Kept views (up to max_kept_views, default 16) are bound apart. */
	CLIENT_SENDS(LPC_MSG_DATAGRAM, 0, BOUND + 2);
	for (i = 0; i < BOUND + 2; i++) {
		ASSERT_EQ(0, recv_view(self->cport, LPC_ATTR_VIEW_KEEP, &g));
		EXPECT_TRUE(g.attr.view.flags & LPC_VIEW_KEPT);
		EXPECT_NE(0ULL, g.attr.view.addr);
	}
	/* Views as fds are not mappings. */
	CLIENT_SENDS(LPC_MSG_DATAGRAM, 0, BOUND + 2);
	for (i = 0; i < BOUND + 2; i++) {
		ASSERT_EQ(0, recv_view(self->cport, LPC_ATTR_VIEW_FD, &g));
		EXPECT_FALSE(g.attr.view.flags & LPC_VIEW_DROPPED);
		EXPECT_LE(0, g.attr.view.section_fd);
		close(g.attr.view.section_fd);
	}
	/* Ordinary views still have their whole bound. */
	CLIENT_SENDS(LPC_MSG_DATAGRAM, BOUND + 2, BOUND + 1);
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_DATAGRAM,
		     BOUND + 2, BOUND + 1, BOUND);
	EXPECT_EQ(2 * BOUND + 2, views_mapped());
}

/* ---- the count ends with the connection ---- */

/*
 * The client is another process and ends the connection: the server's
 * views stay mapped (only their receiver unmaps them) but no longer count;
 * the kernel warns if the count were left non-zero. They can still be
 * released.
 */
TEST_F(vb, client_process_ends_connection)
{
	int go[2], done[2];
	unsigned int i;
	char c = 0;
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		lpc_child_init();
		close(go[1]);
		close(done[0]);
		for (i = 0; i < BOUND + EXTRA; i++)
			if (send_view(self->client, LPC_MSG_DATAGRAM,
				      self->cfd, i, NULL))
				_exit(1);
		if (write(done[1], &c, 1) != 1)
			_exit(2);
		/* Stay connected until the server has received all. */
		if (read(go[0], &c, 1) < 0)
			_exit(3);
		_exit(0);
	}
	close(go[0]);
	close(done[1]);
	lpc_close(&self->client);
	lpc_close(&self->cfd);
	ASSERT_EQ(1, read(done[0], &c, 1));
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_DATAGRAM,
		     0, BOUND + EXTRA, BOUND);
	close(go[1]);
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));
	close(done[0]);
	EXPECT_EQ(BOUND, views_mapped());
	for (i = 0; i < BOUND; i++)
		EXPECT_EQ(0, lpc_release_view(self->cport, self->addr[i]));
	EXPECT_EQ(0, views_mapped());
}

/* The server closes its ports with a full count: everything goes. */
TEST_F(vb, close_with_full_count)
{
	CLIENT_SENDS(LPC_MSG_DATAGRAM, 0, BOUND + 1);
	CLIENT_SENDS(LPC_MSG_REQUEST, BOUND + 1, 1);
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_DATAGRAM,
		     0, BOUND + 1, BOUND);
	expect_views(_metadata, self, self->cport, 0, LPC_MSG_REQUEST,
		     BOUND + 1, 1, 0);
	EXPECT_EQ(BOUND, views_mapped());
	lpc_close(&self->server);
	lpc_close(&self->cport);
	EXPECT_EQ(0, views_mapped());
}

TEST_HARNESS_MAIN
