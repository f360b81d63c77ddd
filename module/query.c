// SPDX-License-Identifier: GPL-2.0
/*
 * Queries: list ports, describe one, list its connections, get and set
 * ACLs. (Stubs: being implemented.)
 */
#include "internal.h"

int lpc_port_list(void __user *uarg, u32 usize)
{
	return -EOPNOTSUPP;
}

int lpc_port_info(void __user *uarg, u32 usize)
{
	return -EOPNOTSUPP;
}

int lpc_conn_list(void __user *uarg, u32 usize)
{
	return -EOPNOTSUPP;
}

int lpc_acl_get(void __user *uarg, u32 usize)
{
	return -EOPNOTSUPP;
}

int lpc_acl_set(void __user *uarg, u32 usize)
{
	return -EOPNOTSUPP;
}
