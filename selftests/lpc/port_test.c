// SPDX-License-Identifier: GPL-2.0
/*
 * LPC_IOC_CREATE_PORT: names, limits, flags, padding, struct versions.
 *
 * One test per rule of uapi/linux/lpc.h; every error path gets its own test
 * with otherwise valid input.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The 6.1 harness has an unused parameter in __timeout_handler(). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#include "lpc_sys.h"
#include "lpc_pair.h"

FIXTURE(port) {
	int dev;
	char name[LPC_NAME_MAX + 1];
};

FIXTURE_SETUP(port)
{
	self->dev = -1;
	LPC_OPEN_DEV_OR_SKIP(self->dev, 0);
	lpc_name(self->name, sizeof(self->name), _metadata->name);
}

FIXTURE_TEARDOWN(port)
{
	lpc_close(&self->dev);
}

/* Connect to @name and, if a port answers, accept on @cport: 0 or -errno. */
static int connect_and_accept(int dev, int cport, const char *name)
{
	int client, server, ret;

	ret = lpc_connect_pair(dev, cport, name, 1, 0, &client, &server);
	if (ret)
		return ret;
	close(client);
	close(server);
	return 0;
}

TEST_F(port, create_returns_fd)
{
	int fd = lpc_create(self->dev, self->name);

	ASSERT_LE(0, fd) {
		TH_LOG("create %s: %s", self->name, strerror(-fd));
	}
	EXPECT_NE(self->dev, fd);
	close(fd);
}

TEST_F(port, create_default_cloexec)
{
	int fd = lpc_create(self->dev, self->name);

	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

TEST_F(port, create_no_cloexec_flag)
{
	struct lpc_port_attr a;
	int fd;

	lpc_port_attr_init(&a, self->name);
	a.flags = LPC_NO_CLOEXEC;
	fd = sys_lpc_create_port(self->dev, &a);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
}

TEST_F(port, name_clash_eexist)
{
	int fd = lpc_create(self->dev, self->name);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EEXIST, lpc_create(self->dev, self->name));
	close(fd);
}

/* The same name through a second /dev/lpc fd: names are global to the ns. */
TEST_F(port, name_clash_across_dev_fds_eexist)
{
	int dev2 = lpc_open_dev();
	int fd;

	ASSERT_LE(0, dev2);
	fd = lpc_create(self->dev, self->name);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EEXIST, lpc_create(dev2, self->name));
	close(fd);
	close(dev2);
}

TEST_F(port, empty_name_einval)
{
	struct lpc_port_attr a;

	lpc_port_attr_init(&a, self->name);
	a.name_len = 0;
	EXPECT_EQ(-EINVAL, sys_lpc_create_port(self->dev, &a));
}

TEST_F(port, name_too_long_enametoolong)
{
	char name[LPC_NAME_MAX + 2];
	struct lpc_port_attr a;

	memset(name, 'n', sizeof(name));
	memcpy(name, self->name, strlen(self->name));
	name[LPC_NAME_MAX + 1] = '\0';
	lpc_port_attr_init(&a, name);
	ASSERT_EQ((__u32)LPC_NAME_MAX + 1, a.name_len);
	EXPECT_EQ(-ENAMETOOLONG, sys_lpc_create_port(self->dev, &a));
}

TEST_F(port, name_of_max_len_accepted)
{
	char name[LPC_NAME_MAX + 1];
	struct lpc_port_attr a;
	int fd;

	memset(name, 'n', sizeof(name));
	memcpy(name, self->name, strlen(self->name));
	name[LPC_NAME_MAX] = '\0';
	lpc_port_attr_init(&a, name);
	ASSERT_EQ((__u32)LPC_NAME_MAX, a.name_len);
	fd = sys_lpc_create_port(self->dev, &a);
	ASSERT_LE(0, fd) {
		TH_LOG("create with a %d-byte name: %s", LPC_NAME_MAX,
		       strerror(-fd));
	}
	close(fd);
}

TEST_F(port, name_with_nul_einval)
{
	struct lpc_port_attr a;
	char name[LPC_NAME_MAX + 1];
	size_t len;

	snprintf(name, sizeof(name), "%s", self->name);
	len = strlen(name);
	lpc_port_attr_init(&a, name);
	name[len / 2] = '\0';	/* NUL in the middle, length unchanged */
	EXPECT_EQ(-EINVAL, sys_lpc_create_port(self->dev, &a));
}

/* The name is name_len bytes: no NUL is needed after it. */
TEST_F(port, name_without_nul_terminator)
{
	char buf[LPC_NAME_MAX + 16];
	struct lpc_port_attr a;
	size_t len = strlen(self->name);
	int fd;

	memcpy(buf, self->name, len);
	memset(buf + len, 'X', sizeof(buf) - len);	/* no NUL after it */
	lpc_port_attr_init(&a, self->name);
	a.name = lpc_ptr(buf);
	fd = sys_lpc_create_port(self->dev, &a);
	ASSERT_LE(0, fd);
	/* It is registered under exactly name_len bytes. */
	EXPECT_EQ(0, connect_and_accept(self->dev, fd, self->name));
	close(fd);
}

TEST_F(port, nt_style_name_works)
{
	char name[LPC_NAME_MAX + 1];
	int fd;

	snprintf(name, sizeof(name), "\\RPC Control\\lpc-selftest-%d-%s",
		 getpid(), _metadata->name);
	fd = lpc_create(self->dev, name);
	ASSERT_LE(0, fd) {
		TH_LOG("create '%s': %s", name, strerror(-fd));
	}
	EXPECT_EQ(-EEXIST, lpc_create(self->dev, name));
	EXPECT_EQ(0, connect_and_accept(self->dev, fd, name));
	close(fd);
}

TEST_F(port, default_limits_zero_accepted)
{
	int fd = lpc_create_limits(self->dev, self->name, 0, 0, 0, 0);

	ASSERT_LE(0, fd);
	close(fd);
}

TEST_F(port, limits_at_max_accepted)
{
	int fd = lpc_create_limits(self->dev, self->name, LPC_MSG_MAX,
				   LPC_MSG_MAX, LPC_QUEUE_MAX, LPC_CONNS_MAX);

	ASSERT_LE(0, fd) {
		TH_LOG("create with every limit at its maximum: %s",
		       strerror(-fd));
	}
	close(fd);
}

TEST_F(port, max_msg_len_too_big_einval)
{
	EXPECT_EQ(-EINVAL, lpc_create_limits(self->dev, self->name,
					     LPC_MSG_MAX + 1, 0, 0, 0));
}

TEST_F(port, max_conn_data_len_too_big_einval)
{
	EXPECT_EQ(-EINVAL, lpc_create_limits(self->dev, self->name,
					     0, LPC_MSG_MAX + 1, 0, 0));
}

TEST_F(port, max_queued_too_big_einval)
{
	EXPECT_EQ(-EINVAL, lpc_create_limits(self->dev, self->name,
					     0, 0, LPC_QUEUE_MAX + 1, 0));
}

TEST_F(port, max_conns_too_big_einval)
{
	EXPECT_EQ(-EINVAL, lpc_create_limits(self->dev, self->name,
					     0, 0, 0, LPC_CONNS_MAX + 1));
}

/* A rejected create must not leave the name behind. */
TEST_F(port, failed_create_leaves_no_name)
{
	int fd;

	ASSERT_EQ(-EINVAL, lpc_create_limits(self->dev, self->name,
					     LPC_MSG_MAX + 1, 0, 0, 0));
	fd = lpc_create(self->dev, self->name);
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_F(port, unknown_flags_einval)
{
	struct lpc_port_attr a;
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		if (LPC_PORT_FLAGS & (1U << bit))
			continue;
		lpc_port_attr_init(&a, self->name);
		a.flags = 1U << bit;
		EXPECT_EQ(-EINVAL, sys_lpc_create_port(self->dev, &a)) {
			TH_LOG("flag bit %u accepted", bit);
		}
	}
}

TEST_F(port, nonzero_pad_einval)
{
	struct lpc_port_attr a;

	lpc_port_attr_init(&a, self->name);
	a.__pad = 1;
	EXPECT_EQ(-EINVAL, sys_lpc_create_port(self->dev, &a));
}

TEST_F(port, bad_name_pointer_efault)
{
	struct lpc_port_attr a;

	lpc_port_attr_init(&a, self->name);
	a.name = lpc_ptr(lpc_bad_ptr());
	EXPECT_EQ(-EFAULT, sys_lpc_create_port(self->dev, &a));
}

TEST_F(port, bad_attr_pointer_efault)
{
	EXPECT_EQ(-EFAULT, lpc_ioctl(self->dev, LPC_IOC_CREATE_PORT,
				     lpc_bad_ptr()));
}

TEST_F(port, closed_port_name_gone_enoent)
{
	struct lpc_connect c;
	int fd = lpc_create(self->dev, self->name);

	ASSERT_LE(0, fd);
	close(fd);
	lpc_connect_init(&c, self->name, LPC_SHORT_NS);
	EXPECT_EQ(-ENOENT, sys_lpc_connect(self->dev, &c));
}

TEST_F(port, closed_port_name_reusable)
{
	int fd = lpc_create(self->dev, self->name);

	ASSERT_LE(0, fd);
	close(fd);
	fd = lpc_create(self->dev, self->name);
	ASSERT_LE(0, fd) {
		TH_LOG("recreate after close: %s", strerror(-fd));
	}
	close(fd);
}

/* The name lives as long as the file, not the fd: a dup keeps it. */
TEST_F(port, dup_keeps_name)
{
	int fd = lpc_create(self->dev, self->name);
	int fd2;

	ASSERT_LE(0, fd);
	fd2 = dup(fd);
	ASSERT_LE(0, fd2);
	close(fd);
	EXPECT_EQ(-EEXIST, lpc_create(self->dev, self->name));
	EXPECT_EQ(0, connect_and_accept(self->dev, fd2, self->name));
	close(fd2);
}

TEST_F(port, unknown_ioctl_enotty)
{
	char buf[64] = { 0 };

	EXPECT_EQ(-ENOTTY, lpc_ioctl(self->dev,
				     _IOW(LPC_IOC_MAGIC, 0x3f, char[64]), buf));
}

TEST_F(port, unknown_ioctl_on_port_enotty)
{
	char buf[64] = { 0 };
	int fd = lpc_create(self->dev, self->name);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTTY, lpc_ioctl(fd, _IOW(LPC_IOC_MAGIC, 0x3f, char[64]), buf));
	close(fd);
}

/* ---- struct size versioning (copy_struct_from_user semantics) ---- */

#define CREATE_PORT_CMD(size) _IOC(_IOC_WRITE, LPC_IOC_MAGIC, \
				      _IOC_NR(LPC_IOC_CREATE_PORT), (size))

struct port_attr_big {
	struct lpc_port_attr attr;
	__u64 tail[2];
};

TEST_F(port, struct_smaller_than_ver0_einval)
{
	struct lpc_port_attr a;
	struct lpc_connect c;

	lpc_port_attr_init(&a, self->name);
	EXPECT_EQ(-EINVAL, lpc_ioctl(self->dev,
				     CREATE_PORT_CMD(LPC_PORT_ATTR_SIZE_VER0 - 8),
				     &a));
	/* Nothing was created. */
	lpc_connect_init(&c, self->name, LPC_SHORT_NS);
	EXPECT_EQ(-ENOENT, sys_lpc_connect(self->dev, &c));
}

TEST_F(port, struct_ver0_size_works)
{
	struct lpc_port_attr a;
	int fd;

	/* The first 48 bytes of today's struct: what old binaries pass. */
	lpc_port_attr_init(&a, self->name);
	fd = lpc_ioctl(self->dev, CREATE_PORT_CMD(LPC_PORT_ATTR_SIZE_VER0), &a);
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_F(port, struct_larger_nonzero_tail_e2big)
{
	struct port_attr_big big;

	memset(&big, 0, sizeof(big));
	lpc_port_attr_init(&big.attr, self->name);
	big.tail[1] = 1;
	EXPECT_EQ(-E2BIG, lpc_ioctl(self->dev, CREATE_PORT_CMD(sizeof(big)),
				    &big));
}

TEST_F(port, struct_larger_zero_tail_works)
{
	struct port_attr_big big;
	int fd;

	memset(&big, 0, sizeof(big));
	lpc_port_attr_init(&big.attr, self->name);
	fd = lpc_ioctl(self->dev, CREATE_PORT_CMD(sizeof(big)), &big);
	ASSERT_LE(0, fd) {
		TH_LOG("create with a %zu-byte struct: %s", sizeof(big),
		       strerror(-fd));
	}
	EXPECT_EQ(-EEXIST, lpc_create(self->dev, self->name));
	close(fd);
}

TEST_HARNESS_MAIN
