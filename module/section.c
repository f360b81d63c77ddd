// SPDX-License-Identifier: GPL-2.0
/*
 * Shared sections and views. (Stubs: being implemented.)
 */
#include "internal.h"

int lpc_section_create(struct lpc_port *port, void __user *uarg, u32 usize)
{
	return -EOPNOTSUPP;
}

int lpc_view_attach(struct lpc_port *port, struct lpc_msg *msg,
		    const struct lpc_view *view)
{
	return -EOPNOTSUPP;
}

int lpc_view_deliver(struct lpc_port *port, struct lpc_msg *msg,
		     struct lpc_view *out, bool want_fd)
{
	return -EOPNOTSUPP;
}

void lpc_view_drop(struct lpc_msg *msg)
{
}

void lpc_view_unmap_request(struct lpc_port *port, u64 id)
{
}

int lpc_view_release(struct lpc_port *port, void __user *uarg, u32 usize)
{
	return -EOPNOTSUPP;
}

void lpc_views_port_release(struct lpc_port *port)
{
}

void lpc_sections_conn_end(struct lpc_conn *conn)
{
}
