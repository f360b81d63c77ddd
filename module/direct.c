// SPDX-License-Identifier: GPL-2.0
/*
 * Direct access to a requester's declared memory.
 *
 * A request may declare up to %LPC_MAX_RANGES ranges of its sender's
 * memory, each readable and/or writable by the receiver (attr.c validates
 * and stores them in msg->ext). While the request is in service, the
 * receiver copies to or from them with %LPC_IOC_DIRECT_READ and
 * %LPC_IOC_DIRECT_WRITE, never outside them.
 *
 * The copy goes through a kernel bounce buffer, a chunk at a time: the
 * requester's pages are pinned (FOLL_PIN, never FOLL_FORCE, so its own
 * page protections hold) only while a chunk is copied to or from the
 * buffer, and no mmap lock is held while the caller's buffer is touched.
 * Each chunk takes a fresh user reference on the requester's address
 * space and checks that the request is still in service, so a requester
 * that exits, gives up or is answered mid-copy stops the copy at the next
 * chunk (-ESRCH, -ECANCELED, -ENOENT, or the bytes done so far) and its
 * memory is not held beyond one chunk. A chunk that has started is
 * waited for: the reply, a cancel and a drain do not let the requester
 * learn that its request is over before the chunk is done, so its memory
 * never changes, and is never read, after that (lpc_msg_copy_begin()).
 *
 * Between chunks the copy holds a reference to the request's attributes
 * (&struct lpc_msg_ext: the ranges, the address space), not to the
 * request: a reply may replace the request's attributes meanwhile, and
 * those the copy uses stay alive and unchanged until it lets go.
 *
 * The address space is the one recorded when the request was sent: a
 * requester that execve()s another program, perhaps a set-uid one, takes
 * its new memory out of reach.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "internal.h"

/* Bytes copied per pin of the requester's pages. */
#define LPC_DIRECT_CHUNK	(16 * PAGE_SIZE)

/**
 * struct lpc_direct_op - one %LPC_IOC_DIRECT_READ or _WRITE in progress
 * @inbox: the port whose service tree holds the request.
 * @only: the connection the request must be on, or NULL.
 * @id: the request.
 * @ext: the request's attributes (a reference of the copy's own).
 * @write: into the requester.
 */
struct lpc_direct_op {
	struct lpc_port *inbox;
	struct lpc_conn *only;
	u64 id;
	struct lpc_msg_ext *ext;
	bool write;
};

/*
 * Copy up to @len bytes between @kbuf and @mm at @addr, within one chunk.
 * Return: bytes copied (fewer at an unmapped or protected page), or
 * -errno if not even the first page could be pinned.
 */
static long lpc_copy_remote(struct mm_struct *mm, unsigned long addr,
			    void *kbuf, size_t len, bool write)
{
	struct page *pages[LPC_DIRECT_CHUNK / PAGE_SIZE];
	unsigned long off = offset_in_page(addr);
	long nr, i;
	size_t done = 0;

	nr = DIV_ROUND_UP(off + len, PAGE_SIZE);
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	nr = lpc_pin_remote(mm, addr & PAGE_MASK, nr,
			    write ? FOLL_WRITE : 0, pages);
	mmap_read_unlock(mm);
	if (nr <= 0)
		return nr ?: -EFAULT;

	for (i = 0; i < nr && done < len; i++) {
		size_t n = min_t(size_t, len - done, PAGE_SIZE - off);
		void *kaddr = kmap_local_page(pages[i]);

		if (write)
			memcpy(kaddr + off, kbuf + done, n);
		else
			memcpy(kbuf + done, kaddr + off, n);
		kunmap_local(kaddr);
		done += n;
		off = 0;
	}
	unpin_user_pages_dirty_lock(pages, nr, write);
	return done;
}

/* One chunk: the caller's buffer <-> @kbuf <-> the requester. */
static long lpc_direct_chunk(const struct lpc_direct_op *op, u64 addr,
			     void __user *ubuf, void *kbuf, size_t len)
{
	/*
	 * The address space recorded when the request was sent: an execve()
	 * since (a new mm) or an exit (no user left) puts it out of reach.
	 */
	struct mm_struct *mm = op->ext->requester_mm;
	struct lpc_msg *msg;
	long n = -ESRCH;

	if (op->write && copy_from_user(kbuf, ubuf, len))
		return -EFAULT;
	/* The request cannot end, for its requester, before copy_end. */
	msg = lpc_msg_copy_begin(op->inbox, op->id, op->only, op->ext);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (mm && mmget_not_zero(mm)) {
		n = lpc_copy_remote(mm, addr, kbuf, len, op->write);
		mmput(mm);
	}
	lpc_msg_copy_end(msg);
	if (!op->write && n > 0 && copy_to_user(ubuf, kbuf, n))
		return -EFAULT;
	return n;
}

/*
 * Copy @len bytes, chunk by chunk. Like read(2), a copy cut short by a
 * fault, a signal or the requester going away returns the bytes done so
 * far; the error comes only when nothing was copied. A chunk being copied
 * when the request is answered completes first: the reply waits.
 */
static long lpc_direct_copy(const struct lpc_direct_op *op, u64 addr,
			    void __user *ubuf, size_t len)
{
	size_t done = 0;
	long ret = 0;
	void *kbuf;

	kbuf = kvmalloc(min_t(size_t, len, LPC_DIRECT_CHUNK),
			GFP_KERNEL_ACCOUNT);
	if (!kbuf)
		return -ENOMEM;
	while (done < len) {
		size_t n = min_t(size_t, len - done,
				 LPC_DIRECT_CHUNK - offset_in_page(addr + done));

		ret = lpc_direct_chunk(op, addr + done, ubuf + done, kbuf, n);
		if (ret <= 0)
			break;
		done += ret;
		if ((size_t)ret < n) {
			ret = -EFAULT;
			break;
		}
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	kvfree(kbuf);
	return done ? done : ret;
}

/* The range @d names, if the request has it and allows the access. */
static int lpc_direct_range(const struct lpc_msg_ext *ext,
			    const struct lpc_direct *d, bool write,
			    const struct lpc_range **rp)
{
	const struct lpc_range *r;

	if (d->range >= ext->nr_ranges)
		return -EINVAL;
	r = &ext->ranges[d->range];
	if (!(r->access & (write ? LPC_ACCESS_WRITE : LPC_ACCESS_READ)))
		return -EACCES;
	if (d->offset > r->length || d->len > r->length - d->offset)
		return -ERANGE;
	*rp = r;
	return 0;
}

/**
 * lpc_direct() - %LPC_IOC_DIRECT_READ and %LPC_IOC_DIRECT_WRITE
 * @port: the port the request was received on, or for a server its
 *	server communication port.
 * @uarg: user &struct lpc_direct.
 * @usize: its size.
 * @write: copy from the caller into the requester.
 *
 * At most MAX_RW_COUNT bytes move per call.
 *
 * Return: bytes copied, or -EINVAL (flags, bad range index, no ranges),
 * -ENOENT (no such request in service), -ECANCELED (the requester gave
 * up), -ESRCH (it exited), -EACCES (access not declared), -ERANGE
 * (outside the range), -EFAULT, -EINTR, -ENOMEM.
 */
int lpc_direct(struct lpc_port *port, void __user *uarg, u32 usize,
	       bool write)
{
	struct lpc_direct_op op = { .write = write };
	const struct lpc_range *r;
	struct lpc_direct d;
	long ret;

	ret = lpc_copy_in(&d, sizeof(d), uarg, usize, LPC_DIRECT_SIZE_VER0);
	if (ret)
		return ret;
	if (d.flags)
		return -EINVAL;
	op.inbox = lpc_service_port(port, &op.only);
	op.id = d.id;
	op.ext = lpc_msg_get_ext(op.inbox, d.id, op.only);
	if (IS_ERR(op.ext))
		return PTR_ERR(op.ext);
	ret = lpc_direct_range(op.ext, &d, write, &r);
	if (!ret && d.len)
		ret = lpc_direct_copy(&op, r->addr + d.offset,
				      u64_to_user_ptr(d.buf),
				      min_t(u64, d.len, MAX_RW_COUNT));
	lpc_ext_put(op.ext);
	return ret;
}
