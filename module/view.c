// SPDX-License-Identifier: GPL-2.0
/*
 * Views: the ranges of sections (section.c) that messages carry.
 *
 * A view (LPC_ATTR_VIEW) names a range of one of the connection's
 * sections. Once attached, the message holds the section's own file and a
 * reference to the section (lpc_section_pin()), whatever fd the sender
 * named it by; a view mapped into a receiver holds another until it is
 * unmapped or forgotten, so a section whose connection ended is emptied
 * only after the last of those (section.c, "Lifetime"), and a receiver
 * never faults on a view because its sender truncated the section (it
 * cannot: sections are sealed against shrinking) or went away.
 *
 * The receiver gets it mapped (MAP_SHARED, nothing copied) or as an fd. A
 * view that is read-only (LPC_VIEW_READONLY, LPC_VIEW_IMMUTABLE or a
 * section sealed against writes) is mapped from a struct file opened
 * read-only on the same inode, so the mapping has no VM_MAYWRITE and
 * mprotect(PROT_WRITE) fails; an immutable view needs F_SEAL_WRITE, so the
 * sender cannot change the pages either. A view delivered as an fd is
 * always a struct file of its own, opened on the section's inode with the
 * view's access only: the receiver shares no file offset or flags with
 * anyone, and a read-only one cannot write or add seals. An fd holds no
 * reference to the section: the receiver of one handles the file itself
 * (after the connection ends, the section is emptied once no mapped view
 * holds it, and reads of it come back short).
 *
 * Mapped views are tracked on the port the receive was done on (the
 * connection port for a server, the client port for a client) until they
 * are unmapped: on reply to the request that carried them, on
 * %LPC_IOC_VIEW_RELEASE, when the connection ends or when the port closes.
 * A receiver asking for LPC_ATTR_VIEW_KEEP keeps its views past the reply
 * (up to max_kept_views per port), and a later view of the same pages, with
 * the same protection, on the same connection is handed the same mapping:
 * the mmap and munmap that cost most of a view's round trip happen once.
 * The other views are counted per connection and receiving side
 * (conn->nr_client_views, conn->nr_server_views), under the lock of the
 * port they are listed on, and bound by max_conn_views: a sender cannot
 * fill its receiver's address space with views the receiver has not
 * released. A view past the bound is delivered unmapped, flagged
 * %LPC_VIEW_DROPPED.
 * vm_munmap() works on current->mm only, so each of these unmaps the views
 * that live in the caller's address space; a view mapped elsewhere is left
 * to its process and only its tracking is freed when the port goes (and
 * with it its hold on the section: once the connection ended too, the
 * section is emptied and that mapping faults).
 */
#include <linux/fdtable.h>
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

static unsigned int max_kept_views = 16;
module_param(max_kept_views, uint, 0644);
MODULE_PARM_DESC(max_kept_views,
		 "views one port keeps mapped past their reply (default 16)");

static unsigned int max_conn_views = 64;
module_param(max_conn_views, uint, 0644);
MODULE_PARM_DESC(max_conn_views,
		 "views of one connection mapped in a receiver (default 64)");

/**
 * struct lpc_view_map - a view mapped into a receiver
 * @entry: on the receiving port's views (protected by that port's lock).
 * @conn: the connection it came on, or NULL once that ended or once it
 *	left the port's list (protected by the port's lock; a tag for
 *	comparison and counting, holds no reference: the connection's end
 *	clears every tag on the list, under the same lock, before the
 *	connection can go). A view with a tag that is not @kept counts in
 *	the connection's nr_client_views or nr_server_views.
 * @mm: the address space it is mapped in (mmgrab()ed: compared, never
 *	used to reach memory).
 * @file: the file mapped (a reference), to recognise the mapping.
 * @sec: the section mapped (a reference: it is not emptied while mapped).
 * @addr: where it was mapped.
 * @len: bytes mapped, page-aligned.
 * @pgoff: the file page mapped at @addr.
 * @id: the request that carried it, or 0 (and always 0 when @kept).
 * @readonly: mapped without write access (invariant).
 * @kept: outlives its reply and may be handed out again (invariant;
 *	counted in the port's nr_kept while on its list).
 */
struct lpc_view_map {
	struct list_head entry;
	struct lpc_conn *conn;
	struct mm_struct *mm;
	struct file *file;
	struct lpc_section *sec;
	unsigned long addr;
	unsigned long len;
	pgoff_t pgoff;
	u64 id;
	bool readonly;
	bool kept;
};

/* ---- views: receiving ---- */

/* Views are tracked where requests are received and replies looked up. */
static struct lpc_port *lpc_view_home(struct lpc_port *port)
{
	struct lpc_conn *only;

	return lpc_service_port(port, &only);
}

static bool lpc_view_readonly(const struct lpc_msg_ext *ext)
{
	u32 seals = READ_ONCE(SHMEM_I(file_inode(ext->view_file))->seals);

	/* A shared writable mapping of a sealed section cannot be made. */
	return (ext->view_flags & (LPC_VIEW_READONLY | LPC_VIEW_IMMUTABLE)) ||
	       (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE));
}

/*
 * The file the receiver gets, from the section's own (@file). For an fd, a
 * new struct file on the same inode, opened with the view's access and
 * the receiver's credentials: its offset and flags are the receiver's
 * alone, and a read-only one cannot be written, mapped writable or
 * sealed. For a mapping, the section's own file if the view is writable
 * (a mapping shares no offset or flags), else a new read-only one, so
 * that the mapping cannot be made writable.
 */
static struct file *lpc_view_file(struct file *file, bool readonly, bool fd)
{
	if (fd || readonly)
		return dentry_open(&file->f_path,
				   (readonly ? O_RDONLY : O_RDWR) | O_LARGEFILE,
				   current_cred());
	return get_file(file);
}

/* Forget @v, unmapped or not ours to unmap; may empty its section. */
static void lpc_view_map_free(struct lpc_view_map *v)
{
	fput(v->file);
	mmdrop(v->mm);
	lpc_section_put(v->sec);
	kfree(v);
}

/*
 * The count of @conn's views mapped into the side whose views @home lists:
 * the client's on its port, the server's on the connection port. Guarded
 * by @home->lock, as the list is.
 */
static u32 *lpc_view_count(struct lpc_port *home, struct lpc_conn *conn)
{
	return home->kind == LPC_PORT_CLIENT ? &conn->nr_client_views :
					       &conn->nr_server_views;
}

/*
 * Clear @v's connection tag, and with it @v's place in the connection's
 * count, with @home->lock held. Views kept past their reply are bounded by
 * max_kept_views instead and were never counted.
 */
static void lpc_view_untag(struct lpc_port *home, struct lpc_view_map *v)
{
	lockdep_assert_held(&home->lock);
	if (v->conn && !v->kept)
		(*lpc_view_count(home, v->conn))--;
	v->conn = NULL;
}

/*
 * May one more view of @msg's connection be mapped through @home? With
 * @keep, a view that will be kept needs no room. Called with @home->lock
 * held. The view of an ended connection is not counted: nothing can be
 * sent on it any more.
 */
static bool lpc_view_has_room(struct lpc_port *home, struct lpc_msg *msg,
			      bool keep)
{
	lockdep_assert_held(&home->lock);
	if (keep && home->nr_kept < READ_ONCE(max_kept_views))
		return true;
	return lpc_conn_ended(msg->conn) ||
	       *lpc_view_count(home, msg->conn) < READ_ONCE(max_conn_views);
}

/*
 * Does @mm still map all of @v, as @v mapped it? User space may have
 * unmapped or moved part of it and put something else there; that
 * something is none of our business. Called with the mmap lock held.
 */
static bool lpc_view_intact(struct mm_struct *mm, const struct lpc_view_map *v)
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

/* Unmap @v if it lives in the caller's address space and is still there. */
/*
 * Unmap @v if it lives in the caller's address space and is still there.
 * vm_munmap() may fail for lack of memory (6.1's maple tree allocates to
 * unmap): it is tried once more, then the caller keeps @v tracked.
 *
 * Return: 0 if @v is not mapped here any more (or never was the caller's
 * to unmap), or vm_munmap()'s error.
 */
static int lpc_view_unmap(const struct lpc_view_map *v)
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
 * back untagged and uncounted (lpc_view_unlink() cleared its tag, and its
 * connection may have ended and gone since): the connection's end no
 * longer unmaps it, and a kept one is left to lpc_views_reap().
 */
static void lpc_view_retrack(struct lpc_port *home, struct lpc_view_map *v)
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
static void lpc_view_unlink(struct lpc_port *home, struct lpc_view_map *v,
			    struct list_head *to)
{
	lockdep_assert_held(&home->lock);
	lpc_view_untag(home, v);
	if (v->kept)
		home->nr_kept--;
	if (to)
		list_move_tail(&v->entry, to);
	else
		list_del(&v->entry);
}

/* Unmap (where we can) and free views taken off their port's list. */
static void lpc_views_free(struct lpc_port *home, struct list_head *list)
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

/* The view is not mapped: its receiver learns that, and what it was. */
static void lpc_view_set_dropped(struct lpc_view *out)
{
	out->section_fd = -1;
	out->addr = 0;
	out->flags |= LPC_VIEW_DROPPED;
}

/*
 * Is there room for one more view of @msg's connection on @home? Looked at
 * before the view is mapped, so that a view past the bound costs no mmap
 * and munmap; lpc_view_map() decides, under the same lock as it counts.
 */
static bool lpc_view_room(struct lpc_port *home, struct lpc_msg *msg,
			  bool keep)
{
	bool room;

	spin_lock(&home->lock);
	room = lpc_view_has_room(home, msg, keep);
	spin_unlock(&home->lock);
	return room;
}

/*
 * Map @file's view into the caller and track it on @home; @keep asks for
 * a kept view, which it is if @home has room for one more. A view that
 * finds its connection's count full once mapped (another receiver took the
 * last room since lpc_view_deliver() looked) is unmapped again and comes
 * back with %LPC_VIEW_DROPPED; @file is then put here.
 */
static int lpc_view_map(struct lpc_port *home, struct lpc_msg *msg,
			struct file *file, bool readonly, bool keep,
			struct lpc_view *out)
{
	struct lpc_msg_ext *ext = msg->ext;
	unsigned long prot = PROT_READ | (readonly ? 0 : PROT_WRITE);
	struct lpc_view_map *v;
	unsigned long addr;

	v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	addr = vm_mmap(file, 0, ext->view_length, prot, MAP_SHARED,
		       ext->view_offset);
	if (IS_ERR_VALUE(addr)) {
		kfree(v);
		return (int)addr;
	}
	v->file = file;
	v->mm = current->mm;
	mmgrab(v->mm);
	/* The message's reference keeps the section until here. */
	v->sec = lpc_section_of(ext->view_file);
	lpc_section_get(v->sec);
	v->addr = addr;
	v->len = PAGE_ALIGN(ext->view_length);
	v->pgoff = ext->view_offset >> PAGE_SHIFT;
	v->readonly = readonly;

	spin_lock(&home->lock);
	if (home->views_closed) {
		/* The port's release took its views already: not this one. */
		spin_unlock(&home->lock);
		lpc_view_unmap(v);
		/* The file stays the caller's, to put on this error. */
		mmdrop(v->mm);
		lpc_section_put(v->sec);
		kfree(v);
		return -ECONNRESET;
	}
	if (!lpc_view_has_room(home, msg, keep)) {
		spin_unlock(&home->lock);
		/* Unmapped, or if even that failed, left for close to retry. */
		if (lpc_view_unmap(v))
			lpc_view_retrack(home, v);
		else
			lpc_view_map_free(v);
		lpc_view_set_dropped(out);
		return 0;
	}
	if (keep && home->nr_kept < READ_ONCE(max_kept_views)) {
		v->kept = true;
		home->nr_kept++;
	} else if (msg->type == LPC_MSG_REQUEST) {
		v->id = msg->id;
	}
	/*
	 * Pairs with lpc_views_conn_end(): an ended connection is no tag and
	 * counts nothing; a live one's end will find this view on the list.
	 */
	if (!lpc_conn_ended(msg->conn)) {
		v->conn = msg->conn;
		if (!v->kept)
			(*lpc_view_count(home, v->conn))++;
	}
	list_add_tail(&v->entry, &home->views);
	spin_unlock(&home->lock);

	out->section_fd = -1;
	out->addr = addr;
	if (v->kept)
		out->flags |= LPC_VIEW_KEPT;
	return 0;
}

/*
 * Kept views of connections that ended while they were mapped here (the
 * connection's end unmaps only the ender's views): unmap the caller's,
 * before they hold up room for new ones.
 */
static void lpc_views_reap(struct lpc_port *home)
{
	struct lpc_view_map *v, *tmp;
	LIST_HEAD(list);

	spin_lock(&home->lock);
	list_for_each_entry_safe(v, tmp, &home->views, entry)
		if (v->kept && !v->conn && v->mm == current->mm)
			lpc_view_unlink(home, v, &list);
	spin_unlock(&home->lock);
	lpc_views_free(home, &list);
}

/*
 * Hand out a kept view of the same pages if the caller still has it
 * mapped. One that user space unmapped or replaced is forgotten. The mmap
 * lock, taken before the port lock, keeps the mapping from changing while
 * it is checked; a concurrent release by another thread of the receiver
 * is that receiver's own race.
 *
 * Return: true if @out now holds the kept view's address.
 */
static bool lpc_view_reuse(struct lpc_port *home, struct lpc_msg *msg,
			   bool readonly, struct lpc_view *out)
{
	struct lpc_msg_ext *ext = msg->ext;
	struct inode *inode = file_inode(ext->view_file);
	pgoff_t pgoff = ext->view_offset >> PAGE_SHIFT;
	unsigned long len = PAGE_ALIGN(ext->view_length);
	struct mm_struct *mm = current->mm;
	struct lpc_view_map *v, *stale = NULL;
	unsigned long addr = 0;

	if (!mm)
		return false;
	mmap_read_lock(mm);
	spin_lock(&home->lock);
	list_for_each_entry(v, &home->views, entry) {
		if (!v->kept || v->mm != mm || v->conn != msg->conn ||
		    file_inode(v->file) != inode || v->pgoff != pgoff ||
		    v->len != len || v->readonly != readonly)
			continue;
		if (lpc_view_intact(mm, v)) {
			addr = v->addr;
		} else {
			lpc_view_unlink(home, v, NULL);
			stale = v;
		}
		break;
	}
	spin_unlock(&home->lock);
	mmap_read_unlock(mm);
	if (stale)
		lpc_view_map_free(stale);
	if (!addr)
		return false;
	out->section_fd = -1;
	out->addr = addr;
	out->flags |= LPC_VIEW_KEPT;
	return true;
}

static int lpc_view_install(struct file *file, struct lpc_view *out)
{
	int fd = get_unused_fd_flags(O_CLOEXEC);

	if (fd < 0)
		return fd;
	fd_install(fd, file);
	out->section_fd = fd;
	out->addr = 0;
	return 0;
}

/**
 * lpc_view_deliver() - hand a message's view to its receiver
 * @port: the port the receive is done on.
 * @msg: the message, whose ext->view_file is set.
 * @out: filled: the section fd or the address, and the view's flags
 *	(with %LPC_VIEW_READONLY if it is mapped read-only), offset and
 *	length.
 * @want: the receiver's %LPC_ATTR_* flags: %LPC_ATTR_VIEW_FD for an fd,
 *	%LPC_ATTR_VIEW_KEEP for a kept mapping.
 * @fresh: out: a new mapping or fd was made (not a kept view handed out
 *	again, nor a view dropped), for lpc_view_undeliver().
 *
 * Runs in the receiver, with no lock held: it maps into current->mm or
 * installs an fd in current's table (close-on-exec). The view stays in
 * @msg: the caller drops it (lpc_view_drop()) once the receiver has
 * learnt of it, or takes the delivery back (lpc_view_undeliver()).
 *
 * A view to be mapped when the receiver already has max_conn_views views
 * of the connection mapped is not: @out says so with %LPC_VIEW_DROPPED,
 * no address and no fd, and this returns 0, so that the message itself
 * is delivered. Views as fds and views that will be kept do not count.
 *
 * Return: 0, -ENOMEM, -EMFILE, or what mmap fails with.
 */
int lpc_view_deliver(struct lpc_port *port, struct lpc_msg *msg,
		     struct lpc_view *out, u32 want, bool *fresh)
{
	struct lpc_port *home = lpc_view_home(port);
	bool keep = want & LPC_ATTR_VIEW_KEEP;
	struct lpc_msg_ext *ext = msg->ext;
	struct file *file;
	bool readonly;
	int ret;

	*fresh = false;
	if (!ext || !ext->view_file)
		return -EINVAL;
	readonly = lpc_view_readonly(ext);
	memset(out, 0, sizeof(*out));
	out->flags = ext->view_flags | (readonly ? LPC_VIEW_READONLY : 0);
	out->offset = ext->view_offset;
	out->length = ext->view_length;
	if (keep) {
		if (lpc_view_reuse(home, msg, readonly, out))
			return 0;
		lpc_views_reap(home);
	}

	if (!(want & LPC_ATTR_VIEW_FD) && !lpc_view_room(home, msg, keep)) {
		lpc_view_set_dropped(out);
		return 0;
	}

	file = lpc_view_file(ext->view_file, readonly, want & LPC_ATTR_VIEW_FD);
	if (IS_ERR(file))
		return PTR_ERR(file);
	if (want & LPC_ATTR_VIEW_FD)
		ret = lpc_view_install(file, out);
	else
		ret = lpc_view_map(home, msg, file, readonly, keep, out);
	if (ret) {
		fput(file);
		return ret;
	}
	*fresh = !(out->flags & LPC_VIEW_DROPPED);
	return 0;
}

/**
 * lpc_view_undeliver() - take back a view the receiver will not learn of
 * @port: the port the receive was done on.
 * @out: what lpc_view_deliver() filled in.
 * @fresh: what it said: a new mapping or fd (a kept view handed out again
 *	is left as it was).
 *
 * The receive failed after the view was delivered (its attributes could
 * not be written back): the view stays in the message, for the receive
 * that takes the message next.
 */
void lpc_view_undeliver(struct lpc_port *port, const struct lpc_view *out,
			bool fresh)
{
	struct lpc_port *home = lpc_view_home(port);
	struct lpc_view_map *v, *found = NULL;

	if (!fresh)
		return;
	if (out->section_fd >= 0) {
		close_fd(out->section_fd);
		return;
	}
	spin_lock(&home->lock);
	list_for_each_entry(v, &home->views, entry) {
		if (v->addr == out->addr && v->mm == current->mm) {
			lpc_view_unlink(home, v, NULL);
			found = v;
			break;
		}
	}
	spin_unlock(&home->lock);
	if (found && lpc_view_unmap(found))
		lpc_view_retrack(home, found);
	else if (found)
		lpc_view_map_free(found);
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
			lpc_view_unlink(home, v, &list);
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
int lpc_ioc_view_release(struct lpc_port *port, void __user *uarg, u32 usize)
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
			lpc_view_unlink(home, v, NULL);
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
		lpc_view_untag(port, v);
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
		lpc_view_untag(home, v);
		if (current->mm && v->mm == current->mm)
			lpc_view_unlink(home, v, &list);
	}
	/* Every counted view was on the list, tagged: none counts now. */
	WARN_ON_ONCE(*lpc_view_count(home, conn));
	spin_unlock(&home->lock);
	lpc_views_free(home, &list);
}
