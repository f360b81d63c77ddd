// SPDX-License-Identifier: GPL-2.0
/*
 * The file operations of a section's files (section.c): shmem's, with two
 * changes - no hole can be punched, and a receiver's file holds its
 * section until it is released.
 *
 * Every file of a section's inode has one of these: a copy of shmem's own
 * file operations (shmem knows its files by their address-space
 * operations, which stay shmem's, so seals, mmap and splice work as on a
 * memfd), owned by this module. lpc_section_fops is the section's own
 * file's and the inode's (a reopen through /proc gets it); lpc_view_fops
 * is a receiver's file's, which holds a reference to the section. They are
 * made once, by lpc_section_init(), never change, and are freed at module
 * exit, which no file with them can outlive (they hold the module).
 *
 * The copies cannot be const (they are made at load from a table shmem
 * does not export): the lint lets this file alone have non-const file
 * operations (selftests/qemu/lint.sh).
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/falloc.h>
#include <linux/module.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>

#include "section.h"

static const struct file_operations *lpc_shmem_fops;
static const struct file_operations *lpc_section_fops;
static const struct file_operations *lpc_view_fops;

/*
 * A section's pages are committed for life (lpc_section_commit()): a hole
 * punched by fallocate() or MADV_REMOVE would be refilled, by a fault or
 * a write, charged to whoever touched it first. Only allocation, which
 * finds every page present and changes nothing, is passed on.
 */
static long lpc_section_fallocate(struct file *file, int mode, loff_t offset,
				  loff_t len)
{
	if (mode & ~FALLOC_FL_KEEP_SIZE)
		return -EPERM;
	return lpc_shmem_fops->fallocate(file, mode, offset, len);
}

/* A receiver's file is gone, and with it its hold on the section. */
static int lpc_view_file_release(struct inode *inode, struct file *file)
{
	lpc_section_put(file->private_data);
	return 0;
}

/**
 * lpc_section_init() - learn shmem's file operations, at module load
 *
 * shmem's table is not exported; any shmem file has it.
 *
 * Return: 0, or the error of creating a shmem file.
 */
int __init lpc_section_init(void)
{
	struct file *file = shmem_file_setup("lpc-section", 0, VM_NORESERVE);
	struct file_operations *fops;

	if (IS_ERR(file))
		return PTR_ERR(file);
	lpc_shmem_fops = file->f_op;
	fput(file);
	/* Nothing here wraps a ->release: there must be none to call. */
	if (WARN_ON(lpc_shmem_fops->release || !lpc_shmem_fops->fallocate))
		return -EINVAL;
	fops = kcalloc(2, sizeof(*fops), GFP_KERNEL);
	if (!fops)
		return -ENOMEM;
	fops[0] = *lpc_shmem_fops;
	fops[0].owner = THIS_MODULE;
	fops[0].fallocate = lpc_section_fallocate;
	fops[1] = fops[0];
	fops[1].release = lpc_view_file_release;
	lpc_section_fops = &fops[0];
	lpc_view_fops = &fops[1];
	return 0;
}

/* At module exit: no section file is left (each holds the module). */
void lpc_section_exit(void)
{
	kfree(lpc_section_fops);
}

/*
 * Give @file @fops, and the module reference that file operations of a
 * module need while any file has them (dropped by __fput()).
 */
static int lpc_section_set_fops(struct file *file,
				const struct file_operations *fops)
{
	fops = fops_get(fops);
	if (!fops)
		return -ENODEV;
	replace_fops(file, fops);
	return 0;
}

/**
 * lpc_section_adopt() - make a new section's own file and inode lpc's
 * @file: the section's shmem file, known to nobody else yet.
 *
 * Return: 0 or -ENODEV (the module is going away).
 */
int lpc_section_adopt(struct file *file)
{
	struct inode *inode = file_inode(file);
	int ret;

	ret = lpc_section_set_fops(file, lpc_section_fops);
	if (ret)
		return ret;
	/* Reopens through /proc get lpc's operations too. */
	inode_lock(inode);
	inode->i_fop = lpc_section_fops;
	inode_unlock(inode);
	return 0;
}

/**
 * lpc_section_open_view() - a file of a section for a view's receiver
 * @file: the section's own file, as a message carries it; the caller
 *	holds a reference to its section (the message's).
 * @readonly: open it read-only.
 *
 * A new struct file on the section's inode, opened with the view's access
 * and the receiver's credentials: its offset and flags are the receiver's
 * alone, and a read-only one cannot be written, mapped writable or sealed.
 * It holds a reference to the section until its last fd and mapping are
 * gone, so the pages stay however the connection ends.
 *
 * Return: the file, or an ERR_PTR() from opening it.
 */
struct file *lpc_section_open_view(struct file *file, bool readonly)
{
	struct lpc_section *sec = lpc_section_of(file);
	struct file *view;
	int ret;

	view = dentry_open(&file->f_path,
			   (readonly ? O_RDONLY : O_RDWR) | O_LARGEFILE,
			   current_cred());
	if (IS_ERR(view))
		return view;
	ret = lpc_section_set_fops(view, lpc_view_fops);
	if (ret) {
		fput(view);
		return ERR_PTR(ret);
	}
	lpc_section_get(sec);
	view->private_data = sec;
	return view;
}
