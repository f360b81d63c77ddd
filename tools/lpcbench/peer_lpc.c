// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The lpc peer, on raw ioctls (no liblpc: the bench measures the kernel).
 *
 * Round trip: the server child creates a named connection port, receives
 * the client's LPC_MSG_CONNECTION_REQUEST on it, answers with
 * LPC_IOC_ACCEPT (which returns its communication port) and then serves on
 * the connection port, where the client's messages queue by default: one
 * LPC_IOC_XFER per round trip, SEND|RECV with LPC_MSG_REPLY (reply to the
 * last request, then wait for the next). The client (the measuring parent)
 * connects with LPC_IOC_CONNECT and does one LPC_IOC_XFER per round trip,
 * SEND|RECV with LPC_MSG_REQUEST (the synchronous call).
 *
 * Throughput: each sender child connects and sends LPC_MSG_DATAGRAM on its
 * communication port; the parent receives them on the connection port.
 * "lpc" moves one datagram per LPC_IOC_XFER; "lpc-batch" up to TPUT_BATCH
 * (64) per LPC_IOC_SEND_BATCH on each sender and per LPC_IOC_RECV_BATCH
 * on the receiver.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/lpc.h>

#include "lpcbench.h"

/* The structures must be exactly the sizes the ioctl numbers encode. */
_Static_assert(sizeof(struct lpc_version) == LPC_VERSION_SIZE_VER0,
	       "lpc_version size");
_Static_assert(sizeof(struct lpc_port_attr) == LPC_PORT_ATTR_SIZE_VER1,
	       "lpc_port_attr size");
_Static_assert(sizeof(struct lpc_connect) == LPC_CONNECT_SIZE_VER0,
	       "lpc_connect size");
_Static_assert(sizeof(struct lpc_accept) == LPC_ACCEPT_SIZE_VER0,
	       "lpc_accept size");
_Static_assert(sizeof(struct lpc_xfer) == LPC_XFER_SIZE_VER0,
	       "lpc_xfer size");
_Static_assert(_IOC_SIZE(LPC_IOC_XFER) == LPC_XFER_SIZE_VER0,
	       "LPC_IOC_XFER encodes the VER0 size");
_Static_assert(_IOC_SIZE(LPC_IOC_CONNECT) == LPC_CONNECT_SIZE_VER0,
	       "LPC_IOC_CONNECT encodes the VER0 size");
_Static_assert(LPC_MSG_MAX == INLINE_MAX, "INLINE_MAX is LPC_MSG_MAX");
_Static_assert(sizeof(struct lpc_batch) == LPC_BATCH_SIZE_VER0,
	       "lpc_batch size");
_Static_assert(_IOC_SIZE(LPC_IOC_SEND_BATCH) == LPC_BATCH_SIZE_VER0,
	       "LPC_IOC_SEND_BATCH encodes the VER0 size");
_Static_assert(TPUT_BATCH <= LPC_BATCH_MAX, "TPUT_BATCH fits a batch");

#define LPC_DEV			"/dev/lpc"
#define RTT_CONTEXT		0x6c706362656e6368ULL	/* "lpcbench" */
#define CONNECT_TIMEOUT_NS	(10ULL * 1000000000ULL)

static int g_fac = -1;			/* /dev/lpc of the parent */
static struct lpc_version g_ver;
static unsigned g_seq;
static bool g_warned_reply_info;
char g_reply_info_note[ERRLEN];	/* printed with the tables */

static const char *msg_type_name(__u32 t)
{
	switch (t) {
	case LPC_MSG_REQUEST: return "REQUEST";
	case LPC_MSG_REPLY: return "REPLY";
	case LPC_MSG_DATAGRAM: return "DATAGRAM";
	case LPC_MSG_CONNECTION_REQUEST: return "CONNECTION_REQUEST";
	case LPC_MSG_PORT_CLOSED: return "PORT_CLOSED";
	case LPC_MSG_CLIENT_DIED: return "CLIENT_DIED";
	case LPC_MSG_LOST_REPLY: return "LOST_REPLY";
	default: return "unknown";
	}
}

static int lpc_open_factory(char *err)
{
	int fd = open(LPC_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return fail_errno(err, "open %s", LPC_DEV);
	return fd;
}

/* One LPC_IOC_XFER. Never retried on EINTR: a send may have happened. */
static int xfer(int fd, struct lpc_xfer *x)
{
	if (ioctl(fd, LPC_IOC_XFER, x) == 0)
		return 0;
	if (errno == EINTR && g_timeout)
		errno = ETIMEDOUT;
	return -1;
}

/* A new fd from an ioctl: 0, 1 and 2 are always open (main makes sure),
 * so anything below 3 is a bug in the module, not a descriptor. */
static int new_fd(int r, char *err, const char *what)
{
	if (r < 0)
		return fail_errno(err, "%s", what);
	if (r < 3)
		return fail_msg(err, "%s returned %d, not a new fd", what, r);
	return r;
}

static int lpc_create(int fac, const char *name, size_t max_msg,
		      unsigned max_conns, char *err)
{
	struct lpc_port_attr a;

	memset(&a, 0, sizeof(a));
	a.name = (__u64)(uintptr_t)name;
	a.name_len = (__u32)strlen(name);
	a.flags = 0;
	a.max_msg_len = (__u32)max_msg;	/* 0: LPC_DEFAULT_MSG_LEN */
	a.max_conn_data_len = 0;
	a.max_queued = 0;
	/*
	 * The bench's clients are its own: each may fill the whole queue, so
	 * that what is measured is the message path. The default share (64
	 * of 256) holds a streaming sender to one batch in flight, which
	 * Documentation/performance.rst quotes separately.
	 */
	a.max_conn_queued = LPC_DEFAULT_QUEUE;
	a.max_conns = max_conns;	/* 0: LPC_DEFAULT_CONNS */
	a.acl = 0;
	a.acl_count = 0;		/* owner only: we are the owner */
	return new_fd(ioctl(fac, LPC_IOC_CREATE_PORT, &a), err,
		      "LPC_IOC_CREATE_PORT");
}

static int lpc_connect_to(int fac, const char *name, char *err)
{
	struct lpc_connect cn;
	int fd;

	memset(&cn, 0, sizeof(cn));
	cn.name = (__u64)(uintptr_t)name;
	cn.name_len = (__u32)strlen(name);
	cn.flags = LPC_CONNECT_TIMEOUT;
	cn.timeout_ns = CONNECT_TIMEOUT_NS;
	fd = new_fd(ioctl(fac, LPC_IOC_CONNECT, &cn), err, "LPC_IOC_CONNECT");
	if (fd >= 0 && cn.reply_len != 0) {
		close(fd);
		return fail_msg(err, "LPC_IOC_CONNECT: %u bytes of accept data, "
				"expected none", cn.reply_len);
	}
	return fd;
}

/* Receive one connection request on @port and accept it, binding @context.
 * Returns the server communication port. */
static int lpc_accept_one(int port, __u64 context, char *err)
{
	unsigned char cdata[LPC_DEFAULT_CONN_DATA];
	struct lpc_accept a;
	struct lpc_xfer x;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV;
	x.recv_cap = sizeof(cdata);
	x.recv_buf = (__u64)(uintptr_t)cdata;
	if (xfer(port, &x) < 0)
		return fail_errno(err, "LPC_IOC_XFER(receive connection request)");
	if (x.info.type != LPC_MSG_CONNECTION_REQUEST)
		return fail_msg(err, "expected CONNECTION_REQUEST, got type %u "
				"(%s)", x.info.type, msg_type_name(x.info.type));
	if (x.info.id == 0)
		return fail_msg(err, "connection request with id 0");

	memset(&a, 0, sizeof(a));
	a.id = x.info.id;
	a.context = context;
	a.data = 0;
	a.data_len = 0;
	a.flags = 0;	/* messages queue on the connection port */
	return new_fd(ioctl(port, LPC_IOC_ACCEPT, &a), err, "LPC_IOC_ACCEPT");
}

/* ------------------------------------------------------------------ */

static int lpc_probe(char *why)
{
	g_fac = lpc_open_factory(why);
	if (g_fac < 0)
		return -1;
	memset(&g_ver, 0, sizeof(g_ver));
	if (ioctl(g_fac, LPC_IOC_VERSION, &g_ver) < 0) {
		fail_errno(why, "LPC_IOC_VERSION");
		close(g_fac);
		g_fac = -1;
		return -1;
	}
	note("lpc: api %u, module %u.%u.%u, features 0x%llx, max_msg_len %u",
	     g_ver.api_version, g_ver.module_version >> 16,
	     (g_ver.module_version >> 8) & 0xff, g_ver.module_version & 0xff,
	     (unsigned long long)g_ver.features, g_ver.max_msg_len);
	if (g_ver.api_version != LPC_API_VERSION)
		note("lpc: warning: module api %u, lpcbench built for %u",
		     g_ver.api_version, LPC_API_VERSION);
	if (!(g_ver.features & LPC_FEAT_PORTS))
		note("lpc: warning: LPC_FEAT_PORTS not reported, trying anyway");
	return 0;
}

/* ------------------------------------------------------------------ */
/* Rows "through a view" (sizes above LPC_MSG_MAX).
 *
 * The client creates one section per cell on its communication port and
 * maps it; each request carries a view of all of it, and the server
 * receives it mapped into its address space. No payload byte is copied
 * by anyone: the row measures moving a view, so its cost should not
 * depend on the size. The client stamps the first bytes, which the server
 * could read through its mapping.
 *
 * "lpc" keeps the view mapped in the server (LPC_ATTR_VIEW_KEEP), as an NT
 * server keeps a section view: the first request maps it, the next ones
 * find it there. "lpc-map" maps it for every request and its reply unmaps
 * it, which is what a view costs when it is used once.
 */
struct lpc_state {
	char name[64];
	int comm;	/* client communication port (parent) */
	int section;	/* client: the section, once created */
	void *map;	/* client: its mapping */
	bool unkept;	/* lpc-map: a view per request */
	struct lpc_msg_attr attr;
};

static int lpc_section_map(struct lpc_state *st, size_t size, char *err)
{
	struct lpc_section_attr sa = { .size = size };

	st->section = ioctl(st->comm, LPC_IOC_SECTION_CREATE, &sa);
	if (st->section < 0)
		return fail_errno(err, "LPC_IOC_SECTION_CREATE(%zu)", size);
	st->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       st->section, 0);
	if (st->map == MAP_FAILED) {
		st->map = NULL;
		return fail_errno(err, "mmap(section)");
	}
	return 0;
}

static int lpc_view_attach(struct lpc_state *st, struct rtt_ctx *c,
			   struct lpc_xfer *x, bool server, char *err)
{
	if (!x)		/* lpc_size_ok() asks whether views can work */
		return g_ver.features & LPC_FEAT_SECTIONS ? 0 :
		       fail_msg(err, "module has no sections");
	memset(&st->attr, 0, sizeof(st->attr));
	st->attr.size = sizeof(st->attr);
	if (server) {
		/* Receive the view mapped; the reply carries nothing. */
		if (!st->unkept && (g_ver.features & LPC_FEAT_VIEW_KEEP))
			st->attr.flags = LPC_ATTR_VIEW_KEEP;
		if (x->flags & LPC_XFER_RECV)
			x->recv_attr = (__u64)(uintptr_t)&st->attr;
		return 0;
	}
	if (!st->map && lpc_section_map(st, c->size, err) < 0)
		return -1;
	memcpy(st->map, c->sbuf, 16);
	st->attr.flags = LPC_ATTR_VIEW;
	st->attr.view.section_fd = st->section;
	st->attr.view.length = c->size;
	x->send_attr = (__u64)(uintptr_t)&st->attr;
	return 0;
}

/* Point @x at the payload: inline buffers, or a view for big sizes. */
static int lpc_payload(struct lpc_state *st, struct rtt_ctx *c,
		       struct lpc_xfer *x, bool server)
{
	if (c->size > INLINE_MAX)
		return lpc_view_attach(st, c, x, server, c->err);
	if (x->flags & LPC_XFER_SEND) {
		x->send_buf = (__u64)(uintptr_t)c->sbuf;
		x->send_len = (__u32)c->size;
	}
	if (x->flags & LPC_XFER_RECV) {
		x->recv_buf = (__u64)(uintptr_t)c->rbuf;
		x->recv_cap = (__u32)c->size;
	}
	return 0;
}

static size_t inline_len(const struct rtt_ctx *c)
{
	return c->size > INLINE_MAX ? 0 : c->size;
}

static int lpc_size_ok(size_t size, char *why)
{
	struct rtt_ctx probe;

	if (size > INLINE_MAX) {
		memset(&probe, 0, sizeof(probe));
		probe.size = size;
		if (lpc_view_attach(NULL, &probe, NULL, false, probe.err) < 0)
			return fail_msg(why, "%s", probe.err);
		return 0;
	}
	if (g_ver.max_msg_len && size > g_ver.max_msg_len)
		return fail_msg(why, "module max_msg_len is %u",
				g_ver.max_msg_len);
	return 0;
}

static int lpc_prepare(struct rtt_ctx *c)
{
	struct lpc_state *st = calloc(1, sizeof(*st));

	if (!st)
		return fail_errno(c->err, "calloc");
	st->comm = -1;
	st->section = -1;
	snprintf(st->name, sizeof(st->name), "lpcbench.%d.%u",
		 (int)getpid(), ++g_seq);
	c->priv = st;
	return 0;
}

static int check_request(const struct rtt_ctx *c, const struct lpc_xfer *x,
			 uint64_t n, char *err)
{
	const struct lpc_msg_info *i = &x->info;

	if (i->type != LPC_MSG_REQUEST)
		return fail_msg(err, "server: message %llu has type %u (%s), "
				"expected REQUEST", (unsigned long long)n,
				i->type, msg_type_name(i->type));
	if (i->id == 0 || i->context != RTT_CONTEXT ||
	    i->data_len != inline_len(c) ||
	    (i->flags & ~(c->size > INLINE_MAX ? LPC_MSGF_ATTR : 0)))
		return fail_msg(err, "server: request %llu: id %llu context "
				"0x%llx data_len %u flags 0x%x",
				(unsigned long long)n,
				(unsigned long long)i->id,
				(unsigned long long)i->context, i->data_len,
				i->flags);
	return 0;
}

static int lpc_serve(struct rtt_ctx *c)
{
	struct lpc_state *st = c->priv;
	struct lpc_xfer x;
	int fac, port, comm;
	__u64 id;
	uint64_t i;

	c->fatal = true;
	fac = lpc_open_factory(c->err);
	if (fac < 0)
		return -1;
	port = lpc_create(fac, st->name,
			  c->size <= INLINE_MAX ? c->size : 0, 0, c->err);
	if (port < 0)
		return -1;
	if (child_ready(c->sock) < 0)
		return fail_errno(c->err, "ready");
	comm = lpc_accept_one(port, RTT_CONTEXT, c->err);
	if (comm < 0)
		return -1;
	/* comm stays open until we exit: closing it would disconnect. */

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV;
	if (lpc_payload(st, c, &x, true) < 0)
		return -1;
	if (xfer(port, &x) < 0)
		return fail_errno(c->err, "LPC_IOC_XFER(receive first request)");
	if (check_request(c, &x, 1, c->err) < 0)
		return -1;
	c->fatal = false;
	for (i = 1; i <= c->total; i++) {
		bool more = i < c->total;

		id = x.info.id;
		stamp_reply(c->sbuf, c->rbuf, inline_len(c));
		memset(&x, 0, sizeof(x));
		x.flags = LPC_XFER_SEND | (more ? LPC_XFER_RECV : 0);
		x.send_type = LPC_MSG_REPLY;
		x.send_id = id;
		if (lpc_payload(st, c, &x, true) < 0)
			return -1;
		if (xfer(port, &x) < 0)
			return fail_errno(c->err, "LPC_IOC_XFER(reply %llu%s)",
					  (unsigned long long)i,
					  more ? " + receive" : "");
		if (more && check_request(c, &x, i + 1, c->err) < 0)
			return -1;
	}
	(void)comm;
	return 0;
}

static int lpc_client_open(struct rtt_ctx *c)
{
	struct lpc_state *st = c->priv;

	st->comm = lpc_connect_to(g_fac, st->name, c->err);
	return st->comm < 0 ? -1 : 0;
}

static int lpc_roundtrip(struct rtt_ctx *c, uint64_t seq)
{
	struct lpc_state *st = c->priv;
	struct lpc_xfer x;

	stamp_put(c->sbuf, inline_len(c), seq);
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_RECV;
	x.send_type = LPC_MSG_REQUEST;
	if (lpc_payload(st, c, &x, false) < 0)
		return -1;
	if (xfer(st->comm, &x) < 0)
		return fail_errno(c->err, "LPC_IOC_XFER(request %llu)",
				  (unsigned long long)seq);
	if (x.info.type != LPC_MSG_REPLY || x.send_id == 0 ||
	    x.info.data_len != inline_len(c))
		return fail_msg(c->err, "request %llu: got type %u (%s) "
				"data_len %u, send_id %llu",
				(unsigned long long)seq, x.info.type,
				msg_type_name(x.info.type), x.info.data_len,
				(unsigned long long)x.send_id);
	/* Header fields that do not change what was measured: say so once
	 * (the stamp below still proves it is the right reply). */
	if ((x.info.ref_id != x.send_id || x.info.context != 0) &&
	    !g_warned_reply_info) {
		g_warned_reply_info = true;
		if (x.info.ref_id != x.send_id)
			err_append(g_reply_info_note, "reply ref_id %llu for "
				   "request %llu (uapi: the request id); ",
				   (unsigned long long)x.info.ref_id,
				   (unsigned long long)x.send_id);
		if (x.info.context != 0)
			err_append(g_reply_info_note, "reply context 0x%llx "
				   "on the client side (uapi: 0); ",
				   (unsigned long long)x.info.context);
		/* drop the last "; " */
		g_reply_info_note[strlen(g_reply_info_note) - 2] = '\0';
		fprintf(stderr, "lpcbench: lpc: warning: %s\n",
			g_reply_info_note);
	}
	if (!stamp_ok(c->rbuf, inline_len(c), seq))
		return fail_msg(c->err, "lpc: wrong reply payload to %llu",
				(unsigned long long)seq);
	return 0;
}

static void lpc_client_close(struct rtt_ctx *c)
{
	struct lpc_state *st = c->priv;

	if (st && st->map) {
		munmap(st->map, c->size);
		st->map = NULL;
	}
	if (st && st->section >= 0) {
		close(st->section);
		st->section = -1;
	}
	if (st && st->comm >= 0) {
		close(st->comm);
		st->comm = -1;
	}
}

static void lpc_cleanup(struct rtt_ctx *c)
{
	lpc_client_close(c);
	free(c->priv);
	c->priv = NULL;
}

const struct rtt_peer rtt_lpc = {
	.name = "lpc",
	.how = "one LPC_IOC_XFER per side per round trip, inline data "
	       "(client SEND|RECV REQUEST, server SEND|RECV REPLY on the "
	       "connection port; * rows: the request carries a view of a "
	       "SIZE-byte section, kept mapped in the server "
	       "(LPC_ATTR_VIEW_KEEP), not copied, and the reply nothing)",
	.probe = lpc_probe,
	.size_ok = lpc_size_ok,
	.prepare = lpc_prepare,
	.serve = lpc_serve,
	.client_open = lpc_client_open,
	.roundtrip = lpc_roundtrip,
	.client_close = lpc_client_close,
	.cleanup = lpc_cleanup,
};

/* lpc-map: the view rows with a view mapped and unmapped per request. */
static int lpc_map_size_ok(size_t size, char *why)
{
	if (size <= INLINE_MAX)
		return fail_msg(why, "inline sizes are the lpc column");
	return lpc_size_ok(size, why);
}

static int lpc_map_prepare(struct rtt_ctx *c)
{
	if (lpc_prepare(c) < 0)
		return -1;
	((struct lpc_state *)c->priv)->unkept = true;
	return 0;
}

const struct rtt_peer rtt_lpc_map = {
	.name = "lpc-map",
	.how = "as lpc, * rows only: the server asks for no kept view, so "
	       "each request's view is mapped on receive and unmapped by "
	       "its reply",
	.probe = lpc_probe,
	.size_ok = lpc_map_size_ok,
	.prepare = lpc_map_prepare,
	.serve = lpc_serve,
	.client_open = lpc_client_open,
	.roundtrip = lpc_roundtrip,
	.client_close = lpc_client_close,
	.cleanup = lpc_cleanup,
};

/* ------------------------------------------------------------------ */
/* datagrams                                                          */

struct lpc_tput {
	char name[64];
	int port;			/* connection port (parent) */
	int comm[MAX_SENDERS];		/* accepted ports (parent) */
	unsigned ncomm;
	int mine;			/* sender's communication port */
	struct lpc_xfer x[TPUT_BATCH];	/* batch entries */
	__u32 x_ready;			/* x[] is filled for these flags */
};

static int lpc_tput_size_ok(size_t size, unsigned nsenders, char *why)
{
	(void)nsenders;
	if (size > INLINE_MAX)
		return fail_msg(why, "inline sizes only");
	if (g_ver.max_msg_len && size > g_ver.max_msg_len)
		return fail_msg(why, "module max_msg_len is %u",
				g_ver.max_msg_len);
	return 0;
}

static int lpc_tput_prepare(struct tput_ctx *c)
{
	struct lpc_tput *s = calloc(1, sizeof(*s));

	if (!s)
		return fail_errno(c->err, "calloc");
	s->port = s->mine = -1;
	c->priv = s;
	snprintf(s->name, sizeof(s->name), "lpcbench.%d.%u", (int)getpid(),
		 ++g_seq);
	s->port = lpc_create(g_fac, s->name, c->size, 0, c->err);
	if (s->port < 0) {
		c->fatal = true;
		return -1;
	}
	return 0;
}

static int lpc_tput_sender_open(struct tput_ctx *c)
{
	struct lpc_tput *s = c->priv;
	int fac;

	/* Only the receiver keeps the connection port. */
	close(s->port);
	s->port = -1;
	fac = lpc_open_factory(c->err);
	if (fac < 0)
		return -1;
	s->mine = lpc_connect_to(fac, s->name, c->err);
	close(fac);
	return s->mine < 0 ? -1 : 0;
}

static int lpc_tput_send(struct tput_ctx *c)
{
	struct lpc_tput *s = c->priv;
	struct lpc_xfer x;

	for (;;) {
		memset(&x, 0, sizeof(x));
		x.flags = LPC_XFER_SEND;
		x.send_type = LPC_MSG_DATAGRAM;
		x.send_buf = (__u64)(uintptr_t)c->buf;
		x.send_len = (__u32)c->size;
		if (xfer(s->mine, &x) == 0)
			return 0;
		/* The header does not say what a full queue does: if it
		 * fails instead of blocking, let the receiver run. */
		if (errno == EAGAIN || errno == ENOBUFS || errno == ENOSPC) {
			sched_yield();
			continue;
		}
		return fail_errno(c->err, "LPC_IOC_XFER(datagram)");
	}
}

static int lpc_tput_accept(struct tput_ctx *c)
{
	struct lpc_tput *s = c->priv;
	unsigned i;

	for (i = 0; i < c->nsenders; i++) {
		int fd = lpc_accept_one(s->port, i + 1, c->err);

		if (fd < 0) {
			c->fatal = true;
			return -1;
		}
		s->comm[s->ncomm++] = fd;
	}
	return 0;
}

/* A received datagram's header; records its sender for the driver. */
static int lpc_tput_check(struct tput_ctx *c, const struct lpc_xfer *x,
			  unsigned entry)
{
	if (x->info.type != LPC_MSG_DATAGRAM || x->info.data_len != c->size ||
	    x->info.context < 1 || x->info.context > c->nsenders)
		return fail_msg(c->err, "received type %u (%s), data_len %u, "
				"context %llu", x->info.type,
				msg_type_name(x->info.type), x->info.data_len,
				(unsigned long long)x->info.context);
	c->src[entry] = (int)x->info.context - 1;
	return 0;
}

static int lpc_tput_recv(struct tput_ctx *c)
{
	struct lpc_tput *s = c->priv;
	struct lpc_xfer x;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV;
	x.recv_buf = (__u64)(uintptr_t)c->buf;
	x.recv_cap = (__u32)c->size;
	if (xfer(s->port, &x) < 0)
		return fail_errno(c->err, "LPC_IOC_XFER(receive datagram)");
	return lpc_tput_check(c, &x, 0);
}

/* One LPC_IOC_SEND_BATCH or LPC_IOC_RECV_BATCH of @n entries of s->x.
 * Returns the entries done, or -1 with errno. */
static int lpc_batch_call(int fd, unsigned long cmd, struct lpc_tput *s,
			  unsigned n)
{
	struct lpc_batch b;
	int r;

	memset(&b, 0, sizeof(b));
	b.xfers = (__u64)(uintptr_t)s->x;
	b.count = n;
	r = ioctl(fd, cmd, &b);
	if (r < 0 && errno == EINTR && g_timeout)
		errno = ETIMEDOUT;
	if (r == 0 || r > (int)n) {
		errno = EPROTO;		/* "returns the entries done" */
		return -1;
	}
	return r;
}

/*
 * Fill the batch entries once per process and reuse them, as a program
 * that batches keeps its entries: the module only writes their outputs
 * (send_id, info) and ignores a stale LPC_XFER_SENT in their flags. The
 * seqpacket-mmsg peer keeps its vectors the same way.
 */
static void lpc_tput_entries(struct tput_ctx *c, struct lpc_tput *s,
			     __u32 flags)
{
	unsigned i;

	if (s->x_ready == flags)
		return;
	memset(s->x, 0, sizeof(s->x));
	for (i = 0; i < TPUT_BATCH; i++) {
		s->x[i].flags = flags;
		if (flags == LPC_XFER_SEND) {
			s->x[i].send_type = LPC_MSG_DATAGRAM;
			s->x[i].send_buf = (__u64)(uintptr_t)TPUT_BUF(c, i);
			s->x[i].send_len = (__u32)c->size;
		} else {
			s->x[i].recv_buf = (__u64)(uintptr_t)TPUT_BUF(c, i);
			s->x[i].recv_cap = (__u32)c->size;
		}
	}
	s->x_ready = flags;
}

static int lpc_tput_send_batch(struct tput_ctx *c, unsigned batch)
{
	struct lpc_tput *s = c->priv;
	int r;

	lpc_tput_entries(c, s, LPC_XFER_SEND);
	for (;;) {
		r = lpc_batch_call(s->mine, LPC_IOC_SEND_BATCH, s, batch);
		if (r > 0)
			return r;
		/* As for one datagram: a full queue may fail, not block. */
		if (errno == EAGAIN || errno == ENOBUFS || errno == ENOSPC) {
			sched_yield();
			continue;
		}
		return fail_errno(c->err, "LPC_IOC_SEND_BATCH(%u datagrams)",
				  batch);
	}
}

static int lpc_tput_recv_batch(struct tput_ctx *c, unsigned batch)
{
	struct lpc_tput *s = c->priv;
	unsigned i;
	int r;

	lpc_tput_entries(c, s, LPC_XFER_RECV);
	r = lpc_batch_call(s->port, LPC_IOC_RECV_BATCH, s, batch);
	if (r < 0)
		return fail_errno(c->err, "LPC_IOC_RECV_BATCH(up to %u)",
				  batch);
	for (i = 0; i < (unsigned)r; i++)
		if (lpc_tput_check(c, &s->x[i], i) < 0)
			return -1;
	return r;
}

static void lpc_tput_cleanup(struct tput_ctx *c)
{
	struct lpc_tput *s = c->priv;
	unsigned i;

	if (!s)
		return;
	for (i = 0; i < s->ncomm; i++)
		close(s->comm[i]);
	if (s->port >= 0)
		close(s->port);
	if (s->mine >= 0)
		close(s->mine);
	free(s);
	c->priv = NULL;
}

static int lpc_tput_probe(char *why)
{
	if (g_fac >= 0)
		return 0;
	return lpc_probe(why);
}

static int lpc_batch_probe(char *why)
{
	if (lpc_tput_probe(why) < 0)
		return -1;
	if (!(g_ver.features & LPC_FEAT_BATCH))
		return fail_msg(why, "module does not report LPC_FEAT_BATCH");
	return 0;
}

const struct tput_peer tput_lpc = {
	.name = "lpc",
	.how = "LPC_MSG_DATAGRAM, one LPC_IOC_XFER per datagram, each sender "
	       "on its own connection, received on the connection port",
	.probe = lpc_tput_probe,
	.size_ok = lpc_tput_size_ok,
	.prepare = lpc_tput_prepare,
	.sender_open = lpc_tput_sender_open,
	.send_one = lpc_tput_send,
	.accept = lpc_tput_accept,
	.recv_one = lpc_tput_recv,
	.cleanup = lpc_tput_cleanup,
};

const struct tput_peer tput_lpc_batch = {
	.name = "lpc-batch",
	.how = "as lpc, but up to 64 datagrams per call: LPC_IOC_SEND_BATCH "
	       "on each sender, LPC_IOC_RECV_BATCH on the receiver (which "
	       "waits for the first entry only)",
	.probe = lpc_batch_probe,
	.size_ok = lpc_tput_size_ok,
	.prepare = lpc_tput_prepare,
	.sender_open = lpc_tput_sender_open,
	.accept = lpc_tput_accept,
	.send_batch = lpc_tput_send_batch,
	.recv_batch = lpc_tput_recv_batch,
	.cleanup = lpc_tput_cleanup,
};

/* ------------------------------------------------------------------ */
/* connection scale (-C): one connection port, COUNT connections        */

static int lpc_scale_listen(struct scale_ctx *c)
{
	int fac = lpc_open_factory(c->err);

	if (fac < 0)
		return -1;
	if (c->count > LPC_CONNS_MAX) {
		close(fac);
		return fail_msg(c->err, "%u connections: a port takes at most "
				"%u", c->count, LPC_CONNS_MAX);
	}
	c->lfd = lpc_create(fac, c->name, 0, c->count, c->err);
	close(fac);
	return c->lfd < 0 ? -1 : 0;
}

static int lpc_scale_accept(struct scale_ctx *c)
{
	return lpc_accept_one(c->lfd, RTT_CONTEXT, c->err);
}

static int lpc_scale_connect(struct scale_ctx *c)
{
	return lpc_connect_to(g_fac, c->name, c->err);
}

const struct scale_peer scale_lpc = {
	.name = "lpc",
	.how = "a connection port created with max_conns = COUNT; the client "
	       "LPC_IOC_CONNECTs (which returns once accepted), the server "
	       "receives each CONNECTION_REQUEST and LPC_IOC_ACCEPTs it",
	.probe = lpc_tput_probe,
	.listen = lpc_scale_listen,
	.accept = lpc_scale_accept,
	.connect = lpc_scale_connect,
};
