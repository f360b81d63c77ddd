// SPDX-License-Identifier: GPL-2.0
/*
 * lpc: NT-style local procedure call ports for Linux.
 *
 * This file registers /dev/lpc, the factory: its ioctls (ioctl.c) report
 * the version, create named connection ports, connect to them and query
 * them. Everything else happens on the port fds (port.c).
 */
#include <linux/compat.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "internal.h"
#include "section.h"

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
	lpc_ioc_check_tables();
	ret = lpc_section_init();
	if (ret)
		return ret;
	ret = misc_register(&lpc_misc);
	if (ret) {
		lpc_section_exit();
		return ret;
	}
	pr_debug("loaded, api %u\n", LPC_API_VERSION);
	return 0;
}

static void __exit lpc_exit(void)
{
	misc_deregister(&lpc_misc);
	lpc_ns_exit();
	lpc_section_exit();
}

module_init(lpc_init);
module_exit(lpc_exit);

MODULE_DESCRIPTION("NT-style local procedure call ports");
MODULE_AUTHOR("The lpc authors");
MODULE_LICENSE("GPL");
MODULE_VERSION(LPC_VERSION);
