// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user limits on ports, connections and sections.
 *
 * Every connection port, every connection and every section's size is
 * charged to the effective uid that created it, so that one user cannot
 * pin an unbounded amount of kernel memory (each object, and each section
 * page, is also charged to a memory cgroup). Past a limit, creation fails
 * with -EDQUOT. CAP_SYS_RESOURCE in the initial user namespace lifts the
 * limits, as for rlimits.
 *
 * lpc_users_lock guards the table; it is taken on create, connect and
 * close only, never on the message path.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/sizes.h>
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

static unsigned long max_section_bytes_per_user = SZ_1G;
module_param(max_section_bytes_per_user, ulong, 0644);
MODULE_PARM_DESC(max_section_bytes_per_user,
		 "bytes of sections one user may hold (default 1 GiB)");

enum lpc_charge {
	LPC_CHARGE_PORT,
	LPC_CHARGE_CONN,
	LPC_CHARGE_SECTION,
	LPC_CHARGE_NR,
};

static unsigned int max_conn_queued = 64;
module_param(max_conn_queued, uint, 0644);
MODULE_PARM_DESC(max_conn_queued,
		 "default share of a connection port's queue one connection may hold (default 64)");

static unsigned int max_conn_queued_bytes = 4 << 20;
module_param(max_conn_queued_bytes, uint, 0644);
MODULE_PARM_DESC(max_conn_queued_bytes,
		 "default bytes one connection may have held by its server (default 4 MiB)");

/*
 * One client must not take all of a connection port's queue from the
 * others: each connection gets a share of its slots and of bytes, fixed
 * when the port is created (struct lpc_port_attr), from these defaults
 * when the creator gives none. The parameters are read at creation only.
 */
u32 lpc_conn_queued_default(u32 max_queued)
{
	return clamp(READ_ONCE(max_conn_queued), 1U, max_queued);
}

u32 lpc_conn_bytes_default(void)
{
	return max(READ_ONCE(max_conn_queued_bytes), 1U);
}

struct lpc_user {
	struct hlist_node node;
	kuid_t uid;
	u64 count[LPC_CHARGE_NR];
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

static u64 lpc_user_limit(enum lpc_charge what)
{
	switch (what) {
	case LPC_CHARGE_PORT:
		return READ_ONCE(max_ports_per_user);
	case LPC_CHARGE_CONN:
		return READ_ONCE(max_conns_per_user);
	default:
		return READ_ONCE(max_section_bytes_per_user);
	}
}

static bool lpc_user_idle(const struct lpc_user *u)
{
	int i;

	for (i = 0; i < LPC_CHARGE_NR; i++)
		if (u->count[i])
			return false;
	return true;
}

static int lpc_user_charge(enum lpc_charge what, u64 n)
{
	bool exempt = ns_capable_noaudit(&init_user_ns, CAP_SYS_RESOURCE);
	u64 limit = lpc_user_limit(what);
	kuid_t uid = current_euid();
	struct lpc_user *u, *new;
	int ret = 0;

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
	if ((n > limit || u->count[what] > limit - n) && !exempt)
		ret = -EDQUOT;
	else
		u->count[what] += n;
	if (lpc_user_idle(u)) {
		hash_del(&u->node);
		new = u;
	}
	spin_unlock(&lpc_users_lock);
	kfree(new);
	return ret;
}

static void lpc_user_uncharge(kuid_t uid, enum lpc_charge what, u64 n)
{
	struct lpc_user *u;

	spin_lock(&lpc_users_lock);
	u = lpc_user_find(uid);
	if (WARN_ON_ONCE(!u || u->count[what] < n)) {
		spin_unlock(&lpc_users_lock);
		return;
	}
	u->count[what] -= n;
	if (lpc_user_idle(u))
		hash_del(&u->node);
	else
		u = NULL;
	spin_unlock(&lpc_users_lock);
	kfree(u);
}

/* Charge a new connection port to the caller: 0 or -EDQUOT, -ENOMEM. */
int lpc_user_charge_port(void)
{
	return lpc_user_charge(LPC_CHARGE_PORT, 1);
}

void lpc_user_uncharge_port(kuid_t uid)
{
	lpc_user_uncharge(uid, LPC_CHARGE_PORT, 1);
}

/* Charge a new connection to the caller: 0 or -EDQUOT, -ENOMEM. */
int lpc_user_charge_conn(void)
{
	return lpc_user_charge(LPC_CHARGE_CONN, 1);
}

void lpc_user_uncharge_conn(kuid_t uid)
{
	lpc_user_uncharge(uid, LPC_CHARGE_CONN, 1);
}

/* Charge @bytes of a new section to the caller: 0 or -EDQUOT, -ENOMEM. */
int lpc_user_charge_sections(u64 bytes)
{
	return lpc_user_charge(LPC_CHARGE_SECTION, bytes);
}

void lpc_user_uncharge_sections(kuid_t uid, u64 bytes)
{
	lpc_user_uncharge(uid, LPC_CHARGE_SECTION, bytes);
}
