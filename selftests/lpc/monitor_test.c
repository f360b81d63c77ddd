// SPDX-License-Identifier: GPL-2.0
/*
 * portctl monitor against a known scenario: start "portctl -j monitor
 * PORT", connect and accept, send a datagram, make a request and reply
 * to it, refuse a second client, close the first, stop the monitor with
 * SIGINT, and compare its JSON lines with what was done. Also: its own
 * tracefs instance is gone after it, --pid filters, and an unprivileged
 * user gets a clear error.
 *
 * The monitor says on stderr when its events are enabled; the test waits
 * for that line, not for time. Events are in the ring buffer when the
 * ioctl that made them returns, and the monitor prints what is left
 * there after SIGINT, so no line can be lost to the stop.
 *
 * Skips when /bin/portctl is missing or tracefs has no lpc events.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include "kselftest_harness.h"
#include "lpc_sys.h"
#include "lpc_pair.h"
#include "lpc_wait.h"
#include "lpc_json.h"

#define PORTCTL		"/bin/portctl"
#define TRACING		"/sys/kernel/tracing"
#define OUT_MAX		65536
#define MAX_LINES	64

struct mon {
	pid_t pid;
	int out, err;			/* its stdout and stderr */
	char text[OUT_MAX];		/* all of stdout, after stop */
	char *line[MAX_LINES];		/* text split into lines */
	int nlines;
};

/*
 * Start portctl with @args, as user @uid unless it is 0, and wait for
 * its "monitoring" line on stderr: 0, or -1 if it exited first (its
 * stderr is then in @err_text).
 */
static int mon_start(struct mon *m, const char *const args[], uid_t uid,
		     char *err_text, size_t size)
{
	const char *argv[8] = { PORTCTL };
	int out[2], err[2], i;
	size_t len = 0;
	ssize_t n;

	for (i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	if (pipe(out) || pipe(err))
		return -1;
	m->pid = fork();
	if (m->pid < 0)
		return -1;
	if (!m->pid) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		if (uid && (setgid(uid) || setuid(uid)))
			_exit(126);
		execv(PORTCTL, (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	m->out = out[0];
	m->err = err[0];
	/* One line: "portctl: monitoring ...", or an error and EOF. */
	while (len < size - 1 && (n = read(m->err, err_text + len, 1)) == 1)
		if (err_text[len++] == '\n')
			break;
	err_text[len] = '\0';
	return strstr(err_text, "monitoring") ? 0 : -1;
}

/* SIGINT, all of stdout into lines, the exit status (or -1). */
static int mon_stop(struct mon *m)
{
	size_t len = 0;
	int status;
	ssize_t n;
	char *p;

	kill(m->pid, SIGINT);
	while ((n = read(m->out, m->text + len, OUT_MAX - 1 - len)) > 0)
		len += (size_t)n;
	m->text[len] = '\0';
	close(m->out);
	close(m->err);
	m->nlines = 0;
	for (p = strtok(m->text, "\n"); p && m->nlines < MAX_LINES;
	     p = strtok(NULL, "\n"))
		m->line[m->nlines++] = p;
	if (waitpid(m->pid, &status, 0) != m->pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The first line after line @from of @event (and @type, if given). */
static int find(const struct mon *m, int from, const char *event,
		const char *type)
{
	int i;

	for (i = from + 1; i < m->nlines; i++)
		if (lpc_json_has(m->line[i], "event", event) &&
		    (!type || lpc_json_has(m->line[i], "type", type)))
			return i;
	return -1;
}

FIXTURE(mon) {
	int dev, cport;
	char name[64];
	struct mon m;
	char err[512];
};

FIXTURE_SETUP(mon)
{
	self->m.pid = 0;
	self->cport = -1;
	if (access(PORTCTL, X_OK))
		SKIP(return, "no " PORTCTL " in this VM");
	if (access(TRACING "/events/lpc", F_OK))
		SKIP(return, "no lpc events in " TRACING);
	self->dev = open("/dev/lpc", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	snprintf(self->name, sizeof(self->name), "mon-%d", getpid());
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
}

FIXTURE_TEARDOWN(mon)
{
	if (self->m.pid > 0 && !waitpid(self->m.pid, NULL, WNOHANG)) {
		kill(self->m.pid, SIGKILL);
		waitpid(self->m.pid, NULL, 0);
	}
	if (self->cport >= 0) {
		close(self->cport);
		close(self->dev);
	}
}

/* The scenario of the top comment, line by line. */
TEST_F(mon, json_lines_match_scenario)
{
	const char *args[] = { "-j", "monitor", self->name, NULL };
	char buf[64], path[128];
	struct lpc_msg_info info;
	struct lpc_connect c;
	struct lpc_call call;
	int client, server, i, a, s, r;
	__u64 rid, conn;

	ASSERT_EQ(0, mon_start(&self->m, args, 0, self->err,
			       sizeof(self->err))) {
		TH_LOG("portctl: %s", self->err);
	}

	/* connect + accept, a datagram, a request and its reply */
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      0x77, 0, &client, &server));
	ASSERT_EQ(0, lpc_datagram(client, "hello", 5));
	ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ(0, lpc_request_async(client, "ping", 4, 16, &rid));
	ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ(rid, info.id);
	ASSERT_EQ(0, lpc_reply(self->cport, rid, "pong", 4));
	ASSERT_EQ(0, lpc_recv(client, &info, buf, sizeof(buf), LPC_WAIT_NS));
	ASSERT_EQ(LPC_MSG_REPLY, info.type);

	/* a second client, refused */
	lpc_connect_init(&c, self->name, LPC_WAIT_NS);
	ASSERT_EQ(0, lpc_call_start(&call, self->dev, LPC_IOC_CONNECT, &c));
	ASSERT_EQ(0, lpc_recv(self->cport, &info, buf, sizeof(buf),
			      LPC_WAIT_NS));
	ASSERT_EQ(0, lpc_accept_id(self->cport, info.id, 0, NULL, 0,
				   LPC_ACCEPT_REJECT));
	ASSERT_EQ(-ECONNREFUSED, lpc_call_join(&call));

	/* the first client goes */
	close(client);
	close(server);

	ASSERT_EQ(0, mon_stop(&self->m)) {
		TH_LOG("portctl: %s", self->m.text);
	}
	for (i = 0; i < self->m.nlines; i++)
		TH_LOG("%s", self->m.line[i]);

	/* accept, then the client's connect returns */
	a = find(&self->m, -1, "accept", NULL);
	ASSERT_LE(0, a);
	EXPECT_TRUE(lpc_json_has(self->m.line[a], "port", self->name));
	EXPECT_EQ(0x77, lpc_json_num(self->m.line[a], "context"));
	EXPECT_EQ(getpid(), lpc_json_num(self->m.line[a], "pid"));
	conn = (__u64)lpc_json_num(self->m.line[a], "conn");
	i = find(&self->m, a, "connect", NULL);
	ASSERT_LE(0, i);
	EXPECT_EQ(getpid(), lpc_json_num(self->m.line[i], "client_pid"));
	EXPECT_EQ(0, lpc_json_num(self->m.line[i], "result"));

	/* the datagram, sent and received, on that connection */
	s = find(&self->m, i, "send", "DATAGRAM");
	ASSERT_LE(0, s);
	EXPECT_EQ(5, lpc_json_num(self->m.line[s], "len"));
	EXPECT_EQ(conn, (__u64)lpc_json_num(self->m.line[s], "conn"));
	EXPECT_TRUE(lpc_json_has(self->m.line[s], "port", self->name));
	EXPECT_EQ(getpid(), lpc_json_num(self->m.line[s], "pid"));
	r = find(&self->m, s, "receive", "DATAGRAM");
	ASSERT_LE(0, r);
	EXPECT_EQ(lpc_json_num(self->m.line[s], "id"),
		  lpc_json_num(self->m.line[r], "id"));

	/* the request, and the reply that answers it */
	s = find(&self->m, r, "send", "REQUEST");
	ASSERT_LE(0, s);
	EXPECT_EQ(rid, (__u64)lpc_json_num(self->m.line[s], "id"));
	EXPECT_EQ(4, lpc_json_num(self->m.line[s], "len"));
	r = find(&self->m, s, "receive", "REQUEST");
	ASSERT_LE(0, r);
	r = find(&self->m, r, "reply", NULL);
	ASSERT_LE(0, r);
	EXPECT_EQ(rid, (__u64)lpc_json_num(self->m.line[r], "request"));
	EXPECT_EQ(4, lpc_json_num(self->m.line[r], "len"));
	EXPECT_EQ(0, lpc_json_num(self->m.line[r], "result"));
	EXPECT_EQ(conn, (__u64)lpc_json_num(self->m.line[r], "conn"));
	EXPECT_LE(0, find(&self->m, r, "receive", "REPLY"));

	/* the refusal, and the refused client's error */
	i = find(&self->m, r, "reject", NULL);
	ASSERT_LE(0, i);
	EXPECT_TRUE(lpc_json_has(self->m.line[i], "port", self->name));
	EXPECT_NE(conn, (__u64)lpc_json_num(self->m.line[i], "conn"));
	i = find(&self->m, i, "connect", NULL);
	ASSERT_LE(0, i);
	EXPECT_EQ(-ECONNREFUSED, lpc_json_num(self->m.line[i], "result"));
	EXPECT_TRUE(lpc_json_has(self->m.line[i], "error", "ECONNREFUSED"));

	/* the close of the first connection, by its client (the refused
	 * one has a close of its own)
	 */
	do
		i = find(&self->m, i, "close", NULL);
	while (i >= 0 && (__u64)lpc_json_num(self->m.line[i], "conn") != conn);
	ASSERT_LE(0, i);
	EXPECT_TRUE(lpc_json_has(self->m.line[i], "by", "client"));
	EXPECT_TRUE(lpc_json_has(self->m.line[i], "port", self->name));

	/* its own instance is gone with it */
	snprintf(path, sizeof(path), TRACING "/instances/portctl-%d",
		 self->m.pid);
	EXPECT_NE(0, access(path, F_OK));
}

/* --pid of another process: nothing of ours is printed. */
TEST_F(mon, pid_filter_leaves_others_out)
{
	const char *args[] = { "-j", "--pid", "1", "monitor", NULL };
	int client, server;

	ASSERT_EQ(0, mon_start(&self->m, args, 0, self->err,
			       sizeof(self->err))) {
		TH_LOG("portctl: %s", self->err);
	}
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      1, 0, &client, &server));
	ASSERT_EQ(0, lpc_datagram(client, "x", 1));
	close(client);
	close(server);
	ASSERT_EQ(0, mon_stop(&self->m));
	EXPECT_EQ(0, self->m.nlines) {
		TH_LOG("%s", self->m.line[0]);
	}
}

/* The text form names the port and the event. */
TEST_F(mon, text_lines)
{
	const char *args[] = { "monitor", self->name, NULL };
	char want[128];
	int client, server;

	ASSERT_EQ(0, mon_start(&self->m, args, 0, self->err,
			       sizeof(self->err)));
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name,
				      1, 0, &client, &server));
	close(client);
	close(server);
	ASSERT_EQ(0, mon_stop(&self->m));
	ASSERT_LE(2, self->m.nlines);
	snprintf(want, sizeof(want), " accept '%s' conn ", self->name);
	EXPECT_NE(NULL, strstr(self->m.line[0], want)) {
		TH_LOG("%s", self->m.line[0]);
	}
}

/* Without root: a clear error and a non-zero exit, nothing left behind. */
TEST_F(mon, unprivileged_user_is_told)
{
	const char *args[] = { "monitor", NULL };

	EXPECT_EQ(-1, mon_start(&self->m, args, 65534, self->err,
				sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "needs root")) {
		TH_LOG("stderr: %s", self->err);
	}
	EXPECT_EQ(1, mon_stop(&self->m));
}

TEST_HARNESS_MAIN
