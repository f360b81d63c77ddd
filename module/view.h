/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What view.c (mapping views into receivers) and view_track.c (tracking
 * and unmapping them) share: the record of a mapped view, and the helpers
 * both sides of its life use. The rules are in view.c's top comment.
 */
#ifndef _LPC_VIEW_H
#define _LPC_VIEW_H

#include "section.h"

/**
 * struct lpc_view_map - a view mapped into a receiver
 * @entry: on the receiving port's views (protected by that port's lock).
 * @conn: the connection it came on, or NULL once that ended or once it
 *	left the port's list (protected by the port's lock; a tag for
 *	comparison and counting, holds no reference: the connection's end
 *	clears every tag on the list, under the same lock, before the
 *	connection can go). A view with a tag that is not @kept counts in
 *	the connection's nr_client_views or nr_server_views.
 * @mm: the address space it is mapped in (mmgrab()ed: compared, never
 *	used to reach memory).
 * @file: the file mapped (a reference), to recognise the mapping; it holds
 *	the section (section.c).
 * @payer: the sending side's credentials, charged this view
 *	(lpc_view_charge(); a reference; invariant).
 * @addr: where it was mapped.
 * @len: bytes mapped, page-aligned.
 * @pgoff: the file page mapped at @addr.
 * @id: the request that carried it, or 0 (and always 0 when @kept).
 * @readonly: mapped without write access (invariant).
 * @kept: outlives its reply and may be handed out again (invariant;
 *	counted in the port's nr_kept while on its list).
 */
struct lpc_view_map {
	struct list_head entry;
	struct lpc_conn *conn;
	struct mm_struct *mm;
	struct file *file;
	const struct cred *payer;
	unsigned long addr;
	unsigned long len;
	pgoff_t pgoff;
	u64 id;
	bool readonly;
	bool kept;
};

/* Views are tracked where requests are received and replies looked up. */
static inline struct lpc_port *lpc_view_home(struct lpc_port *port)
{
	struct lpc_conn *only;

	return lpc_service_port(port, &only);
}

/*
 * The count of @conn's views mapped into the side whose views @home lists:
 * the client's on its port, the server's on the connection port. Guarded
 * by @home->lock, as the list is.
 */
static inline u32 *lpc_view_count(struct lpc_port *home, struct lpc_conn *conn)
{
	return home->kind == LPC_PORT_CLIENT ? &conn->nr_client_views :
					       &conn->nr_server_views;
}

int lpc_view_charge(struct lpc_port *home, struct lpc_conn *conn,
		    struct lpc_view_map *v);
void lpc_view_uncharge(struct lpc_view_map *v);
void lpc_view_map_free(struct lpc_view_map *v);
void lpc_view_untag_locked(struct lpc_port *home, struct lpc_view_map *v);
bool lpc_view_intact(struct mm_struct *mm, const struct lpc_view_map *v);
int lpc_view_unmap(const struct lpc_view_map *v);
void lpc_view_retrack(struct lpc_port *home, struct lpc_view_map *v);
void lpc_view_unlink_locked(struct lpc_port *home, struct lpc_view_map *v,
			    struct list_head *to);
void lpc_views_free(struct lpc_port *home, struct list_head *list);
void lpc_views_reap(struct lpc_port *home);

#endif /* _LPC_VIEW_H */
