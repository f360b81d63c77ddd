// SPDX-License-Identifier: GPL-2.0
/*
 * Port names, one directory per IPC namespace.
 *
 * A process sees the names of its own IPC namespace only. The module cannot
 * add a field to struct ipc_namespace, so it keeps its own list keyed by
 * the namespace's address. To make that key safe, each entry pins its
 * namespace through an nsfs file (the same reference /proc/PID/ns/ipc
 * holds): the namespace, and so its address, lives as long as names do.
 * The initial namespace, which lives for ever, is not pinned.
 *
 * Everything here is under lpc_ns_mutex. Names are created and looked up
 * on connect, create and queries only, never on the message path.
 *
 * Besides the name table, each namespace keeps its connection ports on a
 * list in serial order, so that a listing can resume after the last port
 * it returned (the query cursor) however ports come and go in between.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/proc_ns.h>
#include <linux/slab.h>
#include <linux/stringhash.h>

#include "internal.h"

#define LPC_NS_BITS	5

/**
 * struct lpc_ns - the names of one IPC namespace
 * @entry: on lpc_namespaces.
 * @ipc_ns: the namespace (key; pinned by @pin).
 * @pin: nsfs file holding a reference on @ipc_ns, or NULL without
 *	CONFIG_IPC_NS (there is only the initial namespace then).
 * @nr_names: names in @names; the entry goes away with the last one.
 * @ports: the same connection ports, by srv->ns_entry, in srv->serial order.
 * @names: connection ports by name hash.
 */
struct lpc_ns {
	struct list_head entry;
	struct ipc_namespace *ipc_ns;
	struct file *pin;
	unsigned int nr_names;
	struct list_head ports;
	struct hlist_head names[1 << LPC_NS_BITS];
};

static DEFINE_MUTEX(lpc_ns_mutex);
static LIST_HEAD(lpc_namespaces);

/*
 * A reference on the caller's IPC namespace: an nsfs file opened through
 * /proc, as /proc/PID/ns/ipc itself. No fd is involved (one would be seen,
 * and could be swapped, by the caller's other threads), and it is taken
 * before lpc_ns_mutex: a /proc that is not procfs (anything can be mounted
 * there in a mount namespace of one's own) may block, and must not block
 * every other creator. The initial namespace lives for ever and needs none.
 *
 * Return: the file, NULL if no pin is needed, or ERR_PTR(-EAGAIN) if
 * /proc/thread-self/ns/ipc is not the caller's namespace file, or the
 * error opening it gave (a namespace of its own needs /proc mounted).
 */
static struct file *lpc_pin_ipc_ns(struct ipc_namespace *ipc_ns)
{
	struct file *file;

	if (!IS_ENABLED(CONFIG_IPC_NS) || ipc_ns->ns.inum == PROC_IPC_INIT_INO)
		return NULL;
	file = filp_open("/proc/thread-self/ns/ipc", O_RDONLY, 0);
	if (IS_ERR(file))
		return file;
	if (file_inode(file)->i_sb->s_magic != NSFS_MAGIC ||
	    get_proc_ns(file_inode(file)) != &ipc_ns->ns) {
		fput(file);
		return ERR_PTR(-EAGAIN);
	}
	return file;
}

static struct lpc_ns *lpc_ns_find(struct ipc_namespace *ipc_ns)
{
	struct lpc_ns *ns;

	lockdep_assert_held(&lpc_ns_mutex);
	list_for_each_entry(ns, &lpc_namespaces, entry)
		if (ns->ipc_ns == ipc_ns)
			return ns;
	return NULL;
}

/* @pin: lpc_pin_ipc_ns()'s file, taken (set to NULL) by a new entry. */
static struct lpc_ns *lpc_ns_find_or_create(struct ipc_namespace *ipc_ns,
					    struct file **pin)
{
	struct lpc_ns *ns;

	lockdep_assert_held(&lpc_ns_mutex);
	ns = lpc_ns_find(ipc_ns);
	if (ns)
		return ns;
	if (IS_ERR(*pin))
		return ERR_CAST(*pin);

	ns = kzalloc(sizeof(*ns), GFP_KERNEL_ACCOUNT);
	if (!ns)
		return ERR_PTR(-ENOMEM);
	ns->ipc_ns = ipc_ns;
	ns->pin = *pin;
	*pin = NULL;
	INIT_LIST_HEAD(&ns->ports);
	list_add(&ns->entry, &lpc_namespaces);
	return ns;
}

static void lpc_ns_release_if_empty(struct lpc_ns *ns)
{
	lockdep_assert_held(&lpc_ns_mutex);
	if (ns->nr_names)
		return;
	list_del(&ns->entry);
	if (ns->pin)
		fput(ns->pin);
	kfree(ns);
}

static struct hlist_head *lpc_ns_bucket(struct lpc_ns *ns, const char *name,
					u32 len)
{
	u32 hash = full_name_hash(NULL, name, len);

	return &ns->names[hash_32(hash, LPC_NS_BITS)];
}

static struct lpc_port *lpc_ns_find_name(struct lpc_ns *ns, const char *name,
					 u32 len)
{
	struct lpc_server *srv;

	hlist_for_each_entry(srv, lpc_ns_bucket(ns, name, len), hnode)
		if (srv->name_len == len && !memcmp(srv->name, name, len))
			return srv->port;
	return NULL;
}

/*
 * Keep @ns->ports in serial order. Serials are handed out before the name
 * is published, so two creators racing each other can arrive out of
 * order; almost always the new port simply goes last.
 */
static void lpc_ns_add_port(struct lpc_ns *ns, struct lpc_server *srv)
{
	struct list_head *prev = &ns->ports;
	struct lpc_server *pos;

	lockdep_assert_held(&lpc_ns_mutex);
	list_for_each_entry_reverse(pos, &ns->ports, ns_entry) {
		if (pos->serial < srv->serial) {
			prev = &pos->ns_entry;
			break;
		}
	}
	list_add(&srv->ns_entry, prev);
}

/**
 * lpc_ns_publish() - give a new connection port its name
 * @port: the connection port; port->srv->name is set.
 *
 * The name goes into the caller's IPC namespace.
 *
 * Return: 0, -EEXIST if the name is taken, -ENOMEM.
 */
int lpc_ns_publish(struct lpc_port *port)
{
	struct ipc_namespace *ipc_ns = current->nsproxy->ipc_ns;
	struct lpc_server *srv = port->srv;
	struct file *pin;
	struct lpc_ns *ns;
	int ret = 0;

	pin = lpc_pin_ipc_ns(ipc_ns);
	mutex_lock(&lpc_ns_mutex);
	ns = lpc_ns_find_or_create(ipc_ns, &pin);
	if (IS_ERR(ns)) {
		ret = PTR_ERR(ns);
		goto out;
	}
	if (lpc_ns_find_name(ns, srv->name, srv->name_len)) {
		lpc_ns_release_if_empty(ns);
		ret = -EEXIST;
		goto out;
	}
	hlist_add_head(&srv->hnode, lpc_ns_bucket(ns, srv->name,
						  srv->name_len));
	lpc_ns_add_port(ns, srv);
	srv->ns = ns;
	ns->nr_names++;
out:
	mutex_unlock(&lpc_ns_mutex);
	if (!IS_ERR_OR_NULL(pin))
		fput(pin);
	return ret;
}

/**
 * lpc_ns_unpublish() - remove a closing connection port's name
 * @port: the connection port.
 *
 * After this no connect can find the port. Safe to call for a port whose
 * publication failed.
 */
void lpc_ns_unpublish(struct lpc_port *port)
{
	struct lpc_server *srv = port->srv;

	mutex_lock(&lpc_ns_mutex);
	if (srv->ns) {
		hlist_del_init(&srv->hnode);
		list_del_init(&srv->ns_entry);
		srv->ns->nr_names--;
		lpc_ns_release_if_empty(srv->ns);
		srv->ns = NULL;
	}
	mutex_unlock(&lpc_ns_mutex);
}

/**
 * lpc_ns_lookup() - find a connection port by name
 * @name: the name.
 * @len: its length.
 *
 * Looks in the caller's IPC namespace.
 *
 * Return: the port with a reference the caller must put, or NULL.
 */
struct lpc_port *lpc_ns_lookup(const char *name, u32 len)
{
	struct lpc_port *port = NULL;
	struct lpc_ns *ns;

	mutex_lock(&lpc_ns_mutex);
	ns = lpc_ns_find(current->nsproxy->ipc_ns);
	if (ns)
		port = lpc_ns_find_name(ns, name, len);
	if (port)
		lpc_port_get(port);
	mutex_unlock(&lpc_ns_mutex);
	return port;
}

/**
 * lpc_ns_ports_after() - connection ports of the caller's namespace
 * @after: a serial; only ports with a larger one are taken.
 * @ports: out: the ports, in serial order, each with a reference the
 *	caller must put.
 * @max: room in @ports.
 * @more: out: whether more ports follow the last one taken.
 *
 * Ports are taken whether or not the caller may see them: the ACL check
 * may sleep, and a port may disappear right after anyway.
 *
 * Return: the number of ports stored in @ports.
 */
unsigned int lpc_ns_ports_after(u64 after, struct lpc_port **ports,
				unsigned int max, bool *more)
{
	struct lpc_server *srv;
	unsigned int n = 0;
	struct lpc_ns *ns;

	*more = false;
	mutex_lock(&lpc_ns_mutex);
	ns = lpc_ns_find(current->nsproxy->ipc_ns);
	if (!ns)
		goto out;
	/* A linear walk: listings are rare, and bounded by the port limits. */
	list_for_each_entry(srv, &ns->ports, ns_entry) {
		if (srv->serial <= after)
			continue;
		if (n == max) {
			*more = true;
			break;
		}
		lpc_port_get(srv->port);
		ports[n++] = srv->port;
	}
out:
	mutex_unlock(&lpc_ns_mutex);
	return n;
}

void lpc_ns_exit(void)
{
	/* Every port holds a module reference through its file. */
	WARN_ON_ONCE(!list_empty(&lpc_namespaces));
}
