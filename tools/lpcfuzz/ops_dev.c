// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: the ioctls of /dev/lpc (version, create, connect, queries,
 * ACLs), accept, and ioctl numbers that do not exist.
 *
 * Each generator builds a structure that should work, then, when asked
 * to mutate, breaks one thing: a flag bit, a size at or around a limit, a
 * pointer, an id of another connection.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lpcfuzz.h"
#include "ops.h"

/* ---- /dev/lpc: version, create, connect ---- */

int do_version(struct th *t, bool mutate)
{
	struct lpc_version v;
	long r;

	memset(&v, 0xa5, sizeof(v));
	r = fz_ioctl(t, OP_VERSION, dev_fd(t, mutate), LPC_IOC_VERSION, &v,
		     sizeof(v), mutate);
	if (r == 0 && t->out_ok && (v.api_version != LPC_API_VERSION ||
		       v.max_msg_len != LPC_MSG_MAX))
		inconsistent("LPC_IOC_VERSION: api %u max_msg_len %u",
			     v.api_version, v.max_msg_len);
	return (int)r;
}

static void fill_acl(struct th *t, struct lpc_ace *ace, u32 *n)
{
	static const struct lpc_ace good[] = {
		{ LPC_ACE_ALLOW, LPC_ACE_EVERYONE, 0, LPC_RIGHT_ALL },
		{ LPC_ACE_ALLOW, LPC_ACE_OWNER, 0, LPC_RIGHT_ALL },
		{ LPC_ACE_DENY, LPC_ACE_UID, 65534, LPC_RIGHT_CONNECT },
		{ LPC_ACE_ALLOW, LPC_ACE_GID, 0, LPC_RIGHT_QUERY },
		{ LPC_ACE_ALLOW, LPC_ACE_CAP, 12, LPC_RIGHT_ADMIN },
		{ LPC_ACE_DENY, LPC_ACE_EVERYONE, 0, LPC_RIGHT_ADMIN },
	};
	u32 i;

	*n = 1 + rn(&t->r, 4);
	for (i = 0; i < *n; i++)
		ace[i] = good[rn(&t->r, 6)];
}

static void mut_ace(struct th *t, struct lpc_ace *ace, u32 n)
{
	struct lpc_ace *a = &ace[rn(&t->r, n ? n : 1)];

	switch (rn(&t->r, 5)) {
	case 0: a->action = near(t, 2); break;
	case 1: a->who = near(t, 5); break;
	case 2: a->rights = near(t, 7); break;
	case 3: a->id = (u32)rnd(&t->r); break;
	default: a->who = LPC_ACE_EVERYONE; a->id = 1; break;
	}
}

int do_create_port(struct th *t, int name, bool mutate)
{
	static const u32 msg[] = { 0, 256, 4096, 4096, LPC_MSG_MAX, 1024 };
	static const u32 cdata[] = { 0, 64, 256, 4096 };
	static const u32 queued[] = { 0, 1, 2, 8, 64, 0 };
	static const u32 conns[] = { 0, 2, 16, 0 };
	struct lpc_ace ace[LPC_ACL_MAX + 2];
	struct lpc_port_attr a;
	char nm[LPC_NAME_MAX + 8];
	long r;

	memset(&a, 0, sizeof(a));
	name_of(name, nm, &a.name_len);
	a.name = P(nm);
	a.flags = (name % 2 == 0 ? LPC_PORT_ALLOW_FDS : 0) |
		  (name == NR_NAMES - 1 ? LPC_PORT_REQUIRE_CREDS : 0) |
		  (one_in(&t->r, 8) ? LPC_NO_CLOEXEC : 0);
	a.max_msg_len = msg[rn(&t->r, 6)];
	a.max_conn_data_len = cdata[rn(&t->r, 4)];
	a.max_queued = queued[rn(&t->r, 6)];
	a.max_conns = conns[rn(&t->r, 4)];
	if (one_in(&t->r, 5)) {
		fill_acl(t, ace, &a.acl_count);
		a.acl = P(ace);
	}
	if (mutate) {
		switch (rn(&t->r, 10)) {
		case 0:
			a.name_len = rn(&t->r, 2) ? 0 : LPC_NAME_MAX + 1;
			memset(nm, 'z', sizeof(nm));
			break;
		case 1:
			/* the longest name, or one with a NUL */
			memset(nm, 'y', sizeof(nm));
			a.name_len = LPC_NAME_MAX;
			if (rn(&t->r, 2))
				nm[rn(&t->r, LPC_NAME_MAX)] = 0;
			name = -1;
			break;
		case 2: a.flags = mut_flags(t, a.flags, LPC_PORT_FLAGS); break;
		case 3: a.__pad = 1; break;
		case 4: a.max_msg_len = near(t, LPC_MSG_MAX); break;
		case 5: a.max_queued = near(t, LPC_QUEUE_MAX); break;
		case 6: a.max_conns = near(t, LPC_CONNS_MAX); break;
		case 7:
			fill_acl(t, ace, &a.acl_count);
			a.acl = P(ace);
			if (rn(&t->r, 2))
				a.acl_count = near(t, LPC_ACL_MAX);
			else
				mut_ace(t, ace, a.acl_count);
			memset(ace + a.acl_count % LPC_ACL_MAX, 0, 16);
			break;
		case 8:
			if (rn(&t->r, 2))
				a.acl = odd_ptr(t, P(ace), 16);
			else
				a.name = odd_ptr(t, a.name, a.name_len);
			if (!a.acl_count)
				a.acl_count = 1;
			break;
		default: a.max_conn_data_len = near(t, LPC_MSG_MAX); break;
		}
	}
	r = fz_ioctl(t, OP_CREATE_PORT, dev_fd(t, mutate), LPC_IOC_CREATE_PORT,
		     &a, sizeof(a), mutate);
	if (r >= 0) {
		struct obj lo;

		pool_add(t->p, (int)r, K_LISTENER, name);
		/* remember its message size, for replies and for clients */
		if (pool_lookup(t->p, (int)r, &lo) && lo.kind == K_LISTENER) {
			lo.size = a.max_msg_len ? a.max_msg_len :
				  LPC_DEFAULT_MSG_LEN;
			pool_set_size(t->p, (int)r, lo.size);
		}
		if (name >= 0 && name < NR_NAMES)
			g_sh->name_max[name] = a.max_msg_len ?
				a.max_msg_len : LPC_DEFAULT_MSG_LEN;
		name_live(name);
	}
	return (int)r;
}

int do_connect(struct th *t, int name, u64 tmo, bool mutate)
{
	struct lpc_connect c;
	char nm[LPC_NAME_MAX + 8];
	char data[512];
	char *reply = t->bbuf + 15 * PAGE;
	bool verify = true;
	/* some ports take only 64 bytes */
	u32 len = rn(&t->r, 5) ? (u32)sizeof(struct phdr) +
		  rn(&t->r, 64 - (u32)sizeof(struct phdr)) :
		  rn(&t->r, 4) ? rn(&t->r, 256) : rn(&t->r, 4096);
	long r;

	memset(&c, 0, sizeof(c));
	name_of(name, nm, &c.name_len);
	c.name = P(nm);
	c.data = len || rn(&t->r, 2) ? P(data) : 0;
	c.data_len = len;
	c.reply = P(reply);
	c.reply_cap = rn(&t->r, 4) ? PAGE : rn(&t->r, 300);
	if (tmo != ~0ULL) {
		c.flags |= LPC_CONNECT_TIMEOUT;
		c.timeout_ns = tmo;
	}
	if (one_in(&t->r, 4)) {
		c.flags |= LPC_CONNECT_SERVER_UID;
		c.server_uid = one_in(&t->r, 10) ? 65534 : geteuid();
	}
	if (one_in(&t->r, 6)) {
		c.flags |= LPC_CONNECT_SERVER_GID;
		c.server_gid = one_in(&t->r, 10) ? 65534 : getegid();
	}
	if (one_in(&t->r, 10))
		c.flags |= LPC_NO_CLOEXEC;
	if (mutate) {
		switch (rn(&t->r, 8)) {
		case 0: c.flags = mut_flags(t, c.flags, LPC_CONNECT_FLAGS);
			break;
		case 1: c.__pad = 1 + rn(&t->r, 8); break;
		case 2: c.name_len = near(t, LPC_NAME_MAX); break;
		case 3: c.data_len = near(t, LPC_MSG_MAX); break;
		case 4: c.data = odd_ptr(t, c.data, c.data_len); break;
		case 5:
			c.reply = odd_wptr(t, c.reply, c.reply_cap);
			verify = false;
			break;
		case 6:
			/* the reply runs into the unmapped page */
			c.reply = P(t->bbuf + 16 * PAGE - 8);
			c.reply_cap = 4096;
			verify = false;
			break;
		default:
			c.timeout_ns = ~0ULL >> rn(&t->r, 64);
			c.flags |= LPC_CONNECT_TIMEOUT;
			break;
		}
	}
	pay_fit(t, data, sizeof(data), c.data, c.data_len, P_CONN, 0,
		rnd(&t->r));
	/* no stale header in the reply buffer can pass for the answer */
	memset(reply, 0, sizeof(struct phdr));
	r = fz_ioctl(t, OP_CONNECT, dev_fd(t, mutate), LPC_IOC_CONNECT, &c,
		     sizeof(c), mutate);
	if (r >= 0) {
		ev_add(EV_CONNECTED, 1);
		pool_add(t->p, (int)r, K_CLIENT, name);
		name_live(name);
	}
	if ((r >= 0 || r == -ECONNREFUSED) && verify && t->out_ok &&
	    c.reply_len <= c.reply_cap)
		pay_check(reply, c.reply_len, NULL, "accept data");
	return (int)r;
}

/* ---- queries and ACLs ---- */

int do_query(struct th *t, bool mutate)
{
	static const unsigned long cmds[] = { LPC_IOC_PORT_LIST,
		LPC_IOC_PORT_INFO, LPC_IOC_CONN_LIST };
	static const enum op ops[] = { OP_PORT_LIST, OP_PORT_INFO,
		OP_CONN_LIST };
	struct lpc_query q;
	char nm[16];
	u32 k = rn(&t->r, 3), esz;
	long r;

	memset(&q, 0, sizeof(q));
	esz = k == 2 ? sizeof(struct lpc_conn_info) :
	      sizeof(struct lpc_port_info);
	if (k) {
		name_of(name_pick(t), nm, &q.name_len);
		q.name = P(nm);
	}
	q.buf = P(t->bbuf);
	q.entry_size = esz;
	q.count = 1 + rn(&t->r, (u32)(8 * PAGE / esz));
	if (one_in(&t->r, 4))
		q.cursor = rnd(&t->r) >> rn(&t->r, 64);
	if (mutate) {
		switch (rn(&t->r, 7)) {
		case 0: q.entry_size = near(t, esz); break;
		case 1: q.entry_size = esz + 8 * (1 + rn(&t->r, 4)); break;
		case 2: q.count = near(t, 16 * PAGE / esz); break;
		case 3: q.buf = odd_wptr(t, q.buf, esz); break;
		case 4: q.flags = 1U << rn(&t->r, 32); break;
		case 5: q.name_len = near(t, LPC_NAME_MAX); break;
		default: q.name = odd_ptr(t, q.name, q.name_len); break;
		}
	}
	r = fz_ioctl(t, ops[k], dev_fd(t, mutate), cmds[k], &q, sizeof(q),
		     mutate);
	return (int)r;
}

int do_acl(struct th *t, bool mutate)
{
	struct lpc_ace ace[LPC_ACL_MAX + 2];
	struct lpc_acl_req q;
	bool set = one_in(&t->r, 3);
	char nm[16];
	long r;

	memset(&q, 0, sizeof(q));
	memset(ace, 0, sizeof(ace));
	name_of(name_pick(t), nm, &q.name_len);
	q.name = P(nm);
	q.aces = P(ace);
	if (set)
		fill_acl(t, ace, &q.count);
	else
		q.count = rn(&t->r, LPC_ACL_MAX + 1);
	if (mutate) {
		switch (rn(&t->r, 6)) {
		case 0: q.count = near(t, LPC_ACL_MAX); break;
		case 1: q.aces = odd_wptr(t, q.aces, 16 * q.count); break;
		case 2: q.flags = 1U << rn(&t->r, 32); break;
		case 3: q.__pad = 1; break;
		case 4: mut_ace(t, ace, q.count); break;
		default: q.name_len = near(t, LPC_NAME_MAX); break;
		}
	}
	r = fz_ioctl(t, set ? OP_ACL_SET : OP_ACL_GET, dev_fd(t, mutate),
		     set ? LPC_IOC_ACL_SET : LPC_IOC_ACL_GET, &q, sizeof(q),
		     mutate);
	return (int)r;
}

/* ---- accept ---- */

int do_accept(struct th *t, int lst, u64 id, bool reject, bool mutate)
{
	struct lpc_accept a;
	char data[512];
	u32 len = rn(&t->r, 5) ? (u32)sizeof(struct phdr) +
		  rn(&t->r, 64 - (u32)sizeof(struct phdr)) : rn(&t->r, 256);
	struct inreq q;
	long r;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.context = ctx_new(t->p);
	a.data = P(data);
	a.data_len = len;
	a.flags = (reject ? LPC_ACCEPT_REJECT : 0) |
		  (one_in(&t->r, 10) ? LPC_NO_CLOEXEC : 0);
	if (mutate) {
		switch (rn(&t->r, 5)) {
		case 0: a.id = id_pick(t); break;
		case 1: a.flags = mut_flags(t, a.flags, LPC_ACCEPT_FLAGS);
			break;
		case 2: a.data_len = near(t, LPC_MSG_MAX); break;
		case 3: a.data = odd_ptr(t, a.data, a.data_len); break;
		default: lst = pool_fd_for_op(t, KM_PORTS); break;
		}
	}
	pay_fit(t, data, sizeof(data), a.data, a.data_len,
		reject ? P_REJECT : P_ACCEPT, 0, 0);
	r = fz_ioctl(t, OP_ACCEPT, lst, LPC_IOC_ACCEPT, &a, sizeof(a), mutate);
	if (r > 0 && !(a.flags & LPC_ACCEPT_REJECT)) {
		ev_add(EV_ACCEPTED, 1);
		pool_add(t->p, (int)r, K_SERVER, -1);
	} else if (r == 0 && (a.flags & LPC_ACCEPT_REJECT)) {
		ev_add(EV_REJECTED, 1);
	} else if ((r == -EFAULT || r == -ENOMEM || r == -EMFILE ||
		    r == -ENFILE || r == -E2BIG || r == -EMSGSIZE) &&
		   a.id == id && t->out_ok) {
		/* still unanswered: someone may answer it later */
		memset(&q, 0, sizeof(q));
		q.id = id;
		q.fd = lst;
		q.srv = -1;
		q.conn = true;
		inreq_add(t->p, &q);
	}
	return (int)r;
}

/* ---- ioctls that do not exist ---- */

int do_bogus(struct th *t)
{
	int fd = pool_fd_for_op(t, KM_PORTS | KM(K_DEV));
	unsigned long cmd;
	long r;

	switch (rn(&t->r, 4)) {
	case 0:
		cmd = _IOC(rn(&t->r, 4), LPC_IOC_MAGIC, 0x40 + rn(&t->r, 0x40),
			   rn(&t->r, 256));
		break;
	case 1:
		cmd = _IOC(rn(&t->r, 4), LPC_IOC_MAGIC, rn(&t->r, 256),
			   sizeof(struct lpc_xfer));
		break;
	case 2:
		cmd = rn(&t->r, 2) ? FIONREAD : FIONBIO;
		break;
	default:
		cmd = (unsigned long)rnd(&t->r) & 0xffffffffUL;
		break;
	}
	memset(t->arg, 0, 64);
	r = ioctl(fd, cmd, rn(&t->r, 4) ? (void *)t->arg : NULL);
	stat_op(OP_BOGUS, r < 0 ? errno : 0);
	return (int)r;
}
