// SPDX-License-Identifier: GPL-2.0
/*
 * Message attributes: what a message carries besides its data.
 *
 * The sender describes them in a struct lpc_msg_attr; lpc_attr_attach()
 * turns that into a struct lpc_msg_ext holding references (credentials,
 * files, the requesting task), before the message is queued. The
 * receiver's lpc_attr_deliver() runs in the receiver's context, so that
 * fds are installed in, and views mapped into, the right process. The
 * references are dropped when the message is freed.
 *
 * Passing lpc ports or unix sockets is refused: a port queued on itself,
 * or a socket holding the port that holds it, would be a reference cycle
 * that nothing collects.
 */
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/net.h>
#include <linux/sched/mm.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/sock.h>

#include "compat.h"
#include "internal.h"

#define LPC_ATTR_SEND_FLAGS	(LPC_ATTR_CREDS | LPC_ATTR_FDS | \
				 LPC_ATTR_VIEW | LPC_ATTR_DIRECT)

/*
 * A sender fills in everything before @creds; @creds is only ever written
 * by the kernel. Copying just the part that is read keeps a message with
 * attributes from paying for the 440 bytes of credentials twice.
 */
#define LPC_ATTR_IN_SIZE	offsetof(struct lpc_msg_attr, creds)

/*
 * The size user space gives its struct lpc_msg_attr, checked as
 * copy_struct_from_user() would: at least VER0, at most a page, and
 * whatever lies beyond the struct this module knows must be zero.
 */
static int lpc_attr_usize(void __user *uattr, u32 *usize)
{
	if (get_user(*usize, (u32 __user *)uattr))
		return -EFAULT;
	return lpc_check_usize(uattr, *usize, sizeof(struct lpc_msg_attr),
			       LPC_MSG_ATTR_SIZE_VER0);
}

/* The sender's attributes, up to (not including) @creds. */
static struct lpc_msg_attr *lpc_attr_copy_in(u64 uptr)
{
	void __user *uattr = u64_to_user_ptr(uptr);
	struct lpc_msg_attr *a;
	u32 usize;
	int ret;

	ret = lpc_attr_usize(uattr, &usize);
	if (ret)
		return ERR_PTR(ret);
	a = kmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(a, uattr, LPC_ATTR_IN_SIZE)) {
		kfree(a);
		return ERR_PTR(-EFAULT);
	}
	return a;
}

/* Did anything that decides access change since the connection began? */
static bool lpc_cred_changed(const struct cred *a, const struct cred *b)
{
	int i;

	if (!b || a == b)
		return false;
	if (!uid_eq(a->uid, b->uid) || !uid_eq(a->euid, b->euid) ||
	    !uid_eq(a->suid, b->suid) || !uid_eq(a->fsuid, b->fsuid) ||
	    !gid_eq(a->gid, b->gid) || !gid_eq(a->egid, b->egid) ||
	    !gid_eq(a->sgid, b->sgid) || !gid_eq(a->fsgid, b->fsgid))
		return true;
	if (lpc_cap_bits(a->cap_effective) != lpc_cap_bits(b->cap_effective) ||
	    lpc_cap_bits(a->cap_permitted) != lpc_cap_bits(b->cap_permitted))
		return true;
	if (a->group_info->ngroups != b->group_info->ngroups)
		return true;
	for (i = 0; i < a->group_info->ngroups; i++)
		if (!gid_eq(a->group_info->gid[i], b->group_info->gid[i]))
			return true;
	return false;
}

static bool lpc_file_passable(struct file *file)
{
	struct socket *sock;

	if (lpc_is_lpc_file(file))
		return false;
	sock = sock_from_file(file);
	return !(sock && sock->sk && sock->sk->sk_family == AF_UNIX);
}

static int lpc_attach_fds(struct lpc_msg *msg, struct lpc_msg_ext *ext,
			  const struct lpc_msg_attr *a)
{
	u32 i;

	if (!(msg->conn->listener->srv->flags & LPC_PORT_ALLOW_FDS))
		return -EPERM;
	if (!a->nr_fds || a->nr_fds > LPC_MAX_FDS)
		return -EINVAL;
	for (i = 0; i < a->nr_fds; i++) {
		struct file *file = fget(a->fds[i]);

		if (!file)
			return -EBADF;
		ext->fds[ext->nr_fds++] = file;
		if (!lpc_file_passable(file))
			return -EINVAL;
	}
	return 0;
}

static int lpc_attach_ranges(struct lpc_msg *msg, struct lpc_msg_ext *ext,
			     const struct lpc_msg_attr *a)
{
	u32 i;

	if (msg->type != LPC_MSG_REQUEST)
		return -EINVAL;
	if (!a->nr_ranges || a->nr_ranges > LPC_MAX_RANGES)
		return -EINVAL;
	for (i = 0; i < a->nr_ranges; i++) {
		const struct lpc_range *r = &a->ranges[i];
		u64 end;

		if (!r->length || r->__pad || !r->access ||
		    (r->access & ~(LPC_ACCESS_READ | LPC_ACCESS_WRITE)) ||
		    check_add_overflow(r->addr, r->length, &end) ||
		    end > TASK_SIZE)
			return -EINVAL;
		ext->ranges[i] = *r;
	}
	ext->nr_ranges = a->nr_ranges;
	ext->requester_mm = current->mm;
	mmgrab(ext->requester_mm);
	return 0;
}

static int lpc_attr_check(const struct lpc_msg_attr *a)
{
	if ((a->flags & ~LPC_ATTR_SEND_FLAGS) || a->__pad || a->__pad2)
		return -EINVAL;
	if (!(a->flags & LPC_ATTR_FDS) && a->nr_fds)
		return -EINVAL;
	if (!(a->flags & LPC_ATTR_DIRECT) && a->nr_ranges)
		return -EINVAL;
	return 0;
}

/*
 * The credentials a connection started with, on the sender's side. @port
 * may be the connection port itself (a reply): use the message's
 * connection.
 */
static const struct cred *lpc_conn_cred(struct lpc_port *port,
					struct lpc_msg *msg)
{
	struct lpc_conn *conn = msg->conn;

	return port->kind == LPC_PORT_CLIENT ? conn->cred : conn->server_cred;
}

/**
 * lpc_attr_attach() - take a message's attributes from its sender
 * @port: the port sending.
 * @msg: the message, not yet queued; gets msg->ext.
 * @uptr: user pointer to a &struct lpc_msg_attr.
 *
 * On error the caller frees the message, which drops whatever was taken.
 *
 * Return: 0, -EINVAL for a bad attribute, -EPERM for fds on a port that
 * does not take them, -EBADF, -EFAULT, -E2BIG, -ENOMEM, or a view error.
 */
int lpc_attr_attach(struct lpc_port *port, struct lpc_msg *msg, u64 uptr)
{
	struct lpc_msg_attr *a;
	int ret;

	a = lpc_attr_copy_in(uptr);
	if (IS_ERR(a))
		return PTR_ERR(a);
	ret = lpc_attr_check(a);
	if (ret || !a->flags)
		goto out;
	ret = -ENOMEM;
	msg->ext = kzalloc(sizeof(*msg->ext), GFP_KERNEL_ACCOUNT);
	if (!msg->ext)
		goto out;
	ret = 0;
	if (a->flags & LPC_ATTR_CREDS) {
		msg->ext->cred = get_current_cred();
		msg->ext->cred_changed =
			lpc_cred_changed(msg->ext->cred,
					 lpc_conn_cred(port, msg));
	}
	if (a->flags & LPC_ATTR_FDS)
		ret = lpc_attach_fds(msg, msg->ext, a);
	if (!ret && (a->flags & LPC_ATTR_DIRECT))
		ret = lpc_attach_ranges(msg, msg->ext, a);
	if (!ret && (a->flags & LPC_ATTR_VIEW))
		ret = lpc_view_attach(port, msg, &a->view);
out:
	kfree(a);
	return ret;
}

/**
 * lpc_attr_free() - drop a message's attributes
 * @msg: the message.
 */
void lpc_attr_free(struct lpc_msg *msg)
{
	struct lpc_msg_ext *ext = msg->ext;
	u32 i;

	if (!ext)
		return;
	lpc_view_drop(msg);
	for (i = 0; i < ext->nr_fds; i++)
		fput(ext->fds[i]);
	if (ext->requester_mm)
		mmdrop(ext->requester_mm);
	if (ext->cred)
		put_cred(ext->cred);
	kfree(ext);
	msg->ext = NULL;
}

static void lpc_fill_secctx(struct lpc_creds *c, const struct cred *cred)
{
	char *ctx;
	u32 secid = 0, len;

	security_cred_getsecid(cred, &secid);
	if (!secid || security_secid_to_secctx(secid, &ctx, &len))
		return;
	c->secctx_len = min_t(u32, len, LPC_SECCTX_MAX);
	memcpy(c->secctx, ctx, c->secctx_len);
	if (c->secctx_len < LPC_SECCTX_MAX)
		c->secctx[c->secctx_len] = '\0';
	security_release_secctx(ctx, len);
}

static void lpc_fill_creds(struct lpc_creds *c, const struct cred *cred,
			   struct user_namespace *ns)
{
	const struct group_info *gi = cred->group_info;
	int i;

	c->uid = from_kuid_munged(ns, cred->uid);
	c->gid = from_kgid_munged(ns, cred->gid);
	c->euid = from_kuid_munged(ns, cred->euid);
	c->egid = from_kgid_munged(ns, cred->egid);
	c->suid = from_kuid_munged(ns, cred->suid);
	c->sgid = from_kgid_munged(ns, cred->sgid);
	c->fsuid = from_kuid_munged(ns, cred->fsuid);
	c->fsgid = from_kgid_munged(ns, cred->fsgid);
	c->cap_effective = lpc_cap_bits(cred->cap_effective);
	c->cap_permitted = lpc_cap_bits(cred->cap_permitted);
	c->ngroups = gi->ngroups;
	for (i = 0; i < gi->ngroups && i < LPC_MAX_GROUPS; i++)
		c->groups[i] = from_kgid_munged(ns, gi->gid[i]);
	lpc_fill_secctx(c, cred);
}

/* The receiver has the files now, or will never get them: let go. */
static void lpc_drop_fds(struct lpc_msg_ext *ext)
{
	while (ext->nr_fds)
		fput(ext->fds[--ext->nr_fds]);
}

/* Install the passed files in the receiver; undo all on failure. */
static int lpc_deliver_fds(struct lpc_msg_ext *ext, struct lpc_msg_attr *a)
{
	u32 i;
	int fd;

	for (i = 0; i < ext->nr_fds; i++) {
		fd = lpc_receive_fd(ext->fds[i], O_CLOEXEC);
		if (fd < 0) {
			while (i--)
				close_fd(a->fds[i]);
			return fd;
		}
		a->fds[i] = fd;
	}
	a->nr_fds = ext->nr_fds;
	return 0;
}

static int lpc_deliver_ext(struct lpc_port *port, struct lpc_msg *msg,
			   struct lpc_msg_attr *a, u32 want)
{
	struct lpc_msg_ext *ext = msg->ext;
	u32 i;
	int ret;

	a->view.section_fd = -1;
	if (ext->cred) {
		a->flags |= LPC_ATTR_CREDS;
		memset(&a->creds, 0, sizeof(a->creds));
		lpc_fill_creds(&a->creds, ext->cred, port->user_ns);
	}
	for (i = 0; i < ext->nr_ranges; i++) {
		a->ranges[i].length = ext->ranges[i].length;
		a->ranges[i].access = ext->ranges[i].access;
	}
	a->nr_ranges = ext->nr_ranges;
	if (ext->nr_ranges)
		a->flags |= LPC_ATTR_DIRECT;
	if (ext->nr_fds) {
		ret = lpc_deliver_fds(ext, a);
		if (ret)
			return ret;
		a->flags |= LPC_ATTR_FDS;
	}
	if (ext->view_file) {
		ret = lpc_view_deliver(port, msg, &a->view, want);
		if (ret) {
			for (i = 0; i < a->nr_fds; i++)
				close_fd(a->fds[i]);
			return ret;
		}
		a->flags |= LPC_ATTR_VIEW;
	}
	return 0;
}

/*
 * Write the whole struct lpc_msg_attr back: the credentials if they came,
 * else zeros in their place, so that nothing of an earlier message stays.
 */
static int lpc_attr_copy_out(struct lpc_msg_attr __user *uattr,
			     const struct lpc_msg_attr *a)
{
	if (copy_to_user(uattr, a, LPC_ATTR_IN_SIZE))
		return -EFAULT;
	if (a->flags & LPC_ATTR_CREDS)
		return copy_to_user(&uattr->creds, &a->creds,
				    sizeof(a->creds)) ? -EFAULT : 0;
	return clear_user(&uattr->creds, sizeof(a->creds)) ? -EFAULT : 0;
}

/**
 * __lpc_attr_deliver() - hand a received message's attributes over
 * @port: the port the message was received on.
 * @msg: the message, out of the queue.
 * @uptr: user pointer to the receiver's &struct lpc_msg_attr, or 0.
 * @info: the message header being returned; its flags are updated.
 *
 * Runs in the receiver. Without @uptr, the attributes are dropped and
 * flagged %LPC_MSGF_ATTR_LOST.
 *
 * Return: 0, or -errno (nothing was installed or mapped then).
 */
int __lpc_attr_deliver(struct lpc_port *port, struct lpc_msg *msg, u64 uptr,
		       struct lpc_msg_info *info)
{
	struct lpc_msg_attr __user *uattr = u64_to_user_ptr(uptr);
	struct lpc_msg_attr *a;
	u32 usize, want;
	int ret;

	if (!uptr) {
		if (msg->ext) {
			info->flags |= LPC_MSGF_ATTR_LOST;
			lpc_drop_fds(msg->ext);
		}
		return 0;
	}
	ret = lpc_attr_usize(uattr, &usize);
	if (ret)
		return ret;
	if (get_user(want, &uattr->flags))
		return -EFAULT;
	if ((want & ~LPC_ATTR_FLAGS) ||
	    (want & (LPC_ATTR_VIEW_FD | LPC_ATTR_VIEW_KEEP)) ==
	    (LPC_ATTR_VIEW_FD | LPC_ATTR_VIEW_KEEP))
		return -EINVAL;
	a = kmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;
	/* @creds is cleared only if it is filled; see lpc_attr_copy_out(). */
	memset(a, 0, LPC_ATTR_IN_SIZE);
	a->size = sizeof(*a);
	a->view.section_fd = -1;
	if (msg->ext) {
		ret = lpc_deliver_ext(port, msg, a, want);
		if (ret)
			goto out;
		info->flags |= LPC_MSGF_ATTR;
		if (msg->ext->cred_changed)
			info->flags |= LPC_MSGF_CREDS_CHANGED;
	}
	if (lpc_attr_copy_out(uattr, a)) {
		/* The receiver cannot learn these fds: do not leave them. */
		while (a->nr_fds--)
			close_fd(a->fds[a->nr_fds]);
		ret = -EFAULT;
	} else if (msg->ext) {
		lpc_drop_fds(msg->ext);
	}
out:
	kfree(a);
	return ret;
}

/**
 * __lpc_attr_replace() - swap a request's attributes for its reply's
 * @port: the port replying.
 * @msg: the request, taken out of service.
 * @uptr: the reply's &struct lpc_msg_attr, or 0.
 *
 * The request's attributes (its fds, view and declared ranges) end with
 * the reply. On error the request keeps them and goes back to service.
 *
 * Return: 0 or an lpc_attr_attach() error.
 */
int __lpc_attr_replace(struct lpc_port *port, struct lpc_msg *msg, u64 uptr)
{
	struct lpc_msg_ext *old = msg->ext;
	int ret;

	msg->ext = NULL;
	if (uptr) {
		ret = lpc_attr_attach(port, msg, uptr);
		if (ret) {
			lpc_attr_free(msg);
			msg->ext = old;
			return ret;
		}
	}
	swap(msg->ext, old);
	lpc_attr_free(msg);
	msg->ext = old;
	return 0;
}
