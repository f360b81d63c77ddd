// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/lpc basics: the device opens, LPC_IOC_VERSION reports the contract of
 * uapi/linux/lpc.h, unknown ioctls fail with ENOTTY, bad pointers with
 * EFAULT, and opening and closing the device leaves nothing behind.
 *
 * Outside the test VM, the tests skip when lpc.ko is not loaded. The VM's
 * init sets LPC_EXPECT_DEVICE=1, so there a missing /dev/lpc fails instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/lpc.h>

#include "kselftest_harness.h"

#define LPC_DEV "/dev/lpc"

/*
 * Open /dev/lpc for a FIXTURE_SETUP(); skip the test when the module is not
 * loaded here. The harness then ends the test when the setup returns
 * (Linux 6.9 and later; the selftests build with 6.12's).
 */
static int lpc_open_or_skip(struct __test_metadata *_metadata)
{
	int fd = open(LPC_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && !getenv("LPC_EXPECT_DEVICE")) {
		SKIP(return -1, "%s missing: lpc.ko is not loaded", LPC_DEV);
	}
	ASSERT_GE(fd, 0) {
		TH_LOG("open %s: %s", LPC_DEV, strerror(errno));
	}
	return fd;
}

/* Module reference count from sysfs, or -1 when lpc is not a module. */
static long lpc_module_refcnt(void)
{
	FILE *f = fopen("/sys/module/lpc/refcnt", "r");
	long cnt = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &cnt) != 1)
		cnt = -1;
	fclose(f);
	return cnt;
}

FIXTURE(lpc_dev) {
	int fd;
};

FIXTURE_SETUP(lpc_dev)
{
	self->fd = lpc_open_or_skip(_metadata);
}

FIXTURE_TEARDOWN(lpc_dev)
{
	if (self->fd >= 0)
		EXPECT_EQ(close(self->fd), 0);
}

/* The ABI is frozen: struct size and ioctl number never change. */
TEST(version_abi)
{
	EXPECT_EQ(sizeof(struct lpc_version), LPC_VERSION_SIZE_VER0);
	EXPECT_EQ(_IOC_SIZE(LPC_IOC_VERSION), LPC_VERSION_SIZE_VER0);
	EXPECT_EQ(_IOC_TYPE(LPC_IOC_VERSION), LPC_IOC_MAGIC);
	EXPECT_EQ(_IOC_NR(LPC_IOC_VERSION), 0x40);
	EXPECT_EQ(_IOC_DIR(LPC_IOC_VERSION), _IOC_READ);
}

TEST_F(lpc_dev, device_opens)
{
	struct stat st;

	ASSERT_EQ(fstat(self->fd, &st), 0);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(lpc_dev, version_reports_contract)
{
	struct lpc_version v;

	/* Poison, so a field the kernel forgets to fill shows. */
	memset(&v, 0xa5, sizeof(v));
	ASSERT_EQ(ioctl(self->fd, LPC_IOC_VERSION, &v), 0) {
		TH_LOG("LPC_IOC_VERSION: %s", strerror(errno));
	}
	EXPECT_EQ(v.api_version, LPC_API_VERSION);
	EXPECT_EQ(v.max_name_len, LPC_NAME_MAX);
	EXPECT_EQ(v.max_msg_len, LPC_MSG_MAX);
	EXPECT_NE(v.module_version, 0xa5a5a5a5);
	TH_LOG("module %u.%u.%u, api %u, features %#llx",
	       v.module_version >> 16, (v.module_version >> 8) & 0xff,
	       v.module_version & 0xff, v.api_version,
	       (unsigned long long)v.features);
}

TEST_F(lpc_dev, version_is_stable)
{
	struct lpc_version a, b;

	ASSERT_EQ(ioctl(self->fd, LPC_IOC_VERSION, &a), 0);
	ASSERT_EQ(ioctl(self->fd, LPC_IOC_VERSION, &b), 0);
	EXPECT_EQ(memcmp(&a, &b, sizeof(a)), 0);
}

TEST_F(lpc_dev, unknown_ioctl_enotty)
{
	EXPECT_EQ(ioctl(self->fd, _IO(LPC_IOC_MAGIC, 0x7f)), -1);
	EXPECT_EQ(errno, ENOTTY);
}

TEST_F(lpc_dev, unknown_ioctl_past_range_enotty)
{
	EXPECT_EQ(ioctl(self->fd, _IO(LPC_IOC_MAGIC, 0xff)), -1);
	EXPECT_EQ(errno, ENOTTY);
}

/* LPC_IOC_VERSION's number and size, but another driver's magic. */
TEST_F(lpc_dev, foreign_magic_enotty)
{
	struct lpc_version v;

	EXPECT_EQ(ioctl(self->fd, _IOR(LPC_IOC_MAGIC + 1, 0x00,
				       struct lpc_version), &v), -1);
	EXPECT_EQ(errno, ENOTTY);
}

TEST_F(lpc_dev, version_null_efault)
{
	EXPECT_EQ(ioctl(self->fd, LPC_IOC_VERSION, NULL), -1);
	EXPECT_EQ(errno, EFAULT);
}

TEST_F(lpc_dev, version_garbage_pointer_efault)
{
	EXPECT_EQ(ioctl(self->fd, LPC_IOC_VERSION, (void *)1), -1);
	EXPECT_EQ(errno, EFAULT);
}

TEST_F(lpc_dev, version_kernel_pointer_efault)
{
	EXPECT_EQ(ioctl(self->fd, LPC_IOC_VERSION,
			(void *)0xffff888000000000ULL), -1);
	EXPECT_EQ(errno, EFAULT);
}

/* The structure straddles the end of a mapping: no partial success. */
TEST_F(lpc_dev, version_straddling_pointer_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map;

	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(map, MAP_FAILED);
	ASSERT_EQ(munmap(map + page, page), 0);

	EXPECT_EQ(ioctl(self->fd, LPC_IOC_VERSION, map + page - 8), -1);
	EXPECT_EQ(errno, EFAULT);
	EXPECT_EQ(munmap(map, page), 0);
}

/* Read-only memory is a bad pointer for an output structure. */
TEST_F(lpc_dev, version_readonly_pointer_efault)
{
	long page = sysconf(_SC_PAGESIZE);
	void *map;

	map = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(map, MAP_FAILED);
	EXPECT_EQ(ioctl(self->fd, LPC_IOC_VERSION, map), -1);
	EXPECT_EQ(errno, EFAULT);
	EXPECT_EQ(munmap(map, page), 0);
}

/*
 * Opening and closing leaks nothing: the module reference count returns
 * to where it was (and 'rmmod lpc' at the end of the run proves the rest).
 */
TEST_F(lpc_dev, open_close_leaves_nothing)
{
	long before = lpc_module_refcnt();
	struct lpc_version v;
	int i, fd;

	for (i = 0; i < 1000; i++) {
		fd = open(LPC_DEV, O_RDWR | O_CLOEXEC);
		ASSERT_GE(fd, 0) {
			TH_LOG("open #%d: %s", i, strerror(errno));
		}
		ASSERT_EQ(close(fd), 0);
	}
	ASSERT_EQ(ioctl(self->fd, LPC_IOC_VERSION, &v), 0);
	EXPECT_EQ(v.api_version, LPC_API_VERSION);
	if (before >= 0)
		EXPECT_EQ(lpc_module_refcnt(), before);
}

TEST_HARNESS_MAIN
