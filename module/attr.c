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
 * Only files that cannot hold references to other files may be passed
 * (lpc_file_passable()): a port queued on itself, or a unix socket or an
 * io_uring holding the port that holds it, would be a reference cycle
 * that nothing collects.
 */
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/magic.h>
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

/*
 * Anonymous-inode files that hold no other file. They are told apart by
 * the name their subsystem gives them: no other way is exported.
 */
static const char *const lpc_passable_anon[] = {
	"[eventfd]", "[pidfd]", "[timerfd]", "[signalfd]", "sync_file",
};

/**
 * lpc_file_passable() - may @file travel inside a message?
 * @file: a file the sender passes.
 *
 * An allow-list of files that cannot hold references to other files, so
 * that no message can close a cycle of references through them: regular
 * files (memfd and shmem included; pidfds where they are regular files of
 * pidfs), directories, pipes and FIFOs, the anonymous files listed in
 * lpc_passable_anon[], and IPv4 and IPv6 sockets. Everything else (lpc
 * ports, unix sockets, io_uring, epoll, and any type this module does not
 * know) is refused.
 *
 * Return: whether it may be passed.
 */
static bool lpc_file_passable(struct file *file)
{
	struct inode *inode = file_inode(file);
	const char *name;
	struct socket *sock;
	size_t i;

	if (lpc_is_lpc_file(file))
		return false;
	if (inode->i_sb->s_magic == ANON_INODE_FS_MAGIC) {
		name = file->f_path.dentry->d_name.name;
		for (i = 0; i < ARRAY_SIZE(lpc_passable_anon); i++)
			if (!strcmp(name, lpc_passable_anon[i]))
				return true;
		return false;
	}
	if (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode) ||
	    S_ISFIFO(inode->i_mode))
		return true;
	sock = sock_from_file(file);
	return sock && sock->sk && (sock->sk->sk_family == AF_INET ||
				    sock->sk->sk_family == AF_INET6);
}

static int lpc_attach_fds(struct lpc_conn *conn, struct lpc_msg_ext *ext,
			  const struct lpc_msg_attr *a)
{
	u32 i;

	if (!(conn->cport->srv->flags & LPC_PORT_ALLOW_FDS))
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

/* Ranges belong to requests only: a reply has nobody to access them. */
static int lpc_attach_ranges(bool request, struct lpc_msg_ext *ext,
			     const struct lpc_msg_attr *a)
{
	u32 i;

	if (!request)
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
 * may be the connection port itself (a reply).
 */
static const struct cred *lpc_conn_cred(struct lpc_port *port,
					struct lpc_conn *conn)
{
	return port->kind == LPC_PORT_CLIENT ? conn->cred : conn->server_cred;
}

/* The last reference went: drop what the attributes hold. */
static void lpc_ext_free(struct lpc_msg_ext *ext)
{
	u32 i;

	/* The file and the section reference: view.c's to drop. */
	lpc_view_drop(ext);
	for (i = 0; i < ext->nr_fds; i++)
		fput(ext->fds[i]);
	if (ext->requester_mm)
		mmdrop(ext->requester_mm);
	if (ext->cred)
		put_cred(ext->cred);
	kfree(ext);
}

/**
 * lpc_ext_put() - drop a reference to a message's attributes
 * @ext: the attributes, or NULL.
 *
 * Not under a port lock: the last put drops files and an mm.
 */
void lpc_ext_put(struct lpc_msg_ext *ext)
{
	if (ext && refcount_dec_and_test(&ext->ref))
		lpc_ext_free(ext);
}

/**
 * lpc_attr_build() - take a message's attributes from its sender
 * @port: the port sending.
 * @conn: the connection the message travels on.
 * @request: the message is a request (only requests declare ranges).
 * @uptr: user pointer to a &struct lpc_msg_attr.
 *
 * Return: the attributes, with one reference; NULL if the sender asked
 * for none; or ERR_PTR(-EINVAL) for a bad attribute, -EPERM for fds on a
 * port that does not take them, -EBADF, -EFAULT, -E2BIG, -ENOMEM, or a
 * view error.
 */
struct lpc_msg_ext *lpc_attr_build(struct lpc_port *port,
				   struct lpc_conn *conn, bool request,
				   u64 uptr)
{
	struct lpc_msg_ext *ext = NULL;
	struct lpc_msg_attr *a;
	int ret;

	a = lpc_attr_copy_in(uptr);
	if (IS_ERR(a))
		return ERR_CAST(a);
	ret = lpc_attr_check(a);
	if (ret || !a->flags)
		goto out;
	ret = -ENOMEM;
	ext = kzalloc(sizeof(*ext), GFP_KERNEL_ACCOUNT);
	if (!ext)
		goto out;
	refcount_set(&ext->ref, 1);
	ret = 0;
	if (a->flags & LPC_ATTR_CREDS) {
		ext->cred = get_current_cred();
		ext->cred_changed = lpc_cred_changed(ext->cred,
						     lpc_conn_cred(port, conn));
	}
	if (a->flags & LPC_ATTR_FDS)
		ret = lpc_attach_fds(conn, ext, a);
	if (!ret && (a->flags & LPC_ATTR_DIRECT))
		ret = lpc_attach_ranges(request, ext, a);
	if (!ret && (a->flags & LPC_ATTR_VIEW))
		ret = lpc_view_attach(conn, ext, &a->view);
out:
	kfree(a);
	if (ret) {
		lpc_ext_put(ext);
		return ERR_PTR(ret);
	}
	return ext;
}

/**
 * lpc_attr_attach() - give a message being sent its attributes
 * @port: the port sending.
 * @msg: the message, NEW, with its connection and type set.
 * @uptr: user pointer to a &struct lpc_msg_attr.
 *
 * Return: 0, or an lpc_attr_build() error.
 */
int lpc_attr_attach(struct lpc_port *port, struct lpc_msg *msg, u64 uptr)
{
	struct lpc_msg_ext *ext;

	ext = lpc_attr_build(port, msg->conn, msg->type == LPC_MSG_REQUEST,
			     uptr);
	if (IS_ERR(ext))
		return PTR_ERR(ext);
	msg->ext = ext;
	return 0;
}

/**
 * lpc_attr_set() - replace a message's attributes
 * @msg: the message, which only its caller can see (a request being
 *	answered): anyone else reading the old ones holds a reference.
 * @ext: the new attributes (the caller's reference moves here), or NULL.
 */
void lpc_attr_set(struct lpc_msg *msg, struct lpc_msg_ext *ext)
{
	struct lpc_msg_ext *old = msg->ext;

	msg->ext = ext;
	lpc_ext_put(old);
}

/**
 * lpc_attr_free() - drop a message's attributes
 * @msg: the message.
 */
void lpc_attr_free(struct lpc_msg *msg)
{
	lpc_attr_set(msg, NULL);
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

/* @fresh: out, whether a view was newly mapped or installed. */
static int lpc_deliver_ext(struct lpc_port *port, struct lpc_msg *msg,
			   struct lpc_msg_attr *a, u32 want, bool *fresh)
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
		ret = lpc_view_deliver(port, msg, &a->view, want, fresh);
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
	bool fresh = false;
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
		ret = lpc_deliver_ext(port, msg, a, want, &fresh);
		if (ret)
			goto out;
		info->flags |= LPC_MSGF_ATTR;
		if (msg->ext->cred_changed)
			info->flags |= LPC_MSGF_CREDS_CHANGED;
	}
	if (lpc_attr_copy_out(uattr, a)) {
		/*
		 * The receiver cannot learn of these fds or this view: take
		 * them back. The message keeps its own, for the next receive.
		 */
		while (a->nr_fds--)
			close_fd(a->fds[a->nr_fds]);
		if (a->flags & LPC_ATTR_VIEW)
			lpc_view_undeliver(port, &a->view, fresh);
		ret = -EFAULT;
	} else if (msg->ext) {
		/* Delivered: they are the receiver's now. */
		lpc_drop_fds(msg->ext);
		lpc_view_drop(msg->ext);
	}
out:
	kfree(a);
	return ret;
}
