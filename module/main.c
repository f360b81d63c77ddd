// SPDX-License-Identifier: GPL-2.0
/*
 * lpc: NT-style local procedure call ports for Linux.
 *
 * This file registers /dev/lpc, the factory: its ioctls report the
 * version, create named connection ports and connect to them. Everything
 * else happens on the port fds (port.c).
 */
#include <linux/compat.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "internal.h"

static int lpc_version(void __user *uarg, u32 usize)
{
	struct lpc_version v = {
		.api_version = LPC_API_VERSION,
		.max_name_len = LPC_NAME_MAX,
		.features = LPC_FEATURES,
		.max_msg_len = LPC_MSG_MAX,
		.module_version = LPC_MODULE_VERSION,
	};

	if (usize < LPC_VERSION_SIZE_VER0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	if (lpc_copy_out(uarg, usize, &v, sizeof(v)))
		return -EFAULT;
	if (usize > sizeof(v) &&
	    clear_user(uarg + sizeof(v), usize - sizeof(v)))
		return -EFAULT;
	return 0;
}

static long lpc_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	u32 usize = _IOC_SIZE(cmd);

	if (lpc_cmd_is(cmd, LPC_IOC_VERSION))
		return lpc_version(uarg, usize);
	if (lpc_cmd_is(cmd, LPC_IOC_CREATE_PORT))
		return lpc_create_port(uarg, usize);
	if (lpc_cmd_is(cmd, LPC_IOC_CONNECT))
		return lpc_connect(uarg, usize);
	if (lpc_cmd_is(cmd, LPC_IOC_PORT_LIST))
		return lpc_port_list(uarg, usize);
	if (lpc_cmd_is(cmd, LPC_IOC_PORT_INFO))
		return lpc_port_info(uarg, usize);
	if (lpc_cmd_is(cmd, LPC_IOC_CONN_LIST))
		return lpc_conn_list(uarg, usize);
	if (lpc_cmd_is(cmd, LPC_IOC_ACL_GET))
		return lpc_acl_get(uarg, usize);
	if (lpc_cmd_is(cmd, LPC_IOC_ACL_SET))
		return lpc_acl_set(uarg, usize);
	return -ENOTTY;
}

static const struct file_operations lpc_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = lpc_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

bool lpc_is_dev_file(struct file *file)
{
	return file->f_op == &lpc_dev_fops;
}

static struct miscdevice lpc_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "lpc",
	.fops = &lpc_dev_fops,
	/* Who may use a port is decided per port, by its ACL. */
	.mode = 0666,
};

static void lpc_check_uapi(void)
{
	BUILD_BUG_ON(sizeof(struct lpc_version) != LPC_VERSION_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_port_attr) != LPC_PORT_ATTR_SIZE_VER1);
	BUILD_BUG_ON(sizeof(struct lpc_connect) != LPC_CONNECT_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_accept) != LPC_ACCEPT_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_xfer) != LPC_XFER_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_cancel) != LPC_CANCEL_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_msg_info) != 56);
	BUILD_BUG_ON(sizeof(struct lpc_ace) != 16);
	BUILD_BUG_ON(sizeof(struct lpc_msg_attr) != LPC_MSG_ATTR_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_sender) != LPC_SENDER_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_section_attr) !=
		     LPC_SECTION_ATTR_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_view_release) !=
		     LPC_VIEW_RELEASE_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_direct) != LPC_DIRECT_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_acl_req) != LPC_ACL_REQ_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_query) != LPC_QUERY_SIZE_VER0);
	BUILD_BUG_ON(sizeof(struct lpc_port_info) != LPC_PORT_INFO_SIZE_VER1);
	BUILD_BUG_ON(sizeof(struct lpc_conn_info) != LPC_CONN_INFO_SIZE_VER1);
	BUILD_BUG_ON(sizeof(struct lpc_batch) != LPC_BATCH_SIZE_VER0);
}

static int __init lpc_init(void)
{
	int ret;

	lpc_check_uapi();
	ret = misc_register(&lpc_misc);
	if (ret)
		return ret;
	pr_debug("loaded, api %u\n", LPC_API_VERSION);
	return 0;
}

static void __exit lpc_exit(void)
{
	misc_deregister(&lpc_misc);
	lpc_ns_exit();
}

module_init(lpc_init);
module_exit(lpc_exit);

MODULE_DESCRIPTION("NT-style local procedure call ports");
MODULE_AUTHOR("The lpc authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(LPC_VERSION);
