// SPDX-License-Identifier: GPL-2.0
/*
 * User copies: the size rules of versioned ioctl structs, and message
 * payloads.
 */
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "msg.h"

/**
 * lpc_copy_in() - copy a size-versioned ioctl struct from user space
 * @dst: kernel struct.
 * @ksize: its size.
 * @src: user pointer.
 * @usize: size user space passed (from the ioctl number).
 * @ver0: smallest size ever published.
 *
 * Return: 0, -EINVAL if @usize is below @ver0, -E2BIG if it is larger than
 * a page or its tail beyond @ksize is not zero, -EFAULT.
 */
int lpc_copy_in(void *dst, size_t ksize, const void __user *src,
		size_t usize, size_t ver0)
{
	if (usize < ver0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	return copy_struct_from_user(dst, ksize, src, usize);
}

/**
 * lpc_copy_out() - copy a size-versioned ioctl struct back to user space
 * @dst: user pointer, to the struct lpc_copy_in() or lpc_check_usize()
 *	accepted.
 * @usize: the size user space passed.
 * @src: kernel struct.
 * @ksize: its size.
 *
 * Writes what both sizes share: a caller built against an older, smaller
 * struct gets no more than it has room for, and the tail of a newer,
 * larger one (zero on the way in) is left as it was.
 *
 * Return: 0 or -EFAULT.
 */
int lpc_copy_out(void __user *dst, size_t usize, const void *src,
		 size_t ksize)
{
	return copy_to_user(dst, src, min(usize, ksize)) ? -EFAULT : 0;
}

/**
 * lpc_check_usize() - the size rules of lpc_copy_in(), without the copy
 * @src: user pointer to the struct.
 * @usize: size user space passed.
 * @ksize: the struct's size in this module.
 * @ver0: smallest size ever published.
 *
 * For callers that copy in only part of a struct (its input fields).
 *
 * Return: 0, -EINVAL if @usize is below @ver0, -E2BIG if it is larger than
 * a page or its tail beyond @ksize is not zero, -EFAULT.
 */
int lpc_check_usize(const void __user *src, size_t usize, size_t ksize,
		    size_t ver0)
{
	int ret;

	if (usize < ver0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	if (usize <= ksize)
		return 0;
	ret = check_zeroed_user(src + ksize, usize - ksize);
	if (ret < 0)
		return ret;
	return ret ? 0 : -E2BIG;
}

/*
 * A payload of up to LPC_WORD_COPY_MAX bytes is copied a word at a time
 * inside one user access window. For the few dozen bytes of a typical
 * request, copy_{from,to}_user() costs several times the copy itself:
 * an out-of-line call, the hardened-usercopy lookup of the slab object,
 * and a string instruction that is slow to start (measured in
 * Documentation/performance.rst). The bound hardened usercopy checks,
 * that the copy stays inside the message's buffer, is checked here
 * against the buffer's own capacity; KASAN still sees every store.
 */
#define LPC_WORD_COPY_MAX	256

static bool lpc_word_copy(u32 len)
{
	return IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) &&
	       len <= LPC_WORD_COPY_MAX;
}

/* Copy @len bytes, at most LPC_WORD_COPY_MAX, in one user access window. */
static int lpc_words_from_user(void *to, const void __user *from, u32 len)
{
	const u8 __user *src = from;
	u8 *dst = to;
	u64 v8;
	u8 v1;

	if (!user_read_access_begin(src, len))
		return -EFAULT;
	for (; len >= sizeof(v8); len -= sizeof(v8)) {
		unsafe_get_user(v8, (const u64 __user *)src, efault);
		memcpy(dst, &v8, sizeof(v8));
		src += sizeof(v8);
		dst += sizeof(v8);
	}
	for (; len; len--) {
		unsafe_get_user(v1, src++, efault);
		*dst++ = v1;
	}
	user_read_access_end();
	return 0;

efault:
	user_read_access_end();
	return -EFAULT;
}

/* copy_from_user() for any @len, a word at a time when it is small. */
int lpc_copy_from_user(void *to, const void __user *from, u32 len)
{
	if (!lpc_word_copy(len))
		return copy_from_user(to, from, len) ? -EFAULT : 0;
	return lpc_words_from_user(to, from, len);
}

/* Copy @len bytes from @ubuf into @msg's buffer. */
int lpc_data_from_user(struct lpc_msg *msg, u64 ubuf, u32 len)
{
	if (WARN_ON_ONCE(len > msg->cap))
		return -EFAULT;
	return lpc_copy_from_user(msg->data, u64_to_user_ptr(ubuf), len);
}

/* Copy @msg's payload out to @ubuf. */
int lpc_data_to_user(u64 ubuf, const struct lpc_msg *msg)
{
	char __user *dst = u64_to_user_ptr(ubuf);
	u32 len = msg->len;

	if (WARN_ON_ONCE(len > msg->cap))
		return -EFAULT;
	if (!lpc_word_copy(len))
		return copy_to_user(dst, msg->data, len) ? -EFAULT : 0;
	if (!user_write_access_begin(dst, len))
		return -EFAULT;
	unsafe_copy_to_user(dst, (const char *)msg->data, len, efault);
	user_write_access_end();
	return 0;

efault:
	user_write_access_end();
	return -EFAULT;
}

