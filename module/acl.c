// SPDX-License-Identifier: GPL-2.0
/*
 * Access control lists on connection ports.
 *
 * Entries are read in order; the first one that matches the caller and
 * covers the requested right decides. No decision means -EACCES. A holder
 * of CAP_IPC_OWNER in the user namespace that owns the port passes every
 * check, as with System V IPC objects. The caller's credentials are those
 * at the moment of the call.
 *
 * A list is immutable once built; a port switches lists by pointer under
 * its lock. Readers find it under RCU and take a reference, because a
 * capability check may sleep.
 *
 * Reading and replacing a list (%LPC_IOC_ACL_GET, %LPC_IOC_ACL_SET):
 * - get needs the query right;
 * - set needs the admin right, or being the port's owner (effective uid
 *   equal to the creator's), so that an owner can always repair a list
 *   that locked it out;
 * - CAP_IPC_OWNER in the port's user namespace passes every check;
 * - a port the caller may not query does not exist for it: -ENOENT, so
 *   that names cannot be probed; the one exception is a set by a caller
 *   who may query the port but not change its list: -EACCES.
 * A new list is looked at by later connects only; connections already
 * established, or waiting for the server, are not checked again.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>

#include "internal.h"

struct lpc_kace {
	u32 action;
	u32 who;
	u32 rights;
	kuid_t uid;
	kgid_t gid;
	int cap;
};

struct lpc_acl {
	struct rcu_head rcu;
	refcount_t ref;
	u32 count;
	struct lpc_kace ace[];
};

static struct lpc_acl *lpc_acl_alloc(u32 count)
{
	struct lpc_acl *acl;

	acl = kzalloc(struct_size(acl, ace, count), GFP_KERNEL_ACCOUNT);
	if (!acl)
		return NULL;
	refcount_set(&acl->ref, 1);
	acl->count = count;
	return acl;
}

struct lpc_acl *lpc_acl_default(void)
{
	struct lpc_acl *acl = lpc_acl_alloc(1);

	if (!acl)
		return ERR_PTR(-ENOMEM);
	acl->ace[0].action = LPC_ACE_ALLOW;
	acl->ace[0].who = LPC_ACE_OWNER;
	acl->ace[0].rights = LPC_RIGHT_ALL;
	return acl;
}

static int lpc_ace_convert(struct lpc_kace *k, const struct lpc_ace *u)
{
	struct user_namespace *ns = current_user_ns();

	if (u->action != LPC_ACE_ALLOW && u->action != LPC_ACE_DENY)
		return -EINVAL;
	if (!u->rights || (u->rights & ~LPC_RIGHT_ALL))
		return -EINVAL;
	k->action = u->action;
	k->who = u->who;
	k->rights = u->rights;

	switch (u->who) {
	case LPC_ACE_OWNER:
	case LPC_ACE_EVERYONE:
		return u->id ? -EINVAL : 0;
	case LPC_ACE_UID:
		k->uid = make_kuid(ns, u->id);
		return uid_valid(k->uid) ? 0 : -EINVAL;
	case LPC_ACE_GID:
		k->gid = make_kgid(ns, u->id);
		return gid_valid(k->gid) ? 0 : -EINVAL;
	case LPC_ACE_CAP:
		if (!cap_valid(u->id))
			return -EINVAL;
		k->cap = u->id;
		return 0;
	}
	return -EINVAL;
}

/**
 * lpc_acl_from_user() - build an ACL from user space entries
 * @uptr: user pointer to @count &struct lpc_ace.
 * @count: number of entries; 0 for the default, owner-only list.
 *
 * Ids are read in the caller's user namespace.
 *
 * Return: the list, or ERR_PTR(-EINVAL) for a bad entry or count,
 * -EFAULT, -ENOMEM.
 */
struct lpc_acl *lpc_acl_from_user(u64 uptr, u32 count)
{
	const struct lpc_ace __user *uace = u64_to_user_ptr(uptr);
	struct lpc_acl *acl;
	struct lpc_ace ace;
	u32 i;
	int ret;

	if (!count)
		return uptr ? ERR_PTR(-EINVAL) : lpc_acl_default();
	if (count > LPC_ACL_MAX)
		return ERR_PTR(-EINVAL);
	acl = lpc_acl_alloc(count);
	if (!acl)
		return ERR_PTR(-ENOMEM);
	for (i = 0; i < count; i++) {
		ret = -EFAULT;
		if (copy_from_user(&ace, &uace[i], sizeof(ace)))
			goto fail;
		ret = lpc_ace_convert(&acl->ace[i], &ace);
		if (ret)
			goto fail;
	}
	return acl;
fail:
	kfree(acl);
	return ERR_PTR(ret);
}

/* Drop a reference; the port's own reference is dropped when replaced. */
void lpc_acl_free(struct lpc_acl *acl)
{
	if (acl && refcount_dec_and_test(&acl->ref))
		kfree_rcu(acl, rcu);
}

static struct lpc_acl *lpc_acl_ref(struct lpc_port *port)
{
	struct lpc_acl *acl;

	rcu_read_lock();
	do {
		acl = rcu_dereference(port->srv->acl);
	} while (!refcount_inc_not_zero(&acl->ref));
	rcu_read_unlock();
	return acl;
}

static bool lpc_ace_matches(const struct lpc_kace *k, struct lpc_port *port,
			    const struct cred *cred)
{
	switch (k->who) {
	case LPC_ACE_OWNER:
		return uid_eq(cred->euid, port->srv->owner->euid);
	case LPC_ACE_UID:
		return uid_eq(cred->euid, k->uid);
	case LPC_ACE_GID:
		return in_egroup_p(k->gid);
	case LPC_ACE_EVERYONE:
		return true;
	case LPC_ACE_CAP:
		return ns_capable_noaudit(port->user_ns, k->cap);
	}
	return false;
}

/**
 * lpc_acl_check() - may the caller use @right on a connection port?
 * @port: the connection port.
 * @right: one LPC_RIGHT_* bit.
 *
 * Return: 0 if allowed, -EACCES if not.
 */
int lpc_acl_check(struct lpc_port *port, u32 right)
{
	const struct cred *cred = current_cred();
	struct lpc_acl *acl;
	int ret = -EACCES;
	u32 i;

	if (ns_capable_noaudit(port->user_ns, CAP_IPC_OWNER))
		return 0;

	acl = lpc_acl_ref(port);
	for (i = 0; i < acl->count; i++) {
		const struct lpc_kace *k = &acl->ace[i];

		if (!(k->rights & right) || !lpc_ace_matches(k, port, cred))
			continue;
		ret = k->action == LPC_ACE_ALLOW ? 0 : -EACCES;
		break;
	}
	lpc_acl_free(acl);
	return ret;
}

/**
 * lpc_port_visible() - does a connection port exist for the caller?
 * @port: the connection port.
 *
 * Only for those who may query it: to the others it is a name nobody
 * created.
 */
bool lpc_port_visible(struct lpc_port *port)
{
	return !lpc_acl_check(port, LPC_RIGHT_QUERY);
}

/**
 * lpc_port_find_visible() - a connection port by name, if it is visible
 * @uname: user pointer to the name.
 * @len: its length, already accepted by lpc_name_check().
 *
 * Return: the port with a reference, ERR_PTR(-ENOENT) if there is none
 * for the caller, or the errors of lpc_port_lookup_user().
 */
struct lpc_port *lpc_port_find_visible(u64 uname, u32 len)
{
	struct lpc_port *port = lpc_port_lookup_user(uname, len);

	if (!IS_ERR(port) && !lpc_port_visible(port)) {
		lpc_port_put(port);
		return ERR_PTR(-ENOENT);
	}
	return port;
}

/* One entry as the caller sees it: ids in the caller's user namespace. */
static void lpc_ace_export(struct lpc_ace *u, const struct lpc_kace *k)
{
	struct user_namespace *ns = current_user_ns();

	memset(u, 0, sizeof(*u));
	u->action = k->action;
	u->who = k->who;
	u->rights = k->rights;
	switch (k->who) {
	case LPC_ACE_UID:
		u->id = from_kuid_munged(ns, k->uid);
		break;
	case LPC_ACE_GID:
		u->id = from_kgid_munged(ns, k->gid);
		break;
	case LPC_ACE_CAP:
		u->id = k->cap;
		break;
	}
}

/**
 * lpc_acl_to_user() - copy a connection port's ACL out
 * @port: the connection port; the caller checked the query right.
 * @uptr: user pointer to room for *@count &struct lpc_ace.
 * @count: in: the room; out: the number of entries the list has.
 *
 * Ids unmapped in the caller's user namespace read as the overflow ids.
 *
 * Return: 0, -ENOSPC if the list has more entries than the room (nothing
 * is copied then), -EFAULT.
 */
static int lpc_acl_to_user(struct lpc_port *port, u64 uptr, u32 *count)
{
	struct lpc_ace __user *uace = u64_to_user_ptr(uptr);
	struct lpc_acl *acl;
	struct lpc_ace ace;
	int ret = 0;
	u32 i;

	/* A referenced list stays whole while we fault on user memory. */
	acl = lpc_acl_ref(port);
	if (acl->count > *count)
		ret = -ENOSPC;
	for (i = 0; !ret && i < acl->count; i++) {
		lpc_ace_export(&ace, &acl->ace[i]);
		if (copy_to_user(&uace[i], &ace, sizeof(ace)))
			ret = -EFAULT;
	}
	*count = acl->count;
	lpc_acl_free(acl);
	return ret;
}

/**
 * lpc_acl_replace() - give a connection port a new ACL
 * @port: the connection port.
 * @acl: the new list; the port takes over the caller's reference.
 *
 * Readers that found the old list keep using it until they drop their
 * reference; it is freed after a grace period.
 */
static void lpc_acl_replace(struct lpc_port *port, struct lpc_acl *acl)
{
	struct lpc_acl *old;

	spin_lock(&port->lock);
	old = rcu_replace_pointer(port->srv->acl, acl,
				  lockdep_is_held(&port->lock));
	spin_unlock(&port->lock);
	lpc_acl_free(old);
}

/**
 * lpc_acl_may_set() - may the caller replace a connection port's ACL?
 * @port: the connection port.
 *
 * Return: 0 for the owner, a holder of the admin right or of
 * CAP_IPC_OWNER; -EACCES for others who may query the port; -ENOENT for
 * the rest, to whom the port does not exist.
 */
static int lpc_acl_may_set(struct lpc_port *port)
{
	if (uid_eq(current_euid(), port->srv->owner->euid))
		return 0;
	if (!lpc_acl_check(port, LPC_RIGHT_ADMIN))
		return 0;
	return lpc_acl_check(port, LPC_RIGHT_QUERY) ? -ENOENT : -EACCES;
}

static int lpc_acl_req_in(struct lpc_acl_req *req, void __user *uarg,
			  u32 usize)
{
	int ret;

	ret = lpc_copy_in(req, sizeof(*req), uarg, usize,
			  LPC_ACL_REQ_SIZE_VER0);
	if (ret)
		return ret;
	if (req->flags || req->__pad)
		return -EINVAL;
	return lpc_name_check(req->name_len);
}

/**
 * lpc_ioc_acl_get() - %LPC_IOC_ACL_GET
 * @uarg: user &struct lpc_acl_req.
 * @usize: its size.
 *
 * Needs the query right. The count is written back on success and on
 * -ENOSPC, so that a caller can size its array.
 *
 * Return: 0, -ENOENT, -ENOSPC, or another -errno.
 */
int lpc_ioc_acl_get(void __user *uarg, u32 usize)
{
	struct lpc_acl_req __user *ureq = uarg;
	struct lpc_acl_req req;
	struct lpc_port *port;
	int ret;

	ret = lpc_acl_req_in(&req, uarg, usize);
	if (ret)
		return ret;
	port = lpc_port_find_visible(req.name, req.name_len);
	if (IS_ERR(port))
		return PTR_ERR(port);
	ret = lpc_acl_to_user(port, req.aces, &req.count);
	lpc_port_put(port);
	if ((!ret || ret == -ENOSPC) && put_user(req.count, &ureq->count))
		ret = -EFAULT;
	return ret;
}

/**
 * lpc_ioc_acl_set() - %LPC_IOC_ACL_SET
 * @uarg: user &struct lpc_acl_req.
 * @usize: its size.
 *
 * The new list is checked before the port is looked up, so errors come
 * in this order: the request and the entries (-EINVAL, -ENAMETOOLONG,
 * -EFAULT), then -ENOENT, then -EACCES. A count of 0 (with no entries
 * pointer) restores the default, owner-only list.
 *
 * Return: 0 or -errno.
 */
int lpc_ioc_acl_set(void __user *uarg, u32 usize)
{
	struct lpc_acl_req req;
	struct lpc_port *port;
	struct lpc_acl *acl;
	int ret;

	ret = lpc_acl_req_in(&req, uarg, usize);
	if (ret)
		return ret;
	acl = lpc_acl_from_user(req.aces, req.count);
	if (IS_ERR(acl))
		return PTR_ERR(acl);
	port = lpc_port_lookup_user(req.name, req.name_len);
	if (IS_ERR(port)) {
		ret = PTR_ERR(port);
		goto out_free;
	}
	ret = lpc_acl_may_set(port);
	if (!ret) {
		lpc_acl_replace(port, acl);
		acl = NULL;
	}
	lpc_port_put(port);
out_free:
	lpc_acl_free(acl);
	return ret;
}
