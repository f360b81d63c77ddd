// SPDX-License-Identifier: GPL-2.0
/*
 * Port ACLs: who may connect, query and change the list.
 *
 * The tests run as root; every check that matters runs in a forked child
 * that became another user first (setgroups, setresgid, setresuid, and
 * libcap for the one capability it keeps). Ports are owned by uid 1000
 * unless a test says otherwise.
 *
 * A connect that the ACL allows reaches the server and then times out,
 * since nobody accepts it (-ETIMEDOUT); a denied one fails at once, with
 * -EACCES if the caller may query the port and -ENOENT if it may not (the
 * port does not exist for it). Either way the server must find nothing
 * on its port.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_wait.h"
#include "lpc_query.h"

#define OWNER_UID	1000
#define OTHER_UID	1001
#define THIRD_UID	1002
#define GROUP		2000
#define OVERFLOW_ID	65534

#define ACE(act, who, id, rights) \
	{ LPC_ACE_##act, LPC_ACE_##who, (id), (rights) }
#define R_CONNECT	LPC_RIGHT_CONNECT
#define R_QUERY		LPC_RIGHT_QUERY
#define R_ADMIN		LPC_RIGHT_ADMIN
#define R_ALL		LPC_RIGHT_ALL

#define ID_NOCAPS	.cap = LPC_CAPS_NONE, .drop = -1
#define ID_OWNER	{ .uid = OWNER_UID, .gid = OWNER_UID, ID_NOCAPS }
#define ID_OTHER	{ .uid = OTHER_UID, .gid = OTHER_UID, ID_NOCAPS }
#define ID_MEMBER	{ .uid = OTHER_UID, .gid = OTHER_UID, .ngroups = 1, \
			  .groups = { GROUP }, ID_NOCAPS }
#define ID_PRIMARY	{ .uid = OTHER_UID, .gid = GROUP, ID_NOCAPS }
#define ID_CAPPED	{ .uid = OTHER_UID, .gid = OTHER_UID, \
			  .cap = CAP_NET_ADMIN, .drop = -1 }
#define ID_ROOT		{ .uid = 0, .gid = 0, .cap = LPC_CAPS_ALL, .drop = -1 }
#define ID_ROOT_NO_IPC	{ .uid = 0, .gid = 0, .cap = LPC_CAPS_ALL, \
			  .drop = CAP_IPC_OWNER }

/* What a child does: connect or call the ACL ioctls on port @name. */
struct acl_op {
	int dev;
	const char *name;
	__u32 flags;		/* extra LPC_CONNECT_* flags */
	__u32 server_uid;
	__u32 server_gid;
	struct lpc_ace aces[LPC_ACL_MAX + 1];
	__u32 count;
	int go;			/* pipe read end to wait on, or -1 */
};

static void acl_op_init(struct acl_op *op, int dev, const char *name)
{
	memset(op, 0, sizeof(*op));
	op->dev = dev;
	op->name = name;
	op->go = -1;
}

/* Connect and give up after LPC_SHORT_NS: -ETIMEDOUT means it got through. */
static int try_connect(void *p)
{
	struct acl_op *op = p;
	struct lpc_connect c;
	int fd;

	lpc_connect_init(&c, op->name, LPC_SHORT_NS);
	c.flags |= op->flags;
	c.server_uid = op->server_uid;
	c.server_gid = op->server_gid;
	fd = sys_lpc_connect(op->dev, &c);
	if (fd >= 0) {
		close(fd);
		return -EPROTO;	/* nobody accepts: cannot happen */
	}
	return fd;
}

static int try_acl_get(void *p)
{
	struct acl_op *op = p;

	op->count = LPC_ACL_MAX;
	return lpc_acl_get(op->dev, op->name, op->aces, &op->count);
}

static int try_acl_set(void *p)
{
	struct acl_op *op = p;

	return lpc_acl_set(op->dev, op->name, op->count ? op->aces : NULL,
			   op->count);
}

/* Nothing may be waiting on the connection port. */
#define ASSERT_NOTHING_AT(cport) do {					\
		struct lpc_msg_info __i;				\
		char __b[LPC_DEFAULT_CONN_DATA];			\
		int __r = lpc_recv_nb((cport), &__i, __b, sizeof(__b));	\
		ASSERT_EQ(-EAGAIN, __r) {				\
			TH_LOG("a message of type %u reached the server", \
			       __i.type);				\
		}							\
	} while (0)

/* ---- the connect matrix ---- */

FIXTURE(matrix) {
	int dev;
	int cport;
	char name[LPC_NAME_MAX + 1];
};

FIXTURE_VARIANT(matrix) {
	struct lpc_ace acl[4];
	__u32 nacl;
	struct lpc_ident who;
	int expect;	/* ALLOWED, DENIED or HIDDEN */
};

#define ALLOWED	-ETIMEDOUT
#define DENIED	-EACCES		/* the caller may query the port */
#define HIDDEN	-ENOENT		/* it may not: no such port, for it */

/* No ACL given: the owner only. */
FIXTURE_VARIANT_ADD(matrix, default_owner) {
	.who = ID_OWNER, .expect = ALLOWED,
};

FIXTURE_VARIANT_ADD(matrix, default_other) {
	.who = ID_OTHER, .expect = HIDDEN,
};

FIXTURE_VARIANT_ADD(matrix, default_member) {
	.who = ID_MEMBER, .expect = HIDDEN,
};

/* CAP_IPC_OWNER passes every check; without it root is just uid 0. */
FIXTURE_VARIANT_ADD(matrix, default_root) {
	.who = ID_ROOT, .expect = ALLOWED,
};

FIXTURE_VARIANT_ADD(matrix, default_root_without_cap_ipc_owner) {
	.who = ID_ROOT_NO_IPC, .expect = HIDDEN,
};

FIXTURE_VARIANT_ADD(matrix, deny_everyone_root) {
	.acl = { ACE(DENY, EVERYONE, 0, R_ALL) }, .nacl = 1,
	.who = ID_ROOT, .expect = ALLOWED,
};

FIXTURE_VARIANT_ADD(matrix, deny_everyone_then_owner) {
	.acl = { ACE(DENY, EVERYONE, 0, R_ALL), ACE(ALLOW, OWNER, 0, R_ALL) },
	.nacl = 2, .who = ID_OWNER, .expect = HIDDEN,
};

FIXTURE_VARIANT_ADD(matrix, owner_entry_other) {
	.acl = { ACE(ALLOW, OWNER, 0, R_ALL) }, .nacl = 1,
	.who = ID_OTHER, .expect = HIDDEN,
};

FIXTURE_VARIANT_ADD(matrix, uid_match) {
	.acl = { ACE(ALLOW, UID, OTHER_UID, R_CONNECT) }, .nacl = 1,
	.who = ID_OTHER, .expect = ALLOWED,
};

FIXTURE_VARIANT_ADD(matrix, uid_mismatch) {
	.acl = { ACE(ALLOW, UID, THIRD_UID, R_CONNECT) }, .nacl = 1,
	.who = ID_OTHER, .expect = HIDDEN,
};

FIXTURE_VARIANT_ADD(matrix, gid_supplementary_member) {
	.acl = { ACE(ALLOW, GID, GROUP, R_CONNECT) }, .nacl = 1,
	.who = ID_MEMBER, .expect = ALLOWED,
};

FIXTURE_VARIANT_ADD(matrix, gid_primary_member) {
	.acl = { ACE(ALLOW, GID, GROUP, R_CONNECT) }, .nacl = 1,
	.who = ID_PRIMARY, .expect = ALLOWED,
};

FIXTURE_VARIANT_ADD(matrix, gid_non_member) {
	.acl = { ACE(ALLOW, GID, GROUP, R_CONNECT) }, .nacl = 1,
	.who = ID_OTHER, .expect = HIDDEN,
};

FIXTURE_VARIANT_ADD(matrix, cap_held) {
	.acl = { ACE(ALLOW, CAP, CAP_NET_ADMIN, R_CONNECT) }, .nacl = 1,
	.who = ID_CAPPED, .expect = ALLOWED,
};

FIXTURE_VARIANT_ADD(matrix, cap_dropped) {
	.acl = { ACE(ALLOW, CAP, CAP_NET_ADMIN, R_CONNECT) }, .nacl = 1,
	.who = ID_OTHER, .expect = HIDDEN,
};

/* The first entry that matches and covers the right decides. */
FIXTURE_VARIANT_ADD(matrix, deny_uid_then_allow_everyone) {
	.acl = { ACE(DENY, UID, OTHER_UID, R_CONNECT),
		 ACE(ALLOW, EVERYONE, 0, R_CONNECT) }, .nacl = 2,
	.who = ID_OTHER, .expect = HIDDEN,
};

FIXTURE_VARIANT_ADD(matrix, allow_everyone_then_deny_uid) {
	.acl = { ACE(ALLOW, EVERYONE, 0, R_CONNECT),
		 ACE(DENY, UID, OTHER_UID, R_CONNECT) }, .nacl = 2,
	.who = ID_OTHER, .expect = ALLOWED,
};

FIXTURE_VARIANT_ADD(matrix, deny_group_then_allow_member) {
	.acl = { ACE(DENY, GID, GROUP, R_CONNECT),
		 ACE(ALLOW, EVERYONE, 0, R_CONNECT) }, .nacl = 2,
	.who = ID_MEMBER, .expect = HIDDEN,
};

FIXTURE_VARIANT_ADD(matrix, deny_group_then_allow_non_member) {
	.acl = { ACE(DENY, GID, GROUP, R_CONNECT),
		 ACE(ALLOW, EVERYONE, 0, R_CONNECT) }, .nacl = 2,
	.who = ID_OTHER, .expect = ALLOWED,
};

FIXTURE_VARIANT_ADD(matrix, deny_cap_then_allow_holder) {
	.acl = { ACE(DENY, CAP, CAP_NET_ADMIN, R_CONNECT),
		 ACE(ALLOW, EVERYONE, 0, R_CONNECT) }, .nacl = 2,
	.who = ID_CAPPED, .expect = HIDDEN,
};

FIXTURE_VARIANT_ADD(matrix, deny_cap_then_allow_non_holder) {
	.acl = { ACE(DENY, CAP, CAP_NET_ADMIN, R_CONNECT),
		 ACE(ALLOW, EVERYONE, 0, R_CONNECT) }, .nacl = 2,
	.who = ID_OTHER, .expect = ALLOWED,
};

/* An entry whose rights do not cover connect decides nothing. */
FIXTURE_VARIANT_ADD(matrix, query_only_is_no_connect) {
	.acl = { ACE(ALLOW, UID, OTHER_UID, R_QUERY | R_ADMIN) }, .nacl = 1,
	.who = ID_OTHER, .expect = DENIED,
};

FIXTURE_VARIANT_ADD(matrix, deny_of_other_rights_skipped) {
	.acl = { ACE(DENY, EVERYONE, 0, R_QUERY | R_ADMIN),
		 ACE(ALLOW, UID, OTHER_UID, R_CONNECT) }, .nacl = 2,
	.who = ID_OTHER, .expect = ALLOWED,
};

FIXTURE_SETUP(matrix)
{
	self->dev = -1;
	self->cport = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_ACL);
	lpc_name(self->name, sizeof(self->name), "matrix");
	self->cport = lpc_create_as(self->dev, self->name, OWNER_UID,
				    OWNER_UID,
				    variant->nacl ? (void *)variant->acl : NULL,
				    variant->nacl);
	ASSERT_LE(0, self->cport) {
		TH_LOG("create %s: %s", self->name, strerror(-self->cport));
	}
}

FIXTURE_TEARDOWN(matrix)
{
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

TEST_F(matrix, connect)
{
	struct lpc_port_info before, after;
	bool stats = lpc_features(self->dev) & LPC_FEAT_QUERY;
	struct acl_op op;

	if (stats)
		ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &before));
	acl_op_init(&op, self->dev, self->name);
	ASSERT_EQ(variant->expect, lpc_as_user(&variant->who, try_connect,
					       &op));
	ASSERT_NOTHING_AT(self->cport);
	if (!stats)
		return;
	ASSERT_EQ(0, lpc_port_info(self->dev, self->name, &after));
	EXPECT_EQ(0, after.nr_conns);
	EXPECT_EQ(0, after.nr_queued);
	EXPECT_EQ(before.denied + (variant->expect != ALLOWED),
		  after.denied);
}

/* ---- server identity ---- */

FIXTURE(ident) {
	int dev;
	int cport;		/* owned by OWNER_UID/OWNER_UID, default ACL */
	char name[LPC_NAME_MAX + 1];
	struct acl_op op;
};

FIXTURE_SETUP(ident)
{
	self->dev = -1;
	self->cport = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_ACL | LPC_FEAT_SERVER_ID);
	lpc_name(self->name, sizeof(self->name), "ident");
	self->cport = lpc_create_as(self->dev, self->name, OWNER_UID,
				    OWNER_UID, NULL, 0);
	ASSERT_LE(0, self->cport);
	acl_op_init(&self->op, self->dev, self->name);
}

FIXTURE_TEARDOWN(ident)
{
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

TEST_F(ident, uid_mismatch_eperm)
{
	struct lpc_ident owner = ID_OWNER;

	self->op.flags = LPC_CONNECT_SERVER_UID;
	self->op.server_uid = OTHER_UID;
	ASSERT_EQ(-EPERM, lpc_as_user(&owner, try_connect, &self->op));
	ASSERT_NOTHING_AT(self->cport);
}

TEST_F(ident, gid_mismatch_eperm)
{
	struct lpc_ident owner = ID_OWNER;

	self->op.flags = LPC_CONNECT_SERVER_UID | LPC_CONNECT_SERVER_GID;
	self->op.server_uid = OWNER_UID;
	self->op.server_gid = GROUP;
	ASSERT_EQ(-EPERM, lpc_as_user(&owner, try_connect, &self->op));
	ASSERT_NOTHING_AT(self->cport);
}

TEST_F(ident, root_mismatch_eperm)
{
	/* Root passes the ACL, but the server is still not who it wants. */
	self->op.flags = LPC_CONNECT_SERVER_UID;
	self->op.server_uid = 0;
	ASSERT_EQ(-EPERM, try_connect(&self->op));
	ASSERT_NOTHING_AT(self->cport);
}

TEST_F(ident, match_reaches_server)
{
	struct lpc_ident owner = ID_OWNER;

	self->op.flags = LPC_CONNECT_SERVER_UID | LPC_CONNECT_SERVER_GID;
	self->op.server_uid = OWNER_UID;
	self->op.server_gid = OWNER_UID;
	ASSERT_EQ(-ETIMEDOUT, lpc_as_user(&owner, try_connect, &self->op));
	ASSERT_NOTHING_AT(self->cport);
}

TEST_F(ident, full_handshake_with_identity)
{
	char buf[LPC_DEFAULT_CONN_DATA];
	struct lpc_msg_info info;
	struct lpc_connect c;
	struct lpc_call call;
	int sfd, cfd;

	lpc_connect_init(&c, self->name, LPC_WAIT_NS);
	c.flags |= LPC_CONNECT_SERVER_UID | LPC_CONNECT_SERVER_GID;
	c.server_uid = OWNER_UID;
	c.server_gid = OWNER_UID;
	ASSERT_EQ(0, lpc_call_start(&call, self->dev, LPC_IOC_CONNECT, &c));
	ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_CONNECTION_REQUEST, info.type);
	sfd = lpc_accept_id(self->cport, info.id, 7, NULL, 0, 0);
	ASSERT_LE(0, sfd);
	cfd = lpc_call_join(&call);
	ASSERT_LE(0, cfd);
	close(cfd);
	close(sfd);
}

/* ---- ACL get and set ---- */

FIXTURE(getset) {
	int dev;
	int cport;		/* owned by OWNER_UID/OWNER_UID */
	char name[LPC_NAME_MAX + 1];
	struct acl_op op;
};

FIXTURE_SETUP(getset)
{
	self->dev = -1;
	self->cport = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, LPC_FEAT_ACL | LPC_FEAT_ACL_GETSET);
	lpc_name(self->name, sizeof(self->name), "getset");
	self->cport = lpc_create_as(self->dev, self->name, OWNER_UID,
				    OWNER_UID, NULL, 0);
	ASSERT_LE(0, self->cport);
	acl_op_init(&self->op, self->dev, self->name);
}

FIXTURE_TEARDOWN(getset)
{
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

static bool ace_eq(const struct lpc_ace *a, const struct lpc_ace *b)
{
	return a->action == b->action && a->who == b->who &&
	       a->id == b->id && a->rights == b->rights;
}

/* The port's ACL must be exactly @want[0..@n). */
#define ASSERT_ACL(want, n) do {					\
		struct lpc_ace __got[LPC_ACL_MAX];			\
		__u32 __n = LPC_ACL_MAX, __i;				\
		ASSERT_EQ(0, lpc_acl_get(self->dev, self->name, __got,	\
					 &__n));			\
		ASSERT_EQ((__u32)(n), __n);				\
		for (__i = 0; __i < __n; __i++)				\
			ASSERT_TRUE(ace_eq(&(want)[__i], &__got[__i])) { \
				TH_LOG("entry %u: %u %u %u 0x%x", __i,	\
				       __got[__i].action, __got[__i].who, \
				       __got[__i].id, __got[__i].rights); \
			}						\
	} while (0)

static const struct lpc_ace default_acl[] = {
	ACE(ALLOW, OWNER, 0, R_ALL),
};

TEST_F(getset, default_is_owner_only)
{
	ASSERT_ACL(default_acl, 1);
}

TEST_F(getset, round_trip)
{
	struct lpc_ace acl[] = {
		ACE(DENY, UID, THIRD_UID, R_CONNECT),
		ACE(ALLOW, GID, GROUP, R_CONNECT | R_QUERY),
		ACE(ALLOW, CAP, CAP_NET_ADMIN, R_ADMIN),
		ACE(ALLOW, EVERYONE, 0, R_QUERY),
		ACE(ALLOW, OWNER, 0, R_ALL),
	};

	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, acl, 5));
	ASSERT_ACL(acl, 5);
}

TEST_F(getset, largest_list)
{
	struct lpc_ace acl[LPC_ACL_MAX];
	int i;

	for (i = 0; i < LPC_ACL_MAX; i++) {
		struct lpc_ace a = ACE(ALLOW, UID, 3000 + i, R_CONNECT);

		acl[i] = a;
	}
	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, acl, LPC_ACL_MAX));
	ASSERT_ACL(acl, LPC_ACL_MAX);
}

TEST_F(getset, get_room_too_small_enospc)
{
	struct lpc_ace acl[] = {
		ACE(ALLOW, UID, OTHER_UID, R_CONNECT),
		ACE(ALLOW, OWNER, 0, R_ALL),
	};
	struct lpc_ace got[2];
	__u32 n = 1;

	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, acl, 2));
	memset(got, 0xaa, sizeof(got));
	ASSERT_EQ(-ENOSPC, lpc_acl_get(self->dev, self->name, got, &n));
	/* The count says how much room is needed; nothing was written. */
	EXPECT_EQ(2, n);
	EXPECT_EQ(0xaaaaaaaa, got[0].action);
	n = 0;
	ASSERT_EQ(-ENOSPC, lpc_acl_get(self->dev, self->name, NULL, &n));
	EXPECT_EQ(2, n);
}

TEST_F(getset, empty_set_restores_default)
{
	struct lpc_ace acl[] = { ACE(ALLOW, EVERYONE, 0, R_ALL) };

	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, acl, 1));
	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, NULL, 0));
	ASSERT_ACL(default_acl, 1);
}

TEST_F(getset, bad_entries_einval)
{
	static const struct lpc_ace bad[] = {
		ACE(ALLOW, OWNER, 0, R_ALL),
		{ 0, LPC_ACE_EVERYONE, 0, R_CONNECT },		/* action */
		{ 3, LPC_ACE_EVERYONE, 0, R_CONNECT },
		{ LPC_ACE_ALLOW, 0, 0, R_CONNECT },		/* who */
		{ LPC_ACE_ALLOW, 6, 0, R_CONNECT },
		ACE(ALLOW, EVERYONE, 0, 0),			/* rights */
		ACE(ALLOW, EVERYONE, 0, R_ALL + 1),
		ACE(ALLOW, EVERYONE, 0, 1U << 31),
		ACE(ALLOW, EVERYONE, 5, R_CONNECT),		/* id */
		ACE(ALLOW, OWNER, 1, R_CONNECT),
		ACE(ALLOW, UID, (__u32)-1, R_CONNECT),
		ACE(ALLOW, GID, (__u32)-1, R_CONNECT),
		ACE(ALLOW, CAP, 1000, R_CONNECT),
		ACE(ALLOW, CAP, (__u32)-1, R_CONNECT),
	};
	struct lpc_ace acl[2];
	size_t i;

	/* Each bad entry, second in a list whose first entry is fine. */
	for (i = 1; i < sizeof(bad) / sizeof(bad[0]); i++) {
		acl[0] = bad[0];
		acl[1] = bad[i];
		EXPECT_EQ(-EINVAL, lpc_acl_set(self->dev, self->name, acl, 2)) {
			TH_LOG("bad entry %zu accepted", i);
		}
	}
	ASSERT_ACL(default_acl, 1);
}

TEST_F(getset, too_many_entries_einval)
{
	struct lpc_ace acl[LPC_ACL_MAX + 1];
	int i;

	for (i = 0; i <= LPC_ACL_MAX; i++) {
		struct lpc_ace a = ACE(ALLOW, EVERYONE, 0, R_CONNECT);

		acl[i] = a;
	}
	EXPECT_EQ(-EINVAL, lpc_acl_set(self->dev, self->name, acl,
				       LPC_ACL_MAX + 1));
	EXPECT_EQ(-EINVAL, lpc_acl_set(self->dev, self->name, acl, ~0U));
	ASSERT_ACL(default_acl, 1);
}

TEST_F(getset, bad_requests)
{
	struct lpc_ace acl[] = { ACE(ALLOW, EVERYONE, 0, R_ALL) };
	char unknown[LPC_NAME_MAX + 1], longname[LPC_NAME_MAX + 2];
	struct lpc_acl_req r;
	__u32 n;

	/* A count without entries, or entries without a count. */
	lpc_acl_req_init(&r, self->name, NULL, 1);
	EXPECT_EQ(-EFAULT, sys_lpc_acl_set(self->dev, &r));
	lpc_acl_req_init(&r, self->name, acl, 0);
	EXPECT_EQ(-EINVAL, sys_lpc_acl_set(self->dev, &r));

	lpc_acl_req_init(&r, self->name, acl, 1);
	r.flags = 1;
	EXPECT_EQ(-EINVAL, sys_lpc_acl_set(self->dev, &r));
	EXPECT_EQ(-EINVAL, sys_lpc_acl_get(self->dev, &r));
	lpc_acl_req_init(&r, self->name, acl, 1);
	r.__pad = 1;
	EXPECT_EQ(-EINVAL, sys_lpc_acl_set(self->dev, &r));
	EXPECT_EQ(-EINVAL, sys_lpc_acl_get(self->dev, &r));

	lpc_acl_req_init(&r, self->name, acl, 1);
	r.name_len = 0;
	EXPECT_EQ(-EINVAL, sys_lpc_acl_set(self->dev, &r));
	EXPECT_EQ(-EINVAL, sys_lpc_acl_get(self->dev, &r));
	memset(longname, 'x', sizeof(longname));
	longname[LPC_NAME_MAX + 1] = '\0';
	lpc_acl_req_init(&r, longname, acl, 1);
	EXPECT_EQ(-ENAMETOOLONG, sys_lpc_acl_set(self->dev, &r));
	EXPECT_EQ(-ENAMETOOLONG, sys_lpc_acl_get(self->dev, &r));

	lpc_name(unknown, sizeof(unknown), "nobody");
	lpc_acl_req_init(&r, unknown, acl, 1);
	EXPECT_EQ(-ENOENT, sys_lpc_acl_set(self->dev, &r));
	EXPECT_EQ(-ENOENT, sys_lpc_acl_get(self->dev, &r));

	lpc_acl_req_init(&r, self->name, lpc_bad_ptr(), 1);
	EXPECT_EQ(-EFAULT, sys_lpc_acl_set(self->dev, &r));
	EXPECT_EQ(-EFAULT, sys_lpc_acl_get(self->dev, &r));
	lpc_acl_req_init(&r, self->name, acl, 1);
	r.name = lpc_ptr(lpc_bad_ptr());
	EXPECT_EQ(-EFAULT, sys_lpc_acl_set(self->dev, &r));
	EXPECT_EQ(-EFAULT, sys_lpc_acl_get(self->dev, &r));
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->dev, LPC_IOC_ACL_GET,
				     lpc_bad_ptr()));
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->dev, LPC_IOC_ACL_SET,
				     lpc_bad_ptr()));

	n = 1;
	ASSERT_EQ(0, lpc_acl_get(self->dev, self->name, acl, &n));
	ASSERT_ACL(default_acl, 1);
}

/* Without any right the port does not exist; with query only, -EACCES. */
TEST_F(getset, no_rights_enoent)
{
	struct lpc_ident other = ID_OTHER;
	struct lpc_ident member = ID_MEMBER;

	self->op.count = 0;
	EXPECT_EQ(-ENOENT, lpc_as_user(&other, try_acl_get, &self->op));
	EXPECT_EQ(-ENOENT, lpc_as_user(&other, try_acl_set, &self->op));
	EXPECT_EQ(-ENOENT, lpc_as_user(&member, try_acl_get, &self->op));
	EXPECT_EQ(-ENOENT, lpc_as_user(&member, try_acl_set, &self->op));
}

TEST_F(getset, query_right_gets_but_cannot_set)
{
	struct lpc_ace acl[] = {
		ACE(ALLOW, OWNER, 0, R_ALL),
		ACE(ALLOW, UID, OTHER_UID, R_QUERY),
	};
	struct lpc_ident other = ID_OTHER;

	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, acl, 2));
	EXPECT_EQ(0, lpc_as_user(&other, try_acl_get, &self->op));
	self->op.count = 0;
	EXPECT_EQ(-EACCES, lpc_as_user(&other, try_acl_set, &self->op));
	ASSERT_ACL(acl, 2);
}

TEST_F(getset, admin_right_sets)
{
	struct lpc_ace acl[] = {
		ACE(ALLOW, OWNER, 0, R_ALL),
		ACE(ALLOW, GID, GROUP, R_QUERY | R_ADMIN),
	};
	struct lpc_ace mine[] = { ACE(ALLOW, EVERYONE, 0, R_CONNECT) };
	struct lpc_ident member = ID_MEMBER;

	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, acl, 2));
	self->op.aces[0] = mine[0];
	self->op.count = 1;
	EXPECT_EQ(0, lpc_as_user(&member, try_acl_set, &self->op));
	ASSERT_ACL(mine, 1);
}

TEST_F(getset, admin_without_query_sets_but_cannot_get)
{
	struct lpc_ace acl[] = {
		ACE(ALLOW, OWNER, 0, R_ALL),
		ACE(ALLOW, UID, OTHER_UID, R_ADMIN),
	};
	struct lpc_ident other = ID_OTHER;

	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, acl, 2));
	EXPECT_EQ(-ENOENT, lpc_as_user(&other, try_acl_get, &self->op));
	memcpy(self->op.aces, acl, sizeof(acl));
	self->op.count = 2;
	EXPECT_EQ(0, lpc_as_user(&other, try_acl_set, &self->op));
}

TEST_F(getset, cap_entry_grants_admin)
{
	struct lpc_ace acl[] = {
		ACE(ALLOW, CAP, CAP_NET_ADMIN, R_QUERY | R_ADMIN),
		ACE(ALLOW, OWNER, 0, R_ALL),
	};
	struct lpc_ident capped = ID_CAPPED;
	struct lpc_ident other = ID_OTHER;

	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, acl, 2));
	memcpy(self->op.aces, acl, sizeof(acl));
	self->op.count = 2;
	EXPECT_EQ(-ENOENT, lpc_as_user(&other, try_acl_set, &self->op));
	EXPECT_EQ(0, lpc_as_user(&capped, try_acl_set, &self->op));
}

/* The owner may always replace the list, even one that hides the port. */
TEST_F(getset, owner_locked_out_can_repair)
{
	struct lpc_ace acl[] = {
		ACE(DENY, OWNER, 0, R_QUERY | R_ADMIN),
		ACE(ALLOW, EVERYONE, 0, R_CONNECT),
	};
	struct lpc_ident owner = ID_OWNER;

	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, acl, 2));
	EXPECT_EQ(-ENOENT, lpc_as_user(&owner, try_acl_get, &self->op));
	self->op.count = 0;
	EXPECT_EQ(0, lpc_as_user(&owner, try_acl_set, &self->op));
	ASSERT_ACL(default_acl, 1);
	EXPECT_EQ(0, lpc_as_user(&owner, try_acl_get, &self->op));
}

TEST_F(getset, root_without_cap_ipc_owner)
{
	struct lpc_ident root = ID_ROOT_NO_IPC;
	struct lpc_ident full = ID_ROOT;

	self->op.count = 0;
	EXPECT_EQ(-ENOENT, lpc_as_user(&root, try_acl_get, &self->op));
	EXPECT_EQ(-ENOENT, lpc_as_user(&root, try_acl_set, &self->op));
	EXPECT_EQ(0, lpc_as_user(&full, try_acl_get, &self->op));
	EXPECT_EQ(0, lpc_as_user(&full, try_acl_set, &self->op));
}

/* A new list decides later connects. */
TEST_F(getset, new_acl_applies_to_next_connect)
{
	struct lpc_ace acl[] = {
		ACE(ALLOW, OWNER, 0, R_ALL),
		ACE(ALLOW, UID, OTHER_UID, R_CONNECT),
	};
	struct lpc_ident other = ID_OTHER;

	EXPECT_EQ(-ENOENT, lpc_as_user(&other, try_connect, &self->op));
	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, acl, 2));
	EXPECT_EQ(-ETIMEDOUT, lpc_as_user(&other, try_connect, &self->op));
	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, NULL, 0));
	EXPECT_EQ(-ENOENT, lpc_as_user(&other, try_connect, &self->op));
	ASSERT_NOTHING_AT(self->cport);
}

static int try_create(void *p)
{
	struct acl_op *op = p;
	int fd = lpc_create(op->dev, op->name);

	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

/*
 * Probing names: to a user who may not query it, a port answers connect
 * exactly as a name nobody holds does (-ENOENT; before, -EACCES told the
 * name was taken). Creating the name still fails with -EEXIST: names are
 * one space per IPC namespace, so a create can learn that a name is
 * taken, and nothing else (documented).
 */
TEST_F(getset, hidden_port_probes_as_missing)
{
	struct lpc_ident other = ID_OTHER;
	struct acl_op missing = self->op;
	char none[LPC_NAME_MAX + 1];

	lpc_name(none, sizeof(none), "nobody-holds-this");
	missing.name = none;
	EXPECT_EQ(-ENOENT, lpc_as_user(&other, try_connect, &missing));
	EXPECT_EQ(-ENOENT, lpc_as_user(&other, try_connect, &self->op));
	EXPECT_EQ(-EEXIST, lpc_as_user(&other, try_create, &self->op));
	ASSERT_NOTHING_AT(self->cport);
}

/*
 * The client of an established connection: connect, wait for the go,
 * make a request that must be answered, then try a new connect, which
 * must be denied.
 */
static int established_client(void *p)
{
	struct acl_op *op = p;
	struct lpc_connect c;
	struct lpc_xfer x;
	char rbuf[16], go;
	int fd, ret;

	lpc_connect_init(&c, op->name, LPC_WAIT_NS);
	fd = sys_lpc_connect(op->dev, &c);
	if (fd < 0)
		return fd;
	if (read(op->go, &go, 1) != 1)
		return -EPIPE;
	lpc_request_init(&x, "ping", 4, rbuf, sizeof(rbuf), LPC_WAIT_NS);
	ret = sys_lpc_xfer(fd, &x);
	if (!ret && (x.info.data_len != 4 || memcmp(rbuf, "pong", 4)))
		ret = -EBADMSG;
	if (!ret) {
		/* Denied everything, query too: the port is gone for it. */
		ret = try_connect(op);
		ret = ret == -ENOENT ? 0 : (ret ? ret : -EPROTO);
	}
	close(fd);
	return ret;
}

TEST_F(getset, change_after_connect_keeps_connection)
{
	struct lpc_ace allow[] = {
		ACE(ALLOW, OWNER, 0, R_ALL),
		ACE(ALLOW, UID, OTHER_UID, R_CONNECT),
	};
	struct lpc_ace deny[] = {
		ACE(DENY, UID, OTHER_UID, R_ALL),
		ACE(ALLOW, OWNER, 0, R_ALL),
	};
	struct lpc_ident other = ID_OTHER;
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info info;
	int pipefd[2], sfd;
	pid_t pid;

	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, allow, 2));
	ASSERT_EQ(0, pipe(pipefd));
	self->op.go = pipefd[0];
	pid = lpc_as_user_start(&other, established_client, &self->op);
	ASSERT_LT(0, pid);
	close(pipefd[0]);

	ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_CONNECTION_REQUEST, info.type);
	ASSERT_EQ(OTHER_UID, info.uid);
	sfd = lpc_accept_id(self->cport, info.id, 1, NULL, 0, 0);
	ASSERT_LE(0, sfd);

	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, deny, 2));
	ASSERT_EQ(1, write(pipefd[1], "g", 1));
	ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, info.type);
	ASSERT_EQ(0, lpc_reply(sfd, info.id, "pong", 4));
	EXPECT_EQ(0, lpc_as_user_wait(pid));
	close(pipefd[1]);
	close(sfd);
}

/* ---- ids in another user namespace ---- */

struct userns_arg {
	struct acl_op op;
	int ready[2];		/* child -> parent: unshared */
	int mapped[2];		/* parent -> child: maps written */
	struct lpc_ace got[4];
	__u32 n;
};

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(text);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* Map uid and gid 0 of @pid's user namespace to OWNER_UID outside. */
static int map_to_owner(pid_t pid)
{
	char path[64], map[32];
	int ret;

	snprintf(map, sizeof(map), "0 %d 1\n", OWNER_UID);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	ret = write_file(path, map);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	return ret ?: write_file(path, map);
}

/*
 * In a new user namespace where we are uid 0 (OWNER_UID outside): read
 * the ACL (ids mapped back), then set one with our uid 0 in it.
 */
static int userns_child(struct userns_arg *a)
{
	struct lpc_ace mine[] = {
		ACE(ALLOW, UID, 0, R_ALL),
		ACE(ALLOW, EVERYONE, 0, R_QUERY | R_ADMIN),
	};
	char c;
	int ret;

	if (unshare(CLONE_NEWUSER))
		return -errno;
	if (write(a->ready[1], "u", 1) != 1 || read(a->mapped[0], &c, 1) != 1)
		return -EPIPE;
	if (setresgid(0, 0, 0) || setresuid(0, 0, 0))
		return -EPROTO;
	a->n = 4;
	ret = lpc_acl_get(a->op.dev, a->op.name, a->got, &a->n);
	if (ret)
		return ret;
	/* Tell the parent what we saw, through the pipe we still have. */
	if (write(a->ready[1], a->got, sizeof(a->got)) != sizeof(a->got))
		return -EPIPE;
	return lpc_acl_set(a->op.dev, a->op.name, mine, 2);
}

TEST_F(getset, ids_in_caller_user_namespace)
{
	struct lpc_ace acl[] = {
		ACE(ALLOW, UID, OWNER_UID, R_QUERY),
		ACE(ALLOW, UID, OTHER_UID, R_QUERY),
		ACE(ALLOW, GID, OWNER_UID, R_QUERY),
		ACE(ALLOW, EVERYONE, 0, R_QUERY | R_ADMIN),
	};
	struct lpc_ace want_after[] = {
		ACE(ALLOW, UID, OWNER_UID, R_ALL),
		ACE(ALLOW, EVERYONE, 0, R_QUERY | R_ADMIN),
	};
	struct userns_arg a;
	struct lpc_ace got[4];
	pid_t pid;
	char c;

	ASSERT_EQ(0, lpc_acl_set(self->dev, self->name, acl, 4));
	memset(&a, 0, sizeof(a));
	a.op = self->op;
	ASSERT_EQ(0, pipe(a.ready));
	ASSERT_EQ(0, pipe(a.mapped));
	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int ret;

		lpc_child_init();
		ret = userns_child(&a);
		_exit(ret < 0 && ret > -128 ? -ret : 0);
	}
	close(a.ready[1]);
	close(a.mapped[0]);
	if (read(a.ready[0], &c, 1) != 1) {
		lpc_wait_child(pid, LPC_WAIT_MS);
		SKIP(return, "no user namespaces");
	}
	ASSERT_EQ(0, map_to_owner(pid));
	ASSERT_EQ(1, write(a.mapped[1], "m", 1));
	ASSERT_EQ((ssize_t)sizeof(got), read(a.ready[0], got, sizeof(got)));
	EXPECT_EQ(0, lpc_wait_child(pid, LPC_WAIT_MS));

	/* Inside: OWNER_UID is 0, OTHER_UID is unmapped. */
	EXPECT_EQ(0, got[0].id);
	EXPECT_EQ(OVERFLOW_ID, got[1].id);
	EXPECT_EQ(0, got[2].id);
	EXPECT_EQ((__u32)LPC_ACE_GID, got[2].who);
	EXPECT_EQ(0, got[3].id);
	/* Its uid 0 was stored as OWNER_UID. */
	ASSERT_ACL(want_after, 2);
}

TEST_HARNESS_MAIN
