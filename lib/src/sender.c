// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * Who sent a message, as a pid and as a pidfd that cannot name another
 * process.
 */
#include <sys/syscall.h>
#include <unistd.h>
#include "lpc-internal.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open	434	/* the same number on every architecture */
#endif

int lpc_sender_check(int port, __u64 id, pid_t *pid)
{
	struct lpc_sender s = { .id = id };
	int ret;

	if (!pid)
		return -EINVAL;
	ret = __lpc_ioctl(port, LPC_IOC_SENDER_CHECK, &s);
	if (ret < 0)
		return ret;
	*pid = s.pid;
	return 0;
}

static int pidfd_open_errno(pid_t pid)
{
	int saved = errno;
	long ret;

	ret = syscall(SYS_pidfd_open, pid, 0);
	if (ret < 0)
		ret = -errno;
	errno = saved;
	return (int)ret;
}

static void close_keep_errno(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

/*
 * A pid can be reused once its process is gone, so a pidfd opened on the
 * pid alone could name a stranger. LPC_IOC_SENDER_CHECK succeeds only
 * while the sender lives: if it still succeeds, with the same pid, after
 * the pidfd was opened, the pidfd was opened on the sender.
 */
int lpc_sender_pidfd(int port, __u64 id)
{
	pid_t pid, again;
	int pidfd, ret;

	ret = lpc_sender_check(port, id, &pid);
	if (ret < 0)
		return ret;
	if (pid <= 0)
		return -ESRCH;	/* not visible in our pid namespace */
	pidfd = pidfd_open_errno(pid);
	if (pidfd < 0)
		return pidfd;
	ret = lpc_sender_check(port, id, &again);
	if (ret == 0 && again != pid)
		ret = -ESRCH;
	if (ret < 0) {
		close_keep_errno(pidfd);
		return ret;
	}
	return pidfd;
}
