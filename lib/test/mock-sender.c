// SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT
/*
 * lpc_sender_pidfd(): check, open a pidfd, check again. The pidfd is
 * returned only when the second check still finds the same live sender;
 * otherwise it is closed and the error (or -ESRCH) returned. The fake
 * sender here is this very process, so pidfd_open() really works.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "liblpc.h"
#include "helpers.h"
#include "mock.h"

static pid_t second_pid;	/* pid the second check reports */
static int second_err;		/* or the error it fails with */

static void sender(void *arg)
{
	struct lpc_sender *s = arg;

	s->pid = mock.calls == 1 ? getpid() : second_pid;
	if (mock.calls == 2)
		mock.ret = second_err;
}

/* The lowest free fd: shows whether a pidfd was leaked. */
static int next_fd(void)
{
	int fd = dup(0), ret = fd;

	close(fd);
	return ret;
}

static int run(pid_t pid2, int err2)
{
	mock_reset();
	mock.fill = sender;
	second_pid = pid2;
	second_err = err2;
	return lpc_sender_pidfd(5, 1234);
}

int main(void)
{
	pid_t pid = 0;
	int fd, free_fd;

#ifdef SYS_pidfd_open
	fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (fd < 0)
		return T_EXIT_SKIP;	/* kernel older than 5.3 */
	close(fd);
#endif
	mock_reset();
	mock.fill = sender;
	T_EQ(lpc_sender_check(5, 1234, &pid), 0);
	T_EQ(mock.req, LPC_IOC_SENDER_CHECK);
	T_EQ(MOCK_ARG(struct lpc_sender)->id, 1234);
	T_EQ(MOCK_ARG(struct lpc_sender)->flags, 0);
	T_EQ(pid, getpid());
	T_EQ(lpc_sender_check(5, 1234, NULL), -EINVAL);

	free_fd = next_fd();
	fd = run(getpid(), 0);
	T_CHECK(fd >= 0);
	T_EQ(mock.calls, 2);
	if (fd >= 0) {
		T_CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	}

	/* The sender went away, or another took its place: no pidfd. */
	T_EQ(run(getpid(), -ESRCH), -ESRCH);
	T_EQ(next_fd(), free_fd);
	T_EQ(run(getpid() + 1, 0), -ESRCH);
	T_EQ(next_fd(), free_fd);

	/* Not visible in our pid namespace. */
	mock_reset();
	mock.ret = 0;
	T_EQ(lpc_sender_pidfd(5, 1), -ESRCH);
	T_EQ(mock.calls, 1);
	return t_result();
}
