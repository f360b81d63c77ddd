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
 * 0xBA is free in 6.1's Documentation/userspace-api/ioctl/ioctl-number.rst;
 * later kernels give 0xBA 00-0F to liveupdate.h, so lpc uses 0xBA 40-7F.
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
#define LPC_FEAT_ACL_GETSET	(1ULL << 5) /* %LPC_IOC_ACL_GET, _SET */
#define LPC_FEAT_CREDS		(1ULL << 6) /* %LPC_ATTR_CREDS */
#define LPC_FEAT_FDS		(1ULL << 7) /* %LPC_ATTR_FDS */
#define LPC_FEAT_SENDER		(1ULL << 8) /* %LPC_IOC_SENDER_CHECK */
#define LPC_FEAT_SECTIONS	(1ULL << 9) /* sections and %LPC_ATTR_VIEW */
#define LPC_FEAT_DIRECT		(1ULL << 10) /* %LPC_ATTR_DIRECT */
#define LPC_FEAT_QUERY		(1ULL << 11) /* port and connection queries */
#define LPC_FEAT_BATCH		(1ULL << 12) /* %LPC_IOC_SEND_BATCH, _RECV_ */
#define LPC_FEAT_VIEW_KEEP	(1ULL << 13) /* %LPC_ATTR_VIEW_KEEP */
#define LPC_FEAT_CONN_SHARE	(1ULL << 14) /* per-connection queue shares */

/**
 * struct lpc_version - what the loaded module supports
 * @api_version: %LPC_API_VERSION of the module.
 * @max_name_len: %LPC_NAME_MAX.
 * @features: ``LPC_FEAT_*`` bits.
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
 * @rights: ``LPC_RIGHT_*`` bits; never 0.
 */
struct lpc_ace {
	__u32 action;
	__u32 who;
	__u32 id;
	__u32 rights;
};

/* Flags for &lpc_port_attr.flags */
#define LPC_PORT_ALLOW_FDS	(1U << 0) /* messages may carry fds */
#define LPC_PORT_REQUIRE_CREDS	(1U << 1) /* requests must carry creds */
#define LPC_PORT_FLAGS		(LPC_PORT_ALLOW_FDS | LPC_PORT_REQUIRE_CREDS | \
				 LPC_NO_CLOEXEC)

/**
 * struct lpc_port_attr - create a named connection port
 * @name: pointer to the name, @name_len bytes, no NUL needed. Any bytes but
 *	NUL; ``\RPC Control\name`` is a fine name.
 * @name_len: 1 to %LPC_NAME_MAX.
 * @flags: ``LPC_PORT_*`` flags.
 * @max_msg_len: largest inline message, up to %LPC_MSG_MAX; 0 for
 *	%LPC_DEFAULT_MSG_LEN.
 * @max_conn_data_len: largest connection data and accept/reject data, up
 *	to %LPC_MSG_MAX; 0 for %LPC_DEFAULT_CONN_DATA.
 * @max_queued: messages that may wait on the port's queue, up to
 *	%LPC_QUEUE_MAX; 0 for %LPC_DEFAULT_QUEUE.
 * @max_conns: connections, up to %LPC_CONNS_MAX; 0 for %LPC_DEFAULT_CONNS.
 * @acl: pointer to an array of @acl_count &struct lpc_ace; 0 when
 *	@acl_count is 0 (a pointer without a count is -EINVAL).
 * @acl_count: 0 to %LPC_ACL_MAX; 0 means owner-only.
 * @__pad: must be zero.
 * @max_conn_queued: (VER1) each connection's share of @max_queued: the
 *	messages one client may have held by the port, queued or awaiting
 *	a reply; at most @max_queued; 0 for the module parameter
 *	max_conn_queued (64), capped at @max_queued. It also bounds the
 *	client's asynchronous requests awaiting or holding a reply.
 * @max_conn_bytes: (VER1) each connection's share of bytes: the data of
 *	its held messages plus, for requests, the reply they reserve; 0 for
 *	the module parameter max_conn_queued_bytes (4 MiB). A connection
 *	that holds nothing may always send one message.
 *
 * %LPC_IOC_CREATE_PORT returns the new connection port's fd. The name is
 * visible in the caller's IPC namespace until that port is closed.
 * Errors, in the order checked: -EINVAL (size below VER0, @name_len 0,
 * unknown flags, nonzero pad, a limit out of range), -E2BIG (oversized
 * struct with a nonzero tail), -ENAMETOOLONG, -EFAULT, -EINVAL (a NUL in
 * the name, a bad ACL entry), -EDQUOT (the caller owns
 * max_ports_per_user ports), -EEXIST (the name is taken), -ENOMEM,
 * -EMFILE.
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
	__u32 max_conn_queued;
	__u32 max_conn_bytes;
};

#define LPC_PORT_ATTR_SIZE_VER0	48
#define LPC_PORT_ATTR_SIZE_VER1	56

/* Flags for &lpc_connect.flags */
#define LPC_CONNECT_TIMEOUT	(1U << 0) /* @timeout_ns is valid */
#define LPC_CONNECT_SERVER_UID	(1U << 1) /* server must be @server_uid */
#define LPC_CONNECT_SERVER_GID	(1U << 2) /* server must be @server_gid */
/* Values of &lpc_conn_info.state */
#define LPC_CONN_STATE_CONNECTING	1
#define LPC_CONN_STATE_CONNECTED	2

#define LPC_CONNECT_FLAGS	(LPC_CONNECT_TIMEOUT | LPC_CONNECT_SERVER_UID | \
				 LPC_CONNECT_SERVER_GID | LPC_NO_CLOEXEC)

/**
 * struct lpc_connect - connect to a named connection port
 * @name: pointer to the port's name.
 * @name_len: 1 to %LPC_NAME_MAX.
 * @flags: ``LPC_CONNECT_*`` flags.
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
 * @__pad: must be zero.
 * @timeout_ns: with %LPC_CONNECT_TIMEOUT, how long to wait for the server
 *	to accept, relative, in nanoseconds (0: do not wait at all).
 *
 * %LPC_IOC_CONNECT returns the client communication port's fd once the
 * server accepted. Errors: -ENOENT no such port (or one the caller may
 * neither connect to nor query: it does not exist for it), -ECONNREFUSED
 * the server rejected (reply data was still returned), -ETIMEDOUT, -EINTR
 * (the request was withdrawn), -ECONNRESET the server went away before
 * answering,
 * -EUSERS the port has its maximum of connections, -EACCES the ACL denies
 * connect but grants query, -EPERM the server identity did not match, -EMSGSIZE @data_len is
 * larger than the port accepts, -EDQUOT the caller has max_conns_per_user
 * connections.
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
#define LPC_MSGF_ATTR		(1U << 0) /* attributes came; see recv_attr */
#define LPC_MSGF_ATTR_LOST	(1U << 1) /* attributes dropped: no recv_attr */
#define LPC_MSGF_CREDS_CHANGED	(1U << 2) /* sender's creds differ from connect */

/**
 * struct lpc_msg_info - the header of a received message
 * @type: ``LPC_MSG_*`` type.
 * @flags: ``LPC_MSGF_*`` flags.
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

/**
 * DOC: message attributes
 *
 * A message can carry more than its inline data: the sender's credentials
 * as of that message, file descriptors, a view of a shared section, and
 * ranges of the sender's memory the receiver may read or write while the
 * request is outstanding. They travel in &struct lpc_msg_attr, passed by
 * pointer in &lpc_xfer.send_attr and filled through &lpc_xfer.recv_attr.
 *
 * %LPC_ATTR_DIRECT is not ALPC's direct attribute (an event to signal): it
 * declares ranges of the requester's memory, as NT's NtReadRequestData()
 * and NtWriteRequestData() reach them.
 */
#define LPC_ATTR_CREDS		(1U << 0) /* credentials (send: attach) */
#define LPC_ATTR_FDS		(1U << 1) /* @fds */
#define LPC_ATTR_VIEW		(1U << 2) /* @view */
#define LPC_ATTR_DIRECT		(1U << 3) /* @ranges (requests only) */
#define LPC_ATTR_VIEW_FD	(1U << 4) /* recv: want the view as an fd */
#define LPC_ATTR_VIEW_KEEP	(1U << 5) /* recv: keep the view mapped */
#define LPC_ATTR_FLAGS		(LPC_ATTR_CREDS | LPC_ATTR_FDS | LPC_ATTR_VIEW | \
				 LPC_ATTR_DIRECT | LPC_ATTR_VIEW_FD | \
				 LPC_ATTR_VIEW_KEEP)

#define LPC_MAX_FDS		4
#define LPC_MAX_RANGES		4
#define LPC_MAX_GROUPS		32
#define LPC_SECCTX_MAX		256

/**
 * struct lpc_creds - credentials of a message's sender
 * @uid: real uid; all ids are in the receiving port's user namespace.
 * @gid: real gid.
 * @euid: effective uid.
 * @egid: effective gid.
 * @suid: saved uid.
 * @sgid: saved gid.
 * @fsuid: filesystem uid.
 * @fsgid: filesystem gid.
 * @cap_effective: effective capabilities, bit n = capability n.
 * @cap_permitted: permitted capabilities.
 * @ngroups: supplementary groups; only the first %LPC_MAX_GROUPS are in
 *	@groups.
 * @secctx_len: bytes in @secctx (0 without an LSM that has contexts).
 * @groups: supplementary gids.
 * @secctx: the LSM security context, NUL-terminated if it fits.
 */
struct lpc_creds {
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u32 egid;
	__u32 suid;
	__u32 sgid;
	__u32 fsuid;
	__u32 fsgid;
	__aligned_u64 cap_effective;
	__aligned_u64 cap_permitted;
	__u32 ngroups;
	__u32 secctx_len;
	__u32 groups[LPC_MAX_GROUPS];
	__u8 secctx[LPC_SECCTX_MAX];
};

/* Flags for &lpc_view.flags */
#define LPC_VIEW_READONLY	(1U << 0) /* the receiver maps it read-only */
#define LPC_VIEW_IMMUTABLE	(1U << 1) /* section must be sealed F_SEAL_WRITE */
#define LPC_VIEW_FLAGS		(LPC_VIEW_READONLY | LPC_VIEW_IMMUTABLE)
#define LPC_VIEW_KEPT		(1U << 2) /* out: a kept mapping, see below */
#define LPC_VIEW_DROPPED	(1U << 3) /* out: not mapped, see below */

/**
 * struct lpc_view - a window on a shared section
 * @section_fd: send: the section (from %LPC_IOC_SECTION_CREATE); receive:
 *	an fd for the section with %LPC_ATTR_VIEW_FD, else -1.
 * @flags: ``LPC_VIEW_*`` flags.
 * @offset: page-aligned offset into the section.
 * @length: bytes, at most the section size minus @offset.
 * @addr: receive: where the view is mapped in the receiver (0 when it came
 *	as an fd); send: must be 0.
 *
 * The receiver gets the same pages mapped, nothing is copied. The mapping
 * is removed when the receiver replies to the request that carried it,
 * releases it (%LPC_IOC_VIEW_RELEASE) or closes its port.
 *
 * A receiver that asks for %LPC_ATTR_VIEW_KEEP keeps the mapping past the
 * reply, as an NT server keeps a section view: it then stays until the
 * receiver releases it, closes its port or the connection ends, and a
 * later view of the same section, offset, length and protection arrives
 * at the same address without being mapped again. Such a view comes with
 * %LPC_VIEW_KEPT in @flags. A port keeps at most the module parameter
 * max_kept_views of them; beyond that views come as without the flag.
 *
 * A receiver has at most the module parameter max_conn_views views of one
 * connection mapped at a time (kept views and views delivered as fds do
 * not count; each side of a connection has its own count). A view beyond
 * that is not mapped: its message is delivered all the same, with
 * %LPC_VIEW_DROPPED in @flags, @addr 0 and @section_fd -1 (@offset and
 * @length say what it was). Replying to a request that carried a view,
 * releasing a view or the connection's end makes room again. The sender
 * is not told.
 */
struct lpc_view {
	__s32 section_fd;
	__u32 flags;
	__aligned_u64 offset;
	__aligned_u64 length;
	__aligned_u64 addr;
};

#define LPC_ACCESS_READ		(1U << 0) /* the receiver may read the range */
#define LPC_ACCESS_WRITE	(1U << 1) /* the receiver may write it */

/**
 * struct lpc_range - a range of the requester's memory, for direct access
 * @addr: start, in the requester (send); 0 on receive.
 * @length: bytes.
 * @access: ``LPC_ACCESS_*`` bits; never 0.
 * @__pad: must be zero.
 */
struct lpc_range {
	__aligned_u64 addr;
	__aligned_u64 length;
	__u32 access;
	__u32 __pad;
};

/**
 * struct lpc_msg_attr - attributes of one message
 * @size: sizeof(struct lpc_msg_attr) as user space knows it (versioning,
 *	as for the ioctl structs); at least %LPC_MSG_ATTR_SIZE_VER0.
 * @flags: ``LPC_ATTR_*`` bits: send: what to attach; receive: in, what the
 *	receiver accepts (%LPC_ATTR_VIEW_FD or %LPC_ATTR_VIEW_KEEP, not
 *	both); out, what came.
 * @nr_fds: number of @fds.
 * @__pad: must be zero.
 * @fds: send: fds to pass (port created with %LPC_PORT_ALLOW_FDS only);
 *	only files that cannot hold other files pass: regular files,
 *	directories, pipes, eventfd, pidfd, timerfd, signalfd, sync_file,
 *	IPv4 and IPv6 sockets (anything else, lpc ports, unix sockets and
 *	io_uring included, could close a reference cycle); receive: the
 *	new fds, close-on-exec.
 * @view: see &struct lpc_view.
 * @nr_ranges: number of @ranges.
 * @__pad2: must be zero.
 * @ranges: see &struct lpc_range; a request declares them, its receiver
 *	sees their lengths and access bits. They name memory of the address
 *	space the request was sent from: after the requester exits or calls
 *	execve(), direct access fails with -ESRCH.
 * @creds: receive: the sender's credentials as of that message.
 */
struct lpc_msg_attr {
	__u32 size;
	__u32 flags;
	__u32 nr_fds;
	__u32 __pad;
	__s32 fds[LPC_MAX_FDS];
	struct lpc_view view;
	__u32 nr_ranges;
	__u32 __pad2;
	struct lpc_range ranges[LPC_MAX_RANGES];
	struct lpc_creds creds;
};

#define LPC_MSG_ATTR_SIZE_VER0	608

/* Flags for &lpc_xfer.flags */
#define LPC_XFER_SEND		(1U << 0) /* send the message described */
#define LPC_XFER_RECV		(1U << 1) /* then receive one */
#define LPC_XFER_NONBLOCK	(1U << 2) /* never wait */
#define LPC_XFER_TIMEOUT	(1U << 3) /* @timeout_ns bounds every wait */
#define LPC_XFER_FLAGS		(LPC_XFER_SEND | LPC_XFER_RECV | \
				 LPC_XFER_NONBLOCK | LPC_XFER_TIMEOUT)
/*
 * Output only: set in the written-back @flags once the send half of the
 * call is done, so a failed SEND|RECV tells which half failed. Ignored
 * on input, so a structure can be reused.
 */
#define LPC_XFER_SENT		(1U << 16)

/**
 * struct lpc_xfer - send and/or receive one message
 * @flags: ``LPC_XFER_*`` flags; at least one of SEND and RECV; NONBLOCK and
 *	TIMEOUT exclude each other (-EINVAL).
 * @send_type: %LPC_MSG_REQUEST, %LPC_MSG_DATAGRAM or %LPC_MSG_REPLY.
 * @send_id: for %LPC_MSG_REPLY, the id of the request answered (in); for
 *	a request or datagram, the id the kernel assigned (out; its value on
 *	input is ignored, so a structure can be reused).
 * @send_buf: pointer to @send_len bytes of data.
 * @send_len: up to the port's max_msg_len. Without %LPC_XFER_SEND,
 *	@send_type, @send_buf and @send_len must be 0.
 * @recv_cap: size of @recv_buf. For a request, also the largest reply the
 *	sender accepts; the kernel reserves that much so the reply cannot fail
 *	for lack of memory. For an asynchronous request (SEND only) it is
 *	just that reservation; @recv_buf is not used.
 * @recv_buf: buffer for received data.
 * @timeout_ns: with %LPC_XFER_TIMEOUT, relative timeout in nanoseconds.
 * @send_attr: pointer to a &struct lpc_msg_attr to attach, or 0.
 * @recv_attr: pointer to a &struct lpc_msg_attr to fill, or 0. A message
 *	whose attributes cannot be delivered (no @recv_attr) arrives with
 *	%LPC_MSGF_ATTR_LOST; its fds are closed and its view dropped.
 * @info: out: the header of the received message.
 *
 * With %LPC_XFER_SEND | %LPC_XFER_RECV and a request, the receive waits for
 * the reply to *that* request (the synchronous call); other messages stay
 * queued. A request sent without %LPC_XFER_RECV is asynchronous: its reply
 * is queued on the sender's port as a %LPC_MSG_REPLY. With a reply, the
 * receive takes the next message of any type (the server loop).
 *
 * Where a reply may go: the connection port answers requests of any of its
 * connections, a server communication port those of its own client only,
 * and a client port the requests its server sent it.
 *
 * Returns 0 on success. Replies: -ENOENT no request with that id awaits a
 * reply through this port
 * (already answered, a datagram, or never received); -ECANCELED the
 * requester gave up (cancelled, interrupted, timed out, closed or died);
 * -EMSGSIZE the reply is larger than the requester's @recv_cap.
 * Sends on a disconnected port fail with -ENOTCONN; a synchronous request
 * whose server went away fails with -ECONNRESET. A full queue, or a client
 * over its share of the connection port (&lpc_port_attr.max_conn_queued
 * messages and max_conn_bytes bytes, data plus reserved reply room, queued
 * or awaiting reply there; one message always fits), makes a send wait (or
 * fail with -EAGAIN under %LPC_XFER_NONBLOCK, -ETIMEDOUT after
 * @timeout_ns). An asynchronous request fails at once with -ENOBUFS while
 * max_conn_queued asynchronous requests of the port await their reply or
 * hold one not yet received. A signal makes a waiting call fail with -EINTR; it is not
 * restarted, and a synchronous request interrupted this way is withdrawn.
 * Receiving on a server communication port fails with -EINVAL: the
 * connection port receives for every connection.
 *
 * If the send fails, nothing is received. If the receive fails after a
 * successful send, @send_id is still written back and @flags carries
 * %LPC_XFER_SENT. A receive buffer that is
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
 * Issued on the port the request was sent from. A request the server has
 * not received yet is removed from its queue unseen; one it received stays
 * until it answers, and that reply fails with -ECANCELED. A synchronous
 * request another thread waits on is cancelled too: that thread's call
 * fails with -ECANCELED. -ENOENT: no outstanding request has that id (it
 * was answered already, or never existed).
 */
struct lpc_cancel {
	__aligned_u64 id;
	__u32 flags;
	__u32 __pad;
};

#define LPC_CANCEL_SIZE_VER0	16

/**
 * struct lpc_sender - check who sent a message
 * @id: a request the caller received and has not answered yet, or 0 for
 *	the connection's client (server communication port only).
 * @flags: must be 0.
 * @pid: out: the sender's pid in the caller's pid namespace (0 if it is
 *	not visible there); its value on input is ignored.
 *
 * %LPC_IOC_SENDER_CHECK succeeds only while the sending process is still
 * alive, so a pidfd opened on @pid *before* the call names the sender for
 * sure (a pid is not reused while its process lives). liblpc's
 * lpc_sender_pidfd() does exactly that. -ESRCH: the sender has exited.
 */
struct lpc_sender {
	__aligned_u64 id;
	__u32 flags;
	__s32 pid;
};

#define LPC_SENDER_SIZE_VER0	16

/**
 * struct lpc_section_attr - create a shared section
 * @size: bytes, rounded up to pages; at most the module's section limit.
 * @flags: %LPC_NO_CLOEXEC or 0.
 * @__pad: must be zero.
 *
 * %LPC_IOC_SECTION_CREATE on a communication port returns a section fd:
 * shmem memory committed at creation and charged to the caller, mappable
 * with mmap(2), sealable with fcntl(F_ADD_SEALS), created with
 * F_SEAL_GROW and F_SEAL_SHRINK (its size is fixed). The section belongs
 * to that connection: once the connection ends, it cannot be sent any
 * more, and its memory is released (mappings then fault with SIGBUS) as
 * soon as no receiver has a view of it mapped.
 */
struct lpc_section_attr {
	__aligned_u64 size;
	__u32 flags;
	__u32 __pad;
};

#define LPC_SECTION_ATTR_SIZE_VER0	16

/**
 * struct lpc_view_release - unmap a received view
 * @addr: the address &lpc_view.addr reported.
 * @flags: must be 0.
 * @__pad: must be zero.
 */
struct lpc_view_release {
	__aligned_u64 addr;
	__u32 flags;
	__u32 __pad;
};

#define LPC_VIEW_RELEASE_SIZE_VER0	16

/**
 * struct lpc_direct - read or write a requester's declared range
 * @id: a request the caller received and has not answered yet.
 * @range: index into the request's &lpc_msg_attr.ranges.
 * @flags: must be 0.
 * @offset: offset into the range.
 * @buf: the caller's buffer.
 * @len: bytes; @offset + @len must stay within the range.
 *
 * %LPC_IOC_DIRECT_READ copies from the requester's range into @buf,
 * %LPC_IOC_DIRECT_WRITE the other way; each needs the matching
 * ``LPC_ACCESS_*`` bit. Returns the bytes copied. -ENOENT: no such request in
 * service (answered, cancelled); -ECANCELED: the requester gave up;
 * -ESRCH: it exited; -EINVAL: bad range index; -ERANGE: outside the range;
 * -EACCES: the range does not allow that access.
 */
struct lpc_direct {
	__aligned_u64 id;
	__u32 range;
	__u32 flags;
	__aligned_u64 offset;
	__aligned_u64 buf;
	__aligned_u64 len;
};

#define LPC_DIRECT_SIZE_VER0	40

/**
 * struct lpc_acl_req - read or replace a connection port's ACL
 * @name: pointer to the port's name.
 * @name_len: its length.
 * @flags: must be 0.
 * @aces: pointer to an array of &struct lpc_ace.
 * @count: get: in, room in @aces; out, entries the ACL has (if more than
 *	the room, -ENOSPC and nothing is written). set: entries at @aces.
 * @__pad: must be zero.
 *
 * Get needs the query right, set the admin right or ownership of the
 * port. A port the caller may not query does not exist for it (-ENOENT).
 * Ids are translated into the caller's user namespace. A new ACL affects
 * only later connects; established connections stay.
 */
struct lpc_acl_req {
	__aligned_u64 name;
	__u32 name_len;
	__u32 flags;
	__aligned_u64 aces;
	__u32 count;
	__u32 __pad;
};

#define LPC_ACL_REQ_SIZE_VER0	32

/**
 * struct lpc_port_info - what a query reports about a connection port
 * @serial: unique, increasing number of the port (the list cursor).
 * @name_len: bytes of @name.
 * @flags: the port's ``LPC_PORT_*`` flags.
 * @owner_uid: owner, in the caller's user namespace.
 * @owner_gid: owner's gid.
 * @server_pid: creating process, in the caller's pid namespace (0 if not
 *	visible).
 * @__pad: zero.
 * @created_ns: creation time, CLOCK_REALTIME nanoseconds.
 * @max_msg_len: limits, as resolved at creation.
 * @max_conn_data_len: see @max_msg_len.
 * @max_queued: see @max_msg_len.
 * @max_conns: see @max_msg_len.
 * @nr_conns: connections, connecting or connected.
 * @nr_queued: messages waiting on the port and requests awaiting reply.
 * @queued_bytes: bytes of those messages.
 * @__pad2: zero.
 * @connects: connection requests received.
 * @accepted: connections accepted.
 * @refused: connections rejected by the server.
 * @denied: connects denied by the ACL or the server identity check.
 * @msgs_in: messages received through the port.
 * @bytes_in: bytes of them.
 * @msgs_out: messages the port's server sent (replies included).
 * @bytes_out: bytes of them.
 * @lost_replies: replies that found their requester gone.
 * @name: the name, NUL-terminated.
 * @max_conn_queued: (VER1) each connection's share of @max_queued, as
 *	resolved at creation (&lpc_port_attr.max_conn_queued).
 * @max_conn_bytes: (VER1) each connection's share of bytes.
 */
struct lpc_port_info {
	__aligned_u64 serial;
	__u32 name_len;
	__u32 flags;
	__u32 owner_uid;
	__u32 owner_gid;
	__s32 server_pid;
	__u32 __pad;
	__aligned_u64 created_ns;
	__u32 max_msg_len;
	__u32 max_conn_data_len;
	__u32 max_queued;
	__u32 max_conns;
	__u32 nr_conns;
	__u32 nr_queued;
	__aligned_u64 queued_bytes;
	__aligned_u64 connects;
	__aligned_u64 accepted;
	__aligned_u64 refused;
	__aligned_u64 denied;
	__aligned_u64 msgs_in;
	__aligned_u64 bytes_in;
	__aligned_u64 msgs_out;
	__aligned_u64 bytes_out;
	__aligned_u64 lost_replies;
	__u8 name[LPC_NAME_MAX + 1];
	__u32 max_conn_queued;
	__u32 max_conn_bytes;
};

/**
 * struct lpc_conn_info - what a query reports about one connection
 * @serial: unique, increasing number of the connection (the cursor).
 * @context: the port context the server bound (0 while connecting).
 * @client_pid: the connecting process, in the caller's pid namespace.
 * @client_uid: its euid at connect, in the caller's user namespace.
 * @client_gid: its egid at connect.
 * @state: 1 connecting, 2 connected.
 * @connected_ns: connect time, CLOCK_REALTIME nanoseconds.
 * @pending: the client's requests awaiting a reply.
 * @queued: messages waiting for the client.
 * @held: (VER1) the client's messages held by the connection port (queued
 *	or in service), against &lpc_port_info.max_conn_queued.
 * @async: (VER1) the client's asynchronous requests awaiting a reply or
 *	holding an unreceived one, against the same share.
 * @held_bytes: (VER1) bytes @held charges, data and reserved replies,
 *	against &lpc_port_info.max_conn_bytes.
 */
struct lpc_conn_info {
	__aligned_u64 serial;
	__aligned_u64 context;
	__s32 client_pid;
	__u32 client_uid;
	__u32 client_gid;
	__u32 state;
	__aligned_u64 connected_ns;
	__u32 pending;
	__u32 queued;
	__u32 held;
	__u32 async;
	__aligned_u64 held_bytes;
};

/**
 * struct lpc_query - list ports, describe one, or list its connections
 * @cursor: in: 0 to start, else the last serial seen; out: the serial to
 *	pass next (0 when the listing is complete).
 * @name: the port's name (%LPC_IOC_PORT_INFO, %LPC_IOC_CONN_LIST), or 0.
 * @name_len: its length.
 * @flags: must be 0.
 * @buf: pointer to an array of &struct lpc_port_info or
 *	&struct lpc_conn_info.
 * @count: in: entries @buf has room for; out: entries written.
 * @entry_size: sizeof the entry struct as user space knows it (at least
 *	its first published size); the kernel writes that many bytes each.
 *
 * Only ports the caller may query are listed; others do not exist for it.
 */
struct lpc_query {
	__aligned_u64 cursor;
	__aligned_u64 name;
	__u32 name_len;
	__u32 flags;
	__aligned_u64 buf;
	__u32 count;
	__u32 entry_size;
};

#define LPC_QUERY_SIZE_VER0		40
#define LPC_PORT_INFO_SIZE_VER0		400
#define LPC_PORT_INFO_SIZE_VER1		408
#define LPC_CONN_INFO_SIZE_VER0		48
#define LPC_CONN_INFO_SIZE_VER1		64

/**
 * struct lpc_batch - several sends or receives in one call
 * @xfers: pointer to an array of &struct lpc_xfer.
 * @count: entries; at most %LPC_BATCH_MAX.
 * @flags: %LPC_XFER_NONBLOCK or %LPC_XFER_TIMEOUT (for the first entry's
 *	wait only), else 0.
 * @timeout_ns: with %LPC_XFER_TIMEOUT.
 *
 * %LPC_IOC_SEND_BATCH sends each entry as an %LPC_XFER_SEND would (the
 * entries' own flags must be %LPC_XFER_SEND); %LPC_IOC_RECV_BATCH receives
 * into each entry's recv_buf (flags %LPC_XFER_RECV), waiting only for the
 * first. Both return the number of entries done; an error on the first
 * entry is returned as such, a later one ends the batch early.
 */
struct lpc_batch {
	__aligned_u64 xfers;
	__u32 count;
	__u32 flags;
	__aligned_u64 timeout_ns;
};

#define LPC_BATCH_SIZE_VER0	24
#define LPC_BATCH_MAX		64

/* Ioctls on /dev/lpc */
#define LPC_IOC_VERSION		_IOR(LPC_IOC_MAGIC, 0x40, struct lpc_version)
#define LPC_IOC_CREATE_PORT	_IOW(LPC_IOC_MAGIC, 0x41, struct lpc_port_attr)
#define LPC_IOC_CONNECT		_IOWR(LPC_IOC_MAGIC, 0x42, struct lpc_connect)
#define LPC_IOC_PORT_LIST	_IOWR(LPC_IOC_MAGIC, 0x43, struct lpc_query)
#define LPC_IOC_PORT_INFO	_IOWR(LPC_IOC_MAGIC, 0x44, struct lpc_query)
#define LPC_IOC_CONN_LIST	_IOWR(LPC_IOC_MAGIC, 0x45, struct lpc_query)
#define LPC_IOC_ACL_GET		_IOWR(LPC_IOC_MAGIC, 0x46, struct lpc_acl_req)
#define LPC_IOC_ACL_SET		_IOW(LPC_IOC_MAGIC, 0x47, struct lpc_acl_req)

/* Ioctls on ports */
#define LPC_IOC_ACCEPT		_IOW(LPC_IOC_MAGIC, 0x50, struct lpc_accept)
#define LPC_IOC_XFER		_IOWR(LPC_IOC_MAGIC, 0x51, struct lpc_xfer)
#define LPC_IOC_CANCEL		_IOW(LPC_IOC_MAGIC, 0x52, struct lpc_cancel)
/*
 * LPC_IOC_DISCONNECT, on a client or server communication port, ends the
 * connection and keeps the fd: messages not yet received on either side
 * are dropped, the peer gets %LPC_MSG_PORT_CLOSED, waiting requesters wake
 * with -ECONNRESET, and later sends fail with -ENOTCONN. -EINVAL on a
 * connection port.
 */
#define LPC_IOC_DISCONNECT	_IO(LPC_IOC_MAGIC, 0x53)
#define LPC_IOC_SENDER_CHECK	_IOWR(LPC_IOC_MAGIC, 0x54, struct lpc_sender)
#define LPC_IOC_SECTION_CREATE	_IOW(LPC_IOC_MAGIC, 0x55, struct lpc_section_attr)
#define LPC_IOC_VIEW_RELEASE	_IOW(LPC_IOC_MAGIC, 0x56, struct lpc_view_release)
#define LPC_IOC_DIRECT_READ	_IOW(LPC_IOC_MAGIC, 0x57, struct lpc_direct)
#define LPC_IOC_DIRECT_WRITE	_IOW(LPC_IOC_MAGIC, 0x58, struct lpc_direct)
#define LPC_IOC_SEND_BATCH	_IOW(LPC_IOC_MAGIC, 0x59, struct lpc_batch)
#define LPC_IOC_RECV_BATCH	_IOW(LPC_IOC_MAGIC, 0x5a, struct lpc_batch)

#endif /* _UAPI_LINUX_LPC_H */
