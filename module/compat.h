/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference lpc depends on, in one place: no other
 * file tests LINUX_VERSION_CODE. The rest of the module sees only these
 * helpers.
 */
#ifndef _LPC_COMPAT_H
#define _LPC_COMPAT_H

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/version.h>

/* kernel_cap_t became a single u64 in 6.3. */
static inline u64 lpc_cap_bits(kernel_cap_t cap)
{
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
	return cap.val;
#else
	return ((u64)cap.cap[1] << 32) | cap.cap[0];
#endif
}

/* receive_fd() took over receive_fd_user()'s user-pointer argument. */
static inline int lpc_receive_fd(struct file *file, unsigned int o_flags)
{
#if KERNEL_VERSION(6, 8, 0) <= LINUX_VERSION_CODE
	return receive_fd(file, NULL, o_flags);
#else
	return receive_fd(file, o_flags);
#endif
}

/* pin_user_pages_remote() lost its vmas argument in 6.5. */
static inline long lpc_pin_remote(struct mm_struct *mm, unsigned long addr,
				  unsigned long nr, unsigned int gup_flags,
				  struct page **pages)
{
#if KERNEL_VERSION(6, 5, 0) > LINUX_VERSION_CODE
	return pin_user_pages_remote(mm, addr, nr, gup_flags, pages, NULL,
				     NULL);
#else
	return pin_user_pages_remote(mm, addr, nr, gup_flags, pages, NULL);
#endif
}

/*
 * Since 6.10 __assign_str() takes the field only; the source is the one
 * given to __string(). For the tracepoints of trace.h.
 */
#if KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE
#define lpc_assign_str(dst, src)	__assign_str(dst)
#else
#define lpc_assign_str(dst, src)	__assign_str(dst, src)
#endif

#endif /* _LPC_COMPAT_H */
