// SPDX-License-Identifier: GPL-2.0
/*
 * The lpc tracepoints: enable events/lpc through tracefs, make a
 * connection and a request, and find the events in the trace with the
 * right port name and message ids, in the order of cause and effect.
 *
 * Skips when tracefs is not mounted (at /sys/kernel/tracing or
 * /sys/kernel/debug/tracing) or the module has no events there.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

/* Write @text to @dir/@file: 0 or -errno. */
static int tracefs_write(const char *dir, const char *file, const char *text,
			 bool trunc)
{
	ssize_t len = (ssize_t)strlen(text);
	char path[256];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC | (trunc ? O_TRUNC : 0));
	if (fd < 0)
		return -errno;
	if (len && write(fd, text, len) != len)
		ret = -errno;
	close(fd);
	return ret;
}

/* The whole of @dir/trace, NUL-terminated; free() it. */
static char *tracefs_read(const char *dir)
{
	size_t size = 0, cap = 65536;
	char path[256], *buf = malloc(cap), *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/trace", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + size, cap - size - 1)) > 0) {
		size += n;
		if (cap - size > 1)
			continue;
		p = realloc(buf, cap * 2);
		if (!p)
			break;
		buf = p;
		cap *= 2;
	}
	buf[size] = '\0';
	close(fd);
	return buf;
}

FIXTURE(trace) {
	int dev;
	int cport;
	char name[LPC_NAME_MAX + 1];
	const char *dir;	/* tracefs, or NULL */
	char *text;		/* what the trace said, once read */
	char preempt[16];	/* sched/preempt's mode to restore, or "" */
};

FIXTURE_SETUP(trace)
{
	char path[256];
	struct stat st;
	size_t i;

	self->dev = -1;
	self->cport = -1;
	self->dir = NULL;
	self->text = NULL;
	self->preempt[0] = '\0';
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	for (i = 0; i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/trace", tracefs_dirs[i]);
		if (!stat(path, &st)) {
			self->dir = tracefs_dirs[i];
			break;
		}
	}
	if (!self->dir)
		LPC_SKIP("tracefs is not mounted");
	snprintf(path, sizeof(path), "%s/events/lpc/enable", self->dir);
	if (stat(path, &st))
		LPC_SKIP("the module has no tracepoints (%s)", path);

	ASSERT_EQ(0, tracefs_write(self->dir, "tracing_on", "1", false));
	ASSERT_EQ(0, tracefs_write(self->dir, "trace", "", true));
	ASSERT_EQ(0, tracefs_write(self->dir, "events/lpc/enable", "1",
				   false));

	lpc_name(self->name, sizeof(self->name), "trace");
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
}

FIXTURE_TEARDOWN(trace)
{
	if (self->dir)
		tracefs_write(self->dir, "events/lpc/enable", "0", false);
	if (self->preempt[0] && strcmp(self->preempt, "full"))
		tracefs_write("/sys/kernel/debug/sched", "preempt",
			      self->preempt, true);
	free(self->text);
	lpc_close(&self->cport);
	lpc_close(&self->dev);
}

/* Stop tracing lpc and keep what the trace says. */
#define READ_TRACE() do {						\
		ASSERT_EQ(0, tracefs_write(self->dir,			\
					   "events/lpc/enable", "0",	\
					   false));			\
		free(self->text);					\
		self->text = tracefs_read(self->dir);			\
		ASSERT_NE(NULL, self->text);				\
	} while (0)

/* The trace has a line with all of @a and @b (either may be ""). */
static bool trace_has(const char *text, const char *a, const char *b)
{
	const char *line = text, *end;
	size_t len;
	char *copy;
	bool hit;

	while (*line) {
		end = strchr(line, '\n');
		len = end ? (size_t)(end - line) : strlen(line);
		copy = strndup(line, len);
		hit = copy && strstr(copy, a) && strstr(copy, b);
		free(copy);
		if (hit)
			return true;
		if (!end)
			break;
		line = end + 1;
	}
	return false;
}

#define EXPECT_TRACED(a, b)						\
	EXPECT_TRUE(trace_has(self->text, (a), (b))) {			\
		TH_LOG("no trace line with '%s' and '%s'", (a), (b));	\
	}

TEST_F(trace, connect_request_reply)
{
	char buf[LPC_DEFAULT_MSG_LEN], id[64], name[LPC_NAME_MAX + 8];
	struct lpc_sync_req req;
	struct lpc_msg_info msg;
	int client, server;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      0x1234, 0, &client, &server));
	ASSERT_EQ(0, lpc_sync_req_start(&req, client, "ping", 4,
					LPC_WAIT_NS));
	ASSERT_EQ(0, lpc_recv(self->cport, &msg, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_REQUEST, msg.type);
	ASSERT_EQ(0, lpc_reply(server, msg.id, "pong!", 5));
	ASSERT_EQ(0, lpc_call_join(&req.call));
	READ_TRACE();

	snprintf(name, sizeof(name), "name=%s ", self->name);
	EXPECT_TRACED("lpc_connect: ", name);
	EXPECT_TRACED("lpc_connect: ", "result=0");
	EXPECT_TRACED("lpc_accept: ", name);
	EXPECT_TRACED("lpc_accept: ", "context=0x1234");
	snprintf(id, sizeof(id), "id=%llu ", (unsigned long long)msg.id);
	EXPECT_TRACED("lpc_send: ", id);
	EXPECT_TRACED("lpc_send: ", "type=REQUEST len=4");
	EXPECT_TRACED("lpc_receive: ", id);
	snprintf(id, sizeof(id), "request=%llu ", (unsigned long long)msg.id);
	EXPECT_TRACED("lpc_reply: ", id);
	EXPECT_TRACED("lpc_reply: ", "len=5 result=0");
	close(client);
	close(server);
}

TEST_F(trace, reject)
{
	char buf[LPC_DEFAULT_CONN_DATA], name[LPC_NAME_MAX + 8];
	struct lpc_msg_info msg;
	struct lpc_connect c;
	struct lpc_call call;

	lpc_connect_init(&c, self->name, LPC_WAIT_NS);
	ASSERT_EQ(0, lpc_call_start(&call, self->dev, LPC_IOC_CONNECT, &c));
	ASSERT_EQ(0, lpc_recv(self->cport, &msg, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ(0, lpc_accept_id(self->cport, msg.id, 0, NULL, 0,
				   LPC_ACCEPT_REJECT));
	ASSERT_EQ(-ECONNREFUSED, lpc_call_join(&call));
	READ_TRACE();

	snprintf(name, sizeof(name), "name=%s ", self->name);
	EXPECT_TRACED("lpc_reject: ", name);
	EXPECT_TRACED("lpc_connect: ", "result=-111");
}

TEST_F(trace, close)
{
	char buf[LPC_DEFAULT_MSG_LEN];
	struct lpc_msg_info msg;
	int client, server;

	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 1,
				      0, &client, &server));
	close(client);
	ASSERT_EQ(0, lpc_recv(self->cport, &msg, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ((__u32)LPC_MSG_PORT_CLOSED, msg.type);
	close(server);
	READ_TRACE();

	EXPECT_TRACED("lpc_close: ", "notice=PORT_CLOSED by=client");
}

/*
 * The event of the party that answers (lpc_accept, lpc_send, lpc_reply,
 * lpc_close) is the cause of what the party it wakes traces (lpc_connect
 * returning, lpc_receive): it must come first in the trace, or a monitor
 * shows a client connected before it was accepted, or a message received
 * before it was sent. Made deterministic: both threads on one CPU, the
 * woken one SCHED_FIFO and the kernel fully preemptible (the debug
 * kernels are; Debian's switch through sched/preempt), so the waiter runs
 * the instant it is woken, before the waker goes on. Each round waits for
 * the previous one, so the lines must alternate, ROUNDS times.
 */
#define ROUNDS 20
#define PREEMPT_MODE "/sys/kernel/debug/sched/preempt"

/* The current mode of PREEMPT_MODE ("none (voluntary) full"), or "". */
static void preempt_mode(char *mode, size_t size)
{
	char text[64] = "", *a, *b;
	FILE *f = fopen(PREEMPT_MODE, "re");

	mode[0] = '\0';
	if (!f)
		return;
	if (fgets(text, sizeof(text), f)) {
		a = strchr(text, '(');
		b = a ? strchr(a, ')') : NULL;
		if (b && (size_t)(b - a) < size) {
			*b = '\0';
			strcpy(mode, a + 1);
		}
	}
	fclose(f);
}

/* Run the calling process on CPU 0 and preempt at once where possible. */
static void one_cpu_full_preemption(struct __test_metadata *_metadata,
				    char *saved, size_t size)
{
	cpu_set_t cpus;

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));
	preempt_mode(saved, size);
	if (saved[0] && strcmp(saved, "full")) {
		ASSERT_EQ(0, tracefs_write("/sys/kernel/debug/sched",
					   "preempt", "full", true));
		TH_LOG("sched/preempt: %s -> full for this test", saved);
	}
}

/* Make @call's thread run before us the moment it is woken. */
#define WAKE_FIRST(call) do {						\
		struct sched_param __sp = { .sched_priority = 1 };	\
		ASSERT_EQ(0, pthread_setschedparam((call)->thread,	\
						   SCHED_FIFO, &__sp));	\
		LPC_ASSERT_BLOCKED(call);				\
	} while (0)

/* Whether the lines with @a (causes) and @b alternate, starting with @a. */
static int count_alternating(const char *text, const char *a, const char *b,
			     const char *also)
{
	const char *line = text, *end;
	bool want_a = true;
	int rounds = 0;
	char *copy;

	for (; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		copy = strndup(line, end ? (size_t)(end - line) : strlen(line));
		if (!copy)
			return -ENOMEM;
		if (also && !strstr(copy, also)) {
			free(copy);
			continue;
		}
		if (strstr(copy, want_a ? b : a)) {
			free(copy);
			return -rounds - 1;	/* out of order */
		}
		if (strstr(copy, want_a ? a : b)) {
			rounds += !want_a;
			want_a = !want_a;
		}
		free(copy);
	}
	return rounds;
}

#define EXPECT_ALTERNATING(a, b, also) do {				\
		int __n = count_alternating(self->text, a, b, also);	\
		EXPECT_EQ(ROUNDS, __n) {				\
			TH_LOG("%s/%s: round %d out of order", a, b,	\
			       -__n);					\
		}							\
	} while (0)

TEST_F(trace, causes_come_before_what_they_wake)
{
	char buf[LPC_DEFAULT_MSG_LEN], name[LPC_NAME_MAX + 8];
	struct lpc_msg_info msg;
	struct lpc_connect c;
	struct lpc_call call;
	struct lpc_xfer x;
	int client, server, i;
	__u64 rid;

	one_cpu_full_preemption(_metadata, self->preempt,
				sizeof(self->preempt));
	ASSERT_EQ(0, tracefs_write(self->dir, "trace", "", true));
	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.recv_buf = lpc_ptr(buf);
	x.recv_cap = sizeof(buf);
	for (i = 0; i < ROUNDS; i++) {
		/* accept: the connecting thread wakes */
		lpc_connect_init(&c, self->name, LPC_WAIT_NS);
		ASSERT_EQ(0, lpc_call_start(&call, self->dev,
					    LPC_IOC_CONNECT, &c));
		ASSERT_EQ(0, lpc_recv(self->cport, &msg, buf, sizeof(buf),
				      LPC_WAIT_NS));
		WAKE_FIRST(&call);
		server = lpc_accept_id(self->cport, msg.id, 0, NULL, 0, 0);
		ASSERT_LE(0, server);
		client = lpc_call_join(&call);
		ASSERT_LE(0, client);

		/* a datagram: the receiving thread wakes */
		ASSERT_EQ(0, lpc_call_start(&call, self->cport, LPC_IOC_XFER,
					    &x));
		WAKE_FIRST(&call);
		ASSERT_EQ(0, lpc_datagram(client, "hi", 2));
		ASSERT_EQ(0, lpc_call_join(&call));

		/* a reply to an asynchronous request: its receiver wakes */
		ASSERT_EQ(0, lpc_request_async(client, "ping", 4, 16, &rid));
		ASSERT_EQ(0, lpc_recv(self->cport, &msg, buf, sizeof(buf),
				      LPC_WAIT_NS));
		ASSERT_EQ(0, lpc_call_start(&call, client, LPC_IOC_XFER, &x));
		WAKE_FIRST(&call);
		ASSERT_EQ(0, lpc_reply(self->cport, rid, "pong", 4));
		ASSERT_EQ(0, lpc_call_join(&call));
		ASSERT_EQ((__u32)LPC_MSG_REPLY, x.info.type);

		/* the client's close: the server's receiver wakes */
		ASSERT_EQ(0, lpc_call_start(&call, self->cport, LPC_IOC_XFER,
					    &x));
		WAKE_FIRST(&call);
		close(client);
		ASSERT_EQ(0, lpc_call_join(&call));
		ASSERT_EQ((__u32)LPC_MSG_PORT_CLOSED, x.info.type);
		close(server);
	}
	READ_TRACE();

	snprintf(name, sizeof(name), "name=%s ", self->name);
	EXPECT_ALTERNATING("lpc_accept: ", "lpc_connect: ", name);
	EXPECT_ALTERNATING("lpc_send: ", "lpc_receive: ", "type=DATAGRAM");
	EXPECT_ALTERNATING("lpc_reply: ", "type=REPLY", NULL);
	EXPECT_ALTERNATING("lpc_close: ", "type=PORT_CLOSED", NULL);
}

TEST_HARNESS_MAIN
