/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Access control lists on connection ports (acl.c): build, check, and
 * the rule that a port the caller may not query does not exist for it.
 * None of these may be called under a spinlock: a capability check may
 * sleep, and the user copies fault.
 */
#ifndef _LPC_ACL_H
#define _LPC_ACL_H

#include <linux/types.h>

struct lpc_acl;
struct lpc_port;

struct lpc_acl *lpc_acl_from_user(u64 uptr, u32 count);
struct lpc_acl *lpc_acl_default(void);
void lpc_acl_free(struct lpc_acl *acl);
int lpc_acl_check(struct lpc_port *port, u32 right);
bool lpc_port_visible(struct lpc_port *port);
struct lpc_port *lpc_port_find_visible(u64 uname, u32 len);

int lpc_ioc_acl_get(void __user *uarg, u32 usize);
int lpc_ioc_acl_set(void __user *uarg, u32 usize);

#endif /* _LPC_ACL_H */
