/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the ACL and query selftests: the query and ACL ioctls,
 * running a function as another user, and creating a port as one.
 *
 * Same conventions as lpc_sys.h (include it first): results are 0, a new
 * fd or -errno, and nothing here uses the harness' ASSERT_*().
 */
#ifndef __LPC_QUERY_H
#define __LPC_QUERY_H

#include <grp.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "lpc_sys.h"
#include "lpc_wait.h"

/* ---- raw ioctls ---- */

static inline int sys_lpc_port_list(int dev, struct lpc_query *q)
{
	return lpc_ioctl(dev, LPC_IOC_PORT_LIST, q);
}

static inline int sys_lpc_port_info(int dev, struct lpc_query *q)
{
	return lpc_ioctl(dev, LPC_IOC_PORT_INFO, q);
}

static inline int sys_lpc_conn_list(int dev, struct lpc_query *q)
{
	return lpc_ioctl(dev, LPC_IOC_CONN_LIST, q);
}

static inline int sys_lpc_acl_get(int dev, struct lpc_acl_req *r)
{
	return lpc_ioctl(dev, LPC_IOC_ACL_GET, r);
}

static inline int sys_lpc_acl_set(int dev, struct lpc_acl_req *r)
{
	return lpc_ioctl(dev, LPC_IOC_ACL_SET, r);
}

static inline void lpc_acl_req_init(struct lpc_acl_req *r, const char *name,
				    struct lpc_ace *aces, __u32 count)
{
	memset(r, 0, sizeof(*r));
	r->name = lpc_ptr(name);
	r->name_len = (__u32)strlen(name);
	r->aces = lpc_ptr(aces);
	r->count = count;
}

/* Replace @name's ACL: 0 or -errno. */
static inline int lpc_acl_set(int dev, const char *name, struct lpc_ace *aces,
			      __u32 count)
{
	struct lpc_acl_req r;

	lpc_acl_req_init(&r, name, aces, count);
	return sys_lpc_acl_set(dev, &r);
}

/* Read @name's ACL into @aces (room for *@count): 0 or -errno. */
static inline int lpc_acl_get(int dev, const char *name, struct lpc_ace *aces,
			      __u32 *count)
{
	struct lpc_acl_req r;
	int ret;

	lpc_acl_req_init(&r, name, aces, *count);
	ret = sys_lpc_acl_get(dev, &r);
	*count = r.count;
	return ret;
}

static inline void lpc_query_init(struct lpc_query *q, const char *name,
				  void *buf, __u32 count, __u32 entry_size)
{
	memset(q, 0, sizeof(*q));
	if (name) {
		q->name = lpc_ptr(name);
		q->name_len = (__u32)strlen(name);
	}
	q->buf = lpc_ptr(buf);
	q->count = count;
	q->entry_size = entry_size;
}

/* Describe port @name into @info: 0 or -errno. */
static inline int lpc_port_info(int dev, const char *name,
				struct lpc_port_info *info)
{
	struct lpc_query q;

	lpc_query_init(&q, name, info, 1, sizeof(*info));
	return sys_lpc_port_info(dev, &q);
}

/*
 * Page through the whole port list looking for @name: 1 if listed (and
 * *@info filled when @info is not NULL), 0 if not, or -errno.
 */
static inline int lpc_port_listed(int dev, const char *name,
				  struct lpc_port_info *info)
{
	struct lpc_port_info page[8];
	struct lpc_query q;
	int found = 0, ret;
	__u32 i;

	lpc_query_init(&q, NULL, page, 8, sizeof(page[0]));
	do {
		q.count = 8;
		ret = sys_lpc_port_list(dev, &q);
		if (ret)
			return ret;
		for (i = 0; i < q.count; i++) {
			if (strcmp((char *)page[i].name, name))
				continue;
			found++;
			if (info)
				*info = page[i];
		}
	} while (q.cursor);
	return found > 1 ? -EEXIST : found;
}

/* ---- identities ---- */

#define LPC_CAPS_NONE	(-1)	/* no capability at all */
#define LPC_CAPS_ALL	(-2)	/* keep what root has */

/**
 * struct lpc_ident - who a child process becomes
 * @uid: real, effective and saved uid.
 * @gid: real, effective and saved gid.
 * @ngroups: supplementary groups in @groups.
 * @groups: the supplementary groups.
 * @cap: the one capability kept (effective and permitted), or
 *	LPC_CAPS_NONE, or LPC_CAPS_ALL (root only).
 * @drop: with LPC_CAPS_ALL, one capability to drop, or -1.
 */
struct lpc_ident {
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[4];
	int cap;
	int drop;
};

/* Set the capability sets to just @cap (or none, for LPC_CAPS_NONE). */
static inline int lpc_caps_only(int cap)
{
	cap_t caps = cap_init();
	cap_value_t v = cap;
	int ret = 0;

	if (!caps)
		return -errno;
	if (cap >= 0 &&
	    (cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET) ||
	     cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET)))
		ret = -errno;
	if (!ret && cap_set_proc(caps))
		ret = -errno;
	cap_free(caps);
	return ret;
}

/* Drop @cap from the effective set, keeping the others. */
static inline int lpc_cap_drop(int cap)
{
	cap_t caps = cap_get_proc();
	cap_value_t v = cap;
	int ret = 0;

	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR) ||
	    cap_set_proc(caps))
		ret = -errno;
	cap_free(caps);
	return ret;
}

/* Become @id, for good: 0 or -errno. Call in a child process. */
static inline int lpc_become(const struct lpc_ident *id)
{
	if (id->cap >= 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -errno;
	if (setgroups(id->ngroups, id->groups))
		return -errno;
	if (setresgid(id->gid, id->gid, id->gid))
		return -errno;
	if (setresuid(id->uid, id->uid, id->uid))
		return -errno;
	if (id->cap == LPC_CAPS_ALL)
		return id->drop >= 0 ? lpc_cap_drop(id->drop) : 0;
	return lpc_caps_only(id->cap);
}

/* Exit code of a child that could not become who it should. */
#define LPC_BECOME_FAILED	250

/* Start @fn(@arg) in a child process that becomes @id: its pid or -errno. */
static inline pid_t lpc_as_user_start(const struct lpc_ident *id,
				      int (*fn)(void *), void *arg)
{
	pid_t pid;
	int ret;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		lpc_child_init();
		if (lpc_become(id))
			_exit(LPC_BECOME_FAILED);
		ret = fn(arg);
		_exit(ret < 0 && ret > -128 ? -ret : 0);
	}
	return pid;
}

/*
 * Reap a child of lpc_as_user_start(): what its function returned (0 or
 * -errno below 128; a result >= 0 counts as 0), -EPROTO if the child could
 * not change identity, -ECHILD if it hung or was killed.
 */
static inline int lpc_as_user_wait(pid_t pid)
{
	int ret = lpc_wait_child(pid, LPC_WAIT_MS);

	if (ret == LPC_BECOME_FAILED)
		return -EPROTO;
	if (ret < 0 || ret >= 128)
		return -ECHILD;
	return -ret;
}

/* Run @fn(@arg) as @id in a child process; see lpc_as_user_wait(). */
static inline int lpc_as_user(const struct lpc_ident *id, int (*fn)(void *),
			      void *arg)
{
	pid_t pid = lpc_as_user_start(id, fn, arg);

	return pid < 0 ? pid : lpc_as_user_wait(pid);
}

/*
 * Create a connection port whose owner is @euid/@egid (the creator's
 * effective ids), with @acl_count entries at @acl: fd or -errno. The
 * caller must be root; its ids are restored before returning.
 */
static inline int lpc_create_as(int dev, const char *name, uid_t euid,
				gid_t egid, struct lpc_ace *acl,
				__u32 acl_count)
{
	struct lpc_port_attr a;
	int fd;

	lpc_port_attr_init(&a, name);
	a.acl = lpc_ptr(acl);
	a.acl_count = acl_count;
	if (setresgid(-1, egid, -1))
		return -errno;
	if (setresuid(-1, euid, -1)) {
		fd = -errno;
		setresgid(-1, 0, -1);
		return fd;
	}
	fd = sys_lpc_create_port(dev, &a);
	if (setresuid(-1, 0, -1) || setresgid(-1, 0, -1)) {
		if (fd >= 0)
			close(fd);
		return -EPERM;
	}
	return fd;
}

#endif /* __LPC_QUERY_H */
