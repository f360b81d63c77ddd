/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What sections (section.c) and views (view.c) share.
 */
#ifndef _LPC_SECTION_H
#define _LPC_SECTION_H

#include "internal.h"

/* conn->nr_sections once the connection ended: no section joins it. */
#define LPC_SECTIONS_ENDED	U32_MAX

static inline bool lpc_conn_ended(struct lpc_conn *conn)
{
	return READ_ONCE(conn->nr_sections) == LPC_SECTIONS_ENDED;
}

bool lpc_conn_section_size(struct lpc_conn *conn, struct inode *inode,
			   loff_t *size);
void lpc_views_conn_end(struct lpc_port *home, struct lpc_conn *conn);

#endif /* _LPC_SECTION_H */
