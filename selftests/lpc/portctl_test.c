// SPDX-License-Identifier: GPL-2.0
/*
 * portctl against a live port: what it prints, in JSON and text, must be
 * what the kernel holds, and an ACL set through it must read back.
 * Skips when /bin/portctl is not in the VM.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include "kselftest_harness.h"
#include "lpc_sys.h"
#include "lpc_query.h"
#include "lpc_pair.h"
#include "lpc_json.h"

#define PORTCTL	"/bin/portctl"
#define OUT_MAX	16384

/* Run portctl with @args; its stdout lands in @out. Exit status or -1. */
static int portctl(char *out, const char *const args[])
{
	const char *argv[16] = { PORTCTL };
	int p[2], status, i;
	ssize_t n, len = 0;
	pid_t pid;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(p[1], 1);
		close(p[0]);
		execv(PORTCTL, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], out + len, OUT_MAX - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
	close(p[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

FIXTURE(pctl) {
	int dev, cport, client, server;
	char name[64];
	char out[OUT_MAX];
};

FIXTURE_SETUP(pctl)
{
	struct lpc_msg_info info;
	char buf[16];
	int i;

	self->cport = self->client = self->server = -1;
	if (access(PORTCTL, X_OK))
		SKIP(return, "no " PORTCTL " in this VM");
	self->dev = open("/dev/lpc", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->dev);
	snprintf(self->name, sizeof(self->name), "pctl-%d", getpid());
	self->cport = lpc_create(self->dev, self->name);
	ASSERT_LE(0, self->cport);
	ASSERT_EQ(0, lpc_connect_pair(self->dev, self->cport, self->name, 7,
				      0, &self->client, &self->server));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, lpc_datagram(self->client, "hello", 5));
		ASSERT_EQ(0, lpc_recv_nb(self->cport, &info, buf,
					 sizeof(buf)));
	}
}

FIXTURE_TEARDOWN(pctl)
{
	close(self->client);
	close(self->server);
	close(self->cport);
	close(self->dev);
}

/* portctl -j port show prints the kernel's numbers for this port. */
TEST_F(pctl, port_show_json_matches_kernel)
{
	const char *args[] = { "-j", "port", "show", self->name, NULL };

	ASSERT_EQ(0, portctl(self->out, args)) {
		TH_LOG("portctl: %s", self->out);
	}
	EXPECT_NE(NULL, strstr(self->out, self->name));
	EXPECT_EQ(getpid(), lpc_json_num(self->out, "server_pid"));
	EXPECT_EQ((long long)getuid(), lpc_json_num(self->out, "owner_uid"));
	EXPECT_EQ(1, lpc_json_num(self->out, "nr_conns"));
	EXPECT_EQ(1, lpc_json_num(self->out, "accepted"));
	EXPECT_EQ(10, lpc_json_num(self->out, "bytes_in"));
	EXPECT_EQ(LPC_DEFAULT_QUEUE, lpc_json_num(self->out, "max_queued"));
}

/* The text form names the port too. */
TEST_F(pctl, port_show_text_names_port)
{
	const char *args[] = { "port", "show", self->name, NULL };

	ASSERT_EQ(0, portctl(self->out, args));
	EXPECT_NE(NULL, strstr(self->out, self->name));
}

/* The connection list shows our one client and its context. */
TEST_F(pctl, conn_list_json_shows_client)
{
	const char *args[] = { "-j", "conn", "list", self->name, NULL };

	ASSERT_EQ(0, portctl(self->out, args));
	EXPECT_EQ(getpid(), lpc_json_num(self->out, "client_pid"));
	EXPECT_EQ(7, lpc_json_num(self->out, "context"));
}

/* An ACL set through portctl reads back through the kernel and portctl. */
TEST_F(pctl, acl_set_show_roundtrip)
{
	const char *set[] = { "acl", "set", self->name, "allow", "owner",
			      "all", "allow", "uid", "1000", "connect,query",
			      NULL };
	const char *show[] = { "-j", "acl", "show", self->name, NULL };

	ASSERT_EQ(0, portctl(self->out, set)) {
		TH_LOG("portctl acl set: %s", self->out);
	}
	ASSERT_EQ(0, portctl(self->out, show));
	EXPECT_NE(NULL, strstr(self->out, "\"uid\""));
	EXPECT_EQ(1000, lpc_json_num(self->out, "id"));
}

/*
 * Capabilities in rules go through libcap both ways: a name in (with or
 * without "cap_", any case), the kernel's number stored, the name out.
 */
TEST_F(pctl, acl_capability_names_roundtrip)
{
	const char *set[] = { "acl", "set", self->name, "allow", "owner",
			      "all", "allow", "cap", "CAP_NET_ADMIN", "admin",
			      "allow", "cap", "bpf", "query", NULL };
	const char *show[] = { "-j", "acl", "show", self->name, NULL };
	const char *text[] = { "acl", "show", self->name, NULL };
	struct lpc_ace aces[4];
	__u32 n = 4;

	ASSERT_EQ(0, portctl(self->out, set)) {
		TH_LOG("portctl acl set: %s", self->out);
	}
	ASSERT_EQ(0, lpc_acl_get(self->dev, self->name, aces, &n));
	ASSERT_EQ(3, n);
	EXPECT_EQ(LPC_ACE_CAP, aces[1].who);
	EXPECT_EQ(CAP_NET_ADMIN, aces[1].id);
	EXPECT_EQ(LPC_ACE_CAP, aces[2].who);
	EXPECT_EQ(CAP_BPF, aces[2].id);
	ASSERT_EQ(0, portctl(self->out, show));
	EXPECT_NE(NULL, strstr(self->out, "\"name\":\"cap_net_admin\""))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\"name\":\"cap_bpf\""));
	ASSERT_EQ(0, portctl(self->out, text));
	EXPECT_NE(NULL, strstr(self->out, "allow cap cap_net_admin admin\n"))
		TH_LOG("%s", self->out);
}

/* Errors are JSON objects in JSON mode, with a non-zero exit. */
TEST_F(pctl, unknown_port_json_error)
{
	const char *args[] = { "-j", "port", "show", "no-such-port", NULL };

	EXPECT_NE(0, portctl(self->out, args));
	EXPECT_NE(NULL, strstr(self->out, "\"error\""));
}

TEST_HARNESS_MAIN
