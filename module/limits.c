// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user limits on ports, connections and sections, per user namespace.
 *
 * Every connection port, every connection and every section's size is
 * charged to the credentials that created it, so that one user cannot pin
 * an unbounded amount of kernel memory (each object, and each section
 * page, is also charged to a memory cgroup). Past a limit, creation fails
 * with -EDQUOT. CAP_SYS_RESOURCE in the initial user namespace lifts the
 * limits, as for rlimits (the objects are still counted).
 *
 * The model is the kernel's ucounts (kernel/ucount.c, as used by inotify
 * and POSIX mq), in a table of lpc's own: a charge goes to the entry of
 * (the creator's user namespace, its euid), and to every level above it,
 * to (the parent namespace, the uid that created the child namespace), up
 * to the initial namespace. Each level is checked against the same limit,
 * and the charge is taken at every level or at none. So everything a user
 * namespace holds, whatever uids it maps, counts against its creator's
 * share in the parent; two namespaces made by different users have counts
 * of their own; and a uid inside a namespace cannot take more than one
 * share of what its namespace may hold.
 *
 * The objects keep the credentials they were charged to (a port its
 * owner, a connection its client's cred, a section its creator's), and
 * give them back to the uncharge: the key (cred->user_ns, cred->euid), and
 * the chain above it, never change, and the uncharge never looks at
 * current, which at teardown may be any task.
 *
 * lpc_users_lock guards the table and every count; it is a leaf lock,
 * taken on create, connect and free only, never on the message path. An
 * entry lives in the table while it counts anything, and holds a
 * reference on its user namespace for that time.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>

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

static unsigned int max_views_per_user = 4096;
module_param(max_views_per_user, uint, 0644);
MODULE_PARM_DESC(max_views_per_user,
		 "views one user's sends may have mapped in receivers (default 4096)");

static unsigned long max_section_size = SZ_64M;
module_param(max_section_size, ulong, 0644);
MODULE_PARM_DESC(max_section_size,
		 "largest section in bytes (default 64 MiB)");

static unsigned int max_conn_sections = 16;
module_param(max_conn_sections, uint, 0644);
MODULE_PARM_DESC(max_conn_sections,
		 "sections one connection may hold (default 16)");

static unsigned long max_conn_section_bytes = SZ_256M;
module_param(max_conn_section_bytes, ulong, 0644);
MODULE_PARM_DESC(max_conn_section_bytes,
		 "bytes of sections one connection may hold (default 256 MiB)");

static unsigned int max_kept_views = 16;
module_param(max_kept_views, uint, 0644);
MODULE_PARM_DESC(max_kept_views,
		 "views one port keeps mapped past their reply (default 16)");

static unsigned int max_conn_views = 64;
module_param(max_conn_views, uint, 0644);
MODULE_PARM_DESC(max_conn_views,
		 "views of one connection mapped in a receiver (default 64)");

enum lpc_charge {
	LPC_CHARGE_PORT,
	LPC_CHARGE_CONN,
	LPC_CHARGE_SECTION,
	LPC_CHARGE_VIEW,
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

/*
 * The bounds of sections (section.c) and of views mapped in a receiver
 * (view.c), read where they are enforced: a new value applies to the
 * next creation or the next view.
 */
u64 lpc_section_size_max(void)
{
	return min_t(u64, READ_ONCE(max_section_size), MAX_LFS_FILESIZE);
}

u32 lpc_conn_sections_max(void)
{
	return READ_ONCE(max_conn_sections);
}

u64 lpc_conn_section_bytes_max(void)
{
	return READ_ONCE(max_conn_section_bytes);
}

u32 lpc_kept_views_max(void)
{
	return READ_ONCE(max_kept_views);
}

u32 lpc_conn_views_max(void)
{
	return READ_ONCE(max_conn_views);
}

/**
 * struct lpc_ucount - what one uid of one user namespace holds
 * @node: in lpc_users, hashed by (@ns, @uid); or, once idle, on a private
 *	list of entries to free.
 * @ns: the user namespace (a reference while in the table).
 * @uid: the kernel uid: a creator's euid, or the owner of a child
 *	namespace of @ns.
 * @count: ports, connections and section bytes charged at this level.
 *
 * Every field is guarded by lpc_users_lock; @ns and @uid do not change
 * while the entry is in the table.
 */
struct lpc_ucount {
	struct hlist_node node;
	struct user_namespace *ns;
	kuid_t uid;
	u64 count[LPC_CHARGE_NR];
};

/* A level of the chain: whom a charge is counted against there. */
struct lpc_ukey {
	struct user_namespace *ns;
	kuid_t uid;
};

static DEFINE_HASHTABLE(lpc_users, 6);
static DEFINE_SPINLOCK(lpc_users_lock);

static u32 lpc_ukey_hash(const struct lpc_ukey *k)
{
	return hash_ptr(k->ns, 32) ^ __kuid_val(k->uid);
}

/* The first level: the creator's namespace and effective uid. */
static void lpc_ukey_init(struct lpc_ukey *k, const struct cred *cred)
{
	k->ns = cred->user_ns;
	k->uid = cred->euid;
}

/*
 * Go one level up: the namespace that created k->ns, and the uid that
 * created it there. False at the initial namespace. Every namespace pins
 * its parent, and the cred being charged pins the first one, so the chain
 * stays valid while it is walked.
 */
static bool lpc_ukey_up(struct lpc_ukey *k)
{
	if (!k->ns->parent)
		return false;
	k->uid = k->ns->owner;
	k->ns = k->ns->parent;
	return true;
}

static struct lpc_ucount *lpc_user_find_locked(const struct lpc_ukey *k)
{
	struct lpc_ucount *u;

	lockdep_assert_held(&lpc_users_lock);
	hash_for_each_possible(lpc_users, u, node, lpc_ukey_hash(k))
		if (u->ns == k->ns && uid_eq(u->uid, k->uid))
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
	case LPC_CHARGE_VIEW:
		return READ_ONCE(max_views_per_user);
	default:
		return READ_ONCE(max_section_bytes_per_user);
	}
}

static bool lpc_user_idle(const struct lpc_ucount *u)
{
	int i;

	for (i = 0; i < LPC_CHARGE_NR; i++)
		if (u->count[i])
			return false;
	return true;
}

/*
 * Can @n be charged at every level of @cred's chain? 0, or -EDQUOT if
 * one level would pass @limit (unless @exempt). *@missing: the levels
 * that have no entry yet, which the charge will have to insert.
 */
static int lpc_user_check_locked(const struct cred *cred, enum lpc_charge what,
				 u64 n, u64 limit, bool exempt, unsigned int *missing)
{
	struct lpc_ucount *u;
	struct lpc_ukey k;
	int ret = 0;
	u64 held;

	lockdep_assert_held(&lpc_users_lock);
	*missing = 0;
	lpc_ukey_init(&k, cred);
	do {
		u = lpc_user_find_locked(&k);
		held = u ? u->count[what] : 0;
		if (!u)
			(*missing)++;
		if (!exempt && (n > limit || held > limit - n))
			ret = -EDQUOT;
	} while (lpc_ukey_up(&k));
	return ret;
}

/*
 * Add @n at every level of @cred's chain, after lpc_user_check_locked() said
 * yes under the same hold of lpc_users_lock. Missing levels get an entry
 * from @spare, which holds at least as many as were missing.
 */
static void lpc_user_add_locked(const struct cred *cred, enum lpc_charge what,
				u64 n, struct hlist_head *spare)
{
	struct lpc_ucount *u;
	struct lpc_ukey k;

	lockdep_assert_held(&lpc_users_lock);
	lpc_ukey_init(&k, cred);
	do {
		u = lpc_user_find_locked(&k);
		if (!u) {
			u = hlist_entry(spare->first, struct lpc_ucount, node);
			hlist_del(&u->node);
			/* A reference, not a sleep: fine under the lock. */
			u->ns = get_user_ns(k.ns);
			u->uid = k.uid;
			hash_add(lpc_users, &u->node, lpc_ukey_hash(&k));
		}
		u->count[what] += n;
	} while (lpc_ukey_up(&k));
}

/* Allocate @nr zeroed entries onto @spare, charged to the caller. */
static int lpc_user_prealloc(struct hlist_head *spare, unsigned int nr)
{
	struct lpc_ucount *u;

	while (nr--) {
		u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
		if (!u)
			return -ENOMEM;
		hlist_add_head(&u->node, spare);
	}
	return 0;
}

/**
 * lpc_user_charge() - charge @n of @what to @cred, at every level
 * @cred: whom to charge: current's credentials, or those an object kept.
 * @exempt: @cred has CAP_SYS_RESOURCE in the initial user namespace.
 * @what: the resource.
 * @n: how much (1 for a port, a connection or a view, bytes for a section).
 *
 * The caller stores @cred in the object it charges for, and gives it back
 * to lpc_user_uncharge() when the object goes. Entries are allocated
 * with the lock dropped, so the check is redone with them in hand: after
 * a race, with as many more as are then missing.
 *
 * Return: 0, -EDQUOT (a level is at its limit) or -ENOMEM. Nothing is
 * charged on failure.
 */
static int lpc_user_charge(const struct cred *cred, bool exempt,
			   enum lpc_charge what, u64 n)
{
	u64 limit = lpc_user_limit(what);
	unsigned int spares = 0, missing;
	struct lpc_ucount *u;
	struct hlist_node *tmp;
	HLIST_HEAD(spare);
	int ret;

	if (!n)
		return 0;
	for (;;) {
		spin_lock(&lpc_users_lock);
		ret = lpc_user_check_locked(cred, what, n, limit, exempt, &missing);
		if (!ret && missing <= spares)
			lpc_user_add_locked(cred, what, n, &spare);
		spin_unlock(&lpc_users_lock);
		if (ret || missing <= spares)
			break;
		ret = lpc_user_prealloc(&spare, missing - spares);
		if (ret)
			break;
		spares = missing;
	}
	/* Unused spares never held a namespace reference. */
	hlist_for_each_entry_safe(u, tmp, &spare, node)
		kfree(u);
	return ret;
}

/**
 * lpc_user_uncharge() - give back what lpc_user_charge() took
 * @cred: the credentials that were current at the charge.
 * @what: the resource.
 * @n: the amount charged.
 *
 * Walks the same chain as the charge (it depends only on @cred), and
 * frees the entries that count nothing any more, with their namespace
 * references, after dropping the lock.
 */
static void lpc_user_uncharge(const struct cred *cred, enum lpc_charge what,
			      u64 n)
{
	struct lpc_ucount *u;
	struct hlist_node *tmp;
	struct lpc_ukey k;
	HLIST_HEAD(idle);

	if (!n)
		return;
	lpc_ukey_init(&k, cred);
	spin_lock(&lpc_users_lock);
	do {
		u = lpc_user_find_locked(&k);
		if (WARN_ON_ONCE(!u || u->count[what] < n))
			break;
		u->count[what] -= n;
		if (lpc_user_idle(u)) {
			hash_del(&u->node);
			hlist_add_head(&u->node, &idle);
		}
	} while (lpc_ukey_up(&k));
	spin_unlock(&lpc_users_lock);
	hlist_for_each_entry_safe(u, tmp, &idle, node) {
		put_user_ns(u->ns);
		kfree(u);
	}
}

/* A charge to current, exempt as rlimits are. */
static int lpc_user_charge_current(enum lpc_charge what, u64 n)
{
	return lpc_user_charge(current_cred(),
			       ns_capable_noaudit(&init_user_ns,
						  CAP_SYS_RESOURCE),
			       what, n);
}

/*
 * The entry points. Charges are to current's credentials (views: to the
 * sender's): 0, -EDQUOT or -ENOMEM. Uncharges take the credentials the
 * object kept (see above).
 */
int lpc_user_charge_port(void)
{
	return lpc_user_charge_current(LPC_CHARGE_PORT, 1);
}

void lpc_user_uncharge_port(const struct cred *cred)
{
	lpc_user_uncharge(cred, LPC_CHARGE_PORT, 1);
}

int lpc_user_charge_conn(void)
{
	return lpc_user_charge_current(LPC_CHARGE_CONN, 1);
}

void lpc_user_uncharge_conn(const struct cred *cred)
{
	lpc_user_uncharge(cred, LPC_CHARGE_CONN, 1);
}

/* @bytes of a new section. */
int lpc_user_charge_sections(u64 bytes)
{
	return lpc_user_charge_current(LPC_CHARGE_SECTION, bytes);
}

void lpc_user_uncharge_sections(const struct cred *cred, u64 bytes)
{
	lpc_user_uncharge(cred, LPC_CHARGE_SECTION, bytes);
}

/**
 * lpc_user_charge_views() - a view is mapped into its receiver
 * @cred: the sending side's credentials (the connection's client's, or
 *	the server's that accepted it), kept by the caller for the uncharge.
 *
 * Runs in the receiver; the sender pays. A view stays mapped after its
 * connection ended, until the receiver lets it go, so the per-connection
 * bound (view.c's max_conn_views) alone would let a sender that connects
 * again and again leave any number of views in a receiver that never
 * releases them; the per-user count bounds them all.
 *
 * Return: 0, -EDQUOT or -ENOMEM.
 */
int lpc_user_charge_views(const struct cred *cred)
{
	/*
	 * CAP_SYS_RESOURCE in the initial namespace, as the capability code
	 * decides it for credentials of that namespace (security_capable()
	 * is not exported; the LSMs are not asked, as for a noaudit check).
	 */
	bool exempt = cred->user_ns == &init_user_ns &&
		      cap_raised(cred->cap_effective, CAP_SYS_RESOURCE);

	return lpc_user_charge(cred, exempt, LPC_CHARGE_VIEW, 1);
}

/* @cred may be NULL: nothing was charged. */
void lpc_user_uncharge_views(const struct cred *cred)
{
	if (cred)
		lpc_user_uncharge(cred, LPC_CHARGE_VIEW, 1);
}
