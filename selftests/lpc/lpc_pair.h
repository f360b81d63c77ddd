/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One connection for a test: a connection port named after the test, a
 * client connected to it and the server's communication port, accepted.
 *
 * Every fixture that needs one has the fields dev (open), name, cport,
 * client and server, and opens them with LPC_OPEN_PAIR(); the options
 * are named, so a test states only what it changes:
 *
 *	LPC_OPEN_PAIR(.context = CTX_A);
 *	LPC_OPEN_PAIR(.max_queued = 4, .context = CTX_A);
 *	LPC_OPEN_PAIR(.port_flags = LPC_PORT_ALLOW_FDS, .context = CTX_A);
 */
#ifndef __LPC_PAIR_H
#define __LPC_PAIR_H

#include "lpc_sys.h"
#include "lpc_wait.h"

/* What LPC_OPEN_PAIR() opens; a field left out is 0. */
struct lpc_pair_opts {
	__u32 port_flags;	/* LPC_PORT_* of the connection port */
	__u32 max_queued;	/* its queue; 0: LPC_DEFAULT_QUEUE */
	__u64 context;		/* the port context of the connection */
	__u32 accept_flags;	/* LPC_ACCEPT_* */
};

/*
 * Connect to @name from a helper thread, take the CONNECTION_REQUEST off
 * @cport and accept it with @context and @accept_flags. On success stores
 * the client port in *@client and the server communication port in
 * *@server and returns 0; otherwise -errno (-EPROTO: unexpected message).
 */
static inline int lpc_connect_pair(int dev, int cport, const char *name,
				   __u64 context, __u32 accept_flags,
				   int *client, int *server)
{
	char buf[LPC_DEFAULT_CONN_DATA];
	struct lpc_msg_info info;
	struct lpc_connect c;
	struct lpc_call call;
	int ret, cret, sfd = -1;

	lpc_connect_init(&c, name, LPC_WAIT_NS);
	ret = lpc_call_start(&call, dev, LPC_IOC_CONNECT, &c);
	if (ret)
		return ret;
	ret = lpc_recv(cport, &info, buf, sizeof(buf), LPC_WAIT_NS);
	if (!ret && info.type != LPC_MSG_CONNECTION_REQUEST)
		ret = -EPROTO;
	if (!ret) {
		sfd = lpc_accept_id(cport, info.id, context, NULL, 0,
				    accept_flags);
		if (sfd < 0)
			ret = sfd;
	}
	cret = lpc_call_join(&call);
	if (ret) {
		if (cret >= 0)
			close(cret);
		return ret;
	}
	if (cret < 0) {
		close(sfd);
		return cret;
	}
	*client = cret;
	*server = sfd;
	return 0;
}

/*
 * LPC_OPEN_PAIR(.field = value, ...): see the top of this file. The
 * connection port is created with the options, unless FIXTURE_SETUP()
 * already opened self->cport (then the port options must be left out).
 * As with lpc_create_limits(), the one connection may fill the whole
 * queue (max_conn_queued is max_queued): share_test.c tests the shares;
 * the connection is made from a helper thread and accepted with
 * .context and .accept_flags. Fails the test if any step fails.
 */
#define LPC_OPEN_PAIR(...) do {						\
		const struct lpc_pair_opts __o = { __VA_ARGS__ };	\
		struct lpc_port_attr __a;				\
		int __r;						\
		if (self->cport < 0) {					\
			lpc_name(self->name, sizeof(self->name),	\
				 _metadata->name);			\
			lpc_port_attr_init(&__a, self->name);		\
			__a.flags = __o.port_flags;			\
			__a.max_queued = __o.max_queued;		\
			__a.max_conn_queued = __o.max_queued ?:		\
					      LPC_DEFAULT_QUEUE;	\
			self->cport = sys_lpc_create_port(self->dev, &__a); \
			ASSERT_LE(0, self->cport) {			\
				TH_LOG("create port: %s",		\
				       strerror(-self->cport));		\
			}						\
		} else {						\
			ASSERT_EQ(0, __o.port_flags | __o.max_queued);	\
		}							\
		__r = lpc_connect_pair(self->dev, self->cport, self->name, \
				       __o.context, __o.accept_flags,	\
				       &self->client, &self->server);	\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("connect: %s", strerror(-__r));		\
		}							\
	} while (0)

#endif /* __LPC_PAIR_H */
