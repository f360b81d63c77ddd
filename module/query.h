/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the queries (query.c) need from the namespace directory (ns.c) and
 * the ACL code (acl.c).
 */
#ifndef _LPC_QUERY_H
#define _LPC_QUERY_H

#include "internal.h"

/* ns.c; takes lpc_ns_mutex. */
unsigned int lpc_ns_ports_after(u64 after, struct lpc_port **ports,
				unsigned int max, bool *more);

/* acl.c; none of these may be called under a spinlock. */
int lpc_acl_to_user(struct lpc_port *port, u64 uptr, u32 *count);
void lpc_acl_replace(struct lpc_port *port, struct lpc_acl *acl);
int lpc_acl_may_set(struct lpc_port *port);

#endif /* _LPC_QUERY_H */
