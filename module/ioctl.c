// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctls, as tables: one for /dev/lpc, one for ports.
 *
 * Connection ports and communication ports are files of one kind (one
 * &file_operations, port.c) told apart by &lpc_port.kind, and share one
 * range of ioctl numbers; most of their ioctls (XFER, CANCEL,
 * SENDER_CHECK, VIEW_RELEASE, DIRECT_*, the batches) work on every kind.
 * So ports have one table whose rows say which kinds accept them, and the
 * dispatcher refuses the other kinds with -EINVAL, the error these
 * ioctls always gave there (only earlier now: before the struct is
 * copied, so a bad pointer or a non-zero tail on the wrong kind of port
 * is -EINVAL, no longer -EFAULT or -E2BIG).
 *
 * A row is found by its number's _IOC_NR, like io_uring's op table by
 * opcode. The struct size travels in the ioctl number: a row matches the
 * type, number and direction, and the size follows the rule of
 * Documentation/userspace-api/lpc.rst ("Size versioning"), checked here
 * once: at least the row's VER0 (-EINVAL), at most a page (-E2BIG); an
 * ioctl without an argument matches only with size 0. Anything else is
 * -ENOTTY. The handler then copies what it needs with the helpers of
 * uaccess.c, which check a larger struct's tail.
 *
 * LPC_IOC_VERSION's features are the bits of the rows, plus those that
 * name no ioctl of their own (%LPC_FEAT_NOT_IOCTLS).
 */
#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/uaccess.h>

#include "internal.h"

/* Features that are flags or attributes, not ioctls of their own. */
#define LPC_FEAT_NOT_IOCTLS	(LPC_FEAT_ACL | LPC_FEAT_SERVER_ID | \
				 LPC_FEAT_CREDS | LPC_FEAT_FDS | \
				 LPC_FEAT_VIEW_KEEP | LPC_FEAT_CONN_SHARE)

/* The numbers of each table, contiguous, as uapi/linux/lpc.h has them. */
#define LPC_DEV_NR_FIRST	_IOC_NR(LPC_IOC_VERSION)
#define LPC_DEV_NR_LAST		_IOC_NR(LPC_IOC_ACL_SET)
#define LPC_PORT_NR_FIRST	_IOC_NR(LPC_IOC_ACCEPT)
#define LPC_PORT_NR_LAST	_IOC_NR(LPC_IOC_RECV_BATCH)

/* &lpc_ioc.kinds */
#define LPC_K_CONN_PORT		BIT(LPC_PORT_CONNECTION)
#define LPC_K_COMM_PORT		(BIT(LPC_PORT_CLIENT) | BIT(LPC_PORT_SERVER))
#define LPC_K_ANY_PORT		(LPC_K_CONN_PORT | LPC_K_COMM_PORT)

/**
 * struct lpc_ioc - one ioctl
 * @cmd: its number, as uapi/linux/lpc.h defines it.
 * @ver0: the smallest struct size it accepts; 0 for no argument.
 * @kinds: BIT(&enum lpc_port_kind) of the ports that accept it; 0 for
 *	/dev/lpc.
 * @feature: the %LPC_FEAT_* bit that announces it.
 * @dev: the handler of a /dev/lpc ioctl.
 * @port: the handler of a port ioctl.
 */
struct lpc_ioc {
	unsigned int cmd;
	u16 ver0;
	u8 kinds;
	u64 feature;
	union {
		int (*dev)(void __user *uarg, u32 usize);
		int (*port)(struct lpc_port *port, void __user *uarg,
			    u32 usize);
	};
};

/*
 * Rows are in the order of their numbers, without holes: a row's index
 * is its number's _IOC_NR minus the table's first, which lpc_ioc_check()
 * asserts, so no two rows can have one number.
 */
#define LPC_DEV_IOC(_cmd, _ver0, _feature, _h)				\
	{ .cmd = (_cmd), .ver0 = (_ver0), .feature = (_feature), .dev = (_h) }
#define LPC_PORT_IOC(_cmd, _ver0, _kinds, _feature, _h)			\
	{ .cmd = (_cmd), .ver0 = (_ver0), .kinds = (_kinds),		\
	  .feature = (_feature), .port = (_h) }

static int lpc_ioc_version(void __user *uarg, u32 usize);

static const struct lpc_ioc lpc_dev_iocs[] = {
	LPC_DEV_IOC(LPC_IOC_VERSION, LPC_VERSION_SIZE_VER0,
		    LPC_FEAT_PORTS, lpc_ioc_version),
	LPC_DEV_IOC(LPC_IOC_CREATE_PORT, LPC_PORT_ATTR_SIZE_VER0,
		    LPC_FEAT_PORTS, lpc_ioc_create_port),
	LPC_DEV_IOC(LPC_IOC_CONNECT, LPC_CONNECT_SIZE_VER0,
		    LPC_FEAT_PORTS, lpc_ioc_connect),
	LPC_DEV_IOC(LPC_IOC_PORT_LIST, LPC_QUERY_SIZE_VER0,
		    LPC_FEAT_QUERY, lpc_ioc_port_list),
	LPC_DEV_IOC(LPC_IOC_PORT_INFO, LPC_QUERY_SIZE_VER0,
		    LPC_FEAT_QUERY, lpc_ioc_port_info),
	LPC_DEV_IOC(LPC_IOC_CONN_LIST, LPC_QUERY_SIZE_VER0,
		    LPC_FEAT_QUERY, lpc_ioc_conn_list),
	LPC_DEV_IOC(LPC_IOC_ACL_GET, LPC_ACL_REQ_SIZE_VER0,
		    LPC_FEAT_ACL_GETSET, lpc_ioc_acl_get),
	LPC_DEV_IOC(LPC_IOC_ACL_SET, LPC_ACL_REQ_SIZE_VER0,
		    LPC_FEAT_ACL_GETSET, lpc_ioc_acl_set),
};

static int lpc_ioc_disconnect(struct lpc_port *port, void __user *uarg,
			      u32 usize)
{
	return lpc_port_disconnect(port);
}

static int lpc_ioc_direct_read(struct lpc_port *port, void __user *uarg,
			       u32 usize)
{
	return lpc_direct(port, uarg, usize, false);
}

static int lpc_ioc_direct_write(struct lpc_port *port, void __user *uarg,
				u32 usize)
{
	return lpc_direct(port, uarg, usize, true);
}

static const struct lpc_ioc lpc_port_iocs[] = {
	LPC_PORT_IOC(LPC_IOC_ACCEPT, LPC_ACCEPT_SIZE_VER0, LPC_K_CONN_PORT,
		     LPC_FEAT_PORTS, lpc_ioc_accept),
	LPC_PORT_IOC(LPC_IOC_XFER, LPC_XFER_SIZE_VER0, LPC_K_ANY_PORT,
		     LPC_FEAT_PORTS, lpc_ioc_xfer),
	LPC_PORT_IOC(LPC_IOC_CANCEL, LPC_CANCEL_SIZE_VER0, LPC_K_ANY_PORT,
		     LPC_FEAT_CANCEL, lpc_ioc_cancel),
	LPC_PORT_IOC(LPC_IOC_DISCONNECT, 0, LPC_K_COMM_PORT,
		     LPC_FEAT_DISCONNECT, lpc_ioc_disconnect),
	LPC_PORT_IOC(LPC_IOC_SENDER_CHECK, LPC_SENDER_SIZE_VER0,
		     LPC_K_ANY_PORT, LPC_FEAT_SENDER, lpc_ioc_sender_check),
	LPC_PORT_IOC(LPC_IOC_SECTION_CREATE, LPC_SECTION_ATTR_SIZE_VER0,
		     LPC_K_COMM_PORT, LPC_FEAT_SECTIONS,
		     lpc_ioc_section_create),
	LPC_PORT_IOC(LPC_IOC_VIEW_RELEASE, LPC_VIEW_RELEASE_SIZE_VER0,
		     LPC_K_ANY_PORT, LPC_FEAT_SECTIONS, lpc_ioc_view_release),
	LPC_PORT_IOC(LPC_IOC_DIRECT_READ, LPC_DIRECT_SIZE_VER0,
		     LPC_K_ANY_PORT, LPC_FEAT_DIRECT, lpc_ioc_direct_read),
	LPC_PORT_IOC(LPC_IOC_DIRECT_WRITE, LPC_DIRECT_SIZE_VER0,
		     LPC_K_ANY_PORT, LPC_FEAT_DIRECT, lpc_ioc_direct_write),
	LPC_PORT_IOC(LPC_IOC_SEND_BATCH, LPC_BATCH_SIZE_VER0, LPC_K_ANY_PORT,
		     LPC_FEAT_BATCH, lpc_ioc_send_batch),
	LPC_PORT_IOC(LPC_IOC_RECV_BATCH, LPC_BATCH_SIZE_VER0, LPC_K_ANY_PORT,
		     LPC_FEAT_BATCH, lpc_ioc_recv_batch),
};

/* Each table covers its range of numbers, and nothing else. */
static_assert(ARRAY_SIZE(lpc_dev_iocs) ==
	      LPC_DEV_NR_LAST - LPC_DEV_NR_FIRST + 1);
static_assert(ARRAY_SIZE(lpc_port_iocs) ==
	      LPC_PORT_NR_LAST - LPC_PORT_NR_FIRST + 1);
/* The two ranges do not overlap: a number means one thing. */
static_assert(LPC_DEV_NR_LAST < LPC_PORT_NR_FIRST);

/*
 * Build-time checks of every row of @t, whose first number is @first:
 * lpc's magic, the number its index says, a size in the number of at
 * least VER0 and none without an argument, exactly one feature bit. The
 * loop is unrolled and the tables are constant, so each check folds to a
 * constant; one that does not hold, or cannot be folded (a table longer
 * than the unroll count), fails the build.
 */
static __always_inline void lpc_ioc_check(const struct lpc_ioc *t,
					  unsigned int n, unsigned int first)
{
	unsigned int i;

#pragma GCC unroll 16
	for (i = 0; i < n; i++) {
		BUILD_BUG_ON(_IOC_TYPE(t[i].cmd) != LPC_IOC_MAGIC);
		BUILD_BUG_ON(_IOC_NR(t[i].cmd) != first + i);
		BUILD_BUG_ON(_IOC_SIZE(t[i].cmd) < t[i].ver0);
		BUILD_BUG_ON(!t[i].ver0 != (_IOC_DIR(t[i].cmd) == _IOC_NONE));
		BUILD_BUG_ON(!t[i].feature ||
			     (t[i].feature & (t[i].feature - 1)));
	}
}

/* Called once, at module load (main.c); costs nothing at run time. */
void lpc_ioc_check_tables(void)
{
	lpc_ioc_check(lpc_dev_iocs, ARRAY_SIZE(lpc_dev_iocs),
		      LPC_DEV_NR_FIRST);
	lpc_ioc_check(lpc_port_iocs, ARRAY_SIZE(lpc_port_iocs),
		      LPC_PORT_NR_FIRST);
}

/*
 * The row of @cmd in @table, whose first number is @first, once the size
 * rule passed; NULL with *@err set otherwise.
 */
static const struct lpc_ioc *lpc_ioc_find(const struct lpc_ioc *table,
					  unsigned int n, unsigned int first,
					  unsigned int cmd, int *err)
{
	unsigned int idx = _IOC_NR(cmd) - first;
	const struct lpc_ioc *ioc;
	u32 usize = _IOC_SIZE(cmd);

	*err = -ENOTTY;
	if (idx >= n)
		return NULL;
	ioc = &table[idx];
	if (_IOC_TYPE(cmd) != _IOC_TYPE(ioc->cmd) ||
	    _IOC_DIR(cmd) != _IOC_DIR(ioc->cmd))
		return NULL;
	if (!ioc->ver0)
		return usize ? NULL : ioc;
	*err = lpc_usize_check(usize, ioc->ver0);
	return *err ? NULL : ioc;
}

/* The unlocked_ioctl of /dev/lpc (main.c). */
long lpc_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	const struct lpc_ioc *ioc;
	int ret;

	ioc = lpc_ioc_find(lpc_dev_iocs, ARRAY_SIZE(lpc_dev_iocs),
			   LPC_DEV_NR_FIRST, cmd, &ret);
	if (!ioc)
		return ret;
	return ioc->dev((void __user *)arg, _IOC_SIZE(cmd));
}

/* The unlocked_ioctl of every port (port.c). */
long lpc_port_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lpc_port *port = file->private_data;
	const struct lpc_ioc *ioc;
	int ret;

	ioc = lpc_ioc_find(lpc_port_iocs, ARRAY_SIZE(lpc_port_iocs),
			   LPC_PORT_NR_FIRST, cmd, &ret);
	if (!ioc)
		return ret;
	if (!(ioc->kinds & BIT(port->kind)))
		return -EINVAL;
	/* A round trip is one XFER per side: spare it the indirect call. */
	return INDIRECT_CALL_1(ioc->port, lpc_ioc_xfer, port,
			       (void __user *)arg, _IOC_SIZE(cmd));
}

static u64 lpc_features(void)
{
	u64 features = LPC_FEAT_NOT_IOCTLS;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lpc_dev_iocs); i++)
		features |= lpc_dev_iocs[i].feature;
	for (i = 0; i < ARRAY_SIZE(lpc_port_iocs); i++)
		features |= lpc_port_iocs[i].feature;
	return features;
}

/**
 * lpc_ioc_version() - %LPC_IOC_VERSION
 * @uarg: user &struct lpc_version.
 * @usize: its size.
 *
 * Output only: the room past the kernel's struct is cleared.
 *
 * Return: 0 or -EFAULT.
 */
static int lpc_ioc_version(void __user *uarg, u32 usize)
{
	struct lpc_version v = {
		.api_version = LPC_API_VERSION,
		.max_name_len = LPC_NAME_MAX,
		.features = lpc_features(),
		.max_msg_len = LPC_MSG_MAX,
		.module_version = LPC_MODULE_VERSION,
	};

	return lpc_copy_out_zeroed(uarg, usize, &v, sizeof(v));
}
