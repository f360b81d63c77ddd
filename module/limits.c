// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user limits on ports and connections.
 *
 * Every connection port and every connection is charged to the effective
 * uid that created it, so that one user cannot pin an unbounded amount of
 * kernel memory (each object is also charged to the creator's memory
 * cgroup). Past a limit, creation fails with -EDQUOT. CAP_SYS_RESOURCE
 * in the initial user namespace lifts the limits, as for rlimits.
 *
 * lpc_users_lock guards the table; it is taken on create, connect and
 * close only, never on the message path.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "internal.h"

static unsigned int max_ports_per_user = 1024;
module_param(max_ports_per_user, uint, 0644);
MODULE_PARM_DESC(max_ports_per_user,
		 "connection ports one user may own (default 1024)");

static unsigned int max_conns_per_user = 65536;
module_param(max_conns_per_user, uint, 0644);
MODULE_PARM_DESC(max_conns_per_user,
		 "connections one user may open (default 65536)");

struct lpc_user {
	struct hlist_node node;
	kuid_t uid;
	u32 ports;
	u32 conns;
};

static DEFINE_HASHTABLE(lpc_users, 6);
static DEFINE_SPINLOCK(lpc_users_lock);

static struct lpc_user *lpc_user_find(kuid_t uid)
{
	struct lpc_user *u;

	lockdep_assert_held(&lpc_users_lock);
	hash_for_each_possible(lpc_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

static int lpc_user_charge(bool port)
{
	unsigned int limit = port ? READ_ONCE(max_ports_per_user) :
				    READ_ONCE(max_conns_per_user);
	bool exempt = ns_capable_noaudit(&init_user_ns, CAP_SYS_RESOURCE);
	kuid_t uid = current_euid();
	struct lpc_user *u, *new;
	int ret = 0;
	u32 *count;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;

	spin_lock(&lpc_users_lock);
	u = lpc_user_find(uid);
	if (!u) {
		u = new;
		new = NULL;
		u->uid = uid;
		hash_add(lpc_users, &u->node, __kuid_val(uid));
	}
	count = port ? &u->ports : &u->conns;
	if (*count >= limit && !exempt)
		ret = -EDQUOT;
	else
		(*count)++;
	if (!u->ports && !u->conns) {
		hash_del(&u->node);
		new = u;
	}
	spin_unlock(&lpc_users_lock);
	kfree(new);
	return ret;
}

static void lpc_user_uncharge(kuid_t uid, bool port)
{
	struct lpc_user *u;

	spin_lock(&lpc_users_lock);
	u = lpc_user_find(uid);
	if (WARN_ON_ONCE(!u)) {
		spin_unlock(&lpc_users_lock);
		return;
	}
	if (port)
		u->ports--;
	else
		u->conns--;
	if (u->ports || u->conns)
		u = NULL;
	else
		hash_del(&u->node);
	spin_unlock(&lpc_users_lock);
	kfree(u);
}

/* Charge a new connection port to the caller: 0 or -EDQUOT, -ENOMEM. */
int lpc_user_charge_port(void)
{
	return lpc_user_charge(true);
}

void lpc_user_uncharge_port(kuid_t uid)
{
	lpc_user_uncharge(uid, true);
}

/* Charge a new connection to the caller: 0 or -EDQUOT, -ENOMEM. */
int lpc_user_charge_conn(void)
{
	return lpc_user_charge(false);
}

void lpc_user_uncharge_conn(kuid_t uid)
{
	lpc_user_uncharge(uid, false);
}
