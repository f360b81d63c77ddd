/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference lpc depends on, in one place. The rest
 * of the module sees only these helpers.
 */
#ifndef _LPC_COMPAT_H
#define _LPC_COMPAT_H

#include <linux/capability.h>
#include <linux/file.h>
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

#endif /* _LPC_COMPAT_H */
