// SPDX-License-Identifier: GPL-2.0
/*
 * Message attributes. (Stubs: being implemented.)
 */
#include "internal.h"

int lpc_attr_attach(struct lpc_port *port, struct lpc_msg *msg, u64 uptr)
{
	return -EOPNOTSUPP;
}

int lpc_attr_deliver(struct lpc_port *port, struct lpc_msg *msg, u64 uptr,
		     struct lpc_msg_info *info)
{
	return 0;
}

void lpc_attr_free(struct lpc_msg *msg)
{
}
