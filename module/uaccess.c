// SPDX-License-Identifier: GPL-2.0
/*
 * User copies: the size rules of versioned ioctl structs, port names, and
 * message payloads.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "msg.h"

/**
 * lpc_usize_check() - the size rule every versioned ioctl struct obeys
 * @usize: the size user space passed (from the ioctl number).
 * @ver0: the smallest size ever published for the struct.
 *
 * The dispatcher (ioctl.c) applies it before any handler runs; the copy
 * helpers below apply it again for the structs they are given, which
 * costs two compares and keeps each of them safe on its own.
 *
 * Return: 0, -EINVAL if @usize is below @ver0, -E2BIG if it is larger
 * than a page.
 */
int lpc_usize_check(size_t usize, size_t ver0)
{
	if (usize < ver0)
		return -EINVAL;
	return usize > PAGE_SIZE ? -E2BIG : 0;
}

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
	int ret = lpc_usize_check(usize, ver0);

	return ret ?: copy_struct_from_user(dst, ksize, src, usize);
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
 * lpc_copy_out_zeroed() - copy a struct out, and zero the rest of the room
 * @dst: user pointer.
 * @usize: the room there, in bytes.
 * @src: kernel struct.
 * @ksize: its size.
 *
 * For what user space did not pass in, so whose tail is not known to be
 * zero: the output-only %LPC_IOC_VERSION and the entries of a query. A
 * caller that knows a larger struct reads zeros in the fields this module
 * does not have, never stale bytes.
 *
 * Return: 0 or -EFAULT.
 */
int lpc_copy_out_zeroed(void __user *dst, size_t usize, const void *src,
			size_t ksize)
{
	if (lpc_copy_out(dst, usize, src, ksize))
		return -EFAULT;
	if (usize > ksize && clear_user(dst + ksize, usize - ksize))
		return -EFAULT;
	return 0;
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
	int ret = lpc_usize_check(usize, ver0);

	if (ret || usize <= ksize)
		return ret;
	ret = check_zeroed_user(src + ksize, usize - ksize);
	if (ret < 0)
		return ret;
	return ret ? 0 : -E2BIG;
}

/**
 * lpc_name_check() - the length rule of a port name
 * @len: its length in bytes, without a NUL.
 *
 * Return: 0, -EINVAL for an empty name, -ENAMETOOLONG.
 */
int lpc_name_check(u32 len)
{
	if (!len)
		return -EINVAL;
	return len > LPC_NAME_MAX ? -ENAMETOOLONG : 0;
}

/**
 * lpc_name_from_user() - copy a port name
 * @uptr: user pointer.
 * @len: length, already accepted by lpc_name_check().
 *
 * Return: a NUL-terminated copy, or ERR_PTR(-EFAULT), -EINVAL for a name
 * containing NUL, -ENOMEM.
 */
char *lpc_name_from_user(u64 uptr, u32 len)
{
	char *name;

	name = kmalloc(len + 1, GFP_KERNEL_ACCOUNT);
	if (!name)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(name, u64_to_user_ptr(uptr), len)) {
		kfree(name);
		return ERR_PTR(-EFAULT);
	}
	name[len] = '\0';
	if (strlen(name) != len) {
		kfree(name);
		return ERR_PTR(-EINVAL);
	}
	return name;
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

