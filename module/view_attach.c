// SPDX-License-Identifier: GPL-2.0
/*
 * Views on their way: the view of a section (section.c) that a message
 * carries, from the send that attaches it to the receive that delivers it
 * (view.c) or the end that drops it.
 *
 * Attaching checks the sender's fd and rights once; the message then
 * holds the section's own file and a reference to the section, whatever
 * fd the sender named it by, so nothing the sender does to its fd after
 * the send changes what the receiver gets.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/shmem_fs.h>
#include <uapi/linux/fcntl.h>

#include "section.h"

/*
 * Check the view of @file that @view names; on success *@secp is its
 * section, pinned (lpc_section_pin()). Sections cannot shrink (they are
 * created with F_SEAL_SHRINK), so a range found inside one stays inside.
 */
static int lpc_view_check(struct lpc_conn *conn, struct file *file,
			  const struct lpc_view *view,
			  struct lpc_section **secp)
{
	struct inode *inode = file_inode(file);
	struct lpc_section *sec;
	loff_t size;
	int ret = 0;

	/* A section of an ended connection is no section of it: -EINVAL. */
	sec = lpc_section_pin(conn, inode, &size);
	if (!sec)
		return -EINVAL;
	if (view->offset > size || view->length > size - view->offset)
		ret = -ERANGE;
	/* Seals are only ever added, so one seen here stays. */
	else if ((view->flags & LPC_VIEW_IMMUTABLE) &&
		 !(READ_ONCE(SHMEM_I(inode)->seals) & F_SEAL_WRITE))
		ret = -EPERM;
	/* Nobody passes on write access they do not have. */
	else if (!(view->flags & (LPC_VIEW_READONLY | LPC_VIEW_IMMUTABLE)) &&
		 !(file->f_mode & FMODE_WRITE))
		ret = -EACCES;
	if (ret) {
		lpc_section_put(sec);
		return ret;
	}
	*secp = sec;
	return 0;
}

/**
 * lpc_view_attach() - attach a view to a message being sent
 * @conn: the connection the message travels on (a reply travels on its
 *	request's, whichever port sends it).
 * @ext: the message's attributes being built.
 * @view: the sender's &struct lpc_view.
 *
 * Return: 0, -EBADF (@section_fd is no fd), -EINVAL (not a section of
 * this connection, unknown flags, @addr set, @length 0, @offset not
 * page-aligned), -ERANGE (past the end of the section), -EPERM
 * (%LPC_VIEW_IMMUTABLE on a section not sealed with F_SEAL_WRITE), -EACCES
 * (a writable view through a read-only fd).
 */
int lpc_view_attach(struct lpc_conn *conn, struct lpc_msg_ext *ext,
		    const struct lpc_view *view)
{
	struct lpc_section *sec;
	struct file *file;
	int ret;

	if (view->addr || (view->flags & ~LPC_VIEW_FLAGS))
		return -EINVAL;
	if (!view->length || !PAGE_ALIGNED(view->offset))
		return -EINVAL;
	if (!conn || !ext)
		return -EINVAL;
	file = fget(view->section_fd);
	if (!file)
		return -EBADF;
	ret = lpc_view_check(conn, file, view, &sec);
	if (ret) {
		fput(file);
		return ret;
	}
	/*
	 * The message carries the section's own file, not the sender's: the
	 * rights were checked on the sender's above, and the receiver gets
	 * its own file made from the view's flags (lpc_section_open_view()).
	 */
	ext->view_file = get_file(lpc_section_file(sec));
	fput(file);
	ext->view_offset = view->offset;
	ext->view_length = view->length;
	ext->view_flags = view->flags;
	return 0;
}

/**
 * lpc_view_drop() - drop a message's view, delivered or not
 * @ext: a message's attributes; may have no view, or be NULL.
 *
 * Drops the file and the section reference lpc_view_attach() took; the
 * last one empties the section (lpc_section_put()): no lock may be held.
 */
void lpc_view_drop(struct lpc_msg_ext *ext)
{
	struct lpc_section *sec;

	if (ext && ext->view_file) {
		/* Ours while the reference is: see lpc_view_attach(). */
		sec = lpc_section_of(ext->view_file);
		fput(ext->view_file);
		ext->view_file = NULL;
		lpc_section_put(sec);
	}
}
