/* SPDX-License-Identifier: GPL-2.0 */
/*
 * userfaultfd for the race selftests: park the kernel inside a copy from
 * or to user memory, so that a race can be replayed in a fixed order
 * instead of hoped for.
 *
 * A test maps a buffer with lpc_uffd_map() (or its own mmap), registers
 * one page of it, still untouched, with lpc_uffd_register(), and hands the
 * buffer to an ioctl made on a helper thread. When the kernel's copy
 * reaches that page it faults, and the copying thread sleeps in
 * handle_userfault() until the page is resolved:
 *
 *	lpc_uffd_wait()		returns once the kernel sleeps on the page;
 *	...			the test does the racing operation;
 *	lpc_uffd_copy()		resolves the page: the copy goes on;
 *	lpc_uffd_fail()		or makes the page inaccessible and wakes the
 *				copy, which then fails with -EFAULT.
 *
 * The test thread itself reads the fault off the fd: no handler thread,
 * and every wait is bounded.
 *
 * The fd is opened *without* UFFD_USER_MODE_ONLY. An fd with that flag
 * only handles faults raised in user mode; a copy_to_user() or
 * copy_from_user() that faults on its page is not parked but fails with
 * -EFAULT at once (handle_userfault() answers VM_FAULT_SIGBUS), which is
 * useless here. Kernel-mode faults need CAP_SYS_PTRACE (the tests run as
 * root in the VM) or vm.unprivileged_userfaultfd=1; /dev/userfaultfd
 * (Linux 6.1 and later) is tried when the syscall refuses. Without
 * either, lpc_uffd_open() fails and the tests skip.
 *
 * Helpers never use the harness' ASSERT_*() (see lpc_sys.h).
 */
#ifndef __LPC_UFFD_H
#define __LPC_UFFD_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <linux/userfaultfd.h>

#include "lpc_sys.h"

#define LPC_PAGE	4096UL

#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW	_IO(0xAA, 0x00)
#endif

struct lpc_uffd {
	int fd;
	__u64 fault;		/* address of the last fault read */
	__u64 flags;		/* its UFFD_PAGEFAULT_FLAG_* */
};

/* Open a userfaultfd that parks kernel-mode faults: 0 or -errno. */
static inline int lpc_uffd_open(struct lpc_uffd *u)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd, dev;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && (errno == EPERM || errno == EACCES)) {
		dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
		if (dev >= 0) {
			fd = ioctl(dev, USERFAULTFD_IOC_NEW,
				   O_CLOEXEC | O_NONBLOCK);
			close(dev);
		}
	}
	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	u->fd = fd;
	return 0;
}

static inline void lpc_uffd_close(struct lpc_uffd *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
}

/* @pages fresh, untouched anonymous pages; NULL on failure. */
static inline void *lpc_uffd_map(size_t pages)
{
	void *p = mmap(NULL, pages * LPC_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Park faults on the @len bytes at @addr (page-aligned, anonymous, not
 * yet touched): 0 or -errno.
 */
static inline int lpc_uffd_register(struct lpc_uffd *u, void *addr,
				    size_t len)
{
	struct uffdio_register reg;

	memset(&reg, 0, sizeof(reg));
	reg.range.start = lpc_ptr(addr);
	reg.range.len = len;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	return ioctl(u->fd, UFFDIO_REGISTER, &reg) ? -errno : 0;
}

/*
 * Wait at most @timeout_ms for a thread to fault on a registered page;
 * the fault's page address is left in u->fault. 0, -ETIMEDOUT, -EPROTO
 * (another event), -errno.
 */
static inline int lpc_uffd_wait(struct lpc_uffd *u, int timeout_ms)
{
	struct uffd_msg msg;
	ssize_t n;
	int ret;

	ret = lpc_poll(u->fd, POLLIN, timeout_ms);
	if (ret < 0)
		return ret;
	if (!(ret & POLLIN))
		return -ETIMEDOUT;
	n = read(u->fd, &msg, sizeof(msg));
	if (n < 0)
		return -errno;
	if (n != sizeof(msg) || msg.event != UFFD_EVENT_PAGEFAULT)
		return -EPROTO;
	u->fault = msg.arg.pagefault.address & ~(__u64)(LPC_PAGE - 1);
	u->flags = msg.arg.pagefault.flags;
	return 0;
}

/*
 * lpc_uffd_wait() for a fault on the page at @page, which a helper thread
 * is about to hit: 0, or -EPROTO if the fault was elsewhere, or what
 * lpc_uffd_wait() failed with.
 */
static inline int lpc_uffd_wait_at(struct lpc_uffd *u, const void *page,
				   int timeout_ms)
{
	int ret = lpc_uffd_wait(u, timeout_ms);

	if (ret)
		return ret;
	return u->fault == lpc_ptr(page) ? 0 : -EPROTO;
}

/*
 * Resolve the page at @page with a copy of the page at @src (zeros when
 * @src is NULL) and wake whoever waits on it: 0 or -errno.
 */
static inline int lpc_uffd_copy(struct lpc_uffd *u, void *page,
				const void *src)
{
	struct uffdio_zeropage zp;
	struct uffdio_copy c;

	if (!src) {
		memset(&zp, 0, sizeof(zp));
		zp.range.start = lpc_ptr(page);
		zp.range.len = LPC_PAGE;
		return ioctl(u->fd, UFFDIO_ZEROPAGE, &zp) ? -errno : 0;
	}
	memset(&c, 0, sizeof(c));
	c.dst = lpc_ptr(page);
	c.src = lpc_ptr(src);
	c.len = LPC_PAGE;
	return ioctl(u->fd, UFFDIO_COPY, &c) ? -errno : 0;
}

/*
 * Make the copy parked on @page fail: the page becomes PROT_NONE, then the
 * waiter is woken; its fault is retried, finds no access and the kernel's
 * copy fails with -EFAULT. 0 or -errno.
 */
static inline int lpc_uffd_fail(struct lpc_uffd *u, void *page)
{
	struct uffdio_range r = { .start = lpc_ptr(page), .len = LPC_PAGE };

	if (mprotect(page, LPC_PAGE, PROT_NONE))
		return -errno;
	return ioctl(u->fd, UFFDIO_WAKE, &r) ? -errno : 0;
}

#ifdef __KSELFTEST_HARNESS_H
/* Open @u, or skip the test when userfaultfd cannot park kernel faults. */
#define LPC_UFFD_OPEN_OR_SKIP(u) do {					\
		int __r = lpc_uffd_open(u);				\
		if (__r)						\
			LPC_SKIP("userfaultfd for kernel faults: %s",	\
				 strerror(-__r));			\
	} while (0)
#endif

#endif /* __LPC_UFFD_H */
