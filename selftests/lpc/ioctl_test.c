// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl dispatch, every ioctl at once: the size rule of
 * Documentation/userspace-api/lpc.rst ("Size versioning"), which fds and
 * which kinds of port take which ioctl, -ENOTTY for everything else, and
 * the features LPC_IOC_VERSION reports. The module dispatches from tables
 * (module/ioctl.c); this file has its own copy of what they must say,
 * written from the uapi, so a row that drifts fails here.
 *
 * Output structs bigger than the module's are checked with the calls that
 * write a struct back: LPC_IOC_VERSION (output only: the room past the
 * module's struct is cleared), LPC_IOC_CONN_LIST and LPC_IOC_SENDER_CHECK
 * (in and out: the tail, zero on the way in, is left as it was; what
 * follows the struct is never written).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lpc_sys.h"
#include "lpc_pair.h"

/* Which fds take an ioctl. */
#define ON_DEV		(1u << 0)
#define ON_CPORT	(1u << 1)	/* connection port */
#define ON_CLIENT	(1u << 2)
#define ON_SERVER	(1u << 3)
#define ON_COMM		(ON_CLIENT | ON_SERVER)
#define ON_PORT		(ON_CPORT | ON_COMM)

struct ioc {
	const char *name;
	unsigned long cmd;
	unsigned int ver0;	/* 0: no argument */
	unsigned int on;
	bool out_only;		/* LPC_IOC_VERSION: nothing is read */
};

#define IOC(c, v, o) { #c, c, v, o, false }

static const struct ioc iocs[] = {
	{ "LPC_IOC_VERSION", LPC_IOC_VERSION, LPC_VERSION_SIZE_VER0, ON_DEV,
	  true },
	IOC(LPC_IOC_CREATE_PORT, LPC_PORT_ATTR_SIZE_VER0, ON_DEV),
	IOC(LPC_IOC_CONNECT, LPC_CONNECT_SIZE_VER0, ON_DEV),
	IOC(LPC_IOC_PORT_LIST, LPC_QUERY_SIZE_VER0, ON_DEV),
	IOC(LPC_IOC_PORT_INFO, LPC_QUERY_SIZE_VER0, ON_DEV),
	IOC(LPC_IOC_CONN_LIST, LPC_QUERY_SIZE_VER0, ON_DEV),
	IOC(LPC_IOC_ACL_GET, LPC_ACL_REQ_SIZE_VER0, ON_DEV),
	IOC(LPC_IOC_ACL_SET, LPC_ACL_REQ_SIZE_VER0, ON_DEV),
	IOC(LPC_IOC_ACCEPT, LPC_ACCEPT_SIZE_VER0, ON_CPORT),
	IOC(LPC_IOC_XFER, LPC_XFER_SIZE_VER0, ON_PORT),
	IOC(LPC_IOC_CANCEL, LPC_CANCEL_SIZE_VER0, ON_PORT),
	IOC(LPC_IOC_DISCONNECT, 0, ON_COMM),
	IOC(LPC_IOC_SENDER_CHECK, LPC_SENDER_SIZE_VER0, ON_PORT),
	IOC(LPC_IOC_SECTION_CREATE, LPC_SECTION_ATTR_SIZE_VER0, ON_COMM),
	IOC(LPC_IOC_VIEW_RELEASE, LPC_VIEW_RELEASE_SIZE_VER0, ON_PORT),
	IOC(LPC_IOC_DIRECT_READ, LPC_DIRECT_SIZE_VER0, ON_PORT),
	IOC(LPC_IOC_DIRECT_WRITE, LPC_DIRECT_SIZE_VER0, ON_PORT),
	IOC(LPC_IOC_SEND_BATCH, LPC_BATCH_SIZE_VER0, ON_PORT),
	IOC(LPC_IOC_RECV_BATCH, LPC_BATCH_SIZE_VER0, ON_PORT),
};

#define NR_IOCS		(sizeof(iocs) / sizeof(iocs[0]))
#define NR_FDS		4

/* Every feature bit the uapi defines today. */
#define ALL_FEATURES	((LPC_FEAT_CONN_SHARE << 1) - 1)

/* Bigger than a page: what the size rule refuses. */
#define PAST_PAGE	(4096 + 8)

FIXTURE(ioc) {
	int dev;
	char name[64];
	int cport;
	int client;
	int server;
	unsigned char *buf;	/* zeroed, big enough for any size tried */
};

FIXTURE_SETUP(ioc)
{
	self->cport = self->client = self->server = -1;
	self->buf = NULL;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	LPC_OPEN_PAIR(.context = 1);
	self->buf = calloc(1, 2 * PAST_PAGE);
	ASSERT_NE(NULL, self->buf);
}

FIXTURE_TEARDOWN(ioc)
{
	free(self->buf);
	lpc_close(&self->client);
	lpc_close(&self->server);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* The fd of ON_* bit @i. */
static int fd_of(FIXTURE_DATA(ioc) *self, unsigned int i)
{
	const int fds[NR_FDS] = {
		self->dev, self->cport, self->client, self->server,
	};

	return fds[i];
}

/* An fd that takes @c, so that only the size can fail. */
static int taker(FIXTURE_DATA(ioc) *self, const struct ioc *c)
{
	unsigned int i;

	for (i = 0; i < NR_FDS; i++)
		if (c->on & (1u << i))
			return fd_of(self, i);
	return -1;
}

/* @c's number with another size. */
static unsigned long resized(const struct ioc *c, unsigned int size)
{
	return _IOC(_IOC_DIR(c->cmd), _IOC_TYPE(c->cmd), _IOC_NR(c->cmd), size);
}

static int call(FIXTURE_DATA(ioc) *self, int fd, unsigned long cmd)
{
	memset(self->buf, 0, 2 * PAST_PAGE);
	return lpc_ioctl(fd, cmd, self->buf);
}

TEST_F(ioc, below_ver0_einval)
{
	unsigned int i;

	for (i = 0; i < NR_IOCS; i++) {
		const struct ioc *c = &iocs[i];
		int fd = taker(self, c);

		if (!c->ver0)
			continue;
		EXPECT_EQ(-EINVAL, call(self, fd, resized(c, c->ver0 - 1)))
			TH_LOG("%s, size %u", c->name, c->ver0 - 1);
		EXPECT_EQ(-EINVAL, call(self, fd, resized(c, 0)))
			TH_LOG("%s, size 0", c->name);
	}
}

TEST_F(ioc, past_page_e2big)
{
	unsigned int i;

	for (i = 0; i < NR_IOCS; i++) {
		const struct ioc *c = &iocs[i];

		if (!c->ver0)
			continue;
		EXPECT_EQ(-E2BIG, call(self, taker(self, c),
				       resized(c, PAST_PAGE)))
			TH_LOG("%s", c->name);
	}
}

/* A struct bigger than the module's, with a non-zero tail: -E2BIG. */
TEST_F(ioc, nonzero_tail_e2big)
{
	unsigned int i, size;

	for (i = 0; i < NR_IOCS; i++) {
		const struct ioc *c = &iocs[i];

		if (!c->ver0 || c->out_only)
			continue;
		size = _IOC_SIZE(c->cmd) + 8;
		memset(self->buf, 0, 2 * PAST_PAGE);
		self->buf[size - 1] = 1;
		EXPECT_EQ(-E2BIG, lpc_ioctl(taker(self, c), resized(c, size),
					    self->buf))
			TH_LOG("%s", c->name);
	}
}

/*
 * A port ioctl on a kind of port that does not take it: -EINVAL, as it
 * always was (ACCEPT on a communication port, DISCONNECT and
 * SECTION_CREATE on a connection port).
 */
TEST_F(ioc, wrong_kind_einval)
{
	unsigned int i, k;

	for (i = 0; i < NR_IOCS; i++) {
		const struct ioc *c = &iocs[i];

		for (k = 1; k < NR_FDS; k++) {
			if ((c->on & ON_DEV) || (c->on & (1u << k)))
				continue;
			EXPECT_EQ(-EINVAL, call(self, fd_of(self, k), c->cmd))
				TH_LOG("%s on fd kind %u", c->name, k);
		}
	}
}

/* /dev/lpc's ioctls on ports and the ports' on /dev/lpc: -ENOTTY. */
TEST_F(ioc, other_fd_enotty)
{
	unsigned int i, k;

	for (i = 0; i < NR_IOCS; i++) {
		const struct ioc *c = &iocs[i];
		bool dev = c->on & ON_DEV;

		for (k = 0; k < NR_FDS; k++) {
			if (dev == !k)
				continue;
			EXPECT_EQ(-ENOTTY, call(self, fd_of(self, k), c->cmd))
				TH_LOG("%s on fd kind %u", c->name, k);
		}
	}
}

/*
 * Another direction, another magic, a size on an ioctl without argument,
 * or a number next to the ranges: -ENOTTY everywhere.
 */
TEST_F(ioc, mismatch_enotty)
{
	static const unsigned int nrs[] = { 0x3f, 0x48, 0x4f, 0x5b, 0x7f };
	unsigned int i, k, dir;

	for (i = 0; i < NR_IOCS; i++) {
		const struct ioc *c = &iocs[i];
		int fd = taker(self, c);

		dir = _IOC_DIR(c->cmd) ^ _IOC_READ;
		EXPECT_EQ(-ENOTTY, call(self, fd,
					_IOC(dir, LPC_IOC_MAGIC,
					     _IOC_NR(c->cmd),
					     _IOC_SIZE(c->cmd))))
			TH_LOG("%s, direction %u", c->name, dir);
		EXPECT_EQ(-ENOTTY, call(self, fd,
					_IOC(_IOC_DIR(c->cmd),
					     LPC_IOC_MAGIC + 1,
					     _IOC_NR(c->cmd),
					     _IOC_SIZE(c->cmd))))
			TH_LOG("%s, magic %#x", c->name, LPC_IOC_MAGIC + 1);
		if (!c->ver0)
			EXPECT_EQ(-ENOTTY, call(self, fd, resized(c, 8)))
				TH_LOG("%s, size 8", c->name);
	}
	for (i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		for (k = 0; k < NR_FDS; k++)
			EXPECT_EQ(-ENOTTY,
				  call(self, fd_of(self, k),
				       _IOW(LPC_IOC_MAGIC, nrs[i], __u64)))
				TH_LOG("number %#x on fd kind %u", nrs[i], k);
}

/* The features are those of the ioctls plus the flags: all of today's. */
TEST_F(ioc, features)
{
	EXPECT_EQ((__u64)ALL_FEATURES, lpc_features(self->dev));
}

/* Output only: a bigger struct gets the module's, then zeros. */
TEST_F(ioc, version_bigger_zeroed)
{
	struct {
		struct lpc_version v;
		unsigned char tail[40];
		unsigned char canary[16];
	} big;
	unsigned long cmd = _IOR(LPC_IOC_MAGIC, _IOC_NR(LPC_IOC_VERSION),
				 char[sizeof(big.v) + sizeof(big.tail)]);
	unsigned int i;

	memset(&big, 0xa5, sizeof(big));
	ASSERT_EQ(0, lpc_ioctl(self->dev, cmd, &big));
	EXPECT_EQ(LPC_API_VERSION, big.v.api_version);
	EXPECT_EQ((__u64)ALL_FEATURES, big.v.features);
	for (i = 0; i < sizeof(big.tail); i++)
		ASSERT_EQ(0, big.tail[i]) TH_LOG("tail byte %u", i);
	for (i = 0; i < sizeof(big.canary); i++)
		ASSERT_EQ(0xa5, big.canary[i]) TH_LOG("canary byte %u", i);
}

/*
 * In and out: a bigger lpc_query (zero tail) lists the connection; the
 * count is written back, the tail left zero, nothing written past it.
 */
TEST_F(ioc, conn_list_bigger_untouched)
{
	struct {
		struct lpc_query q;
		unsigned char tail[24];
		unsigned char canary[16];
	} big;
	struct lpc_conn_info info[2];
	unsigned long cmd = _IOWR(LPC_IOC_MAGIC, _IOC_NR(LPC_IOC_CONN_LIST),
				  char[sizeof(big.q) + sizeof(big.tail)]);
	unsigned int i;

	memset(&big, 0, sizeof(big));
	memset(big.canary, 0xa5, sizeof(big.canary));
	memset(info, 0xa5, sizeof(info));
	big.q.name = lpc_ptr(self->name);
	big.q.name_len = strlen(self->name);
	big.q.buf = lpc_ptr(info);
	big.q.count = 2;
	big.q.entry_size = sizeof(info[0]);
	ASSERT_EQ(0, lpc_ioctl(self->dev, cmd, &big));
	EXPECT_EQ(1U, big.q.count);
	EXPECT_EQ(0ULL, big.q.cursor);
	EXPECT_NE(0ULL, info[0].serial);
	for (i = 0; i < sizeof(big.tail); i++)
		ASSERT_EQ(0, big.tail[i]) TH_LOG("tail byte %u", i);
	for (i = 0; i < sizeof(big.canary); i++)
		ASSERT_EQ(0xa5, big.canary[i]) TH_LOG("canary byte %u", i);
	/* One byte short of version 0: refused before anything is read. */
	cmd = _IOWR(LPC_IOC_MAGIC, _IOC_NR(LPC_IOC_CONN_LIST),
		    char[LPC_QUERY_SIZE_VER0 - 1]);
	EXPECT_EQ(-EINVAL, lpc_ioctl(self->dev, cmd, &big));
}

/* The same for a port ioctl: the server asks about its client. */
TEST_F(ioc, sender_check_bigger_untouched)
{
	struct {
		struct lpc_sender s;
		unsigned char tail[16];
		unsigned char canary[16];
	} big;
	unsigned long cmd = _IOWR(LPC_IOC_MAGIC,
				  _IOC_NR(LPC_IOC_SENDER_CHECK),
				  char[sizeof(big.s) + sizeof(big.tail)]);
	unsigned int i;

	if (!(lpc_features(self->dev) & LPC_FEAT_SENDER))
		LPC_SKIP("no LPC_FEAT_SENDER");
	memset(&big, 0, sizeof(big));
	memset(big.canary, 0xa5, sizeof(big.canary));
	ASSERT_EQ(0, lpc_ioctl(self->server, cmd, &big));
	EXPECT_EQ(getpid(), big.s.pid);
	for (i = 0; i < sizeof(big.tail); i++)
		ASSERT_EQ(0, big.tail[i]) TH_LOG("tail byte %u", i);
	for (i = 0; i < sizeof(big.canary); i++)
		ASSERT_EQ(0xa5, big.canary[i]) TH_LOG("canary byte %u", i);
}

TEST_HARNESS_MAIN
