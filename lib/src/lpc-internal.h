/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Helpers shared by the liblpc sources; none of this is exported (the
 * version script keeps everything but the public API local).
 */
#ifndef LPC_INTERNAL_H
#define LPC_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include "liblpc.h"

#define __lpc_hidden	__attribute__((visibility("hidden")))

/* ioctl(2) returning -errno, errno preserved. */
__lpc_hidden int __lpc_ioctl(int fd, unsigned long req, void *arg);

/* open(2) returning -errno, errno preserved. */
__lpc_hidden int __lpc_open(const char *path, int oflags);

/*
 * Length of a port name, or -EINVAL (NULL or empty) or -ENAMETOOLONG.
 * Checked here so a bad name never reaches the kernel and the caller gets
 * the same answer whatever module is loaded.
 */
__lpc_hidden int __lpc_name_len(const char *name);

/*
 * The uapi lengths are __u32; a size_t that does not fit would be
 * silently truncated into a valid-looking shorter length. No port
 * accepts that much anyway, so report what the kernel would: -EMSGSIZE.
 */
static inline int __lpc_len32(size_t len, __u32 *out)
{
	if (len > UINT32_MAX)
		return -EMSGSIZE;
	*out = (__u32)len;
	return 0;
}

#endif /* LPC_INTERNAL_H */
