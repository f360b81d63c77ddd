// SPDX-License-Identifier: GPL-2.0
/*
 * Views: the ranges of sections (section.c) that messages carry.
 *
 * A view (LPC_ATTR_VIEW) names a range of one of the connection's
 * sections. Once attached, the message holds the section's own file and a
 * reference to the section (lpc_section_pin()), whatever fd the sender
 * named it by. The receiver gets a struct file of its own, opened on the
 * section's inode with the view's access only (lpc_section_open_view()),
 * mapped (MAP_SHARED, nothing copied) or as an fd; that file holds the
 * section until its last fd and mapping are gone, so a section whose
 * connection ended is emptied only after the receiver let go of all it
 * was given (section.c, "Lifetime"), and a receiver never faults on a view
 * because its sender truncated the section (it cannot: sections are sealed
 * against shrinking) or went away.
 *
 * A view that is read-only (LPC_VIEW_READONLY, LPC_VIEW_IMMUTABLE or a
 * section sealed against writes) is opened read-only, so its mapping has
 * no VM_MAYWRITE and mprotect(PROT_WRITE) fails; an immutable view needs
 * F_SEAL_WRITE, so the sender cannot change the pages either. The receiver
 * shares no file offset or flags with anyone, and a read-only fd cannot
 * write or add seals.
 *
 * Mapped views are tracked on the port the receive was done on (the
 * connection port for a server, the client port for a client) until they
 * are unmapped: on reply to the request that carried them, on
 * %LPC_IOC_VIEW_RELEASE, when the connection ends or when the port closes.
 * A receiver asking for LPC_ATTR_VIEW_KEEP keeps its views past the reply
 * (up to max_kept_views per port), and a later view of the same pages, with
 * the same protection, on the same connection is handed the same mapping:
 * the mmap and munmap that cost most of a view's round trip happen once.
 *
 * Bounds: a sender must not fill its receiver's address space with views
 * the receiver has not released. The views that are not kept are counted
 * per connection and receiving side (conn->nr_client_views,
 * conn->nr_server_views), under the lock of the port they are listed on,
 * bound by max_conn_views; and every mapped view is charged to the sending
 * side's user (limits.c, max_views_per_user) until it is unmapped or
 * forgotten, which also bounds the views of connections that ended (they
 * stay mapped until the receiver lets them go). A view past either bound
 * is delivered unmapped, flagged %LPC_VIEW_DROPPED. Views as fds are not
 * counted: the receiver asked for them and pays for each fd itself.
 *
 * vm_munmap() works on current->mm only, so each of these unmaps the views
 * that live in the caller's address space; a view mapped elsewhere is left
 * to its process and only its tracking is freed when the port goes (the
 * mapping's file still holds the section: it never faults).
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

#include "view.h"
/* ---- views: receiving ---- */

static bool lpc_view_readonly(const struct lpc_msg_ext *ext)
{
	u32 seals = READ_ONCE(SHMEM_I(file_inode(ext->view_file))->seals);

	/* A shared writable mapping of a sealed section cannot be made. */
	return (ext->view_flags & (LPC_VIEW_READONLY | LPC_VIEW_IMMUTABLE)) ||
	       (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE));
}

/*
 * May one more view of @msg's connection be mapped through @home? With
 * @keep, a view that will be kept needs no room. Called with @home->lock
 * held. The view of an ended connection is not counted: nothing can be
 * sent on it any more.
 */
static bool lpc_view_has_room_locked(struct lpc_port *home, struct lpc_msg *msg,
				     bool keep)
{
	lockdep_assert_held(&home->lock);
	if (keep && home->nr_kept < lpc_kept_views_max())
		return true;
	return lpc_conn_ended(msg->conn) ||
	       *lpc_view_count(home, msg->conn) < lpc_conn_views_max();
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
	room = lpc_view_has_room_locked(home, msg, keep);
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
	int ret;

	v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	ret = lpc_view_charge(home, msg->conn, v);
	if (ret) {
		kfree(v);
		if (ret != -EDQUOT)
			return ret;
		/* The sender has as many views out as it may: a notice. */
		fput(file);
		lpc_view_set_dropped(out);
		return 0;
	}
	addr = vm_mmap(file, 0, ext->view_length, prot, MAP_SHARED,
		       ext->view_offset);
	if (IS_ERR_VALUE(addr)) {
		lpc_view_uncharge(v);
		kfree(v);
		return (int)addr;
	}
	v->file = file;
	v->mm = current->mm;
	mmgrab(v->mm);
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
		lpc_view_uncharge(v);
		kfree(v);
		return -ECONNRESET;
	}
	if (!lpc_view_has_room_locked(home, msg, keep)) {
		spin_unlock(&home->lock);
		/* Unmapped, or if even that failed, left for close to retry. */
		if (lpc_view_unmap(v))
			lpc_view_retrack(home, v);
		else
			lpc_view_map_free(v);
		lpc_view_set_dropped(out);
		return 0;
	}
	if (keep && home->nr_kept < lpc_kept_views_max()) {
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
			lpc_view_unlink_locked(home, v, NULL);
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

	file = lpc_section_open_view(ext->view_file, readonly);
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
			lpc_view_unlink_locked(home, v, NULL);
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
