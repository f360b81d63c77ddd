// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: one generator per ioctl.
 *
 * Each builds a structure that should work (real fds, ids of requests
 * really in service, buffers that fit), so that connections, requests,
 * replies, views and direct accesses really happen; then, when asked to
 * mutate, breaks one or two things: a flag bit, a size at or around a
 * limit, a pointer (NULL, unmapped, read-only, misaligned, kernel, running
 * into an unmapped page, overlapping the structure itself), an id of
 * another connection. fz_ioctl() can also change the structure's size in
 * the ioctl number (0, VER0 - 1, larger with a zero or nonzero tail, above
 * a page) or where the structure lives.
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

#define P(x)	((u64)(uintptr_t)(x))

/* ---- fault injection (debug kernels) ---- */

void fault_arm(struct th *t)
{
	char b[16];
	int n;

	if (t->fail_fd < 0 || !one_in(&t->r, 50))
		return;
	n = snprintf(b, sizeof(b), "%u", 1 + rn(&t->r, 24));
	if (pwrite(t->fail_fd, b, (size_t)n, 0) != n)
		t->fail_fd = -1;
}

void fault_disarm(struct th *t)
{
	char b[16] = "";

	if (t->fail_fd < 0)
		return;
	if (pread(t->fail_fd, b, sizeof(b) - 1, 0) > 0 && b[0] == '0') {
		ev_add(EV_FAULTS, 1);
		return;
	}
	if (pwrite(t->fail_fd, "0", 1, 0) != 1)
		t->fail_fd = -1;
}

/* ---- the call ---- */

/*
 * Keep the pool useful: forget numbers that no longer name a file, and
 * close some of the ports whose connection has ended (chaos workers only:
 * a race worker's conductor decides about its own).
 */
static void prune(struct th *t, enum op op, int fd, int err)
{
	if (err == EBADF && fd >= 0 && fcntl(fd, F_GETFD) < 0 &&
	    errno == EBADF) {
		pool_forget(t->p, fd);
		return;
	}
	if (err != ENOTCONN || t->p->race || !one_in(&t->r, 3))
		return;
	switch (op) {
	case OP_XFER_SYNC: case OP_XFER_ASYNC: case OP_XFER_DGRAM:
	case OP_SEND_BATCH: case OP_SECTION_CREATE:
		pool_close(t, fd);
		break;
	default:
		break;
	}
}

static const u32 odd_sizes[] = { 0, 1, 7, 8 };

long fz_ioctl(struct th *t, enum op op, int fd, unsigned long cmd, void *arg,
	      u32 size, bool mutate)
{
	u32 usize = size, dir = _IOC_DIR(cmd);
	void *a = arg;
	bool copy = false, ro = false, moved = false;
	long r;
	int err;

	t->out_ok = true;
	if (mutate && pct(&t->r, 35)) {
		switch (rn(&t->r, 11)) {
		case 0: usize = odd_sizes[rn(&t->r, 4)]; break;
		case 1: usize = size - 1; break;		/* VER0 - 1 */
		case 2:						/* zero tail */
			usize = size + 8;
			copy = true;
			break;
		case 3:						/* nonzero tail */
			usize = size + 8 * (1 + rn(&t->r, 4));
			copy = true;
			break;
		case 4:						/* above a page */
			usize = (u32)PAGE + 8;
			copy = true;
			break;
		case 5:
			usize = (1U << _IOC_SIZEBITS) - 1;
			copy = true;
			break;
		case 6:
			a = (void *)(uintptr_t)odd_wptr(t, P(arg), size);
			t->out_ok = false;
			break;
		case 7:						/* read-only */
			ro = true;
			break;
		case 8:				/* runs into an unmapped page */
			a = t->arg + 4 * PAGE - size / 2;
			memcpy(a, arg, size / 2);
			t->out_ok = false;
			break;
		case 9:
			dir ^= 1U + rn(&t->r, 3);
			break;
		default:					/* misaligned */
			a = t->arg + 1 + rn(&t->r, 7);
			memcpy(a, arg, size);
			moved = true;
			break;
		}
	}
	if (copy) {
		a = t->arg;
		memset(a, 0, usize);
		memcpy(a, arg, size);
		if (usize > size + 8 || (usize == size + 8 && rn(&t->r, 2)))
			((char *)a)[size + rn(&t->r, usize - size)] = 1;
		if (usize > size + 8 && one_in(&t->r, 2))
			memset((char *)a + size, 0, usize - size);
	}
	if (ro) {
		memcpy(t->rw, arg, size);
		mprotect(t->rw, PAGE, PROT_READ);
		a = t->rw;
	}
	cmd = _IOC(dir, _IOC_TYPE(cmd), _IOC_NR(cmd), usize);

	fault_arm(t);
	r = ioctl(fd, cmd, a);
	err = r < 0 ? errno : 0;
	fault_disarm(t);
	stat_op(op, err);
	if (!mutate)
		stat_clean(op, err);
	t->ops++;
	prune(t, op, fd, err);

	if (ro)
		mprotect(t->rw, PAGE, PROT_READ | PROT_WRITE);
	/* the kernel writes outputs whatever the direction bits say */
	if (r >= 0 && (copy || ro || moved))
		memcpy(arg, a, size);
	return r < 0 ? -err : r;
}

/* ---- small helpers ---- */

static u32 mut_flags(struct th *t, u32 flags, u32 valid)
{
	switch (rn(&t->r, 5)) {
	case 0: return flags ^ (1U << rn(&t->r, 32));
	case 1: return flags | (~valid & (1U << rn(&t->r, 32)));
	case 2: return ~0U;
	case 3: return 0;
	default: return flags ^ (valid & (1U << rn(&t->r, 32)));
	}
}

static u32 near(struct th *t, u32 limit)
{
	switch (rn(&t->r, 6)) {
	case 0: return 0;
	case 1: return limit;
	case 2: return limit + 1;
	case 3: return limit - 1;
	case 4: return ~0U;
	default: return 1U << rn(&t->r, 32);
	}
}

static u64 pick_timeout(struct th *t)
{
	switch (rn(&t->r, 8)) {
	case 0: return 0;
	case 1: return 1000 + rn(&t->r, 100000);
	case 2: case 3: return 1000000ULL * (1 + rn(&t->r, 5));
	default: return 1000000ULL * (5 + rn(&t->r, 60));
	}
}

/*
 * The wait of a call: a timeout most of the time, sometimes nonblocking,
 * rarely none at all (the ticker's signals end those).
 */
static void set_wait(struct th *t, u32 *flags, u64 *tmo, u64 want)
{
	u32 c = rn(&t->r, 100);

	if (want == 0 || c < 8) {
		*flags |= LPC_XFER_NONBLOCK;
	} else if (c < 95) {
		*flags |= LPC_XFER_TIMEOUT;
		*tmo = want;
	}
}

static void name_of(int name, char *buf, u32 *len)
{
	*len = (u32)snprintf(buf, 16, "fz%d", name);
}

static int dev_fd(struct th *t, bool mutate)
{
	int fd = mutate && one_in(&t->r, 4) ? pool_fd_for_op(t, KM(K_DEV)) :
		 pool_pick(t, KM(K_DEV), NULL);

	if (fd < 0) {
		fd = open("/dev/lpc", O_RDWR | O_CLOEXEC);
		pool_add(t->p, fd, K_DEV, -1);
	}
	return fd;
}

/* ---- /dev/lpc: version, create, connect ---- */

int do_version(struct th *t, bool mutate);
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

int do_query(struct th *t, bool mutate);
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

int do_acl(struct th *t, bool mutate);
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

/* ---- attributes ---- */

enum { SA_CREDS = 1, SA_FDS = 2, SA_VIEW = 4, SA_DIRECT = 8 };

/*
 * Send attributes for a message on @fd. Returns the section nonce a view
 * carries (for the payload's ref), 0 if none.
 */
static u64 build_sattr(struct th *t, struct lpc_msg_attr *a, int fd, u32 want)
{
	struct obj o;
	u64 nonce = 0;
	u32 i;

	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->view.section_fd = -1;
	if (want & SA_CREDS)
		a->flags |= LPC_ATTR_CREDS;
	/* fds only where the port takes them (even names), mostly */
	if ((want & SA_FDS) && pool_lookup(t->p, fd, &o) && o.name >= 0 &&
	    o.name % 2 && !one_in(&t->r, 5))
		want &= ~SA_FDS;
	if (want & SA_FDS) {
		a->flags |= LPC_ATTR_FDS;
		a->nr_fds = 1 + rn(&t->r, LPC_MAX_FDS);
		for (i = 0; i < a->nr_fds; i++) {
			u32 mask = KM(K_PIPE) | KM(K_MEMFD) | KM(K_EVENTFD) |
				   KM(K_URING) | KM(K_SECTION) | KM(K_RECVFD);

			if (one_in(&t->r, 20))
				mask = KM_ANY;
			a->fds[i] = pool_pick(t, mask, NULL);
		}
	}
	if ((want & SA_VIEW) && pool_pick_section(t, fd, &o) >= 0 &&
	    (o.port == fd || one_in(&t->r, 10))) {
		u64 pages = o.size / PAGE;

		a->flags |= LPC_ATTR_VIEW;
		a->view.section_fd = o.fd;
		a->view.offset = pages > 1 ? PAGE * rn(&t->r, (u32)pages) : 0;
		a->view.length = o.size - a->view.offset;
		if (one_in(&t->r, 3) && a->view.length > PAGE)
			a->view.length = PAGE * (1 + rn(&t->r,
				(u32)(a->view.length / PAGE)));
		if (o.sealed && rn(&t->r, 4)) {
			a->view.flags = LPC_VIEW_IMMUTABLE;
			nonce = o.nonce;
		} else if (one_in(&t->r, 3)) {
			a->view.flags = LPC_VIEW_READONLY;
		}
	}
	if (want & SA_DIRECT) {
		a->flags |= LPC_ATTR_DIRECT;
		a->nr_ranges = 1 + rn(&t->r, LPC_MAX_RANGES);
		a->ranges[0].addr = P(t->dbuf);
		a->ranges[0].length = 8192;
		a->ranges[0].access = LPC_ACCESS_READ | LPC_ACCESS_WRITE;
		a->ranges[1].addr = P(t->dbuf + 8192);
		a->ranges[1].length = 4096 + rn(&t->r, 4096);
		a->ranges[1].access = LPC_ACCESS_READ;
		/* runs into the read-only page: writes fault part way */
		a->ranges[2].addr = P(t->dbuf + DBUF_RW - 512);
		a->ranges[2].length = 1024;
		a->ranges[2].access = LPC_ACCESS_WRITE | LPC_ACCESS_READ;
		a->ranges[3].addr = rn(&t->r, 2) ? P(t->dbuf + 32768) :
				    odd_wptr(t, P(t->dbuf), 4096);
		a->ranges[3].length = 1 + rn(&t->r, 16384);
		a->ranges[3].access = 1 + rn(&t->r, 3);
	}
	return nonce;
}

static void mut_attr(struct th *t, struct lpc_msg_attr *a, u64 *ptr)
{
	u32 i = rn(&t->r, LPC_MAX_RANGES);

	switch (rn(&t->r, 14)) {
	case 0: a->size = near(t, LPC_MSG_ATTR_SIZE_VER0); break;
	case 1:
		/* larger, with a nonzero tail: abuf has room after it */
		a->size = sizeof(*a) + 8;
		((char *)a)[sizeof(*a) + rn(&t->r, 8)] = (char)rn(&t->r, 2);
		break;
	case 2: a->flags = mut_flags(t, a->flags, LPC_ATTR_FLAGS); break;
	case 3: a->__pad = 1; break;
	case 4: a->nr_fds = near(t, LPC_MAX_FDS); break;
	case 5: a->fds[rn(&t->r, 4)] = rn(&t->r, 2) ? -1 : 1000; break;
	case 6: a->view.offset += 1 + rn(&t->r, PAGE); break;
	case 7:
		a->view.length = rn(&t->r, 2) ? 0 : ~0ULL >> rn(&t->r, 40);
		break;
	case 8: a->view.flags = mut_flags(t, a->view.flags,
					   LPC_VIEW_FLAGS);
		break;
	case 9: a->view.addr = P(t->rbuf); break;
	case 10: a->nr_ranges = near(t, LPC_MAX_RANGES); break;
	case 11:
		a->ranges[i].length = rn(&t->r, 2) ? 0 : ~0ULL >> rn(&t->r, 20);
		break;
	case 12: a->ranges[i].access = near(t, 3); break;
	default: *ptr = odd_ptr(t, *ptr, sizeof(*a)); break;
	}
}

/* ---- messages ---- */

static void recv_setup(struct th *t, struct lpc_xfer *x, bool *attr_ok)
{
	struct lpc_msg_attr *ra = t->ra;

	x->recv_buf = P(t->rbuf);
	x->recv_cap = rn(&t->r, 10) ? LPC_MSG_MAX : rn(&t->r, 600);
	*attr_ok = false;
	if (rn(&t->r, 10) < 7) {
		memset(ra, 0, sizeof(*ra));
		ra->size = sizeof(*ra);
		switch (rn(&t->r, 8)) {
		case 0: ra->flags = LPC_ATTR_VIEW_FD; break;
		case 1: case 2: ra->flags = LPC_ATTR_VIEW_KEEP; break;
		default: break;
		}
		x->recv_attr = P(ra);
		*attr_ok = true;
	}
}

/* Mutations of the receive half. */
static void mut_recv(struct th *t, struct lpc_xfer *x, bool *verify,
		     bool *attr_ok)
{
	switch (rn(&t->r, 9)) {
	case 0:
		x->recv_buf = odd_wptr(t, x->recv_buf, x->recv_cap);
		*verify = false;
		break;
	case 1:
		x->recv_cap = near(t, LPC_MSG_MAX);
		if (x->recv_cap > LPC_MSG_MAX + PAGE)
			*verify = false;
		break;
	case 2:
		/* the data lands on the structure itself */
		x->recv_buf = P(x);
		x->recv_cap = sizeof(*x);
		*verify = false;
		*attr_ok = false;
		break;
	case 3:
		if (x->recv_attr)
			t->ra->flags = LPC_ATTR_VIEW_FD | LPC_ATTR_VIEW_KEEP;
		break;
	case 4:
		if (x->recv_attr)
			t->ra->size = near(t, LPC_MSG_ATTR_SIZE_VER0);
		*attr_ok = false;
		break;
	case 5:
		x->recv_attr = odd_wptr(t, x->recv_attr, sizeof(*t->ra));
		*attr_ok = false;
		break;
	case 6:
		/* attributes and data on the same bytes */
		x->recv_attr = x->recv_buf;
		*verify = false;
		*attr_ok = false;
		break;
	case 7:
		if (x->recv_attr)
			t->ra->flags = mut_flags(t, t->ra->flags,
						 LPC_ATTR_FLAGS);
		break;
	default:
		x->flags |= LPC_XFER_NONBLOCK | LPC_XFER_TIMEOUT;
		break;
	}
}

static void after_recv(struct th *t, int fd, struct lpc_xfer *x, bool verify,
		       bool attr_ok)
{
	struct rx rx = {
		.fd = fd,
		.info = &x->info,
		.data = verify ? (void *)(uintptr_t)x->recv_buf : NULL,
		.cap = x->recv_cap,
		.attr = attr_ok && x->recv_attr ?
			(void *)(uintptr_t)x->recv_attr : NULL,
	};

	handle_rx(t, &rx);
}

int do_receive(struct th *t, int fd, u64 tmo, bool mutate)
{
	struct lpc_xfer x;
	bool verify = true, attr_ok;
	long r;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV;
	if (tmo == ~0ULL)
		;	/* wait until a message or a signal */
	else
		set_wait(t, &x.flags, &x.timeout_ns, tmo);
	recv_setup(t, &x, &attr_ok);
	if (mutate) {
		if (one_in(&t->r, 5)) {
			x.send_len = 1 + rn(&t->r, 8);	/* without SEND */
			x.send_type = rn(&t->r, 4);
		} else {
			mut_recv(t, &x, &verify, &attr_ok);
		}
	}
	r = fz_ioctl(t, OP_XFER_RECV, fd, LPC_IOC_XFER, &x, sizeof(x), mutate);
	if (r == 0 && t->out_ok)
		after_recv(t, fd, &x, verify, attr_ok);
	return (int)r;
}

static u32 msg_len(struct th *t)
{
	/* most ports take 4096 bytes; a few take 256 or 64 KiB */
	return pay_len(t, rn(&t->r, 10) ? 4096 : LPC_MSG_MAX);
}

/* A length for a message on @fd: what its port takes, mostly. */
static u32 msg_len_for(struct th *t, int fd)
{
	u32 len = msg_len(t), max = 0;
	struct obj o;

	if (pool_lookup(t->p, fd, &o) && o.kind == K_CLIENT &&
	    o.name >= 0 && o.name < NR_NAMES)
		max = g_sh->name_max[o.name];
	if (max && len > max && rn(&t->r, 10))
		len = rn(&t->r, max + 1);
	return len;
}

static void mut_send(struct th *t, struct lpc_xfer *x, bool *verify)
{
	(void)verify;
	switch (rn(&t->r, 6)) {
	case 0: x->send_buf = odd_ptr(t, x->send_buf, x->send_len); break;
	case 1: x->send_len = near(t, LPC_MSG_MAX); break;
	case 2: x->flags = mut_flags(t, x->flags, LPC_XFER_FLAGS); break;
	case 3:
		/* the data is the structure itself */
		x->send_buf = P(x);
		x->send_len = sizeof(*x);
		break;
	case 4: x->timeout_ns = ~0ULL >> rn(&t->r, 64); break;
	default: x->flags |= LPC_XFER_SENT; break;	/* ignored on input */
	}
}

int do_request(struct th *t, int fd, bool sync, u64 tmo, bool mutate,
	       u32 ranges)
{
	static const u32 caps[] = { LPC_MSG_MAX, 4096, 4096, 256, 64, 0 };
	struct lpc_xfer x;
	u64 nonce = rnd(&t->r) | 1, snonce = 0;
	u32 len = msg_len_for(t, fd), want = 0;
	bool verify = true, attr_ok = false;
	struct obj o;
	long r;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | (sync ? LPC_XFER_RECV : 0);
	if (tmo != ~0ULL)
		set_wait(t, &x.flags, &x.timeout_ns, tmo);
	x.send_type = LPC_MSG_REQUEST;
	x.send_buf = P(t->sbuf);
	x.send_len = len;
	x.recv_buf = P(t->rbuf);
	x.recv_cap = caps[rn(&t->r, sync ? 3 : 6)];

	if (pool_lookup(t->p, fd, &o) && o.name == NR_NAMES - 1)
		want |= SA_CREDS;
	if (one_in(&t->r, 4))
		want |= SA_CREDS;
	if (one_in(&t->r, 8))
		want |= SA_FDS;
	if (one_in(&t->r, 5))
		want |= SA_VIEW;
	if (ranges || (sync && one_in(&t->r, 3)) || one_in(&t->r, 20))
		want |= SA_DIRECT;
	if (want & SA_VIEW)
		pthread_rwlock_rdlock(&t->p->sec_rw);
	if (want) {
		snonce = build_sattr(t, t->sa, fd, want);
		x.send_attr = P(t->sa);
	}
	if (snonce && (x.flags & LPC_XFER_RECV) &&
	    (x.timeout_ns > 20000000 || !(x.flags & LPC_XFER_TIMEOUT))) {
		/* do not hold sec_rw long */
		x.flags &= ~LPC_XFER_NONBLOCK;
		x.flags |= LPC_XFER_TIMEOUT;
		x.timeout_ns = 20000000;
	}
	if (sync && one_in(&t->r, 6)) {
		memset(t->ra, 0, sizeof(*t->ra));
		t->ra->size = sizeof(*t->ra);
		x.recv_attr = P(t->ra);
		attr_ok = true;
	}
	if (mutate) {
		switch (rn(&t->r, 4)) {
		case 0: mut_send(t, &x, &verify); break;
		case 1: if (want) { mut_attr(t, t->sa, &x.send_attr); break; }
			/* fall through */
		case 2: if (sync) { mut_recv(t, &x, &verify, &attr_ok); break; }
			/* fall through */
		default:
			fd = pool_fd_for_op(t, KM_ANY);
			break;
		}
	}
	pay_fit(t, t->sbuf, LPC_MSG_MAX + PAGE, x.send_buf, x.send_len, P_REQ,
		snonce, nonce);
	if (x.send_buf == P(t->sbuf))
		pay_set_rcap(t->sbuf, x.send_len, x.recv_cap);
	/* what the call was, after the mutations */
	sync = (x.flags & (LPC_XFER_SEND | LPC_XFER_RECV)) ==
	       (LPC_XFER_SEND | LPC_XFER_RECV);
	r = fz_ioctl(t, sync ? OP_XFER_SYNC : OP_XFER_ASYNC, fd, LPC_IOC_XFER,
		     &x, sizeof(x), mutate);
	if (!t->out_ok) {
		if (want & SA_VIEW)
			pthread_rwlock_unlock(&t->p->sec_rw);
		return (int)r;
	}
	if (want & SA_VIEW)
		pthread_rwlock_unlock(&t->p->sec_rw);
	t->last_send_id = 0;
	if (r == 0 || (x.flags & LPC_XFER_SENT)) {
		id_seen(t->p, x.send_id);
		t->last_send_id = x.send_id;
	}
	if (r == 0 && sync) {
		check_sync_reply(t, &x, nonce, verify);
		if (attr_ok && (x.info.flags & LPC_MSGF_ATTR)) {
			struct rx rx = { .fd = fd, .info = &x.info,
					 .attr = t->ra };

			/* the reply's attributes: fds, a view */
			take_attr(t, &rx, 0);
		}
	} else if (r == 0) {
		sent_add(t->p, x.send_id, nonce, fd);
	}
	return (int)r;
}

int do_datagram(struct th *t, int fd, bool mutate)
{
	struct lpc_xfer x;
	u32 len = msg_len_for(t, fd), want = 0;
	bool verify = true, attr_ok = false, recv = one_in(&t->r, 10);
	u64 snonce = 0;
	long r;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND;
	set_wait(t, &x.flags, &x.timeout_ns, pick_timeout(t));
	x.send_type = LPC_MSG_DATAGRAM;
	x.send_buf = P(t->sbuf);
	x.send_len = len;
	if (one_in(&t->r, 5))
		want |= SA_CREDS;
	if (one_in(&t->r, 8))
		want |= SA_FDS;
	if (one_in(&t->r, 6))
		want |= SA_VIEW;
	if (one_in(&t->r, 40))
		want |= SA_DIRECT;	/* requests only: -EINVAL */
	if (want & SA_VIEW)
		pthread_rwlock_rdlock(&t->p->sec_rw);
	if (want) {
		snonce = build_sattr(t, t->sa, fd, want);
		x.send_attr = P(t->sa);
	}
	if (recv) {
		x.flags |= LPC_XFER_RECV;
		recv_setup(t, &x, &attr_ok);
		if (snonce) {
			x.flags &= ~LPC_XFER_NONBLOCK;
			x.flags |= LPC_XFER_TIMEOUT;
			x.timeout_ns = 5000000;
		}
	}
	if (mutate) {
		if (want && one_in(&t->r, 3))
			mut_attr(t, t->sa, &x.send_attr);
		else if (recv && one_in(&t->r, 2))
			mut_recv(t, &x, &verify, &attr_ok);
		else
			mut_send(t, &x, &verify);
	}
	pay_fit(t, t->sbuf, LPC_MSG_MAX + PAGE, x.send_buf, x.send_len, P_DGRAM,
		snonce, rnd(&t->r));
	recv = x.flags & LPC_XFER_RECV;
	r = fz_ioctl(t, OP_XFER_DGRAM, fd, LPC_IOC_XFER, &x, sizeof(x),
		     mutate);
	if (want & SA_VIEW)
		pthread_rwlock_unlock(&t->p->sec_rw);
	if (!t->out_ok)
		return (int)r;
	if (r == 0 || (x.flags & LPC_XFER_SENT))
		id_seen(t->p, x.send_id);
	if (r == 0 && recv)
		after_recv(t, fd, &x, verify, attr_ok);
	return (int)r;
}

int do_reply(struct th *t, int fd, const struct inreq *q, bool recv,
	     bool mutate)
{
	struct lpc_xfer x;
	u32 len = pay_len(t, rn(&t->r, 20) ? 4096 : LPC_MSG_MAX), want = 0;
	bool verify = true, attr_ok = false;
	u64 id = q ? q->id : id_pick(t);

	/* what the requester takes, mostly: larger is -EMSGSIZE */
	if (q && q->cap_known && len > q->reply_cap && rn(&t->r, 10))
		len = rn(&t->r, q->reply_cap + 1);
	long r;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND;
	x.send_type = LPC_MSG_REPLY;
	x.send_id = id;
	x.send_buf = P(t->sbuf);
	x.send_len = len;
	if (one_in(&t->r, 10))
		want |= SA_CREDS;
	if (one_in(&t->r, 12))
		want |= SA_FDS;
	if (one_in(&t->r, 10))
		want |= SA_VIEW;
	if (one_in(&t->r, 30))
		want |= SA_DIRECT;
	if (want) {
		build_sattr(t, t->sa, fd, want);
		x.send_attr = P(t->sa);
	}
	if (recv) {
		x.flags |= LPC_XFER_RECV;
		set_wait(t, &x.flags, &x.timeout_ns, 2000000);
		recv_setup(t, &x, &attr_ok);
	}
	if (mutate) {
		switch (rn(&t->r, 5)) {
		case 0: x.send_id = id_pick(t); break;
		case 1: if (want) { mut_attr(t, t->sa, &x.send_attr); break; }
			/* fall through */
		case 2: if (recv) { mut_recv(t, &x, &verify, &attr_ok); break; }
			/* fall through */
		case 3: mut_send(t, &x, &verify); break;
		default: fd = pool_fd_for_op(t, KM_PORTS); break;
		}
	}
	/* a reply names the request it answers, whichever id it goes to */
	pay_fit(t, t->sbuf, LPC_MSG_MAX + PAGE, x.send_buf, x.send_len, P_REPLY,
		x.send_id, x.send_id == id && q ? q->nonce : 0);
	recv = x.flags & LPC_XFER_RECV;
	r = fz_ioctl(t, recv ? OP_XFER_REPLY_RECV : OP_XFER_REPLY, fd,
		     LPC_IOC_XFER, &x, sizeof(x), mutate);
	if (!t->out_ok)
		return (int)r;
	if (r == -EMSGSIZE && !mutate && q && !(x.flags & LPC_XFER_SENT)) {
		/* too large for the requester: answer it with less */
		x.flags = LPC_XFER_SEND;
		x.send_len = rn(&t->r, 2) ? 0 : (u32)sizeof(struct phdr);
		x.send_attr = 0;
		pay_fill(t, t->sbuf, x.send_len, P_REPLY, x.send_id, q->nonce);
		recv = false;
		r = fz_ioctl(t, OP_XFER_REPLY, fd, LPC_IOC_XFER, &x, sizeof(x),
			     false);
	}
	if (r == 0 || (x.flags & LPC_XFER_SENT)) {
		ev_add(EV_REPLIED, 1);
		view_forget_req(t->p, x.send_id);
		if (q)
			inreq_forget(t->p, q->id);
	} else if (q && (r == -ENOENT || r == -ECANCELED) &&
		   x.send_id == q->id) {
		inreq_forget(t->p, q->id);
		view_forget_req(t->p, q->id);
	}
	if (r == 0 && recv)
		after_recv(t, fd, &x, verify, attr_ok);
	return (int)r;
}

/* An xfer no valid call looks like. */
int do_odd_xfer(struct th *t, bool mutate);
int do_odd_xfer(struct th *t, bool mutate)
{
	struct lpc_xfer x;
	int fd = pool_fd_for_op(t, KM_PORTS);
	long r;

	memset(&x, 0, sizeof(x));
	memset(t->sbuf, 0, 64);		/* no stale payload header */
	x.send_buf = P(t->sbuf);
	x.recv_buf = P(t->rbuf);
	x.recv_cap = 4096;
	x.send_len = rn(&t->r, 64);
	switch (rn(&t->r, 6)) {
	case 0: x.flags = 0; break;
	case 1:
		x.flags = LPC_XFER_SEND;
		x.send_type = rn(&t->r, 2) ? 0 : 4 + rn(&t->r, 8);
		break;
	case 2:
		/* a request or datagram through a connection port */
		x.flags = LPC_XFER_SEND | LPC_XFER_NONBLOCK;
		x.send_type = 1 + 2 * rn(&t->r, 2);
		fd = pool_fd_for_op(t, KM(K_LISTENER));
		break;
	case 3:
		/* a receive on a server communication port */
		x.flags = LPC_XFER_RECV | LPC_XFER_NONBLOCK;
		fd = pool_fd_for_op(t, KM(K_SERVER));
		break;
	case 4:
		x.flags = LPC_XFER_RECV | LPC_XFER_SENT | LPC_XFER_NONBLOCK;
		break;
	default:
		x.flags = (u32)rnd(&t->r);
		x.send_type = rn(&t->r, 8);
		break;
	}
	r = fz_ioctl(t, OP_XFER_ODD, fd, LPC_IOC_XFER, &x, sizeof(x), mutate);
	if (r == 0 && t->out_ok && (x.flags & LPC_XFER_RECV))
		after_recv(t, fd, &x, false, false);
	return (int)r;
}

/* ---- cancel, sender check, disconnect ---- */

int do_cancel(struct th *t, int fd, u64 id, bool mutate)
{
	struct lpc_cancel c;
	struct sent s;
	long r;

	memset(&c, 0, sizeof(c));
	c.id = id;
	if (mutate) {
		switch (rn(&t->r, 3)) {
		case 0: c.flags = 1U << rn(&t->r, 32); break;
		case 1: c.__pad = 1; break;
		default: c.id = id_pick(t); break;
		}
	}
	r = fz_ioctl(t, OP_CANCEL, fd, LPC_IOC_CANCEL, &c, sizeof(c), mutate);
	if (r == 0)
		sent_find(t->p, c.id, &s, true);
	return (int)r;
}

int do_sender_check(struct th *t, int fd, u64 id, bool mutate)
{
	struct lpc_sender s;
	long r;

	memset(&s, 0, sizeof(s));
	s.id = id;
	s.pid = -12345;
	if (mutate) {
		if (rn(&t->r, 2))
			s.flags = 1U << rn(&t->r, 32);
		else
			s.id = id_pick(t);
	}
	r = fz_ioctl(t, OP_SENDER_CHECK, fd, LPC_IOC_SENDER_CHECK, &s,
		     sizeof(s), mutate);
	if (r == 0 && t->out_ok && s.pid <= 0)
		inconsistent("LPC_IOC_SENDER_CHECK succeeded with pid %d for id %llu",
			     s.pid, (unsigned long long)s.id);
	return (int)r;
}

int do_disconnect(struct th *t, int fd);
int do_disconnect(struct th *t, int fd)
{
	unsigned long cmd = LPC_IOC_DISCONNECT;
	long r;

	/* _IO: an argument or a size is ignored, or not */
	if (one_in(&t->r, 8))
		cmd = _IOC(_IOC_NONE, LPC_IOC_MAGIC, 0x53, rn(&t->r, 64));
	fault_arm(t);
	r = ioctl(fd, cmd, rn(&t->r, 2) ? 0UL : (unsigned long)t->rbuf);
	r = r < 0 ? -errno : r;
	fault_disarm(t);
	stat_op(OP_DISCONNECT, r < 0 ? (int)-r : 0);
	if (cmd == LPC_IOC_DISCONNECT)
		stat_clean(OP_DISCONNECT, r < 0 ? (int)-r : 0);
	return (int)r;
}

/* ---- sections, views, direct access ---- */

int do_section(struct th *t, int fd, bool mutate)
{
	struct lpc_section_attr s;
	u64 nonce = rnd(&t->r) | 1;
	bool sealed = false;
	void *map = NULL;
	long r;

	memset(&s, 0, sizeof(s));
	s.size = PAGE * (1 + rn(&t->r, rn(&t->r, 4) ? 4 : 16));
	if (one_in(&t->r, 10))
		s.flags = LPC_NO_CLOEXEC;
	if (mutate) {
		switch (rn(&t->r, 4)) {
		case 0: s.size = rn(&t->r, 2) ? 0 : 1 + rn(&t->r, PAGE); break;
		case 1: s.size = ~0ULL >> rn(&t->r, 24); break;
		case 2: s.flags = mut_flags(t, s.flags, LPC_NO_CLOEXEC); break;
		default: s.__pad = 1; break;
		}
	}
	r = fz_ioctl(t, OP_SECTION_CREATE, fd, LPC_IOC_SECTION_CREATE, &s,
		     sizeof(s), mutate);
	if (r < 0)
		return (int)r;
	if (s.size > 64 * PAGE) {
		pool_add_section(t->p, (int)r, fd, s.size, NULL, 0, false);
		return (int)r;
	}
	map = mmap(NULL, s.size, PROT_READ | PROT_WRITE, MAP_SHARED, (int)r,
		   0);
	if (map == MAP_FAILED) {
		map = NULL;
	} else if (!sigsetjmp(t->jb, 1)) {
		t->in_touch = 1;
		section_fill(map, s.size, nonce);
		t->in_touch = 0;
		if (rn(&t->r, 3)) {
			/* sealed: views of it can be immutable, and checked */
			munmap(map, s.size);
			map = NULL;
			sealed = fcntl((int)r, F_ADD_SEALS, F_SEAL_WRITE) == 0;
		}
	} else {
		ev_add(EV_SIGBUS, 1);
	}
	pool_add_section(t->p, (int)r, fd, s.size, map, nonce, sealed);
	return (int)r;
}

int do_view_release(struct th *t, bool mutate);
int do_view_release(struct th *t, bool mutate)
{
	struct lpc_view_release v;
	struct view w;
	bool have = view_pick_free(t, &w);
	int fd = have && rn(&t->r, 4) ? w.port :
		 pool_fd_for_op(t, KM_PORTS);
	long r;

	memset(&v, 0, sizeof(v));
	v.addr = have ? w.addr : P(t->rbuf);
	if (mutate) {
		switch (rn(&t->r, 3)) {
		case 0: v.flags = 1U << rn(&t->r, 32); break;
		case 1: v.__pad = 1; break;
		default: v.addr += PAGE * rn(&t->r, 3) + rn(&t->r, 2); break;
		}
	}
	r = fz_ioctl(t, OP_VIEW_RELEASE, fd, LPC_IOC_VIEW_RELEASE, &v,
		     sizeof(v), mutate);
	if (r == 0)
		view_forget_addr(t->p, v.addr);
	return (int)r;
}

int do_direct(struct th *t, int fd, u64 id, const struct inreq *q, bool write,
	      bool mutate)
{
	struct lpc_direct d;
	const struct lpc_range *rg = NULL;
	u64 rlen;
	long r;

	memset(&d, 0, sizeof(d));
	d.id = id;
	if (q && q->nr_ranges) {
		d.range = rn(&t->r, q->nr_ranges);
		rg = &q->ranges[d.range];
	}
	rlen = rg ? rg->length : 4096;
	if (rlen > 65536)
		rlen = 65536;
	switch (rn(&t->r, 8)) {
	case 0:		/* the whole range */
		d.offset = 0;
		d.len = rlen;
		break;
	case 1:		/* one past the end */
		d.offset = rlen - rn(&t->r, 2);
		d.len = rlen - d.offset + 1;
		break;
	case 2:		/* an empty copy at the end */
		d.offset = rlen;
		break;
	default:
		d.offset = rn(&t->r, (u32)rlen);
		d.len = rn(&t->r, (u32)(rlen - d.offset + 1));
		break;
	}
	d.buf = P(write ? t->sbuf : t->bbuf);
	if (write)
		memset(t->sbuf, 0xd0 + t->idx, d.len < 65536 ? d.len : 65536);
	if (mutate) {
		switch (rn(&t->r, 6)) {
		case 0: d.range = near(t, LPC_MAX_RANGES); break;
		case 1: d.flags = 1U << rn(&t->r, 32); break;
		case 2: d.offset = ~0ULL - rn(&t->r, 8); break;
		case 3: d.len = ~0ULL >> rn(&t->r, 64); break;
		case 4:
			d.buf = write ? odd_ptr(t, d.buf, d.len) :
					odd_wptr(t, d.buf, d.len);
			break;
		default: d.id = id_pick(t); break;
		}
	}
	/* never more than the buffers we have */
	if (!mutate && d.len > 65536)
		d.len = 65536;
	r = fz_ioctl(t, write ? OP_DIRECT_WRITE : OP_DIRECT_READ, fd,
		     write ? LPC_IOC_DIRECT_WRITE : LPC_IOC_DIRECT_READ, &d,
		     sizeof(d), mutate);
	if (r > 0) {
		ev_add(EV_DIRECT_BYTES, (u64)r);
		if ((u64)r > d.len)
			inconsistent("direct %s of %llu bytes returned %ld",
				     write ? "write" : "read",
				     (unsigned long long)d.len, r);
	}
	return (int)r;
}

/* ---- batches ---- */

int do_send_batch(struct th *t, int fd, bool mutate)
{
	struct lpc_batch b;
	struct lpc_xfer *x = t->bx;
	u32 n = 1 + rn(&t->r, rn(&t->r, 4) ? 8 : LPC_BATCH_MAX), i, off = 0;
	u64 nonce[LPC_BATCH_MAX];
	struct inreq q[LPC_BATCH_MAX];
	bool isq[LPC_BATCH_MAX];
	long r;

	memset(&b, 0, sizeof(b));
	memset(x, 0, sizeof(*x) * n);
	for (i = 0; i < n; i++) {
		u32 len = pay_len(t, LPC_MSG_MAX / LPC_BATCH_MAX);
		u32 c = rn(&t->r, 10);

		isq[i] = false;
		nonce[i] = rnd(&t->r) | 1;
		x[i].flags = LPC_XFER_SEND;
		x[i].send_buf = P(t->sbuf + off);
		x[i].send_len = len;
		if (c < 6) {
			x[i].send_type = LPC_MSG_DATAGRAM;
			pay_fill(t, t->sbuf + off, len, P_DGRAM, 0, nonce[i]);
		} else if (c < 8 || !inreq_pick(t, &q[i], false, 0)) {
			x[i].send_type = LPC_MSG_REQUEST;
			x[i].recv_cap = 4096;
			pay_fill(t, t->sbuf + off, len, P_REQ, 0, nonce[i]);
		} else {
			isq[i] = true;
			x[i].send_type = LPC_MSG_REPLY;
			x[i].send_id = q[i].id;
			pay_fill(t, t->sbuf + off, len, P_REPLY, q[i].id,
				 q[i].nonce);
		}
		off += len;
	}
	b.xfers = P(x);
	b.count = n;
	switch (rn(&t->r, 3)) {
	case 0: b.flags = LPC_XFER_NONBLOCK; break;
	case 1: b.flags = LPC_XFER_TIMEOUT; b.timeout_ns = pick_timeout(t);
		break;
	default: break;
	}
	if (mutate) {
		i = rn(&t->r, n);
		switch (rn(&t->r, 8)) {
		case 0: b.count = rn(&t->r, 2) ? 0 : LPC_BATCH_MAX + 1; break;
		case 1: b.flags = mut_flags(t, b.flags, LPC_XFER_FLAGS); break;
		case 2: x[i].flags |= LPC_XFER_RECV; break;
		case 3:
			x[i].send_type = rn(&t->r, 9);
			memset((void *)(uintptr_t)x[i].send_buf, 0,
			       x[i].send_len < 8 ? x[i].send_len : 8);
			break;
		case 4:
			/* the entries run into the unmapped page */
			b.xfers = P((char *)t->bx + 2 * PAGE -
				    sizeof(*x) * (1 + rn(&t->r, n)));
			break;
		case 5:
			build_sattr(t, t->sa, fd, 1U << rn(&t->r, 4));
			x[i].send_attr = P(t->sa);
			break;
		case 6:
			memset((void *)(uintptr_t)x[i].send_buf, 0,
			       x[i].send_len < 8 ? x[i].send_len : 8);
			x[i].send_buf = odd_ptr(t, x[i].send_buf,
						x[i].send_len);
			break;
		default: b.xfers = odd_wptr(t, b.xfers, sizeof(*x)); break;
		}
	}
	r = fz_ioctl(t, OP_SEND_BATCH, fd, LPC_IOC_SEND_BATCH, &b, sizeof(b),
		     mutate);
	if (r > (long)n)
		inconsistent("LPC_IOC_SEND_BATCH of %u entries returned %ld",
			     n, r);
	if (b.xfers != P(x) || !t->out_ok)
		return (int)r;
	for (i = 0; r > 0 && i < (u32)r && i < n; i++) {
		id_seen(t->p, x[i].send_id);
		if (isq[i]) {
			ev_add(EV_REPLIED, 1);
			view_forget_req(t->p, q[i].id);
			inreq_forget(t->p, q[i].id);
		} else if (x[i].send_type == LPC_MSG_REQUEST) {
			sent_add(t->p, x[i].send_id, nonce[i], fd);
		}
	}
	return (int)r;
}

int do_recv_batch(struct th *t, int fd, bool mutate)
{
	struct lpc_batch b;
	struct lpc_xfer *x = t->bx;
	u32 n = 1 + rn(&t->r, 16), i;
	bool attr[16], verify = true, clobber = false;
	long r;

	memset(&b, 0, sizeof(b));
	memset(x, 0, sizeof(*x) * n);
	for (i = 0; i < n; i++) {
		x[i].flags = LPC_XFER_RECV;
		x[i].recv_buf = P(t->bbuf + i * PAGE);
		x[i].recv_cap = rn(&t->r, 8) ? PAGE : rn(&t->r, 300);
		attr[i] = rn(&t->r, 3) == 0;
		if (attr[i]) {
			memset(&t->battr[i], 0, sizeof(t->battr[i]));
			t->battr[i].size = sizeof(t->battr[i]);
			if (one_in(&t->r, 4))
				t->battr[i].flags = LPC_ATTR_VIEW_KEEP;
			x[i].recv_attr = P(&t->battr[i]);
		}
	}
	b.xfers = P(x);
	b.count = n;
	switch (rn(&t->r, 3)) {
	case 0: b.flags = LPC_XFER_NONBLOCK; break;
	default: b.flags = LPC_XFER_TIMEOUT;
		b.timeout_ns = pick_timeout(t);
		break;
	}
	if (mutate) {
		i = rn(&t->r, n);
		switch (rn(&t->r, 7)) {
		case 0: b.count = rn(&t->r, 2) ? 0 : LPC_BATCH_MAX + 1; break;
		case 1: b.flags = mut_flags(t, b.flags, LPC_XFER_FLAGS); break;
		case 2: x[i].flags |= LPC_XFER_SEND; break;
		case 3:
			x[i].recv_buf = odd_wptr(t, x[i].recv_buf,
						 x[i].recv_cap);
			verify = false;
			break;
		case 4:
			b.xfers = P((char *)t->bx + 2 * PAGE -
				    sizeof(*x) * (1 + rn(&t->r, n)));
			break;
		case 5:
			/* an entry receives over the entries */
			x[i].recv_buf = P(x);
			clobber = true;
			break;
		default:
			if (attr[i])
				t->battr[i].size = near(t, 608);
			attr[i] = false;
			break;
		}
	}
	r = fz_ioctl(t, OP_RECV_BATCH, fd, LPC_IOC_RECV_BATCH, &b, sizeof(b),
		     mutate);
	if (r > (long)n)
		inconsistent("LPC_IOC_RECV_BATCH of %u entries returned %ld",
			     n, r);
	/* entries a message was written over tell nothing */
	if (b.xfers != P(x) || b.count != n || !t->out_ok || clobber)
		return (int)r;
	for (i = 0; r > 0 && i < (u32)r && i < n; i++) {
		struct rx rx = {
			.fd = fd,
			.info = &x[i].info,
			.data = verify ? (void *)(uintptr_t)x[i].recv_buf :
				NULL,
			.cap = x[i].recv_cap,
			.attr = attr[i] ? &t->battr[i] : NULL,
		};

		handle_rx(t, &rx);
	}
	return (int)r;
}

/* ---- ioctls that do not exist ---- */

int do_bogus(struct th *t);
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
