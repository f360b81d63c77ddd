// SPDX-License-Identifier: GPL-2.0
/*
 * Shared sections and the views of them that messages carry.
 *
 * A section is an ordinary shmem file, created by %LPC_IOC_SECTION_CREATE
 * on a communication port and owned by that port's connection: the
 * connection keeps a reference on it (conn->sections). When the
 * connection ends, a section is emptied and can never grow again, so its
 * memory is released even while the creator's fds and mappings of it
 * live on (they then see an empty file; mappings fault with SIGBUS), but
 * not before the last file of it that a receiver holds is gone (see
 * "Lifetime" below).
 *
 * Sections are created sealable with F_SEAL_GROW and F_SEAL_SHRINK already
 * set: the size given at creation is the section's size for life. It is
 * the most memory the section can hold, so the module limits below bound
 * what it can cost whatever user space does with the fd, and no holder of
 * an fd can truncate it under a receiver's mapped view (a SIGBUS on
 * demand). The inode is mode 0600, so that a process of another user that
 * received a read-only fd cannot reopen it read-write through /proc.
 *
 * Memory: every page is allocated at creation, in the creator's context
 * (lpc_section_commit()), so it is charged to the creator's memory cgroup
 * whoever touches it later, as NT's SEC_COMMIT commits a section's pages
 * at creation, and no page of it can be given back before the section is
 * emptied: every file of a section's inode (its own, the receivers', and
 * any reopened through /proc) has lpc's file operations (section_fops.c),
 * whose fallocate() refuses to punch holes (FALLOC_FL_PUNCH_HOLE, MADV_REMOVE), so that no
 * page can be freed and refilled at another's expense. Sizes are also
 * charged to the creator's euid, up to limits.c's
 * max_section_bytes_per_user, until the section is emptied.
 *
 * Limits: a section is at most max_section_size bytes; a connection holds
 * at most max_conn_sections sections of at most max_conn_section_bytes
 * together. A section whose every fd, mapping and in-flight view is gone
 * stops counting (it is pruned when the next one is created).
 *
 * Lifetime: struct lpc_section is reference-counted. Its connection's list
 * holds one reference; so does every view of it on its way (a message's
 * attributes, from lpc_view_attach() until the view is delivered or
 * dropped) and every file a receiver was given of it, mapped or as an fd
 * (lpc_section_open_view(): the file's ->release, lpc_view_file_release(),
 * puts it when the last fd and mapping of that file are gone). The list's
 * reference goes when the section is pruned or its connection ends; the
 * last reference empties the section and frees it. So a connection that
 * ends releases the memory of its sections at once unless a receiver
 * holds a view of one (or one is being delivered): then the memory stays,
 * still charged to its creator, until the receiver has closed and
 * unmapped what it was given, and a receiver reading a view never faults
 * because the sender went away, whatever it did to its port or fds.
 *
 * The section's own file (the one the creator's fd refers to, and the one
 * a message carries once attached) points back to it through
 * ->private_data, which shmem leaves unused; so does every receiver's
 * file, which holds a reference. That pointer is followed only by a
 * holder of a reference (lpc_section_of()).
 *
 * A message's view of a section is attached and dropped in view_attach.c;
 * how views are mapped into receivers is view.c's.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/fcntl.h>

#include "section.h"

/**
 * struct lpc_section - a section and what holds it
 * @entry: on conn->sections while the connection holds it (protected by
 *	conn->lock).
 * @file: the section's own shmem file (a reference of its own; its
 *	->private_data points here until the section is freed).
 * @size: bytes at creation, page-aligned (invariant).
 * @cred: the creator's credentials, charged @size (a reference; invariant).
 * @ref: the connection's list, in-flight views and mapped views; the
 *	last put empties and frees the section.
 */
struct lpc_section {
	struct list_head entry;
	struct file *file;
	u64 size;
	const struct cred *cred;
	refcount_t ref;
};

/* ---- sections ---- */

/*
 * Release a section's memory for good: its size drops to 0 (mappings of
 * it then fault with SIGBUS) and F_SEAL_GROW keeps it there. This is the
 * truncation shmem_setattr() does, minus the checks that make it a user
 * request (permissions, F_SEAL_SHRINK): the section has left its
 * connection and no receiver has a view of it mapped any more, and with
 * that the promise that its pages stay is kept.
 */
static void lpc_section_empty(struct file *file)
{
	struct inode *inode = file_inode(file);

	inode_lock(inode);
	i_size_write(inode, 0);
	unmap_mapping_range(inode->i_mapping, 0, 0, 1);
	shmem_truncate_range(inode, 0, (loff_t)-1);
	/* Private COW copies a racing fault may have made meanwhile. */
	unmap_mapping_range(inode->i_mapping, 0, 0, 1);
	inode_unlock(inode);
}

/* Nothing refers to @sec any more (or never did): its memory is gone. */
static void lpc_section_free(struct lpc_section *sec)
{
	/* The user's fds of the file may live on: they lead here no more. */
	sec->file->private_data = NULL;
	fput(sec->file);
	lpc_user_uncharge_sections(sec->cred, sec->size);
	put_cred(sec->cred);
	kfree(sec);
}

/**
 * lpc_section_get() - take another reference to a section
 * @sec: a section the caller holds a reference to.
 */
void lpc_section_get(struct lpc_section *sec)
{
	refcount_inc(&sec->ref);
}

/**
 * lpc_section_put() - drop a reference to a section
 * @sec: the section, or NULL.
 *
 * The last reference is never the connection's (the list's goes only when
 * the section leaves its connection), so the last put empties the section
 * and frees it: the creator's euid gets its charge back. Takes the
 * section's inode lock then: no lpc lock, mmap lock or inode lock may be
 * held.
 */
void lpc_section_put(struct lpc_section *sec)
{
	might_sleep();
	if (!sec || !refcount_dec_and_test(&sec->ref))
		return;
	lpc_section_empty(sec->file);
	lpc_section_free(sec);
}

/**
 * lpc_section_of() - the section a section's own file belongs to
 * @file: the file lpc_section_pin()'s section has (lpc_section_file()),
 *	while the caller holds a reference to that section.
 *
 * Return: the section.
 */
struct lpc_section *lpc_section_of(struct file *file)
{
	return file->private_data;
}

/**
 * lpc_section_file() - a section's own file
 * @sec: the section (the caller holds a reference).
 *
 * Return: the file, opened read-write (no reference taken).
 */
struct file *lpc_section_file(struct lpc_section *sec)
{
	return sec->file;
}

/* Drop the list's reference to sections taken off their connection. */
static void lpc_sections_put(struct list_head *list)
{
	struct lpc_section *sec, *tmp;

	list_for_each_entry_safe(sec, tmp, list, entry) {
		list_del(&sec->entry);
		lpc_section_put(sec);
	}
}

/*
 * Is @sec referenced only by its connection? Every other way to it holds
 * a reference on either its file (fds, mappings, messages) or its dentry
 * (files opened read-only on it), and none can be taken anew without one
 * of those, so a section seen unused under conn->lock stays unused. Views
 * in flight or mapped hold a file as well as a section reference; the
 * count is checked too so that a section is never pruned under one.
 */
static bool lpc_section_unused(struct lpc_section *sec)
{
	return refcount_read(&sec->ref) == 1 &&
	       file_count(sec->file) == 1 &&
	       d_count(sec->file->f_path.dentry) == 1;
}

/* Move the connection's unused sections to @list; sums the rest's size. */
static u64 lpc_sections_prune_locked(struct lpc_conn *conn, struct list_head *list)
{
	struct lpc_section *sec, *tmp;
	u64 bytes = 0;

	lockdep_assert_held(&conn->lock);
	list_for_each_entry_safe(sec, tmp, &conn->sections, entry) {
		if (lpc_section_unused(sec)) {
			list_move(&sec->entry, list);
			conn->nr_sections--;
		} else {
			bytes += sec->size;
		}
	}
	return bytes;
}

/* Give @sec to its connection, within the connection's limits. */
static int lpc_section_add(struct lpc_conn *conn, struct lpc_section *sec)
{
	LIST_HEAD(unused);
	u64 bytes;
	int ret = 0;

	spin_lock(&conn->lock);
	if (conn->nr_sections == LPC_SECTIONS_ENDED) {
		ret = -ENOTCONN;
		goto out;
	}
	bytes = lpc_sections_prune_locked(conn, &unused);
	if (conn->nr_sections >= lpc_conn_sections_max() ||
	    bytes + sec->size > lpc_conn_section_bytes_max()) {
		ret = -EDQUOT;
		goto out;
	}
	list_add_tail(&sec->entry, &conn->sections);
	conn->nr_sections++;
out:
	spin_unlock(&conn->lock);
	lpc_sections_put(&unused);
	return ret;
}

/*
 * Allocate every page of a new section now, in the creator's context:
 * shmem charges a page to the memory cgroup of the task that allocates it
 * (for fallocate(), the caller's), so the pages are the creator's whoever
 * touches them later, by a fault, read(), write() or splice. Swap-in
 * charges a page back to the cgroup it was swapped out from. What stays
 * open: a holder of a writable fd or mapping can punch a hole
 * (FALLOC_FL_PUNCH_HOLE, MADV_REMOVE), and a page that refills it is
 * charged to whoever touches it first, as for any shared file.
 *
 * Return: 0, -ENOMEM (no memory, the creator's memory cgroup is full, or
 * the overcommit policy refuses it) or -ERESTARTSYS (a signal came: the
 * creation left nothing behind and can be made again).
 */
static int lpc_section_commit(struct file *file, u64 size)
{
	int ret = vfs_fallocate(file, 0, 0, size);

	switch (ret) {
	case -ENOSPC:
		return -ENOMEM;
	case -EINTR:
		return -ERESTARTSYS;
	}
	return ret;
}

/*
 * A new shmem file of @size bytes: sealable, seekable and usable with
 * pread/pwrite like a memfd created with MFD_ALLOW_SEALING, committed, of
 * a size that never changes, and private to its owner. VM_NORESERVE: the
 * commit accounts the pages one by one, with the caller's errors.
 */
static struct file *lpc_section_new_file(u64 size)
{
	struct inode *inode;
	struct file *file;
	int ret;

	file = shmem_file_setup("lpc-section", size, VM_NORESERVE);
	/*
	 * The internal shm mount has no size or inode limit: its -ENOSPC
	 * means an inode could not be allocated.
	 */
	if (PTR_ERR_OR_ZERO(file) == -ENOSPC)
		return ERR_PTR(-ENOMEM);
	if (IS_ERR(file))
		return file;
	/* Before the seals: nothing else knows the file yet. */
	ret = lpc_section_commit(file, size);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	ret = lpc_section_adopt(file);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	inode = file_inode(file);
	inode_lock(inode);
	SHMEM_I(inode)->seals = F_SEAL_GROW | F_SEAL_SHRINK;
	inode->i_mode = S_IFREG | 0600;
	inode_unlock(inode);
	return file;
}

/* The port's kind was checked by the ioctl table (ioctl.c). */
static int lpc_section_check(const struct lpc_section_attr *a)
{
	if ((a->flags & ~LPC_NO_CLOEXEC) || a->__pad)
		return -EINVAL;
	if (!a->size)
		return -EINVAL;
	if (a->size > lpc_section_size_max())
		return -E2BIG;
	return 0;
}

/**
 * lpc_ioc_section_create() - %LPC_IOC_SECTION_CREATE
 * @port: a communication port; the section belongs to its connection.
 * @uarg: user &struct lpc_section_attr.
 * @usize: its size.
 *
 * Return: the section's fd, or -EINVAL (connection port, bad flags, size
 * 0), -E2BIG (larger than max_section_size), -EDQUOT (the connection or
 * the user holds its maximum of sections), -ENOTCONN (the connection
 * ended), -ENOMEM (also: the pages could not be committed), -EINTR (a
 * signal came while they were), -EMFILE, -EFAULT.
 */
int lpc_ioc_section_create(struct lpc_port *port, void __user *uarg, u32 usize)
{
	struct lpc_section_attr a;
	struct lpc_section *sec;
	struct file *file;
	int fd, ret;

	ret = lpc_copy_in(&a, sizeof(a), uarg, usize,
			  LPC_SECTION_ATTR_SIZE_VER0);
	if (ret)
		return ret;
	ret = lpc_section_check(&a);
	if (ret)
		return ret;

	sec = kzalloc(sizeof(*sec), GFP_KERNEL_ACCOUNT);
	if (!sec)
		return -ENOMEM;
	sec->size = PAGE_ALIGN(a.size);
	refcount_set(&sec->ref, 1);
	ret = lpc_user_charge_sections(sec->size);
	if (ret)
		goto err_free;
	sec->cred = get_current_cred();
	file = lpc_section_new_file(sec->size);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_uncharge;
	}
	/* One reference for the section, one for the new fd. */
	sec->file = get_file(file);
	file->private_data = sec;
	fd = get_unused_fd_flags(a.flags & LPC_NO_CLOEXEC ? 0 : O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_file;
	}
	ret = lpc_section_add(port->conn, sec);
	if (ret)
		goto err_fd;
	fd_install(fd, file);
	return fd;

err_fd:
	put_unused_fd(fd);
err_file:
	fput(file);
	/* Never seen by anyone: the pages go with the file. */
	lpc_section_free(sec);
	return ret;
err_uncharge:
	lpc_user_uncharge_sections(sec->cred, sec->size);
	put_cred(sec->cred);
err_free:
	kfree(sec);
	return ret;
}

/**
 * lpc_section_pin() - find one of a connection's sections, for a view
 * @conn: the connection.
 * @inode: the section's inode.
 * @size: its size, if it is one of @conn's sections.
 *
 * The section is looked up under the connection's lock, the lock under
 * which lpc_sections_conn_end() takes the sections off the connection: a
 * section found here still has its size, and the reference taken keeps
 * it from being emptied until it is put (lpc_section_put()).
 *
 * Return: the section, with a reference, or NULL if @inode is none of
 * @conn's sections (or @conn ended).
 */
struct lpc_section *lpc_section_pin(struct lpc_conn *conn,
				    struct inode *inode, loff_t *size)
{
	struct lpc_section *sec, *found = NULL;

	spin_lock(&conn->lock);
	list_for_each_entry(sec, &conn->sections, entry) {
		if (file_inode(sec->file) == inode) {
			*size = i_size_read(inode);
			lpc_section_get(sec);
			found = sec;
			break;
		}
	}
	spin_unlock(&conn->lock);
	return found;
}

/**
 * lpc_sections_conn_end() - a connection ends: release its sections
 * @conn: the connection, being shut down (called once, no lock held).
 *
 * No section can be created on the connection any more. Views of it that
 * the caller mapped are unmapped first; then the connection lets go of its
 * sections: each is emptied (see lpc_section_empty()) now, or, if another
 * process has a view of it mapped or a view of it is being delivered,
 * when the last of those goes (lpc_section_put()).
 */
void lpc_sections_conn_end(struct lpc_conn *conn)
{
	LIST_HEAD(list);

	spin_lock(&conn->lock);
	list_splice_init(&conn->sections, &list);
	WRITE_ONCE(conn->nr_sections, LPC_SECTIONS_ENDED);
	spin_unlock(&conn->lock);

	lpc_views_conn_end(conn->cport, conn);
	lpc_views_conn_end(conn->client, conn);
	lpc_sections_put(&list);
}
