/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the race selftests (race_*_test.c): messages with
 * attributes, direct access, sections, CPU
 * pinning, module parameters and fdinfo counters.
 *
 * Same conventions as lpc_sys.h (include it first): results are 0, a
 * count, a new fd or -errno; nothing here uses the harness' ASSERT_*(),
 * so every helper also works in helper threads and forked children.
 */
#ifndef __LPC_RACE_H
#define __LPC_RACE_H

#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "lpc_sys.h"
#include "lpc_wait.h"

/* ---- attributes ---- */

static inline void lpc_attr_init(struct lpc_msg_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->view.section_fd = -1;
}

static inline void lpc_attr_view(struct lpc_msg_attr *a, int fd,
				 __u32 flags, __u64 offset, __u64 length)
{
	a->flags |= LPC_ATTR_VIEW;
	a->view.section_fd = fd;
	a->view.flags = flags;
	a->view.offset = offset;
	a->view.length = length;
}

static inline void lpc_attr_range(struct lpc_msg_attr *a, const void *addr,
				  __u64 len, __u32 access)
{
	struct lpc_range *r = &a->ranges[a->nr_ranges++];

	a->flags |= LPC_ATTR_DIRECT;
	r->addr = lpc_ptr(addr);
	r->length = len;
	r->access = access;
}

/*
 * Send one message of @type with @attr (may be NULL), waiting at most
 * LPC_WAIT_NS for room. For a reply *@id names the request; for a request
 * or datagram the new id is stored there. A request reserves @reply_cap.
 */
static inline int lpc_send_attr(int port, __u32 type, __u64 *id,
				const void *buf, __u32 len, __u32 reply_cap,
				struct lpc_msg_attr *attr)
{
	struct lpc_xfer x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.flags = LPC_XFER_SEND | LPC_XFER_TIMEOUT;
	x.timeout_ns = LPC_WAIT_NS;
	x.send_type = type;
	x.send_id = id ? *id : 0;
	x.send_buf = lpc_ptr(buf);
	x.send_len = len;
	x.recv_cap = reply_cap;
	x.send_attr = lpc_ptr(attr);
	ret = sys_lpc_xfer(port, &x);
	if (id)
		*id = x.send_id;
	return ret;
}

/*
 * Fill @x for a receive of at most @cap bytes into @buf, with the
 * attributes going to @attr (may be NULL; @want is what the receiver
 * accepts, LPC_ATTR_VIEW_FD or LPC_ATTR_VIEW_KEEP), waiting @timeout_ns.
 * @attr is initialised only when it is not NULL.
 */
static inline void lpc_recv_init(struct lpc_xfer *x, void *buf, __u32 cap,
				 struct lpc_msg_attr *attr, __u32 want,
				 __u64 timeout_ns)
{
	memset(x, 0, sizeof(*x));
	x->flags = LPC_XFER_RECV | LPC_XFER_TIMEOUT;
	x->timeout_ns = timeout_ns;
	x->recv_buf = lpc_ptr(buf);
	x->recv_cap = cap;
	if (attr) {
		lpc_attr_init(attr);
		attr->flags = want;
		x->recv_attr = lpc_ptr(attr);
	}
}

/* Receive one message with its attributes: 0 or -errno. */
static inline int lpc_recv_attr(int port, struct lpc_msg_info *info,
				void *buf, __u32 cap,
				struct lpc_msg_attr *attr, __u32 want)
{
	struct lpc_xfer x;
	int ret;

	lpc_recv_init(&x, buf, cap, attr, want, LPC_WAIT_NS);
	ret = sys_lpc_xfer(port, &x);
	if (info)
		*info = x.info;
	return ret;
}

/* ---- direct access ---- */

static inline int lpc_direct_io(int port, bool write, __u64 id,
				__u32 range, __u64 offset, void *buf,
				__u64 len)
{
	struct lpc_direct d;

	memset(&d, 0, sizeof(d));
	d.id = id;
	d.range = range;
	d.offset = offset;
	d.buf = lpc_ptr(buf);
	d.len = len;
	return lpc_ioctl(port, write ? LPC_IOC_DIRECT_WRITE :
				       LPC_IOC_DIRECT_READ, &d);
}

/* ---- sections ---- */

/* A section of @size bytes on @port, every byte @fill: fd or -errno. */
static inline int lpc_section_filled(int port, size_t size, int fill)
{
	struct lpc_section_attr a;
	void *p;
	int fd;

	memset(&a, 0, sizeof(a));
	a.size = size;
	fd = lpc_ioctl(port, LPC_IOC_SECTION_CREATE, &a);
	if (fd < 0)
		return fd;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return -errno;
	}
	memset(p, fill, size);
	munmap(p, size);
	return fd;
}

/* Does /proc/self/maps show a section mapped at @addr? */
static inline bool lpc_section_mapped_at(__u64 addr)
{
	unsigned long start, end;
	char line[512];
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/maps", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &start, &end) != 2)
			continue;
		if (addr >= start && addr < end) {
			found = strstr(line, "lpc-section") != NULL;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * Run the calling thread, and the threads it creates from now on, on
 * @cpu only: 0 or -errno. A thread woken by another on the same CPU then
 * runs only once the waker sleeps or returns to user space (Debian's
 * kernels preempt voluntarily), which makes some kernel orders fixed.
 */
static inline int lpc_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* ---- fdinfo and module parameters ---- */

/*
 * The number after "@key:" in /proc/self/fdinfo/<@fd> (lpc_fdinfo(),
 * through lpc_proc_open()): 0 or -errno.
 */
static inline int lpc_fdinfo_u64(int fd, const char *key, __u64 *val)
{
	char path[64], line[256], *end;
	size_t klen = strlen(key);
	int ret = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "self/fdinfo/%d", fd);
	f = lpc_proc_fopen(path);
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		errno = 0;
		*val = strtoull(line + klen + 1, &end, 10);
		ret = errno || end == line + klen + 1 ? -EINVAL : 0;
		break;
	}
	fclose(f);
	return ret;
}

/* ---- results of a child or helper, in shared memory ---- */

#define LPC_STEPS_MAX	32
#define LPC_NOT_RUN	(-100000)

struct lpc_steps {
	int ret[LPC_STEPS_MAX];
	int n;
};

/* A zeroed, shared struct lpc_steps (fork keeps it shared); NULL. */
static inline struct lpc_steps *lpc_steps_new(void)
{
	struct lpc_steps *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int i;

	if (s == MAP_FAILED)
		return NULL;
	for (i = 0; i < LPC_STEPS_MAX; i++)
		s->ret[i] = LPC_NOT_RUN;
	s->n = 0;
	return s;
}

/* Record the result of step @i; returns it. */
static inline int lpc_step(struct lpc_steps *s, int i, int ret)
{
	if (i >= 0 && i < LPC_STEPS_MAX) {
		s->ret[i] = ret;
		if (s->n <= i)
			s->n = i + 1;
	}
	return ret;
}

#endif /* __LPC_RACE_H */
