// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * lpcfuzz: slow memory. A region registered with userfaultfd: the first
 * touch of each of its pages, by the kernel as much as by us, waits until
 * a handler thread answers it, 1 to 15 ms later; every 20 ms or so the
 * pages are dropped again. A buffer there stops an lpc ioctl in the middle
 * of a copy from or to user space (a receiver copying out a request that
 * is already in service, a replier reading its data while the request is
 * being replied to, a direct copy, a synchronous requester copying its
 * reply), which is where other threads' calls on the same request must be
 * handled: the windows the race workers aim at, held open.
 *
 * What lands there is never checked: the handler gives zero pages, and
 * may take them away again at any moment.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lpcfuzz.h"

#define SLOW_PAGES	16

static void *handler(void *arg)
{
	struct proc *p = arg;
	struct uffdio_zeropage zp;
	struct uffd_msg msg;
	struct pollfd pf;
	struct rng r;
	u64 rearm = 0;

	rng_seed(&r, mix64(g_opt.seed ^ 0x510e ^ (u64)p->idx << 32 ^
			   (u64)p->gen));
	pf.fd = p->uffd;
	pf.events = POLLIN;
	while (!g_sh->stop) {
		if (now_ns() > rearm) {
			/* the next touch of each page waits again */
			madvise(p->slow, SLOW_PAGES * PAGE, MADV_DONTNEED);
			rearm = now_ns() + 1000000ULL * (5 + rn(&r, 30));
		}
		if (poll(&pf, 1, 10) <= 0)
			continue;
		if (read(p->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
		    msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		usleep(1000 + rn(&r, 14000));
		memset(&zp, 0, sizeof(zp));
		zp.range.start = msg.arg.pagefault.address & ~(PAGE - 1);
		zp.range.len = PAGE;
		if (ioctl(p->uffd, UFFDIO_ZEROPAGE, &zp) == 0)
			ev_add(EV_STALLS, 1);
	}
	return NULL;
}

/* Set up the region and its handler; without userfaultfd, no region. */
void slow_init(struct proc *p)
{
	struct uffdio_register reg;
	struct uffdio_api api;
	pthread_t tid;
	char *m;

	p->slow = NULL;
	p->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (p->uffd < 0)
		return;
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	if (ioctl(p->uffd, UFFDIO_API, &api))
		goto fail;
	/*
	 * The region, then an inaccessible page (never unmapped: nothing
	 * else may be mapped there): a copy that runs on faults.
	 */
	m = mmap(NULL, (SLOW_PAGES + 1) * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		goto fail;
	mprotect(m + SLOW_PAGES * PAGE, PAGE, PROT_NONE);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (u64)(uintptr_t)m;
	reg.range.len = SLOW_PAGES * PAGE;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(p->uffd, UFFDIO_REGISTER, &reg))
		goto fail_unmap;
	p->slow = m;
	if (pthread_create(&tid, NULL, handler, p) == 0)
		return;
	p->slow = NULL;
fail_unmap:
	munmap(m, (SLOW_PAGES + 1) * PAGE);
fail:
	close(p->uffd);
	p->uffd = -1;
}

/* A buffer of @len bytes in slow memory, or 0 without one. */
u64 slow_ptr(struct th *t, u64 len)
{
	struct proc *p = t->p;
	u64 max = SLOW_PAGES * PAGE;

	if (!p->slow)
		return 0;
	if (len > max)
		len = max;
	/* most of the time it fits; sometimes it runs off the end */
	if (one_in(&t->r, 8))
		return (u64)(uintptr_t)p->slow + max - rn(&t->r, (u32)len + 1);
	return (u64)(uintptr_t)p->slow + rn(&t->r, (u32)(max - len) + 1);
}
