// SPDX-License-Identifier: GPL-2.0
/*
 * Direct access to a requester's declared memory. (Stub: being
 * implemented.)
 */
#include "internal.h"

int lpc_direct(struct lpc_port *port, void __user *uarg, u32 usize,
	       bool write)
{
	return -EOPNOTSUPP;
}
