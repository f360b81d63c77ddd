/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * lpc: NT-style local procedure call ports for Linux.
 *
 * This header is the whole contract between the lpc module and user space.
 * liblpc vendors it unchanged.
 *
 * DOC: overview
 *
 * ``/dev/lpc`` is a factory. Ioctls on it create a named *connection port*
 * (the server side) or connect to one (the client side); both return a new
 * file descriptor. An accepted connection is a pair of unnamed
 * *communication ports*: the client's fd returned by %LPC_IOC_CONNECT and the
 * server's fd returned by %LPC_IOC_ACCEPT. Every port is a file: it polls
 * (readable when a message is queued, %EPOLLHUP once disconnected), closes and
 * passes with ``SCM_RIGHTS`` like any other fd.
 *
 * Messages move with one ioctl, %LPC_IOC_XFER, which can send, receive, or
 * send then receive in a single call:
 *
 * - client request and wait for its reply: %LPC_XFER_SEND | %LPC_XFER_RECV
 *   with ``send_type = LPC_MSG_REQUEST``;
 * - server loop (reply, then wait for the next message): %LPC_XFER_SEND |
 *   %LPC_XFER_RECV with ``send_type = LPC_MSG_REPLY``;
 * - datagram: %LPC_XFER_SEND with ``send_type = LPC_MSG_DATAGRAM``;
 * - receive only: %LPC_XFER_RECV.
 *
 * Rules shared by every ioctl:
 *
 * - Structures use fixed-size types, ``__u64`` for user pointers and explicit
 *   padding. Reserved and padding fields must be zero, or the call fails
 *   with -EINVAL.
 * - Unknown flag bits fail with -EINVAL, never silently ignored.
 * - Structures are versioned by size: the size is encoded in the ioctl
 *   number. The kernel accepts any size from ``*_SIZE_VER0`` up; a larger
 *   structure than the kernel knows must have its unknown tail zeroed, or the
 *   call fails with -E2BIG. New fields only ever go at the end, 64-bit
 *   aligned.
 * - Unknown ioctl commands fail with -ENOTTY; bad pointers with -EFAULT.
 * - New fds are close-on-exec unless %LPC_NO_CLOEXEC is passed.
 */
#ifndef _UAPI_LINUX_LPC_H
#define _UAPI_LINUX_LPC_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define LPC_API_VERSION		1

/*
 * 0xBA is unassigned in Documentation/userspace-api/ioctl/ioctl-number.rst
 * (0xB8 and 0xB9 are taken or claimed); lpc uses 0xBA 00-3F.
 */
#define LPC_IOC_MAGIC		0xBA

/* Hard limits, the same for every port. */
#define LPC_NAME_MAX		255	/* bytes in a port name, no NUL */
#define LPC_MSG_MAX		65536	/* bytes of inline data per message */
#define LPC_ACL_MAX		64	/* entries in one port ACL */

/* Defaults used when a limit passed to %LPC_IOC_CREATE_PORT is 0. */
#define LPC_DEFAULT_MSG_LEN	4096
#define LPC_DEFAULT_CONN_DATA	256
#define LPC_DEFAULT_QUEUE	256
#define LPC_DEFAULT_CONNS	1024

#define LPC_QUEUE_MAX		65536	/* largest max_queued */
#define LPC_CONNS_MAX		1048576	/* largest max_conns */

/* Flag shared by every call that returns a new fd. */
#define LPC_NO_CLOEXEC		(1U << 31)

/**
 * DOC: features
 *
 * Bits returned in &lpc_version.features; a bit is set only when the loaded
 * module implements the feature completely.
 */
#define LPC_FEAT_PORTS		(1ULL << 0) /* ports, connect/accept, messages */
#define LPC_FEAT_ACL		(1ULL << 1) /* ACLs on connection ports */
#define LPC_FEAT_SERVER_ID	(1ULL << 2) /* connect requires server uid/gid */
#define LPC_FEAT_CANCEL		(1ULL << 3) /* %LPC_IOC_CANCEL */
#define LPC_FEAT_DISCONNECT	(1ULL << 4) /* %LPC_IOC_DISCONNECT */

/**
 * struct lpc_version - what the loaded module supports
 * @api_version: %LPC_API_VERSION of the module.
 * @max_name_len: %LPC_NAME_MAX.
 * @features: %LPC_FEAT_* bits.
 * @max_msg_len: %LPC_MSG_MAX.
 * @module_version: module version, as major << 16 | minor << 8 | patch.
 *
 * Output only, filled by %LPC_IOC_VERSION.
 */
struct lpc_version {
	__u32 api_version;
	__u32 max_name_len;
	__aligned_u64 features;
	__u32 max_msg_len;
	__u32 module_version;
};
#define LPC_VERSION_SIZE_VER0	24

/**
 * DOC: access control
 *
 * A connection port carries an ordered list of &struct lpc_ace entries.
 * For each request the entries are read in order; the first entry that
 * matches the caller and whose @rights cover the requested right decides
 * (allow or deny). No decision means denied. Without an ACL at creation the
 * port gets one entry: allow the owner every right.
 */
#define LPC_ACE_ALLOW		1
#define LPC_ACE_DENY		2

#define LPC_ACE_OWNER		1	/* the port's owner uid; @id unused */
#define LPC_ACE_UID		2	/* @id is a uid */
#define LPC_ACE_GID		3	/* @id is a gid, primary or supplementary */
#define LPC_ACE_EVERYONE	4	/* @id unused */
#define LPC_ACE_CAP		5	/* @id is a capability number */

#define LPC_RIGHT_CONNECT	(1U << 0)
#define LPC_RIGHT_QUERY		(1U << 1)
#define LPC_RIGHT_ADMIN		(1U << 2)
#define LPC_RIGHT_ALL		(LPC_RIGHT_CONNECT | LPC_RIGHT_QUERY | \
				 LPC_RIGHT_ADMIN)

/**
 * struct lpc_ace - one access control entry
 * @action: %LPC_ACE_ALLOW or %LPC_ACE_DENY.
 * @who: %LPC_ACE_OWNER, %LPC_ACE_UID, %LPC_ACE_GID, %LPC_ACE_EVERYONE or
 *	%LPC_ACE_CAP.
 * @id: uid, gid (in the caller's user namespace) or capability number;
 *	must be 0 when @who takes no id.
 * @rights: %LPC_RIGHT_* bits; never 0.
 */
struct lpc_ace {
	__u32 action;
	__u32 who;
	__u32 id;
	__u32 rights;
};

/* Flags for &lpc_port_attr.flags */
#define LPC_PORT_FLAGS		(LPC_NO_CLOEXEC)

/**
 * struct lpc_port_attr - create a named connection port
 * @name: pointer to the name, @name_len bytes, no NUL needed. Any bytes but
 *	NUL; ``\RPC Control\name`` is a fine name.
 * @name_len: 1 to %LPC_NAME_MAX.
 * @flags: %LPC_PORT_* flags.
 * @max_msg_len: largest inline message, up to %LPC_MSG_MAX; 0 for
 *	%LPC_DEFAULT_MSG_LEN.
 * @max_conn_data_len: largest connection data and accept/reject data, up
 *	to %LPC_MSG_MAX; 0 for %LPC_DEFAULT_CONN_DATA.
 * @max_queued: messages that may wait on the port's queue, up to
 *	%LPC_QUEUE_MAX; 0 for %LPC_DEFAULT_QUEUE.
 * @max_conns: connections, up to %LPC_CONNS_MAX; 0 for %LPC_DEFAULT_CONNS.
 * @acl: pointer to an array of @acl_count &struct lpc_ace, or 0.
 * @acl_count: 0 to %LPC_ACL_MAX; 0 means owner-only.
 * @__pad: must be zero.
 *
 * %LPC_IOC_CREATE_PORT returns the new connection port's fd. The name is
 * visible in the caller's IPC namespace until that port is closed.
 */
struct lpc_port_attr {
	__aligned_u64 name;
	__u32 name_len;
	__u32 flags;
	__u32 max_msg_len;
	__u32 max_conn_data_len;
	__u32 max_queued;
	__u32 max_conns;
	__aligned_u64 acl;
	__u32 acl_count;
	__u32 __pad;
};
#define LPC_PORT_ATTR_SIZE_VER0	48

/* Flags for &lpc_connect.flags */
#define LPC_CONNECT_TIMEOUT	(1U << 0) /* @timeout_ns is valid */
#define LPC_CONNECT_SERVER_UID	(1U << 1) /* server must be @server_uid */
#define LPC_CONNECT_SERVER_GID	(1U << 2) /* server must be @server_gid */
#define LPC_CONNECT_FLAGS	(LPC_CONNECT_TIMEOUT | LPC_CONNECT_SERVER_UID | \
				 LPC_CONNECT_SERVER_GID | LPC_NO_CLOEXEC)

/**
 * struct lpc_connect - connect to a named connection port
 * @name: pointer to the port's name.
 * @name_len: 1 to %LPC_NAME_MAX.
 * @flags: %LPC_CONNECT_* flags.
 * @data: pointer to connection data for the server, or 0.
 * @data_len: bytes at @data, up to the port's max_conn_data_len.
 * @reply_cap: size of the buffer at @reply.
 * @reply: buffer for the server's accept or reject data, or 0.
 * @reply_len: out: bytes the server sent back (even if they did not fit;
 *	only min(@reply_len, @reply_cap) bytes are written). Its value on
 *	input is ignored.
 * @server_uid: with %LPC_CONNECT_SERVER_UID, the uid the port's owner must
 *	have, else the connect fails with -EPERM before the server sees it.
 * @server_gid: the same for the owner's gid with %LPC_CONNECT_SERVER_GID.
 * @timeout_ns: with %LPC_CONNECT_TIMEOUT, how long to wait for the server
 *	to accept, relative, in nanoseconds (0: do not wait at all).
 *
 * %LPC_IOC_CONNECT returns the client communication port's fd once the
 * server accepted. Errors: -ENOENT no such port, -ECONNREFUSED the server
 * rejected (reply data was still returned), -ETIMEDOUT, -EINTR (the
 * request was withdrawn), -ECONNRESET the server went away before answering,
 * -EUSERS the port has its maximum of connections, -EACCES the ACL denies
 * connect, -EPERM the server identity did not match, -EMSGSIZE @data_len is
 * larger than the port accepts.
 */
struct lpc_connect {
	__aligned_u64 name;
	__u32 name_len;
	__u32 flags;
	__aligned_u64 data;
	__u32 data_len;
	__u32 reply_cap;
	__aligned_u64 reply;
	__u32 reply_len;
	__u32 server_uid;
	__u32 server_gid;
	__u32 __pad;
	__aligned_u64 timeout_ns;
};
#define LPC_CONNECT_SIZE_VER0	64

/* Flags for &lpc_accept.flags */
#define LPC_ACCEPT_REJECT	(1U << 0) /* refuse the connection */
#define LPC_ACCEPT_FLAGS	(LPC_ACCEPT_REJECT | LPC_NO_CLOEXEC)

/**
 * struct lpc_accept - answer a %LPC_MSG_CONNECTION_REQUEST
 * @id: the request's message id.
 * @context: opaque value the connection is bound to; every later message
 *	from that client arrives with it in &lpc_msg_info.context.
 * @data: pointer to accept or reject data for the client, or 0.
 * @data_len: bytes at @data, up to the port's max_conn_data_len.
 * @flags: %LPC_ACCEPT_REJECT refuses the client (it gets -ECONNREFUSED).
 *
 * Issued on the connection port. Everything the client sends is received
 * on the connection port; the server communication port sends to that one
 * client, replies to its requests and disconnects it. Accepting returns the server communication
 * port's fd; rejecting returns 0. -ENOENT: no pending connection request
 * has that id; -ECANCELED: the client gave up meanwhile.
 */
struct lpc_accept {
	__aligned_u64 id;
	__aligned_u64 context;
	__aligned_u64 data;
	__u32 data_len;
	__u32 flags;
};
#define LPC_ACCEPT_SIZE_VER0	32

/**
 * DOC: message types
 *
 * Values of &lpc_msg_info.type and &lpc_xfer.send_type. They start at 1 so
 * that a zeroed structure is never a valid message.
 */
#define LPC_MSG_REQUEST			1 /* needs exactly one reply */
#define LPC_MSG_REPLY			2 /* answers the request in @ref_id */
#define LPC_MSG_DATAGRAM		3 /* no reply */
#define LPC_MSG_CONNECTION_REQUEST	4 /* a client wants to connect */
#define LPC_MSG_PORT_CLOSED		5 /* the peer closed or disconnected */
#define LPC_MSG_CLIENT_DIED		6 /* the peer process exited */
#define LPC_MSG_LOST_REPLY		7 /* reply to our async request lost */

/* Flags in &lpc_msg_info.flags */
#define LPC_MSGF_TRUNCATED	(1U << 0) /* reserved */

/**
 * struct lpc_msg_info - the header of a received message
 * @type: %LPC_MSG_* type.
 * @flags: %LPC_MSGF_* flags.
 * @id: kernel-assigned message id, unique and never 0. A reply to a request
 *	names the request's id.
 * @context: on the server side, the port context bound at accept for the
 *	sending connection; 0 on the client side and for connection requests.
 * @ref_id: for %LPC_MSG_REPLY and %LPC_MSG_LOST_REPLY, the id of the
 *	request; otherwise 0.
 * @pid: sending process, in the receiving port's pid namespace (0 if not
 *	visible there).
 * @tid: sending thread, likewise.
 * @uid: sender's effective uid, in the port's user namespace (overflow uid
 *	if unmapped).
 * @gid: sender's effective gid, likewise.
 * @data_len: bytes of data. On -EMSGSIZE: the size needed.
 * @__pad: zero.
 */
struct lpc_msg_info {
	__u32 type;
	__u32 flags;
	__aligned_u64 id;
	__aligned_u64 context;
	__aligned_u64 ref_id;
	__s32 pid;
	__s32 tid;
	__u32 uid;
	__u32 gid;
	__u32 data_len;
	__u32 __pad;
};

/* Flags for &lpc_xfer.flags */
#define LPC_XFER_SEND		(1U << 0) /* send the message described */
#define LPC_XFER_RECV		(1U << 1) /* then receive one */
#define LPC_XFER_NONBLOCK	(1U << 2) /* never wait */
#define LPC_XFER_TIMEOUT	(1U << 3) /* @timeout_ns bounds every wait */
#define LPC_XFER_FLAGS		(LPC_XFER_SEND | LPC_XFER_RECV | \
				 LPC_XFER_NONBLOCK | LPC_XFER_TIMEOUT)

/**
 * struct lpc_xfer - send and/or receive one message
 * @flags: %LPC_XFER_* flags; at least one of SEND and RECV.
 * @send_type: %LPC_MSG_REQUEST, %LPC_MSG_DATAGRAM or %LPC_MSG_REPLY.
 * @send_id: for %LPC_MSG_REPLY, the id of the request answered (in); for
 *	a request or datagram, the id the kernel assigned (out; its value on
 *	input is ignored, so a structure can be reused).
 * @send_buf: pointer to @send_len bytes of data.
 * @send_len: up to the port's max_msg_len.
 * @recv_cap: size of @recv_buf. For a request, also the largest reply the
 *	sender accepts; the kernel reserves that much so the reply cannot fail
 *	for lack of memory.
 * @recv_buf: buffer for received data.
 * @timeout_ns: with %LPC_XFER_TIMEOUT, relative timeout in nanoseconds.
 * @send_attr: reserved, must be 0.
 * @recv_attr: reserved, must be 0.
 * @info: out: the header of the received message.
 *
 * With %LPC_XFER_SEND | %LPC_XFER_RECV and a request, the receive waits for
 * the reply to *that* request (the synchronous call); other messages stay
 * queued. A request sent without %LPC_XFER_RECV is asynchronous: its reply
 * is queued on the sender's port as a %LPC_MSG_REPLY. With a reply, the
 * receive takes the next message of any type (the server loop).
 *
 * Replies: -ENOENT no request with that id awaits a reply through this port
 * (already answered, a datagram, or never received); -ECANCELED the
 * requester gave up (cancelled, interrupted, timed out, closed or died);
 * -EMSGSIZE the reply is larger than the requester's @recv_cap.
 * Sends on a disconnected port fail with -ENOTCONN; a synchronous request
 * whose server went away fails with -ECONNRESET. A full queue makes a send
 * wait (or fail with -EAGAIN under %LPC_XFER_NONBLOCK, -ETIMEDOUT after
 * @timeout_ns). A signal makes a waiting call fail with -EINTR; it is not
 * restarted, and a synchronous request interrupted this way is withdrawn.
 * Receiving on a server communication port fails with -EINVAL: the
 * connection port receives for every connection.
 *
 * If the send fails, nothing is received. If the receive fails after a
 * successful send, @send_id is still written back. A receive buffer that is
 * too small fails with -EMSGSIZE, sets @info.data_len to the size needed
 * and leaves the message queued; the reply to a synchronous request is
 * reserved at @recv_cap, so it always fits.
 */
struct lpc_xfer {
	__u32 flags;
	__u32 send_type;
	__aligned_u64 send_id;
	__aligned_u64 send_buf;
	__u32 send_len;
	__u32 recv_cap;
	__aligned_u64 recv_buf;
	__aligned_u64 timeout_ns;
	__aligned_u64 send_attr;
	__aligned_u64 recv_attr;
	struct lpc_msg_info info;
};
#define LPC_XFER_SIZE_VER0	120

/**
 * struct lpc_cancel - withdraw an outstanding asynchronous request
 * @id: the request's id, as returned in &lpc_xfer.send_id.
 * @flags: must be 0.
 * @__pad: must be zero.
 *
 * Issued on the port the request was sent from. The server's later reply
 * fails with -ECANCELED. -ENOENT: no outstanding request has that id (it was
 * answered already, or never existed).
 */
struct lpc_cancel {
	__aligned_u64 id;
	__u32 flags;
	__u32 __pad;
};
#define LPC_CANCEL_SIZE_VER0	16

/* Ioctls on /dev/lpc */
#define LPC_IOC_VERSION		_IOR(LPC_IOC_MAGIC, 0x00, struct lpc_version)
#define LPC_IOC_CREATE_PORT	_IOW(LPC_IOC_MAGIC, 0x01, struct lpc_port_attr)
#define LPC_IOC_CONNECT		_IOWR(LPC_IOC_MAGIC, 0x02, struct lpc_connect)

/* Ioctls on ports */
#define LPC_IOC_ACCEPT		_IOW(LPC_IOC_MAGIC, 0x10, struct lpc_accept)
#define LPC_IOC_XFER		_IOWR(LPC_IOC_MAGIC, 0x11, struct lpc_xfer)
#define LPC_IOC_CANCEL		_IOW(LPC_IOC_MAGIC, 0x12, struct lpc_cancel)
#define LPC_IOC_DISCONNECT	_IO(LPC_IOC_MAGIC, 0x13)

#endif /* _UAPI_LINUX_LPC_H */
