/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * liblpc: a thin C library over the lpc ioctls (<linux/lpc.h>).
 *
 * Every function returns -errno on failure and never reads or changes
 * errno. There is no global state: a port is a plain file descriptor and
 * the uapi structures stay visible, so anything the helpers do not cover
 * can be done with lpc_xfer() and friends on a filled structure.
 */
#ifndef LIBLPC_H
#define LIBLPC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/lpc.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The Makefile reads these three lines: keep the layout. */
#define LIBLPC_VERSION_MAJOR	1
#define LIBLPC_VERSION_MINOR	0
#define LIBLPC_VERSION_PATCH	0

/* Same encoding as &lpc_version.module_version. */
#define LIBLPC_VERSION_CODE	(LIBLPC_VERSION_MAJOR << 16 | \
				 LIBLPC_VERSION_MINOR << 8 | \
				 LIBLPC_VERSION_PATCH)

#define LPC_DEVICE_PATH		"/dev/lpc"

/*
 * Inline helpers live in the header so they cost nothing, but they must
 * stay trivial: anything with logic belongs in the library, where a fix
 * does not require recompiling every caller.
 */
#ifndef LIBLPC_INLINE
#define LIBLPC_INLINE static inline
#endif

/* Pointer to the __u64 the uapi structures use for user addresses. */
LIBLPC_INLINE __u64 lpc_ptr(const void *p)
{
	return (__u64)(uintptr_t)p;
}

/* Library */
unsigned int lpc_lib_version(void);
const char *lpc_msg_type_name(__u32 type);
const char *lpc_feature_name(__u64 feature);

/* /dev/lpc */
int lpc_open(unsigned int flags);
int lpc_open_path(const char *path, unsigned int flags);
int lpc_version(int dev, struct lpc_version *v);

/* Connection ports and connections */
int lpc_port_create(int dev, const char *name,
		    const struct lpc_port_attr *attr);
int lpc_connect(int dev, struct lpc_connect *c);
int lpc_connect_name(int dev, const char *name, const void *data,
		     size_t len, int64_t timeout_ns);
int lpc_accept(int port, __u64 id, __u64 context, const void *data,
	       size_t len, unsigned int flags);
int lpc_reject(int port, __u64 id, const void *data, size_t len);
int lpc_disconnect(int port);

/* Messages */
int lpc_xfer(int port, struct lpc_xfer *x);
int lpc_send_datagram(int port, const void *buf, size_t len, __u64 *id);
int lpc_request(int port, const void *req, size_t len, void *reply,
		size_t cap, struct lpc_msg_info *info);
int lpc_request_async(int port, const void *req, size_t len,
		      size_t reply_cap, __u64 *id);
int lpc_reply(int port, __u64 id, const void *buf, size_t len);
int lpc_reply_wait_receive(int port, __u64 reply_id, const void *reply,
			   size_t len, void *buf, size_t cap,
			   struct lpc_msg_info *info, int64_t timeout_ns);
int lpc_receive(int port, void *buf, size_t cap, struct lpc_msg_info *info,
		int64_t timeout_ns);
int lpc_cancel(int port, __u64 id);
int lpc_send_batch(int port, struct lpc_xfer *xfers, unsigned int count,
		   int64_t timeout_ns);
int lpc_recv_batch(int port, struct lpc_xfer *xfers, unsigned int count,
		   int64_t timeout_ns);

/* Senders (LPC_FEAT_SENDER) */
int lpc_sender_check(int port, __u64 id, pid_t *pid);
int lpc_sender_pidfd(int port, __u64 id);

/* Sections, views and direct access (LPC_FEAT_SECTIONS, LPC_FEAT_DIRECT) */
int lpc_section_create(int port, size_t size, unsigned int flags);
int lpc_view_release(int port, const void *addr);
int lpc_direct_read(int port, __u64 id, unsigned int range, __u64 offset,
		    void *buf, size_t len);
int lpc_direct_write(int port, __u64 id, unsigned int range, __u64 offset,
		     const void *buf, size_t len);

/* Queries and ACLs, on /dev/lpc (LPC_FEAT_QUERY, LPC_FEAT_ACL_GETSET) */
int lpc_port_list(int dev, __u64 *cursor, struct lpc_port_info *ports,
		  unsigned int count);
int lpc_port_info(int dev, const char *name, struct lpc_port_info *info);
int lpc_conn_list(int dev, const char *name, __u64 *cursor,
		  struct lpc_conn_info *conns, unsigned int count);
int lpc_acl_get(int dev, const char *name, struct lpc_ace *aces,
		unsigned int *count);
int lpc_acl_set(int dev, const char *name, const struct lpc_ace *aces,
		unsigned int count);

#ifdef __cplusplus
}
#endif

#endif /* LIBLPC_H */
