// SPDX-License-Identifier: GPL-2.0
/*
 * Views mapped into receivers: what each one holds while it is tracked on
 * its receiving port, and how it is unmapped - on reply, on
 * %LPC_IOC_VIEW_RELEASE, when its connection ends, when the port closes.
 * view.c maps them; its top comment has the rules.
 *
 * Locking: a port's views list, its nr_kept and each view's connection
 * tag are guarded by the port's lock (a leaf here: nothing else is taken
 * under it). Unmapping needs the mmap lock, so views are taken off the
 * list under the port lock onto a private list, and unmapped after.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "view.h"

/*
 * Charge @v to the side of @conn that sent it to @home's side: the server
 * (the credentials that accepted @conn) for a client's view, the client
 * for a server's. @v keeps them for the uncharge; @conn may go first.
 */
int lpc_view_charge(struct lpc_port *home, struct lpc_conn *conn,
		    struct lpc_view_map *v)
{
	const struct cred *payer = home->kind == LPC_PORT_CLIENT ?
				   conn->server_cred : conn->cred;
	int ret;

	if (WARN_ON_ONCE(!payer))
		return -EINVAL;
	ret = lpc_user_charge_views(payer);
	if (!ret)
		v->payer = get_cred(payer);
	return ret;
}

void lpc_view_uncharge(struct lpc_view_map *v)
{
	if (v->payer) {
		lpc_user_uncharge_views(v->payer);
		put_cred(v->payer);
		v->payer = NULL;
	}
}

/*
 * Forget @v, unmapped or not ours to unmap. Its file goes with its last
 * mapping, and with the file its hold on the section.
 */
void lpc_view_map_free(struct lpc_view_map *v)
{
	fput(v->file);
	mmdrop(v->mm);
	lpc_view_uncharge(v);
	kfree(v);
}

/*
 * Clear @v's connection tag, and with it @v's place in the connection's
 * count, with @home->lock held. Views kept past their reply are bounded by
 * max_kept_views instead and were never counted.
 */
void lpc_view_untag_locked(struct lpc_port *home, struct lpc_view_map *v)
{
	lockdep_assert_held(&home->lock);
	if (v->conn && !v->kept)
		(*lpc_view_count(home, v->conn))--;
	v->conn = NULL;
}

/*
 * Does @mm still map all of @v, as @v mapped it? User space may have
 * unmapped or moved part of it and put something else there; that
 * something is none of our business. Called with the mmap lock held.
 */
bool lpc_view_intact(struct mm_struct *mm, const struct lpc_view_map *v)
{
	unsigned long addr = v->addr, end = v->addr + v->len;
	struct vm_area_struct *vma;

	while (addr < end) {
		vma = vma_lookup(mm, addr);
		if (!vma || vma->vm_file != v->file ||
		    vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT) !=
		    v->pgoff + ((addr - v->addr) >> PAGE_SHIFT))
			return false;
		addr = vma->vm_end;
	}
	return true;
}

/*
 * Unmap @v if it lives in the caller's address space and is still there.
 * vm_munmap() may fail for lack of memory (6.1's maple tree allocates to
 * unmap): it is tried once more, then the caller keeps @v tracked.
 *
 * Return: 0 if @v is not mapped here any more (or never was the caller's
 * to unmap), or vm_munmap()'s error.
 */
int lpc_view_unmap(const struct lpc_view_map *v)
{
	struct mm_struct *mm = current->mm;
	bool ours;
	int ret;

	if (!mm || mm != v->mm)
		return 0;
	mmap_read_lock(mm);
	ours = lpc_view_intact(mm, v);
	mmap_read_unlock(mm);
	if (!ours)
		return 0;
	ret = vm_munmap(v->addr, v->len);
	if (ret)
		ret = vm_munmap(v->addr, v->len);
	return ret;
}

/*
 * Track @v on @home again after an unmap failed, so that a release, a
 * reply or the port's close tries again; after the port's release there
 * is nothing left to try with, and the mapping is its process's. @v comes
 * back untagged and uncounted (lpc_view_unlink_locked() cleared its tag, and its
 * connection may have ended and gone since): the connection's end no
 * longer unmaps it, and a kept one is left to lpc_views_reap().
 */
void lpc_view_retrack(struct lpc_port *home, struct lpc_view_map *v)
{
	spin_lock(&home->lock);
	if (!home->views_closed) {
		if (v->kept)
			home->nr_kept++;
		list_add_tail(&v->entry, &home->views);
		v = NULL;
	}
	spin_unlock(&home->lock);
	if (v)
		lpc_view_map_free(v);
}

/*
 * Take @v off @home's list, with @home->lock held: it stops counting
 * against its connection, whose tag it loses (off the list, nothing would
 * clear it when the connection ends).
 */
void lpc_view_unlink_locked(struct lpc_port *home, struct lpc_view_map *v,
			    struct list_head *to)
{
	lockdep_assert_held(&home->lock);
	lpc_view_untag_locked(home, v);
	if (v->kept)
		home->nr_kept--;
	if (to)
		list_move_tail(&v->entry, to);
	else
		list_del(&v->entry);
}

/* Unmap (where we can) and free views taken off their port's list. */
void lpc_views_free(struct lpc_port *home, struct list_head *list)
{
	struct lpc_view_map *v, *tmp;

	list_for_each_entry_safe(v, tmp, list, entry) {
		list_del(&v->entry);
		if (lpc_view_unmap(v))
			lpc_view_retrack(home, v);
		else
			lpc_view_map_free(v);
	}
}

/*
 * Kept views of connections that ended while they were mapped here (the
 * connection's end unmaps only the ender's views): unmap the caller's,
 * before they hold up room for new ones.
 */
void lpc_views_reap(struct lpc_port *home)
{
	struct lpc_view_map *v, *tmp;
	LIST_HEAD(list);

	spin_lock(&home->lock);
	list_for_each_entry_safe(v, tmp, &home->views, entry)
		if (v->kept && !v->conn && v->mm == current->mm)
			lpc_view_unlink_locked(home, v, &list);
	spin_unlock(&home->lock);
	lpc_views_free(home, &list);
}

/* ---- views: unmapping ---- */

/**
 * lpc_view_unmap_request() - the views a request carried end with it
 * @port: the port the reply is sent on.
 * @id: the request's id.
 *
 * Called by the replier, with no lock held, once the request is out of
 * service (answered, or found abandoned).
 */
void lpc_view_unmap_request(struct lpc_port *port, u64 id)
{
	struct lpc_port *home = lpc_view_home(port);
	struct lpc_view_map *v, *tmp;
	LIST_HEAD(list);

	/* Most requests carry no view: skip the lock when there are none. */
	if (!id || list_empty(&home->views))
		return;
	spin_lock(&home->lock);
	list_for_each_entry_safe(v, tmp, &home->views, entry)
		if (v->id == id)
			lpc_view_unlink_locked(home, v, &list);
	spin_unlock(&home->lock);
	lpc_views_free(home, &list);
}

/**
 * lpc_ioc_view_release() - %LPC_IOC_VIEW_RELEASE
 * @port: the port the view was received on (or, for a server, its
 *	server communication port).
 * @uarg: user &struct lpc_view_release.
 * @usize: its size.
 *
 * Return: 0, -EINVAL (flags, padding), -ENOENT (no view of the caller's
 * address space is tracked at that address), -EFAULT.
 */
int lpc_ioc_view_release(struct lpc_port *port, void __user *uarg,
			 u32 usize)
{
	struct lpc_port *home = lpc_view_home(port);
	struct lpc_view_map *v, *found = NULL;
	struct lpc_view_release r;
	int ret;

	ret = lpc_copy_in(&r, sizeof(r), uarg, usize,
			  LPC_VIEW_RELEASE_SIZE_VER0);
	if (ret)
		return ret;
	if (r.flags || r.__pad)
		return -EINVAL;

	spin_lock(&home->lock);
	list_for_each_entry(v, &home->views, entry) {
		if (v->addr == r.addr && v->mm == current->mm) {
			lpc_view_unlink_locked(home, v, NULL);
			found = v;
			break;
		}
	}
	spin_unlock(&home->lock);
	if (!found)
		return -ENOENT;
	ret = lpc_view_unmap(found);
	if (ret) {
		lpc_view_retrack(home, found);
		return ret;
	}
	lpc_view_map_free(found);
	return 0;
}

/**
 * lpc_views_port_release() - a port closes: its views go
 * @port: the port, closing; nothing adds views to it any more.
 *
 * Views in the caller's address space are unmapped. Others (the fd was
 * passed on, or the owner is exiting and its mm is already gone) are only
 * forgotten: they are ordinary shared mappings their process can unmap,
 * and their memory goes with their connection (or now, if it ended).
 */
void lpc_views_port_release(struct lpc_port *port)
{
	struct lpc_view_map *v;
	LIST_HEAD(list);

	spin_lock(&port->lock);
	/*
	 * A connection whose end is still under way (another thread won its
	 * shutdown) has views here that its end will no longer find.
	 */
	list_for_each_entry(v, &port->views, entry)
		lpc_view_untag_locked(port, v);
	list_splice_init(&port->views, &list);
	port->nr_kept = 0;
	port->views_closed = true;
	spin_unlock(&port->lock);
	lpc_views_free(port, &list);
}

/* Unmap the caller's views of @conn tracked on @home; untag the others. */
void lpc_views_conn_end(struct lpc_port *home, struct lpc_conn *conn)
{
	struct lpc_view_map *v, *tmp;
	LIST_HEAD(list);

	spin_lock(&home->lock);
	list_for_each_entry_safe(v, tmp, &home->views, entry) {
		if (v->conn != conn)
			continue;
		lpc_view_untag_locked(home, v);
		if (current->mm && v->mm == current->mm)
			lpc_view_unlink_locked(home, v, &list);
	}
	/* Every counted view was on the list, tagged: none counts now. */
	WARN_ON_ONCE(*lpc_view_count(home, conn));
	spin_unlock(&home->lock);
	lpc_views_free(home, &list);
}
