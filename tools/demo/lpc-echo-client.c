// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpc-echo-client: the client half of the lpc demo.
 *
 * Connects to "\RPC Control\lpc-demo" with the connection data
 * "hello from <pid>", prints what the server answered, sends one
 * datagram and three requests (printing each reply), and closes.
 *
 * Usage: lpc-echo-client [-w SECONDS] [PORT]
 *   -w  wait up to SECONDS for the port to appear (the server may still
 *       be starting); by default a missing port is an error at once.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <liblpc.h>
#include "demo.h"

#define CONNECT_TIMEOUT_NS	(10 * NSEC_PER_SEC)
#define RETRY_NS		(100 * 1000 * 1000)

static const char *const requests[] = {
	"hello, server",
	"lpc ports on linux",
	"the quick brown fox jumps over the lazy dog",
};

/*
 * Connect, retrying while the port does not exist yet, for up to
 * @wait_ns. The server's accept (or reject) data lands in @reply.
 */
static int connect_port(int dev, const char *name, const char *hello,
			char *reply, size_t cap, int64_t wait_ns)
{
	const struct timespec pause = { 0, RETRY_NS };
	struct lpc_connect c;
	int fd;

	for (;;) {
		memset(&c, 0, sizeof(c));
		c.name = lpc_ptr(name);
		c.name_len = (__u32)strlen(name);
		c.data = lpc_ptr(hello);
		c.data_len = (__u32)strlen(hello);
		c.reply = lpc_ptr(reply);
		c.reply_cap = (__u32)cap - 1;
		c.flags = LPC_CONNECT_TIMEOUT;
		c.timeout_ns = CONNECT_TIMEOUT_NS;
		fd = lpc_connect(dev, &c);
		/* What the server sent back, accepted or not. */
		reply[c.reply_len < cap - 1 ? c.reply_len : cap - 1] = '\0';
		if (fd != -ENOENT || wait_ns <= 0)
			return fd;
		nanosleep(&pause, NULL);
		wait_ns -= RETRY_NS;
	}
}

static int talk(int port)
{
	struct lpc_msg_info info;
	char dgram[64], reply[256], q1[128], q2[128];
	__u64 id = 0;
	size_t i;
	int n;

	snprintf(dgram, sizeof(dgram), "a datagram from pid %d", getpid());
	n = lpc_send_datagram(port, dgram, strlen(dgram), &id);
	if (n < 0) {
		fprintf(stderr, "client: datagram failed: %s\n", strerror(-n));
		return 1;
	}
	printf("client: sent datagram %s (message id %llu)\n",
	       demo_quote(q1, sizeof(q1), dgram, strlen(dgram)),
	       (unsigned long long)id);

	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		n = lpc_request(port, requests[i], strlen(requests[i]), reply,
				sizeof(reply), &info);
		if (n < 0) {
			fprintf(stderr, "client: request failed: %s\n",
				strerror(-n));
			return 1;
		}
		printf("client: request %s -> reply %s\n",
		       demo_quote(q1, sizeof(q1), requests[i],
				  strlen(requests[i])),
		       demo_quote(q2, sizeof(q2), reply, (size_t)n));
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "Usage: lpc-echo-client [-w SECONDS] [PORT]\n"
		"  -w  wait up to SECONDS for the port to appear\n"
		"  PORT defaults to %s\n", DEMO_PORT_NAME);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *name = DEMO_PORT_NAME;
	char hello[64], reply[256], q[128];
	int64_t wait_ns = 0;
	int opt, dev, port, ret;

	while ((opt = getopt(argc, argv, "w:h")) != -1) {
		if (opt != 'w')
			usage();
		wait_ns = demo_seconds("lpc-echo-client", optarg);
	}
	if (optind < argc)
		name = argv[optind++];
	if (optind < argc)
		usage();
	demo_setup_output();

	dev = lpc_open(0);
	if (dev < 0) {
		fprintf(stderr, "client: %s (%s: %s)\n",
			dev == -ENOENT ? "lpc module not loaded" :
			"cannot open the lpc device", LPC_DEVICE_PATH,
			strerror(-dev));
		return 1;
	}
	snprintf(hello, sizeof(hello), "hello from %d", getpid());
	printf("client: connecting to %s with %s\n", name,
	       demo_quote(q, sizeof(q), hello, strlen(hello)));
	port = connect_port(dev, name, hello, reply, sizeof(reply), wait_ns);
	close(dev);
	if (port < 0) {
		fprintf(stderr, "client: connect failed: %s%s%s\n",
			strerror(-port), port == -ECONNREFUSED ? "; server says " : "",
			port == -ECONNREFUSED ?
			demo_quote(q, sizeof(q), reply, strlen(reply)) : "");
		return 1;
	}
	printf("client: connected, the server says %s\n",
	       demo_quote(q, sizeof(q), reply, strlen(reply)));

	ret = talk(port);
	close(port);
	printf("client: closed the port\n");
	return ret;
}
