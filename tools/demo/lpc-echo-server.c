// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpc-echo-server: the server half of the lpc demo.
 *
 * Creates the connection port "\RPC Control\lpc-demo" and runs the
 * classic NT server loop, one lpc_reply_wait_receive() per turn: accept
 * every client with a context number and "welcome", print datagrams,
 * answer requests with the data in upper case, and close a client's
 * server port when it goes away. Exits after CLIENTS clients have come
 * and gone, or when nothing arrives for SECONDS.
 *
 * Usage: lpc-echo-server [-n CLIENTS] [-t SECONDS] [PORT]
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <liblpc.h>
#include "demo.h"

#define MAX_CLIENTS	64
#define WELCOME		"welcome"

struct client {
	__u64 context;		/* 0: free slot */
	int fd;			/* server communication port */
};

struct server {
	int port;
	struct client clients[MAX_CLIENTS];
	__u64 next_context;	/* contexts count up from 1 */
	unsigned int served;	/* clients that came and went */
	unsigned int want;	/* exit after this many */
	int64_t timeout_ns;
	__u64 reply_id;		/* request to answer next turn, or 0 */
	size_t reply_len;
	char in[LPC_MSG_MAX];
	char out[LPC_MSG_MAX];
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* No SA_RESTART: the blocking ioctl must return -EINTR so we can stop. */
static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static struct client *find_client(struct server *s, __u64 context)
{
	int i;

	for (i = 0; i < MAX_CLIENTS; i++)
		if (s->clients[i].context == context)
			return &s->clients[i];
	return NULL;
}

static void on_connect(struct server *s, const struct lpc_msg_info *info,
		       size_t len)
{
	struct client *c = find_client(s, 0);
	char q[128];
	int fd;

	printf("server: connection request from pid %d (uid %u, gid %u): %s\n",
	       info->pid, info->uid, info->gid,
	       demo_quote(q, sizeof(q), s->in, len));
	if (!c) {
		fd = lpc_reject(s->port, info->id, "server full", 11);
		printf("server: no free slot, rejected it%s%s\n",
		       fd < 0 ? ": " : "", fd < 0 ? strerror(-fd) : "");
		return;
	}
	fd = lpc_accept(s->port, info->id, s->next_context, WELCOME,
			strlen(WELCOME), 0);
	if (fd < 0) {
		/* -ECANCELED: the client stopped waiting meanwhile. */
		printf("server: accept failed: %s\n", strerror(-fd));
		return;
	}
	c->context = s->next_context++;
	c->fd = fd;
	printf("server: accepted client #%llu\n",
	       (unsigned long long)c->context);
}

static void on_request(struct server *s, const struct lpc_msg_info *info,
		       size_t len)
{
	char q1[128], q2[128];
	size_t i;

	for (i = 0; i < len; i++)
		s->out[i] = (char)toupper((unsigned char)s->in[i]);
	/* Sent by the next lpc_reply_wait_receive(), with the next wait. */
	s->reply_id = info->id;
	s->reply_len = len;
	printf("server: #%llu request %s -> reply %s\n",
	       (unsigned long long)info->context,
	       demo_quote(q1, sizeof(q1), s->in, len),
	       demo_quote(q2, sizeof(q2), s->out, len));
}

static void on_gone(struct server *s, const struct lpc_msg_info *info)
{
	struct client *c = find_client(s, info->context);

	printf("server: #%llu %s\n", (unsigned long long)info->context,
	       info->type == LPC_MSG_CLIENT_DIED ?
	       "client died (CLIENT_DIED)" : "port closed (PORT_CLOSED)");
	if (!c)
		return;
	close(c->fd);
	c->context = 0;
	s->served++;
}

static void dispatch(struct server *s, const struct lpc_msg_info *info,
		     size_t len)
{
	char q[128];

	switch (info->type) {
	case LPC_MSG_CONNECTION_REQUEST:
		on_connect(s, info, len);
		break;
	case LPC_MSG_DATAGRAM:
		printf("server: #%llu datagram %s\n",
		       (unsigned long long)info->context,
		       demo_quote(q, sizeof(q), s->in, len));
		break;
	case LPC_MSG_REQUEST:
		on_request(s, info, len);
		break;
	case LPC_MSG_PORT_CLOSED:
	case LPC_MSG_CLIENT_DIED:
		on_gone(s, info);
		break;
	default:
		printf("server: unexpected %s message\n",
		       lpc_msg_type_name(info->type));
		break;
	}
}

/* One turn: answer the last request (if any), take the next message. */
static int serve_one(struct server *s)
{
	struct lpc_msg_info info;
	__u64 answered = s->reply_id;
	int n;

	n = lpc_reply_wait_receive(s->port, s->reply_id, s->out, s->reply_len,
				   s->in, sizeof(s->in), &info, s->timeout_ns);
	s->reply_id = 0;
	if (n >= 0) {
		dispatch(s, &info, (size_t)n);
		return 0;
	}
	if (n == -EINTR && stop)
		return -EINTR;
	if (n == -ETIMEDOUT) {
		fprintf(stderr, "server: nothing arrived for %lld s, giving up\n",
			(long long)(s->timeout_ns / NSEC_PER_SEC));
		return n;
	}
	if (answered && (n == -ECANCELED || n == -ENOENT)) {
		/* The reply failed, so nothing was received: just go on. */
		printf("server: the client gave up before the reply\n");
		return 0;
	}
	fprintf(stderr, "server: receive failed: %s\n", strerror(-n));
	return n;
}

static int open_port(const char *name)
{
	struct lpc_version v;
	int dev, port;

	dev = lpc_open(0);
	if (dev < 0) {
		fprintf(stderr, "server: %s (%s: %s)\n",
			dev == -ENOENT ? "lpc module not loaded" :
			"cannot open the lpc device", LPC_DEVICE_PATH,
			strerror(-dev));
		return dev;
	}
	if (lpc_version(dev, &v) == 0)
		printf("server: lpc module %u.%u.%u, api %u\n",
		       v.module_version >> 16, (v.module_version >> 8) & 0xff,
		       v.module_version & 0xff, v.api_version);
	port = lpc_port_create(dev, name, NULL);
	/* Created ports outlive the device fd. */
	close(dev);
	if (port < 0) {
		fprintf(stderr, "server: cannot create port %s: %s\n", name,
			strerror(-port));
		return port;
	}
	printf("server: listening on %s\n", name);
	return port;
}

static void usage(void)
{
	fprintf(stderr,
		"Usage: lpc-echo-server [-n CLIENTS] [-t SECONDS] [PORT]\n"
		"  -n  exit after CLIENTS clients came and went (default 1)\n"
		"  -t  give up when nothing arrives for SECONDS (default: wait)\n"
		"  PORT defaults to %s\n", DEMO_PORT_NAME);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct server s = { .next_context = 1, .want = 1,
				   .timeout_ns = -1 };
	const char *name = DEMO_PORT_NAME;
	int opt, ret = 0, i;

	while ((opt = getopt(argc, argv, "n:t:h")) != -1) {
		switch (opt) {
		case 'n':
			s.want = (unsigned int)atoi(optarg);
			break;
		case 't':
			s.timeout_ns = demo_seconds("lpc-echo-server", optarg);
			break;
		default:
			usage();
		}
	}
	if (optind < argc)
		name = argv[optind++];
	if (optind < argc || s.want < 1)
		usage();

	demo_setup_output();
	setup_signals();
	s.port = open_port(name);
	if (s.port < 0)
		return 1;

	while (s.served < s.want && ret == 0)
		ret = serve_one(&s);

	for (i = 0; i < MAX_CLIENTS; i++)
		if (s.clients[i].context)
			close(s.clients[i].fd);
	close(s.port);
	if (ret == -EINTR)
		printf("server: interrupted, closing\n");
	else if (ret == 0)
		printf("server: served %u client%s, closing the port\n",
		       s.served, s.served == 1 ? "" : "s");
	return ret == 0 || ret == -EINTR ? 0 : 1;
}
