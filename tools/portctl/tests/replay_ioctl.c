// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The test build of portctl (portctl-replay) answers lpc's ioctls from a
 * replay file instead of the module, so its output can be checked where
 * there is no /dev/lpc; the installed portctl has none of this.
 *
 * This file defines ioctl() with glibc's prototype: linked into the
 * program, it replaces glibc's for liblpc's calls (as liblpc's own tests
 * do in lib/test/mock.c). With PORTCTL_REPLAY naming a replay file
 * (replay.h), the lpc query ioctls on any descriptor are answered from
 * it, so LPC_DEVICE=/dev/null is all the device the tests need. Without
 * it, every call goes to the kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "replay.h"

static struct replay *replay;
static const char *replay_path;

/* The replay file, parsed on first use; NULL (and an error) if bad. */
static struct replay *replay_get(void)
{
	if (!replay)
		replay = replay_load(replay_path);
	return replay;
}

/* The name a query or ACL request carries, as a C string. */
static int req_name(__u64 ptr, __u32 len, char name[LPC_NAME_MAX + 1])
{
	if (!ptr || !len || len > LPC_NAME_MAX)
		return -EINVAL;
	memcpy(name, (const void *)(uintptr_t)ptr, len);
	name[len] = '\0';
	return 0;
}

static const struct lpc_port_info *find_port(const struct replay *r,
					     const char *name)
{
	size_t i;

	for (i = 0; i < replay_nports(r); i++)
		if (!strcmp((const char *)replay_port(r, i)->name, name))
			return replay_port(r, i);
	return NULL;
}

/*
 * Copy the next page of @n entries (the i-th from @get) into @q; the
 * cursor is the index of the next entry, 0 when the walk is done, as the
 * module's cursor is 0 at both ends.
 */
static int page(struct lpc_query *q, size_t n, size_t size,
		const void *(*get)(const struct replay *r, size_t i,
				   const char *port),
		const char *port)
{
	char *buf = (char *)(uintptr_t)q->buf;
	size_t i = q->cursor, room = q->count, got = 0;
	const void *e;

	if (q->entry_size < size)
		return -EINVAL;
	for (; i < n && got < room; i++) {
		e = get(replay, i, port);
		if (!e)
			continue;
		memcpy(buf + got * q->entry_size, e, size);
		got++;
	}
	/* Skip what is not ours, so the cursor never points past the end. */
	while (i < n && !get(replay, i, port))
		i++;
	q->count = (__u32)got;
	q->cursor = i < n ? i : 0;
	return 0;
}

static const void *nth_port(const struct replay *r, size_t i,
			    const char *port)
{
	(void)port;
	return replay_port(r, i);
}

static const void *nth_conn(const struct replay *r, size_t i,
			    const char *port)
{
	const struct lpc_conn_info *c;
	const char *of;

	c = replay_conn(r, i, &of);
	return strcmp(of, port) ? NULL : c;
}

static int query(unsigned long req, struct lpc_query *q)
{
	char name[LPC_NAME_MAX + 1];
	const struct lpc_port_info *p;

	if (req == LPC_IOC_PORT_LIST)
		return page(q, replay_nports(replay), sizeof(*p), nth_port,
			    NULL);
	if (req_name(q->name, q->name_len, name))
		return -EINVAL;
	p = find_port(replay, name);
	if (!p)
		return -ENOENT;
	if (req == LPC_IOC_CONN_LIST)
		return page(q, replay_nconns(replay),
			    sizeof(struct lpc_conn_info), nth_conn, name);
	/* LPC_IOC_PORT_INFO */
	if (!q->count || q->entry_size < sizeof(*p))
		return -EINVAL;
	memcpy((void *)(uintptr_t)q->buf, p, sizeof(*p));
	q->count = 1;
	return 0;
}

static int acl_get(struct lpc_acl_req *r)
{
	struct lpc_ace *out = (struct lpc_ace *)(uintptr_t)r->aces;
	char name[LPC_NAME_MAX + 1];
	const struct lpc_ace *a;
	const char *port;
	__u32 n = 0;
	size_t i;

	if (req_name(r->name, r->name_len, name))
		return -EINVAL;
	if (!find_port(replay, name))
		return -ENOENT;
	for (i = 0; i < replay_naces(replay); i++) {
		a = replay_ace(replay, i, &port);
		if (strcmp(port, name))
			continue;
		if (n < r->count)
			out[n] = *a;
		n++;
	}
	i = n > r->count;
	r->count = n;
	return i ? -ENOSPC : 0;
}

/* One lpc ioctl answered from the replay file: 0 or -errno. */
static int answer(unsigned long req, void *arg)
{
	if (!replay_get())
		return -EINVAL;
	switch (req) {
	case LPC_IOC_VERSION:
		return replay_version(replay, arg);
	case LPC_IOC_PORT_LIST:
	case LPC_IOC_PORT_INFO:
	case LPC_IOC_CONN_LIST:
		return query(req, arg);
	case LPC_IOC_ACL_GET:
		return acl_get(arg);
	case LPC_IOC_ACL_SET:
		fprintf(stderr, "%s: a replay file cannot be changed\n",
			replay_path);
		return -EROFS;
	default:
		return -ENOTTY;
	}
}

/* Same prototype as glibc's, so this definition replaces it. */
int ioctl(int fd, unsigned long req, ...)
{
	const char *env = getenv("PORTCTL_REPLAY");
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);

	if (!env || !*env)
		return (int)syscall(SYS_ioctl, fd, req, arg);
	replay_path = env;
	ret = answer(req, arg);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}
