/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tests of sections between processes share (section_iso_test,
 * section_life_test): a known pattern to fill a section with and check a
 * view against, reads that could fault made in a forked child, one-byte
 * pipe steps between processes (no sleeps), and the server's receive into
 * a fixture that has cport, info, buf and attr.
 */
#ifndef LPC_SECTION_H
#define LPC_SECTION_H

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/mman.h>

#include "lpc_sys.h"
#include "lpc_race.h"
#include "lpc_wait.h"

/* Send a datagram carrying a view of @fd: 0 or -errno. */
static inline int send_view(int port, int fd, __u32 flags, __u64 off,
			    __u64 len)
{
	struct lpc_msg_attr a;

	lpc_attr_init(&a);
	lpc_attr_view(&a, fd, flags, off, len);
	return lpc_send_attr(port, LPC_MSG_DATAGRAM, NULL, "v", 1, 0, &a);
}

/* Byte @i of the pattern a section is filled with. */
static inline unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 12) + 1);
}

/* Fill @fd's first @len bytes with pattern(): 0 or -errno. */
static inline int fill_section(int fd, size_t len)
{
	unsigned char *p;
	size_t i;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	for (i = 0; i < len; i++)
		p[i] = pattern(i);
	munmap(p, len);
	return 0;
}

/*
 * Read every byte of the view at @addr in a forked child: 0 if all hold
 * pattern(), 1 if one does not, 128 + the signal if a read faulted.
 */
static inline int read_view_in_child(__u64 addr, size_t len)
{
	const volatile unsigned char *p = (void *)(uintptr_t)addr;
	pid_t pid = fork();
	size_t i;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		lpc_child_init();
		for (i = 0; i < len; i++)
			if (p[i] != pattern(i))
				_exit(1);
		_exit(0);
	}
	return lpc_wait_child(pid, LPC_WAIT_MS);
}

/* One byte through a pipe, waiting at most LPC_WAIT_MS: 0 or -errno. */
static inline int pipe_put(int fd, char c)
{
	return write(fd, &c, 1) == 1 ? 0 : -EPIPE;
}

static inline int pipe_get(int fd, char *c)
{
	if (lpc_poll(fd, POLLIN, LPC_WAIT_MS) <= 0)
		return -ETIMEDOUT;
	return read(fd, c, 1) == 1 ? 0 : -EPIPE;
}

/* Server: receive the next message with attributes @want into self. */
#define SERVER_RECV(want) do {						\
		int __r = lpc_recv_attr(self->cport, &self->info,	\
					self->buf, sizeof(self->buf),	\
					&self->attr, (want));		\
		ASSERT_EQ(0, __r) {					\
			TH_LOG("server receive: %s", strerror(-__r));	\
		}							\
	} while (0)

#endif /* LPC_SECTION_H */
