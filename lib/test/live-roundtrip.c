// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Every liblpc wrapper against the real module: a forked client and this
 * process as the server go through reject, accept, datagrams both ways,
 * a synchronous and an asynchronous request, a cancelled request,
 * -EMSGSIZE with the size needed, timeouts and a disconnect. Skips (77)
 * where /dev/lpc does not exist, so it only runs in the test VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "liblpc.h"
#include "helpers.h"

#define WAIT_NS		(20LL * 1000000000)	/* TCG is slow */
#define SHORT_NS	(1000000)

static char name[64];

/* Receive one message and check its type, data and context. */
static int expect(int port, __u32 type, const char *data, __u64 context,
		  struct lpc_msg_info *info)
{
	char buf[256];
	int n;

	n = lpc_receive(port, buf, sizeof(buf), info, WAIT_NS);
	T_EQ(n, data ? (int)strlen(data) : n);
	if (n < 0)
		return n;
	T_EQ(info->type, type);
	T_EQ(info->context, context);
	T_CHECK(info->id != 0);
	if (data)
		T_CHECK(memcmp(buf, data, strlen(data)) == 0);
	return n;
}

static int client_refused(int dev)
{
	struct lpc_connect c = { 0 };
	char reply[8] = "";

	c.name = lpc_ptr(name);
	c.name_len = (__u32)strlen(name);
	c.data = lpc_ptr("reject me");
	c.data_len = 9;
	c.reply = lpc_ptr(reply);
	c.reply_cap = sizeof(reply);
	c.flags = LPC_CONNECT_TIMEOUT;
	c.timeout_ns = WAIT_NS;
	T_EQ(lpc_connect(dev, &c), -ECONNREFUSED);
	T_EQ(c.reply_len, 2);
	T_CHECK(memcmp(reply, "no", 2) == 0);
	return t_result();
}

static int client(int dev)
{
	struct lpc_msg_info info;
	char reply[64];
	__u64 id = 0, aid = 0, cid = 0;
	int fd;

	fd = lpc_connect_name(dev, name, "hi", 2, WAIT_NS);
	T_CHECK(fd >= 0);
	if (fd < 0)
		return t_result();
	T_EQ(lpc_send_datagram(fd, "dgram", 5, &id), 0);
	T_CHECK(id != 0);
	T_EQ(lpc_request(fd, "abc", 3, reply, sizeof(reply), &info), 3);
	T_CHECK(memcmp(reply, "ABC", 3) == 0);
	T_EQ(info.type, LPC_MSG_REPLY);
	T_EQ(lpc_receive(fd, reply, sizeof(reply), &info, 0), -EAGAIN);

	T_EQ(lpc_request_async(fd, "async", 5, 64, &aid), 0);
	expect(fd, LPC_MSG_REPLY, "ASYNC", 0, &info);
	T_EQ(info.ref_id, aid);

	T_EQ(lpc_request_async(fd, "cancel me", 9, 64, &cid), 0);
	/* Cancel only once the server holds the request, unanswered. */
	expect(fd, LPC_MSG_DATAGRAM, "go", 0, &info);
	T_EQ(lpc_cancel(fd, cid), 0);
	T_EQ(lpc_cancel(fd, cid), -ENOENT);
	T_EQ(lpc_send_datagram(fd, "cancelled", 9, NULL), 0);
	T_EQ(lpc_send_datagram(fd, "0123456789", 10, NULL), 0);

	expect(fd, LPC_MSG_DATAGRAM, "push", 0, &info);
	/*
	 * The header does not say whether messages queued before a
	 * disconnect still arrive, so the server waits for this ack.
	 */
	T_EQ(lpc_send_datagram(fd, "got push", 8, NULL), 0);
	expect(fd, LPC_MSG_PORT_CLOSED, NULL, 0, &info);
	T_EQ(lpc_send_datagram(fd, "late", 4, NULL), -ENOTCONN);
	close(fd);
	return t_result();
}

static pid_t spawn(int dev, int (*fn)(int dev))
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(dev));
	return pid;
}

static void reap(pid_t pid)
{
	int status = -1;

	T_EQ(waitpid(pid, &status, 0), pid);
	T_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void serve_reject(int dev, int port)
{
	struct lpc_msg_info info;
	pid_t pid = spawn(dev, client_refused);

	if (expect(port, LPC_MSG_CONNECTION_REQUEST, "reject me", 0,
		   &info) >= 0) {
		T_EQ(info.pid, pid);
		T_EQ(lpc_reject(port, info.id, "no", 2), 0);
	}
	reap(pid);
}

static void serve(int dev, int port)
{
	struct lpc_msg_info info;
	char buf[64];
	__u64 cancelled;
	pid_t pid = spawn(dev, client);
	int sfd, n;

	if (expect(port, LPC_MSG_CONNECTION_REQUEST, "hi", 0, &info) < 0)
		goto out;
	sfd = lpc_accept(port, info.id, 42, "ok", 2, 0);
	T_CHECK(sfd >= 0);
	if (sfd < 0)
		goto out;
	T_CHECK(fcntl(sfd, F_GETFD) & FD_CLOEXEC);

	expect(port, LPC_MSG_DATAGRAM, "dgram", 42, &info);
	expect(port, LPC_MSG_REQUEST, "abc", 42, &info);
	/* The server loop: reply through the connection port, then wait. */
	n = lpc_reply_wait_receive(port, info.id, "ABC", 3, buf, sizeof(buf),
				   &info, WAIT_NS);
	T_EQ(n, 5);
	T_EQ(info.type, LPC_MSG_REQUEST);
	/* A reply through the server communication port works too. */
	T_EQ(lpc_reply(sfd, info.id, "ASYNC", 5), 0);

	expect(port, LPC_MSG_REQUEST, "cancel me", 42, &info);
	cancelled = info.id;
	T_EQ(lpc_send_datagram(sfd, "go", 2, NULL), 0);
	expect(port, LPC_MSG_DATAGRAM, "cancelled", 42, &info);
	T_EQ(lpc_reply(port, cancelled, "X", 1), -ECANCELED);

	/* Too small a buffer: the size needed, and the message stays. */
	T_EQ(lpc_receive(port, buf, 4, &info, WAIT_NS), -EMSGSIZE);
	T_EQ(info.data_len, 10);
	expect(port, LPC_MSG_DATAGRAM, "0123456789", 42, &info);

	T_EQ(lpc_receive(port, buf, sizeof(buf), &info, SHORT_NS), -ETIMEDOUT);
	T_EQ(lpc_receive(port, buf, sizeof(buf), &info, 0), -EAGAIN);
	T_EQ(lpc_receive(sfd, buf, sizeof(buf), &info, 0), -EINVAL);

	T_EQ(lpc_send_datagram(sfd, "push", 4, NULL), 0);
	expect(port, LPC_MSG_DATAGRAM, "got push", 42, &info);
	T_EQ(lpc_disconnect(sfd), 0);
	close(sfd);
out:
	reap(pid);
}

int main(void)
{
	const __u64 need = LPC_FEAT_PORTS | LPC_FEAT_CANCEL |
			   LPC_FEAT_DISCONNECT;
	struct lpc_version v;
	int dev, port;

	dev = lpc_open(0);
	if (dev == -ENOENT) {
		printf("no %s: lpc module not loaded\n", LPC_DEVICE_PATH);
		return T_EXIT_SKIP;
	}
	T_CHECK(dev >= 0);
	if (dev < 0)
		return t_result();
	T_EQ(lpc_version(dev, &v), 0);
	T_EQ(v.api_version, LPC_API_VERSION);
	T_EQ(v.max_name_len, LPC_NAME_MAX);
	if ((v.features & need) != need) {
		printf("module lacks ports, cancel or disconnect\n");
		return T_EXIT_SKIP;
	}

	snprintf(name, sizeof(name), "\\liblpc-test\\%d", getpid());
	port = lpc_port_create(dev, name, NULL);
	T_CHECK(port >= 0);
	if (port < 0)
		return t_result();
	T_EQ(lpc_port_create(dev, name, NULL), -EEXIST);
	T_EQ(lpc_connect_name(dev, "\\liblpc-test\\none", NULL, 0, 0),
	     -ENOENT);

	serve_reject(dev, port);
	serve(dev, port);
	close(port);
	close(dev);
	return t_result();
}
